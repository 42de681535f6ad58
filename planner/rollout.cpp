#include "planner/rollout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "models/actuals.h"
#include "models/error.h"
#include "solvers/alternatives.h"
#include "solvers/collecte.h"
#include "solvers/deployment.h"
#include "solvers/pace.h"
#include "io/spelling.h"
#include "planner/rollout_state.h"

namespace dorsale::planner {

namespace rollout_state {

double ftth_cost_per_premises(const Commune& c, const Parameters& P) {
  if (c.premises() >= P.rollout.dense_min_premises) return P.costs.ftth_dense_eur_per_premises;
  if (c.premises() >= P.rollout.intermediate_min_premises) return P.costs.ftth_intermediate_eur_per_premises;
  return P.costs.ftth_rural_eur_per_premises;
}

// The years of the plan; throws when the budget series does not match them.
int plan_years(const RolloutInput& in) {
  const int Y = in.last_year - in.first_year + 1;
  const auto& budget = in.params.budgets.public_eur_per_year;
  if (int(budget.size()) != Y)
    throw InputError(in.origin, 0, "budgets.public_eur_per_year",
                     fmt::format("gives {} values for the {} years {}–{}", budget.size(), Y, in.first_year, in.last_year));
  return Y;
}

// Baseline of the network: the nodes connected before the plan.
void record_connected_at_start(const Network& net, const CollecteState& cs, RolloutResults& out) {
  out.nro_connected_year.assign(net.nodes().size(), -1);
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (cs.connected[i]) out.nro_connected_year[i] = 0;
}

PublicDeployment build_public_problem(const RolloutInput& in, int Y, const CollecteState& cs) {
  const Region& R = in.region;
  const Parameters& P = in.params;
  const auto& net = R.network;
  PublicDeployment pd;
  solvers::DeploymentProblem& dp = pd.dp;
  dp.years = Y;
  dp.budget = P.budgets.public_eur_per_year;
  std::vector<int> group_of_node(net.nodes().size(), -1);
  const double w8 = P.rollout.weight_below8, wo = P.rollout.weight_other;
  for (std::size_t i = 0; i < R.communes.size(); ++i) {
    const Commune& c = R.communes[i];
    const std::int64_t remaining = c.premises() - c.band(Band::Ftth);
    if (is_private(c) || remaining <= 0) continue;
    solvers::DeploymentProblem::Unit u;
    u.cost = double(remaining) * ftth_cost_per_premises(c, P) * (c.phase2 == Phase2::Dsp ? P.rollout.dsp_public_share : 1.0);
    const std::int64_t below8 = c.band(Band::Below3) + c.band(Band::From3To8);
    const double w = w8 * double(below8) + wo * double(remaining - below8);
    for (int y = 0; y < Y; ++y) u.value.push_back(w * double(Y - y));  // premises-years served to the horizon
    if (cs.has_network && !c.nro.empty()) {
      const int node = *net.find_node(c.nro);
      if (!cs.connected[node]) {
        if (group_of_node[node] < 0) {
          group_of_node[node] = int(dp.groups.size());
          pd.node_of_group.push_back(node);
          dp.groups.push_back({std::isfinite(cs.estimate[node]) ? cs.estimate[node] : 1e18, false});
        }
        u.group = group_of_node[node];
      }
    }
    pd.commune_of_unit.push_back(int(i));
    dp.units.push_back(std::move(u));
  }
  return pd;
}

// Times the public deployments (heuristic or exact MILP) and records the optimiser's report.
void optimise_public_deployment(const Parameters& P, PublicDeployment& pd, RolloutResults& out, ProgressSink* progress) {
  if (P.rollout.optimiser == param::RolloutOptimiser::Exact) {
    // percent: the share of the time limit used (CBC gives no gap from its C interface, solvers/mip.h)
    const ProgressCounter count(progress, "roll-out optimiser: exact MILP (CBC) percent", solvers::kMipProgressTotal);
    pd.plan = solvers::plan_deployment_exact(pd.dp, solvers::MipBackend::Cbc, P.rollout.exact_time_limit_s, &count);
  } else {
    const ProgressCounter count(progress, "roll-out optimiser: steps", solvers::kDeploymentHeuristicSteps);
    pd.plan = solvers::plan_deployment_heuristic(pd.dp, 300, 15'000'000, int(P.rollout.window_max_units), int(P.rollout.window_max_nodes), &count);
  }
  const auto& plan = pd.plan;
  if (plan.status != MipStatus::Optimal && plan.status != MipStatus::Feasible)
    throw std::runtime_error(fmt::format("the roll-out optimiser found no plan ({})", io::spell(plan.status)));
  out.optimiser = plan.method;
  out.optimiser_status = plan.status;
  out.objective = plan.objective;
  out.bound = plan.bound;
  out.gap = plan.gap;
  out.optimiser_seconds = plan.seconds;
}

// The baseline: the bands of the region, no alternative, FttH years of complete communes.
Simulation::Simulation(const RolloutInput& in_, ScenarioResults& results_)
    : in(in_), R(in_.region), P(in_.params), results(results_), out(results_.rollout) {
  const std::size_t N = R.communes.size();
  bands.resize(N);
  for (std::size_t i = 0; i < N; ++i) bands[i] = R.communes[i].premises_by_band;
  alt.assign(N, std::array<std::int64_t, kTechnologyCount>{});
  out.ftth_year.assign(N, 0);
  for (std::size_t i = 0; i < N; ++i)
    if (bands[i][int(Band::Ftth)] == R.communes[i].premises()) out.ftth_year[i] = in.first_year - 1;  // before the plan
  results.communes.years = {in.first_year - 1};
  results.communes.states = {bands};
  out.alternatives = {alt};
}

std::int64_t Simulation::give_ftth(std::size_t i, int year) {
  const std::int64_t before = bands[i][int(Band::Ftth)];
  bands[i] = {0, 0, 0, 0, R.communes[i].premises()};
  alt[i] = {};
  out.ftth_year[i] = year;
  return R.communes[i].premises() - before;
}

std::int64_t Simulation::give_ftth_part(std::size_t i, std::int64_t k, int year) {
  k = std::min(k, remaining(i));
  if (k <= 0) return 0;
  if (k == remaining(i)) return give_ftth(i, year);
  std::int64_t left = k;
  for (int b = 0; b < int(Band::Ftth) && left > 0; ++b) {
    const std::int64_t take = std::min(left, bands[i][b]);
    bands[i][b] -= take;
    left -= take;
  }
  bands[i][int(Band::Ftth)] += k;
  // the alternatives' premises stay within the premises without FttH
  std::int64_t excess = -remaining(i);
  for (auto v : alt[i]) excess += v;
  for (auto& v : alt[i]) {
    const std::int64_t cut = std::min(v, std::max<std::int64_t>(0, excess));
    v -= cut;
    excess -= cut;
  }
  return k;
}

void Simulation::close_year(const YearSummary& ys) {
  results.communes.years.push_back(ys.year);
  results.communes.states.push_back(bands);
  out.alternatives.push_back(alt);
  out.years.push_back(ys);
}

// Private AMII / AMEL commitments due this year (with the slippage), each with its
// operator's own collecte.
void deploy_private(Simulation& sim, YearSummary& ys) {
  const auto& net = sim.R.network;
  const int slip = int(sim.P.rollout.private_slippage_years);
  for (std::size_t i = 0; i < sim.R.communes.size(); ++i) {
    const Commune& c = sim.R.communes[i];
    if (!is_private(c) || sim.out.ftth_year[i] != 0 || c.ftth_plan.year == 0) continue;
    const int due = std::max(sim.in.first_year, c.ftth_plan.year + slip);
    if (due != ys.year) continue;
    const std::int64_t added = sim.give_ftth(i, ys.year);
    ys.ftth_premises_added += added;
    ys.private_spend_eur += double(added) * sim.P.costs.ftth_private_eur_per_premises;
    if (!net.nodes().empty() && !c.nro.empty()) {
      const int node = *net.find_node(c.nro);
      if (sim.out.nro_connected_year[node] < 0) sim.out.nro_connected_year[node] = ys.year;
    }
  }
}

// Adds a collecte design built in `ys.year` to the network and to the year's figures: its
// links are built, its nodes (and what built links now reach) join the connected set, the
// `opening` NROs are connected this year.
void apply_collecte(Simulation& sim, CollecteState& cs, const solvers::CollecteDesigner::Design& design,
                    const std::vector<int>& opening, YearSummary& ys) {
  const auto& net = sim.R.network;
  for (const auto& e : design.edges) {
    if (e.link >= 0) cs.built[e.link] = 1;
    if (e.cost > 0) sim.out.collecte.push_back({ys.year, net.node(e.a).id, net.node(e.b).id, e.km, e.cost, e.link < 0, e.link});
  }
  // the tree's nodes join the connected set
  for (const auto& e : design.edges) cs.connected[e.a] = cs.connected[e.b] = 1;
  for (int node : opening) {
    cs.connected[node] = 1;
    if (sim.out.nro_connected_year[node] < 0) sim.out.nro_connected_year[node] = ys.year;
  }
  // new links make more nodes reachable through built links
  auto reach = cs.designer.connected_nodes(cs.built);
  for (std::size_t i = 0; i < reach.size(); ++i) cs.connected[i] = cs.connected[i] || reach[i];
  ys.collecte_eur += design.cost;
  ys.collecte_km += design.km;
  ys.nros_opened += int(opening.size());
  ys.public_spend_eur += design.cost;
}

// The collecte Steiner tree for the NROs the plan opens in year index y (those an earlier
// year's repair pass has not connected already).
void build_collecte(Simulation& sim, CollecteState& cs, const PublicDeployment& pd, int y, YearSummary& ys) {
  std::vector<int> opening;
  for (std::size_t g = 0; g < pd.dp.groups.size(); ++g) {
    if (pd.plan.group_year[g] != y) continue;
    const int node = pd.node_of_group[g];
    if (!cs.connected[node]) opening.push_back(node);
    else if (sim.out.nro_connected_year[node] < 0) sim.out.nro_connected_year[node] = ys.year;  // an earlier tree reached it
  }
  if (opening.empty()) return;
  auto design = cs.designer.connect(cs.connected, cs.built, opening);
  if (design.steiner.status == solvers::SteinerStatus::Infeasible)
    throw std::runtime_error(fmt::format("year {}: an opened NRO cannot be connected to the network", ys.year));
  apply_collecte(sim, cs, design, opening, ys);
}

// The public FttH deployments the plan times in year index y (those the repair pass has not
// brought forward).
void deploy_public(Simulation& sim, const PublicDeployment& pd, int y, YearSummary& ys) {
  for (std::size_t u = 0; u < pd.dp.units.size(); ++u) {
    if (pd.plan.unit_year[u] != y) continue;
    ys.ftth_premises_added += sim.give_ftth(std::size_t(pd.commune_of_unit[u]), ys.year);
    ys.public_spend_eur += pd.dp.units[u].cost;
  }
}

// The repair pass: the optimiser plans with each NRO's standalone connection cost, and the
// shared collecte tree finally built costs less, so a year can end with budget left while
// communes wait. Year index y spends what it has left on waiting public communes (planned
// for a later year, or for none), each paying its FttH plus the collecte it really needs
// now (its NRO joined to the network built so far, 0 when already connected): largest value
// gain per euro first, until no waiting commune fits in what is left.
class Repair {
 public:
  Repair(Simulation& sim, CollecteState& cs, PublicDeployment& pd, int y) : sim_(sim), cs_(cs), pd_(pd), y_(y) {}

