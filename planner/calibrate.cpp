#include "planner/calibrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "io/actuals.h"
#include "io/tracking.h"
#include "models/error.h"
#include "models/run_summary.h"
#include "planner/rollout.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "io/text.h"
#include "solvers/pace.h"
#include "io/output_dir.h"

namespace dorsale::planner {

namespace fs = std::filesystem;

namespace {

bool is_private(const Commune& c) { return c.zone == Zone::Amii || c.zone == Zone::Amel; }

scenarios::Scenario scenario_of(const std::string& name_or_file, std::string& text, std::string& base_dir) {
  std::error_code ec;
  if (fs::exists(name_or_file, ec) || name_or_file.find('/') != std::string::npos || name_or_file.ends_with(".toml")) {
    text = scenarios::read_text_file(name_or_file, "the scenario file");
    base_dir = fs::path(name_or_file).parent_path().string();
    return scenarios::load_scenario(name_or_file);
  }
  scenarios::Scenario s = scenarios::builtin_scenario(name_or_file);
  text = scenarios::builtin_scenario_text(name_or_file);
  return s;
}

// Each département's zones at the start, in the region's order.
std::vector<std::pair<std::string, solvers::PaceDepartement>> departement_zones(const Region& R) {
  std::vector<std::pair<std::string, solvers::PaceDepartement>> out;
  std::map<std::string, std::size_t> index;
  for (const auto& d : R.departements) index.emplace(d.code, out.size()), out.push_back({d.code, {}});
  for (const auto& c : R.communes) {
    auto it = index.find(c.departement);
    if (it == index.end()) it = index.emplace(c.departement, out.size()).first, out.push_back({c.departement, {}});
    auto& z = out[it->second].second;
    const double premises = double(c.premises()), passed = double(c.band(Band::Ftth));
    if (is_private(c)) z.private_premises += premises, z.private_passed += passed;
    else z.public_premises += premises, z.public_passed += passed;
  }
  return out;
}

// The calibrated plan, run: each département's FttH rate at the start and every year end.
std::map<std::string, std::vector<double>> run_rates(const Region& R, const scenarios::Scenario& s, ScenarioResults& res) {
  plan_rollout(RolloutInput{R, s.params, s.first_year, s.last_year, s.file}, res);
  const auto totals = year_totals(R, res);
  std::map<std::string, std::vector<double>> out;
  for (std::size_t d = 0; d < R.departements.size(); ++d)
    for (const auto& t : totals) out[R.departements[d].code].push_back(share_figures(t.bands_by_departement[d]).pct_ftth);
  return out;
}

// The private pace each département's per-commune observatory shows before the start (passed
// premises of its private-zone communes between the first and the last quarter dated up to
// the start, per year, over the zone's premises); none without such a file or two quarters.
std::map<std::string, double> observed_private_pace(const scenarios::Scenario& s, const Region& R, double start) {
  std::map<std::string, double> out;
  if (s.region.kind != scenarios::RegionSource::Kind::OpenData) return out;
  std::string file = s.region.files.arcep_ftth;
  if (file.empty() && !s.region.opendata_dir.empty()) file = scenarios::locate_opendata(s.region.opendata_dir).arcep_ftth;
  if (file.empty()) return out;
  const io::ObservatoryCommunes oc = io::read_observatory_communes(file);
  int first = -1, last = -1;
  for (int q = 0; q < int(oc.quarters.size()); ++q)
    if (decimal_year(oc.quarters[q]) <= start + 1e-9) {
      if (first < 0 || oc.quarters[q] < oc.quarters[first]) first = q;
      if (last < 0 || oc.quarters[last] < oc.quarters[q]) last = q;
    }
  if (first < 0 || first == last) return out;
  const double years = decimal_year(oc.quarters[last]) - decimal_year(oc.quarters[first]);
  std::map<std::string, std::pair<double, double>> grown;  // by département: passed growth, zone premises
  for (const auto& c : R.communes) {
    if (!is_private(c)) continue;
    auto& g = grown[c.departement];
    g.second += double(c.premises());
    if (auto it = oc.passed.find(c.code); it != oc.passed.end()) g.first += double(it->second[last] - it->second[first]);
  }
  for (const auto& [dep, g] : grown)
    if (g.second > 0) out[dep] = std::max(0.0, g.first / years / g.second);
  return out;
}

}  // namespace

CalibrationResult calibrate(const CalibrateConfig& cfg) {
  std::string text, base_dir;
  scenarios::Scenario s = scenario_of(cfg.scenario, text, base_dir);
  Date until{};
  if (!cfg.until.empty()) {
    until = parse_date(cfg.until);
    if (!is_valid(until)) throw InputError("--until", 0, "until", fmt::format("'{}' is not a date (YYYY-MM-DD)", cfg.until));
  }
  viz::OutputDir dir(cfg.out_dir, "calibrate");  // before the work: a bad -o fails first
  Region region = scenarios::load_region(s);
  scenarios::fit_budgets(s, region);  // an open-data region gets budgets for its premises (budgets.scale)
  const Region& R = region;
  const std::string start_text = plan_start_date(R, s.params, s.first_year);
  const double start = decimal_year(parse_date(start_text));

  const auto zones = departement_zones(R);
  io::ActualsScope scope;
  for (const auto& [code, z] : zones) {
    scope.departements.push_back(code);
    scope.premises_by_departement[code] = std::int64_t(z.premises());
  }
  const Actuals actuals = actuals_until(io::read_actuals(cfg.actuals, scope), until);
  if (actuals.points.empty())
    throw InputError(cfg.actuals, 0, "date", fmt::format("no actual of the region's départements dated up to {}", cfg.until.empty() ? "the end" : cfg.until));

  CalibrationResult c;
  c.scenario = s.name;
  c.calibrated_name = s.name + "-calibrated";
  c.start_date = start_text;
  c.method = "least squares on the FttH rate (points of %) per département, regularised by a prior on the private pace "
             "(pace.private_prior_sd); grid over (private share, public share, public start), then pattern search";
  c.ramp_years = s.params.pace.public_ramp_years;
  c.tail_years = s.params.pace.tail_years;
  c.target_year = s.params.pace.public_target_year;
  Date last{};
  for (const auto& p : actuals.points) last = std::max(last, p.date);
  c.until = is_valid(until) ? to_string(until) : to_string(last);
  const solvers::PaceShape shape{c.ramp_years, c.tail_years};
  const double target = double(c.target_year);
  std::map<std::string, std::vector<solvers::PaceObservation>> obs;
  for (const auto& p : actuals.points) {
    const double t = decimal_year(p.date);
    if (t < start - 1e-9) ++c.points_before_start;
    else obs[p.departement].push_back({t, p.pct});
  }
  scenarios::Scenario cal = s;
  cal.name = c.calibrated_name;
  cal.params.pace.model = param::PaceModel::Ramp;
  cal.params.pace.start_date = start_text;
  const auto prior = observed_private_pace(s, R, start);
  for (const auto& [code, z] : zones) {
    const auto it = obs.find(code);
    if (it == obs.end()) continue;  // no actual: the [pace] defaults
    solvers::PaceBounds bounds;
    bounds.private_prior = prior.count(code) ? prior.at(code) : s.params.pace.private_share_per_year;
    bounds.private_prior_sd = s.params.pace.private_prior_sd;
    const solvers::PaceFit f = fit_pace(z, shape, start, s.first_year, s.last_year, it->second, bounds, target);
    DepartementFit d;
    d.code = code;
    for (const auto& dep : R.departements)
      if (dep.code == code) d.name = dep.name;
    d.private_share_per_year = f.rates.private_share;
    d.public_share_per_year = f.rates.public_share;
    d.public_start_year = f.rates.public_start;
    d.points = f.points;
    d.fit_rmse_pts = f.rmse_pts;
    d.fit_max_abs_pts = f.max_abs_pts;
    d.fit_mean_abs_pts = f.mean_abs_pts;
    d.private_premises = z.private_premises;
    d.private_prior = bounds.private_prior;
    d.private_prior_source = prior.count(code) ? "observatory" : "pace.private_share_per_year";
    d.public_premises = z.public_premises;
    c.points_used += f.points;
    cal.params.pace_by_departement[code] = {std::round(f.rates.private_share * 1e4) / 1e4, std::round(f.rates.public_share * 1e4) / 1e4,
                                           std::round(f.rates.public_start * 1e3) / 1e3};
    c.departements.push_back(d);
  }

  // The money side: a year whose budget stops the fitted pace gets the budget the pace needs
  // (raised by a quarter at a time, at most 12 times: deterministic).
  auto& budget = cal.params.budgets.public_eur_per_year;
  c.budget_before = budget;
  ScenarioResults res;
  std::map<std::string, std::vector<double>> rates;
  for (int round = 0;; ++round) {
    res = ScenarioResults{};
    rates = run_rates(R, cal, res);
    bool raised = false;
    for (std::size_t y = 0; y < res.rollout.years.size() && round < 12; ++y)
      if (res.rollout.years[y].budget_bound) {
        budget[y] = std::ceil(budget[y] * 1.25 / 1e5) * 1e5;
        raised = true;
      }
    if (!raised) break;
  }
  c.budget_after = budget;
  for (std::size_t y = 0; y < budget.size(); ++y)
    if (budget[y] > c.budget_before[y]) c.budget_raised_years.push_back(s.first_year + int(y));
  c.money_note = c.budget_raised_years.empty()
                     ? "the scenario's budgets pay the fitted pace in every year: budgets unchanged"
                     : "the scenario's public budgets (or its costs per premises) cannot pay the pace the actuals show in the years "
                       "listed: budgets.public_eur_per_year is raised there to what the fitted pace needs, so the pace, not the "
                       "money, bounds those years (as it did in 2018-2020)";
  // the calibrated run's own residual on the fitted points
  for (auto& d : c.departements) {
    double sum = 0;
    int n = 0;
    for (const auto& o : obs[d.code]) {
      const double p = solvers::rate_at(rates[d.code], start, s.first_year, o.t);
      if (p < 0) continue;
      sum += std::abs(p - o.pct);
      d.run_max_abs_pts = std::max(d.run_max_abs_pts, std::abs(p - o.pct));
      ++n;
    }
    d.run_mean_abs_pts = n ? sum / n : 0;
  }
  c.calibrated_toml = io::calibrated_toml(text, s.file, base_dir, c, c.ramp_years, c.tail_years, budget);
  scenarios::parse_scenario(c.calibrated_toml, "calibrated.toml", "");  // what is written must load
  viz::write_file(dir.entry("calibrated.toml"), c.calibrated_toml);
  viz::write_file(dir.entry("fit.json"), io::fit_json(c) + "\n");
  dir.commit();
  return c;
}

}  // namespace dorsale::planner
