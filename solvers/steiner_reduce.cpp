#include "solvers/steiner_reduce.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <utility>

namespace dorsale::solvers {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using QItem = std::pair<double, int>;
using MinQueue = std::priority_queue<QItem, std::vector<QItem>, std::greater<QItem>>;

// A tolerance for "strictly more than": weights are sums of input weights.
double slack(double x) { return 1e-9 * std::max(1.0, std::abs(x)); }

// Bottleneck (largest edge) queries on a forest by binary lifting.
class Bottleneck {
 public:
  Bottleneck(int n, const std::vector<std::pair<int, int>>& tree_edges, const std::vector<double>& w) : depth_(n, -1) {
    std::vector<std::vector<std::pair<int, double>>> adj(n);
    for (std::size_t k = 0; k < tree_edges.size(); ++k) {
      adj[tree_edges[k].first].push_back({tree_edges[k].second, w[k]});
      adj[tree_edges[k].second].push_back({tree_edges[k].first, w[k]});
    }
    int levels = 1;
    while ((1 << levels) < n) ++levels;
    up_.assign(levels, std::vector<int>(n, 0));
    mx_.assign(levels, std::vector<double>(n, 0));
    comp_.assign(n, -1);
    for (int r = 0; r < n; ++r) {
      if (depth_[r] >= 0) continue;
      std::vector<int> stack{r};
      depth_[r] = 0, up_[0][r] = r, comp_[r] = r;
      while (!stack.empty()) {
        const int x = stack.back();
        stack.pop_back();
        for (auto [y, c] : adj[x])
          if (depth_[y] < 0) {
            depth_[y] = depth_[x] + 1, up_[0][y] = x, mx_[0][y] = c, comp_[y] = r;
            stack.push_back(y);
          }
      }
    }
    for (int l = 1; l < levels; ++l)
      for (int x = 0; x < n; ++x) {
        up_[l][x] = up_[l - 1][up_[l - 1][x]];
        mx_[l][x] = std::max(mx_[l - 1][x], mx_[l - 1][up_[l - 1][x]]);
      }
  }
  double query(int a, int b) const {
    if (comp_[a] != comp_[b]) return kInf;
    double m = 0;
    if (depth_[a] < depth_[b]) std::swap(a, b);
    for (int l = int(up_.size()) - 1; l >= 0; --l)
      if (depth_[a] - (1 << l) >= depth_[b]) m = std::max(m, mx_[l][a]), a = up_[l][a];
    if (a == b) return m;
    for (int l = int(up_.size()) - 1; l >= 0; --l)
      if (up_[l][a] != up_[l][b]) {
        m = std::max({m, mx_[l][a], mx_[l][b]});
        a = up_[l][a], b = up_[l][b];
      }
    return std::max({m, mx_[0][a], mx_[0][b]});
  }

 private:
  std::vector<int> depth_, comp_;
  std::vector<std::vector<int>> up_;
  std::vector<std::vector<double>> mx_;
};

}  // namespace

ReducedGraph::ReducedGraph(const SteinerInstance& s)
    : adj_(s.nodes), terminal_(s.nodes, 0), alive_(s.nodes, 1), mark_(s.nodes, -1) {
  for (std::size_t i = 0; i < s.edges.size(); ++i) {
    const auto& e = s.edges[i];
    if (e.u == e.v) continue;
    adj_[e.u].push_back(int(edges_.size()));
    adj_[e.v].push_back(int(edges_.size()));
    edges_.push_back({e.u, e.v, e.w, true, {int(i)}});
  }
  for (int t : s.terminals)
    if (!terminal_[t]) terminal_[t] = 1, ++n_term_;
}

int ReducedGraph::nodes_alive() const { return int(std::count(alive_.begin(), alive_.end(), 1)); }
int ReducedGraph::edges_alive() const {
  return int(std::count_if(edges_.begin(), edges_.end(), [](const Edge& e) { return e.alive; }));
}
int ReducedGraph::terminals() const { return n_term_; }

void ReducedGraph::kill_edge(int e) { edges_[e].alive = false; }

void ReducedGraph::kill_node(int v) {
  for (int e : adj_[v]) kill_edge(e);
  adj_[v].clear();
  alive_[v] = 0;
}

