#pragma once
// `dorsale calibrate SCENARIO --actuals FILE [--until DATE] -o DIR`: fits the build pace
// (solvers/pace.h) of each département to the published FttH rates dated from the plan's start
// to `until` (least squares; grid then pattern search), then checks the money side: the
// calibrated plan is run, and a year whose budget stops the fitted pace has its budget raised
// (budgets.public_eur_per_year; fit.json says which years and by how much). Writes
// DIR/calibrated.toml (a scenario dorsale run accepts as it is) and DIR/fit.json; never reads
// an actual dated after `until`.
#include <string>

#include "models/tracking.h"

namespace dorsale::planner {

struct CalibrateConfig {
  std::string scenario;  // a scenario file, or the name of a built-in one (bfc-2022)
  std::string actuals;
  std::string until;     // YYYY-MM-DD; empty: every date of the file
  std::string out_dir;
};

CalibrationResult calibrate(const CalibrateConfig& cfg);

}  // namespace dorsale::planner
