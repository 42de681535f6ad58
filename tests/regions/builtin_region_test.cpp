// The built-in region meets every SCORAN figure of the foundation issue within 1 %,
// reproducibly, and its network joins every node to the Dorsale.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "planner/region_info.h"
#include "regions/builtin_region.h"
#include "io/scenario.h"
#include "solvers/network_graph.h"
#include "io/summary_json.h"

#include "test_support.h"

using namespace dorsale;

namespace {
// What `region info --json` prints for a region.
nlohmann::json info_json(const Region& r) {
  const auto i = planner::region_info_of(r);
  return viz::region_info_json(i.region, i.cut_off_from_dorsale);
}
}  // namespace
using nlohmann::json;

namespace {

const Region& bfc() { return test::builtin_bfc(); }

void expect_within_1pct(double value, double target, const std::string& what) {
  EXPECT_NEAR(value, target, 0.01 * std::abs(target)) << what << " = " << value << ", target " << target;
}

}  // namespace

TEST(BuiltinRegion, MeetsTheScoranFiguresWithinOnePercent) {
  const json j = info_json(bfc());
  const double premises = j["premises"].get<double>();
  expect_within_1pct(j["communes"].get<double>(), 3734, "communes (3,734 in the 2018 geography)");
  expect_within_1pct(j["population"].get<double>(), 2.8e6, "population");
  expect_within_1pct(premises, 1.7e6, "premises");
  const auto& b = j["bands"];
  const double thd = b["thd_non_ftth"].get<double>() + b["ftth"].get<double>();
  const double below8 = b["below_3"].get<double>() + b["3_8"].get<double>();
  expect_within_1pct(thd / premises, 0.42, "share >= 30 Mbit/s");
  expect_within_1pct(below8 / premises, 0.25, "share below 8 Mbit/s");
  expect_within_1pct(b["ftth"].get<double>() / premises, 0.19, "share FttH");
  expect_within_1pct(j["phase2"]["amel"].get<double>(), 230000, "phase 2 AMEL");
  expect_within_1pct(j["phase2"]["dsp"].get<double>(), 210000, "phase 2 DSP");
  expect_within_1pct(j["phase2"]["unknown"].get<double>(), 70000, "phase 2 Jura");
  expect_within_1pct(j["thd_radio"]["communes"].get<double>(), 357, "THD radio communes");
  expect_within_1pct(j["thd_radio"]["premises"].get<double>(), 54000, "THD radio premises");
  const auto& cov = j["mobile"]["coverage_by_operator"];
  expect_within_1pct(cov["SFR"].get<double>(), 96.1, "4G SFR");
  expect_within_1pct(cov["Orange"].get<double>(), 95.5, "4G Orange");
  expect_within_1pct(cov["Bouygues Telecom"].get<double>(), 95.3, "4G Bouygues");
  expect_within_1pct(cov["Free Mobile"].get<double>(), 82.8, "4G Free");
  expect_within_1pct(j["mobile"]["white_zone_premises"].get<double>() / premises, 0.03, "white zone share");
  expect_within_1pct(j["dorsale_km"].get<double>(), 1200, "Dorsale km");
  std::set<std::string> hubs;
  for (const auto& h : j["external_hubs"]) hubs.insert(h.get<std::string>());
  EXPECT_EQ(hubs, (std::set<std::string>{"Paris", "Lyon", "Strasbourg"}));
  // size distribution and rural share
  EXPECT_NEAR(j["communes_under_500"].get<double>() / j["communes"].get<double>(), 0.71, 0.01);
  EXPECT_NEAR(j["rural_population"].get<double>() / j["population"].get<double>(), 0.21, 0.01);
}

TEST(BuiltinRegion, ThdRadioOnlyInItsThreeDepartementsAndBelow30) {
  for (const auto& c : bfc().communes) {
    if (c.thd_radio_premises == 0) continue;
    EXPECT_TRUE(c.departement == "21" || c.departement == "71" || c.departement == "89") << c.code;
    EXPECT_LE(c.thd_radio_premises, c.premises() - c.band(Band::Ftth) - c.band(Band::ThdNonFtth)) << c.code;
  }
}

