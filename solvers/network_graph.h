#pragma once
// The network as a LEMON graph, the shared base of the routing solvers. Built once from a
// const Network; the Network must outlive it. Node i of the Network is graph node i, link j
// is graph edge j (undirected), so results map back by index.
#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/list_graph.h>

#include <vector>

#include "models/network.h"

namespace dorsale::solvers {

class NetworkGraph {
 public:
  using Graph = lemon::ListGraph;
  explicit NetworkGraph(const Network& net);

  const Graph& graph() const { return g_; }
  const Network& network() const { return net_; }
  Graph::Node node(int i) const { return nodes_[i]; }
  Graph::Edge edge(int link) const { return edges_[link]; }
  int node_index(Graph::Node n) const { return Graph::id(n); }
  int link_index(Graph::Edge e) const { return Graph::id(e); }

 private:
  const Network& net_;
  Graph g_;
  std::vector<Graph::Node> nodes_;
  std::vector<Graph::Edge> edges_;
};

// Indices of the nodes that no path (over links of any status) joins to a Dorsale point of
// presence. Empty when the network is connected to its backbone. O(V + E).
std::vector<int> nodes_cut_off_from_dorsale(const Network& net);

}  // namespace dorsale::solvers
