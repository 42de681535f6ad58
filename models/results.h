#pragma once
// What a run produces, independent of how it was computed: viz/ writes it, tests check it.
// Nothing here refers to a solver type.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/commune.h"
#include "models/interconnection.h"
#include "models/solve.h"
#include "models/technology.h"
#include "models/version.h"

namespace dorsale {

struct RunInfo {
  std::string scenario;       // scenario name (also the output folder's name)
  std::string scenario_file;  // path, or builtin:<name>
  std::string scenario_hash;  // FNV-1a 64 of the scenario text
  std::uint64_t seed = 0;
  std::string version = dorsale::version();
  std::vector<std::string> overridden_parameters;
};

// Premises of each commune by band, for each year of the results. The foundation's run writes
// the baseline (the first year); the roll-out planner adds the following years.
struct CommuneStates {
  std::vector<int> years;
  // states[y][i][b]: premises of commune i in band b at the end of years[y]
  std::vector<std::vector<std::array<std::int64_t, kBandCount>>> states;
};


// One year of a roll-out plan, region-wide.
struct YearSummary {
  int year = 0;
  double public_spend_eur = 0;       // FttH works + collecte paid from the public budget
  double budget_eur = 0;             // the public budget of the year
  double collecte_eur = 0;           // part of public spend for collecte links
  double collecte_km = 0;
  int nros_opened = 0;
  double private_spend_eur = 0;      // AMII / AMEL deployments
  double alternatives_eur = 0;       // equipment of the alternatives deployed this year
  std::int64_t ftth_premises_added = 0;
  // Build pace (pace.model = ramp): what limited the year's FttH. pace_bound: some
  // département's RIP used its whole pace while its communes waited; budget_bound: the budget
  // ran out while pace was left.
  bool pace_limited = false;
  bool pace_bound = false, budget_bound = false;
  std::int64_t private_premises_added = 0, public_premises_added = 0;
};

// What bound a paced year: "pace", "budget", "pace and budget" or "none".
inline const char* year_limit(const YearSummary& ys) {
  return ys.pace_bound && ys.budget_bound ? "pace and budget" : ys.pace_bound ? "pace" : ys.budget_bound ? "budget" : "none";
}

// A plan of the years first..last: when each commune gets FttH, the collecte built, the
// alternatives used, and the state of every commune at the end of each year.
struct RolloutResults {
  bool planned = false;
  // The date of the state the plan starts from (YYYY-MM-DD: the region's FttH source date, or
  // 31 December before the first year); each plan year Y ends on 31 December of Y.
  std::string start_date;
  std::vector<int> ftth_year;          // per commune: year FttH is complete (0: not in the horizon)
  std::vector<int> nro_connected_year; // per network node: year its collecte is built (0: at start; -1: never)
  std::vector<YearSummary> years;
  // alternatives[y][i][t]: premises of commune i on technology t at the end of years[y]
  std::vector<std::vector<std::array<std::int64_t, kTechnologyCount>>> alternatives;
  // collecte links built by the plan: (year, node a, node b, km, cost)
  struct CollecteLink {
    int year;
    std::string a, b;
    double km, cost;
    bool new_link;  // false: a planned RIP link built
    int link = -1;  // the planned RIP link built (its network link index), or -1 (a new link)
  };
  std::vector<CollecteLink> collecte;
  // public deployment optimiser: objective (weighted premises-years), bound, gap, method
  SolveMethod optimiser = SolveMethod::Heuristic;
  MipStatus optimiser_status = MipStatus::Optimal;
  double objective = 0, bound = 0, gap = 0, optimiser_seconds = 0;
};

// The interconnection queue of a run (its requests and the answers, in input order).
struct InterconnectionResults {
  QueueMode mode = QueueMode::FirstCome;
  std::vector<InterconnectionRequest> requests;
  std::vector<InterconnectionDecision> decisions;
  double accepted_value = 0, fcfs_value = 0;
  // joint MILP (mode optimal): status, objective, bound, gap, backend, seconds
  MipStatus mip_status = MipStatus::Optimal;
  MipBackend mip_backend = MipBackend::Glpk;
  double mip_objective = 0, mip_bound = 0, mip_gap = 0, mip_seconds = 0;
  // mode optimal: the MILP chooses among routes_considered candidate and generated routes;
  // all_routes_bound bounds the accepted value over every route (column generation), and
  // all_routes_gap = (bound - accepted value) / max(1, accepted value)
  double all_routes_bound = 0, all_routes_gap = 0;
  int routes_considered = 0;
  // mode optimal, lexicographic second stage: among the candidate-route choices of that value,
  // the least cost (EUR, each planned link once): the chosen set's cost, a lower bound, and
  // cost_gap = (cost - bound) / max(1, cost); status as mip_status (none: no second stage)
  std::optional<MipStatus> cost_status;
  double cost_eur = 0, cost_bound_eur = 0, cost_gap = 0;
};

// A target of the scenario (>= 8 Mbit/s, >= 30 Mbit/s, FttH for all), assessed by the
// planner on the commune states: the year it is first met, and how far the plan falls short
// in the target year.
struct TargetAssessment {
  std::string name;  // "good_broadband_ge8", "thd_ge30", "ftth"
  int target_year = 0;
  std::optional<int> met_year;
  std::optional<std::int64_t> premises_short_at_target_year;  // when the target year is planned
  std::optional<double> pct_short_at_target_year;
  bool met = false;  // met in or before the target year
};

struct ScenarioResults {
  RunInfo info;
  CommuneStates communes;
  RolloutResults rollout;
  InterconnectionResults interconnection;
  std::vector<TargetAssessment> targets;
};

}  // namespace dorsale
