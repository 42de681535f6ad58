#include "models/region.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "models/error.h"

namespace dorsale {

std::optional<int> Region::find_commune(const std::string& code) const {
  // Communes are few enough per call site that callers index once; a linear scan here keeps
  // Region a plain aggregate.
  for (std::size_t i = 0; i < communes.size(); ++i)
    if (communes[i].code == code) return static_cast<int>(i);
  return std::nullopt;
}

RegionTotals compute_totals(const Region& r) {
  RegionTotals t;
  t.communes = static_cast<std::int64_t>(r.communes.size());
  bool any_coverage = true, any_white = true, any_radio = false;
  std::array<std::int64_t, 3> p2{};
  std::array<double, kOperatorCount> covered_pop{};
  double white = 0;
  for (const auto& c : r.communes) {
    t.population += c.population;
    t.dwellings += c.dwellings;
    t.business_sites += c.business_sites;
    t.premises += c.premises();
    t.ftth_passed += c.ftth_passed;
    for (int b = 0; b < kBandCount; ++b) t.bands[b] += c.premises_by_band[b];
    t.zones[static_cast<int>(c.zone)] += c.premises();
    if (c.phase2 != Phase2::None) {
      p2[static_cast<int>(c.phase2) - 1] += c.phase2_premises;
    }
    if (c.thd_radio_premises > 0) {
      any_radio = true;
      t.thd_radio_communes = t.thd_radio_communes.value_or(0) + 1;
      t.thd_radio_premises = t.thd_radio_premises.value_or(0) + c.thd_radio_premises;
    }
    if (c.coverage_4g) {
      for (int o = 0; o < kOperatorCount; ++o) covered_pop[o] += (*c.coverage_4g)[o] * c.population;
    } else {
      any_coverage = false;
    }
    if (c.white_zone_share)
      white += *c.white_zone_share * c.premises();
    else
      any_white = false;
    if (c.population < 500) ++t.communes_under_500;
    if (c.rural) t.rural_population += c.population;
    t.premises_by_departement[c.departement] += c.premises();
  }
  auto missing = [&](const char* field) {
    const auto& m = r.provenance.missing;
    return std::find(m.begin(), m.end(), field) != m.end();
  };
  if (!missing("phase2")) t.phase2 = p2;
  if (missing("thd_radio")) {
    t.thd_radio_communes.reset();
    t.thd_radio_premises.reset();
  } else if (!any_radio) {
    t.thd_radio_communes = 0;
    t.thd_radio_premises = 0;
  }
  t.amel_known = !missing("zones.amel");
  if (any_coverage && !r.communes.empty() && t.population > 0) {
    std::array<double, kOperatorCount> pct{};
    for (int o = 0; o < kOperatorCount; ++o) pct[o] = 100.0 * covered_pop[o] / double(t.population);
    t.coverage_by_operator = pct;
  }
  if (any_white && !r.communes.empty()) t.white_zone_premises = std::llround(white);
  for (const auto& h : r.high_points) {
    if (!h.existing) continue;
    t.sites_known = true;
    for (int o = 0; o < kOperatorCount; ++o) t.sites_by_operator[o] += h.sites[o];
  }
  if (!r.network.links().empty()) t.dorsale_km = r.network.dorsale_km();
  t.external_hubs = r.network.external_hub_names();
  return t;
}

void validate(const Region& r) {
  std::set<std::string> deps, codes;
  for (const auto& d : r.departements) deps.insert(d.code);
  for (const auto& c : r.communes) {
    validate(c);
    if (!codes.insert(c.code).second)
      throw ValidationError("commune " + c.code, "code", "duplicate commune code");
    if (!deps.count(c.departement))
      throw ValidationError("commune " + c.code, "departement",
                            fmt::format("unknown département '{}'", c.departement));
    if (!c.nro.empty() && !r.network.find_node(c.nro))
      throw ValidationError("commune " + c.code, "nro", fmt::format("unknown node '{}'", c.nro));
  }
  validate(r.network);
  std::set<std::string> hp_ids;
  for (const auto& h : r.high_points) {
    validate(h);
    if (!hp_ids.insert(h.id).second) throw ValidationError("high point " + h.id, "id", "duplicate id");
    if (!h.commune.empty() && !codes.count(h.commune))
      throw ValidationError("high point " + h.id, "commune",
                            fmt::format("unknown commune '{}'", h.commune));
  }
}

}  // namespace dorsale
