#include "solvers/steiner_local.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <queue>
#include <tuple>
#include <utility>

namespace dorsale::solvers {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using QItem = std::pair<double, int>;
using MinQueue = std::priority_queue<QItem, std::vector<QItem>, std::greater<QItem>>;

double improvement_eps(double cost) { return 1e-9 * std::max(1.0, cost); }

// Union-find over all nodes, reset in O(touched).
class Dsu {
 public:
  explicit Dsu(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  bool unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return false;
    touched_.push_back(a);
    parent_[a] = b;
    return true;
  }
  void reset() {
    for (int x : touched_) parent_[x] = x;
    touched_.clear();
  }

 private:
  std::vector<int> parent_, touched_;
};

using WEdge = std::pair<double, int>;  // (weight, edge), sorted: deterministic ties

// Kruskal over candidate edges sorted by weight; `skip` node excluded (-1: none).
std::vector<int> kruskal(const SteinerInstance& s, Dsu& dsu, const std::vector<WEdge>& sorted, int skip = -1) {
  std::vector<int> chosen;
  for (auto [w, e] : sorted) {
    const int u = s.edges[e].u, v = s.edges[e].v;
    if (u == skip || v == skip) continue;
    if (dsu.unite(u, v)) chosen.push_back(e);
  }
  dsu.reset();
  return chosen;
}

std::vector<char> node_set(const SteinerInstance& s, int n, const std::vector<int>& edges) {
  std::vector<char> in(n, 0);
  for (int e : edges) in[s.edges[e].u] = in[s.edges[e].v] = 1;
  return in;
}

// Edges of the subgraph induced by `in`, sorted by weight.
std::vector<WEdge> induced_edges(const SteinerInstance& s, const std::vector<char>& in) {
  std::vector<WEdge> out;
  for (std::size_t e = 0; e < s.edges.size(); ++e)
    if (in[s.edges[e].u] && in[s.edges[e].v]) out.push_back({s.edges[e].w, int(e)});
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::vector<int>> tree_incidence(const SteinerInstance& s, int n, const std::vector<int>& edges) {
  std::vector<std::vector<int>> at(n);
  for (int e : edges) at[s.edges[e].u].push_back(e), at[s.edges[e].v].push_back(e);
  return at;
}

struct KeyPath {
  std::vector<int> edges, inner;
  double cost = 0;
  int a = -1;  // one end
};

// The key paths of a tree: maximal paths whose inner nodes are Steiner nodes of degree 2.
std::vector<KeyPath> key_paths(const SteinerInstance& s, const SteinerCsr& g, const std::vector<std::vector<int>>& at) {
  std::vector<KeyPath> out;
  std::vector<char> used(s.edges.size(), 0);
  auto key = [&](int x) { return g.terminal[x] || at[x].size() != 2; };
  for (int a = 0; a < g.n; ++a) {
    if (at[a].empty() || !key(a)) continue;
    for (int e0 : at[a]) {
      if (used[e0]) continue;
      KeyPath p;
      p.a = a;
      int cur = a, e = e0;
      while (true) {
        used[e] = 1;
        p.edges.push_back(e);
        p.cost += s.edges[e].w;
        cur = s.edges[e].u == cur ? s.edges[e].v : s.edges[e].u;
        if (key(cur)) break;
        p.inner.push_back(cur);
        e = at[cur][0] == e ? at[cur][1] : at[cur][0];
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

SteinerCsr::SteinerCsr(const SteinerInstance& s) : n(s.nodes), start(s.nodes + 1, 0), terminal(s.nodes, 0) {
  for (const auto& e : s.edges) start[e.u + 1]++, start[e.v + 1]++;
  for (int v = 0; v < n; ++v) start[v + 1] += start[v];
  to.resize(start[n]);
  eid.resize(start[n]);
  std::vector<int> pos(start.begin(), start.end() - 1);
  for (std::size_t k = 0; k < s.edges.size(); ++k) {
    const auto& e = s.edges[k];
    to[pos[e.u]] = e.v, eid[pos[e.u]++] = int(k);
    to[pos[e.v]] = e.u, eid[pos[e.v]++] = int(k);
  }
  for (int t : s.terminals) terminal[t] = 1;
  // each node's edges by weight (bounded searches stop at the first edge too long)
  std::vector<std::pair<double, int>> seg;
  for (int v = 0; v < n; ++v) {
    seg.clear();
    for (int k = start[v]; k < start[v + 1]; ++k) seg.push_back({s.edges[eid[k]].w, k});
    std::sort(seg.begin(), seg.end(), [&](const auto& a, const auto& b) { return a.first < b.first || (a.first == b.first && eid[a.second] < eid[b.second]); });
    std::vector<int> t2, e2;
    for (auto [w, k] : seg) t2.push_back(to[k]), e2.push_back(eid[k]);
    std::copy(t2.begin(), t2.end(), to.begin() + start[v]);
    std::copy(e2.begin(), e2.end(), eid.begin() + start[v]);
  }
}

std::vector<char> steiner_sph(const SteinerCsr& g, const std::vector<double>& w, int root) {
  std::vector<char> in(g.n, 0);
  std::vector<double> d(g.n, kInf);
  std::vector<int> pred(g.n, -1);  // node reached from
  int remaining = int(std::count(g.terminal.begin(), g.terminal.end(), 1)) - (g.terminal[root] ? 1 : 0);
  MinQueue q;
  in[root] = 1, d[root] = 0;
  q.push({0.0, root});
  while (!q.empty() && remaining > 0) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > d[v]) continue;
    if (g.terminal[v] && !in[v]) {
      for (int x = v; !in[x]; x = pred[x]) in[x] = 1, d[x] = 0, q.push({0.0, x});
      --remaining;
      continue;
    }
    for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
      const int x = g.to[k];
      const double nd = dv + w[g.eid[k]];
      if (nd < d[x]) d[x] = nd, pred[x] = v, q.push({nd, x});
    }
  }
  if (remaining > 0) return {};
  return in;
}

namespace {

// Largest edge on tree paths by the Kruskal reconstruction tree (leaves: the tree's nodes; each
// edge, by weight, a parent of the two parts it joins) and binary lifting.
class PathMax {
 public:
  PathMax(const SteinerInstance& s, int n, const std::vector<WEdge>& sorted_edges) : leaf_(n, -1) {
    const int k = int(sorted_edges.size());
    std::vector<int> comp;  // union-find over KRT nodes
    auto node = [&](int x) {
      if (leaf_[x] < 0) leaf_[x] = int(w_.size()), w_.push_back(0), parent_.push_back(-1), comp.push_back(leaf_[x]);
      return leaf_[x];
    };
    std::function<int(int)> find = [&](int x) { return comp[x] == x ? x : comp[x] = find(comp[x]); };
    for (int i = 0; i < k; ++i) {
      const auto [w, e] = sorted_edges[i];
      const int a = find(node(s.edges[e].u)), b = find(node(s.edges[e].v));
      const int id = int(w_.size());
      w_.push_back(w), parent_.push_back(-1), comp.push_back(id);
      parent_[a] = parent_[b] = id, comp[a] = comp[b] = id;
    }
    const int m = int(w_.size());
    depth_.assign(m, 0);
    for (int x = m - 1; x >= 0; --x) depth_[x] = parent_[x] < 0 ? 0 : depth_[parent_[x]] + 1;  // parents have larger ids
    int levels = 1;
    while ((1 << levels) < m) ++levels;
    up_.assign(levels, std::vector<int>(m));
    for (int x = 0; x < m; ++x) up_[0][x] = parent_[x] < 0 ? x : parent_[x];
    for (int l = 1; l < levels; ++l)
      for (int x = 0; x < m; ++x) up_[l][x] = up_[l - 1][up_[l - 1][x]];
  }
  double query(int x, int y) const {  // x, y tree nodes
    int a = leaf_[x], b = leaf_[y];
    if (a == b) return 0;
    if (depth_[a] < depth_[b]) std::swap(a, b);
    for (int l = int(up_.size()) - 1; l >= 0; --l)
      if (depth_[a] - (1 << l) >= depth_[b]) a = up_[l][a];
    if (a == b) return w_[a];
    for (int l = int(up_.size()) - 1; l >= 0; --l)
      if (up_[l][a] != up_[l][b]) a = up_[l][a], b = up_[l][b];
    return w_[parent_[a]];
  }

 private:
  std::vector<int> leaf_, parent_, depth_;
  std::vector<double> w_;
  std::vector<std::vector<int>> up_;
};

// Scratch arrays of the local search over one instance, reset in O(touched).
class Local {
 public:
  Local(const SteinerInstance& s, const SteinerCsr& g)
      : s_(s), g_(g), dsu_(g.n), deg_(g.n, 0), xr_(g.n, 0), d_(g.n, kInf), pred_(g.n, -1), side_(g.n, 0), comp_(g.n, -1),
        free_base_(g.n, -1), is_free_(g.n, 0) {
    dead_.assign(s.edges.size(), 0);
  }
  SteinerTree prune(const std::vector<int>& edges);
  std::vector<int> kruskal(const std::vector<WEdge>& sorted, int skip = -1) { return solvers::kruskal(s_, dsu_, sorted, skip); }
  bool key_path_pass(SteinerTree& t);
  bool insertion_pass(SteinerTree& t);
  bool elimination_pass(SteinerTree& t);
  bool key_vertex_pass(SteinerTree& t);

 private:
  int other(int e, int x) const { return s_.edges[e].u == x ? s_.edges[e].v : s_.edges[e].u; }
  bool label_sides(const SteinerTree& t, const KeyPath& p, const std::vector<std::vector<int>>& at, std::vector<int>& part);
  std::vector<int> bounded_join(const std::vector<int>& sources, double limit);

  const SteinerInstance& s_;
  const SteinerCsr& g_;
  Dsu dsu_;
  std::vector<int> deg_, xr_;  // prune: degree and xor of the incident edges
  std::vector<int> stack_;
  std::vector<char> dead_;
  std::vector<double> d_;      // bounded Dijkstra
  std::vector<int> pred_, touched_;
  std::vector<char> side_;     // 1: the part searched from, 2: the other part, 0: neither
  // key-vertex elimination: Voronoi regions of the tree nodes, then of the freed nodes
  struct Voronoi {
    std::vector<double> d;
    std::vector<int> base, pred;
  };
  Voronoi tree_voronoi(const SteinerTree& t) const;
  void free_regions(const Voronoi& vo, const std::vector<int>& freed);
  std::vector<int> path_to_tree(const Voronoi& vo, int x) const;
  void label_parts(const std::vector<int>& ends, const std::vector<std::vector<int>>& at);
  std::vector<int> mst_of_parts(int k, const std::vector<std::pair<double, int>>& best, double& total) const;
  bool eliminate(SteinerTree& t, const Voronoi& vo, const std::vector<const KeyPath*>& paths, int v,
                 const std::vector<std::vector<int>>& at, const std::vector<std::vector<int>>& members,
                 const std::vector<std::pair<double, int>>& boundary);
  std::vector<int> comp_, free_base_;
  std::vector<char> is_free_;
};

// Removes non-terminal leaves repeatedly (a leaf's last edge is the xor of its edges).
SteinerTree Local::prune(const std::vector<int>& edges) {
  for (int e : edges) {
    for (int x : {s_.edges[e].u, s_.edges[e].v}) deg_[x]++, xr_[x] ^= e;
  }
  stack_.clear();
  for (int e : edges)
    for (int x : {s_.edges[e].u, s_.edges[e].v})
      if (deg_[x] == 1 && !g_.terminal[x]) stack_.push_back(x);
  while (!stack_.empty()) {
    const int x = stack_.back();
    stack_.pop_back();
    if (deg_[x] != 1 || g_.terminal[x]) continue;
    const int e = xr_[x], y = other(e, x);
    dead_[e] = 1;
    deg_[x]--, deg_[y]--, xr_[x] ^= e, xr_[y] ^= e;
    if (deg_[y] == 1 && !g_.terminal[y]) stack_.push_back(y);
  }
  SteinerTree t;
  t.cost = 0;
  for (int e : edges) {
    deg_[s_.edges[e].u] = deg_[s_.edges[e].v] = 0, xr_[s_.edges[e].u] = xr_[s_.edges[e].v] = 0;
    if (!dead_[e]) t.edges.push_back(e), t.cost += s_.edges[e].w;
    dead_[e] = 0;
  }
  return t;
}

// Dijkstra from `sources` (side 1) bounded by `limit`: the path (edges) to the first node of
// side 2 reached, or nothing.
std::vector<int> Local::bounded_join(const std::vector<int>& sources, double limit) {
  MinQueue q;
  for (int v : sources) d_[v] = 0, touched_.push_back(v), q.push({0.0, v});
  std::vector<int> path;
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > d_[v]) continue;
    if (dv >= limit) break;
    if (side_[v] == 2) {
      for (int x = v; side_[x] != 1; x = other(pred_[x], x)) path.push_back(pred_[x]);
      break;
    }
    for (int k = g_.start[v]; k < g_.start[v + 1]; ++k) {
      const int x = g_.to[k];
      const double nd = dv + s_.edges[g_.eid[k]].w;
      if (nd >= limit) break;  // edges by weight
      if (side_[x] != 1 && nd < d_[x]) {
        if (d_[x] == kInf) touched_.push_back(x);
        d_[x] = nd, pred_[x] = g_.eid[k], q.push({nd, x});
      }
    }
  }
  for (int x : touched_) d_[x] = kInf, pred_[x] = -1;
  touched_.clear();
  return path;
}

// Marks the two parts of the tree without key path p (side_ 1: the smaller one, listed in
// `part`; 2: the other). False when p is no longer a key path of the tree.
bool Local::label_sides(const SteinerTree& t, const KeyPath& p, const std::vector<std::vector<int>>& at, std::vector<int>& part) {
  for (int x : p.inner)
    if (at[x].size() != 2) return false;
  for (int e : t.edges) side_[s_.edges[e].u] = side_[s_.edges[e].v] = 2;
  for (int x : p.inner) side_[x] = 0;
  part.assign(1, p.a);
  side_[p.a] = 1;
  const int b = other(p.edges.back(), p.inner.empty() ? p.a : p.inner.back());
  for (std::size_t k = 0; k < part.size(); ++k)
    for (int e : at[part[k]]) {
      const int y = other(e, part[k]);
      if (side_[y] == 2 && !(part[k] == p.a && e == p.edges.front()) && !(part[k] == b && e == p.edges.back()))
        side_[y] = 1, part.push_back(y);
    }
  const std::size_t tree_nodes = t.edges.size() + 1 - p.inner.size();
  if (2 * part.size() > tree_nodes) {  // search from the smaller part
    std::vector<int> rest;
    for (int e : t.edges)
      for (int x : {s_.edges[e].u, s_.edges[e].v})
        if (side_[x] == 2) side_[x] = 3, rest.push_back(x);
    for (int x : part) side_[x] = 2;
    for (int x : rest) side_[x] = 1;
    part = std::move(rest);
  }
  return true;
}

// Key-path exchange over every key path of the tree, improvements applied as found.
bool Local::key_path_pass(SteinerTree& t) {
  std::vector<char> in_tree(s_.edges.size(), 0);
  for (int e : t.edges) in_tree[e] = 1;
  auto at = tree_incidence(s_, g_.n, t.edges);
  bool improved = false;
  std::vector<int> part;
  for (const KeyPath& p : key_paths(s_, g_, at)) {
    if (!std::all_of(p.edges.begin(), p.edges.end(), [&](int e) { return in_tree[e]; })) continue;
    std::vector<int> path;
    if (label_sides(t, p, at, part)) path = bounded_join(part, p.cost - improvement_eps(p.cost));
    for (int e : t.edges) side_[s_.edges[e].u] = side_[s_.edges[e].v] = 0;
    if (path.empty()) continue;
    std::vector<int> edges;
    for (int e : p.edges) in_tree[e] = 0;
    for (int e : t.edges)
      if (in_tree[e]) edges.push_back(e);
    edges.insert(edges.end(), path.begin(), path.end());
    for (int e : t.edges) in_tree[e] = 0;
    t = prune(edges);
    for (int e : t.edges) in_tree[e] = 1;
    at = tree_incidence(s_, g_.n, t.edges);
    improved = true;
  }
  return improved;
}

// Steiner vertex insertion over every vertex beside the tree.
bool Local::insertion_pass(SteinerTree& t) {
  bool improved = false;
  std::vector<char> in = node_set(s_, g_.n, t.edges);
  std::vector<WEdge> base, add, all;
  std::unique_ptr<PathMax> pm;
  auto set_base = [&] {
    base.clear();
    for (int e : t.edges) base.push_back({s_.edges[e].w, e});
    std::sort(base.begin(), base.end());
    pm = std::make_unique<PathMax>(s_, g_.n, base);
  };
  set_base();
  for (int v = 0; v < g_.n; ++v) {
    if (in[v]) continue;
    add.clear();
    for (int k = g_.start[v]; k < g_.start[v + 1]; ++k)
      if (in[g_.to[k]]) add.push_back({s_.edges[g_.eid[k]].w, g_.eid[k]});
    if (add.size() < 2) continue;
    std::sort(add.begin(), add.end());
    // v keeps two edges only if one beats the largest edge of the tree path it would close
    const int x1 = other(add[0].second, v);
    bool swaps = false;
    for (std::size_t i = 1; i < add.size() && !swaps; ++i) swaps = add[i].first < pm->query(x1, other(add[i].second, v));
    if (!swaps) continue;
    all.resize(base.size() + add.size());
    std::merge(base.begin(), base.end(), add.begin(), add.end(), all.begin());
    const auto chosen = kruskal(all);
    if (std::count_if(chosen.begin(), chosen.end(), [&](int e) { return s_.edges[e].u == v || s_.edges[e].v == v; }) < 2)
      continue;  // v would be a leaf again: the same tree
    SteinerTree c = prune(chosen);
    if (c.cost < t.cost - improvement_eps(t.cost)) {
      t = std::move(c);
      in = node_set(s_, g_.n, t.edges);
      set_base();
      improved = true;
    }
  }
  return improved;
}

// Key-vertex elimination: MST of the tree's nodes but one Steiner node, in the induced subgraph.
bool Local::elimination_pass(SteinerTree& t) {
  bool improved = false;
  std::vector<char> in = node_set(s_, g_.n, t.edges);
  auto induced = induced_edges(s_, in);
  int n_in = int(std::count(in.begin(), in.end(), 1));
  for (int v = 0; v < g_.n; ++v) {
    if (!in[v] || g_.terminal[v]) continue;
    const auto chosen = kruskal(induced, v);
    if (int(chosen.size()) != n_in - 2) continue;
    SteinerTree c = prune(chosen);
    if (c.cost < t.cost - improvement_eps(t.cost)) {
      t = std::move(c);
      in = node_set(s_, g_.n, t.edges);
      induced = induced_edges(s_, in);
      n_in = int(std::count(in.begin(), in.end(), 1));
      improved = true;
    }
  }
  return improved;
}


// Voronoi regions of the tree's nodes (multi-source Dijkstra): distance, nearest tree node, and
// the edge towards it.
Local::Voronoi Local::tree_voronoi(const SteinerTree& t) const {
  Voronoi vo{std::vector<double>(g_.n, kInf), std::vector<int>(g_.n, -1), std::vector<int>(g_.n, -1)};
  MinQueue q;
  for (int e : t.edges)
    for (int x : {s_.edges[e].u, s_.edges[e].v})
      if (vo.base[x] < 0) vo.d[x] = 0, vo.base[x] = x, q.push({0.0, x});
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > vo.d[v]) continue;
    for (int k = g_.start[v]; k < g_.start[v + 1]; ++k) {
      const int x = g_.to[k];
      const double nd = dv + s_.edges[g_.eid[k]].w;
      if (nd < vo.d[x]) vo.d[x] = nd, vo.base[x] = vo.base[v], vo.pred[x] = g_.eid[k], q.push({nd, x});
    }
  }
  return vo;
}

