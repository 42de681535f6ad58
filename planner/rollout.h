#pragma once
// plan_rollout: the roll-out use case. Year by year from the scenario's first to last year:
// private AMII/AMEL deployments follow their commitments; public deployments are timed by the
// optimiser under the yearly budgets (solvers/deployment.h); the NROs they open are connected
// by a collecte Steiner tree (solvers/collecte.h) paid from the same budget; in the
// alternatives year, premises still below 30 Mbit/s without FttH get the cheapest available
// alternative (copper upgrade, THD radio, 4G fixe, satellite), within each one's capacity
// (solvers/alternatives.h; the options and their capacity rules come from `alternatives.*`).
#include "models/parameters.h"
#include "models/region.h"
#include "models/results.h"

namespace dorsale::planner {

struct RolloutInput {
  const Region& region;
  const Parameters& params;
  int first_year = 2019, last_year = 2025;
  std::string origin;  // scenario file, for error messages
};

// Fills results.rollout and results.communes (years first-1 (baseline) .. last). Throws
// InputError when the budget series does not match the years.
void plan_rollout(const RolloutInput& in, ScenarioResults& results);

}  // namespace dorsale::planner
