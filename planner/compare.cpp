#include "planner/compare.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.h"
#include "viz/output_dir.h"
#include "viz/report.h"

namespace dorsale::planner {

using nlohmann::json;

nlohmann::json compare_runs(const std::vector<std::string>& runs) {
  if (runs.size() < 2) throw InputError("command line", 0, "runs", "compare needs at least two run folders");
  std::vector<json> sums;
  std::vector<std::string> names;
  for (const auto& dir : runs) {
    const std::string file = (std::filesystem::path(dir) / "summary.json").string();
    std::ifstream in(file);
    if (!in) throw InputError(file, 0, "", "cannot open (is this an output folder of dorsale run?)");
    json j;
    try {
      in >> j;
    } catch (const json::exception& e) {
      throw InputError(file, 0, "", std::string("malformed JSON: ") + e.what());
    }
    if (!j.contains("trajectory") || !j.contains("targets")) throw InputError(file, 0, "trajectory", "not a roll-out run (no trajectory)");
    names.push_back(j["scenario"]["name"].get<std::string>());
    sums.push_back(std::move(j));
  }
  json out;
  out["scenarios"] = names;
  out["runs"] = runs;
  json by_year = json::array(), by_dep = json::object(), targets = json::object();
  const auto& years0 = sums[0]["trajectory"];
  for (std::size_t y = 0; y < years0.size(); ++y) {
    json row = {{"year", years0[y]["year"]}};
    for (std::size_t k = 0; k < sums.size(); ++k) {
      const auto& tr = sums[k]["trajectory"];
      const json* yj = nullptr;
      for (const auto& t : tr)
        if (t["year"] == years0[y]["year"]) yj = &t;
      if (!yj) continue;
      json v = {{"pct_ge8", (*yj)["pct_ge8"]}, {"pct_ge30", (*yj)["pct_ge30"]}, {"pct_ftth", (*yj)["pct_ftth"]},
                {"public_spend_eur", yj->value("public_spend_eur", 0.0)}, {"private_spend_eur", yj->value("private_spend_eur", 0.0)},
                {"alternatives_eur", yj->value("alternatives_eur", 0.0)}, {"premises_by_technology", (*yj)["premises_by_technology"]}};
      row[names[k]] = v;
      for (const auto& [code, d] : (*yj)["by_departement"].items()) {
        if (!by_dep.contains(code)) by_dep[code] = json::array();
        json* drow = nullptr;
        for (auto& r : by_dep[code])
          if (r["year"] == years0[y]["year"]) drow = &r;
        if (!drow) {
          by_dep[code].push_back({{"year", years0[y]["year"]}});
          drow = &by_dep[code].back();
        }
        (*drow)[names[k]] = {{"pct_ge8", d["pct_ge8"]}, {"pct_ge30", d["pct_ge30"]}, {"pct_ftth", d["pct_ftth"]}};
      }
    }
    by_year.push_back(row);
  }
  for (std::size_t k = 0; k < sums.size(); ++k) targets[names[k]] = sums[k]["targets"];
  out["by_year"] = by_year;
  out["by_departement"] = by_dep;
  out["targets"] = targets;
  return out;
}

std::string compare_text(const json& cmp) {
  std::string s;
  const auto& names = cmp["scenarios"];
  s += fmt::format("{:6}", "year");
  for (const auto& n : names) s += fmt::format(" | {:^44}", n.get<std::string>());
  s += "\n" + fmt::format("{:6}", "");
  for (std::size_t k = 0; k < names.size(); ++k) s += fmt::format(" | {:>7} {:>7} {:>7} {:>9} {:>9}", ">=8%", ">=30%", "FttH%", "pub M€", "priv M€");
  s += "\n";
  for (const auto& row : cmp["by_year"]) {
    s += fmt::format("{:6}", row["year"].get<int>());
    for (const auto& n : names) {
      const auto& v = row[n.get<std::string>()];
      s += fmt::format(" | {:7.1f} {:7.1f} {:7.1f} {:9.1f} {:9.1f}", v["pct_ge8"].get<double>(), v["pct_ge30"].get<double>(),
                       v["pct_ftth"].get<double>(), v["public_spend_eur"].get<double>() / 1e6, v["private_spend_eur"].get<double>() / 1e6);
    }
    s += "\n";
  }
  for (const auto& n : names) {
    s += fmt::format("{}:", n.get<std::string>());
    for (const auto& [t, v] : cmp["targets"][n.get<std::string>()].items()) {
      if (v["met"].get<bool>())
        s += fmt::format("  {} met {}", t, v["met_year"].get<int>());
      else
        s += fmt::format("  {} missed in {} by {} premises", t, v["target_year"].get<int>(), v.value("premises_short_at_target_year", 0));
    }
    s += "\n";
  }
  return s;
}

nlohmann::json compare(const CompareConfig& cfg) {
  json cmp = compare_runs(cfg.runs);
  viz::OutputDir dir(cfg.out_dir, "compare");
  // the report of the compared runs, from their files
  std::vector<viz::ReportScenario> rs;
  for (std::size_t k = 0; k < cfg.runs.size(); ++k) {
    viz::ReportScenario x;
    x.name = cmp["scenarios"][k].get<std::string>();
    auto read_json = [&](const char* f) {
      std::ifstream in(std::filesystem::path(cfg.runs[k]) / f);
      nlohmann::json j;
      if (in) {
        try {
          in >> j;
        } catch (const nlohmann::json::exception&) {
          throw InputError((std::filesystem::path(cfg.runs[k]) / f).string(), 0, "", "malformed JSON");
        }
      }
      return j;
    };
    x.summary = read_json("summary.json");
    x.decisions = read_json("decisions.json");
    x.towers = read_json("towers.json");
    x.guichet = read_json("guichet.json");
    std::ifstream m(std::filesystem::path(cfg.runs[k]) / "map.svg");
    std::stringstream ss;
    ss << m.rdbuf();
    x.map = ss.str();
    rs.push_back(std::move(x));
  }
  const std::string html = viz::report_html("dorsale – comparison", rs);
  viz::write_file(dir.entry("compare.json"), cmp.dump(2) + "\n");
  viz::write_file(dir.entry("report.html"), html);
  dir.commit();
  return cmp;
}

}  // namespace dorsale::planner
