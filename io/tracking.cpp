#include "io/tracking.h"
#include "io/spelling.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml.hpp>

#include "io/json_reader.h"
#include "models/error.h"

namespace dorsale::io {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Numbers as they carry: rates and gaps to 0.01 point, shares to 1e-4.
double round_to(double v, double step) { return std::round(v / step) * step; }
json opt(const std::optional<double>& v, double step) { return v ? json(round_to(*v, step)) : json(nullptr); }

}  // namespace

std::string track_json(const TrackResult& t) {
  json rows = json::array();
  for (const auto& r : t.rows)
    rows.push_back({{"departement", r.departement},
                    {"date", to_string(r.date)},
                    {"indicator", io::spell(r.indicator)},
                    {"planned_pct", opt(r.planned_pct, 0.01)},
                    {"actual_pct", round_to(r.actual_pct, 0.01)},
                    {"gap_pts", opt(r.gap_pts, 0.01)}});
  json j = {{"run", t.run}, {"start_date", t.start_date}, {"actuals_layout", t.actuals_layout},
            {"rows", rows}, {"compared", t.compared}, {"mae_pts", opt(t.mae_pts, 0.01)}};
  return j.dump(2);
}

std::string track_csv(const TrackResult& t, char sep) {
  auto num = [&](const std::optional<double>& v) {
    if (!v) return std::string();
    std::string s = fmt::format("{:.2f}", *v);
    if (sep == ';')
      for (auto& ch : s)
        if (ch == '.') ch = ',';
    return s;
  };
  std::string out = fmt::format("departement{0}date{0}indicator{0}planned_pct{0}actual_pct{0}gap_pts\r\n", sep);
  for (const auto& r : t.rows)
    out += fmt::format("{1}{0}{2}{0}{3}{0}{4}{0}{5}{0}{6}\r\n", sep, r.departement, to_string(r.date), io::spell(r.indicator),
                       num(r.planned_pct), num(r.actual_pct), num(r.gap_pts));
  return out;
}

std::string fit_json(const CalibrationResult& c) {
  json deps = json::array();
  for (const auto& d : c.departements)
    deps.push_back({{"departement", d.code},
                    {"name", d.name},
                    {"pace.private_share_per_year", round_to(d.private_share_per_year, 1e-4)},
                    {"pace.public_share_per_year", round_to(d.public_share_per_year, 1e-4)},
                    {"pace.public_start_year", round_to(d.public_start_year, 1e-3)},
                    {"private_prior", {{"share_per_year", round_to(d.private_prior, 1e-4)}, {"source", d.private_prior_source}}},
                    {"private_zone_premises", d.private_premises},
                    {"public_zone_premises", d.public_premises},
                    {"points", d.points},
                    {"fit_residual_pts", {{"rmse", round_to(d.fit_rmse_pts, 0.01)}, {"mean_abs", round_to(d.fit_mean_abs_pts, 0.01)},
                                          {"max_abs", round_to(d.fit_max_abs_pts, 0.01)}}},
                    {"run_residual_pts", {{"mean_abs", round_to(d.run_mean_abs_pts, 0.01)}, {"max_abs", round_to(d.run_max_abs_pts, 0.01)}}}});
  json money = {{"parameter", "budgets.public_eur_per_year"},
                {"scenario_eur", c.budget_before},
                {"calibrated_eur", c.budget_after},
                {"raised_years", c.budget_raised_years},
                {"note", c.money_note}};
  json j = {{"scenario", c.scenario},
            {"calibrated_scenario", c.calibrated_name},
            {"start_date", c.start_date},
            {"until", c.until},
            {"method", c.method},
            {"shape", {{"pace.public_ramp_years", c.ramp_years}, {"pace.tail_years", c.tail_years}, {"pace.public_target_year", c.target_year}}},
            {"points_used", c.points_used},
            {"points_before_start", c.points_before_start},
            {"departements", deps},
            {"money", money}};
  return j.dump(2);
}

namespace {

// Keys in sorted order, so the file reads the same on every machine.
using Value = toml::basic_value<toml::discard_comments, std::map, std::vector>;
using Table = Value::table_type;
using Array = Value::array_type;

std::string absolute(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p.rfind("builtin:", 0) == 0 || p == "none" || p == "auto" || p == "derived") return p;  // not paths
  fs::path path(p);
  if (path.is_absolute() || base_dir.empty()) return fs::absolute(path).lexically_normal().string();
  return fs::absolute(fs::path(base_dir) / path).lexically_normal().string();
}

void absolute_at(Value& table, const std::string& key, const std::string& base_dir) {
  if (!table.is_table() || !table.contains(key)) return;
  Value& v = table.as_table().at(key);
  if (v.is_string()) v = absolute(base_dir, v.as_string().str);
  else if (v.is_array())
    for (auto& e : v.as_array())
      if (e.is_string()) e = absolute(base_dir, e.as_string().str);
}

}  // namespace

