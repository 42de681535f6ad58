#pragma once
// Timing of public FttH deployments under yearly budgets (the roll-out optimiser).
//
// Units (communes) each belong to a group (their NRO). A unit can be deployed in one year at
// most, only in or after the year its group is connected; connecting a group costs once.
// Deploying unit u in year y is worth value[u][y] (weighted premises-years served). Each
// year's spend (units + group connections) stays within that year's budget.
//
// Exact: MILP (GLPK through LEMON, or CBC). Heuristic (region scale): greedy year by year on
// value / cost, then a serial first-fit decoder (units in a priority order, each in its best
// year where it still fits, opening or moving its group's connection as needed; one token per
// group in the order connects it early) whose order is improved by a deterministic iterated
// local search (insertions ahead, exchanges, kept when not worse; a restart from the best order
// after a stall), started from the greedy plan's order and from value per euro, then exchanges
// (a waiting unit takes a deployed one's year) and, on département-size plans, MIP windows (two
// consecutive years re-assigned by CBC, everything else fixed); the best plan is kept. Its
// Lagrangian bound (yearly budgets relaxed, subgradient on the multipliers; the subproblem is
// solved exactly per group) certifies the gap.
#include <string>
#include <vector>

#include "models/progress.h"
#include "solvers/mip.h"

namespace dorsale::solvers {

struct DeploymentProblem {
  int years = 0;
  std::vector<double> budget;  // [years]
  struct Unit {
    int group = -1;                  // -1: no group (always connected)
    double cost = 0;
    std::vector<double> value;       // [years]
  };
  struct Group {
    double cost = 0;
    bool connected = false;          // connected before the first year
  };
  std::vector<Unit> units;
  std::vector<Group> groups;
};

struct DeploymentPlan {
  std::vector<int> unit_year;   // -1: not deployed within the horizon
  std::vector<int> group_year;  // -1: not connected by the plan (or connected before)
  std::vector<double> spend;    // [years]
  double objective = 0, bound = 0, gap = 0, seconds = 0;
  SolveMethod method = SolveMethod::Heuristic;
  MipStatus status = MipStatus::Optimal;
};

// search_steps: the local search's effort in decoder steps (unit x year), 200 to 20,000
// decodes per start (about 0.1 s on a département, 0.1 s on the region), and the most
// exchanges tried. window_max_units: MIP windows (CBC, window_max_nodes nodes each) polish the
// plan when it has at most this many units (0: never). `progress` (may be null) counts its
// kDeploymentHeuristicSteps steps: the greedy plan, each priority order, the exchanges and
// windows, the bound.
DeploymentPlan plan_deployment_heuristic(const DeploymentProblem& p, int lagrangian_iterations = 300,
                                         long long search_steps = 15'000'000, int window_max_units = 1000,
                                         int window_max_nodes = 100, const ProgressCounter* progress = nullptr);
inline constexpr int kDeploymentHeuristicSteps = 5;
DeploymentPlan plan_deployment_exact(const DeploymentProblem& p, MipBackend backend, double time_limit_s,
                                     const ProgressCounter* progress = nullptr);  // solve_mip's progress
// The Lagrangian bound alone (an upper bound on the optimum); `lower`: the value of a known
// feasible plan, which steers the subgradient steps.
double deployment_lagrangian_bound(const DeploymentProblem& p, int iterations, double lower = 0);
// Checks a plan against the problem's rules; returns "" when valid, else the first violation.
std::string check_deployment(const DeploymentProblem& p, const DeploymentPlan& plan);

}  // namespace dorsale::solvers
