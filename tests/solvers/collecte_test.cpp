// Collecte design on small hand-made networks: the connected set is what a BFS from the Dorsale
// points of presence reaches over built links, connection costs are shortest connections over
// every candidate (network links at their build cost, free when built; new NRO links within
// reach at straight line x detour x build cost), and a designed tree reaches every requested
// node at the cost of its links.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "models/network.h"
#include "models/random.h"
#include "solvers/collecte.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Node node(const std::string& id, NodeKind kind, double x_km, double y_km) {
  Node n;
  n.id = id;
  n.name = id;
  n.kind = kind;
  n.pos.x = x_km * 1000.0;
  n.pos.y = y_km * 1000.0;
  return n;
}

void link(Network& net, const std::string& a, const std::string& b, double km, double build_eur_per_km) {
  Link l;
  l.id = a + "-" + b;
  l.length_km = km;
  l.build_eur_per_km = build_eur_per_km;
  l.status = LinkStatus::Planned;
  l.pairs_total = 12;
  net.add_link(l, a, b);
}

// The reference: a queue BFS from every Dorsale PoP over the built links only.
std::vector<char> bfs_from_pops(const Network& net, const std::vector<char>& built) {
  const std::size_t n = net.nodes().size();
  std::vector<char> seen(n, 0);
  std::deque<int> queue;
  for (std::size_t i = 0; i < n; ++i)
    if (net.node(int(i)).kind == NodeKind::DorsalePop) {
      seen[i] = 1;
      queue.push_back(int(i));
    }
  while (!queue.empty()) {
    const int v = queue.front();
    queue.pop_front();
    for (std::size_t j = 0; j < net.links().size(); ++j) {
      if (!built[j]) continue;
      const auto& l = net.links()[j];
      const int w = l.a == v ? l.b : l.b == v ? l.a : -1;
      if (w >= 0 && !seen[w]) {
        seen[w] = 1;
        queue.push_back(w);
      }
    }
  }
  return seen;
}

// Every candidate as the header describes it: (a, b, cost).
struct Cand {
  int a, b;
  double cost;
};
std::vector<Cand> all_candidates(const Network& net, const std::vector<char>& built, const CollecteParams& p) {
  std::vector<Cand> out;
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const auto& l = net.links()[j];
    out.push_back({l.a, l.b, built[j] ? 0.0 : l.length_km * l.build_eur_per_km});
  }
  const int n = int(net.nodes().size());
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      const auto ka = net.node(a).kind, kb = net.node(b).kind;
      const bool ends_ok = (ka == NodeKind::Nro || ka == NodeKind::DorsalePop) && (kb == NodeKind::Nro || kb == NodeKind::DorsalePop) &&
                           (ka == NodeKind::Nro || kb == NodeKind::Nro);
      const double d = distance_km(net.node(a).pos, net.node(b).pos);
      if (ends_ok && d <= p.candidate_km) out.push_back({a, b, d * p.detour_factor * p.build_eur_per_km});
    }
  return out;
}

// The reference: Floyd–Warshall over every candidate, then the nearest connected node.
std::vector<double> brute_force_costs(const Network& net, const std::vector<char>& connected, const std::vector<char>& built,
                                      const CollecteParams& p) {
  const int n = int(net.nodes().size());
  std::vector<std::vector<double>> d(n, std::vector<double>(n, kInf));
  for (int i = 0; i < n; ++i) d[i][i] = 0;
  for (const auto& c : all_candidates(net, built, p)) {
    d[c.a][c.b] = std::min(d[c.a][c.b], c.cost);
    d[c.b][c.a] = std::min(d[c.b][c.a], c.cost);
  }
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
  std::vector<double> out(n, kInf);
  for (int i = 0; i < n; ++i)
    for (int s = 0; s < n; ++s)
      if (connected[s]) out[i] = std::min(out[i], d[s][i]);
  return out;
}

// A random network: PoPs, NROs and junctions scattered over 60 km, a random spanning tree of
// links plus a few more, and a random set of them built.
struct RandomCase {
  Network net;
  std::vector<char> built;
};
RandomCase random_case(std::uint64_t seed, int n) {
  Rng rng(seed);
  RandomCase rc;
  for (int i = 0; i < n; ++i) {
    const auto kind = i == 0 ? NodeKind::DorsalePop
                      : rng.below(5) == 0 ? NodeKind::DorsalePop
                      : rng.below(3) == 0 ? NodeKind::Junction
                                          : NodeKind::Nro;
    rc.net.add_node(node("n" + std::to_string(i), kind, rng.uniform(0, 60), rng.uniform(0, 60)));
  }
  for (int v = 1; v < n; ++v)
    if (rng.below(4) != 0) {  // some nodes stay off the links: only new links can reach them
      const int u = int(rng.below(v));
      link(rc.net, "n" + std::to_string(u), "n" + std::to_string(v), rng.uniform(1, 40), rng.uniform(5e3, 3e4));
    }
  for (int k = 0; k < n / 2; ++k) {
    const int a = int(rng.below(n)), b = int(rng.below(n));
    if (a != b) link(rc.net, "n" + std::to_string(a), "n" + std::to_string(b), rng.uniform(1, 40), rng.uniform(5e3, 3e4));
  }
  for (std::size_t j = 0; j < rc.net.links().size(); ++j) rc.built.push_back(rng.below(2) == 0);
  return rc;
}

