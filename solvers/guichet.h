#pragma once
// Monte Carlo sizing of the guichet cohésion numérique (GCN).
//
// Each commune holds a pool of eligible premises (below the speed threshold, FttH not within
// the horizon). Every year it stays eligible, a share u of the premises still eligible applies
// (u drawn per département and draw, Beta); each applicant gets exactly one technology: THD
// radio within the commune's radio capacity, else 4G fixe within the 4G-covered spare share
// (a drawn share q still prefers satellite), else satellite; the subsidy is
// min(cap, equipment cost x a drawn cost factor).
//
// Determinism: draw d of set s uses its own random stream Rng(seed, s << 32 | d), so results do
// not depend on the thread count or on how sets are split between machines. Reductions run in
// draw order after the parallel loop.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/guichet.h"

namespace dorsale {
class Rng;
}
namespace dorsale::solvers {



struct GuichetCommune {
  int dep = 0;
  int ftth_year = 0;       // 0: no FttH within the plan
  double pool = 0;         // premises below the threshold at the start
  double radio_cap = 0;    // premises THD radio can serve
  double fourg_share = 0;  // share of the pool 4G fixe can serve (coverage x spare capacity)
};

struct GuichetInputs {
  int first_year{}, years{};
  std::vector<std::string> deps;
  std::vector<GuichetCommune> communes;
};

// Filled from the parameters by planner::guichet_params: no defaults of its own.
struct GuichetParams {
  int horizon_years{};
  double uptake_mean{}, uptake_sd{};
  double cost_sd{};
  double sat_pref_mean{}, sat_pref_sd{};
  std::array<double, kGuichetTechs> equipment{};
  std::array<double, kGuichetTechs> cap{};
};

// Eligible premises of a commune in year index y (0-based).
bool guichet_eligible(const GuichetCommune& c, int year, int horizon_years);

GuichetStats run_guichet(const GuichetInputs& in, const GuichetParams& p, int draws, std::uint64_t seed,
                         std::uint64_t set_index, int threads);

// Beta(mean, sd) draw (mean when sd == 0); exposed for tests.
double beta_draw(double mean, double sd, dorsale::Rng& rng);

}  // namespace dorsale::solvers