// Distances of the freed nodes (is_free_) to the kept tree nodes through the kept regions:
// d_, pred_ and free_base_ on the freed nodes.
void Local::free_regions(const Voronoi& vo, const std::vector<int>& freed) {
  MinQueue q;
  for (int x : freed)
    for (int k = g_.start[x]; k < g_.start[x + 1]; ++k) {
      const int y = g_.to[k];
      if (is_free_[y] || vo.base[y] < 0) continue;
      const double nd = vo.d[y] + s_.edges[g_.eid[k]].w;
      if (nd < d_[x]) d_[x] = nd, pred_[x] = g_.eid[k], free_base_[x] = vo.base[y];
    }
  for (int x : freed)
    if (d_[x] < kInf) q.push({d_[x], x});
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > d_[v]) continue;
    for (int k = g_.start[v]; k < g_.start[v + 1]; ++k) {
      const int x = g_.to[k];
      const double nd = dv + s_.edges[g_.eid[k]].w;
      if (is_free_[x] && nd < d_[x]) d_[x] = nd, pred_[x] = g_.eid[k], free_base_[x] = free_base_[v], q.push({nd, x});
    }
  }
}

// Edges from x to the kept tree node of its (possibly recomputed) region.
std::vector<int> Local::path_to_tree(const Voronoi& vo, int x) const {
  std::vector<int> path;
  while (is_free_[x] ? pred_[x] >= 0 : vo.pred[x] >= 0) {
    const int e = is_free_[x] ? pred_[x] : vo.pred[x];
    path.push_back(e);
    x = other(e, x);
  }
  return path;
}

