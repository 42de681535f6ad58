#pragma once
// Whether a scenario's plan meets its targets: the planner decides, the writers only report.
#include <vector>

#include "models/parameters.h"
#include "models/results.h"

namespace dorsale::planner {

// The three targets (>= 8 Mbit/s by targets.good_broadband_year, >= 30 Mbit/s by
// targets.thd_year, FttH by targets.ftth_year) assessed on the yearly commune states.
std::vector<TargetAssessment> assess_targets(const CommuneStates& states, const param::Targets& targets);

}  // namespace dorsale::planner
