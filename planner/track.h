#pragma once
// `dorsale track RUN_DIR --actuals FILE`: a run's FttH trajectory per département beside the
// published actuals (io/actuals.h): for every département of the run and date of the file,
// the plan read between its year ends (linear; the start is the run's start_date, year Y is
// 31 December of Y), the actual rate and the gap in points; the mean absolute gap.
#include <string>

#include "models/run_summary.h"
#include "models/tracking.h"

namespace dorsale::planner {

struct TrackConfig {
  std::string run_dir;  // a scenario folder of dorsale run (holding summary.json)
  std::string actuals;
  std::string out_dir;  // empty: nothing written; else DIR/track.csv and DIR/track.json
  char csv_separator = ',';
};

TrackResult track(const TrackConfig& cfg);

// The same on a run's summary in memory and an actuals file (what dorsale run does when its
// scenario names `actuals`).
TrackResult track_summary(const RunSummary& run, const std::string& actuals_file);

}  // namespace dorsale::planner
