#include "solvers/collecte.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/bfs.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>

#include <algorithm>
#include <limits>
#include <map>

namespace dorsale::solvers {

CollecteDesigner::CollecteDesigner(const Network& net, CollecteParams params) : net_(net), p_(params) {
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const auto& l = net.links()[j];
    candidates_.push_back({l.a, l.b, int(j), l.length_km, l.build_eur_per_km * l.length_km});
  }
  // new links between NROs (and NRO-PoP) of the same département closer than candidate_km
  std::vector<int> ends;
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto k = net.node(int(i)).kind;
    if (k == NodeKind::Nro || k == NodeKind::DorsalePop) ends.push_back(int(i));
  }
  for (std::size_t x = 0; x < ends.size(); ++x)
    for (std::size_t y = x + 1; y < ends.size(); ++y) {
      const auto& a = net.node(ends[x]);
      const auto& b = net.node(ends[y]);
      if (a.kind != NodeKind::Nro && b.kind != NodeKind::Nro) continue;
      const double d = distance_km(a.pos, b.pos);
      if (d > p_.candidate_km) continue;
      const double km = d * p_.detour_factor;
      candidates_.push_back({ends[x], ends[y], -1, km, km * p_.build_eur_per_km});
    }
}

std::vector<char> CollecteDesigner::connected_nodes(const std::vector<char>& built) const {
  const int n = int(net_.nodes().size());
  std::vector<std::vector<int>> adj(n);
  for (std::size_t j = 0; j < net_.links().size(); ++j)
    if (built[j]) {
      adj[net_.links()[j].a].push_back(net_.links()[j].b);
      adj[net_.links()[j].b].push_back(net_.links()[j].a);
    }
  std::vector<char> in(n, 0);
  std::vector<int> stack;
  for (int i = 0; i < n; ++i)
    if (net_.node(i).kind == NodeKind::DorsalePop) {
      in[i] = 1;
      stack.push_back(i);
    }
  while (!stack.empty()) {
    int v = stack.back();
    stack.pop_back();
    for (int w : adj[v])
      if (!in[w]) {
        in[w] = 1;
        stack.push_back(w);
      }
  }
  return in;
}

std::vector<double> CollecteDesigner::connection_costs(const std::vector<char>& connected, const std::vector<char>& built) const {
  lemon::ListGraph g;
  const int n = int(net_.nodes().size());
  std::vector<lemon::ListGraph::Node> node;
  for (int i = 0; i < n; ++i) node.push_back(g.addNode());
  lemon::ListGraph::EdgeMap<double> w(g);
  for (const auto& c : candidates_) w[g.addEdge(node[c.a], node[c.b])] = (c.link >= 0 && built[c.link]) ? 0.0 : c.cost;
  lemon::Dijkstra<lemon::ListGraph, lemon::ListGraph::EdgeMap<double>> d(g, w);
  d.init();
  bool any = false;
  for (int i = 0; i < n; ++i)
    if (connected[i]) {
      d.addSource(node[i], 0);
      any = true;
    }
  std::vector<double> out(n, std::numeric_limits<double>::infinity());
  if (!any) return out;
  d.start();
  for (int i = 0; i < n; ++i)
    if (d.reached(node[i])) out[i] = d.dist(node[i]);
  return out;
}

CollecteDesigner::Design CollecteDesigner::connect(const std::vector<char>& connected, const std::vector<char>& built,
                                                   const std::vector<int>& terminals) const {
  Design out;
  // Steiner instance: 0 = the connected set, then every other node
  const int n = int(net_.nodes().size());
  std::vector<int> id(n, 0), back{-1};
  for (int i = 0; i < n; ++i)
    if (!connected[i]) {
      id[i] = int(back.size());
      back.push_back(i);
    }
  SteinerInstance inst;
  inst.name = "collecte";
  inst.nodes = int(back.size());
  std::vector<int> cand_of;
  std::map<std::pair<int, int>, std::size_t> cheapest;  // parallel candidates: keep the cheapest
  for (std::size_t k = 0; k < candidates_.size(); ++k) {
    const auto& c = candidates_[k];
    int a = id[c.a], b = id[c.b];
    if (a == b) continue;  // inside the connected set
    const double cost = (c.link >= 0 && built[c.link]) ? 0.0 : c.cost;
    auto key = std::minmax(a, b);
    auto it = cheapest.find(key);
    if (it != cheapest.end()) {
      if (cost < inst.edges[it->second].w) {
        inst.edges[it->second].w = cost;
        cand_of[it->second] = int(k);
      }
      continue;
    }
    cheapest[key] = inst.edges.size();
    inst.edges.push_back({a, b, cost});
    cand_of.push_back(int(k));
  }
  inst.terminals.push_back(0);
  for (int t : terminals)
    if (!connected[t] && std::find(inst.terminals.begin(), inst.terminals.end(), id[t]) == inst.terminals.end())
      inst.terminals.push_back(id[t]);
  if (inst.terminals.size() <= 1) {
    out.steiner.status = SteinerStatus::Optimal;
    return out;
  }
  SteinerOptions opt;
  opt.roots = 1;  // from the connected set: the SPH bound (cost <= sum of single connections) holds
  opt.improvement_passes = 2;
  out.steiner = steiner_heuristic(inst, opt);
  if (out.steiner.status == SteinerStatus::Infeasible) return out;
  for (int e : out.steiner.edges) {
    const auto& c = candidates_[cand_of[e]];
    const double cost = (c.link >= 0 && built[c.link]) ? 0.0 : c.cost;
    out.edges.push_back({c.a, c.b, c.link, c.km, cost});
    out.cost += cost;
    if (cost > 0) out.km += c.km;
  }
  return out;
}

}  // namespace dorsale::solvers
