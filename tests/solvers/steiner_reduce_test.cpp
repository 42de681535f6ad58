// Reduction tests keep the optimum: on random small graphs (small integer weights, so many ties)
// the optimum of the reduced graph plus the fixed cost equals the brute-force optimum of the
// original graph, and the reduced optimum mapped back is a tree of the original graph spanning
// every terminal at that cost. Same for reduced-cost fixing with the dual ascent.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <numeric>

#include "models/random.h"
#include "solvers/steiner.h"
#include "solvers/steiner_local.h"
#include "solvers/steiner_reduce.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

SteinerInstance random_graph(int n, int extra, int terminals, int max_w, std::uint64_t seed) {
  Rng rng(seed);
  SteinerInstance s;
  s.name = "random";
  s.nodes = n;
  for (int v = 1; v < n; ++v) s.edges.push_back({int(rng.below(v)), v, double(1 + rng.below(max_w))});
  for (int k = 0; k < extra; ++k) {
    const int a = int(rng.below(n)), b = int(rng.below(n));
    if (a != b) s.edges.push_back({a, b, double(1 + rng.below(max_w))});
  }
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  for (int k = 0; k < terminals; ++k) std::swap(all[k], all[k + rng.below(n - k)]);
  s.terminals.assign(all.begin(), all.begin() + terminals);
  return s;
}

// The chosen original edges form a tree spanning every terminal; returns its cost.
double tree_cost(const SteinerInstance& s, const std::vector<int>& edges) {
  std::vector<int> parent(s.nodes);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
  double cost = 0;
  for (int e : edges) {
    const int a = find(s.edges[e].u), b = find(s.edges[e].v);
    EXPECT_NE(a, b) << "edge " << e << " closes a cycle";
    parent[a] = b;
    cost += s.edges[e].w;
  }
  for (int t : s.terminals) EXPECT_EQ(find(t), find(s.terminals[0])) << "terminal " << t << " not connected";
  return cost;
}

// The optimum by brute force, independent of the solver: the cheapest MST of the terminals plus
// a subset of the other nodes (at most 14 of them).
double plain_optimum(const SteinerInstance& s) {
  const int n = s.nodes;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> w(n, std::vector<double>(n, inf));
  for (const auto& e : s.edges) w[e.u][e.v] = w[e.v][e.u] = std::min(w[e.u][e.v], e.w);
  std::vector<char> term(n, 0);
  for (int t : s.terminals) term[t] = 1;
  std::vector<int> others;
  for (int v = 0; v < n; ++v)
    if (!term[v]) others.push_back(v);
  EXPECT_LE(others.size(), 14u);
  double best = inf;
  for (std::uint32_t mask = 0; mask < (1u << others.size()); ++mask) {
    std::vector<char> in = term;
    for (std::size_t k = 0; k < others.size(); ++k)
      if (mask >> k & 1) in[others[k]] = 1;
    std::vector<double> d(n, inf);  // Prim on the chosen nodes
    std::vector<char> done(n, 0);
    d[s.terminals[0]] = 0;
    double cost = 0;
    for (;;) {
      int u = -1;
      for (int v = 0; v < n; ++v)
        if (in[v] && !done[v] && (u < 0 || d[v] < d[u])) u = v;
      if (u < 0) break;
      if (d[u] == inf) {
        cost = inf;
        break;
      }
      done[u] = 1, cost += d[u];
      for (int v = 0; v < n; ++v)
        if (in[v] && !done[v]) d[v] = std::min(d[v], w[u][v]);
    }
    best = std::min(best, cost);
  }
  return best;
}

// Optimum of the reduced graph, mapped back: checks the tree and returns the original cost.
double reduced_optimum(const SteinerInstance& s, const ReducedGraph& rg) {
  std::vector<int> edge_of, node_of;
  const SteinerInstance c = rg.compact(edge_of, node_of);
  std::vector<int> red;
  double cost = rg.fixed_cost();
  if (c.terminals.size() >= 2) {
    SteinerOptions o;
    o.reductions = false;
    o.backend = MipBackend::Cbc;
    const auto r = steiner_exact(c, o);
    EXPECT_EQ(r.status, SteinerStatus::Optimal);
    for (int e : r.edges) red.push_back(edge_of[e]);
    cost += r.cost;
  }
  const auto edges = rg.map_back(red);
  EXPECT_NEAR(tree_cost(s, edges), cost, 1e-9);
  return cost;
}

}  // namespace

TEST(SteinerReduce, ReductionsKeepTheOptimumOnRandomGraphs) {
  int reduced_something = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const int n = 12 + int(seed % 7), terminals = 4 + int(seed % 5), max_w = seed % 2 ? 4 : 30;
    const auto s = random_graph(n, n + int(seed % 13), terminals, max_w, seed);
    const double opt = plain_optimum(s);
    ReducedGraph rg(s);
    rg.reduce();
    ASSERT_FALSE(rg.infeasible()) << seed;
    reduced_something += rg.edges_alive() < int(s.edges.size());
    EXPECT_NEAR(reduced_optimum(s, rg), opt, 1e-9) << "seed " << seed;
  }
  EXPECT_GE(reduced_something, 30) << "the tests hardly reduce";
}

