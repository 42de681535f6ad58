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

#include "solvers/steiner_local_search.h"

namespace dorsale::solvers {

namespace steiner_ls {

// Kruskal over candidate edges sorted by weight; `skip` node excluded (-1: none).
std::vector<int> kruskal(const SteinerInstance& s, Dsu& dsu, const std::vector<WEdge>& sorted, int skip) {
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

}  // namespace

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

}  // namespace steiner_ls

using namespace steiner_ls;

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
