#include "viz/compare_writer.h"

#include <fmt/format.h>

#include <fstream>

#include "models/error.h"
#include "viz/summary_json.h"

namespace dorsale::viz {

using nlohmann::json;

namespace {

ShareFigures shares_of(const json& j) { return {j.at("pct_ge8").get<double>(), j.at("pct_ge30").get<double>(), j.at("pct_ftth").get<double>()}; }

json shares_json(const ShareFigures& s) { return {{"pct_ge8", s.pct_ge8}, {"pct_ge30", s.pct_ge30}, {"pct_ftth", s.pct_ftth}}; }

TargetAssessment target_of(const std::string& name, const json& v) {
  TargetAssessment t;
  t.name = name;
  t.target_year = v.at("target_year").get<int>();
  if (!v.at("met_year").is_null()) t.met_year = v.at("met_year").get<int>();
  if (v.contains("premises_short_at_target_year")) t.premises_short_at_target_year = v.at("premises_short_at_target_year").get<std::int64_t>();
  if (v.contains("pct_short_at_target_year")) t.pct_short_at_target_year = v.at("pct_short_at_target_year").get<double>();
  t.met = v.at("met").get<bool>();
  return t;
}

}  // namespace

RunSummary read_run_summary(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file.string(), 0, "", "cannot open (is this an output folder of dorsale run?)");
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {
    throw InputError(file.string(), 0, "", std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("trajectory") || !j.contains("targets"))
    throw InputError(file.string(), 0, "trajectory", "not a roll-out run (no trajectory)");
  RunSummary s;
  try {
    s.name = j.at("scenario").at("name").get<std::string>();
    s.communes = j.at("region").at("communes").get<std::int64_t>();
    s.premises = j.at("region").at("premises").get<std::int64_t>();
    s.planned = true;
    const json ro = j.value("rollout", json::object());
    s.rollout = {ro.value("public_spend_eur", 0.0), ro.value("private_spend_eur", 0.0), ro.value("alternatives_eur", 0.0),
                 ro.value("collecte_eur", 0.0), ro.value("collecte_km", 0.0)};
    for (const auto& y : j.at("trajectory")) {
      RunSummary::Year ry;
      ry.year = y.at("year").get<int>();
      ry.figures.shares = shares_of(y);
      ry.figures.public_spend_eur = y.value("public_spend_eur", 0.0);
      ry.figures.private_spend_eur = y.value("private_spend_eur", 0.0);
      ry.figures.alternatives_eur = y.value("alternatives_eur", 0.0);
      for (int t = 0; t < kTechnologyCount; ++t)
        ry.figures.premises_by_technology[t] = y.at("premises_by_technology").at(technology_key(Technology(t))).get<std::int64_t>();
      for (const auto& [code, d] : y.at("by_departement").items()) ry.by_departement[code] = shares_of(d);
      s.trajectory.push_back(std::move(ry));
    }
    for (const auto& [name, v] : j.at("targets").items()) s.targets.push_back(target_of(name, v));
  } catch (const json::exception& e) {
    throw InputError(file.string(), 0, "trajectory", std::string("not a summary.json of dorsale run: ") + e.what());
  }
  return s;
}

json comparison_json(const Comparison& c) {
  json out;
  out["scenarios"] = c.scenarios;
  out["runs"] = c.runs;
  json by_year = json::array(), by_dep = json::object(), targets = json::object();
  for (const auto& row : c.by_year) {
    json r = {{"year", row.year}};
    for (const auto& [name, f] : row.by_scenario) {
      json v = shares_json(f.shares);
      v["public_spend_eur"] = f.public_spend_eur;
      v["private_spend_eur"] = f.private_spend_eur;
      v["alternatives_eur"] = f.alternatives_eur;
      json techs;
      for (int t = 0; t < kTechnologyCount; ++t) techs[technology_key(Technology(t))] = f.premises_by_technology[t];
      v["premises_by_technology"] = techs;
      r[name] = v;
    }
    by_year.push_back(r);
  }
  for (const auto& [code, rows] : c.by_departement) {
    json a = json::array();
    for (const auto& row : rows) {
      json r = {{"year", row.year}};
      for (const auto& [name, s] : row.by_scenario) r[name] = shares_json(s);
      a.push_back(r);
    }
    by_dep[code] = a;
  }
  for (const auto& [name, t] : c.targets) targets[name] = targets_json(t);
  out["by_year"] = by_year;
  out["by_departement"] = by_dep;
  out["targets"] = targets;
  return out;
}

std::string comparison_text(const Comparison& c) {
  std::string s = fmt::format("{:6}", "year");
  for (const auto& n : c.scenarios) s += fmt::format(" | {:^44}", n);
  s += "\n" + fmt::format("{:6}", "");
  for (std::size_t k = 0; k < c.scenarios.size(); ++k)
    s += fmt::format(" | {:>7} {:>7} {:>7} {:>9} {:>9}", ">=8%", ">=30%", "FttH%", "pub M€", "priv M€");
  s += "\n";
  for (const auto& row : c.by_year) {
    s += fmt::format("{:6}", row.year);
    for (const auto& n : c.scenarios) {
      const auto it = row.by_scenario.find(n);
      if (it == row.by_scenario.end()) {
        s += fmt::format(" | {:>43}", "-");
        continue;
      }
      const auto& v = it->second;
      s += fmt::format(" | {:7.1f} {:7.1f} {:7.1f} {:9.1f} {:9.1f}", v.shares.pct_ge8, v.shares.pct_ge30, v.shares.pct_ftth,
                       v.public_spend_eur / 1e6, v.private_spend_eur / 1e6);
    }
    s += "\n";
  }
  for (const auto& n : c.scenarios) {
    s += fmt::format("{}:", n);
    auto targets = c.targets.at(n);
    std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& t : targets) {
      if (t.met)
        s += fmt::format("  {} met {}", t.name, *t.met_year);
      else
        s += fmt::format("  {} missed in {} by {} premises", t.name, t.target_year, t.premises_short_at_target_year.value_or(0));
    }
    s += "\n";
  }
  return s;
}

}  // namespace dorsale::viz