// Labels comp_ the parts of the tree around the freed nodes, part i holding ends[i].
void Local::label_parts(const std::vector<int>& ends, const std::vector<std::vector<int>>& at) {
  std::vector<int> stack;
  for (int i = 0; i < int(ends.size()); ++i) {
    comp_[ends[i]] = i;
    stack.assign(1, ends[i]);
    while (!stack.empty()) {
      const int x = stack.back();
      stack.pop_back();
      for (int e : at[x]) {
        const int y = other(e, x);
        if (comp_[y] < 0 && !is_free_[y]) comp_[y] = i, stack.push_back(y);
      }
    }
  }
}

// Kruskal on k parts given the best joining edge of each pair (best[a * k + b], a < b): the edges
// chosen (k - 1 of them when the parts connect) and their total length.
std::vector<int> Local::mst_of_parts(int k, const std::vector<std::pair<double, int>>& best, double& total) const {
  std::vector<std::tuple<double, int, int>> cand;  // (length, edge, pair)
  for (std::size_t i = 0; i < best.size(); ++i)
    if (best[i].second >= 0) cand.push_back({best[i].first, best[i].second, int(i)});
  std::sort(cand.begin(), cand.end());
  std::vector<int> parent(k);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
  std::vector<int> join;
  total = 0;
  for (auto [c, e, pair] : cand) {
    const int a = find(pair / k), b = find(pair % k);
    if (a == b) continue;
    parent[a] = b, total += c, join.push_back(e);
  }
  return join;
}

