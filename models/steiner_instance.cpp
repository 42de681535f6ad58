#include "models/steiner_instance.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "models/error.h"

namespace dorsale {

void validate(const SteinerInstance& s) {
  const std::string who = "Steiner instance " + s.name;
  if (s.nodes <= 0) throw ValidationError(who, "nodes", "no node");
  for (std::size_t i = 0; i < s.edges.size(); ++i) {
    const auto& e = s.edges[i];
    if (e.u < 0 || e.u >= s.nodes || e.v < 0 || e.v >= s.nodes)
      throw ValidationError(who, fmt::format("edge {}", i + 1), "node out of range");
    if (e.u == e.v) throw ValidationError(who, fmt::format("edge {}", i + 1), "self loop");
    if (!(e.w >= 0) || !std::isfinite(e.w)) throw ValidationError(who, fmt::format("edge {}", i + 1), "negative or non-finite weight");
  }
  std::set<int> t;
  for (int v : s.terminals) {
    if (v < 0 || v >= s.nodes) throw ValidationError(who, "terminals", fmt::format("terminal {} out of range", v + 1));
    if (!t.insert(v).second) throw ValidationError(who, "terminals", fmt::format("terminal {} given twice", v + 1));
  }
}

}  // namespace dorsale
