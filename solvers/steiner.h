#pragma once
// Steiner tree in graphs: connect the terminals at least total edge weight.
//
// Heuristic: the reduction tests of solvers/steiner_reduce.h (degree, nearest vertex, special
// distance, then reduced-cost fixing with the dual ascent and the first tree), then on the reduced
// graph the shortest-path heuristic from several roots, the key-path / key-vertex local search of
// solvers/steiner_local.h on the best trees, and perturbed restarts (weights drawn from a fixed
// seed: the result is deterministic). The tree is mapped back to the original edges and its node
// set re-spanned by an MST (prune), so it is a tree of the original graph.
// Lower bound: Wong's dual ascent on the reduced bidirected graph plus the cost fixed by the
// reductions (reductions keep the optimum), so the reported gap is certified.
// Exact: the same reductions and reduced-cost fixing, then the directed multi-commodity flow MILP
// on what is left, on GLPK or CBC (skipped when the bound already meets the heuristic tree).
// Contract: const input; disconnected terminals give status Infeasible, never an exception.
#include <vector>

#include "models/steiner_instance.h"
#include "solvers/mip.h"

namespace dorsale::solvers {

struct SteinerOptions {
  int roots = 50;              // SPH runs from this many terminals (all of them on small instances)
  int improvement_passes = 4;  // local search rounds (0: MST + prune only)
  int perturbations = 8;       // perturbed SPH + local search restarts
  bool reductions = true;      // reduction tests (off: the plain pipeline on the input graph)
  bool dreyfus_wagner = true;  // exact DP on reduced graphs with few terminals left
  double time_limit_s = 60;    // exact MILP
  MipBackend backend = MipBackend::Glpk;
};

enum class SteinerStatus { Optimal, Feasible, Infeasible, TimeLimit };
const char* steiner_status_key(SteinerStatus s);

struct SteinerResult {
  SteinerStatus status = SteinerStatus::Infeasible;
  double cost = 0;            // weight of the tree found
  double bound = 0;           // valid lower bound on the optimum
  double gap = 0;             // (cost - bound) / cost
  std::vector<int> edges;     // indices into instance.edges
  double seconds = 0;
};

SteinerResult steiner_heuristic(const SteinerInstance& inst, const SteinerOptions& opt = {});
SteinerResult steiner_exact(const SteinerInstance& inst, const SteinerOptions& opt = {});
// Wong's dual ascent lower bound on the unreduced graph (root: the first terminal).
double steiner_dual_ascent_bound(const SteinerInstance& inst);

}  // namespace dorsale::solvers