const CollecteParams kParams{15.0, 1.3, 20000.0};

// A line pop -- a -- b -- c, built up to a, and an NRO d 10 km from c and 30 km from the pop.
Network line_network() {
  Network net;
  net.add_node(node("pop", NodeKind::DorsalePop, 0, 0));
  net.add_node(node("a", NodeKind::Nro, 10, 0));
  net.add_node(node("b", NodeKind::Junction, 20, 0));
  net.add_node(node("c", NodeKind::Nro, 30, 0));
  net.add_node(node("d", NodeKind::Nro, 30, 10));
  net.add_node(node("far", NodeKind::Nro, 200, 200));
  link(net, "pop", "a", 11, 1000);  // built
  link(net, "a", "b", 12, 1000);    // 12 000
  link(net, "b", "c", 13, 1000);    // 13 000
  return net;
}

// Union-find over the design's edges with the connected set merged into one root.
struct Components {
  std::vector<int> parent;
  explicit Components(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); }
  bool join(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    parent[a] = b;
    return true;
  }
};

// The properties of every design: each edge is a candidate at its cost, the edges form a
// forest hanging from the connected set (no cycle), every terminal is reached, cost and km
// are the sums of the edges, and the tree costs no more than connecting each terminal alone.
void expect_valid_design(const Network& net, const std::vector<char>& connected, const std::vector<char>& built,
                         const std::vector<int>& terminals, const CollecteDesigner::Design& d,
                         const std::vector<double>& single_costs) {
  const int n = int(net.nodes().size());
  Components comp(n);
  int root = -1;
  for (int i = 0; i < n; ++i) {
    if (!connected[i]) continue;
    if (root < 0) root = i;
    comp.join(i, root);
  }
  double cost = 0, km = 0;
  for (const auto& e : d.edges) {
    if (e.link >= 0) {
      const auto& l = net.links()[e.link];
      EXPECT_TRUE((l.a == e.a && l.b == e.b) || (l.a == e.b && l.b == e.a)) << "link " << l.id << " has other ends";
      EXPECT_DOUBLE_EQ(e.cost, built[e.link] ? 0.0 : l.length_km * l.build_eur_per_km) << l.id;
      EXPECT_DOUBLE_EQ(e.km, l.length_km) << l.id;
    } else {
      const double straight = distance_km(net.node(e.a).pos, net.node(e.b).pos);
      EXPECT_LE(straight, kParams.candidate_km + 1e-9);
      EXPECT_NEAR(e.km, straight * kParams.detour_factor, 1e-9);
      EXPECT_NEAR(e.cost, e.km * kParams.build_eur_per_km, 1e-6);
    }
    EXPECT_TRUE(comp.join(e.a, e.b)) << "edge " << net.node(e.a).id << "-" << net.node(e.b).id << " closes a cycle";
    cost += e.cost;
    if (e.cost > 0) km += e.km;
  }
  EXPECT_NEAR(d.cost, cost, 1e-6);
  EXPECT_NEAR(d.km, km, 1e-9);
  double alone = 0;
  for (int t : terminals) {
    if (root >= 0) EXPECT_EQ(comp.find(t), comp.find(root)) << "terminal " << net.node(t).id << " not reached";
    if (!connected[t]) alone += single_costs[t];
  }
  EXPECT_LE(d.cost, alone + 1e-6);
}

}  // namespace

