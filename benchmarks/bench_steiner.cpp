// Steiner benchmark on a SteinLib set with published optima (figures in BENCHMARKS.md):
// the heuristic (gap to the optimum, certified gap against its bound, median time of --reps runs)
// or, with --exact, the exact mode (status, time).
// Run: ./build/benchmarks/bench_steiner DIR [--exact] [--backend glpk|cbc] [--reps N] [--only NAME]
//      [--no-reductions] [--roots N] [--perturbations N]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "io/steinlib.h"
#include "solvers/steiner.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: bench_steiner DIR [--exact] [--backend glpk|cbc] [--reps N] [--only NAME] [--no-reductions] [--roots N] [--perturbations N]\n");
    return 2;
  }
  const std::string dir = argv[1];
  bool exact = false;
  int reps = 3;
  std::string only;
  solvers::SteinerOptions opt;
  for (int k = 2; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--exact") exact = true;
    if (a == "--backend" && k + 1 < argc) opt.backend = std::string(argv[++k]) == "cbc" ? solvers::MipBackend::Cbc : solvers::MipBackend::Glpk;
    if (a == "--reps" && k + 1 < argc) reps = std::max(1, std::atoi(argv[++k]));
    if (a == "--only" && k + 1 < argc) only = argv[++k];
    if (a == "--no-reductions") opt.reductions = false;
    if (a == "--roots" && k + 1 < argc) opt.roots = std::atoi(argv[++k]);
    if (a == "--perturbations" && k + 1 < argc) opt.perturbations = std::atoi(argv[++k]);
  }
  fmt::print("| instance | nodes | edges | terminals | optimum | {} | gap to optimum | bound | certified gap | status | median time (CPU) |\n",
             exact ? "exact" : "heuristic");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  double sum = 0, worst = 0, tsum = 0, tmax = 0, cmax = 0;
  int n = 0, optimal = 0;
  for (const auto& [name, best] : scenarios::read_steinlib_optima(dir + "/OPT.csv")) {
    if (!only.empty() && name != only) continue;
    const auto inst = scenarios::read_stp(dir + "/" + name + ".stp");
    std::vector<double> times, cpus;
    solvers::SteinerResult r;
    for (int k = 0; k < reps; ++k) {
      const auto t0 = Clock::now();
      const std::clock_t c0 = std::clock();
      r = exact ? solvers::steiner_exact(inst, opt) : solvers::steiner_heuristic(inst, opt);
      cpus.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
      times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    std::sort(cpus.begin(), cpus.end());
    const double t = times[times.size() / 2], cpu = cpus[cpus.size() / 2];
    const double gap = (r.cost - best) / best;
    sum += gap, worst = std::max(worst, gap), tsum += t, tmax = std::max(tmax, t), cmax = std::max(cmax, cpu), ++n;
    optimal += r.status == solvers::SteinerStatus::Optimal;
    fmt::print("| {} | {} | {} | {} | {} | {} | {:.2f} % | {:.6g} | {:.2f} % | {} | {:.3f} s ({:.3f} s) |\n", name, inst.nodes,
               inst.edges.size(), inst.terminals.size(), best, r.cost, 100 * gap, r.bound, 100 * r.gap, solvers::steiner_status_key(r.status),
               t, cpu);
    std::fflush(stdout);
  }
  if (n == 0) return 1;
  fmt::print("\n{} instances: average gap {:.3f} %, worst {:.3f} %, {} proved optimal, mean time {:.3f} s, worst time {:.3f} s "
             "(CPU {:.3f} s; median of {} runs each)\n",
             n, 100 * sum / n, 100 * worst, optimal, tsum / n, tmax, cmax, reps);
  return 0;
}