int ReducedGraph::clean_degree(int v) {
  std::vector<int> keep;
  keep.reserve(adj_[v].size());
  for (int e : adj_[v]) {
    if (!edges_[e].alive) continue;
    int& slot = mark_[other(e, v)];
    if (slot < 0) {
      slot = int(keep.size());
      keep.push_back(e);
      continue;
    }
    int& f = keep[std::size_t(slot)];
    if (f == e) continue;
    if (edges_[e].w < edges_[f].w) {
      kill_edge(f);
      f = e;
    } else {
      kill_edge(e);
    }
  }
  for (int e : keep) mark_[other(e, v)] = -1;
  adj_[v] = std::move(keep);
  return int(adj_[v].size());
}

void ReducedGraph::contract(int e, int keep) {
  const int v = other(e, keep);
  fixed_.insert(fixed_.end(), edges_[e].orig.begin(), edges_[e].orig.end());
  fixed_cost_ += edges_[e].w;
  kill_edge(e);
  for (int f : adj_[v]) {
    if (!edges_[f].alive) continue;
    if (edges_[f].u == v) edges_[f].u = keep;
    if (edges_[f].v == v) edges_[f].v = keep;
    if (edges_[f].u == edges_[f].v)
      kill_edge(f);
    else
      adj_[keep].push_back(f);
  }
  if (terminal_[v] && terminal_[keep]) --n_term_;
  terminal_[keep] = terminal_[keep] || terminal_[v];
  terminal_[v] = 0;
  adj_[v].clear();
  alive_[v] = 0;
}

int ReducedGraph::degree_tests() {
  const int n = int(alive_.size());
  int removed = 0;
  if (n_term_ <= 1) {
    for (int v = 0; v < n; ++v)
      if (alive_[v] && !terminal_[v]) kill_node(v), ++removed;
    return removed;
  }
  for (bool changed = true; changed && n_term_ > 1;) {
    changed = false;
    for (int v = 0; v < n && n_term_ > 1; ++v) {
      if (!alive_[v]) continue;
      const int d = clean_degree(v);
      if (terminal_[v]) {
        if (d == 0) infeasible_ = true;
        if (d != 1) continue;
        contract(adj_[v][0], other(adj_[v][0], v));
      } else if (d <= 1) {
        kill_node(v);
      } else if (d == 2) {
        const int e1 = adj_[v][0], e2 = adj_[v][1];
        Edge ne{other(e1, v), other(e2, v), edges_[e1].w + edges_[e2].w, true, edges_[e1].orig};
        ne.orig.insert(ne.orig.end(), edges_[e2].orig.begin(), edges_[e2].orig.end());
        kill_node(v);
        const int id = int(edges_.size());
        adj_[ne.u].push_back(id);
        adj_[ne.v].push_back(id);
        edges_.push_back(std::move(ne));
      } else {
        continue;
      }
      ++removed;
      changed = true;
    }
  }
  if (n_term_ <= 1) removed += degree_tests();
  return removed;
}

ReducedGraph::Voronoi ReducedGraph::voronoi() {
  const int n = int(alive_.size());
  Voronoi vo{std::vector<double>(n, kInf), std::vector<int>(n, -1)};
  MinQueue q;
  for (int v = 0; v < n; ++v)
    if (alive_[v] && terminal_[v]) vo.d[v] = 0, vo.base[v] = v, q.push({0.0, v});
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > vo.d[v]) continue;
    for (int e : adj_[v]) {
      if (!edges_[e].alive) continue;
      const int x = other(e, v);
      if (dv + edges_[e].w < vo.d[x]) {
        vo.d[x] = dv + edges_[e].w, vo.base[x] = vo.base[v];
        q.push({vo.d[x], x});
      }
    }
  }
  return vo;
}

int ReducedGraph::nearest_vertex_test() {
  if (n_term_ <= 1) return 0;
  const int n = int(alive_.size());
  const Voronoi vo = voronoi();
  std::vector<int> rep(n);
  std::iota(rep.begin(), rep.end(), 0);
  std::function<int(int)> find = [&](int x) { return rep[x] == x ? x : rep[x] = find(rep[x]); };
  int count = 0;
  for (int z = 0; z < n && n_term_ > 1; ++z) {
    if (!alive_[z] || !terminal_[z] || clean_degree(z) < 2) continue;
    int e1 = -1, e2 = -1;
    for (int e : adj_[z])
      if (e1 < 0 || edges_[e].w < edges_[e1].w)
        e2 = e1, e1 = e;
      else if (e2 < 0 || edges_[e].w < edges_[e2].w)
        e2 = e;
    const int v1 = other(e1, z);
    if (vo.base[v1] < 0 || find(vo.base[v1]) == z) continue;
    if (edges_[e1].w + vo.d[v1] <= edges_[e2].w) {
      rep[z] = v1;
      contract(e1, v1);
      ++count;
    }
  }
  return count;
}

