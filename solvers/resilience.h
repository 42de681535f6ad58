#pragma once
// Single-failure resilience of a network (Boost.Graph): which one failure — a link, a
// shared-risk group (every link in the same duct or trench, failing as one), a node — cuts
// which nodes from the core, and the premises and high points that hang off them.
//
// Method. The core nodes are joined to one extra root vertex, parallel links between two nodes
// become one edge with a multiplicity, and boost::biconnected_components gives the blocks and
// the articulation points; the block-cut tree rooted at the root gives, for each articulation
// point and each bridge (a block of one edge of multiplicity 1), the nodes below it: those it
// cuts. A shared-risk group removes several links at once: an edge disappears when all its
// parallel links are in the group; when no two disappearing edges share a block and none is
// alone in its block the graph stays connected (a block of two edges or more is 2-connected:
// one edge less leaves it connected), otherwise the
// nodes still reached are recounted by a breadth-first search from the core. O(V + E) for the
// links and nodes, plus O(V + E) per group that needs the search.
//
// Contract: `core`, `premises` and `high_points` index the network's nodes (premises and
// high_points have one entry per node); a core node may appear twice. A failing node's own
// premises and high points are not counted as cut (every NRO cuts its own premises). Nodes
// that no path joins to the core before any failure are reported as the baseline, never
// attributed to a failure. Deterministic: the same input gives the same result.
#include <cstdint>
#include <vector>

#include "models/network.h"
#include "models/resilience.h"

namespace dorsale::solvers {

struct ResilienceInput {
  std::vector<int> core;                   // node indices the connectivity is counted to
  std::vector<std::int64_t> premises;      // per node: premises attached to it
  std::vector<std::int64_t> high_points;   // per node: fibred high points attached to it
  bool include_planned = false;            // count planned links as built
};

// status NoCore (nothing examined) when `core` is empty. Throws std::invalid_argument when an
// index is out of range or a per-node vector has the wrong size.
ResilienceResult analyse_resilience(const Network& net, const ResilienceInput& in);

}  // namespace dorsale::solvers
