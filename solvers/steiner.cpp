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
#include <stdexcept>

#include "models/random.h"
#include "solvers/steiner_local.h"
#include "solvers/steiner_reduce.h"

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

// Trees of a compact instance: SPH from several roots, local search on the best three, then
// perturbed restarts (SPH on weights scaled by up to 1.25, local search on true weights).
std::vector<SteinerTree> tree_pool(const SteinerInstance& c, const SteinerCsr& g, const SteinerOptions& opt, std::uint64_t stream = 0,
                                   bool starts_too = true) {
  std::vector<SteinerTree> pool;
  std::vector<double> w(c.edges.size());
  for (std::size_t e = 0; e < w.size(); ++e) w[e] = c.edges[e].w;
  const int T = int(c.terminals.size());
  // roots: evenly spread terminals, then (few terminals) evenly spread other nodes
  const int roots = std::max(1, std::min(opt.roots, c.nodes));
  std::vector<int> others;
  for (int v = 0; v < c.nodes; ++v)
    if (!g.terminal[v]) others.push_back(v);
  std::vector<SteinerTree> starts;
  for (int k = 0; k < (starts_too ? roots : 0); ++k) {
    const int root = k < T ? c.terminals[std::size_t(k) * std::size_t(T) / std::size_t(std::min(roots, T))]
                           : others[std::size_t(k - T) * others.size() / std::size_t(roots - T)];
    const auto in = steiner_sph(g, w, root);
    if (in.empty()) return {};  // disconnected
    starts.push_back(steiner_mst_prune(c, g, in));
  }
  std::stable_sort(starts.begin(), starts.end(), [](const SteinerTree& a, const SteinerTree& b) { return a.cost < b.cost; });
  double last = -1;
  for (auto& t : starts) {
    if (pool.size() == 3) break;
    if (t.cost == last) continue;
    last = t.cost;
    steiner_local_search(c, g, t, opt.improvement_passes);
    pool.push_back(std::move(t));
  }
  Rng rng(20240614, std::uint64_t(T) + 7919 * stream);
  for (int p = 0; p < opt.perturbations; ++p) {
    std::vector<double> pw(w);
    for (double& x : pw) x *= 1 + 0.25 * rng.uniform();
    SteinerTree t = steiner_mst_prune(c, g, steiner_sph(g, pw, c.terminals[rng.below(std::uint64_t(T))]));
    steiner_local_search(c, g, t, opt.improvement_passes);
    pool.push_back(std::move(t));
  }
  return pool;
}

// Recombination: the best tree of the union of the pool's trees (reduced, then SPH from every
// terminal and the local search), in the edges of `c`.
SteinerTree recombine(const SteinerInstance& c, const std::vector<SteinerTree>& pool, const SteinerOptions& opt) {
  SteinerInstance u;
  u.nodes = c.nodes;
  u.terminals = c.terminals;
  std::vector<int> u_edge, seen(c.edges.size(), 0);
  for (const auto& t : pool)
    for (int e : t.edges)
      if (!seen[e]) seen[e] = 1, u_edge.push_back(e), u.edges.push_back(c.edges[e]);
  ReducedGraph ru(u);
  ru.reduce();
  std::vector<int> edge_of, node_of;
  const SteinerInstance cu = ru.compact(edge_of, node_of);
  SteinerTree t;
  t.cost = 0;
  if (cu.terminals.size() >= 2) {
    const SteinerCsr g(cu);
    SteinerOptions o = opt;
    o.roots = int(cu.terminals.size());
    auto sub = tree_pool(cu, g, o);
    if (sub.empty()) return {};
    t = *std::min_element(sub.begin(), sub.end(), [](const SteinerTree& a, const SteinerTree& b) { return a.cost < b.cost; });
  }
  std::vector<int> red;
  for (int e : t.edges) red.push_back(edge_of[e]);
  SteinerTree out;
  out.cost = 0;
  for (int e : ru.map_back(red)) out.edges.push_back(u_edge[e]), out.cost += c.edges[u_edge[e]].w;
  return out;
}

