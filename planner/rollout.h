#pragma once
// plan_rollout: the roll-out use case. Year by year from the scenario's first to last year:
// private AMII/AMEL deployments follow their commitments; public deployments are timed by the
// optimiser under the yearly budgets (solvers/deployment.h); the NROs they open are connected
// by a collecte Steiner tree (solvers/collecte.h) paid from the same budget; in the
// alternatives year, premises still below 30 Mbit/s without FttH get the cheapest available
// alternative (copper upgrade, THD radio, 4G fixe, satellite), within each one's capacity
// (solvers/alternatives.h; the options and their capacity rules come from `alternatives.*`).
//
// The optimiser plans with each NRO's standalone connection cost (its cheapest connection to
// the network as it stands before the plan), which over-estimates the shared tree built; a
// repair pass then spends each year's unspent budget on the waiting public communes it can pay,
// each at its FttH cost plus the collecte it really needs then (its NRO joined to the network
// built so far), largest value gain per euro first, until none fits. The optimiser's
// objective, bound and gap are those of its planning model (standalone connection costs).
#include "models/parameters.h"
#include "models/progress.h"
#include "models/region.h"
#include "models/results.h"

namespace dorsale::planner {

struct RolloutInput {
  const Region& region;
  const Parameters& params;
  int first_year = 2019, last_year = 2025;
  std::string origin;  // scenario file, for error messages
  // The repair pass (on by default): a year's unspent budget goes to waiting public communes
  // it can pay (FttH + the collecte they really need). Off: the optimiser's plan as it is
  // (to measure what the pass changes).
  bool repair = true;
  ProgressSink* progress = nullptr;  // may be null: the optimiser's steps counted
};

// The date (YYYY-MM-DD) of the state a plan starts from: pace.start_date, else the region's
// FttH source date, else 31 December before first_year.
std::string plan_start_date(const Region& region, const Parameters& params, int first_year);

// Fills results.rollout and results.communes (years first-1 (baseline) .. last). Throws
// InputError when the budget series does not match the years.
void plan_rollout(const RolloutInput& in, ScenarioResults& results);

// A year that ends with public budget unspent while public communes wait (FttH in a later year
// or not within the horizon) that this budget could have paid: each commune's FttH plus its
// NRO's connection to the network built by the end of the year, as results.rollout records it
// (each commune counted alone).
struct IdleBudgetYear {
  int year = 0;
  double unspent_eur = 0;
  int communes = 0;
  std::int64_t premises = 0;  // premises without FttH in those communes
  double cost_eur = 0;        // their FttH + collecte, each counted alone
};
// The audit of a plan made by plan_rollout with the same input: the years with idle budget
// and affordable waiting communes (none with the repair pass on).
std::vector<IdleBudgetYear> idle_budget(const RolloutInput& in, const ScenarioResults& results);

}  // namespace dorsale::planner
