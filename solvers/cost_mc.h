#pragma once
// The cost Monte Carlo: a plan's bill of quantities re-priced with each unit price drawn over
// its plausible range (ParamSpec low/high). Each component of the plan's spend (at the
// scenario's prices) is scaled by draw / value of its parameter; every parameter is drawn
// independently, triangular (low, value, high) or uniform on [low, high] (the range widened to
// include the value). Draw d uses its own random stream (seed, d): the quantiles do not depend
// on the thread count. The plan is fixed: what its quantities would cost, not a re-planning.
#include <cstdint>
#include <string>
#include <vector>

#include "models/progress.h"
#include "models/quantities.h"

namespace dorsale::solvers {

struct CostRangeInput {
  std::string parameter;
  double value = 0, low = 0, high = 0;
};

struct CostMcInput {
  std::vector<CostComponent> components;
  std::vector<CostRangeInput> ranges;  // one per parameter named by a component
  param::McDistribution distribution = param::McDistribution::Triangular;
  long draws = 1000;
  std::uint64_t seed = 0;
};

enum class CostMcStatus { Ok, BadInput };
struct CostMcResult {
  CostMcStatus status = CostMcStatus::Ok;
  std::string message;  // why the input was refused
  CostMonteCarlo figures;  // spends "public" (public FttH + collecte), "total" (public + private + alternatives), "masts"
};

// `progress` (may be null) counts the draws.
CostMcResult run_cost_mc(const CostMcInput& in, const ProgressCounter* progress = nullptr);

// Inverse CDF of the triangular distribution (a <= c <= b) at u in [0, 1].
double triangular_quantile(double a, double c, double b, double u);

}  // namespace dorsale::solvers
