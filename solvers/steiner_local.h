#pragma once
// Construction and local search for Steiner trees (Uchoa & Werneck, "Fast local search for
// Steiner trees in graphs", ALENEX 2010; Takahashi & Matsuyama's shortest-path heuristic):
//  - shortest-path heuristic (SPH) grown by one Dijkstra whose tree nodes re-enter at distance 0;
//  - MST of the node set then pruning of non-terminal leaves;
//  - key-path exchange: a key path (between terminals or branching nodes, inner nodes Steiner of
//    degree 2) is replaced by the shortest path joining the two parts it separates, found by a
//    Dijkstra from the smaller part bounded by the key path's length;
//  - Steiner vertex insertion (MST of the tree's edges and the vertex's edges to the tree) and
//    key-vertex elimination (MST of the tree's nodes but the vertex, in the induced subgraph).
// All work on a compact instance (solvers/steiner_reduce.h) and are deterministic.
#include <limits>
#include <vector>

#include "models/steiner_instance.h"

namespace dorsale::solvers {

// Adjacency arrays of an instance, each node's edges by weight (then edge index).
struct SteinerCsr {
  int n = 0;
  std::vector<int> start, to, eid;
  std::vector<char> terminal;
  explicit SteinerCsr(const SteinerInstance& s);
};

struct SteinerTree {
  double cost = std::numeric_limits<double>::infinity();
  std::vector<int> edges;  // indices into the instance's edges
};

// Node set of the SPH tree from `root` with edge weights `w` (empty when a terminal is unreachable).
std::vector<char> steiner_sph(const SteinerCsr& g, const std::vector<double>& w, int root);
// MST of the subgraph induced by `in` (instance weights), non-terminal leaves pruned; infinite
// cost when that subgraph is disconnected.
SteinerTree steiner_mst_prune(const SteinerInstance& s, const SteinerCsr& g, const std::vector<char>& in);
// Key-path exchange, vertex insertion and key-vertex elimination until none improves or
// `max_rounds` rounds. Returns whether the tree improved.
bool steiner_local_search(const SteinerInstance& s, const SteinerCsr& g, SteinerTree& t, int max_rounds);

// Exact by dynamic programming over terminal subsets (Dreyfus & Wagner, with Dijkstra steps as
// in Erickson, Monma & Veinott): O(3^k n + 2^k m log n) for k + 1 terminals. Use when
// steiner_dp_work(s) is small.
double steiner_dp_work(const SteinerInstance& s);
SteinerTree steiner_dreyfus_wagner(const SteinerInstance& s);

}  // namespace dorsale::solvers
