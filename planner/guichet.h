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
#include "io/sweep.h"

#include <cstdint>
#include <filesystem>

namespace dorsale::viz {
class OutputDir;
}

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

// The base of the Monte Carlo inputs (what the region and its plan give, before the guichet
// parameters), and the inputs of one parameter set from it.
solvers::GuichetBase guichet_base(const Region& region, const std::vector<int>& ftth_year);
solvers::GuichetInputs guichet_inputs(const solvers::GuichetBase& base, const Parameters& p, int first_year, int years);

// A guichet command's scenario and sweep, read and checked (InputError), nothing computed.
struct GuichetJob {
  scenarios::Scenario scenario;
  scenarios::Sweep sweep;
};
GuichetJob load_guichet_job(const GuichetConfig& cfg);
// The fixed part of a guichet run: the scenario's region, its budgets and roll-out plan,
// reduced to the guichet's base.
solvers::GuichetBase compute_guichet_base(const scenarios::Scenario& s);
// The same, read from the output folder's cache when its key is this scenario's (io/guichet_cache.h),
// else computed and cached there. Call under the folder's lock (viz::OutputDir). `reused`: whether
// the cache answered.
solvers::GuichetBase cached_guichet_base(const scenarios::Scenario& s, const std::filesystem::path& out_root, bool* reused = nullptr);

// One set of the sweep, ready to draw: its result record (index, name, overrides), inputs, parameters.
struct GuichetSetJob {
  GuichetSetResult result;
  solvers::GuichetInputs inputs;
  solvers::GuichetParams params;
};
GuichetSetJob guichet_set_job(const GuichetJob& job, const solvers::GuichetBase& base, std::int64_t k, bool keep_draws);
// The run's header fields (no set yet) and the threads a run uses (--threads, else all cores).
GuichetRun guichet_run_header(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetConfig& cfg);
int guichet_threads(const GuichetConfig& cfg);

// Runs the sets of this shard on a base (no I/O).
GuichetRun run_guichet_sets(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetConfig& cfg, ProgressSink* progress);
// The same, reading the scenario and sweep and computing the base (no cache, no output).
GuichetRun run_guichet_sets(const GuichetConfig& cfg, ProgressSink* progress);
// Opens the output folder, reuses or computes the cached base, runs the shard's sets, writes
// <out_dir>/guichet.json and results.h5 atomically.
GuichetRun guichet(const GuichetConfig& cfg, ProgressSink* progress);
// Joins shard outputs (folders) into one run, written to out_dir like a single run.
GuichetRun merge(const std::vector<std::string>& shard_dirs, const std::string& out_dir);
void write_guichet_outputs(const GuichetRun& run, const std::string& out_dir);
// guichet.json and results.h5 into an open output folder, then its commit.
void write_guichet_files(const GuichetRun& run, viz::OutputDir& dir);

// One shard's run and where it came from (a file, or "rank 3"), for merge_runs.
struct ShardRun {
  std::string origin;
  GuichetRun run;
};
// Joins shard runs into the run of the whole sweep (no I/O); InputError naming the shard's
// origin and the field when the shards do not come from one run or miss or repeat a set.
GuichetRun merge_runs(std::vector<ShardRun> shards);

}  // namespace dorsale::planner
