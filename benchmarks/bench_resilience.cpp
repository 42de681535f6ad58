// `dorsale resilience` speed: the Boost.Graph method (biconnected components + block-cut tree,
// a search only for the shared-risk groups that can cut) against brute force (one
// breadth-first search per link, group and node), in the same process, on:
//  - the built-in bfc-2022 network (links in service, and with the planned ones);
//  - the network of scenarios/synthetic-france.toml (a France-size built-in-like region);
//  - a synthetic grid of side x side nodes 2 km apart (default 224: 99,904 grid links, like
//    bench_gracethd), one in five nodes with a spur node hung by a single link (a bridge), one
//    in twenty pairs of grid links sharing a duct (a shared-risk group), one node in 400 a PoP.
// On the grid, brute force is timed on a sample of failures and extrapolated (it would take
// hours in full).
// Run: ./build/benchmarks/bench_resilience [side] [sample]   (prints a Markdown table)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>

#include "planner/resilience.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "solvers/resilience.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

namespace {

// The brute force of tests/solvers/resilience_test.cpp: reachability from the core without
// the removed links / node.
struct Brute {
  const Network& net;
  const solvers::ResilienceInput& in;
  std::vector<std::vector<std::pair<int, int>>> adj;
  Brute(const Network& n, const solvers::ResilienceInput& i) : net(n), in(i), adj(n.nodes().size()) {
    for (std::size_t j = 0; j < net.links().size(); ++j) {
      const Link& l = net.links()[j];
      if (l.status == LinkStatus::Planned && !in.include_planned) continue;
      adj[l.a].emplace_back(l.b, int(j));
      adj[l.b].emplace_back(l.a, int(j));
    }
  }
  std::size_t reached(const std::vector<char>& link_off, int node_off) const {
    std::vector<char> seen(net.nodes().size(), 0);
    std::deque<int> q;
    for (int c : in.core)
      if (c != node_off && !seen[c]) seen[c] = 1, q.push_back(c);
    std::size_t count = q.size();
    while (!q.empty()) {
      const int u = q.front();
      q.pop_front();
      for (auto e : adj[u])
        if (!seen[e.first] && e.first != node_off && !link_off[e.second]) seen[e.first] = 1, q.push_back(e.first), ++count;
    }
    return count;
  }
  // (failures examined, seconds) for every k-th failure
  std::pair<std::size_t, double> run(std::size_t every) const {
    std::map<std::string, std::vector<int>> groups;
    std::vector<int> links;
    for (std::size_t j = 0; j < net.links().size(); ++j) {
      const Link& l = net.links()[j];
      if (l.status == LinkStatus::Planned && !in.include_planned) continue;
      links.push_back(int(j));
      l.for_each_risk_group([&](const std::string& g) { groups[g].push_back(int(j)); });
    }
    std::vector<std::vector<int>> sets;
    for (int j : links) sets.push_back({j});
    for (auto& [g, ls] : groups)
      if (ls.size() >= 2) sets.push_back(ls);
    const std::size_t total = sets.size() + net.nodes().size();
    std::vector<char> off(net.links().size(), 0);
    std::size_t done = 0, sink = 0;
    const auto t0 = Clock::now();
    for (std::size_t k = 0; k < total; k += every) {
      if (k < sets.size()) {
        for (int j : sets[k]) off[j] = 1;
        sink += reached(off, -1);
        for (int j : sets[k]) off[j] = 0;
      } else {
        sink += reached(off, int(k - sets.size()));
      }
      ++done;
    }
    const double s = seconds_since(t0);
    if (sink == 0) fmt::print("");  // keep the searches
    return {total, s * double(total) / double(done)};
  }
};

Network grid(int side) {
  Network net;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      Node n;
      n.id = fmt::format("ND{:03d}{:03d}", i, j);
      const int k = i * side + j;
      n.kind = k % 400 == 0 ? NodeKind::DorsalePop : k % 25 == 0 ? NodeKind::Nro : NodeKind::Junction;
      n.pos = {600000 + 2000.0 * i, 6500000 + 2000.0 * j};
      net.add_node(n);
    }
  int c = 0;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j)
      for (int dir = 0; dir < 2; ++dir) {
        const int ni = i + (dir == 0), nj = j + (dir == 1);
        if (ni >= side || nj >= side) continue;
        Link l;
        l.id = fmt::format("CB{:06d}", c);
        l.length_km = 2.4;
        l.status = LinkStatus::Owned;
        if (c % 20 == 0 || c % 20 == 1) l.srg = fmt::format("CM-SHARED-{:06d}", c / 20);
        net.add_link(l, fmt::format("ND{:03d}{:03d}", i, j), fmt::format("ND{:03d}{:03d}", ni, nj));
        ++c;
      }
  for (int k = 0; k < side * side; k += 5) {
    Node n;
    n.id = fmt::format("SP{:06d}", k);
    n.kind = NodeKind::Nro;
    n.pos = {600000 + 2000.0 * (k / side) + 500, 6500000 + 2000.0 * (k % side) + 500};
    net.add_node(n);
    Link l;
    l.id = fmt::format("SPL{:06d}", k);
    l.length_km = 0.8;
    l.status = LinkStatus::Owned;
    net.add_link(l, fmt::format("ND{:03d}{:03d}", k / side, k % side), n.id);
  }
  return net;
}

