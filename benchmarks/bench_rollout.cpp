// Roll-out benchmarks (figures in BENCHMARKS.md):
//  1. Steiner heuristic on SteinLib set B vs the published optima (gap, time per instance);
//  2. exact (CBC) vs heuristic public deployment plan on one département (gap, time ratio);
//  3. the full `dorsale run` of both built-in scenarios, all outputs written;
//  4. the same main job on the 10x synthetic region.
// Run: ./build/benchmarks/bench_rollout [steinlib_dir [steinlib-only]]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "planner/rollout.h"
#include "planner/run.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "io/steinlib.h"
#include "solvers/steiner.h"
#include "io/spelling.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;
static double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : std::string(DORSALE_SHARED_BENCH) + "/steinlib/B";
  // 1. SteinLib B
  if (std::filesystem::exists(dir + "/OPT.csv")) {
    fmt::print("| instance | nodes | edges | terminals | optimum | heuristic | gap to optimum | dual-ascent bound | certified gap | time |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double sum = 0, worst = 0, tsum = 0;
    int n = 0;
    for (const auto& [name, best] : scenarios::read_steinlib_optima(dir + "/OPT.csv")) {
      const auto inst = scenarios::read_stp(dir + "/" + name + ".stp");
      auto t0 = Clock::now();
      solvers::SteinerResult r;
      const int reps = 20;
      for (int k = 0; k < reps; ++k) r = solvers::steiner_heuristic(inst);
      const double t = since(t0) / reps;
      const double gap = (r.cost - best) / best;
      sum += gap;
      worst = std::max(worst, gap);
      tsum += t;
      ++n;
      fmt::print("| {} | {} | {} | {} | {} | {} | {:.2f} % | {} | {:.2f} % | {:.2f} ms |\n", name, inst.nodes, inst.edges.size(),
                 inst.terminals.size(), best, r.cost, 100 * gap, r.bound, 100 * r.gap, 1e3 * t);
    }
    fmt::print("\nSteinLib B: average gap {:.3f} %, worst {:.3f} %, mean time {:.2f} ms per instance\n\n", 100 * sum / n, 100 * worst,
               1e3 * tsum / n);
  }
  if (argc > 2 && std::string(argv[2]) == "steinlib-only") return 0;
  const bool heuristic_only = argc > 2 && std::string(argv[2]) == "heuristic-only";  // parts 2 without CBC, and 3
  // 2. one département: heuristic vs exact
  {
    auto s = scenarios::builtin_scenario("bfc-2022");
    Region full = scenarios::load_region(s);
    for (const char* dep : {"90", "58"}) {
      Region r = full;
      r.communes.clear();
      for (const auto& c : full.communes)
        if (c.departement == dep) r.communes.push_back(c);
      Parameters p = s.params;
      const double scale = dep == std::string("90") ? 0.02 : 0.06;
      std::vector<double> b;
      for (double v : p.budgets.public_eur_per_year) b.push_back(v * scale);
      p.set_series("budgets.public_eur_per_year", b);
      p.set_number("rollout.exact_time_limit_s", 120);
      ScenarioResults h, x;
      p.set_text("rollout.optimiser", "heuristic");
      auto t0 = Clock::now();
      planner::plan_rollout(planner::RolloutInput{r, p, 2019, 2025, "bench"}, h);
      const double th = since(t0);
      if (heuristic_only) {
        fmt::print("| département {} ({} communes) | heuristic: objective {:.6g}, Lagrangian bound {:.6g}, certified gap {:.3f} %, {:.3f} s |\n", dep,
                   r.communes.size(), h.rollout.objective, h.rollout.bound, 100 * h.rollout.gap, th);
        continue;
      }
      p.set_text("rollout.optimiser", "exact");
      t0 = Clock::now();
      planner::plan_rollout(planner::RolloutInput{r, p, 2019, 2025, "bench"}, x);
      const double tx = since(t0);
      fmt::print("| département {} ({} communes) | heuristic: objective {:.6g}, Lagrangian bound {:.6g}, certified gap {:.3f} %, {:.3f} s"
                 " | exact CBC: {} objective {:.6g}, bound {:.6g}, {:.1f} s | heuristic vs exact objective {:+.3f} %, time ratio {:.0f}x |\n",
                 dep, r.communes.size(), h.rollout.objective, h.rollout.bound, 100 * h.rollout.gap, th, io::spell(x.rollout.optimiser_status),
                 x.rollout.objective, x.rollout.bound, tx, 100 * (h.rollout.objective - x.rollout.objective) / x.rollout.objective,
                 tx / std::max(1e-9, th));
      std::fflush(stdout);  // each line as it comes (the CBC runs are long)
    }
  }
  // 3-4. the main job
  for (auto files : {std::vector<std::string>{}, std::vector<std::string>{std::string(DORSALE_SOURCE_DIR) + "/scenarios/synthetic-10x.toml"}}) {
    planner::RunConfig cfg;
    cfg.scenario_files = files;
    cfg.out_dir = (std::filesystem::temp_directory_path() / "dorsale-bench-run").string();
    std::filesystem::remove_all(cfg.out_dir);
    auto t0 = Clock::now();
    std::vector<planner::ScenarioRun> runs;
    try {
      runs = planner::run(cfg, {});
    } catch (const std::exception& e) {  // report and go on with the next run
      fmt::print("\n`dorsale run` {}: failed: {}\n", files.empty() ? "(bfc-2022 + bfc-2025)" : "synthetic-10x", e.what());
      std::filesystem::remove_all(cfg.out_dir);
      continue;
    }
    const double t = since(t0);
    std::uintmax_t bytes = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(cfg.out_dir))
      if (e.is_regular_file()) bytes += e.file_size();
    fmt::print("\n`dorsale run` {}: {:.2f} s, {} scenario(s), {:.1f} MB written\n", files.empty() ? "(bfc-2022 + bfc-2025)" : "synthetic-10x",
               t, runs.size(), double(bytes) / 1e6);
    for (const auto& r : runs)
      fmt::print("  {}: {} communes, optimiser {} gap {:.3f} %\n", r.scenario.name, r.region.communes.size(), io::spell(r.results.rollout.optimiser),
                 100 * r.results.rollout.gap);
    std::filesystem::remove_all(cfg.out_dir);
  }
  return 0;
}
