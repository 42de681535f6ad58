#include "planner/rollout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/error.h"
#include "solvers/collecte.h"
#include "solvers/deployment.h"

namespace dorsale::planner {

namespace {

double ftth_cost_per_premises(const Commune& c, const Parameters& P) {
  if (c.premises() >= P.rollout.dense_min_premises) return P.costs.ftth_dense_eur_per_premises;
  if (c.premises() >= P.rollout.intermediate_min_premises) return P.costs.ftth_intermediate_eur_per_premises;
  return P.costs.ftth_rural_eur_per_premises;
}

bool is_private(const Commune& c) { return c.zone == Zone::Amii || c.zone == Zone::Amel; }

}  // namespace

void plan_rollout(const RolloutInput& in, ScenarioResults& results) {
  const Region& R = in.region;
  const Parameters& P = in.params;
  const int Y = in.last_year - in.first_year + 1;
  const auto& budget = P.budgets.public_eur_per_year;
  if (int(budget.size()) != Y)
    throw InputError(in.origin, 0, "budgets.public_eur_per_year",
                     fmt::format("gives {} values for the {} years {}–{}", budget.size(), Y, in.first_year, in.last_year));
  const auto& net = R.network;
  const std::size_t N = R.communes.size();
  auto& out = results.rollout;
  out = RolloutResults{};
  out.planned = true;

  // ---- network state: built links, connected nodes, connection cost estimates ---------------
  std::vector<char> built(net.links().size());
  for (std::size_t j = 0; j < net.links().size(); ++j) built[j] = net.links()[j].status != LinkStatus::Planned;
  solvers::CollecteParams cp;
  cp.candidate_km = P.rollout.collecte_candidate_km;
  cp.detour_factor = P.network.rip_detour_factor;
  cp.build_eur_per_km = P.costs.build_eur_per_km;
  solvers::CollecteDesigner designer(net, cp);
  std::vector<char> connected = designer.connected_nodes(built);
  out.nro_connected_year.assign(net.nodes().size(), -1);
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (connected[i]) out.nro_connected_year[i] = 0;
  const bool has_network = !net.nodes().empty();
  const auto estimate = has_network ? designer.connection_costs(connected, built) : std::vector<double>{};

  // ---- the public deployment problem ---------------------------------------------------------
  solvers::DeploymentProblem dp;
  dp.years = Y;
  dp.budget = budget;
  std::vector<int> group_of_node(net.nodes().size(), -1), node_of_group;
  std::vector<int> unit_of(N, -1), commune_of_unit;
  const double w8 = P.rollout.weight_below8, wo = P.rollout.weight_other;
  for (std::size_t i = 0; i < N; ++i) {
    const Commune& c = R.communes[i];
    const std::int64_t remaining = c.premises() - c.band(Band::Ftth);
    if (is_private(c) || remaining <= 0) continue;
    solvers::DeploymentProblem::Unit u;
    u.cost = double(remaining) * ftth_cost_per_premises(c, P) * (c.phase2 == Phase2::Dsp ? P.rollout.dsp_public_share : 1.0);
    const std::int64_t below8 = c.band(Band::Below3) + c.band(Band::From3To8);
    const double w = w8 * double(below8) + wo * double(remaining - below8);
    for (int y = 0; y < Y; ++y) u.value.push_back(w * double(Y - y));  // premises-years served to the horizon
    if (has_network && !c.nro.empty()) {
      const int node = *net.find_node(c.nro);
      if (!connected[node]) {
        if (group_of_node[node] < 0) {
          group_of_node[node] = int(dp.groups.size());
          node_of_group.push_back(node);
          dp.groups.push_back({std::isfinite(estimate[node]) ? estimate[node] : 1e18, false});
        }
        u.group = group_of_node[node];
      }
    }
    unit_of[i] = int(dp.units.size());
    commune_of_unit.push_back(int(i));
    dp.units.push_back(std::move(u));
  }
  solvers::DeploymentPlan plan =
      P.rollout.optimiser == "exact"
          ? solvers::plan_deployment_exact(dp, solvers::MipBackend::Cbc, P.rollout.exact_time_limit_s)
          : solvers::plan_deployment_heuristic(dp);
  if (plan.status != "optimal" && plan.status != "feasible")
    throw std::runtime_error(fmt::format("the roll-out optimiser found no plan ({})", plan.status));
  out.optimiser = plan.method;
  out.optimiser_status = plan.status;
  out.objective = plan.objective;
  out.bound = plan.bound;
  out.gap = plan.gap;
  out.optimiser_seconds = plan.seconds;

  // ---- simulate the years -----------------------------------------------------------------------
  std::vector<std::array<std::int64_t, kBandCount>> bands(N);
  for (std::size_t i = 0; i < N; ++i) bands[i] = R.communes[i].premises_by_band;
  std::vector<std::array<std::int64_t, kTechnologyCount>> alt(N, std::array<std::int64_t, kTechnologyCount>{});
  out.ftth_year.assign(N, 0);
  for (std::size_t i = 0; i < N; ++i)
    if (bands[i][int(Band::Ftth)] == R.communes[i].premises()) out.ftth_year[i] = in.first_year - 1;  // before the plan
  results.communes.years = {in.first_year - 1};
  results.communes.states = {bands};
  out.alternatives = {alt};
  const int slip = int(P.rollout.private_slippage_years);
  const int alt_year = int(P.alternatives.year);

  auto give_ftth = [&](std::size_t i, int year) {
    const std::int64_t before = bands[i][int(Band::Ftth)];
    bands[i] = {0, 0, 0, 0, R.communes[i].premises()};
    alt[i] = {};
    out.ftth_year[i] = year;
    return R.communes[i].premises() - before;
  };

  for (int y = 0; y < Y; ++y) {
    const int year = in.first_year + y;
    YearSummary ys;
    ys.year = year;
    ys.budget_eur = budget[y];
    // private commitments
    for (std::size_t i = 0; i < N; ++i) {
      const Commune& c = R.communes[i];
      if (!is_private(c) || out.ftth_year[i] != 0 || c.ftth_plan.year == 0) continue;
      const int due = std::max(in.first_year, c.ftth_plan.year + slip);
      if (due != year) continue;
      const std::int64_t added = give_ftth(i, year);
      ys.ftth_premises_added += added;
      ys.private_spend_eur += double(added) * P.costs.ftth_private_eur_per_premises;
      if (has_network && !c.nro.empty()) {
        const int node = *net.find_node(c.nro);
        if (out.nro_connected_year[node] < 0) out.nro_connected_year[node] = year;  // the operator's own collecte
      }
    }
    // public: collecte for the NROs opened this year, then the communes
    std::vector<int> opening;
    for (std::size_t g = 0; g < dp.groups.size(); ++g)
      if (plan.group_year[g] == y) opening.push_back(node_of_group[g]);
    if (!opening.empty()) {
      auto design = designer.connect(connected, built, opening);
      if (design.steiner.status == solvers::SteinerStatus::Infeasible)
        throw std::runtime_error(fmt::format("year {}: an opened NRO cannot be connected to the network", year));
      for (const auto& e : design.edges) {
        if (e.link >= 0) built[e.link] = 1;
        if (e.cost > 0)
          out.collecte.push_back({year, net.node(e.a).id, net.node(e.b).id, e.km, e.cost, e.link < 0});
      }
      // the tree's nodes join the connected set
      for (const auto& e : design.edges) connected[e.a] = connected[e.b] = 1;
      for (int node : opening) {
        connected[node] = 1;
        if (out.nro_connected_year[node] < 0) out.nro_connected_year[node] = year;
      }
      // new links make more nodes reachable through built links
      auto reach = designer.connected_nodes(built);
      for (std::size_t i = 0; i < reach.size(); ++i) connected[i] = connected[i] || reach[i];
      ys.collecte_eur = design.cost;
      ys.collecte_km = design.km;
      ys.nros_opened = int(opening.size());
      ys.public_spend_eur += design.cost;
    }
    for (std::size_t u = 0; u < dp.units.size(); ++u) {
      if (plan.unit_year[u] != y) continue;
      const std::size_t i = std::size_t(commune_of_unit[u]);
      ys.ftth_premises_added += give_ftth(i, year);
      ys.public_spend_eur += dp.units[u].cost;
    }
    // alternatives for the THD target
    if (alt_year == year) {
      struct Tech {
        Technology t;
        double eur, mbps;
      };
      std::vector<Tech> techs = {{Technology::CopperUpgrade, P.alternatives.copper_upgrade_eur, P.alternatives.copper_upgrade_mbps},
                                 {Technology::ThdRadio, P.alternatives.thd_radio_eur, P.alternatives.thd_radio_mbps},
                                 {Technology::FourGFixe, P.alternatives.fourg_fixe_eur, P.alternatives.fourg_fixe_mbps},
                                 {Technology::Satellite, P.alternatives.satellite_eur, P.alternatives.satellite_mbps}};
      std::stable_sort(techs.begin(), techs.end(), [](const Tech& a, const Tech& b) { return a.eur < b.eur; });
      for (std::size_t i = 0; i < N; ++i) {
        const Commune& c = R.communes[i];
        const std::int64_t below30 = bands[i][0] + bands[i][1] + bands[i][2];
        if (below30 <= 0) continue;
        double cov = 0;
        if (c.coverage_4g) cov = *std::max_element(c.coverage_4g->begin(), c.coverage_4g->end());
        std::array<std::int64_t, kTechnologyCount> cap{};
        cap[int(Technology::CopperUpgrade)] = std::int64_t(std::floor(P.alternatives.copper_upgrade_share * double(below30)));
        cap[int(Technology::ThdRadio)] = std::min(c.thd_radio_premises, below30);
        cap[int(Technology::FourGFixe)] = std::int64_t(std::floor(P.alternatives.fourg_fixe_spare_share * cov * double(below30)));
        cap[int(Technology::Satellite)] = below30;
        // worst served first: below 3, then 3-8, then 8-30
        for (const auto& t : techs) {
          const int to = t.mbps >= 30 ? int(Band::ThdNonFtth) : t.mbps >= 8 ? int(Band::From8To30) : -1;
          for (int b = 0; b < 3 && cap[int(t.t)] > 0; ++b) {
            if (to >= 0 && b >= to) break;  // no gain for this band
            const std::int64_t take = std::min(cap[int(t.t)], bands[i][b]);
            if (take <= 0) continue;
            bands[i][b] -= take;
            if (to >= 0) bands[i][to] += take;
            cap[int(t.t)] -= take;
            alt[i][int(t.t)] += take;
            ys.alternatives_eur += double(take) * t.eur;
          }
        }
      }
    }
    results.communes.years.push_back(year);
    results.communes.states.push_back(bands);
    out.alternatives.push_back(alt);
    out.years.push_back(ys);
  }
}

}  // namespace dorsale::planner
