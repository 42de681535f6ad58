#include "solvers/spanning_tree.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/kruskal.h>
#include <lemon/list_graph.h>

#include <cmath>

namespace dorsale::solvers {

SpanningTree minimum_spanning_tree(int node_count, const std::vector<WeightedEdge>& edges) {
  SpanningTree out;
  if (node_count < 0) {
    out.status = SpanningTreeStatus::InvalidInput;
    return out;
  }
  for (const auto& e : edges)
    if (e.a < 0 || e.b < 0 || e.a >= node_count || e.b >= node_count || !std::isfinite(e.weight)) {
      out.status = SpanningTreeStatus::InvalidInput;
      return out;
    }
  lemon::ListGraph g;
  std::vector<lemon::ListGraph::Node> gn;
  for (int v = 0; v < node_count; ++v) gn.push_back(g.addNode());
  lemon::ListGraph::EdgeMap<double> cost(g);
  lemon::ListGraph::EdgeMap<std::size_t> index(g);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    auto e = g.addEdge(gn[edges[k].a], gn[edges[k].b]);
    cost[e] = edges[k].weight;
    index[e] = k;
  }
  lemon::ListGraph::EdgeMap<bool> tree(g, false);
  lemon::kruskal(g, cost, tree);
  for (lemon::ListGraph::EdgeIt e(g); e != lemon::INVALID; ++e) {
    if (!tree[e]) continue;
    out.edges.push_back(index[e]);
    out.weight += cost[e];
  }
  const std::size_t spanning = node_count > 0 ? std::size_t(node_count - 1) : 0;
  out.status = out.edges.size() == spanning ? SpanningTreeStatus::Spanning : SpanningTreeStatus::Forest;
  return out;
}

}  // namespace dorsale::solvers
