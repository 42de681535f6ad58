#pragma once
// The bill of quantities and the cost quantiles as the report and the terminal show them (the
// files themselves, quantities.csv and cost_mc.csv: io/quantities_writer.h).
#include <string>
#include <vector>

#include "models/quantities.h"

namespace dorsale::viz {

// One terminal line per spend: plan, P10, P50, P90 in M EUR.
std::string cost_mc_text(const CostMonteCarlo& mc);

// The report's section of one scenario: quantities by year (région) and by département (plan
// total), and the cost quantiles.
std::string quantities_section(const std::string& name, const std::vector<QuantitiesRow>& rows, const CostMonteCarlo* mc);

}  // namespace dorsale::viz