  void run(YearSummary& ys) {
    std::vector<char> refused(pd_.dp.units.size(), 0);
    for (;;) {
      const double left = ys.budget_eur - ys.public_spend_eur;
      if (!(left > 0)) return;
      if (dirty_) marginal_ = cs_.has_network ? cs_.designer.connection_costs(cs_.connected, cs_.built) : std::vector<double>{};
      dirty_ = false;
      const int u = best_affordable(left, refused);
      if (u < 0) return;
      if (!bring_forward(u, left, ys)) refused[u] = 1;
    }
  }

 private:
  // The NRO node a unit still needs connected, or -1.
  int node_needed(int u) const {
    const int g = pd_.dp.units[u].group;
    if (g < 0) return -1;
    const int node = pd_.node_of_group[g];
    return cs_.connected[node] ? -1 : node;
  }
  // FttH + marginal collecte of unit u now (+inf when its NRO cannot be reached).
  double cost_now(int u) const {
    const int node = node_needed(u);
    return pd_.dp.units[u].cost + (node < 0 ? 0.0 : marginal_[node]);
  }
  int best_affordable(double left, const std::vector<char>& refused) const {
    int best = -1;
    double best_ratio = -1;
    for (std::size_t u = 0; u < pd_.dp.units.size(); ++u) {
      const int cur = pd_.plan.unit_year[u];
      if (refused[u] || (cur >= 0 && cur <= y_)) continue;
      const double c = cost_now(int(u));
      if (!(c <= left + 1e-6)) continue;
      const auto& value = pd_.dp.units[u].value;
      const double gain = value[y_] - (cur >= 0 ? value[cur] : 0.0);
      if (gain <= 0) continue;
      const double ratio = gain / std::max(1e-9, c);
      if (ratio > best_ratio) {
        best_ratio = ratio;
        best = int(u);
      }
    }
    return best;
  }
  // Connects unit u's NRO when needed and gives the commune FttH this year; false when the
  // connection actually designed does not fit in what is left.
  bool bring_forward(int u, double left, YearSummary& ys) {
    const auto& unit = pd_.dp.units[u];
    if (const int node = node_needed(u); node >= 0) {
      auto design = cs_.designer.connect(cs_.connected, cs_.built, {node});
      if (design.steiner.status == solvers::SteinerStatus::Infeasible || unit.cost + design.cost > left + 1e-6) return false;
      apply_collecte(sim_, cs_, design, {node}, ys);
      dirty_ = true;
    } else if (unit.group >= 0) {
      // its NRO joined the network through an earlier tree: in service from this year
      auto& year = sim_.out.nro_connected_year[pd_.node_of_group[unit.group]];
      if (year < 0) year = ys.year;
    }
    pd_.plan.unit_year[u] = y_;
    ys.ftth_premises_added += sim_.give_ftth(std::size_t(pd_.commune_of_unit[u]), ys.year);
    ys.public_spend_eur += unit.cost;
    return true;
  }

