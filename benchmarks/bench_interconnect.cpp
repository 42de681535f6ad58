// Interconnection requests on the built-in network:
//  1. per-request evaluation time vs a bare LEMON Dijkstra on the same graph (same run);
//  2. throughput of a 10,000-request first-come queue;
//  3. the joint MILP on GLPK vs CBC for 100 and 1,000 requests.
// Run: ./build/benchmarks/bench_interconnect   (prints a Markdown table for BENCHMARKS.md)
//      ./build/benchmarks/bench_interconnect queue   (part 2 only, with the Dijkstra baseline)
#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <fmt/format.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>

#include <chrono>
#include <string>
#include <numeric>

#include "models/random.h"
#include "planner/interconnect.h"
#include "regions/builtin_region.h"
#include "io/scenario.h"
#include "io/spelling.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

static std::vector<InterconnectionRequest> queue(const Network& net, int n, double diverse_share, std::uint64_t seed) {
  std::vector<int> sites, pops;
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    if (net.node(int(i)).kind == NodeKind::Nro) sites.push_back(int(i));
    if (net.node(int(i)).kind == NodeKind::DorsalePop) pops.push_back(int(i));
  }
  const char* hubs[] = {"Paris", "Lyon", "Strasbourg"};
  std::vector<InterconnectionRequest> out;
  for (int i = 0; i < n; ++i) {
    Rng rng(seed, i);
    InterconnectionRequest r;
    r.id = fmt::format("B{}", i);
    r.protection = rng.uniform() < diverse_share ? Protection::Diverse : Protection::None;
    r.site_node = net.node(r.protection == Protection::Diverse ? pops[rng.below(pops.size())] : sites[rng.below(sites.size())]).id;
    if (rng.uniform() < 0.6) r.destination = {Destination::Kind::AnyDorsalePop, ""};
    else r.destination = {Destination::Kind::Hub, hubs[rng.below(3)]};
    r.pairs = 1 + int(rng.below(4));
    r.submitted = fmt::format("2019-{:02d}-{:02d}", 1 + i % 12, 1 + i % 28);
    r.value = 1 + double(rng.below(5));
    out.push_back(r);
  }
  return out;
}

