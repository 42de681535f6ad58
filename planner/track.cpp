#include "planner/track.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "io/actuals.h"
#include "io/tracking.h"
#include "models/error.h"
#include "models/run_summary.h"
#include "solvers/pace.h"
#include "io/compare_writer.h"
#include "io/output_dir.h"

namespace dorsale::planner {

namespace fs = std::filesystem;

namespace {

// The summary.json of a scenario folder, or of the only scenario folder inside a run folder.
fs::path summary_of(const std::string& dir) {
  const fs::path d(dir);
  std::error_code ec;
  if (fs::is_regular_file(d / "summary.json", ec)) return d / "summary.json";
  if (!fs::is_directory(d, ec)) throw InputError(dir, 0, "", "is not a folder of dorsale run");
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(d, ec))
    if (e.path().filename().string()[0] != '.' && fs::is_regular_file(e.path() / "summary.json", ec)) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  if (found.size() == 1) return found[0] / "summary.json";
  if (found.empty()) throw InputError(dir, 0, "summary.json", "no summary.json (is this an output folder of dorsale run?)");
  std::string names;
  for (const auto& f : found) names += (names.empty() ? "" : ", ") + f.filename().string();
  throw InputError(dir, 0, "summary.json", fmt::format("holds several scenarios ({}): name one folder", names));
}

}  // namespace

TrackResult track_summary(const RunSummary& run, const std::string& actuals_file) {
  const std::string where = run.name + " summary";
  if (run.trajectory.empty()) throw InputError(where, 0, "trajectory", "is empty");
  const int first_year = run.trajectory.front().year + 1;
  const std::string start_text = !run.start_date.empty() ? run.start_date : to_string(Date{first_year - 1, 12, 31});
  const Date start = parse_date(start_text);
  if (!is_valid(start)) throw InputError(where, 0, "start_date", fmt::format("'{}' is not a date", start_text));
  io::ActualsScope scope;
  for (const auto& [code, premises] : run.premises_by_departement) scope.departements.push_back(code);
  scope.premises_by_departement = run.premises_by_departement;
  if (scope.departements.empty())
    for (const auto& [code, f] : run.trajectory.front().by_departement) scope.departements.push_back(code);
  const Actuals actuals = io::read_actuals(actuals_file, scope);

  TrackResult out;
  out.run = run.name;
  out.start_date = start_text;
  out.actuals_layout = actuals.layout;
  double sum = 0;
  for (const auto& p : actuals.points) {
    TrackRow row{p.departement, p.date, p.indicator, std::nullopt, p.pct, std::nullopt};
    std::vector<double> traj;
    for (const auto& y : run.trajectory) {
      auto it = y.by_departement.find(p.departement);
      if (it == y.by_departement.end()) break;
      traj.push_back(it->second.pct_ftth);
    }
    if (traj.size() == run.trajectory.size()) {
      const double planned = solvers::rate_at(traj, decimal_year(start), first_year, decimal_year(p.date));
      if (planned >= 0) {
        row.planned_pct = planned;
        row.gap_pts = planned - p.pct;
        sum += std::abs(*row.gap_pts);
        ++out.compared;
      }
    }
    out.rows.push_back(row);
  }
  if (out.compared > 0) out.mae_pts = sum / out.compared;
  return out;
}

TrackResult track(const TrackConfig& cfg) {
  const fs::path summary_file = summary_of(cfg.run_dir);
  const TrackResult out = track_summary(viz::read_run_summary(summary_file), cfg.actuals);
  if (!cfg.out_dir.empty()) {
    viz::OutputDir dir(cfg.out_dir, "track");
    viz::write_file(dir.entry("track.csv"), io::track_csv(out, cfg.csv_separator));
    viz::write_file(dir.entry("track.json"), io::track_json(out) + "\n");
    dir.commit();
  }
  return out;
}

}  // namespace dorsale::planner
