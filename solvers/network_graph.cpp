#include "solvers/network_graph.h"

#include <lemon/bfs.h>

namespace dorsale::solvers {

NetworkGraph::NetworkGraph(const Network& net) : net_(net) {
  g_.reserveNode(int(net.nodes().size()));
  g_.reserveEdge(int(net.links().size()));
  for (std::size_t i = 0; i < net.nodes().size(); ++i) nodes_.push_back(g_.addNode());
  for (const auto& l : net.links()) edges_.push_back(g_.addEdge(nodes_[l.a], nodes_[l.b]));
}

std::vector<int> nodes_cut_off_from_dorsale(const Network& net) {
  NetworkGraph ng(net);
  lemon::Bfs<NetworkGraph::Graph> bfs(ng.graph());
  bfs.init();
  bool any = false;
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (net.node(int(i)).kind == NodeKind::DorsalePop) {
      bfs.addSource(ng.node(int(i)));
      any = true;
    }
  if (any) bfs.start();
  std::vector<int> out;
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (!any || !bfs.reached(ng.node(int(i)))) out.push_back(int(i));
  return out;
}

}  // namespace dorsale::solvers