int ReducedGraph::special_distance_test() {
  if (n_term_ <= 1) return 0;
  const int n = int(alive_.size());
  const Voronoi vo = voronoi();
  std::vector<int> index(n, -1);  // terminal -> 0..T-1
  int T = 0;
  for (int v = 0; v < n; ++v)
    if (alive_[v] && terminal_[v]) index[v] = T++;
  // Mehlhorn: the boundary edges give a distance network on the terminals; its MST (Kruskal).
  std::vector<std::pair<double, int>> cand;
  for (int e = 0; e < int(edges_.size()); ++e) {
    const auto& E = edges_[e];
    if (E.alive && vo.base[E.u] >= 0 && vo.base[E.v] >= 0 && vo.base[E.u] != vo.base[E.v])
      cand.push_back({vo.d[E.u] + E.w + vo.d[E.v], e});
  }
  std::sort(cand.begin(), cand.end());
  std::vector<int> parent(T);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
  std::vector<std::pair<int, int>> mst;
  std::vector<double> mst_w;
  for (auto [len, e] : cand) {
    const int a = index[vo.base[edges_[e].u]], b = index[vo.base[edges_[e].v]];
    if (find(a) == find(b)) continue;
    parent[find(a)] = find(b);
    mst.push_back({a, b});
    mst_w.push_back(len);
  }
  const Bottleneck bn(T, mst, mst_w);
  int count = 0;
  for (auto& E : edges_) {
    if (!E.alive || vo.base[E.u] < 0 || vo.base[E.v] < 0) continue;
    double bound = std::max(vo.d[E.u], vo.d[E.v]);
    if (vo.base[E.u] != vo.base[E.v]) bound = std::max(bound, bn.query(index[vo.base[E.u]], index[vo.base[E.v]]));
    if (E.w > bound + slack(E.w)) E.alive = false, ++count;
  }
  return count;
}

namespace {

// Dijkstra over the arcs of a compact instance with reduced costs; reverse: along arcs backwards.
std::vector<double> rc_dijkstra(const SteinerInstance& c, const std::vector<double>& rc, const std::vector<int>& sources,
                                bool reverse) {
  std::vector<std::vector<std::pair<int, int>>> out(c.nodes);  // node -> (next node, arc)
  for (std::size_t e = 0; e < c.edges.size(); ++e) {
    const int a = int(2 * e), b = int(2 * e + 1), u = c.edges[e].u, v = c.edges[e].v;
    out[reverse ? v : u].push_back({reverse ? u : v, a});
    out[reverse ? u : v].push_back({reverse ? v : u, b});
  }
  std::vector<double> d(c.nodes, kInf);
  MinQueue q;
  for (int s : sources) d[s] = 0, q.push({0.0, s});
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > d[v]) continue;
    for (auto [x, a] : out[v])
      if (dv + rc[a] < d[x]) d[x] = dv + rc[a], q.push({d[x], x});
  }
  return d;
}

}  // namespace

int ReducedGraph::reduced_cost_test(const SteinerInstance& c, const DualAscent& da, int root, double ub,
                                    const std::vector<int>& edge_of, const std::vector<int>& node_of) {
  const std::vector<double> from_root = rc_dijkstra(c, da.rc, {root}, false);
  std::vector<int> others;
  for (int t : c.terminals)
    if (t != root) others.push_back(t);
  const std::vector<double> to_term = rc_dijkstra(c, da.rc, others, true);
  const double limit = ub + slack(ub);
  int count = 0;
  for (std::size_t e = 0; e < c.edges.size(); ++e) {
    const int u = c.edges[e].u, v = c.edges[e].v;
    const bool fwd = da.lb + from_root[u] + da.rc[2 * e] + to_term[v] > limit;
    const bool bwd = da.lb + from_root[v] + da.rc[2 * e + 1] + to_term[u] > limit;
    if (fwd && bwd) kill_edge(edge_of[e]), ++count;
  }
  for (int v = 0; v < c.nodes; ++v)
    if (!terminal_[node_of[v]] && da.lb + from_root[v] + to_term[v] > limit) kill_node(node_of[v]), ++count;
  return count;
}

