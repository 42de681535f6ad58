// A saturating first-come queue on a large generated delivery (issue #27, part 1).
//
// The network: a grid of side x side nodes 2 km apart (one NRO in 25, one point of presence in
// 400, the rest plain junctions), a cable on every grid edge (1 in 10 leased, 1 in 50 to build,
// 1 in 20 pairs of neighbours sharing a duct, 36 pairs of which c % 36 are used): the grid of
// bench_gracethd. The queue: `requests` unprotected requests NRO -> any point of presence, 1-2
// pairs; the points of presence fill up after the first thousand or so and the rest is rejected.
//
// In one process, on the same graph: a bare LEMON Dijkstra per request (single source, run to
// the end: the unit, "one full single-source Dijkstra"), the first-come queue
// (run_fcfs, a fresh Interconnect: cold memos) and the reference path (evaluate_reference,
// replayed in queue order), with the number of answers that differ (must be 0).
// Run: ./build/benchmarks/bench_queue_scale [side=100] [requests=5000] [noref|DIR]
//      DIR: also writes the network as a GraceTHD delivery and the queue as DIR/requests.csv,
//      for `/usr/bin/time -v dorsale interconnect DIR/requests.csv --network DIR/delivery`.
#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <fmt/format.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>

#include <sys/resource.h>

#include <time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "benchmarks/grid_delivery.h"
#include "models/random.h"
#include "planner/interconnect.h"
#include "io/projection.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

using namespace dorsale;

static double peak_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

// CPU time of this thread, not wall time: on a machine shared with other builds the wall time
// of a phase moves by 2x from run to run, its CPU time much less
struct CpuClock {
  using time_point = double;
  static double now() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
  }
};
static double seconds_since(double t0) { return CpuClock::now() - t0; }
using Clock = CpuClock;

