#pragma once
// Maximal covering location: open at most K candidate sites (or sites within a budget) to
// maximise the weight of demand points covered; a point is covered when an open site covers
// it. Points already covered by locked-in (existing) sites are not counted again.
//
// Exact: MILP (GLPK through LEMON, or CBC). Heuristic (region scale): lazy greedy, then 1-1
// swap local search, with a Lagrangian bound (coverage constraints relaxed, subgradient on the
// multipliers; the subproblem keeps the K best or a fractional knapsack, so the bound is valid)
// and the certified gap (bound - objective) / bound.
// Complexity: O(I log C) for the greedy over I point-site incidences, O(iterations x I) for
// the bound. Contract: const input; K = 0 or an empty candidate list is a valid empty answer.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "solvers/mip.h"

namespace dorsale::solvers {

struct CoverageProblem {
  std::vector<double> weight;               // per demand point
  std::vector<std::vector<int>> covers;     // per candidate: the points it covers
  std::vector<char> already_covered;        // per point: covered by an existing site
  int max_sites = -1;                       // K; -1: no limit (budget only)
  double budget = -1;                       // -1: no budget
  std::vector<double> cost;                 // per candidate (budget mode)
  // Work cap of each local-search polish, in cover-list entries visited (a count, not a clock,
  // so the same problem gives the same sites on any machine under any load; it replaces a 4 s
  // wall-clock deadline that made towers.json depend on the machine's load; a scenario sets it
  // with towers.local_search_work, and the solution says when it stopped a polish). The default is
  // about 80x what one polish of the synthetic-France towers problem visits before its local
  // optimum (5.3e7, measured 2026-12-06): a guard against pathological inputs, not a limit
  // the shipped scenarios reach.
  std::size_t local_search_work = std::size_t(4) << 30;
};

struct CoverageSolution {
  std::vector<int> open;  // chosen candidates, in the order chosen
  double objective = 0;   // weight newly covered
  double bound = 0;       // valid upper bound
  double gap = 0;         // (bound - objective) / bound
  SolveMethod method = SolveMethod::Heuristic;
  MipStatus status = MipStatus::Optimal;
  double seconds = 0;
  bool work_capped = false;  // a local search stopped at p.local_search_work, not at a local optimum
};

CoverageSolution max_coverage_heuristic(const CoverageProblem& p, int lagrangian_iterations = 600);
// The same heuristic written plainly (every sum over the whole lists, one thread): the tests'
// oracle, which max_coverage_heuristic must match bit for bit (max_coverage_reference.cpp).
CoverageSolution max_coverage_heuristic_reference(const CoverageProblem& p, int lagrangian_iterations = 600);
CoverageSolution max_coverage_exact(const CoverageProblem& p, MipBackend backend, double time_limit_s,
                                    const ProgressCounter* progress = nullptr);  // solve_mip's progress
// Weight newly covered by a set of open candidates (what tests recompute).
double covered_weight(const CoverageProblem& p, const std::vector<int>& open);

// Points within `radius` (inclusive) of each site, by a uniform grid: [site] -> point indices.
std::vector<std::vector<int>> points_within(const std::vector<double>& site_x, const std::vector<double>& site_y,
                                            const std::vector<double>& px, const std::vector<double>& py,
                                            const std::vector<double>& radius);
// For each point, the smallest distance / base[k] over the sites k that have it within
// radius[k] (inclusive, points_within's test), +inf when none: the ratio at which the point
// enters some site's scaled coverage (the towers' radius fit). Each point searches the site
// grid ring by ring and stops once no farther site can give a smaller ratio; points in
// parallel, each computed alone (the same numbers on any thread count).
std::vector<double> min_ratio_within(const std::vector<double>& site_x, const std::vector<double>& site_y,
                                     const std::vector<double>& base, const std::vector<double>& radius,
                                     const std::vector<double>& px, const std::vector<double>& py);

}  // namespace dorsale::solvers