// The best tree of a compact instance: pools of trees, each recombined with the best trees so
// far (two generations; one when there are no perturbations).
SteinerTree solve_compact(const SteinerInstance& c, const SteinerOptions& opt) {
  SteinerTree best;
  if (c.terminals.size() <= 1) {
    best.cost = 0;
    return best;
  }
  const SteinerCsr g(c);
  auto by_cost = [](const SteinerTree& a, const SteinerTree& b) { return a.cost < b.cost; };
  std::vector<SteinerTree> elite;
  const int generations = opt.perturbations > 0 ? 2 : 1;
  for (int gen = 0; gen < generations; ++gen) {
    auto pool = tree_pool(c, g, opt, std::uint64_t(gen), gen == 0);
    if (pool.empty() && gen == 0) return best;
    pool.insert(pool.end(), elite.begin(), elite.end());
    std::stable_sort(pool.begin(), pool.end(), by_cost);
    if (pool.size() >= 2 && opt.perturbations > 0) pool.push_back(recombine(c, pool, opt));
    std::stable_sort(pool.begin(), pool.end(), by_cost);
    pool.resize(std::min<std::size_t>(pool.size(), 4));
    elite = std::move(pool);
  }
  return elite.front();
}

// Ascend and prune: the SPH on the edges the dual ascent saturated (where every terminal meets
// the root), its node set re-spanned in the whole graph, then the local search.
SteinerTree ascend_prune(const SteinerInstance& c, const DualAscent& da, const SteinerOptions& opt) {
  const SteinerCsr g(c);
  std::vector<double> w(c.edges.size());
  const double eps = 1e-9;
  for (std::size_t e = 0; e < w.size(); ++e)
    w[e] = std::min(da.rc[2 * e], da.rc[2 * e + 1]) <= eps ? c.edges[e].w : c.edges[e].w * 1e3 + 1e6;
  const auto in = steiner_sph(g, w, c.terminals[0]);
  if (in.empty()) return {};
  SteinerTree t = steiner_mst_prune(c, g, in);
  steiner_local_search(c, g, t, opt.improvement_passes);
  return t;
}

// Work (about 3^k n) up to which what the reductions left is solved by Dreyfus–Wagner.
constexpr double kSmallDp = 3e7;

struct Incumbent {
  double cost = std::numeric_limits<double>::infinity();
  std::vector<int> edges;  // original edges
};

// A tree of the compact instance `c` of `rg` (edge_of) as original edges.
void keep_if_better(const ReducedGraph& rg, const SteinerTree& t, const std::vector<int>& edge_of, Incumbent& inc) {
  if (!(t.cost + rg.fixed_cost() < inc.cost)) return;
  std::vector<int> red;
  for (int e : t.edges) red.push_back(edge_of[e]);
  inc.cost = t.cost + rg.fixed_cost();
  inc.edges = rg.map_back(red);
}