int main(int argc, char** argv) {
  const int side = argc > 1 ? std::atoi(argv[1]) : 100;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 5000;
  const std::string mode = argc > 3 ? argv[3] : "";
  const bool no_reference = mode == "noref";
  const Parameters P;
  const Network net = bench::grid_delivery(side, P);
  std::vector<int> nros;
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (net.node(int(i)).kind == NodeKind::Nro) nros.push_back(int(i));
  std::vector<InterconnectionRequest> reqs;
  for (int i = 0; i < requests; ++i) {
    Rng rng(7, std::uint64_t(i));
    InterconnectionRequest r;
    r.id = fmt::format("Q{}", i);
    r.site_node = net.node(nros[rng.below(nros.size())]).id;
    r.destination = {Destination::Kind::AnyDorsalePop, ""};
    r.pairs = 1 + int(rng.below(2));
    r.submitted = "2024-01-01";
    reqs.push_back(r);
  }
  if (!mode.empty() && !no_reference) {  // the files for the command-line measurement
    const std::filesystem::path dir = mode;
    std::filesystem::create_directories(dir);
    {
      viz::OutputDir out(dir / "delivery", "network");
      viz::write_gracethd(out, net, viz::GraceThdFormat::ShpCsv);
      out.commit();
    }
    std::ofstream csv(dir / "requests.csv");
    csv << "id,requester,site,lon,lat,destination,pairs,protection,max_latency_ms,horizon_years,submitted,value\n";
    for (const auto& r : reqs) csv << fmt::format("{},bench,{},,,dorsale,{},none,,10,{},1\n", r.id, r.site_node, r.pairs, r.submitted);
    fmt::print("wrote {} and {}\n", (dir / "delivery").string(), (dir / "requests.csv").string());
  }

  // the bare LEMON graph: both arcs of every link, lengths in km, and a sink behind every PoP
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

  const double rss_network = peak_mb();  // the network, its bare LEMON graph and the queue's requests
  const auto params = planner::interconnect_params(P);
  const auto initial = solvers::LinkState::of(net);
  std::vector<int> order(reqs.size());
  std::iota(order.begin(), order.end(), 0);
  double checksum = 0, sec_bare = 1e9, sec = 1e9;
  solvers::QueueResult res;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = Clock::now();
    for (const auto& r : reqs) {  // one full single-source Dijkstra per request
      lemon::Dijkstra<lemon::ListDigraph, lemon::ListDigraph::ArcMap<double>> d(g, len);
      d.run(node[*net.find_node(r.site_node)]);
      checksum += d.dist(sink);
    }
    sec_bare = std::min(sec_bare, seconds_since(t0));
    res = {};  // one queue's result alive at a time: the peak below is one queue's memory
    solvers::Interconnect fresh(net, params);  // cold memos each time
    t0 = Clock::now();
    res = solvers::run_fcfs(fresh, reqs, order, initial);
    sec = std::min(sec, seconds_since(t0));
  }
  const double rss_queue = peak_mb();
  int acc = 0;
  for (const auto& e : res.evaluations) acc += e.decision != Decision::Reject;
  double sec_acc = 0, sec_rej = 0;  // the same queue again, each evaluation timed
  {
    solvers::Interconnect fresh(net, params);
    solvers::QueueResult q;
    q.final_state = initial;
    q.builder.assign(initial.free.size(), -1);
    q.evaluations.resize(reqs.size());
    for (int i : order) {
      const auto t0 = Clock::now();
      auto e = fresh.evaluate(reqs[i], q.final_state);
      const bool accept = e.decision != Decision::Reject;
      (accept ? sec_acc : sec_rej) += seconds_since(t0);
      q.evaluations[i] = std::move(e);
      if (accept) solvers::accept_in_queue(fresh, reqs, i, *q.evaluations[i].option, q);
    }
  }
  fmt::print("| measure | value |\n|---|---|\n");
  fmt::print("| network | {} nodes, {} cables |\n", net.nodes().size(), net.links().size());
  fmt::print("| bare LEMON Dijkstra, one full single-source run per request (best of 3) | {:.1f} us per request |\n",
             1e6 * sec_bare / requests);
  fmt::print("| **first-come queue of {} (run_fcfs, cold memos, best of 3)** | **{:.0f} requests/s** ({:.1f} us per request, {} accepted) |\n",
             requests, requests / sec, 1e6 * sec / requests, acc);
  fmt::print("| queue per request / bare Dijkstra per request (target <= 0.1) | {:.3f} |\n", sec / sec_bare);
  fmt::print("| ... of which accepted / rejected requests (one timed run), per request of their kind / bare Dijkstra | {:.3f} / {:.3f} |\n",
             sec_acc / std::max(1, acc) / (sec_bare / requests), sec_rej / std::max(1, requests - acc) / (sec_bare / requests));
  fmt::print("| peak RSS: network (+ bare graph) / after the queues (3 runs, one Interconnect and one queue's result alive at a time) | {:.0f} MB / {:.0f} MB |\n",
             rss_network, rss_queue);
  if (!no_reference) {
    solvers::Interconnect plain(net, params);
    solvers::QueueResult ref;
    ref.final_state = initial;
    ref.builder.assign(initial.free.size(), -1);
    ref.evaluations.resize(reqs.size());
    auto t0 = Clock::now();
    for (int i : order) {
      auto e = plain.evaluate_reference(reqs[i], ref.final_state);
      const bool accept = e.decision != Decision::Reject;
      ref.evaluations[i] = std::move(e);
      if (accept) solvers::accept_in_queue(plain, reqs, i, *ref.evaluations[i].option, ref);
    }
    const double sec_ref = seconds_since(t0);
    int differ = 0;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto a = plain.describe(reqs[i], res.evaluations[i], res.final_state);
      const auto b = plain.describe(reqs[i], ref.evaluations[i], ref.final_state);
      differ += a.decision != b.decision || a.reasons != b.reasons || a.routes != b.routes || a.total_eur != b.total_eur;
    }
    fmt::print("| reference path (`evaluate_reference`, once) | {:.0f} requests/s ({:.2f} s); fast / reference {:.1f}x; answers differing: {} |\n",
               requests / sec_ref, sec_ref, sec_ref / sec, differ);
  }
  fmt::print("\n(checksum {})\n", checksum);
  return 0;
}
