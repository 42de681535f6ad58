#pragma once
// The roll-out simulation's state shared by its files (internal to planner/): the network as
// the plan builds it, the public deployment problem, the communes' state year by year, and the
// build pace. planner/rollout.cpp runs the years (private commitments, collecte, public
// deployments, repair, alternatives); planner/rollout_pace.cpp the paced years
// (pace.model = ramp); planner/rollout_audit.cpp the idle-budget audit.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "planner/rollout.h"
#include "solvers/collecte.h"
#include "solvers/deployment.h"
#include "solvers/pace.h"

namespace dorsale::planner::rollout_state {

inline bool is_private(const Commune& c) { return c.zone == Zone::Amii || c.zone == Zone::Amel; }

// The years of the plan; throws when the budget series does not match them.
int plan_years(const RolloutInput& in);

// The network as the plan builds it: built links, nodes connected to the Dorsale, and the
// estimated cost of connecting each other node alone.
struct CollecteState {
  CollecteState(const Network& net, const Parameters& P)
      : designer(net, solvers::CollecteParams{P.rollout.collecte_candidate_km, P.network.rip_detour_factor,
                                              P.costs.build_eur_per_km}) {
    built.resize(net.links().size());
    for (std::size_t j = 0; j < net.links().size(); ++j) built[j] = net.links()[j].status != LinkStatus::Planned;
    connected = designer.connected_nodes(built);
    has_network = !net.nodes().empty();
    if (has_network) estimate = designer.connection_costs(connected, built);
  }
  solvers::CollecteDesigner designer;
  std::vector<char> built, connected;
  bool has_network = false;
  std::vector<double> estimate;
};

// The public deployment problem: one unit per public commune still without full FttH, in the
// group of its NRO when that NRO is not connected yet; and its solution.
struct PublicDeployment {
  solvers::DeploymentProblem dp;
  std::vector<int> node_of_group, commune_of_unit;
  solvers::DeploymentPlan plan;
};

PublicDeployment build_public_problem(const RolloutInput& in, int Y, const CollecteState& cs);

// The state of every commune as the years are simulated.
struct Simulation {
  Simulation(const RolloutInput& in, ScenarioResults& results);
  // Complete FttH in commune i this year; returns the premises added.
  std::int64_t give_ftth(std::size_t i, int year);
  // Pass k more premises of commune i for FttH this year (the lowest bands first); complete
  // in `year` when none is left. Returns the premises added (at most what remains).
  std::int64_t give_ftth_part(std::size_t i, std::int64_t k, int year);
  std::int64_t remaining(std::size_t i) const { return R.communes[i].premises() - bands[i][int(Band::Ftth)]; }
  void close_year(const YearSummary& ys);

  const RolloutInput& in;
  const Region& R;
  const Parameters& P;
  ScenarioResults& results;
  RolloutResults& out;
  std::vector<std::array<std::int64_t, kBandCount>> bands;
  std::vector<std::array<std::int64_t, kTechnologyCount>> alt;
};

// Adds a collecte design built in `ys.year` to the network and to the year's figures
// (planner/rollout.cpp).
void apply_collecte(Simulation& sim, CollecteState& cs, const solvers::CollecteDesigner::Design& design,
                    const std::vector<int>& opening, YearSummary& ys);

// ---- Build pace (pace.model = ramp; planner/rollout_pace.cpp) ----
// Each département's pace: its zones' premises and its rates ([pace] with the
// [pace.departements] overrides).
struct Pace {
  Pace(const RolloutInput& in);
  // the span of calendar year `year` the plan covers
  std::pair<double, double> span(int year) const { return {std::max(start, double(year)), double(year + 1)}; }
  // whole premises zone z (0 private, 1 public) of département d may pass in `year`, with `remaining` left
  std::int64_t capacity(int d, int z, int year, std::int64_t remaining) const {
    const auto [a, b] = span(year);
    const double cap = z == 0 ? solvers::private_capacity(rates[d], zone_premises[d][0], a, b)
                              : solvers::public_capacity_to_target(rates[d], shape, zone_premises[d][1], double(remaining), a, b);
    const double c = std::min({cap, solvers::tail_capacity(shape, double(remaining), a, b), double(remaining)});
    return std::int64_t(std::floor(c + 1e-9));
  }
  double start;
  solvers::PaceShape shape;
  std::map<std::string, int> index;
  std::vector<solvers::PaceRates> rates;
  std::vector<std::array<double, 2>> zone_premises;
};

// The private operators' and the RIPs' paced years (planner/rollout_pace.cpp).
void deploy_private_paced(Simulation& sim, const Pace& pace, YearSummary& ys);
void deploy_public_paced(Simulation& sim, CollecteState& cs, const PublicDeployment& pd, const Pace& pace,
                         const std::vector<int>& order, YearSummary& ys);

}  // namespace dorsale::planner::rollout_state