// The incumbent as a result on the original instance: its node set re-spanned by an MST and
// pruned (a tree of the original graph, never dearer).
SteinerResult finish(const SteinerInstance& s, const Incumbent& inc, double bound, Clock::time_point t0) {
  Graph G(s);
  std::vector<char> in(s.nodes, 0);
  for (int t : s.terminals) in[t] = 1;
  for (int e : inc.edges) in[s.edges[e].u] = in[s.edges[e].v] = 1;
  const Tree t = mst_prune(G, in);
  if (!std::isfinite(t.cost)) throw std::logic_error("steiner: the mapped tree does not connect its nodes");
  SteinerResult r;
  r.edges = t.edges;
  std::sort(r.edges.begin(), r.edges.end());
  r.cost = t.cost;
  r.bound = std::min(r.cost, bound);
  r.gap = r.cost > 0 ? (r.cost - r.bound) / r.cost : 0;
  r.status = r.gap <= 1e-9 ? SteinerStatus::Optimal : SteinerStatus::Feasible;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

// Reductions, a first tree, the dual ascent and reduced-cost fixing, a second tree on what is
// left. `bound` receives the dual-ascent bound (with the fixed cost).
ReducedGraph reduce_and_solve(const SteinerInstance& s, const SteinerOptions& opt, Incumbent& inc, double& bound) {
  ReducedGraph rg(s);
  if (opt.reductions) rg.reduce();
  if (rg.infeasible()) return rg;
  std::vector<int> edge_of, node_of;
  SteinerInstance c = rg.compact(edge_of, node_of);
  const SteinerTree t = solve_compact(c, opt);
  if (!std::isfinite(t.cost)) return rg;
  keep_if_better(rg, t, edge_of, inc);
  if (c.terminals.size() <= 1) {
    bound = inc.cost;
    return rg;
  }
  const int root = c.terminals[0];
  const DualAscent da = dual_ascent(c, root);
  bound = da.lb + rg.fixed_cost();
  keep_if_better(rg, ascend_prune(c, da, opt), edge_of, inc);
  if (!opt.reductions || inc.cost - bound <= 1e-9 * std::max(1.0, inc.cost)) return rg;
  const std::size_t before = c.edges.size();
  rg.reduced_cost_test(c, da, root, inc.cost - rg.fixed_cost(), edge_of, node_of);
  rg.reduce(2);
  c = rg.compact(edge_of, node_of);
  if (c.edges.size() < before * 9 / 10) {  // a second tree when the graph shrank by 10 %
    keep_if_better(rg, solve_compact(c, opt), edge_of, inc);
    if (c.terminals.size() >= 2) bound = std::max(bound, dual_ascent(c, c.terminals[0]).lb + rg.fixed_cost());
  }
  return rg;
}

// Directed multi-commodity flow model of a compact instance (root: its first terminal); the arc
// variables y[2e] (u->v), y[2e+1] (v->u). False when a terminal cannot be reached.
bool flow_model(const SteinerInstance& s, MipModel& mm, std::vector<int>& y) {
  const int n = s.nodes, m = int(s.edges.size());
  const int root = s.terminals[0];
  mm.maximize = false;
  y.assign(2 * m, -1);
  for (int e = 0; e < m; ++e) {
    y[2 * e] = mm.add_var(0, 1, s.edges[e].w, true);
    y[2 * e + 1] = mm.add_var(0, 1, s.edges[e].w, true);
    mm.add_row({y[2 * e], y[2 * e + 1]}, {1, 1}, -1e30, 1);
  }
  auto tail = [&](int a) { return a % 2 == 0 ? s.edges[a / 2].u : s.edges[a / 2].v; };
  auto head = [&](int a) { return a % 2 == 0 ? s.edges[a / 2].v : s.edges[a / 2].u; };
  for (int k : s.terminals) {
    if (k == root) continue;
    std::vector<std::vector<int>> idx(n);
    std::vector<std::vector<double>> val(n);
    for (int a = 0; a < 2 * m; ++a) {
      const int f = mm.add_var(0, 1, 0, false);
      mm.add_row({f, y[a]}, {1, -1}, -1e30, 0);
      idx[head(a)].push_back(f), val[head(a)].push_back(1);
      idx[tail(a)].push_back(f), val[tail(a)].push_back(-1);
    }
    for (int v = 0; v < n; ++v) {
      const double rhs = v == k ? 1 : v == root ? -1 : 0;
      if (idx[v].empty()) {
        if (rhs != 0) return false;
        continue;
      }
      mm.add_row(idx[v], val[v], rhs, rhs);
    }
  }
  return true;
}

// The flow MILP on what the reductions left: its tree joins the incumbent, its bound the bound.
// False when the model shows a terminal cut off.
bool milp_on_reduced(const ReducedGraph& rg, const SteinerOptions& opt, double time_limit, Incumbent& inc, double& bound,
                     bool& optimal) {
  std::vector<int> edge_of, node_of, y;
  const SteinerInstance c = rg.compact(edge_of, node_of);
  MipModel mm;
  optimal = false;
  if (c.terminals.size() <= 1) return optimal = true;
  if (!flow_model(c, mm, y)) return false;
  const MipResult res = solve_mip(mm, opt.backend, time_limit);
  if (res.status == MipStatus::Infeasible) return false;
  if (res.status == MipStatus::Optimal || res.status == MipStatus::Feasible) {
    SteinerTree t;
    t.cost = 0;
    for (std::size_t e = 0; e < c.edges.size(); ++e)
      if (res.x[y[2 * e]] > 0.5 || res.x[y[2 * e + 1]] > 0.5) t.edges.push_back(int(e)), t.cost += c.edges[e].w;
    keep_if_better(rg, t, edge_of, inc);
  }
  optimal = res.status == MipStatus::Optimal;
  if (optimal) bound = std::max(bound, std::min(inc.cost, res.objective + rg.fixed_cost()));
  if (res.status == MipStatus::Feasible || res.status == MipStatus::NoSolutionInTime)
    bound = std::max(bound, res.bound + rg.fixed_cost());
  return true;
}

// Dreyfus–Wagner on what the reductions left when it has few terminals: the optimum, so the
// bound meets the tree. False when too large.
bool solve_by_dp(const ReducedGraph& rg, Incumbent& inc, double& bound) {
  std::vector<int> edge_of, node_of;
  const SteinerInstance c = rg.compact(edge_of, node_of);
  if (steiner_dp_work(c) > kSmallDp) return false;
  const SteinerTree t = steiner_dreyfus_wagner(c);
  if (!std::isfinite(t.cost)) return false;
  keep_if_better(rg, t, edge_of, inc);
  bound = std::max(bound, std::min(inc.cost, t.cost + rg.fixed_cost()));
  return true;
}

}  // namespace

