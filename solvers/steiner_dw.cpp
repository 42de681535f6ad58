// Exact Steiner trees by dynamic programming over terminal subsets (Dreyfus & Wagner, with
// Dijkstra steps as in Erickson, Monma & Veinott); declared in solvers/steiner_local.h.
#include <bit>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "solvers/steiner_local.h"

namespace dorsale::solvers {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
using QItem = std::pair<double, int>;
using MinQueue = std::priority_queue<QItem, std::vector<QItem>, std::greater<QItem>>;
}  // namespace

double steiner_dp_work(const SteinerInstance& s) {
  const int k = int(s.terminals.size()) - 1;
  if (k < 1) return 0;
  return std::pow(3.0, k) * s.nodes + std::pow(2.0, k) * double(s.edges.size()) * 4;
}

namespace {

// Dreyfus–Wagner table: cost[S][v] = cheapest tree spanning the terminal subset S and v; how[S][v]
// = -1 - A when it merges the subsets A and S \ A at v, else the edge it came along (or kNone).
struct DwTable {
  std::vector<std::vector<double>> cost;
  std::vector<std::vector<int>> how;
};
constexpr int kNone = std::numeric_limits<int>::min();

void dw_relax(const SteinerInstance& s, const SteinerCsr& g, std::vector<double>& c, std::vector<int>& h) {
  MinQueue q;
  for (int v = 0; v < g.n; ++v)
    if (c[v] < kInf) q.push({c[v], v});
  while (!q.empty()) {
    auto [dv, v] = q.top();
    q.pop();
    if (dv > c[v]) continue;
    for (int k = g.start[v]; k < g.start[v + 1]; ++k) {
      const int x = g.to[k];
      const double nd = dv + s.edges[g.eid[k]].w;
      if (nd < c[x]) c[x] = nd, h[x] = g.eid[k], q.push({nd, x});
    }
  }
}

void dw_collect(const SteinerInstance& s, const DwTable& t, int S, int v, std::vector<int>& edges) {
  while (true) {
    const int h = t.how[std::size_t(S)][std::size_t(v)];
    if (h == kNone) return;
    if (h >= 0) {
      edges.push_back(h);
      v = s.edges[h].u == v ? s.edges[h].v : s.edges[h].u;
      continue;
    }
    const int A = -1 - h;
    dw_collect(s, t, A, v, edges);
    S ^= A;
  }
}

}  // namespace

SteinerTree steiner_dreyfus_wagner(const SteinerInstance& s) {
  const SteinerCsr g(s);
  const int k = int(s.terminals.size()) - 1, root = s.terminals[0];
  if (k < 1) return SteinerTree{0, {}};
  const int full = (1 << k) - 1;
  DwTable t{std::vector<std::vector<double>>(std::size_t(full) + 1), std::vector<std::vector<int>>(std::size_t(full) + 1)};
  for (int S = 1; S <= full; ++S) {
    auto& c = t.cost[std::size_t(S)];
    auto& h = t.how[std::size_t(S)];
    c.assign(std::size_t(g.n), kInf);
    h.assign(std::size_t(g.n), kNone);
    if ((S & (S - 1)) == 0) {
      c[std::size_t(s.terminals[std::size_t(std::countr_zero(unsigned(S))) + 1])] = 0;
    } else {
      const int low = S & -S;
      for (int A = (S - 1) & S; A > 0; A = (A - 1) & S) {
        if (!(A & low)) continue;  // each split once
        const auto &ca = t.cost[std::size_t(A)], &cb = t.cost[std::size_t(S ^ A)];
        for (int v = 0; v < g.n; ++v)
          if (ca[v] + cb[v] < c[v]) c[v] = ca[v] + cb[v], h[v] = -1 - A;
      }
    }
    dw_relax(s, g, c, h);
  }
  SteinerTree out;
  if (!(t.cost[std::size_t(full)][std::size_t(root)] < kInf)) return out;
  std::vector<int> edges;
  dw_collect(s, t, full, root, edges);
  std::vector<char> in(std::size_t(g.n), 0);
  for (int e : edges) in[s.edges[e].u] = in[s.edges[e].v] = 1;
  for (int x : s.terminals) in[x] = 1;
  return steiner_mst_prune(s, g, in);
}

}  // namespace dorsale::solvers
