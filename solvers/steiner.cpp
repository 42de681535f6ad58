#include "solvers/steiner.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/adaptors.h>
#include <lemon/dijkstra.h>
#include <lemon/kruskal.h>
#include <lemon/list_graph.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace dorsale::solvers {

const char* steiner_status_key(SteinerStatus s) {
  static const char* k[] = {"optimal", "feasible", "infeasible", "time_limit"};
  return k[int(s)];
}

namespace {

using lemon::ListGraph;
using Clock = std::chrono::steady_clock;

struct Graph {
  ListGraph g;
  std::vector<ListGraph::Node> node;
  std::vector<ListGraph::Edge> edge;
  ListGraph::EdgeMap<double> w;
  ListGraph::EdgeMap<int> idx;
  std::vector<char> terminal;
  explicit Graph(const SteinerInstance& s) : w(g), idx(g) {
    for (int v = 0; v < s.nodes; ++v) node.push_back(g.addNode());
    for (std::size_t i = 0; i < s.edges.size(); ++i) {
      auto e = g.addEdge(node[s.edges[i].u], node[s.edges[i].v]);
      edge.push_back(e);
      w[e] = s.edges[i].w;
      idx[e] = int(i);
    }
    terminal.assign(s.nodes, 0);
    for (int t : s.terminals) terminal[t] = 1;
  }
};

struct Tree {
  double cost = std::numeric_limits<double>::infinity();
  std::vector<int> edges;
  std::vector<char> in;  // node set
};

// MST of the subgraph induced by `in`, then non-terminal leaves pruned. Infinite cost when the
// induced subgraph does not connect the node set.
Tree mst_prune(Graph& G, const std::vector<char>& in_set) {
  Tree t;
  ListGraph::NodeMap<bool> mask(G.g, false);
  int n_in = 0;
  for (std::size_t v = 0; v < in_set.size(); ++v)
    if (in_set[v]) {
      mask[G.node[v]] = true;
      ++n_in;
    }
  lemon::FilterNodes<ListGraph> sub(G.g, mask);
  ListGraph::EdgeMap<bool> tree(G.g, false);
  lemon::kruskal(sub, G.w, tree);
  std::vector<int> deg(in_set.size(), 0);
  std::vector<int> chosen;
  for (lemon::FilterNodes<ListGraph>::EdgeIt e(sub); e != lemon::INVALID; ++e)
    if (tree[e]) {
      chosen.push_back(G.idx[e]);
      deg[ListGraph::id(G.g.u(e))]++;
      deg[ListGraph::id(G.g.v(e))]++;
    }
  if (int(chosen.size()) != n_in - 1) return t;  // disconnected
  // prune non-terminal leaves
  std::vector<char> alive(G.edge.size(), 0);
  for (int e : chosen) alive[e] = 1;
  std::vector<char> in = in_set;
  bool changed = true;
  while (changed) {
    changed = false;
    for (int e : chosen) {
      if (!alive[e]) continue;
      const int a = ListGraph::id(G.g.u(G.edge[e])), b = ListGraph::id(G.g.v(G.edge[e]));
      for (int leaf : {a, b})
        if (deg[leaf] == 1 && !G.terminal[leaf]) {
          alive[e] = 0;
          deg[a]--;
          deg[b]--;
          in[leaf] = 0;
          changed = true;
          break;
        }
    }
  }
  t.cost = 0;
  for (int e : chosen)
    if (alive[e]) {
      t.edges.push_back(e);
      t.cost += G.w[G.edge[e]];
    }
  t.in = in;
  return t;
}

// Shortest-path heuristic from one root: grow the tree by the nearest terminal's path.
std::vector<char> sph(Graph& G, int root, int n_terminals) {
  const int n = int(G.node.size());
  std::vector<char> in(n, 0);
  in[root] = 1;
  int connected = G.terminal[root] ? 1 : 0;
  while (connected < n_terminals) {
    lemon::Dijkstra<ListGraph, ListGraph::EdgeMap<double>> d(G.g, G.w);
    d.init();
    for (int v = 0; v < n; ++v)
      if (in[v]) d.addSource(G.node[v], 0);
    int found = -1;
    while (!d.emptyQueue()) {
      auto v = d.processNextNode();
      const int id = ListGraph::id(v);
      if (G.terminal[id] && !in[id]) {
        found = id;
        break;
      }
    }
    if (found < 0) return {};  // terminals in another component
    for (auto v = G.node[found]; !in[ListGraph::id(v)]; v = d.predNode(v)) in[ListGraph::id(v)] = 1;
    ++connected;
  }
  return in;
}

}  // namespace

