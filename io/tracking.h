#pragma once
// The files of dorsale track and dorsale calibrate:
//   track.json  {"run", "start_date", "rows": [{"departement", "date", "indicator",
//               "planned_pct", "actual_pct", "gap_pts"}...], "compared", "mae_pts"}
//               (planned_pct and gap_pts null outside the plan's span)
//   track.csv   the same rows, RFC 4180, ',' or ';' separated
//   fit.json    each département's fitted pace, its residual, the money side
//   calibrated.toml  the scenario with its fitted [pace] (a file dorsale run accepts as is)
#include <string>

#include "models/tracking.h"

namespace dorsale::io {

std::string track_json(const TrackResult& t);
std::string track_csv(const TrackResult& t, char separator = ',');
std::string fit_json(const CalibrationResult& c);

// track.json read back (a run folder's, for the report of dorsale compare): InputError naming
// the file and the field.
TrackResult track_from_json_text(const std::string& text, const std::string& file);

// The calibrated scenario: the text of the original (`origin`, relative paths resolved against
// `base_dir` and written absolute; a built-in scenario's example requests as
// "builtin:requests-example.csv"), named `name`, with [pace] model "ramp", the shape, one
// [pace.departements."<code>"] table per fit, and the budget series given.
std::string calibrated_toml(const std::string& original_text, const std::string& origin, const std::string& base_dir,
                            const CalibrationResult& c, double ramp_years, double tail_years,
                            const std::vector<double>& budget);

}  // namespace dorsale::io
