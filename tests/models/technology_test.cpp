// One technology table: each cost, speed, cap and capacity share is one parameter, read by the
// roll-out alternatives and the guichet alike.
#include "models/technology.h"

#include <gtest/gtest.h>

#include "models/error.h"
#include "models/parameters.h"
#include "planner/guichet.h"
#include "io/scenario.h"

using namespace dorsale;

TEST(Technology, TheTableReadsTheParametersAndTheGuichetReadsTheTable) {
  Parameters p;
  p.set_number("alternatives.thd_radio_eur", 432);
  p.set_number("alternatives.satellite_eur", 611);
  p.set_number("alternatives.fourg_fixe_spare_share", 0.17);
  p.set_number("guichet.satellite_cap_eur", 345);
  const auto t = technology_table(p);
  for (int k = 0; k < kTechnologyCount; ++k) EXPECT_EQ(int(t[k].technology), k);
  EXPECT_EQ(t[int(Technology::ThdRadio)].unit_cost_eur, 432);
  EXPECT_TRUE(t[int(Technology::ThdRadio)].limited_to_radio_footprint);
  EXPECT_TRUE(t[int(Technology::FourGFixe)].scaled_by_4g_coverage);
  EXPECT_EQ(t[int(Technology::FourGFixe)].share, 0.17);
  EXPECT_FALSE(t[int(Technology::CopperUpgrade)].subsidy_cap_eur.has_value());  // not a guichet technology
  // the guichet's equipment costs and caps are the table's
  const auto g = planner::guichet_params(p);
  EXPECT_EQ(g.equipment[0], 432);
  EXPECT_EQ(g.equipment[2], 611);
  EXPECT_EQ(g.cap[2], 345);
  EXPECT_EQ(g.cap[0], *t[int(Technology::ThdRadio)].subsidy_cap_eur);
}

TEST(Technology, AKeyOfTheFormerDuplicateCostsNamesItsNewHome) {
  try {
    scenarios::parse_scenario("[scenario]\nname = \"x\"\n[guichet]\nsatellite_equipment_eur = 500\n", "x.toml", "");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.field(), "guichet.satellite_equipment_eur");
    EXPECT_NE(std::string(e.what()).find("alternatives.satellite_eur"), std::string::npos) << e.what();
  }
}
