#pragma once
// Steiner tree in graphs: connect the terminals at least total edge weight.
//
// Heuristic: the reduction tests of solvers/steiner_reduce.h (degree, nearest vertex, special
// distance), then on the reduced graph the shortest-path heuristic from several roots and the
// key-path / key-vertex local search of solvers/steiner_local.h on the best starts and on perturbed
// restarts (weights drawn from fixed seeds: the result is deterministic), the recombination of
// those trees (the same pipeline on the union of their edges, two generations) and ascend-and-
// prune on the dual ascent's saturated arcs; then reduced-cost fixing with the dual ascent and the
// best tree, a second round when that shrank the graph, and Dreyfus–Wagner when few terminals are
// left. The tree is mapped back to the original edges and its node set re-spanned by an MST
// (pruned), so it is a tree of the original graph.
// Lower bound: Wong's dual ascent on the reduced bidirected graph plus the cost fixed by the
// reductions (reductions keep the optimum), so the reported gap is certified.
// Exact: the same pipeline, then the directed multi-commodity flow MILP on what is left, on GLPK
// or CBC, when neither the bound nor Dreyfus–Wagner closes the gap.
// Contract: const input; disconnected terminals give status Infeasible, never an exception.
#include <vector>

#include "models/steiner_instance.h"
#include "solvers/mip.h"

namespace dorsale::solvers {

struct SteinerOptions {
  int roots = 50;              // SPH roots: terminals, then other nodes when there are fewer terminals
  int improvement_passes = 4;  // local search rounds (0: MST + prune only)
  int perturbations = 8;       // perturbed SPH + local search restarts per generation (0: no recombination)
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
