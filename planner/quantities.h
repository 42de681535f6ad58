#pragma once
// Bills of quantities of a plan, per year and per département, derived from what the plan
// builds: the communes whose FttH the roll-out completes each year (premises passed, public or
// private, priced by density class), the collecte links it builds (trench, aerial, reused duct,
// cable-km by capacity class), the NROs it brings into service, the PMs of the premises passed
// (ARCEP decision 2010-1312 art. 3: zones of at least quantities.pm_min_premises premises, or
// quantities.pm_min_premises_remote where a remote-connection offer exists), the alternatives
// installed and the new masts of the towers programme. Written as quantities.csv; priced again
// by the cost Monte Carlo (solvers/cost_mc.h).
#include <optional>

#include "models/parameters.h"
#include "models/progress.h"
#include "models/quantities.h"
#include "models/region.h"
#include "models/results.h"
#include "models/towers.h"

namespace dorsale::planner {

// The PM zones of a group of premises passed together: as many zones as the minimum size
// allows (floor(premises / min)), each then of at least `min` premises; a group smaller than
// `min` in total is one zone (below the minimum: nothing else can be done).
int pm_count(std::int64_t premises, int min_premises);
// The PM zones behind one NRO in one year whose premises are partly in communes with a
// remote-connection offer (`remote`) and partly not (`plain`): the largest number of zones such
// that a zone holding any plain premises has at least `min_plain` premises and a zone of remote
// premises only at least `min_remote`; one zone when there is not enough for one (it is then
// below its minimum). Issue #21: 33,239 plain + 128 remote premises were 33 + 1 zones, one of
// 128 premises; they are 33 zones.
int pm_count_mixed(std::int64_t plain, std::int64_t remote, int min_plain, int min_remote);

// The planned link of the network a collecte link of the plan builds (the link index the plan
// carries), -1 for a new link; throws std::runtime_error when the plan names a planned link the
// network does not have.
int collecte_planned_link(const Network& net, const RolloutResults::CollecteLink& c);

// Whether a commune has a remote-connection offer (quantities.remote_offer).
bool remote_offer(const Commune& c, const Parameters& P);

// Throws std::runtime_error when the results carry no roll-out plan.
BillOfQuantities bill_of_quantities(const Region& region, const Parameters& P, const ScenarioResults& results,
                                    const std::optional<TowersResult>& towers);

// The cost Monte Carlo of a bill (quantities.mc_draws, quantities.mc_distribution, the cost
// parameters' ranges), seeded by the scenario's seed.
CostMonteCarlo cost_monte_carlo(const BillOfQuantities& bill, const Parameters& P, std::uint64_t seed, const ProgressCounter* progress = nullptr);

}  // namespace dorsale::planner
