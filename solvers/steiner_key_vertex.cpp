// Key-vertex elimination of the Steiner local search (solvers/steiner_local.h): the Voronoi
// regions of the tree's nodes, the parts left when a key vertex and its key paths are removed,
// and their reconnection by a minimum spanning tree of the parts.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "solvers/steiner_local_search.h"

namespace dorsale::solvers::steiner_ls {

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

}  // namespace dorsale::solvers::steiner_ls
