// Minimum spanning tree: the answer is proved, not compared with stored numbers. On random
// small graphs (with many equal weights, where tie-breaking matters) the tree spans its
// components, is acyclic, and weighs exactly what Prim's algorithm (an independent O(n^2)
// implementation below) finds; and every non-tree edge is no lighter than the tree path it
// would close (the cycle optimality condition).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/random.h"
#include "solvers/spanning_tree.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int v) { return parent[v] == v ? v : parent[v] = find(parent[v]); }
  bool unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return false;
    parent[a] = b;
    return true;
  }
};

// Weight of a minimum spanning forest by Prim on the adjacency matrix (lightest parallel edge).
double prim_weight(int n, const std::vector<WeightedEdge>& edges) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> w(n, std::vector<double>(n, inf));
  for (const auto& e : edges)
    if (e.a != e.b) w[e.a][e.b] = w[e.b][e.a] = std::min(w[e.a][e.b], e.weight);
  std::vector<char> in(n, 0);
  std::vector<double> key(n, inf);
  double total = 0;
  for (int step = 0; step < n; ++step) {
    int v = -1;
    for (int u = 0; u < n; ++u)
      if (!in[u] && (v < 0 || key[u] < key[v])) v = u;
    if (std::isfinite(key[v])) total += key[v];  // a new component starts at key = inf
    in[v] = 1;
    for (int u = 0; u < n; ++u)
      if (!in[u]) key[u] = std::min(key[u], w[v][u]);
  }
  return total;
}

// Heaviest edge weight on the tree path between a and b (-inf if a == b, nan if unconnected).
double max_on_path(int n, const std::vector<WeightedEdge>& tree, int a, int b) {
  std::vector<double> best(n, std::nan(""));
  best[a] = -std::numeric_limits<double>::infinity();
  std::vector<int> stack{a};
  while (!stack.empty()) {
    int v = stack.back();
    stack.pop_back();
    for (const auto& e : tree) {
      int u = e.a == v ? e.b : e.b == v ? e.a : -1;
      if (u < 0 || !std::isnan(best[u])) continue;
      best[u] = std::max(best[v], e.weight);
      stack.push_back(u);
    }
  }
  return best[b];
}

std::vector<WeightedEdge> random_graph(Rng& rng, int n, double density, bool ties) {
  std::vector<WeightedEdge> edges;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b)
      if (rng.uniform() < density)
        edges.push_back({a, b, ties ? double(rng.below(4)) : rng.uniform(0, 100)});
  return edges;
}

int components(int n, const std::vector<WeightedEdge>& edges) {
  UnionFind uf(n);
  int c = n;
  for (const auto& e : edges) c -= uf.unite(e.a, e.b) ? 1 : 0;
  return c;
}

}  // namespace

TEST(SpanningTree, RandomGraphsSpanAcyclicAndMinimal) {
  Rng rng(2019);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 1 + int(rng.below(12));
    const auto edges = random_graph(rng, n, trial % 3 == 0 ? 0.25 : 0.7, trial % 2 == 0);
    const SpanningTree t = minimum_spanning_tree(n, edges);
    const int comps = components(n, edges);
    SCOPED_TRACE(testing::Message() << "trial " << trial << ", n " << n << ", components " << comps);
    ASSERT_NE(t.status, SpanningTreeStatus::InvalidInput);
    EXPECT_EQ(t.status, comps == 1 ? SpanningTreeStatus::Spanning : SpanningTreeStatus::Forest);
    // acyclic and spanning: n - components edges, none closing a cycle
    ASSERT_EQ(int(t.edges.size()), n - comps);
    UnionFind uf(n);
    std::vector<WeightedEdge> tree;
    double weight = 0;
    for (std::size_t k : t.edges) {
      ASSERT_LT(k, edges.size());
      EXPECT_TRUE(uf.unite(edges[k].a, edges[k].b)) << "edge " << k << " closes a cycle";
      tree.push_back(edges[k]);
      weight += edges[k].weight;
    }
    EXPECT_DOUBLE_EQ(t.weight, weight);
    EXPECT_NEAR(weight, prim_weight(n, edges), 1e-9);
    for (const auto& e : edges)  // cycle optimality: no edge could replace a heavier tree edge
      EXPECT_GE(e.weight, max_on_path(n, tree, e.a, e.b));
  }
}

TEST(SpanningTree, SameInputSameTreeInSameOrder) {
  Rng rng(7);
  const auto edges = random_graph(rng, 30, 0.5, true);
  const SpanningTree a = minimum_spanning_tree(30, edges), b = minimum_spanning_tree(30, edges);
  EXPECT_EQ(a.edges, b.edges);
}

TEST(SpanningTree, EdgeCasesAndInvalidInput) {
  EXPECT_EQ(minimum_spanning_tree(0, {}).status, SpanningTreeStatus::Spanning);
  EXPECT_TRUE(minimum_spanning_tree(0, {}).edges.empty());
  EXPECT_EQ(minimum_spanning_tree(1, {}).status, SpanningTreeStatus::Spanning);
  EXPECT_EQ(minimum_spanning_tree(3, {{0, 1, 1.0}}).status, SpanningTreeStatus::Forest);
  // a self-loop and a heavier parallel edge never enter the tree; negative weights are fine
  const SpanningTree t = minimum_spanning_tree(2, {{0, 0, -5.0}, {0, 1, 3.0}, {1, 0, -1.0}});
  ASSERT_EQ(t.edges.size(), 1u);
  EXPECT_EQ(t.edges[0], 2u);
  EXPECT_DOUBLE_EQ(t.weight, -1.0);
  EXPECT_EQ(minimum_spanning_tree(2, {{0, 2, 1.0}}).status, SpanningTreeStatus::InvalidInput);
  EXPECT_EQ(minimum_spanning_tree(2, {{-1, 1, 1.0}}).status, SpanningTreeStatus::InvalidInput);
  EXPECT_EQ(minimum_spanning_tree(2, {{0, 1, std::nan("")}}).status, SpanningTreeStatus::InvalidInput);
  EXPECT_EQ(minimum_spanning_tree(-1, {}).status, SpanningTreeStatus::InvalidInput);
}
