#pragma once
// Steiner tree in graphs: connect the terminals at least total edge weight.
//
// Heuristic (region scale): shortest-path heuristic (Takahashi–Matsuyama, LEMON Dijkstra)
// from several roots, then local improvement: MST of the tree's nodes (LEMON Kruskal) with
// pruning of non-terminal leaves, Steiner-node insertion and elimination. Lower bound: Wong's
// dual ascent on the bidirected graph (a feasible dual of the directed cut relaxation), so the
// reported gap is certified.
// Exact (small instances): directed multi-commodity flow MILP on GLPK or CBC.
// Complexity: the heuristic is O(R · T · E log V) for R roots plus O(passes · V · E log E) for
// the improvement; the bound O(iterations · T · E). Contract: const input; disconnected
// terminals give status Infeasible, never an exception.
#include <vector>

#include "models/steiner_instance.h"
#include "solvers/mip.h"

namespace dorsale::solvers {

struct SteinerOptions {
  int roots = 50;              // SPH runs from this many terminals (all of them on small instances)
  int improvement_passes = 4;  // insertion/elimination passes (0: MST + prune only)
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
// Wong's dual ascent lower bound (root: the first terminal).
double steiner_dual_ascent_bound(const SteinerInstance& inst);

}  // namespace dorsale::solvers
