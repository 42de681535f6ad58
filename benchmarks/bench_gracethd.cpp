// Importing a generated GraceTHD delivery of 100,000 cables (target < 5 s) and answering an
// interconnection queue on it.
//
// The generated network: a grid of 224 x 224 nodes 2 km apart (one NRO in 25, one HEBERG point
// of presence in 400, the rest plain junctions), a cable along every grid edge (99,904 cables:
// 1 in 10 leased, 1 in 50 to build, 1 in 20 pairs of neighbours sharing a cheminement), exported
// by `dorsale network export`'s writer as Shapefiles + `;` CSV files, then read back by
// scenarios::read_network (what `dorsale network info` and `--network` do).
// Run: ./build/benchmarks/bench_gracethd [requests]   (prints a Markdown table for BENCHMARKS.md)
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <numeric>

#include "benchmarks/grid_delivery.h"
#include "models/random.h"
#include "planner/interconnect.h"
#include "io/gracethd.h"
#include "io/projection.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 10000;
  const Parameters P;
  const auto dir = std::filesystem::temp_directory_path() / "dorsale-bench-gracethd";
  std::filesystem::remove_all(dir);
  auto t0 = Clock::now();
  const Network generated = bench::grid_delivery(224, P);
  {
    viz::OutputDir out(dir, "network");
    viz::write_gracethd(out, generated, viz::GraceThdFormat::ShpCsv);
    out.commit();
  }
  const double write_s = seconds_since(t0);
  std::uintmax_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / ".dorsale"))
    if (e.is_regular_file()) bytes += e.file_size();

  double best = 1e300;
  scenarios::NetworkImport imp;
  for (int rep = 0; rep < 3; ++rep) {
    t0 = Clock::now();
    imp = scenarios::read_network(dir.string(), P);
    best = std::min(best, seconds_since(t0));
  }
  const auto& t = imp.info.totals;

  // a first-come queue of unprotected requests from NROs to any point of presence
  std::vector<int> nros;
  for (std::size_t i = 0; i < imp.network.nodes().size(); ++i)
    if (imp.network.node(int(i)).kind == NodeKind::Nro) nros.push_back(int(i));
  std::vector<InterconnectionRequest> reqs;
  for (int i = 0; i < requests; ++i) {
    Rng rng(7, std::uint64_t(i));
    InterconnectionRequest r;
    r.id = fmt::format("Q{}", i);
    r.site_node = imp.network.node(nros[rng.below(nros.size())]).id;
    r.destination = {Destination::Kind::AnyDorsalePop, ""};
    r.pairs = 1 + int(rng.below(2));
    r.submitted = fmt::format("2024-{:02d}-{:02d}", 1 + i % 12, 1 + i % 28);
    reqs.push_back(r);
  }
  Region region;
  region.network = imp.network;
  t0 = Clock::now();
  const auto res = planner::evaluate_requests(region, P, reqs, solvers::QueueMode::FirstCome, solvers::MipBackend::Glpk);
  const double queue_s = seconds_since(t0);
  (void)res;
  int accepted = 0;
  for (const auto& d : res.decisions) accepted += d.decision != Decision::Reject;

  fmt::print("| measure | value |\n|---|---|\n");
  fmt::print("| generated delivery | {} nodes, {} cables, {:.1f} MB (Shapefiles + CSV), written in {:.2f} s |\n", generated.nodes().size(),
             generated.links().size(), bytes / 1e6, write_s);
  fmt::print("| **import** (`read_network`, best of 3) | **{:.2f} s** ({} nodes, {} links, {} shared-risk groups, {:.0f} km) |\n", best, t.nodes,
             t.links, t.shared_risk_groups, t.km);
  fmt::print("| first-come queue of {} unprotected requests on it | {:.2f} s, {:.0f} requests/s, {} accepted |\n", requests, queue_s,
             requests / queue_s, accepted);
  std::filesystem::remove_all(dir);
  return 0;
}
