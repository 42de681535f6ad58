// Single-failure resilience (solvers/resilience, Boost.Graph) against brute force: every link,
// every shared-risk group and every node removed in turn, connectivity to the core recounted by
// a plain breadth-first search written here (no Boost), on the built-in network (in service,
// and with the planned links) and on seeded random graphs with parallel links, planned links
// and random shared-risk groups. The premises and high points attributed to the cut nodes are
// recounted from the communes and the high points directly; the JSON document reads back.
#include "io/spelling.h"
#include "solvers/resilience.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <cstdlib>
#include <set>
#include <sstream>

#include "models/error.h"
#include "models/geo.h"
#include "planner/network.h"
#include "planner/resilience.h"
#include "io/scenario.h"
#include "test_support.h"
#include "io/resilience_writer.h"

using namespace dorsale;

namespace {

struct Expected {
  std::set<int> cut;
  std::int64_t premises = 0, high_points = 0;
  std::vector<std::string> links;
};
using Key = std::pair<int, std::string>;  // (kind, id)

// Nodes joined to a core node without the removed links and the removed node: a plain BFS.
std::vector<char> bfs(const Network& net, const std::vector<int>& core, const std::vector<char>& link_off, int node_off,
                      bool planned) {
  const int n = int(net.nodes().size());
  std::vector<std::vector<std::pair<int, int>>> adj(n);
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const Link& l = net.links()[j];
    if (link_off[j] || (l.status == LinkStatus::Planned && !planned)) continue;
    adj[l.a].emplace_back(l.b, int(j));
    adj[l.b].emplace_back(l.a, int(j));
  }
  std::vector<char> seen(n, 0);
  std::deque<int> q;
  for (int c : core)
    if (c != node_off && !seen[c]) seen[c] = 1, q.push_back(c);
  while (!q.empty()) {
    const int u = q.front();
    q.pop_front();
    for (auto e : adj[u])
      if (!seen[e.first] && e.first != node_off) seen[e.first] = 1, q.push_back(e.first);
  }
  return seen;
}

// Every single failure that cuts something, by brute force.
std::map<Key, Expected> brute_force(const Network& net, const solvers::ResilienceInput& in) {
  const int n = int(net.nodes().size());
  const std::size_t m = net.links().size();
  const std::vector<char> none(m, 0);
  const auto base = bfs(net, in.core, none, -1, in.include_planned);
  std::map<Key, Expected> out;
  auto record = [&](FailureKind kind, const std::string& id, const std::vector<char>& now, int failed, std::vector<std::string> links) {
    Expected e;
    for (int v = 0; v < n; ++v)
      if (base[v] && !now[v] && v != failed) {
        e.cut.insert(v);
        e.premises += in.premises[v];
        e.high_points += in.high_points[v];
      }
    e.links = std::move(links);
    if (!e.cut.empty()) out[{int(kind), id}] = e;
  };
  for (std::size_t j = 0; j < m; ++j) {
    if (net.links()[j].status == LinkStatus::Planned && !in.include_planned) continue;
    std::vector<char> off(m, 0);
    off[j] = 1;
    record(FailureKind::Link, net.links()[j].id, bfs(net, in.core, off, -1, in.include_planned), -1, {net.links()[j].id});
  }
  std::map<std::string, std::vector<int>> groups;
  for (std::size_t j = 0; j < m; ++j) {
    const Link& l = net.links()[j];
    if (l.status == LinkStatus::Planned && !in.include_planned) continue;
    std::set<std::string> gs;
    if (!l.srg.empty()) gs.insert(l.srg);
    for (const auto& g : l.extra_srgs)
      if (!g.empty()) gs.insert(g);
    for (const auto& g : gs) groups[g].push_back(int(j));
  }
  for (const auto& [g, ls] : groups) {
    if (ls.size() < 2) continue;
    std::vector<char> off(m, 0);
    std::vector<std::string> ids;
    for (int j : ls) off[j] = 1, ids.push_back(net.links()[j].id);
    record(FailureKind::Srg, g, bfs(net, in.core, off, -1, in.include_planned), -1, ids);
  }
  for (int v = 0; v < n; ++v) record(FailureKind::Node, net.node(v).id, bfs(net, in.core, none, v, in.include_planned), v, {});
  return out;
}

