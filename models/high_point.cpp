#include "models/high_point.h"

#include <cmath>

#include "models/error.h"

namespace dorsale {

void validate(const HighPoint& h) {
  const std::string who = "high point " + h.id;
  if (h.id.empty()) throw ValidationError("high point", "id", "empty");
  if (!std::isfinite(h.pos.x) || !std::isfinite(h.pos.y))
    throw ValidationError(who, "position", "not a finite position");
  if (h.height_m < 0) throw ValidationError(who, "height_m", "negative");
  if (h.build_cost_eur < 0) throw ValidationError(who, "build_cost_eur", "negative");
  if (h.existing) {
    bool any = false;
    for (int n : h.sites) {
      if (n < 0) throw ValidationError(who, "sites", "negative count");
      any |= n > 0;
    }
    if (!any) throw ValidationError(who, "operators", "an existing site carries at least one operator");
  }
}

}  // namespace dorsale
