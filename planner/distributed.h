#pragma once
// `mpirun -np N dorsale guichet …` and `mpirun -np N dorsale run A.toml B.toml …`: the same jobs
// spread over MPI ranks (planner/cluster.h). Guichet: rank 0 reads the fixed part (region and
// plan) from the output folder's cache or computes it, and broadcasts it; the sweep's draws are
// dealt to ranks (GuichetDeal); run: rank r computes the scenarios k with k mod N = r and writes their files to a private
// temporary folder. Rank 0 gathers every answer, checks that no rank failed, and alone writes —
// the same files, byte for byte, as one process. A rank that fails is reported with its error
// on rank 0 (exit code of the first failing rank's error) and nothing is written.
#include <cstdint>
#include <functional>
#include <utility>

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

// The draws of a guichet sweep dealt to ranks: pair t = set x draws + draw, in that order, and
// rank r gets the pairs [T r / N, T (r + 1) / N) of the T = sets x draws (so 7 sets on 2 ranks
// are 3.5 sets each, not 4 and 3). A set held by one rank is run there whole (run_guichet); a
// set split between ranks has its statistics' columns (solvers::GuichetColumns) each summarised
// by one of its ranks: column c of C by the rank holding the set's draw at (c + 1/2) / C of
// its draws, so each rank summarises in proportion to the draws it made.
class GuichetDeal {
 public:
  GuichetDeal(std::int64_t sets, int draws, int ranks);
  std::int64_t sets() const { return sets_; }
  int draws() const { return draws_; }
  int ranks() const { return ranks_; }
  // The first pair of `rank` (rank = ranks: T).
  std::int64_t begin(int rank) const;
  int rank_of(std::int64_t pair) const;
  // The draws [first, second) of `set` on `rank` (first == second: none).
  std::pair<int, int> piece(int rank, std::int64_t set) const;
  bool split(std::int64_t set) const { return rank_of(set * draws_) != rank_of(set * draws_ + draws_ - 1); }
  int column_owner(std::int64_t set, int column, int columns) const;

 private:
  std::int64_t sets_;
  int draws_, ranks_;
};

// A rank's share of the split sets. Each piece (the rank's draws [d0, d1) of a split set) is
// sampled column by column straight to where it is read (GuichetColumns::sample into `to`): a
// column the rank summarises into its slot of `cols` (owned column i at i x draws: all the set's
// draws in draw order, the other ranks' pieces received beside its own), any other column into
// its run of the send area, from which it goes to its owner. No staging buffer and no copy on
// either side (before: each piece, then an all-to-all's receive buffer, 2 x 51 MB of fresh pages
// a rank for the example sweep at 100,000 draws, then a copy into place). The memory is one
// block of the calling thread's draw matrices (solvers::guichet_workspace: valid until its next
// run_guichet), already touched when the rank has run its whole sets first. Sends are listed by
// owner, then set, then column; receives by sender, then set, then column: the order the other
// end lists the same pieces (Cluster::transfer matches them in order).
struct GuichetSplitShare {
  struct Piece {
    std::int64_t set;
    int d0, d1;
    std::vector<double*> to;  // column c's destination (columns pointers)
  };
  std::vector<Piece> pieces;                        // ascending sets
  std::vector<std::pair<std::int64_t, int>> owned;  // (set, column) summarised here, ascending
  double* cols = nullptr;
  std::vector<Cluster::Transfer> sends, receives;
};
GuichetSplitShare guichet_split_share(const GuichetDeal& deal, int rank, int columns);

DistributedOutcome guichet_distributed(const GuichetConfig& cfg, const Cluster& cluster, GuichetRun* merged,
                                       ProgressSink* progress);
DistributedOutcome run_distributed(const RunConfig& cfg, const Cluster& cluster,
                                   ProgressSink* progress);

}  // namespace dorsale::planner