// The solver's answer equals brute force, failure by failure; the list is worst first.
void expect_matches_brute_force(const Network& net, const solvers::ResilienceInput& in, const std::string& what) {
  const ResilienceResult r = solvers::analyse_resilience(net, in);
  const auto want = brute_force(net, in);
  ASSERT_EQ(r.status, ResilienceStatus::Complete) << what;
  EXPECT_TRUE(std::is_sorted(r.failures.begin(), r.failures.end(), worse_failure)) << what;
  std::set<Key> seen;
  for (const auto& f : r.failures) {
    const Key k{int(f.kind), f.id};
    EXPECT_TRUE(seen.insert(k).second) << what << ": " << f.id << " listed twice";
    const auto it = want.find(k);
    if (it == want.end()) {
      ADD_FAILURE() << what << ": " << io::spell(f.kind) << " " << f.id << " cuts nothing by brute force";
      continue;
    }
    std::set<int> got;
    for (const auto& id : f.cut_nodes) got.insert(*net.find_node(id));
    EXPECT_EQ(got, it->second.cut) << what << ": " << f.id;
    EXPECT_EQ(f.cut_nodes.size(), got.size()) << what << ": " << f.id;
    EXPECT_EQ(f.cut_premises, it->second.premises) << what << ": " << f.id;
    EXPECT_EQ(f.cut_high_points, it->second.high_points) << what << ": " << f.id;
    std::int64_t nros = 0;
    for (int v : got) nros += net.node(v).kind == NodeKind::Nro;
    EXPECT_EQ(f.cut_nros, nros) << what << ": " << f.id;
    auto links = f.links, wl = it->second.links;
    std::sort(links.begin(), links.end());
    std::sort(wl.begin(), wl.end());
    EXPECT_EQ(links, wl) << what << ": " << f.id;
    EXPECT_GT(f.cut_nodes.size(), 0u);
  }
  for (const auto& [k, e] : want)
    EXPECT_TRUE(seen.count(k)) << what << ": brute force finds " << io::spell(FailureKind(k.first)) << " " << k.second << " cutting "
                               << e.cut.size() << " nodes, the solver does not list it";
  // the baseline: nodes no path joins to the core before any failure
  const auto base = bfs(net, in.core, std::vector<char>(net.links().size(), 0), -1, in.include_planned);
  std::set<std::string> cut0;
  for (int v = 0; v < int(net.nodes().size()); ++v)
    if (!base[v]) cut0.insert(net.node(v).id);
  EXPECT_EQ(std::set<std::string>(r.baseline_cut_nodes.begin(), r.baseline_cut_nodes.end()), cut0) << what;
}

// A random network: a random tree over n nodes plus extra links (some parallel to existing
// ones), a share planned, random shared-risk groups (some links in two groups), 1-3 core nodes.
struct RandomCase {
  Network net;
  solvers::ResilienceInput in;
};

RandomCase random_case(unsigned seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  RandomCase c;
  const int n = uni(2, 40);
  for (int v = 0; v < n; ++v) {
    Node x;
    x.id = "n" + std::to_string(v);
    x.kind = uni(0, 3) == 0 ? NodeKind::Nro : NodeKind::Junction;
    x.pos = {double(uni(0, 100000)), double(uni(0, 100000))};
    c.net.add_node(x);
  }
  int k = 0;
  auto link = [&](int a, int b) {
    Link l;
    l.id = "l" + std::to_string(k++);
    l.length_km = 1;
    l.status = uni(0, 9) == 0 ? LinkStatus::Planned : LinkStatus::Owned;
    c.net.add_link(l, c.net.node(a).id, c.net.node(b).id);
  };
  for (int v = 1; v < n; ++v) link(v, uni(0, v - 1));
  const int extra = uni(0, n);
  for (int e = 0; e < extra; ++e) {
    if (uni(0, 4) == 0 && k > 0) {  // parallel to an existing link
      const Link& l = c.net.links()[uni(0, k - 1)];
      link(l.a, l.b);
      continue;
    }
    const int a = uni(0, n - 1), b = uni(0, n - 1);
    if (a != b) link(a, b);
  }
  const int groups = uni(0, 1 + k / 3);
  auto& links = c.net.mutable_links();
  for (int g = 0; g < groups; ++g) {
    const std::string name = "g" + std::to_string(g);
    const int size = uni(2, 6);
    for (int s = 0; s < size; ++s) {
      Link& l = links[uni(0, k - 1)];
      if (l.srg.empty()) l.srg = name;
      else if (l.srg != name) l.extra_srgs.push_back(name);
    }
  }
  const int cores = uni(1, std::min(3, n));
  for (int i = 0; i < cores; ++i) c.in.core.push_back(uni(0, n - 1));
  for (int v = 0; v < n; ++v) {
    c.in.premises.push_back(uni(0, 3) == 0 ? 0 : uni(1, 5000));
    c.in.high_points.push_back(uni(0, 2));
  }
  c.in.include_planned = uni(0, 1) == 1;
  return c;
}

}  // namespace

