#pragma once
// `dorsale resilience`: which single failure (link, shared-risk group, node) cuts which NROs,
// high points and premises from the core (the Dorsale's points of presence and the external
// hubs, or the node given by --from), on a scenario's network or a real one.
#include <optional>
#include <string>

#include "models/parameters.h"
#include "models/region.h"
#include "models/resilience.h"
#include "solvers/resilience.h"

namespace dorsale::planner {

struct ResilienceConfig {
  std::string scenario;   // scenario file; empty: the built-in bfc-2022
  std::string network;    // a real network in place of the scenario's (read_network); empty: none
  std::optional<std::string> from;  // --from: a node id, the core is this node alone; unset: PoPs + external hubs;
                                    // set but blank: an InputError (it used to mean the default core)
  bool include_planned = false;  // --planned: count planned links as built
  bool full = false;             // --full: list every cut node (default: network.resilience_listed_nodes)
};

// The solver's input on a region: the core (`from`, or every Dorsale PoP and external hub),
// per node the premises of the communes it is the NRO of, and the fibred high points attached
// to it (the nearest node that is not an external hub, within interconnect.attach_max_km; the
// others are counted in `unattached`). Throws InputError naming `source` and the field
// `--from` when `from` names no node, or when there is no core (no PoP nor hub).
solvers::ResilienceInput resilience_input(const Region& region, const Parameters& params, const std::string& from,
                                          bool include_planned, const std::string& source, std::int64_t* unattached = nullptr);

// Computes the resilience of a region's network (no I/O).
// Each failure lists network.resilience_listed_nodes of its cut nodes (all when `full`).
ResilienceResult resilience_of(const Region& region, const Parameters& params, const std::string& from = "",
                               bool include_planned = false, const std::string& source = "", bool full = false);

// Loads the scenario (and the network), computes. Throws InputError on bad input (an unknown
// --from node, a region without a network).
ResilienceResult resilience(const ResilienceConfig& cfg);

}  // namespace dorsale::planner
