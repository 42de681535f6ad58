#pragma once
// Mobile high points ("points hauts"): towers, masts, water towers carrying antennas.
#include <array>
#include <string>

#include "models/commune.h"
#include "models/geo.h"

namespace dorsale {

struct HighPoint {
  std::string id;  // "hp:000123"
  Position pos;
  std::string commune;  // INSEE code of the commune it stands in
  bool existing = true;  // false: a candidate site that could be built
  // Operator sites on it (one per row of the ARCEP file; usually 0 or 1, a few duplicates).
  std::array<int, kOperatorCount> sites{};
  std::array<bool, kOperatorCount> has_4g{};  // operators emitting 4G from it
  double height_m = 0;
  bool fibred = false;          // backhauled by fibre
  double build_cost_eur = 0;    // cost of building it (candidates)

  bool carries(int op) const { return sites[op] > 0; }
};

// Throws ValidationError naming the high point and the field.
void validate(const HighPoint& h);

}  // namespace dorsale