  Simulation& sim_;
  CollecteState& cs_;
  PublicDeployment& pd_;
  const int y_;
  bool dirty_ = true;
  std::vector<double> marginal_;
};

// The optimiser's order of the public units: by planned year, unplanned last, then unit index.
std::vector<int> public_order(const PublicDeployment& pd) {
  std::vector<int> order(pd.dp.units.size());
  std::iota(order.begin(), order.end(), 0);
  auto year = [&](int u) { return pd.plan.unit_year[u] < 0 ? 1 << 20 : pd.plan.unit_year[u]; };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return year(a) < year(b); });
  return order;
}

// The alternatives problem of the parameters: the four technologies with their cost, speed
// and capacity rule, and the communes' current bands.
solvers::AlternativesProblem alternatives_problem(const Simulation& sim) {
  solvers::AlternativesProblem p;
  for (const auto& t : technology_table(sim.P))
    p.options.push_back({t.technology, t.unit_cost_eur, t.speed_mbps, t.share, t.scaled_by_4g_coverage, t.limited_to_radio_footprint});
  for (std::size_t i = 0; i < sim.R.communes.size(); ++i) {
    const Commune& c = sim.R.communes[i];
    solvers::AlternativesProblem::Commune pc;
    for (int b = 0; b < 4; ++b) pc.bands[b] = sim.bands[i][b];
    if (c.coverage_4g) pc.coverage_4g = *std::max_element(c.coverage_4g->begin(), c.coverage_4g->end());
    pc.radio_footprint = c.thd_radio_premises;
    p.communes.push_back(pc);
  }
  return p;
}

