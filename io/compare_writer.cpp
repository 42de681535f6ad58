#include "io/compare_writer.h"
#include "io/spelling.h"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <map>

#include "models/error.h"
#include "io/json_reader.h"
#include "io/summary_json.h"

namespace dorsale::viz {

using nlohmann::json;

namespace {

json shares_json(const ShareFigures& s) { return {{"pct_ge8", s.pct_ge8}, {"pct_ge30", s.pct_ge30}, {"pct_ftth", s.pct_ftth}}; }

}  // namespace

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
      for (int t = 0; t < kTechnologyCount; ++t) techs[io::spell(Technology(t))] = f.premises_by_technology[t];
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
  if (!c.guichet.empty()) {  // the runs' guichet, each under the rules in force each year
    json g = json::object();
    auto q = [](const Quantiles& x) { return json{{"mean", x.mean}, {"p10", x.p10}, {"p50", x.p50}, {"p90", x.p90}, {"se", x.se}}; };
    for (const auto& [name, side] : c.guichet) {
      json years = json::array();
      for (std::size_t y = 0; y < side.subsidy_by_year.size(); ++y)
        years.push_back({{"year", side.first_year + int(y)}, {"subsidy_eur", q(side.subsidy_by_year[y])}});
      g[name] = {{"draws", side.draws}, {"subsidy_total_eur", q(side.subsidy_total)}, {"premises_total", q(side.premises_total)}, {"by_year", years}};
    }
    out["guichet"] = g;
  }
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
  // totals of the plan's years, and each run's difference from the first (the reference)
  std::map<std::string, std::array<double, 3>> totals;  // public, private, alternatives
  for (const auto& row : c.by_year)
    for (const auto& [name, f] : row.by_scenario) {
      auto& t = totals[name];
      t[0] += f.public_spend_eur;
      t[1] += f.private_spend_eur;
      t[2] += f.alternatives_eur;
    }
  s += fmt::format("{:6}", "total");
  for (const auto& n : c.scenarios) {
    const auto& t = totals[n];
    s += fmt::format(" | {:>23} {:9.1f} {:9.1f}", fmt::format("alternatives {:.1f}", t[2] / 1e6), t[0] / 1e6, t[1] / 1e6);
  }
  s += "\n";
  for (std::size_t k = 1; k < c.scenarios.size(); ++k) {
    const auto &r = totals[c.scenarios[0]], &t = totals[c.scenarios[k]];
    s += fmt::format("{} vs {} (reference): public {:+.1f} M€, private {:+.1f} M€, alternatives {:+.1f} M€, total {:+.1f} M€\n", c.scenarios[k],
                     c.scenarios[0], (t[0] - r[0]) / 1e6, (t[1] - r[1]) / 1e6, (t[2] - r[2]) / 1e6, (t[0] + t[1] + t[2] - r[0] - r[1] - r[2]) / 1e6);
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
