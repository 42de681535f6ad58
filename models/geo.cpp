#include "models/geo.h"

namespace dorsale {

double distance_km(const Position& a, const Position& b) {
  return std::hypot(a.x - b.x, a.y - b.y) / 1000.0;
}

}  // namespace dorsale