double steiner_dual_ascent_bound(const SteinerInstance& s) {
  if (s.terminals.size() < 2) return 0;
  return dual_ascent(s, s.terminals[0]).lb;
}

SteinerResult steiner_heuristic(const SteinerInstance& s, const SteinerOptions& opt) {
  const auto t0 = Clock::now();
  SteinerResult r;
  if (s.terminals.size() <= 1) {
    r.status = SteinerStatus::Optimal;
    return r;
  }
  Incumbent inc;
  double bound = 0;
  const ReducedGraph rg = reduce_and_solve(s, opt, inc, bound);
  if (rg.infeasible() || !std::isfinite(inc.cost)) {
    r.status = SteinerStatus::Infeasible;
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
  }
  // few terminals left: the dynamic programme proves the optimum
  if (opt.reductions && opt.dreyfus_wagner && inc.cost - bound > 1e-9 * std::max(1.0, inc.cost)) solve_by_dp(rg, inc, bound);
  return finish(s, inc, bound, t0);
}

SteinerResult steiner_exact(const SteinerInstance& s, const SteinerOptions& opt) {
  const auto t0 = Clock::now();
  SteinerResult r;
  if (s.terminals.size() <= 1) {
    r.status = SteinerStatus::Optimal;
    return r;
  }
  Incumbent inc;
  double bound = 0;
  const ReducedGraph rg = reduce_and_solve(s, opt, inc, bound);
  bool optimal = inc.cost - bound <= 1e-9 * std::max(1.0, inc.cost);
  if (!optimal && opt.dreyfus_wagner && !rg.infeasible() && std::isfinite(inc.cost)) optimal = solve_by_dp(rg, inc, bound);
  const double left = std::max(1.0, opt.time_limit_s - std::chrono::duration<double>(Clock::now() - t0).count());
  if (rg.infeasible() || !std::isfinite(inc.cost) || (!optimal && !milp_on_reduced(rg, opt, left, inc, bound, optimal))) {
    r.status = SteinerStatus::Infeasible;
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
  }
  r = finish(s, inc, optimal ? inc.cost : bound, t0);
  if (r.status != SteinerStatus::Optimal) r.status = SteinerStatus::TimeLimit;
  return r;
}

}  // namespace dorsale::solvers
