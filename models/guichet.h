#pragma once
// Results of a guichet cohésion numérique sizing run: one entry per parameter set of the sweep
// (or one "base" set), each with Monte Carlo quantiles per département and year.
#include <map>
#include <string>
#include <vector>

#include <array>
#include <cstdint>

namespace dorsale {

// The guichet's technologies, in the order of every per-technology guichet array (spelled by
// io/spelling.h).
enum class GuichetTech : int { ThdRadio = 0, FourGFixe = 1, Satellite = 2 };
inline constexpr int kGuichetTechs = 3;

struct Quantiles {
  double mean = 0, p10 = 0, p50 = 0, p90 = 0, se = 0;  // se: Monte Carlo standard error of the mean
};

struct GuichetStats {
  int draws = 0;
  // [dep][year]
  std::vector<std::vector<Quantiles>> subsidy, premises;
  std::vector<Quantiles> subsidy_by_year, premises_by_year;  // region
  Quantiles subsidy_total, premises_total;
  // deterministic eligibility and technology split at the mean preference: [year][tech]
  std::vector<double> eligible_by_year;
  std::vector<std::array<double, kGuichetTechs>> tech_by_year_at_mean;
  // `dorsale guichet --keep-draws`: each draw's region total over the years, in draw order
  // (empty otherwise; not in guichet.json, so not kept through merge or MPI)
  std::vector<double> subsidy_total_draws, premises_total_draws;
};


struct GuichetSetResult {
  int index = 0;                          // position in the whole sweep (0-based)
  std::string name;
  std::map<std::string, double> overrides;  // parameter key -> value
  GuichetStats stats;
};

struct GuichetRun {
  std::string scenario, scenario_hash;
  std::uint64_t seed = 0;
  int draws = 0;
  int total_sets = 1;
  std::string shard = "1/1";
  int first_year = 2019;
  std::vector<std::string> deps;
  std::vector<GuichetSetResult> sets;  // sorted by index
};

}  // namespace dorsale