TEST(SteinerReduce, EachTestAloneKeepsTheOptimum) {
  for (std::uint64_t seed = 100; seed <= 130; ++seed) {
    const auto s = random_graph(16, 20, 4 + int(seed % 4), seed % 2 ? 3 : 25, seed);
    const double opt = plain_optimum(s);
    for (int test = 0; test < 3; ++test) {
      ReducedGraph rg(s);
      if (test == 0) rg.degree_tests();
      if (test == 1) rg.nearest_vertex_test();
      if (test == 2) rg.special_distance_test();
      EXPECT_NEAR(reduced_optimum(s, rg), opt, 1e-9) << "seed " << seed << " test " << test;
    }
  }
}

TEST(SteinerReduce, ReducedCostFixingKeepsTheOptimum) {
  int removed = 0;
  for (std::uint64_t seed = 200; seed <= 230; ++seed) {
    const auto s = random_graph(18, 24, 5, seed % 2 ? 5 : 40, seed);
    const double opt = plain_optimum(s);
    ReducedGraph rg(s);
    std::vector<int> edge_of, node_of;
    const SteinerInstance c = rg.compact(edge_of, node_of);
    const SteinerCsr g(c);
    std::vector<double> w;
    for (const auto& e : c.edges) w.push_back(e.w);
    SteinerTree t = steiner_mst_prune(c, g, steiner_sph(g, w, c.terminals[0]));
    const DualAscent da = dual_ascent(c, c.terminals[0]);
    EXPECT_LE(da.lb, opt + 1e-9) << seed;
    removed += rg.reduced_cost_test(c, da, c.terminals[0], t.cost, edge_of, node_of);
    EXPECT_NEAR(reduced_optimum(s, rg), opt, 1e-9) << "seed " << seed;
  }
  EXPECT_GT(removed, 0);
}

TEST(SteinerReduce, HeuristicAndExactAgreeWithBruteForce) {
  for (std::uint64_t seed = 300; seed <= 320; ++seed) {
    const auto s = random_graph(19, 30, 6, seed % 2 ? 4 : 50, seed);
    const double opt = plain_optimum(s);
    const auto h = steiner_heuristic(s);
    EXPECT_NEAR(tree_cost(s, h.edges), h.cost, 1e-9);
    EXPECT_GE(h.cost, opt - 1e-9) << seed;
    EXPECT_LE(h.bound, opt + 1e-9) << seed;
    SteinerOptions o;
    o.backend = MipBackend::Cbc;
    const auto x = steiner_exact(s, o);
    ASSERT_EQ(x.status, SteinerStatus::Optimal) << seed;
    EXPECT_NEAR(x.cost, opt, 1e-9) << seed;
    EXPECT_NEAR(tree_cost(s, x.edges), x.cost, 1e-9);
  }
}

TEST(SteinerReduce, DreyfusWagnerIsExact) {
  for (std::uint64_t seed = 400; seed <= 420; ++seed) {
    const auto s = random_graph(17, 25, 3 + int(seed % 5), seed % 2 ? 4 : 60, seed);
    const auto t = steiner_dreyfus_wagner(s);
    EXPECT_NEAR(t.cost, plain_optimum(s), 1e-9) << seed;
    EXPECT_NEAR(tree_cost(s, t.edges), t.cost, 1e-9) << seed;
  }
}

TEST(SteinerReduce, LocalSearchKeepsATreeAndNeverWorsens) {
  for (std::uint64_t seed = 500; seed <= 520; ++seed) {
    const auto s = random_graph(60, 140, 12, seed % 2 ? 5 : 100, seed);
    const SteinerCsr g(s);
    std::vector<double> w;
    for (const auto& e : s.edges) w.push_back(e.w);
    SteinerTree t = steiner_mst_prune(s, g, steiner_sph(g, w, s.terminals[1]));
    const double before = t.cost;
    steiner_local_search(s, g, t, 8);
    EXPECT_LE(t.cost, before + 1e-9) << seed;
    EXPECT_NEAR(tree_cost(s, t.edges), t.cost, 1e-9) << seed;
  }
}

// The MILP step of the exact mode on what the reductions leave: with Dreyfus–Wagner off and a
// weak first tree (one SPH, no local search) the bound does not meet the tree, the MILP runs on the
// reduced graph and its tree, mapped back, is the optimum of the original graph.
TEST(SteinerReduce, ExactMilpOnTheReducedGraphFindsTheOptimum) {
  SteinerOptions weak;
  weak.dreyfus_wagner = false;
  weak.roots = 1;
  weak.improvement_passes = 0;
  weak.perturbations = 0;
  int open_gaps = 0;
  for (std::uint64_t seed = 600; seed <= 700 && open_gaps < 8; ++seed) {
    const auto s = random_graph(26, 90, 12, seed % 2 ? 3 : 9, seed);
    if (steiner_heuristic(s, weak).gap <= 1e-9) continue;  // closed without the MILP
    ++open_gaps;
    for (auto backend : {MipBackend::Glpk, MipBackend::Cbc}) {
      SteinerOptions o = weak;
      o.backend = backend;
      const auto x = steiner_exact(s, o);
      ASSERT_EQ(x.status, SteinerStatus::Optimal) << seed;
      EXPECT_NEAR(x.cost, plain_optimum(s), 1e-9) << seed;
      EXPECT_NEAR(tree_cost(s, x.edges), x.cost, 1e-9) << seed;
    }
  }
  EXPECT_GE(open_gaps, 3) << "too few instances reach the MILP";
}