TEST(Resilience, RandomGraphsMatchBruteForce) {
  std::map<FailureKind, int> listed;
  for (unsigned seed = 1; seed <= 600; ++seed) {
    const RandomCase c = random_case(seed);
    expect_matches_brute_force(c.net, c.in, "seed " + std::to_string(seed));
    if (HasFailure()) break;
    for (const auto& f : solvers::analyse_resilience(c.net, c.in).failures) ++listed[f.kind];
  }
  // the cases exercise every kind of failure, shared-risk groups that cut included
  EXPECT_GT(listed[FailureKind::Link], 100);
  EXPECT_GT(listed[FailureKind::Node], 100);
  EXPECT_GT(listed[FailureKind::Srg], 50);
}

TEST(Resilience, BuiltinNetworkMatchesBruteForce) {
  const Region& R = test::builtin_bfc();
  const Parameters P = scenarios::builtin_scenario("bfc-2022").params;
  for (bool planned : {false, true}) {
    const auto in = planner::resilience_input(R, P, "", planned, "builtin");
    expect_matches_brute_force(R.network, in, planned ? "bfc with planned links" : "bfc in service");
    // the failures worth knowing exist: the RIP trees hang off the Dorsale by bridges
    const auto r = solvers::analyse_resilience(R.network, in);
    EXPECT_GT(r.failures.size(), 0u);
    EXPECT_GT(r.bridges, 0);
  }
  const auto in = planner::resilience_input(R, P, "pop:dijon", false, "builtin");
  ASSERT_EQ(in.core.size(), 1u);
  expect_matches_brute_force(R.network, in, "bfc from pop:dijon");
}

// The premises and high points the planner attributes to a node, recounted from the region:
// the communes whose NRO is the node; the fibred existing high points whose nearest node (not a
// hub) it is, within interconnect.attach_max_km.
TEST(Resilience, AttributionMatchesIndependentRecount) {
  const Region& R = test::builtin_bfc();
  const Parameters P = scenarios::builtin_scenario("bfc-2022").params;
  const auto r = planner::resilience_of(R, P, "", false, "", true);  // full lists: every cut node recounted
  const Network& net = R.network;
  std::map<std::string, std::int64_t> premises_of, hp_of;
  std::int64_t premises_total = 0, hp_total = 0, far = 0;
  for (const auto& c : R.communes)
    if (!c.nro.empty() && net.find_node(c.nro)) premises_of[c.nro] += c.premises(), premises_total += c.premises();
  for (const auto& h : R.high_points) {
    if (!h.existing || !h.fibred) continue;
    double best = 1e300;
    std::string at;
    for (const auto& v : net.nodes()) {
      if (v.kind == NodeKind::ExternalHub) continue;
      const double d = std::hypot(v.pos.x - h.pos.x, v.pos.y - h.pos.y) / 1000.0;
      if (d < best) best = d, at = v.id;
    }
    if (best <= P.interconnect.attach_max_km) ++hp_of[at], ++hp_total;
    else ++far;
  }
  EXPECT_EQ(r.premises, premises_total);
  EXPECT_EQ(r.high_points, hp_total);
  EXPECT_EQ(r.high_points_unattached, far);
  EXPECT_GT(premises_total, 0);
  EXPECT_GT(hp_total, 0);
  std::int64_t listed_premises = 0;
  for (const auto& f : r.failures) {
    std::int64_t p = 0, h = 0;
    for (const auto& id : f.cut_nodes) p += premises_of[id], h += hp_of[id];
    EXPECT_EQ(f.cut_premises, p) << f.id;
    EXPECT_EQ(f.cut_high_points, h) << f.id;
    EXPECT_LE(f.cut_premises + r.baseline_cut_premises, r.premises) << f.id;
    listed_premises = std::max(listed_premises, f.cut_premises);
  }
  EXPECT_GT(listed_premises, 0);  // some single failure cuts premises on the built-in network
}