TEST(Collecte, ConnectedNodesOnALineAreThoseBuiltFromThePop) {
  const Network net = line_network();
  CollecteDesigner designer(net, kParams);
  EXPECT_EQ(designer.connected_nodes({1, 0, 0}), (std::vector<char>{1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(designer.connected_nodes({1, 1, 1}), (std::vector<char>{1, 1, 1, 1, 0, 0}));
  // a built link away from the PoP connects nothing
  EXPECT_EQ(designer.connected_nodes({0, 0, 1}), (std::vector<char>{1, 0, 0, 0, 0, 0}));
}

TEST(Collecte, ConnectionCostsOnALineByHand) {
  const Network net = line_network();
  CollecteDesigner designer(net, kParams);
  const std::vector<char> built{1, 0, 0};
  const auto connected = designer.connected_nodes(built);
  const auto cost = designer.connection_costs(connected, built);
  ASSERT_EQ(cost.size(), 6u);
  EXPECT_DOUBLE_EQ(cost[0], 0);
  EXPECT_DOUBLE_EQ(cost[1], 0);
  EXPECT_DOUBLE_EQ(cost[2], 12000);  // a-b
  // c: a new link a-c is 20 km away (beyond reach); through b: 12 000 + 13 000
  EXPECT_DOUBLE_EQ(cost[3], 25000);
  // d: a new link c-d (10 km x 1.3 x 20 000 = 260 000) after c, or d alone: no PoP/NRO within 15 km but c
  EXPECT_DOUBLE_EQ(cost[4], 25000 + 10 * 1.3 * 20000);
  EXPECT_EQ(cost[5], kInf);
}

TEST(Collecte, ConnectedNodesEqualABreadthFirstSearchFromThePops) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto rc = random_case(seed, 4 + int(seed % 9));
    CollecteDesigner designer(rc.net, kParams);
    EXPECT_EQ(designer.connected_nodes(rc.built), bfs_from_pops(rc.net, rc.built)) << "seed " << seed;
  }
}

TEST(Collecte, ConnectionCostsEqualTheShortestConnectionOverEveryCandidate) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto rc = random_case(seed, 4 + int(seed % 9));
    CollecteDesigner designer(rc.net, kParams);
    const auto connected = designer.connected_nodes(rc.built);
    const auto got = designer.connection_costs(connected, rc.built);
    const auto want = brute_force_costs(rc.net, connected, rc.built, kParams);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (std::isinf(want[i]))
        EXPECT_TRUE(std::isinf(got[i])) << "seed " << seed << " node " << i << ": " << got[i];
      else
        EXPECT_NEAR(got[i], want[i], 1e-6 * std::max(1.0, want[i])) << "seed " << seed << " node " << i;
    }
  }
}

TEST(Collecte, ConnectionCostsAreInfiniteWithoutAnyConnectedNode) {
  const Network net = line_network();
  CollecteDesigner designer(net, kParams);
  for (double c : designer.connection_costs(std::vector<char>(6, 0), {0, 0, 0})) EXPECT_EQ(c, kInf);
}

TEST(Collecte, DesignOnALineReachesTheTerminalsAtTheCostOfItsLinks) {
  const Network net = line_network();
  CollecteDesigner designer(net, kParams);
  const std::vector<char> built{1, 0, 0};
  const auto connected = designer.connected_nodes(built);
  const std::vector<int> terminals{3, 4, 1};  // c, d and a (already connected: ignored)
  const auto d = designer.connect(connected, built, terminals);
  ASSERT_NE(d.steiner.status, SteinerStatus::Infeasible);
  EXPECT_EQ(d.edges.size(), 3u);  // a-b, b-c, c-d
  EXPECT_DOUBLE_EQ(d.cost, 12000 + 13000 + 10 * 1.3 * 20000);
  EXPECT_DOUBLE_EQ(d.km, 12 + 13 + 13);
  expect_valid_design(net, connected, built, terminals, d, designer.connection_costs(connected, built));
}

TEST(Collecte, DesignsOnRandomNetworksReachEveryReachableTerminal) {
  int designs = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto rc = random_case(seed, 5 + int(seed % 9));
    CollecteDesigner designer(rc.net, kParams);
    const auto connected = designer.connected_nodes(rc.built);
    const auto single = designer.connection_costs(connected, rc.built);
    std::vector<int> terminals;
    bool reachable = true;
    for (std::size_t i = 0; i < rc.net.nodes().size(); ++i)
      if (rc.net.node(int(i)).kind == NodeKind::Nro) {
        terminals.push_back(int(i));
        reachable = reachable && !std::isinf(single[i]);
      }
    const auto d = designer.connect(connected, rc.built, terminals);
    if (!reachable) {
      EXPECT_EQ(d.steiner.status, SteinerStatus::Infeasible) << "seed " << seed;
      continue;
    }
    ASSERT_NE(d.steiner.status, SteinerStatus::Infeasible) << "seed " << seed;
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_valid_design(rc.net, connected, rc.built, terminals, d, single);
    ++designs;
  }
  EXPECT_GE(designs, 10);  // the random cases exercise the feasible path
}

TEST(Collecte, AnUnreachableTerminalMakesTheDesignInfeasible) {
  const Network net = line_network();
  CollecteDesigner designer(net, kParams);
  const std::vector<char> built{1, 0, 0};
  const auto d = designer.connect(designer.connected_nodes(built), built, {3, 5});  // "far" has no candidate
  EXPECT_EQ(d.steiner.status, SteinerStatus::Infeasible);
}
