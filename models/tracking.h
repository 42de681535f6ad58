#pragma once
// Following a plan against what happened (dorsale track) and fitting the build pace to it
// (dorsale calibrate): plain results, written by io/tracking.h, shown by viz/tracking_text.h.
#include <optional>
#include <string>
#include <vector>

#include "models/actuals.h"

namespace dorsale {

struct TrackRow {
  std::string departement;
  Date date;
  Indicator indicator = Indicator::Ftth;
  std::optional<double> planned_pct;  // none: the date is outside the plan's span
  double actual_pct = 0;
  std::optional<double> gap_pts;      // planned - actual
};

struct TrackResult {
  std::string run;           // scenario name of the run
  std::string start_date;    // the plan's start (its state); year Y: 31 December of Y
  std::string actuals_layout;
  std::vector<TrackRow> rows;  // by département then date
  int compared = 0;            // rows with both a plan and an actual
  std::optional<double> mae_pts;  // mean absolute gap over those rows
};

struct DepartementFit {
  std::string code, name;
  double private_share_per_year = 0, public_share_per_year = 0, public_start_year = 0;
  int points = 0;                   // actuals fitted (dated from the start to `until`)
  double fit_rmse_pts = 0, fit_max_abs_pts = 0, fit_mean_abs_pts = 0;  // the fit's own residual (pace model)
  double run_mean_abs_pts = 0, run_max_abs_pts = 0;                   // the calibrated run's residual on the same points
  double private_premises = 0, public_premises = 0;
  double private_prior = 0;          // the prior's centre
  std::string private_prior_source;  // "observatory" or "pace.private_share_per_year"
};

struct CalibrationResult {
  std::string scenario, calibrated_name;
  std::string start_date, until;  // until: the last actuals date used
  std::string method;
  double ramp_years = 0, tail_years = 0;
  long target_year = 0;  // pace.public_target_year
  std::vector<DepartementFit> departements;
  int points_used = 0, points_before_start = 0;
  // The money side: the budgets the fitted pace needs (raised where the scenario's could not pay it)
  std::vector<double> budget_before, budget_after;
  std::vector<int> budget_raised_years;
  std::string money_note;
  std::string calibrated_toml;  // the scenario file written
};

}  // namespace dorsale
