#pragma once
// Sweep files (TOML) for `dorsale guichet --sweep`: parameter sets to run.
//
//   [grid]                      # every combination of these values (keys sorted)
//   "guichet.uptake_mean" = [0.15, 0.25, 0.35]
//   "guichet.satellite_cap_eur" = [300, 600]
//
//   [[set]]                     # and/or explicit sets, after the grid
//   name = "generous"
//   "guichet.satellite_cap_eur" = 800
//
// Only `guichet.*` parameters can be swept; each value is checked against its range.
#include <string>
#include <utility>
#include <vector>

#include "models/parameters.h"

namespace dorsale::scenarios {

struct SweepSet {
  std::string name;
  std::vector<std::pair<std::string, double>> overrides;
};

// Throws InputError (file, line, key) on an unknown key, a non-guichet key, a bad value.
std::vector<SweepSet> read_sweep(const std::string& path, const Parameters& base);

}  // namespace dorsale::scenarios