// Alternatives for the THD target, in the alternatives year.
void deploy_alternatives(Simulation& sim, YearSummary& ys) {
  const solvers::AlternativesProblem p = alternatives_problem(sim);
  const solvers::AlternativesPlan plan = solvers::allocate_alternatives(p);
  if (plan.status != solvers::AlternativesStatus::Ok)
    throw std::runtime_error("the alternatives allocator rejected its input: " + plan.message);
  for (std::size_t i = 0; i < p.communes.size(); ++i) {
    for (int b = 0; b < 4; ++b) sim.bands[i][b] = plan.bands[i][b];
    for (std::size_t k = 0; k < p.options.size(); ++k) sim.alt[i][int(p.options[k].technology)] += plan.premises[i][k];
  }
  ys.alternatives_eur += plan.cost_eur;
}

}  // namespace rollout_state

using namespace rollout_state;

std::string plan_start_date(const Region& region, const Parameters& params, int first_year) {
  if (!params.pace.start_date.empty()) return params.pace.start_date;
  if (!region.provenance.state_date.empty()) return region.provenance.state_date;
  return to_string(Date{first_year - 1, 12, 31});
}

void plan_rollout(const RolloutInput& in, ScenarioResults& results) {
  const int Y = plan_years(in);
  auto& out = results.rollout;
  out = RolloutResults{};
  out.planned = true;
  out.start_date = plan_start_date(in.region, in.params, in.first_year);
  CollecteState cs(in.region.network, in.params);
  record_connected_at_start(in.region.network, cs, out);
  PublicDeployment pd = build_public_problem(in, Y, cs);
  optimise_public_deployment(in.params, pd, out, in.progress);
  Simulation sim(in, results);
  const bool paced = in.params.pace.model == param::PaceModel::Ramp;
  std::optional<Pace> pace;
  std::vector<int> order;
  if (paced) {
    pace.emplace(in);
    order = public_order(pd);
  }
  for (int y = 0; y < Y; ++y) {
    YearSummary ys;
    ys.year = in.first_year + y;
    ys.budget_eur = in.params.budgets.public_eur_per_year[y];
    if (paced) {
      ys.pace_limited = true;
      deploy_private_paced(sim, *pace, ys);
      deploy_public_paced(sim, cs, pd, *pace, order, ys);
    } else {
      deploy_private(sim, ys);
      build_collecte(sim, cs, pd, y, ys);  // public: collecte for the NROs opened this year,
      deploy_public(sim, pd, y, ys);       // then the communes,
      if (in.repair) Repair(sim, cs, pd, y).run(ys);  // then what is left on waiting communes
    }
    if (in.params.alternatives.year == ys.year) deploy_alternatives(sim, ys);
    sim.close_year(ys);
  }
}

}  // namespace dorsale::planner
