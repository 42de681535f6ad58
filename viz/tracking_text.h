#pragma once
// Terminal text of dorsale track and dorsale calibrate.
#include <string>

#include "models/tracking.h"

namespace dorsale::viz {

std::string track_text(const TrackResult& t);
std::string calibration_text(const CalibrationResult& c);

}  // namespace dorsale::viz