void row(const std::string& what, const Network& net, const solvers::ResilienceInput& in, std::size_t every) {
  solvers::analyse_resilience(net, in);  // warm up
  std::vector<double> t;
  ResilienceResult r;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = Clock::now();
    r = solvers::analyse_resilience(net, in);
    t.push_back(seconds_since(t0));
  }
  std::sort(t.begin(), t.end());
  const auto [failures, brute_s] = Brute{net, in}.run(every);
  fmt::print("| {} | {} | {} | {} | {} | {:.2f} ms | {:.2f} ms{} | {:.1f}x |\n", what, r.nodes, r.links, r.groups, r.failures.size(), 1e3 * t[2], 1e3 * brute_s,
             every > 1 ? fmt::format(" (est. from 1 in {})", every) : "", brute_s / t[2]);
}

}  // namespace

int main(int argc, char** argv) {
  const int side = argc > 1 ? std::atoi(argv[1]) : 224;
  const std::size_t sample = argc > 2 ? std::size_t(std::atoll(argv[2])) : 200;
  fmt::print("| network | nodes | links examined | groups | failures listed | Boost.Graph method (median of 5) | brute force | ratio |\n");
  fmt::print("|---|---|---|---|---|---|---|---|\n");
  const auto s = scenarios::builtin_scenario("bfc-2022");
  const Region R = scenarios::load_region(s);
  for (bool planned : {false, true})
    row(planned ? "bfc-2022 with planned links" : "bfc-2022 in service", R.network, planner::resilience_input(R, s.params, "", planned, "builtin"), 1);
  const auto sf = scenarios::load_scenario(std::string(DORSALE_SOURCE_DIR) + "/scenarios/synthetic-france.toml");
  const Region F = scenarios::load_region(sf);
  {
    const auto t0 = Clock::now();
    const auto in = planner::resilience_input(F, sf.params, "", false, "synthetic-france");
    fmt::print("<!-- synthetic-france: solver input (premises by NRO, high points by nearest node) {:.1f} ms -->\n", 1e3 * seconds_since(t0));
    row("synthetic-france in service", F.network, in, 1);
  }
  const Network g = grid(side);
  solvers::ResilienceInput in;
  for (int v = 0; v < int(g.nodes().size()); ++v) {
    if (g.node(v).kind == NodeKind::DorsalePop) in.core.push_back(v);
    in.premises.push_back(g.node(v).kind == NodeKind::Nro ? 1000 : 0);
    in.high_points.push_back(0);
  }
  const std::size_t total = g.links().size() + g.nodes().size();
  row(fmt::format("grid {}x{} + spurs", side, side), g, in, std::max<std::size_t>(1, total / std::max<std::size_t>(1, sample)));
  return 0;
}
