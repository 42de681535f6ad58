#include "planner/quantities.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include "models/technology.h"
#include "solvers/cost_mc.h"

namespace dorsale::planner {

int pm_count(std::int64_t premises, int min_premises) {
  if (premises <= 0) return 0;
  return int(std::max<std::int64_t>(1, premises / std::max(1, min_premises)));
}

int pm_count_mixed(std::int64_t plain, std::int64_t remote, int min_plain, int min_remote) {
  plain = std::max<std::int64_t>(0, plain), remote = std::max<std::int64_t>(0, remote);
  const std::int64_t mp = std::max(1, min_plain), mr = std::max(1, min_remote);
  if (plain + remote == 0) return 0;
  if (plain == 0) return int(std::max<std::int64_t>(1, remote / mr));
  // k zones hold the plain premises (each >= mp, topped up with remote premises when plain
  // alone cannot fill them; each needs one plain premises), the rest of the remote premises
  // make zones of >= mr. The count k + (remote left) / mr rises up to k = plain / mp, then
  // changes linearly (slope 1 - mp / mr, floored): its maximum is at one of these k.
  const std::int64_t k_max = std::min(plain, (plain + remote) / mp);
  std::int64_t best = 1;
  for (std::int64_t k : {plain / mp, (plain + mp - 1) / mp, k_max, std::int64_t(1)}) {
    if (k < 1 || k > k_max) continue;
    const std::int64_t left = remote - std::max<std::int64_t>(0, k * mp - plain);
    if (left >= 0) best = std::max(best, k + left / mr);
  }
  return int(best);
}

int collecte_planned_link(const Network& net, const RolloutResults::CollecteLink& c) {
  if (c.new_link) return -1;
  if (c.link < 0 || std::size_t(c.link) >= net.links().size() || net.links()[std::size_t(c.link)].status != LinkStatus::Planned)
    throw std::runtime_error(fmt::format("collecte link {}–{} built by the plan is no planned link", c.a, c.b));
  return c.link;
}

bool remote_offer(const Commune& c, const Parameters& P) {
  const auto rule = P.quantities.remote_offer;
  if (rule == param::RemoteOffer::All) return true;
  if (rule == param::RemoteOffer::None) return false;
  return c.premises() < P.rollout.dense_min_premises;  // non_dense
}

namespace {

bool is_private(const Commune& c) { return c.zone == Zone::Amii || c.zone == Zone::Amel; }

// The density class of a commune's public FttH (as planner/rollout.cpp prices it): its
// parameter key and unit cost.
std::pair<const char*, double> ftth_price(const Commune& c, const Parameters& P) {
  if (c.premises() >= P.rollout.dense_min_premises) return {"costs.ftth_dense_eur_per_premises", P.costs.ftth_dense_eur_per_premises};
  if (c.premises() >= P.rollout.intermediate_min_premises)
    return {"costs.ftth_intermediate_eur_per_premises", P.costs.ftth_intermediate_eur_per_premises};
  return {"costs.ftth_rural_eur_per_premises", P.costs.ftth_rural_eur_per_premises};
}

const char* alternative_key(Technology t) {
  switch (t) {
    case Technology::CopperUpgrade: return "alternatives.copper_upgrade_eur";
    case Technology::ThdRadio: return "alternatives.thd_radio_eur";
    case Technology::FourGFixe: return "alternatives.fourg_fixe_eur";
    case Technology::Satellite: return "alternatives.satellite_eur";
  }
  return "";
}

class Builder {
 public:
  Builder(const Region& R, const Parameters& P, const ScenarioResults& res) : R_(R), P_(P), res_(res) {
    for (const auto& y : res.rollout.years)
      for (const auto& d : R.departements) row(y.year, d.code);
    for (const auto& c : R.communes) dep_of_commune_[c.code] = c.departement;
  }

  void ftth() {
    const auto& base = res_.communes.states.front();
    // one group per NRO and year (its premises with a remote offer counted apart)
    std::map<std::tuple<int, std::string, std::string>, std::pair<std::int64_t, std::int64_t>> groups;  // -> plain, remote
    for (std::size_t i = 0; i < R_.communes.size(); ++i) {
      const Commune& c = R_.communes[i];
      const int year = res_.rollout.ftth_year[i];
      if (!in_plan(year)) continue;
      const std::int64_t added = c.premises() - base[i][int(Band::Ftth)];
      if (added <= 0) continue;
      auto& r = row(year, c.departement);
      if (is_private(c)) {
        r.premises_passed_private += added;
        const double eur = double(added) * P_.costs.ftth_private_eur_per_premises;
        r.private_ftth_eur += eur;
        add("costs.ftth_private_eur_per_premises", SpendKind::Private, eur);
      } else {
        r.premises_passed_public += added;
        const auto [key, price] = ftth_price(c, P_);
        const double eur = double(added) * price * (c.phase2 == Phase2::Dsp ? P_.rollout.dsp_public_share : 1.0);
        r.public_ftth_eur += eur;
        add(key, SpendKind::Public, eur);
      }
      const bool remote = remote_offer(c, P_);
      const std::string nro = c.nro.empty() || R_.network.nodes().empty() ? "commune:" + c.code : c.nro;
      auto& [plain, with_remote] = groups[{year, c.departement, nro}];
      (remote ? with_remote : plain) += added;
    }
    for (const auto& [key, split] : groups) {
      PmZoneGroup g;
      std::tie(g.year, g.departement, g.nro) = key;
      g.premises = split.first + split.second;
      g.premises_remote = split.second;
      g.min_premises = int(P_.quantities.pm_min_premises);
      g.min_premises_remote = int(P_.quantities.pm_min_premises_remote);
      g.pms = pm_count_mixed(split.first, split.second, g.min_premises, g.min_premises_remote);
      g.below_minimum = g.pms == 1 && g.premises < (split.first > 0 ? g.min_premises : g.min_premises_remote);  // one zone, too small
      row(g.year, g.departement).pms += g.pms;
      bill_.pm_zones.push_back(std::move(g));
    }
  }

