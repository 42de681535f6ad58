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
// one edge less leaves it connected). Otherwise cut-space labels decide (random 64-bit labels on
// the links off a spanning tree, a tree link the XOR of those whose cycle crosses it: the labels
// of a cut XOR to zero, so a group whose labels are linearly independent over GF(2) cuts
// nothing; a false "dependent" has probability ~2^-64 and only costs a search), and only then
// are the nodes still reached recounted by a breadth-first search from the core: the answer is
// exact whatever the labels (a group of more than 64 links is always searched). O(V + E) for
// the links and nodes, O(k * 64) per group of k links, plus O(V + E) per group that cuts. The
// cut counts of a link or node are range sums over the block-cut tree's depth-first order
// (prefix sums): O(1) each, plus the listed nodes (max_listed), so a long chain stays linear.
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
  std::int64_t max_listed = -1;            // cut nodes listed per failure (Failure::cut_nodes); -1: all
};

// status NoCore (nothing examined) when `core` is empty. Throws std::invalid_argument when an
// index is out of range or a per-node vector has the wrong size.
ResilienceResult analyse_resilience(const Network& net, const ResilienceInput& in);

}  // namespace dorsale::solvers
