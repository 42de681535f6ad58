#include "regions/load_region.h"

#include <fmt/format.h>

#include <cstdint>

#include "io/gracethd.h"
#include "io/opendata.h"
#include "models/error.h"
#include "regions/builtin_region.h"
#include "regions/network_rules.h"

namespace dorsale::scenarios {

Region load_region(const Scenario& s) {
  Region r;
  if (s.region.kind == RegionSource::Kind::Builtin) {
    r = build_builtin_region(s.params, s.seed);
  } else {
    OpenDataFiles files = s.region.opendata_dir.empty() ? OpenDataFiles{} : locate_opendata(s.region.opendata_dir);
    const auto& o = s.region.files;  // files named one by one override the directory's
    if (!o.commune_polygons.empty()) files.commune_polygons = o.commune_polygons;
    if (!o.arcep_communes.empty()) files.arcep_communes = o.arcep_communes;
    if (!o.arcep_ftth.empty()) files.arcep_ftth = o.arcep_ftth;
    if (!o.insee_population.empty()) files.insee_population = o.insee_population;
    if (!o.insee_mergers.empty()) files.insee_mergers = o.insee_mergers;
    if (!o.mobile_sites.empty()) files.mobile_sites = o.mobile_sites;
    if (!o.insee_departements.empty()) files.insee_departements = o.insee_departements;
    r = import_opendata(files, s.params);
    r.provenance.source = "opendata:" + (s.region.opendata_dir.empty() ? std::string("files") : s.region.opendata_dir);
    if (s.region.network_plan.kind != RegionSource::NetworkPlanChoice::Kind::None && r.network.nodes().empty()) {
      derive_network(r, network_plan_for(s.region.network_plan, r, s.params), s.params, s.seed);
      validate(r);
    }
  }
  if (!s.network.path.empty()) {
    use_network(r, read_scenario_network(s));
  }
  r.name = s.name;
  for (const auto& c : s.commitments) {
    auto i = r.find_commune(c.commune);
    if (!i) throw InputError(s.file, c.line, "commitments.commune", fmt::format("unknown commune code '{}'", c.commune));
    Commune& com = r.communes[*i];
    if (com.zone == Zone::Rip || com.zone == Zone::Unknown) {
      com.zone = Zone::Amel;
      com.phase2 = Phase2::Amel;
      com.phase2_premises = com.premises();
    }
    com.ftth_plan = FtthPlan{c.year, c.actor.empty() ? "private (scenario commitment)" : c.actor};
  }
  return r;
}

void fit_budgets(Scenario& s, Region& region) {
  if (s.region.kind != RegionSource::Kind::OpenData || s.budgets_given) return;
  auto& B = s.params.budgets;
  std::int64_t premises = 0;
  for (const auto& c : region.communes) premises += c.premises();
  const double share = double(premises) / double(B.reference_premises);
  if (B.scale == param::BudgetScale::None) {
    region.provenance.derived.push_back(fmt::format(
        "budgets: the default budgets.public_eur_per_year, unscaled (budgets.scale = none), for {} premises where they are "
        "sized for {} (budgets.reference_premises)", premises, B.reference_premises));
    return;
  }
  if (B.scale == param::BudgetScale::Refuse) {
    if (premises == B.reference_premises) return;
    throw InputError(s.file, 0, "budgets.scale",
                     fmt::format("the region has {} premises, {:.1f} % of the {} the default budgets.public_eur_per_year are "
                                 "sized for (budgets.reference_premises): give the region's budgets.public_eur_per_year, or "
                                 "set budgets.scale = \"premises_share\"",
                                 premises, 100 * share, B.reference_premises));
  }
  if (premises == B.reference_premises) return;
  for (double& b : B.public_eur_per_year) b *= share;
  region.provenance.derived.push_back(fmt::format(
      "budgets: the default budgets.public_eur_per_year x {:.4f}, the region's share of premises ({} / budgets.reference_premises "
      "{}; budgets.scale = premises_share)", share, premises, B.reference_premises));
}

}  // namespace dorsale::scenarios
