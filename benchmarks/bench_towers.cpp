// High-point siting on generated instances (candidates x demand points): heuristic vs GLPK and
// CBC optima (gap, speed ratio), and the heuristic's certified gap at 1,000 x 50,000.
// Run: ./build/benchmarks/bench_towers [time_limit_s]
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <string>

#include "io/spelling.h"
#include "models/random.h"
#include "solvers/max_coverage.h"

using namespace dorsale;
using namespace dorsale::solvers;

// Demand clustered around towns (like premises), candidates spread out; radius 4 km in a
// 200 km square; K chosen so that the instance is neither trivial nor saturated.
static double kRadius = 4000;
static CoverageProblem instance(int candidates, int points, int k, std::uint64_t seed) {
  Rng rng(seed);
  const double side = 200000, radius = kRadius;
  std::vector<double> tx, ty;
  for (int t = 0; t < 60; ++t) {
    tx.push_back(rng.uniform(0, side));
    ty.push_back(rng.uniform(0, side));
  }
  std::vector<double> px, py, w, cx, cy;
  for (int i = 0; i < points; ++i) {
    if (rng.uniform() < 0.6) {
      const int t = int(rng.below(tx.size()));
      px.push_back(tx[t] + 6000 * rng.normal());
      py.push_back(ty[t] + 6000 * rng.normal());
    } else {
      px.push_back(rng.uniform(0, side));
      py.push_back(rng.uniform(0, side));
    }
    w.push_back(1 + double(rng.below(50)));
  }
  for (int j = 0; j < candidates; ++j) {
    cx.push_back(rng.uniform(0, side));
    cy.push_back(rng.uniform(0, side));
  }
  CoverageProblem p;
  p.weight = w;
  p.already_covered.assign(points, 0);
  p.covers = points_within(cx, cy, px, py, std::vector<double>(candidates, radius));
  p.max_sites = k;
  return p;
}

int main(int argc, char** argv) {
  const double limit = argc > 1 ? std::atof(argv[1]) : 120;
  if (argc > 2) kRadius = std::atof(argv[2]);
  const bool milp = !(argc > 3 && std::string(argv[3]) == "heuristic-only");
  fmt::print("radius {} m, MILP time limit {} s\n\n", kRadius, limit);
  fmt::print("| candidates x points (K) | heuristic: objective, certified gap, time | GLPK: status, objective, gap, time | CBC: status, objective, gap, time | heuristic vs best MILP | speed ratio vs GLPK / CBC |\n|---|---|---|---|---|---|\n");
  struct Case {
    int c, n, k;
    bool milp;
  } cases[] = {{200, 5000, 20, true}, {500, 20000, 40, true}, {1000, 50000, 60, true}};
  for (const auto& cs : cases) {
    const auto p = instance(cs.c, cs.n, cs.k, 2019);
    const auto h = max_coverage_heuristic(p);
    std::string g = "-", c = "-", cmp = "-", ratio = "-";
    if (cs.milp && milp) {
      const auto xg = max_coverage_exact(p, MipBackend::Glpk, limit);
      const auto xc = max_coverage_exact(p, MipBackend::Cbc, limit);
      g = fmt::format("{}, {:.0f}, {:.3f} %, {:.1f} s", dorsale::io::spell(xg.status), xg.objective, 100 * xg.gap, xg.seconds);
      c = fmt::format("{}, {:.0f}, {:.3f} %, {:.1f} s", dorsale::io::spell(xc.status), xc.objective, 100 * xc.gap, xc.seconds);
      const double best = std::max(xg.objective, xc.objective);
      cmp = best > 0 ? fmt::format("{:+.3f} %", 100 * (h.objective - best) / best) : "-";
      ratio = fmt::format("{:.0f}x / {:.0f}x", xg.seconds / h.seconds, xc.seconds / h.seconds);
    }
    fmt::print("| {} x {} ({}) | {:.0f}, {:.3f} %, {:.3f} s | {} | {} | {} | {} |\n", cs.c, cs.n, cs.k, h.objective, 100 * h.gap, h.seconds, g,
               c, cmp, ratio);
  }
  return 0;
}
