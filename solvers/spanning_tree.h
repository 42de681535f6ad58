#pragma once
// Minimum spanning tree (Kruskal, LEMON's lemon::kruskal) of an undirected weighted graph
// given as plain data: nodes 0..n-1 and an edge list.
//
// Contract: every edge's ends lie in [0, node_count); weights are finite (negative and zero
// weights are allowed). On a disconnected graph the answer is a minimum spanning forest
// (one tree per component). Complexity O(m log m) for m edges.
//
// Determinism: the same input gives the same tree in the same order, always. Among edges of
// equal weight the choice is LEMON's (its edge list sorted by weight), and the tree edges come
// back in the order LEMON's ListGraph iterates them (a fixed function of the input order),
// which the built-in region relies on to number its RIP links.
#include <cstddef>
#include <vector>

namespace dorsale::solvers {

struct WeightedEdge {
  int a = 0, b = 0;
  double weight = 0;
};

enum class SpanningTreeStatus { Spanning, Forest, InvalidInput };

struct SpanningTree {
  SpanningTreeStatus status = SpanningTreeStatus::Spanning;
  std::vector<std::size_t> edges;  // indices into the input edge list (see "Determinism")
  double weight = 0;               // sum of the tree edges' weights
};

SpanningTree minimum_spanning_tree(int node_count, const std::vector<WeightedEdge>& edges);

}  // namespace dorsale::solvers
