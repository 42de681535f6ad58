#include "models/commune.h"

#include <fmt/format.h>

#include <numeric>

#include "models/error.h"

namespace dorsale {

const char* phase2_key(Phase2 p) {
  static const char* k[] = {"none", "amel", "dsp", "unknown"};
  return k[static_cast<int>(p)];
}

const char* operator_name(Operator o) {
  static const char* k[] = {"Orange", "SFR", "Bouygues Telecom", "Free Mobile"};
  return k[static_cast<int>(o)];
}

std::optional<Operator> operator_from_mccmnc(int code) {
  switch (code) {
    case 20801: return Operator::Orange;
    case 20810: return Operator::Sfr;
    case 20815: return Operator::Free;
    case 20820: return Operator::Bouygues;
    default: return std::nullopt;
  }
}

void validate(const Commune& c) {
  const std::string who = fmt::format("commune {} ({})", c.code, c.name);
  if (c.code.size() != 5) throw ValidationError(who, "code", "an INSEE code has 5 characters");
  if (c.departement.empty() || c.code.rfind(c.departement, 0) != 0)
    throw ValidationError(who, "departement",
                          fmt::format("'{}' is not the prefix of the code", c.departement));
  if (c.population < 0) throw ValidationError(who, "population", "negative");
  if (c.dwellings < 0) throw ValidationError(who, "dwellings", "negative");
  if (c.business_sites < 0) throw ValidationError(who, "business_sites", "negative");
  for (int b = 0; b < kBandCount; ++b)
    if (c.premises_by_band[b] < 0)
      throw ValidationError(who, fmt::format("premises_by_band[{}]", b), "negative");
  const auto sum = std::accumulate(c.premises_by_band.begin(), c.premises_by_band.end(),
                                   std::int64_t{0});
  if (sum != c.premises())
    throw ValidationError(who, "premises_by_band",
                          fmt::format("bands add up to {} but the commune has {} premises", sum,
                                      c.premises()));
  if (c.ftth_passed < 0) throw ValidationError(who, "ftth_passed", "negative");
  if (c.phase2_premises < 0 || c.phase2_premises > c.premises())
    throw ValidationError(who, "phase2_premises", "outside [0, premises]");
  if (c.thd_radio_premises < 0 || c.thd_radio_premises > c.premises())
    throw ValidationError(who, "thd_radio_premises", "outside [0, premises]");
  if (c.coverage_4g)
    for (int o = 0; o < kOperatorCount; ++o) {
      double s = (*c.coverage_4g)[o];
      if (!(s >= 0 && s <= 1))
        throw ValidationError(who, std::string("coverage_4g.") + operator_name(Operator(o)),
                              fmt::format("{} is outside [0, 1]", s));
    }
  if (c.white_zone_share && !(*c.white_zone_share >= 0 && *c.white_zone_share <= 1))
    throw ValidationError(who, "white_zone_share", "outside [0, 1]");
  if (!(std::isfinite(c.centroid.lon) && std::isfinite(c.centroid.lat)))
    throw ValidationError(who, "centroid", "not a finite position");
}

}  // namespace dorsale