  void collecte() {
    const auto& net = R_.network;
    for (const auto& c : res_.rollout.collecte) {
      const int a = *net.find_node(c.a), b = *net.find_node(c.b);
      const std::string& dep = net.node(a).departement.empty() ? net.node(b).departement : net.node(a).departement;
      auto& r = row(c.year, dep);
      double aerial = 0, duct = 0;
      int pairs = int(P_.network.rip_pairs);
      if (!c.new_link) {
        const Link& l = net.links()[collecte_planned_link(net, c)];
        aerial = c.km * l.aerial_share;
        duct = c.km * l.duct_share;
        pairs = l.pairs_total;
      }
      const double aerial_eur = aerial * P_.gracethd.aerial_build_eur_per_km, duct_eur = duct * P_.gracethd.duct_pull_eur_per_km;
      r.trench_km += c.km - aerial - duct;
      r.aerial_km += aerial;
      r.duct_km += duct;
      r.cable_km[int(cable_class_of_pairs(pairs))] += c.km;
      r.collecte_eur += c.cost;
      add("costs.build_eur_per_km", SpendKind::Public, c.cost - aerial_eur - duct_eur);
      add("gracethd.aerial_build_eur_per_km", SpendKind::Public, aerial_eur);
      add("gracethd.duct_pull_eur_per_km", SpendKind::Public, duct_eur);
    }
    for (std::size_t i = 0; i < net.nodes().size() && i < res_.rollout.nro_connected_year.size(); ++i)
      if (net.node(int(i)).kind == NodeKind::Nro && in_plan(res_.rollout.nro_connected_year[i]))
        row(res_.rollout.nro_connected_year[i], net.node(int(i)).departement).nros += 1;
  }

  void alternatives() {
    const auto& alt = res_.rollout.alternatives;
    const auto table = technology_table(P_);
    for (std::size_t y = 1; y < alt.size() && y - 1 < res_.rollout.years.size(); ++y) {
      const int year = res_.rollout.years[y - 1].year;
      for (std::size_t i = 0; i < R_.communes.size(); ++i)
        for (const auto& t : table) {
          const std::int64_t added = alt[y][i][int(t.technology)] - alt[y - 1][i][int(t.technology)];
          if (added <= 0) continue;
          auto& r = row(year, R_.communes[i].departement);
          const double eur = double(added) * t.unit_cost_eur;
          r.premises_alternatives += added;
          r.alternatives_eur += eur;
          add(alternative_key(t.technology), SpendKind::Alternatives, eur);
        }
    }
  }

  void masts(const TowersResult& t) {
    for (const auto& y : t.programme)
      for (std::size_t k = 0; k < y.sites.size() && k < y.site_build_eur.size(); ++k) {
        if (!(y.site_build_eur[k] > 0)) continue;  // an existing high point: no mast built
        const auto it = dep_of_commune_.find(y.site_communes[k]);
        auto& r = row(y.year, it == dep_of_commune_.end() ? std::string() : it->second);
        r.masts += 1;
        r.masts_eur += y.site_build_eur[k];
        add("mobile.candidate_build_eur", SpendKind::Masts, y.site_build_eur[k]);
      }
  }

  BillOfQuantities finish() {
    for (auto& [key, r] : rows_) bill_.rows.push_back(std::move(r));
    for (auto& [key, eur] : parts_) bill_.components.push_back({key.first, key.second, eur});
    return std::move(bill_);
  }

 private:
  bool in_plan(int year) const {
    return !res_.rollout.years.empty() && year >= res_.rollout.years.front().year && year <= res_.rollout.years.back().year;
  }
  QuantitiesRow& row(int year, const std::string& dep) {
    auto& r = rows_[{year, dep}];
    r.year = year;
    r.departement = dep;
    return r;
  }
  void add(const std::string& key, SpendKind kind, double eur) {
    if (eur != 0) parts_[{key, kind}] += eur;
  }

  const Region& R_;
  const Parameters& P_;
  const ScenarioResults& res_;
  std::map<std::string, std::string> dep_of_commune_;
  std::map<std::pair<int, std::string>, QuantitiesRow> rows_;
  std::map<std::pair<std::string, SpendKind>, double> parts_;
  BillOfQuantities bill_;
};

}  // namespace

BillOfQuantities bill_of_quantities(const Region& region, const Parameters& P, const ScenarioResults& results,
                                    const std::optional<TowersResult>& towers) {
  if (!results.rollout.planned || results.communes.states.empty())
    throw std::runtime_error("bills of quantities: the results carry no roll-out plan");
  Builder b(region, P, results);
  b.ftth();
  b.collecte();
  b.alternatives();
  if (towers) b.masts(*towers);
  return b.finish();
}

CostMonteCarlo cost_monte_carlo(const BillOfQuantities& bill, const Parameters& P, std::uint64_t seed, const ProgressCounter* progress) {
  solvers::CostMcInput in;
  in.components = bill.components;
  in.distribution = P.quantities.mc_distribution;
  in.draws = P.quantities.mc_draws;
  in.seed = seed;
  // every cost parameter with a range, in the registry's order (a fixed order of draws)
  for (const auto& s : Parameters::registry())
    if (s.has_range) in.ranges.push_back({s.key, P.number(s.key), s.low, s.high});
  const auto r = solvers::run_cost_mc(in, progress);
  if (r.status != solvers::CostMcStatus::Ok) throw std::runtime_error("cost Monte Carlo: " + r.message);
  return r.figures;
}

}  // namespace dorsale::planner
