#include "models/resilience.h"

#include <tuple>

namespace dorsale {

bool worse_failure(const Failure& a, const Failure& b) {
  return std::make_tuple(-a.cut_premises, -a.cut_high_points, int(a.kind), a.id) <
         std::make_tuple(-b.cut_premises, -b.cut_high_points, int(b.kind), b.id);
}

}  // namespace dorsale