TEST(Resilience, UnknownFromNodeIsAnErrorNamingIt) {
  const Region& R = test::builtin_bfc();
  const Parameters P = scenarios::builtin_scenario("bfc-2022").params;
  try {
    planner::resilience_of(R, P, "pop:atlantis", false, "builtin:bfc-2022");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pop:atlantis"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--from"), std::string::npos) << e.what();
  }
}

TEST(Resilience, NoCoreIsAStatus) {
  Network net;
  Node a;
  a.id = "a";
  net.add_node(a);
  const auto r = solvers::analyse_resilience(net, {{}, {0}, {0}, false});
  EXPECT_EQ(r.status, ResilienceStatus::NoCore);
  EXPECT_TRUE(r.failures.empty());
}

TEST(Resilience, JsonReadsBack) {
  unsigned seed = 1;
  ResilienceResult r;
  for (; seed < 100 && r.failures.size() < 3; ++seed) r = solvers::analyse_resilience(random_case(seed).net, random_case(seed).in);
  ASSERT_FALSE(r.failures.empty());
  const auto back = viz::resilience_from_json_text(viz::resilience_json_text(r), "resilience.json");
  EXPECT_EQ(viz::resilience_json_text(back), viz::resilience_json_text(r));
  auto j = viz::resilience_json(r);
  j["failures"][0].erase("cut_premises");
  try {
    viz::resilience_from_json(j, "resilience.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("failures[0].cut_premises"), std::string::npos) << e.what();
  }
}

// The built-in network written as a GraceTHD delivery and read back (`--network`) is the same
// graph: the same single failures cut the same nodes (the premises may differ: the communes
// are attached again to their nearest NRO).
TEST(Resilience, SameFailuresThroughGraceThd) {
  test::TempDir tmp;
  planner::NetworkExportConfig exp;
  exp.builtin = "bfc";
  exp.out_dir = (tmp.path() / "gracethd").string();
  planner::network_export(exp);
  planner::ResilienceConfig cfg;
  cfg.full = true;  // whole lists: the capped ones follow each network's node order
  const auto direct = planner::resilience(cfg);
  cfg.network = exp.out_dir;
  const auto read_back = planner::resilience(cfg);
  EXPECT_EQ(read_back.core, direct.core);
  auto cuts = [](const ResilienceResult& r) {
    std::map<std::pair<int, std::string>, std::vector<std::string>> m;
    for (const auto& f : r.failures) m[{int(f.kind), f.id}] = f.cut_nodes;
    return m;
  };
  ASSERT_FALSE(direct.failures.empty());
  EXPECT_EQ(cuts(read_back), cuts(direct));
}

// ---- memory on a long chain (issue #21 item 13) -------------------------------------------

namespace {

// A chain 0 - 1 - ... - n-1 from the core (node 0, a PoP) with a cross-link i - i+2 for every i
// multiple of 4: node i+1 is then no articulation point and links i - i+1, i+1 - i+2 no bridges;
// every other node and link cuts all the chain beyond it.
Network chain_network(int n) {
  Network net;
  for (int i = 0; i < n; ++i) {
    Node nd;
    nd.id = nd.name = i == 0 ? std::string("pop:0") : "c" + std::to_string(i);
    nd.kind = i == 0 ? NodeKind::DorsalePop : NodeKind::Nro;
    nd.pos.x = 100.0 * i;
    net.add_node(nd);
  }
  auto link = [&](int a, int b) {
    Link l;
    l.id = "l" + std::to_string(a) + "-" + std::to_string(b);
    l.length_km = 0.1;
    l.pairs_total = 12;
    l.status = LinkStatus::Owned;
    net.add_link(l, net.node(a).id, net.node(b).id);
  };
  for (int i = 0; i + 1 < n; ++i) link(i, i + 1);
  for (int i = 0; i + 2 < n; i += 4) link(i, i + 2);
  return net;
}

}  // namespace

// n articulation points each cutting O(n) nodes: the lists were n² (100,000 nodes ran out of
// 6 GB). Counts are exact, lists capped, the JSON written one failure at a time is the same text.
// DORSALE_TEST_CHAIN_NODES sets the size (default 20,000) to measure a larger one.
TEST(Resilience, LongChainCountsAreExactListsCappedJsonStreamed) {
  const char* env = std::getenv("DORSALE_TEST_CHAIN_NODES");
  const int n = env ? std::max(10, std::atoi(env)) : 20000;
  const Network net = chain_network(n);
  solvers::ResilienceInput in;
  in.core = {0};
  in.premises.assign(std::size_t(n), 1);
  in.high_points.assign(std::size_t(n), 0);
  in.max_listed = 10;
  const auto r = solvers::analyse_resilience(net, in);
  std::size_t nodes = 0, links = 0;
  for (const auto& f : r.failures) {
    const bool is_node = f.kind == FailureKind::Node;
    ASSERT_NE(f.kind, FailureKind::Srg);
    // the chain position of the failure: node v, or link v - v+1
    const std::string& at = is_node ? f.id : f.links.front();
    const int v = at == "pop:0" ? 0 : std::atoi(at.c_str() + 1);
    if (is_node) {
      EXPECT_NE(v % 4, 1) << f.id << " spanned by a cross-link";
      ++nodes;
    } else {
      EXPECT_TRUE(v % 4 == 2 || v % 4 == 3) << f.id << " is in a triangle";
      ++links;
    }
    EXPECT_EQ(f.cut_node_count, n - 1 - v) << f.id;
    EXPECT_EQ(f.cut_premises, f.cut_node_count) << f.id;
    ASSERT_LE(f.cut_nodes.size(), 10u) << f.id;
    EXPECT_EQ(std::int64_t(f.cut_nodes.size()), std::min<std::int64_t>(10, f.cut_node_count)) << f.id;
    for (const auto& id : f.cut_nodes) EXPECT_GT(std::atoi(id.c_str() + 1), v) << f.id << " lists " << id;
  }
  // every articulation point and bridge of the chain, none missed
  std::size_t want_nodes = 0, want_links = 0;
  for (int v = 0; v + 1 < n; ++v) want_nodes += v % 4 != 1;  // the core node 0 too: it alone joins the chain to the core
  for (int v = 0; v + 1 < n; ++v) want_links += (v % 4 == 2 || v % 4 == 3);
  EXPECT_EQ(nodes, want_nodes);
  EXPECT_EQ(links, want_links);
  // the streamed JSON is the document's text (checked on a prefix of the chain: the tree of
  // every failure is what streaming avoids)
  std::ostringstream streamed;
  viz::write_resilience_json(streamed, r);
  EXPECT_LT(streamed.str().size(), std::size_t(700) * r.failures.size() + 4096) << "the JSON grows faster than the failures";
  const auto small = solvers::analyse_resilience(chain_network(200), [] {
    solvers::ResilienceInput i;
    i.core = {0};
    i.premises.assign(200, 1);
    i.high_points.assign(200, 0);
    i.max_listed = 3;
    return i;
  }());
  ASSERT_FALSE(small.failures.empty());
  EXPECT_EQ(viz::resilience_json_text(small), viz::resilience_json(small).dump(2) + "\n");
  EXPECT_EQ(viz::resilience_from_json(viz::resilience_json(small), "r.json").failures.front().cut_node_count,
            small.failures.front().cut_node_count);
}
