// The roll-out's paced years (pace.model = ramp; solvers/pace.h): each département's private
// and public pace, the premises passed within it and within the year's budget.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/actuals.h"
#include "models/error.h"
#include "planner/rollout_state.h"

namespace dorsale::planner::rollout_state {

// The decimal year the region's FttH state is dated: pace.start_date, else the region's source
// date, else 31 December before the first year.
double pace_start(const RolloutInput& in) {
  const std::string text = plan_start_date(in.region, in.params, in.first_year);
  const Date d = parse_date(text);
  if (!is_valid(d)) throw InputError(in.origin, 0, "pace.start_date", fmt::format("'{}' is not a date (YYYY-MM-DD)", text));
  const double t = decimal_year(d);
  if (t > in.first_year + 1)
    throw InputError(in.origin, 0, "pace.start_date",
                     fmt::format("{} is after the end of the first plan year {}", text, in.first_year));
  return t;
}

Pace::Pace(const RolloutInput& in) : start(pace_start(in)) {
  const Parameters& P = in.params;
  shape = {P.pace.public_ramp_years, P.pace.tail_years};
  for (const auto& c : in.region.communes) {
    auto [it, fresh] = index.emplace(c.departement, int(rates.size()));
    if (fresh) {
      solvers::PaceRates r{P.pace.private_share_per_year, P.pace.public_share_per_year, P.pace.public_start_year,
                           double(P.pace.public_target_year)};
      if (auto o = P.pace_by_departement.find(c.departement); o != P.pace_by_departement.end()) {
        if (o->second.private_share_per_year >= 0) r.private_share = o->second.private_share_per_year;
        if (o->second.public_share_per_year >= 0) r.public_share = o->second.public_share_per_year;
        if (o->second.public_start_year >= 0) r.public_start = o->second.public_start_year;
        if (o->second.public_target_year >= 0) r.target_year = o->second.public_target_year;
      }
      rates.push_back(r);
      zone_premises.push_back({0, 0});
    }
    zone_premises[it->second][is_private(c) ? 0 : 1] += double(c.premises());
  }
}

// Premises still without FttH per département in zone z (0 private, 1 public).
std::vector<std::int64_t> zone_remaining(const Simulation& sim, const Pace& pace, int z) {
  std::vector<std::int64_t> rem(pace.rates.size(), 0);
  for (std::size_t i = 0; i < sim.R.communes.size(); ++i)
    if ((is_private(sim.R.communes[i]) ? 0 : 1) == z) rem[pace.index.at(sim.R.communes[i].departement)] += sim.remaining(i);
  return rem;
}

// The private operators' year: each département's private pace spread over its private
// communes in proportion to what each has left (the commune's share rounded up, in commune
// order, until the pace is used).
void deploy_private_paced(Simulation& sim, const Pace& pace, YearSummary& ys) {
  const auto rem = zone_remaining(sim, pace, 0);
  std::vector<std::int64_t> left(rem.size());
  std::vector<double> share(rem.size(), 0.0);  // of what each commune has left
  for (std::size_t d = 0; d < rem.size(); ++d) {
    left[d] = pace.capacity(int(d), 0, ys.year, rem[d]);
    share[d] = rem[d] > 0 ? double(left[d]) / double(rem[d]) : 0.0;
  }
  const auto& net = sim.R.network;
  for (std::size_t i = 0; i < sim.R.communes.size(); ++i) {
    const Commune& c = sim.R.communes[i];
    if (!is_private(c) || sim.remaining(i) == 0) continue;
    const int d = pace.index.at(c.departement);
    if (left[d] <= 0) continue;
    const std::int64_t want = std::min(left[d], std::int64_t(std::ceil(share[d] * double(sim.remaining(i)) - 1e-9)));
    const std::int64_t added = sim.give_ftth_part(i, want, ys.year);
    left[d] -= added;
    ys.ftth_premises_added += added;
    ys.private_premises_added += added;
    ys.private_spend_eur += double(added) * sim.P.costs.ftth_private_eur_per_premises;
    if (added > 0 && !net.nodes().empty() && !c.nro.empty()) {
      const int node = *net.find_node(c.nro);
      if (sim.out.nro_connected_year[node] < 0) sim.out.nro_connected_year[node] = ys.year;
    }
  }
}

// The RIPs' year: the public units in the optimiser's order (its year, then unplanned last),
// each département within its pace, everything within the year's budget (a unit's NRO
// connection at its standalone estimate, then one collecte tree for the NROs opened); a unit
// may be passed in part (its cost pro rata of premises).
void deploy_public_paced(Simulation& sim, CollecteState& cs, const PublicDeployment& pd, const Pace& pace,
                         const std::vector<int>& order, YearSummary& ys) {
  const auto rem = zone_remaining(sim, pace, 1);
  std::vector<std::int64_t> left(rem.size());
  for (std::size_t d = 0; d < rem.size(); ++d) left[d] = pace.capacity(int(d), 1, ys.year, rem[d]);
  double money = ys.budget_eur - ys.public_spend_eur;
  std::vector<int> opening;
  std::vector<char> waiting(rem.size(), 0);
  for (int u : order) {
    const std::size_t i = std::size_t(pd.commune_of_unit[u]);
    const std::int64_t r = sim.remaining(i);
    if (r == 0) continue;
    const int d = pace.index.at(sim.R.communes[i].departement);
    if (left[d] <= 0) {
      waiting[d] = 1;
      continue;
    }
    const auto& unit = pd.dp.units[u];
    const int g = unit.group;
    const int node = g < 0 ? -1 : pd.node_of_group[g];
    const bool needs = node >= 0 && !cs.connected[node] && std::find(opening.begin(), opening.end(), node) == opening.end();
    const double connect = needs ? cs.estimate[node] : 0.0;
    const double initial = double(sim.R.communes[i].premises() - sim.R.communes[i].band(Band::Ftth));
    const double per_premises = initial > 0 ? unit.cost / initial : 0.0;
    std::int64_t k = std::min(r, left[d]);
    if (!(money - connect >= 0)) k = 0;
    else if (per_premises > 0) k = std::min<std::int64_t>(k, std::int64_t(std::floor((money - connect) / per_premises + 1e-9)));
    if (k <= 0) {
      ys.budget_bound = true;
      continue;
    }
    if (needs) {
      opening.push_back(node);
      money -= connect;
    }
    const std::int64_t added = sim.give_ftth_part(i, k, ys.year);
    left[d] -= added;
    money -= double(added) * per_premises;
    ys.public_spend_eur += double(added) * per_premises;
    ys.ftth_premises_added += added;
    ys.public_premises_added += added;
    if (node >= 0 && cs.connected[node] && sim.out.nro_connected_year[node] < 0) sim.out.nro_connected_year[node] = ys.year;
  }
  for (std::size_t d = 0; d < rem.size(); ++d) ys.pace_bound = ys.pace_bound || (waiting[d] && left[d] <= 0);
  if (opening.empty()) return;
  auto design = cs.designer.connect(cs.connected, cs.built, opening);
  if (design.steiner.status == solvers::SteinerStatus::Infeasible)
    throw std::runtime_error(fmt::format("year {}: an opened NRO cannot be connected to the network", ys.year));
  apply_collecte(sim, cs, design, opening, ys);
}

}  // namespace dorsale::planner::rollout_state
