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
// The sets are not materialised: a sweep is a count and "set k -> its values" (mixed-radix
// decoding of the grid), so a shard of a huge grid only builds its own sets.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/parameters.h"

namespace dorsale::scenarios {

// Most sets a sweep may define (grid combinations + explicit sets); documented in
// scenarios/README.md ("Input limits").
inline constexpr std::int64_t kMaxSweepSets = 10'000'000;

struct SweepSet {
  std::string name;
  std::vector<std::pair<std::string, double>> overrides;
};

class Sweep {
 public:
  Sweep() = default;
  // One set named `name` without overrides (no sweep file).
  static Sweep single(std::string name);
  std::int64_t size() const { return grid_size_ + std::int64_t(explicit_.size()); }
  // Set k (0 <= k < size()): grid combinations first (the first key, alphabetically, varying
  // fastest), then the explicit [[set]] tables in file order.
  SweepSet set(std::int64_t k) const;

 private:
  friend Sweep read_sweep(const std::string& path, const Parameters& base);
  std::vector<std::pair<std::string, std::vector<double>>> axes_;  // sorted by key
  std::int64_t grid_size_ = 0;
  std::vector<SweepSet> explicit_;
};

// Throws InputError (file, line, key) on an unknown key, a non-guichet key, a bad value, or
// more than kMaxSweepSets sets.
Sweep read_sweep(const std::string& path, const Parameters& base);

}  // namespace dorsale::scenarios
