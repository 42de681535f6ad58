#pragma once
// `dorsale guichet` and `dorsale merge`: size the guichet cohésion numérique budget by Monte
// Carlo, over a sweep of parameter sets, sharded across machines if wanted.
#include <functional>
#include <string>
#include <vector>

#include "models/guichet.h"
#include "solvers/guichet.h"
#include "models/parameters.h"
#include "models/region.h"
#include "io/scenario.h"

namespace dorsale::planner {

struct GuichetConfig {
  std::string scenario;  // empty: built-in bfc-2022
  std::string sweep;     // empty: one set with the scenario's parameters
  int draws = 0;         // 0: guichet.draws
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;       // 0: all cores
  int shard_index = 1, shard_count = 1;
  std::string out_dir = "out/guichet";
  bool keep_draws = false;  // results.h5 also holds each draw's totals (--keep-draws)
};

// Most shards a sweep may be split into (documented in scenarios/README.md, "Input limits").
inline constexpr int kMaxShards = 1'000'000;

// "i/n" -> (i, n); throws InputError unless 1 <= i <= n <= kMaxShards.
std::pair<int, int> parse_shard(const std::string& text);

// The Monte Carlo inputs of a region under a plan (commune FttH years) and parameters.
solvers::GuichetInputs guichet_inputs(const Region& region, const std::vector<int>& ftth_year, const Parameters& p,
                                      int first_year, int years);
solvers::GuichetParams guichet_params(const Parameters& p);

// Runs the sets of this shard (no I/O besides reading the scenario and sweep).
GuichetRun run_guichet_sets(const GuichetConfig& cfg, ProgressSink* progress);
// run_guichet_sets + writes <out_dir>/guichet.json and results.h5 atomically.
GuichetRun guichet(const GuichetConfig& cfg, ProgressSink* progress);
// Joins shard outputs (folders) into one run, written to out_dir like a single run.
GuichetRun merge(const std::vector<std::string>& shard_dirs, const std::string& out_dir);
void write_guichet_outputs(const GuichetRun& run, const std::string& out_dir);

// One shard's run and where it came from (a file, or "rank 3"), for merge_runs.
struct ShardRun {
  std::string origin;
  GuichetRun run;
};
// Joins shard runs into the run of the whole sweep (no I/O); InputError naming the shard's
// origin and the field when the shards do not come from one run or miss or repeat a set.
GuichetRun merge_runs(std::vector<ShardRun> shards);

}  // namespace dorsale::planner