int main(int argc, char** argv) {
  const bool queue_only = argc > 1 && std::string(argv[1]) == "queue";
  const bool no_reference = argc > 2 && std::string(argv[2]) == "noref";  // for profiling the fast path
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region region = scenarios::build_builtin_region(s.params, s.seed);
  const Network& net = region.network;
  const auto params = planner::interconnect_params(s.params);
  solvers::Interconnect ic(net, params);
  const auto initial = solvers::LinkState::of(net);

  // --- 1. evaluation vs bare Dijkstra --------------------------------------------------------
  const int n = 20000;
  auto reqs = queue(net, n, 0.0, 1);
  lemon::ListDigraph g;
  std::vector<lemon::ListDigraph::Node> node;
  for (std::size_t i = 0; i < net.nodes().size(); ++i) node.push_back(g.addNode());
  auto sink = g.addNode();
  lemon::ListDigraph::ArcMap<double> len(g);
  for (const auto& l : net.links()) {
    len[g.addArc(node[l.a], node[l.b])] = l.length_km;
    len[g.addArc(node[l.b], node[l.a])] = l.length_km;
  }
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (net.node(int(i)).kind == NodeKind::DorsalePop) len[g.addArc(node[i], sink)] = 0;
  auto target_of = [&](const InterconnectionRequest& r) {
    if (r.destination.kind == Destination::Kind::AnyDorsalePop) return sink;
    for (std::size_t i = 0; i < net.nodes().size(); ++i)
      if (net.node(int(i)).kind == NodeKind::ExternalHub && net.node(int(i)).name == r.destination.id) return node[i];
    return sink;
  };
  std::vector<std::pair<lemon::ListDigraph::Node, lemon::ListDigraph::Node>> st;
  for (const auto& r : reqs) st.emplace_back(node[*net.find_node(r.site_node)], target_of(r));
  double checksum = 0;
  double best_bare = 1e9, best_eval = 1e9;
  for (int rep = 0; rep < (queue_only ? 0 : 3); ++rep) {
    auto t0 = Clock::now();
    for (const auto& [a, b] : st) {
      lemon::Dijkstra<lemon::ListDigraph, lemon::ListDigraph::ArcMap<double>> d(g, len);
      d.run(a, b);
      checksum += d.dist(b);
    }
    best_bare = std::min(best_bare, seconds_since(t0));
    t0 = Clock::now();
    for (const auto& r : reqs) checksum += ic.evaluate(r, initial).option ? 1 : 0;
    best_eval = std::min(best_eval, seconds_since(t0));
  }
  fmt::print("| measure | value |\n|---|---|\n");
  fmt::print("| network | {} nodes, {} links |\n", net.nodes().size(), net.links().size());
  if (!queue_only) {
  fmt::print("| bare LEMON Dijkstra, per query (best of 3 x {}) | {:.2f} us |\n", n, 1e6 * best_bare / n);
  fmt::print("| `Interconnect::evaluate` (unprotected), per request | {:.2f} us |\n", 1e6 * best_eval / n);
  fmt::print("| ratio evaluate / bare Dijkstra (target <= 2) | {:.2f} |\n", best_eval / best_bare);
  }

  // --- 2. first-come queue throughput -----------------------------------------------------------
  // The fast path (run_fcfs: evaluate) against the plain one (evaluate_reference, every search
  // run, nothing memoised) and a bare LEMON Dijkstra per request (same site / destination, no
  // capacity: the floor of one search), all in this process; the answers must be identical.
  for (double div : {0.0, 0.2}) {
    auto q = queue(net, 10000, div, 2);
    std::vector<int> order(q.size());
    std::iota(order.begin(), order.end(), 0);
    double sec = 1e9, sec_bare = 1e9;
    solvers::QueueResult res;
    for (int rep = 0; rep < 3; ++rep) {
      solvers::Interconnect fresh(net, params);  // a cold memo each time
      auto t0 = Clock::now();
      res = solvers::run_fcfs(fresh, q, order, initial);
      sec = std::min(sec, seconds_since(t0));
      t0 = Clock::now();
      for (const auto& r : q) {
        lemon::Dijkstra<lemon::ListDigraph, lemon::ListDigraph::ArcMap<double>> d(g, len);
        const auto b = target_of(r);
        d.run(node[*net.find_node(r.site_node)], b);
        checksum += d.dist(b);
      }
      sec_bare = std::min(sec_bare, seconds_since(t0));
    }
    // the reference path, once (it is slow), replayed like run_fcfs
    solvers::Interconnect plain(net, params);
    solvers::QueueResult ref;
    ref.final_state = initial;
    ref.builder.assign(initial.free.size(), -1);
    ref.evaluations.resize(q.size());
    auto t0 = Clock::now();
    for (int i : order) {
      if (no_reference) break;
      auto e = plain.evaluate_reference(q[i], ref.final_state);
      const bool accept = e.decision != Decision::Reject;
      ref.evaluations[i] = std::move(e);
      if (accept) solvers::accept_in_queue(plain, q, i, *ref.evaluations[i].option, ref);
    }
    const double sec_ref = seconds_since(t0);
    int acc = 0, differ = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
      acc += res.evaluations[i].decision != Decision::Reject;
      const auto a = ic.describe(q[i], res.evaluations[i], res.final_state);
      const auto b = ic.describe(q[i], ref.evaluations[i], ref.final_state);
      differ += a.decision != b.decision || a.reasons != b.reasons || a.routes != b.routes || a.total_eur != b.total_eur;
    }
    fmt::print("| first-come queue of 10,000 ({:.0f} % diverse): throughput (target >= 50,000/s) | {:.0f} requests/s ({} accepted, "
               "{:.3f} s, best of 3) |\n",
               100 * div, 10000 / sec, acc, sec);
    fmt::print("| ... bare LEMON Dijkstra per request (no capacity, same pairs), same process | {:.0f} queries/s; queue / bare = "
               "{:.2f} |\n",
               10000 / sec_bare, sec / sec_bare);
    fmt::print("| ... reference path (`evaluate_reference`: every search, no memo) | {:.0f} requests/s ({:.2f} s); speed-up {:.1f}x; "
               "answers differing: {} |\n",
               10000 / sec_ref, sec_ref, sec_ref / sec, differ);
  }

  // --- 3. joint MILP, GLPK vs CBC ------------------------------------------------------------------
  for (int m : {100, 1000}) {
    if (queue_only) break;
    auto q = queue(net, m, 0.1, 3);
    std::vector<int> order(q.size());
    std::iota(order.begin(), order.end(), 0);
    solvers::LinkState tight = initial;
    for (auto& f : tight.free) f = std::min(f, 8);  // scarce capacity so that requests compete
    for (auto backend : {solvers::MipBackend::Glpk, solvers::MipBackend::Cbc}) {
      auto t0 = Clock::now();
      auto res = solvers::run_optimal(ic, q, order, tight, 3, backend, 120);
      const double sec = seconds_since(t0);
      fmt::print("| joint MILP, {} requests, {}: status, value (first-come), gap, MILP time, total time; routes, bound over all routes | "
                 "{}, {} ({}), {:.1e}, {:.2f} s, {:.2f} s; {}, {:.2f} |\n",
                 m, io::spell(backend), io::spell(res.mip->status), res.accepted_value,
                 res.fcfs_value, res.mip->gap, res.mip->seconds, sec, res.routes_considered, res.all_routes_bound);
    }
  }
  fmt::print("\n(checksum {})\n", checksum);
  return 0;
}