std::string calibrated_toml(const std::string& original_text, const std::string& origin, const std::string& base_dir,
                            const CalibrationResult& c, double ramp_years, double tail_years,
                            const std::vector<double>& budget) {
  std::istringstream in(original_text);
  Value root = toml::parse<toml::discard_comments, std::map, std::vector>(in, origin);
  auto& top = root.as_table();
  const bool builtin = origin.rfind("builtin:", 0) == 0;
  if (top.count("scenario")) {
    auto& sc = top.at("scenario");
    sc.as_table()["name"] = c.calibrated_name;
    if (sc.contains("requests")) {
      auto& r = sc.as_table().at("requests");
      if (r.is_string()) r = builtin ? "builtin:" + r.as_string().str : absolute(base_dir, r.as_string().str);
    }
  }
  if (top.count("region")) {
    auto& rg = top.at("region");
    absolute_at(rg, "opendata_dir", base_dir);
    absolute_at(rg, "network_plan", base_dir);
    if (rg.contains("files"))
      for (auto& [k, v] : rg.as_table().at("files").as_table()) {
        (void)v;
        absolute_at(rg.as_table().at("files"), k, base_dir);
      }
  }
  if (top.count("network")) absolute_at(top.at("network"), "path", base_dir);
  Table pace;
  if (top.count("pace") && top.at("pace").is_table()) pace = top.at("pace").as_table();
  pace["model"] = "ramp";
  pace["public_ramp_years"] = ramp_years;
  pace["tail_years"] = tail_years;
  pace["public_target_year"] = static_cast<std::int64_t>(c.target_year);
  if (!c.start_date.empty()) pace["start_date"] = c.start_date;
  Table deps;
  for (const auto& d : c.departements)
    deps[d.code] = Table{{"private_share_per_year", round_to(d.private_share_per_year, 1e-4)},
                               {"public_share_per_year", round_to(d.public_share_per_year, 1e-4)},
                               {"public_start_year", round_to(d.public_start_year, 1e-3)}};
  pace["departements"] = deps;
  top["pace"] = pace;
  Array b;
  for (double v : budget) b.push_back(static_cast<std::int64_t>(std::round(v)));  // whole euros, written as integers
  if (!top.count("budgets") || !top.at("budgets").is_table()) top["budgets"] = Table{};
  top.at("budgets").as_table()["public_eur_per_year"] = b;
  std::string text = fmt::format(
      "# Calibrated by `dorsale calibrate` from {} on ARCEP actuals to {} ({}).\n"
      "# [pace] is fitted per département; the fit.json written with this file holds the residuals.\n\n",
      origin, c.until, c.method);
  std::ostringstream os;
  os << std::setw(100) << root;
  return text + os.str();
}

}  // namespace dorsale::io

namespace dorsale::io {

using viz::JsonReader;
using viz::parse_json_document;

namespace {
double ranged(const JsonReader& rd, const nlohmann::json& o, const std::string& key, const std::string& where, double lo, double hi) {
  const double v = rd.number_at(o, key, where);
  if (!(v >= lo && v <= hi))
    throw InputError(rd.file, 0, where.empty() ? key : where + "." + key, fmt::format("{} is outside [{}, {}]", v, lo, hi));
  return v;
}
}  // namespace

TrackResult track_from_json_text(const std::string& text, const std::string& file) {
  const nlohmann::json j = parse_json_document(text, file, "a track.json of dorsale run or track");
  const JsonReader rd{file};
  TrackResult t;
  t.run = rd.string_at(j, "run", "");
  t.start_date = rd.string_at(j, "start_date", "");
  t.actuals_layout = rd.string_at(j, "actuals_layout", "");
  const auto& rows = rd.array(rd.at(j, "rows", ""), "rows");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::string w = fmt::format("rows[{}]", k);
    TrackRow r;
    r.departement = rd.string_at(rows[k], "departement", w);
    r.date = parse_date(rd.string_at(rows[k], "date", w));
    if (!is_valid(r.date)) throw InputError(file, 0, w + ".date", "is not a date");
    r.actual_pct = ranged(rd, rows[k], "actual_pct", w, 0, 100);
    const auto& p = rd.at(rows[k], "planned_pct", w);
    if (!p.is_null()) r.planned_pct = ranged(rd, rows[k], "planned_pct", w, 0, 100);
    const auto& g = rd.at(rows[k], "gap_pts", w);
    if (!g.is_null()) r.gap_pts = ranged(rd, rows[k], "gap_pts", w, -100, 100);
    t.rows.push_back(r);
  }
  t.compared = int(rd.integer_at(j, "compared", "", 0, 1 << 30));
  if (!rd.at(j, "mae_pts", "").is_null()) t.mae_pts = ranged(rd, j, "mae_pts", "", 0, 100);
  return t;
}

}  // namespace dorsale::io