// Removes the Steiner key vertex v and its key paths, reconnects the parts by the MST of their
// Voronoi distances; true when the tree improved.
bool Local::eliminate(SteinerTree& t, const Voronoi& vo, const std::vector<const KeyPath*>& paths, int v,
                      const std::vector<std::vector<int>>& at, const std::vector<std::vector<int>>& members,
                      const std::vector<std::pair<double, int>>& boundary) {
  std::vector<int> removed{v}, freed, ends;
  double R = 0;
  for (const KeyPath* p : paths) {
    removed.insert(removed.end(), p->inner.begin(), p->inner.end());
    R += p->cost;
    ends.push_back(p->a == v ? other(p->edges.back(), p->inner.empty() ? p->a : p->inner.back()) : p->a);
  }
  for (int r : removed) is_free_[r] = 2;
  for (int r : removed)
    for (int x : members[r]) is_free_[x] = 1, freed.push_back(x);
  const int k = int(ends.size());
  label_parts(ends, at);
  free_regions(vo, freed);
  auto label = [&](int x) {
    const int b = is_free_[x] ? free_base_[x] : vo.base[x];
    return b < 0 ? -1 : comp_[b];
  };
  auto dist = [&](int x) { return is_free_[x] ? d_[x] : vo.d[x]; };
  std::vector<std::pair<double, int>> best(std::size_t(k * k), {kInf, -1});
  auto consider = [&](int e) {
    const int x = s_.edges[e].u, y = s_.edges[e].v, lx = label(x), ly = label(y);
    if (lx < 0 || ly < 0 || lx == ly) return;
    const double c = dist(x) + s_.edges[e].w + dist(y);
    auto& b = best[std::size_t(std::min(lx, ly) * k + std::max(lx, ly))];
    if (c < b.first) b = {c, e};
  };
  for (auto [c, e] : boundary) {  // edges between kept regions, by length: only those shorter than R
    if (c >= R) break;
    if (!is_free_[s_.edges[e].u] && !is_free_[s_.edges[e].v]) consider(e);
  }
  for (int x : freed)
    for (int j = g_.start[x]; j < g_.start[x + 1]; ++j) consider(g_.eid[j]);
  double total = 0;
  const std::vector<int> join = mst_of_parts(k, best, total);
  std::vector<int> edges;
  if (int(join.size()) == k - 1 && total < R - improvement_eps(R)) {
    std::vector<char> drop(s_.edges.size(), 0);
    for (const KeyPath* p : paths)
      for (int e : p->edges) drop[e] = 1;
    std::vector<char> added(s_.edges.size(), 0);
    for (int e : t.edges)
      if (!drop[e]) edges.push_back(e), added[e] = 1;
    for (int e : join) {
      std::vector<int> add = path_to_tree(vo, s_.edges[e].u), more = path_to_tree(vo, s_.edges[e].v);
      add.insert(add.end(), more.begin(), more.end());
      add.push_back(e);
      for (int f : add)
        if (!added[f]) edges.push_back(f), added[f] = 1;
    }
  }
  for (int x : freed) is_free_[x] = 0, d_[x] = kInf, pred_[x] = -1, free_base_[x] = -1;
  for (int e : t.edges) comp_[s_.edges[e].u] = comp_[s_.edges[e].v] = -1;
  if (edges.empty()) return false;
  std::vector<WEdge> sorted;
  for (int e : edges) sorted.push_back({s_.edges[e].w, e});
  std::sort(sorted.begin(), sorted.end());
  const auto kr = kruskal(sorted);
  SteinerTree c = prune(kr);
  if (!(c.cost < t.cost - improvement_eps(t.cost))) return false;
  t = std::move(c);
  return true;
}

