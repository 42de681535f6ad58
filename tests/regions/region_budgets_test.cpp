// The public budgets of an open-data region made of part of the region's files (issue 24,
// item 5): scaled by its share of premises, kept, or refused, by budgets.scale; never the whole
// region's budgets in silence. Expected values are recomputed here from the region's communes.
#include <gtest/gtest.h>

#include <filesystem>

#include "models/error.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "test_support.h"
#include "io/summary_json.h"

using namespace dorsale;

namespace {

// Côte-d'Or alone: its commune polygons, the ARCEP and INSEE files as they are.
std::string cote_d_or(const std::string& shared, const std::string& more = "") {
  return "[scenario]\nname = \"cote-d-or\"\n[region]\nsource = \"opendata\"\nnetwork_plan = \"none\"\n"
         "[region.files]\ncommune_polygons = \"" + shared + "/france-geojson/communes-21-cote-d-or.geojson\"\n"
         "arcep_communes = \"" + shared + "/arcep-ftth-2018T1/communes-bfc.csv\"\n"
         "insee_population = \"" + shared + "/insee-population/donnees_communes-bfc-pop2023.csv\"\n"
         "insee_mergers = \"" + shared + "/insee-population/mouvements-communes-bfc-since2018.csv\"\n" + more;
}

std::int64_t premises_of(const Region& r) {
  std::int64_t n = 0;
  for (const auto& c : r.communes) n += c.premises();
  return n;
}

bool has_budgets_note(const Region& r, const std::string& start) {
  for (const auto& d : r.provenance.derived)
    if (d.rfind(start, 0) == 0) return true;
  return false;
}

}  // namespace

TEST(RegionBudgets, OneDepartementGetsItsShareOfPremises) {
  DORSALE_REQUIRE_SHARED_DATA(shared);
  const std::vector<double> whole = Parameters{}.budgets.public_eur_per_year;
  scenarios::Scenario s = scenarios::parse_scenario(cote_d_or(shared), "cote-d-or.toml", "");
  Region r = scenarios::load_region(s);
  ASSERT_EQ(r.departements.size(), 1u);
  const std::int64_t premises = premises_of(r);
  scenarios::fit_budgets(s, r);
  const double share = double(premises) / double(s.params.budgets.reference_premises);
  EXPECT_GT(share, 0.05);
  EXPECT_LT(share, 0.5) << "one département of eight";
  ASSERT_EQ(s.params.budgets.public_eur_per_year.size(), whole.size());
  for (std::size_t y = 0; y < whole.size(); ++y) EXPECT_NEAR(s.params.budgets.public_eur_per_year[y], whole[y] * share, 1e-6 * whole[y]);
  EXPECT_TRUE(has_budgets_note(r, "budgets: the default budgets.public_eur_per_year x")) << viz::region_text(r);
  EXPECT_NE(viz::region_text(r).find("derived budgets:"), std::string::npos);

  // none: kept as they are, and said so.
  s = scenarios::parse_scenario(cote_d_or(shared, "[budgets]\nscale = \"none\"\n"), "cote-d-or.toml", "");
  r = scenarios::load_region(s);
  scenarios::fit_budgets(s, r);
  EXPECT_EQ(s.params.budgets.public_eur_per_year, whole);
  EXPECT_TRUE(has_budgets_note(r, "budgets: the default budgets.public_eur_per_year, unscaled"));

  // refuse: one error naming the scenario and the parameter.
  s = scenarios::parse_scenario(cote_d_or(shared, "[budgets]\nscale = \"refuse\"\n"), "cote-d-or.toml", "");
  r = scenarios::load_region(s);
  const auto e = test::input_error_of([&] { scenarios::fit_budgets(s, r); });
  EXPECT_EQ(e.file(), "cote-d-or.toml");
  EXPECT_EQ(e.field(), "budgets.scale");
  EXPECT_NE(std::string(e.what()).find("budgets.public_eur_per_year"), std::string::npos) << e.what();

  // Budgets the scenario gives are the region's own: left as they are, whatever budgets.scale.
  s = scenarios::parse_scenario(cote_d_or(shared, "[budgets]\nscale = \"refuse\"\npublic_eur_per_year = [1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6]\n"),
                                "cote-d-or.toml", "");
  r = scenarios::load_region(s);
  scenarios::fit_budgets(s, r);
  EXPECT_EQ(s.params.budgets.public_eur_per_year, (std::vector<double>{1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6}));
  EXPECT_FALSE(has_budgets_note(r, "budgets:"));
}

// The reference is the whole region's count in the same files (ARCEP 2018 T1: dwellings +
// business sites, the totals OpenData.ReproducesTheSharedFilesTotals checks), so the full
// open-data region keeps the default budgets; the built-in region is never scaled.
TEST(RegionBudgets, WholeRegionAndBuiltinKeepTheDefaults) {
  EXPECT_EQ(Parameters{}.budgets.reference_premises, 1535084 + 78902);
  scenarios::Scenario s = scenarios::builtin_scenario("bfc-2022");
  const auto before = s.params.budgets.public_eur_per_year;
  Region r = test::builtin_bfc();
  scenarios::fit_budgets(s, r);
  EXPECT_EQ(s.params.budgets.public_eur_per_year, before);
  // A region with exactly the reference premises is the one they are sized for, even under refuse.
  const std::string mini = std::string(DORSALE_TEST_DATA) + "/mini";
  s = scenarios::parse_scenario("[scenario]\nname = \"mini\"\n[region]\nsource = \"opendata\"\nnetwork_plan = \"none\"\nopendata_dir = \"" +
                                    mini + "\"\n[budgets]\nscale = \"refuse\"\n",
                                "mini.toml", "");
  r = scenarios::load_region(s);
  s.params.budgets.reference_premises = long(premises_of(r));
  scenarios::fit_budgets(s, r);
  EXPECT_EQ(s.params.budgets.public_eur_per_year, before);
}
