#include "models/technology.h"

#include "models/parameters.h"

namespace dorsale {

TechnologyTable technology_table(const Parameters& p) {
  const auto& A = p.alternatives;
  const auto& G = p.guichet;
  TechnologyTable t;
  t[int(Technology::CopperUpgrade)] = {Technology::CopperUpgrade, A.copper_upgrade_mbps, A.copper_upgrade_eur, std::nullopt,
                                       A.copper_upgrade_share};
  t[int(Technology::ThdRadio)] = {Technology::ThdRadio, A.thd_radio_mbps, A.thd_radio_eur, G.thd_radio_cap_eur, 1.0, false, true};
  t[int(Technology::FourGFixe)] = {Technology::FourGFixe, A.fourg_fixe_mbps, A.fourg_fixe_eur, G.fourg_fixe_cap_eur,
                                   A.fourg_fixe_spare_share, true};
  t[int(Technology::Satellite)] = {Technology::Satellite, A.satellite_mbps, A.satellite_eur, G.satellite_cap_eur};
  return t;
}

}  // namespace dorsale
