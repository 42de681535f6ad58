#pragma once
// The region a scenario asks for: the built-in generator or the open-data import, its derived
// network, a real network put in its place, the scenario's commitments; then the budgets
// fitted to it.
#include "io/scenario.h"
#include "models/region.h"

namespace dorsale::scenarios {

// The region a scenario asks for (built-in generator or open-data import), validated.
Region load_region(const Scenario& s);

// The public budgets fitted to the region (budgets.scale). An open-data region whose scenario
// gives no budgets.public_eur_per_year gets the default budgets × its premises /
// budgets.reference_premises ("premises_share"), keeps them ("none"), or is refused with an
// InputError naming budgets.scale ("refuse") unless it has exactly budgets.reference_premises
// premises. The built-in region and budgets the scenario gives are left as they are. What was
// done is recorded in the region's provenance ("budgets: ..."). Call it before planning.
void fit_budgets(Scenario& s, Region& region);

}  // namespace dorsale::scenarios