double steiner_dual_ascent_bound(const SteinerInstance& s) {
  if (s.terminals.size() < 2) return 0;
  const int n = s.nodes, m = int(s.edges.size());
  std::vector<double> rc(2 * m);
  std::vector<int> head(2 * m), tail(2 * m);
  std::vector<std::vector<int>> in_arcs(n);
  for (int e = 0; e < m; ++e) {
    rc[2 * e] = rc[2 * e + 1] = s.edges[e].w;
    tail[2 * e] = s.edges[e].u, head[2 * e] = s.edges[e].v;
    tail[2 * e + 1] = s.edges[e].v, head[2 * e + 1] = s.edges[e].u;
    in_arcs[s.edges[e].v].push_back(2 * e);
    in_arcs[s.edges[e].u].push_back(2 * e + 1);
  }
  const int root = s.terminals[0];
  std::vector<int> active(s.terminals.begin() + 1, s.terminals.end());
  double lb = 0;
  const double eps = 1e-12;
  std::vector<int> mark(n, -1);
  int stamp = 0;
  const bool choose_smallest = double(active.size()) * double(m) <= 2e5;
  auto component = [&](int t, std::vector<int>& W) {  // nodes reaching t on saturated arcs
    ++stamp;
    W.assign(1, t);
    mark[t] = stamp;
    for (std::size_t k = 0; k < W.size(); ++k)
      for (int a : in_arcs[W[k]])
        if (rc[a] <= eps && mark[tail[a]] != stamp) {
          mark[tail[a]] = stamp;
          W.push_back(tail[a]);
        }
    return mark[root] != stamp;  // still active
  };
  std::vector<int> W, best_W;
  std::size_t rr = 0;
  while (!active.empty()) {
    int pick = -1;
    if (choose_smallest) {
      std::size_t best = std::numeric_limits<std::size_t>::max();
      for (std::size_t i = 0; i < active.size();) {
        if (!component(active[i], W)) {
          active.erase(active.begin() + long(i));
          continue;
        }
        if (W.size() < best) {
          best = W.size();
          best_W = W;
          pick = int(i);
        }
        ++i;
      }
      if (pick < 0) break;
    } else {
      rr %= active.size();
      if (!component(active[rr], best_W)) {
        active.erase(active.begin() + long(rr));
        continue;
      }
      pick = int(rr++);
    }
    ++stamp;
    for (int v : best_W) mark[v] = stamp;
    double delta = std::numeric_limits<double>::infinity();
    for (int v : best_W)
      for (int a : in_arcs[v])
        if (mark[tail[a]] != stamp) delta = std::min(delta, rc[a]);
    if (!std::isfinite(delta)) break;  // the terminal cannot be reached from the root
    lb += delta;
    for (int v : best_W)
      for (int a : in_arcs[v])
        if (mark[tail[a]] != stamp) rc[a] -= delta;
  }
  return lb;
}

