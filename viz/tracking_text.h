#pragma once
// Terminal text of dorsale track and dorsale calibrate.
#include <string>

#include "models/run_summary.h"
#include "models/tracking.h"

namespace dorsale::viz {

std::string track_text(const TrackResult& t);
std::string calibration_text(const CalibrationResult& c);

// The report's section: per département the plan's FttH line (start and year ends) and the
// actuals as dots, with the mean absolute gap; the limit that bound each paced year.
std::string tracking_section(const std::string& name, const RunSummary& summary, const TrackResult* track);

}  // namespace dorsale::viz