void ReducedGraph::reduce(int max_rounds) {
  for (int round = 0; round < max_rounds; ++round) {
    const int before = edges_alive();
    degree_tests();
    nearest_vertex_test();
    degree_tests();
    special_distance_test();
    degree_tests();
    if (infeasible_ || n_term_ <= 1) return;
    if (before - edges_alive() <= before / 100) return;
  }
}

SteinerInstance ReducedGraph::compact(std::vector<int>& edge_of, std::vector<int>& node_of) const {
  SteinerInstance c;
  c.name = "reduced";
  std::vector<int> id(alive_.size(), -1);
  node_of.clear();
  edge_of.clear();
  for (std::size_t v = 0; v < alive_.size(); ++v)
    if (alive_[v]) {
      id[v] = int(node_of.size());
      node_of.push_back(int(v));
      if (terminal_[v]) c.terminals.push_back(id[v]);
    }
  c.nodes = int(node_of.size());
  for (std::size_t e = 0; e < edges_.size(); ++e)
    if (edges_[e].alive && alive_[edges_[e].u] && alive_[edges_[e].v]) {
      c.edges.push_back({id[edges_[e].u], id[edges_[e].v], edges_[e].w});
      edge_of.push_back(int(e));
    }
  return c;
}

std::vector<int> ReducedGraph::map_back(const std::vector<int>& reduced_edges) const {
  std::vector<int> out = fixed_;
  for (int e : reduced_edges) out.insert(out.end(), edges_[e].orig.begin(), edges_[e].orig.end());
  std::sort(out.begin(), out.end());
  return out;
}

DualAscent dual_ascent(const SteinerInstance& s, int root) {
  DualAscent da;
  const int n = s.nodes, m = int(s.edges.size());
  da.rc.resize(2 * m);
  if (s.terminals.size() < 2) return da;
  std::vector<int> tail(2 * m);
  std::vector<std::vector<int>> in_arcs(n);
  for (int e = 0; e < m; ++e) {
    da.rc[2 * e] = da.rc[2 * e + 1] = s.edges[e].w;
    tail[2 * e] = s.edges[e].u, tail[2 * e + 1] = s.edges[e].v;
    in_arcs[s.edges[e].v].push_back(2 * e);
    in_arcs[s.edges[e].u].push_back(2 * e + 1);
  }
  std::vector<int> active;
  for (int t : s.terminals)
    if (t != root) active.push_back(t);
  std::vector<int> mark(n, -1);
  int stamp = 0;
  const double eps = 1e-12;
  auto component = [&](int t, std::vector<int>& W) {  // nodes reaching t on saturated arcs
    ++stamp;
    W.assign(1, t);
    mark[t] = stamp;
    for (std::size_t k = 0; k < W.size(); ++k)
      for (int a : in_arcs[W[k]])
        if (da.rc[a] <= eps && mark[tail[a]] != stamp) {
          mark[tail[a]] = stamp;
          W.push_back(tail[a]);
        }
    return mark[root] != stamp;  // still active
  };
  // Each step raises the cut of the smallest active component found among a few candidates.
  std::vector<int> W, best_W;
  std::size_t rr = 0;
  while (!active.empty()) {
    int pick = -1;
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (int tries = 0; tries < 4 && !active.empty(); ++tries) {
      rr %= active.size();
      if (!component(active[rr], W)) {
        active.erase(active.begin() + long(rr));
        continue;
      }
      if (W.size() < best) best = W.size(), best_W.swap(W), pick = int(rr);
      ++rr;
    }
    if (pick < 0) continue;
    ++stamp;
    for (int v : best_W) mark[v] = stamp;
    double delta = kInf;
    for (int v : best_W)
      for (int a : in_arcs[v])
        if (mark[tail[a]] != stamp) delta = std::min(delta, da.rc[a]);
    if (!std::isfinite(delta)) break;  // the terminal cannot be reached from the root
    da.lb += delta;
    for (int v : best_W)
      for (int a : in_arcs[v])
        if (mark[tail[a]] != stamp) da.rc[a] -= delta;
  }
  return da;
}

}  // namespace dorsale::solvers