SteinerResult steiner_heuristic(const SteinerInstance& s, const SteinerOptions& opt) {
  const auto t0 = Clock::now();
  SteinerResult r;
  if (s.terminals.size() <= 1) {
    r.status = SteinerStatus::Optimal;
    return r;
  }
  Graph G(s);
  const int T = int(s.terminals.size());
  Tree best;
  const int roots = std::max(1, std::min(opt.roots, T));
  for (int k = 0; k < roots; ++k) {
    const int root = s.terminals[std::size_t(k) * s.terminals.size() / roots];
    auto in = sph(G, root, T);
    if (in.empty()) {
      r.status = SteinerStatus::Infeasible;
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      return r;
    }
    Tree t = mst_prune(G, in);
    if (t.cost < best.cost) best = t;
  }
  // local improvement: Steiner-node insertion and elimination
  for (int pass = 0; pass < opt.improvement_passes; ++pass) {
    bool improved = false;
    for (int v = 0; v < s.nodes; ++v) {
      if (best.in[v]) continue;
      bool adjacent = false;
      for (ListGraph::IncEdgeIt e(G.g, G.node[v]); e != lemon::INVALID && !adjacent; ++e)
        adjacent = best.in[ListGraph::id(G.g.oppositeNode(G.node[v], e))];
      if (!adjacent) continue;
      auto in = best.in;
      in[v] = 1;
      Tree t = mst_prune(G, in);
      if (t.cost < best.cost - 1e-9) {
        best = t;
        improved = true;
      }
    }
    for (int v = 0; v < s.nodes; ++v) {
      if (!best.in[v] || G.terminal[v]) continue;
      auto in = best.in;
      in[v] = 0;
      Tree t = mst_prune(G, in);
      if (t.cost < best.cost - 1e-9) {
        best = t;
        improved = true;
      }
    }
    if (!improved) break;
  }
  r.cost = best.cost;
  r.edges = best.edges;
  std::sort(r.edges.begin(), r.edges.end());
  r.bound = std::min(r.cost, steiner_dual_ascent_bound(s));
  r.gap = r.cost > 0 ? (r.cost - r.bound) / r.cost : 0;
  r.status = r.gap <= 1e-9 ? SteinerStatus::Optimal : SteinerStatus::Feasible;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

SteinerResult steiner_exact(const SteinerInstance& s, const SteinerOptions& opt) {
  const auto t0 = Clock::now();
  SteinerResult r;
  if (s.terminals.size() <= 1) {
    r.status = SteinerStatus::Optimal;
    return r;
  }
  const int n = s.nodes, m = int(s.edges.size());
  const int root = s.terminals[0];
  MipModel mm;
  mm.maximize = false;
  std::vector<int> y(2 * m);
  for (int e = 0; e < m; ++e) {
    y[2 * e] = mm.add_var(0, 1, s.edges[e].w, true);
    y[2 * e + 1] = mm.add_var(0, 1, s.edges[e].w, true);
    mm.add_row({y[2 * e], y[2 * e + 1]}, {1, 1}, -1e30, 1);
  }
  auto tail = [&](int a) { return a % 2 == 0 ? s.edges[a / 2].u : s.edges[a / 2].v; };
  auto head = [&](int a) { return a % 2 == 0 ? s.edges[a / 2].v : s.edges[a / 2].u; };
  for (int k : s.terminals) {
    if (k == root) continue;
    std::vector<int> f(2 * m);
    for (int a = 0; a < 2 * m; ++a) {
      f[a] = mm.add_var(0, 1, 0, false);
      mm.add_row({f[a], y[a]}, {1, -1}, -1e30, 0);
    }
    std::vector<std::vector<int>> idx(n);
    std::vector<std::vector<double>> val(n);
    for (int a = 0; a < 2 * m; ++a) {
      idx[head(a)].push_back(f[a]);
      val[head(a)].push_back(1);
      idx[tail(a)].push_back(f[a]);
      val[tail(a)].push_back(-1);
    }
    for (int v = 0; v < n; ++v) {
      const double rhs = v == k ? 1 : v == root ? -1 : 0;
      if (idx[v].empty()) {
        if (rhs != 0) {
          r.status = SteinerStatus::Infeasible;
          return r;
        }
        continue;
      }
      mm.add_row(idx[v], val[v], rhs, rhs);
    }
  }
  MipResult res = solve_mip(mm, opt.backend, opt.time_limit_s);
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  switch (res.status) {
    case MipStatus::Optimal: r.status = SteinerStatus::Optimal; break;
    case MipStatus::Feasible: r.status = SteinerStatus::TimeLimit; break;
    case MipStatus::Infeasible: r.status = SteinerStatus::Infeasible; return r;
    default: r.status = SteinerStatus::TimeLimit; r.bound = res.bound; r.cost = std::numeric_limits<double>::infinity(); return r;
  }
  for (int e = 0; e < m; ++e)
    if (res.x[y[2 * e]] > 0.5 || res.x[y[2 * e + 1]] > 0.5) {
      r.edges.push_back(e);
      r.cost += s.edges[e].w;
    }
  r.bound = std::max(res.bound, steiner_dual_ascent_bound(s));
  if (r.status == SteinerStatus::Optimal) r.bound = r.cost;
  r.gap = r.cost > 0 ? std::max(0.0, r.cost - r.bound) / r.cost : 0;
  return r;
}

}  // namespace dorsale::solvers
