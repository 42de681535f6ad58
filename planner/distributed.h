#pragma once
// `mpirun -np N dorsale guichet …` and `mpirun -np N dorsale run A.toml B.toml …`: the same jobs
// spread over MPI ranks (planner/cluster.h). Guichet: rank r runs the sweep's shard r+1/N;
// run: rank r computes the scenarios k with k mod N = r and writes their files to a private
// temporary folder. Rank 0 gathers every answer, checks that no rank failed, and alone writes —
// the same files, byte for byte, as one process. A rank that fails is reported with its error
// on rank 0 (exit code of the first failing rank's error) and nothing is written.
#include <functional>

#include "models/progress.h"
#include <string>
#include <vector>

#include "models/guichet.h"
#include "planner/cluster.h"
#include "planner/guichet.h"
#include "planner/run.h"

namespace dorsale::planner {

// The outcome on this rank: rank 0 gets the merged run (and has written it); the others an
// empty run. Throws on rank 0 when any rank failed (InputError for bad input, with the rank's
// message); other ranks return the same exit code through `code`.
struct DistributedOutcome {
  int code = 0;              // 0, or the exit code of the first failing rank (1 bad input, 3 failure)
  std::string errors;        // rank 0: one line per failing rank
  std::vector<std::string> lines;  // rank 0: what to print (one line per scenario or set)
};

DistributedOutcome guichet_distributed(const GuichetConfig& cfg, const Cluster& cluster, GuichetRun* merged,
                                       ProgressSink* progress);
DistributedOutcome run_distributed(const RunConfig& cfg, const Cluster& cluster,
                                   ProgressSink* progress);

}  // namespace dorsale::planner