TEST(BuiltinRegion, EightRealDepartementsWithTheirPrefectures) {
  std::set<std::string> codes;
  for (const auto& d : bfc().departements) codes.insert(d.code);
  EXPECT_EQ(codes, (std::set<std::string>{"21", "25", "39", "58", "70", "71", "89", "90"}));
  auto dijon = bfc().find_commune("21231");
  ASSERT_TRUE(dijon.has_value());
  EXPECT_EQ(bfc().communes[*dijon].name, "Dijon");
  EXPECT_NEAR(bfc().communes[*dijon].centroid.lat, 47.32, 0.01);
  // Lambert-93 position from OSR: Dijon is near x 853 km, y 6 695 km
  EXPECT_NEAR(bfc().communes[*dijon].centroid.x, 853000, 3000);
  EXPECT_NEAR(bfc().communes[*dijon].centroid.y, 6694000, 3000);
}

TEST(BuiltinRegion, EveryNodeReachesTheDorsaleAndEveryCommuneHasAnNroOfItsDepartement) {
  const auto& r = bfc();
  EXPECT_TRUE(solvers::nodes_cut_off_from_dorsale(r.network).empty());
  for (const auto& c : r.communes) {
    auto n = r.network.find_node(c.nro);
    ASSERT_TRUE(n.has_value()) << c.code;
    EXPECT_EQ(r.network.node(*n).departement, c.departement) << c.code;
  }
  // one RIP network per département, attached to a PoP of the Dorsale
  for (const auto& d : r.departements) {
    bool has_pop = false;
    for (const auto& n : r.network.nodes()) has_pop |= n.kind == NodeKind::DorsalePop && n.departement == d.code;
    EXPECT_TRUE(has_pop) << d.code;
  }
  double leased = 0, total = 0;
  for (const auto& l : r.network.links())
    if (l.dorsale) {
      total += l.length_km;
      leased += l.status == LinkStatus::Leased ? l.length_km : 0;
    }
  EXPECT_GT(leased / total, 0.5) << "the Dorsale is mostly leased";
}

TEST(BuiltinRegion, SameSeedSameRegionOtherSeedOtherRegion) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region a = scenarios::build_builtin_region(s.params, s.seed);
  EXPECT_EQ(viz::region_json(a).dump(), viz::region_json(bfc()).dump());
  ASSERT_EQ(a.communes.size(), bfc().communes.size());
  for (std::size_t i = 0; i < a.communes.size(); ++i) {
    EXPECT_EQ(a.communes[i].centroid.x, bfc().communes[i].centroid.x);
    EXPECT_EQ(a.communes[i].premises_by_band, bfc().communes[i].premises_by_band);
  }
  const Region b = scenarios::build_builtin_region(s.params, s.seed + 1);
  bool differs = false;
  for (std::size_t i = 0; i < b.communes.size() && !differs; ++i)
    differs = b.communes[i].centroid.x != a.communes[i].centroid.x;
  EXPECT_TRUE(differs);
}

TEST(BuiltinRegion, ScalesToLargerSyntheticRegions) {
  Parameters p;
  p.set_number("calibration.communes", 3 * 3734);
  p.set_number("calibration.population", 3 * 2.8e6);
  p.set_number("calibration.premises", 3 * 1.7e6);
  const Region r = scenarios::build_builtin_region(p, 7);
  const auto t = compute_totals(r);
  EXPECT_EQ(t.communes, 3 * 3734);
  EXPECT_EQ(t.premises, 3 * 1700000);
  EXPECT_EQ(r.departements.size(), 24u);
  EXPECT_NEAR(double(t.bands[int(Band::Ftth)]) / double(t.premises), 0.19, 0.0019);
  EXPECT_TRUE(solvers::nodes_cut_off_from_dorsale(r.network).empty());
}