// Key-vertex elimination over every Steiner node of degree >= 3 (restarts after each change).
bool Local::key_vertex_pass(SteinerTree& t) {
  bool improved = false;
  for (bool again = true; again;) {
    again = false;
    const auto at = tree_incidence(s_, g_.n, t.edges);
    const auto paths = key_paths(s_, g_, at);
    const Voronoi vo = tree_voronoi(t);
    std::vector<std::vector<int>> members(g_.n);
    for (int x = 0; x < g_.n; ++x)
      if (vo.base[x] >= 0) members[vo.base[x]].push_back(x);
    std::vector<std::vector<const KeyPath*>> at_key(g_.n);
    for (const auto& p : paths) {
      at_key[p.a].push_back(&p);
      at_key[other(p.edges.back(), p.inner.empty() ? p.a : p.inner.back())].push_back(&p);
    }
    std::vector<std::pair<double, int>> boundary;  // edges between regions, by length
    for (std::size_t e = 0; e < s_.edges.size(); ++e) {
      const int x = s_.edges[e].u, y = s_.edges[e].v;
      if (vo.base[x] >= 0 && vo.base[y] >= 0 && vo.base[x] != vo.base[y])
        boundary.push_back({vo.d[x] + s_.edges[e].w + vo.d[y], int(e)});
    }
    std::sort(boundary.begin(), boundary.end());
    for (int v = 0; v < g_.n && !again; ++v)
      if (!g_.terminal[v] && at[v].size() >= 3) again = eliminate(t, vo, at_key[v], v, at, members, boundary);
    improved = improved || again;
  }
  return improved;
}

}  // namespace

SteinerTree steiner_mst_prune(const SteinerInstance& s, const SteinerCsr& g, const std::vector<char>& in) {
  Dsu dsu(g.n);
  const auto chosen = kruskal(s, dsu, induced_edges(s, in));
  const int n_in = int(std::count(in.begin(), in.end(), 1));
  if (int(chosen.size()) != n_in - 1) return {};
  return Local(s, g).prune(chosen);
}
bool steiner_local_search(const SteinerInstance& s, const SteinerCsr& g, SteinerTree& t, int max_rounds) {
  bool any = false;
  Local local(s, g);
  for (int round = 0; round < max_rounds; ++round) {
    bool improved = false;
    while (local.key_path_pass(t)) improved = true;
    improved = local.insertion_pass(t) || improved;
    improved = local.elimination_pass(t) || improved;
    improved = local.key_vertex_pass(t) || improved;
    if (!improved) break;
    any = true;
  }
  return any;
}

}  // namespace dorsale::solvers
