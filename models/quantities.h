#pragma once
// Bills of quantities of a plan (planner/quantities.h derives them from what the plan builds;
// io/quantities_writer.h writes quantities.csv and cost_mc.csv) and the cost Monte Carlo's
// figures (solvers/cost_mc.h).
#include <cstdint>
#include <string>
#include <vector>

#include "models/parameters.h"

namespace dorsale {

// Capacity classes of the collecte cables built (by fibres: 2 x pairs).
enum class CableClass { UpTo24, From25To144, Over144 };
inline constexpr int kCableClassCount = 3;
inline CableClass cable_class_of_pairs(int pairs) {
  const int fibres = 2 * pairs;
  return fibres <= 24 ? CableClass::UpTo24 : fibres <= 144 ? CableClass::From25To144 : CableClass::Over144;
}

// One year and one département of a plan: what it builds and what that costs at the plan's
// prices (the scenario's parameters).
struct QuantitiesRow {
  int year = 0;
  std::string departement;  // code; "" for network nodes outside every département
  std::int64_t premises_passed_public = 0, premises_passed_private = 0;  // FttH completed this year
  std::int64_t premises_alternatives = 0;  // premises given an alternative (copper upgrade, THD radio, 4G fixe, satellite)
  double trench_km = 0, aerial_km = 0, duct_km = 0;  // collecte built: new trench, aerial, cable pulled in reused duct
  // NROs brought into service this year (quantities.csv `nros_in_service`): the year each NRO
  // first serves premises, through a collecte tree the public plan builds, a tree built earlier
  // that reaches it, or a private deployment behind it. Not summary.json's `nros_opened`, which
  // counts only the NROs a new public collecte tree connects that year.
  int nros = 0;
  int pms = 0;    // PMs (sharing points) of the premises passed, by the ARCEP zone-size rule
  double cable_km[kCableClassCount] = {0, 0, 0};  // collecte cable-km by capacity class
  int masts = 0;  // new masts of the towers programme
  double public_ftth_eur = 0, collecte_eur = 0, private_ftth_eur = 0, alternatives_eur = 0, masts_eur = 0;

  // Adds the quantities and spends of `r` (year and département are kept).
  QuantitiesRow& operator+=(const QuantitiesRow& r) {
    premises_passed_public += r.premises_passed_public;
    premises_passed_private += r.premises_passed_private;
    premises_alternatives += r.premises_alternatives;
    trench_km += r.trench_km;
    aerial_km += r.aerial_km;
    duct_km += r.duct_km;
    nros += r.nros;
    pms += r.pms;
    for (int k = 0; k < kCableClassCount; ++k) cable_km[k] += r.cable_km[k];
    masts += r.masts;
    public_ftth_eur += r.public_ftth_eur;
    collecte_eur += r.collecte_eur;
    private_ftth_eur += r.private_ftth_eur;
    alternatives_eur += r.alternatives_eur;
    masts_eur += r.masts_eur;
    return *this;
  }

  std::int64_t premises_passed() const { return premises_passed_public + premises_passed_private; }
  // FttH works and collecte (public and private) per premises passed (0 when none)
  double eur_per_premises_passed() const {
    const auto n = premises_passed();
    return n > 0 ? (public_ftth_eur + collecte_eur + private_ftth_eur) / double(n) : 0.0;
  }
  // The plan models no subscriptions: a premises "connected" is one given a >= 30 Mbit/s service
  // this year (FttH passed or an alternative installed); FttH, collecte and alternatives per such
  // premises (0 when none).
  double eur_per_premises_connected() const {
    const auto n = premises_passed() + premises_alternatives;
    return n > 0 ? (public_ftth_eur + collecte_eur + private_ftth_eur + alternatives_eur) / double(n) : 0.0;
  }
};

// The PM zones of the premises passed together behind one NRO in one year: `premises`, of which
// `premises_remote` in communes with a remote-connection offer, split into `pms` zones
// (planner::pm_count_mixed: zones of at least `min_premises`, or `min_premises_remote` for the
// remote-offer part), except a group too small for one zone, which is one zone
// (`below_minimum`: fewer premises than the minimum of its zone, `min_premises` when any of its
// premises has no remote offer).
struct PmZoneGroup {
  int year = 0;
  std::string departement, nro;  // nro: node id, or "commune:<code>" without a network
  std::int64_t premises = 0, premises_remote = 0;
  int min_premises = 0, min_premises_remote = 0;
  int pms = 0;
  bool below_minimum = false;
};

// One cost of the plan at the plan's prices, scaled in the Monte Carlo by the draw of its
// parameter over the scenario's value.
enum class SpendKind { Public, Private, Alternatives, Masts };
struct CostComponent {
  std::string parameter;  // registry key of its unit price
  SpendKind kind = SpendKind::Public;
  double eur = 0;
};

struct BillOfQuantities {
  std::vector<QuantitiesRow> rows;  // by year, then département code
  std::vector<PmZoneGroup> pm_zones;
  std::vector<CostComponent> components;  // the plan's spend, by unit price
};

// P10 / P50 / P90 of one spend of a scenario over the cost draws, and its value at the plan's prices.
struct SpendQuantiles {
  std::string measure;  // "public", "total", "masts"
  double plan_eur = 0, p10 = 0, p50 = 0, p90 = 0;
};
struct CostMonteCarlo {
  param::McDistribution distribution = param::McDistribution::Triangular;
  long draws = 0;
  std::uint64_t seed = 0;
  std::vector<SpendQuantiles> spends;
};

}  // namespace dorsale
