#pragma once
// The built-in region "bfc": a deterministic, seeded synthetic Bourgogne-Franche-Comté,
// calibrated to the SCORAN 2019 figures (DOMAIN.md) through the `calibration.*`, `bands.*`,
// `phase2.*`, `thd_radio.*`, `mobile.*` and `network.*` parameters.
//
// What is real: the 8 départements (codes, names, areas, relative sizes), their prefectures
// and main towns (INSEE codes, approximate positions and populations), the motorway corridors
// the Dorsale follows, the external hubs. What is generated: the other communes (positions
// spread around the towns, populations from a log-normal fitted to "71 % under 500"), the
// split of premises into bands and zones, 4G coverage, high points, NROs and RIP links.
//
// Larger synthetic regions for scale runs: raise `calibration.communes` (and population,
// premises) and the generator tiles copies of the 8 départements side by side (département
// codes 10..99), every absolute target scaled by premises / 1.7 M.
#include <cstdint>

#include "models/parameters.h"
#include "models/region.h"

namespace dorsale::scenarios {

// Same parameters and seed give the same region, bit for bit. Throws ValidationError if the
// parameters cannot be met (e.g. more phase-2 premises than premises).
Region build_builtin_region(const Parameters& params, std::uint64_t seed);

}  // namespace dorsale::scenarios
