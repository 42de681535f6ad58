// The towers use case: the scenario choice keeps existing sites and respects K, the programme
// only shrinks white zones, the file mode covers inclusively, line of sight on a DEM, bad input.
// The file mode: coordinates finite and within a projected range, radius and weights finite
// and positive, ids unique; each an InputError naming file, line, field.
#include "planner/towers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "models/error.h"
#include "planner/quantities.h"
#include "io/projection.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "test_support.h"

using namespace dorsale;

TEST(Towers, ScenarioChoiceKeepsExistingSitesAndRespectsK) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region r = scenarios::load_region(s);
  planner::TowersConfig cfg;
  cfg.sites = 20;
  const auto res = planner::towers_for_region(r, s, cfg);
  const auto& c = res.choice;
  EXPECT_LE(c.chosen.size(), 20u);
  EXPECT_GE(c.figures.bound + 1e-6, c.figures.objective);
  EXPECT_EQ(res.existing_sites,
            std::size_t(std::count_if(r.high_points.begin(), r.high_points.end(), [](auto& h) { return h.existing; })));
  double newly = 0;
  for (const auto& x : c.chosen) newly += x.premises_newly_covered;
  // every chosen site in both coordinate systems: lon/lat in Bourgogne-Franche-Comté, matching x/y
  const auto& proj = scenarios::Projection::for_this_thread();
  for (const auto& x : c.chosen) {
    EXPECT_GT(x.lon, 2.5) << x.id;
    EXPECT_LT(x.lon, 7.5) << x.id;
    EXPECT_GT(x.lat, 46.0) << x.id;
    EXPECT_LT(x.lat, 48.5) << x.id;
    const auto back = proj.from_wgs84(x.lon, x.lat);
    EXPECT_NEAR(back.x, x.x, 0.01) << x.id;
    EXPECT_NEAR(back.y, x.y, 0.01) << x.id;
  }
  EXPECT_NEAR(newly, c.figures.objective, 1e-6);
  EXPECT_LE(newly, res.white_zone_premises + 1e-6);
  // the programme never re-covers: white zones only shrink
  double prev = res.white_zone_premises;
  for (const auto& y : res.programme) {
    EXPECT_LE(y.sites.size(), 67u);
    EXPECT_LE(y.white_zone_premises_after, prev + 1e-6);
    prev = y.white_zone_premises_after;
  }
}

TEST(Towers, FileModeAndBadInput) {
  test::TempDir tmp;
  std::ofstream(tmp.path() / "c.csv") << "id,x,y,weight\nA,0,0,0\nB,5000,0,0\n";
  std::ofstream(tmp.path() / "d.csv") << "id,x,y,weight\np1,100,0,3\np2,4000,0,2\np3,5000,1000,1\np4,9000,9000,7\n";
  planner::TowersConfig cfg;
  cfg.candidates = (tmp.path() / "c.csv").string();
  cfg.demand = (tmp.path() / "d.csv").string();
  cfg.radius_m = 1000;  // inclusive: p3 at exactly 1000 m from B is covered
  cfg.sites = 1;
  auto j = planner::towers_from_files(cfg);
  EXPECT_EQ(j.figures.objective, 3);
  cfg.sites = 2;
  j = planner::towers_from_files(cfg);
  EXPECT_EQ(j.figures.objective, 3 + 2 + 1);  // B reaches p2 and p3, both at exactly 1000 m
  cfg.radius_m = -5;
  EXPECT_THROW(planner::towers_from_files(cfg), InputError);
  cfg.radius_m = 1000;
  std::ofstream(tmp.path() / "d.csv") << "id,x,y,weight\np1,100,zero,3\n";
  try {
    planner::towers_from_files(cfg);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "y");
  }
}

#include <gdal_priv.h>

namespace {

// A 10 km x 10 km DEM at 50 m in Lambert-93, flat at 200 m with a 600 m ridge 5 km east of x0.
std::string synthetic_dem(const std::filesystem::path& dir, bool with_crs) {
  GDALAllRegister();
  const std::string path = (dir / (with_crs ? "dem.tif" : "dem-nocrs.tif")).string();
  auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 200, 200, 1, GDT_Float32, nullptr));
  double gt[6] = {700000, 50, 0, 6710000, 0, -50};
  ds->SetGeoTransform(gt);
  if (with_crs) {
    OGRSpatialReference l93;
    l93.importFromEPSG(2154);
    ds->SetSpatialRef(&l93);
  }
  std::vector<float> z(200 * 200, 200.0f);
  for (int row = 0; row < 200; ++row)
    for (int col = 100; col < 104; ++col) z[row * 200 + col] = 600.0f;
  if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 200, 200, z.data(), 200, 200, GDT_Float32, 0, 0) != CE_None) return "";
  return path;
}

}  // namespace

TEST(Towers, DemLineOfSightHidesPointsBehindARidge) {
  test::TempDir tmp;
  const std::string dem = synthetic_dem(tmp.path(), true);
  ASSERT_FALSE(dem.empty());
  std::ofstream(tmp.path() / "c.csv") << "id,x,y,weight\nS,702000,6705000,0\n";
  // A: 2 km east of the site, before the ridge; B: 6 km east, behind it
  std::ofstream(tmp.path() / "d.csv") << "id,x,y,weight\nA,704000,6705000,5\nB,708000,6705000,7\n";
  planner::TowersConfig cfg;
  cfg.candidates = (tmp.path() / "c.csv").string();
  cfg.demand = (tmp.path() / "d.csv").string();
  cfg.radius_m = 9000;
  cfg.sites = 1;
  EXPECT_EQ(planner::towers_from_files(cfg).figures.objective, 12);  // radius only: both
  cfg.dem = dem;
  EXPECT_EQ(planner::towers_from_files(cfg).figures.objective, 5);   // the ridge hides B
  cfg.dem = synthetic_dem(tmp.path(), false);
  try {
    planner::towers_from_files(cfg);
    FAIL() << "no error for a DEM without CRS";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "crs");
  }
}

TEST(Towers, ACandidateOutsideTheRegionIsAnErrorAndNothingIsWritten) {
  test::TempDir tmp;
  std::ofstream(tmp.path() / "c.csv") << "id,x,y\nok,853000,6694000\nfar,200000,6200000\n";
  planner::TowersConfig cfg;
  cfg.candidates = (tmp.path() / "c.csv").string();
  cfg.out_dir = (tmp.path() / "out").string();
  try {
    planner::towers(cfg);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("outside the region"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out"));
}

namespace {

struct Files {
  test::TempDir tmp;
  planner::TowersConfig cfg;
  Files(const std::string& cand, const std::string& dem) {
    std::ofstream(tmp.path() / "c.csv") << cand;
    std::ofstream(tmp.path() / "d.csv") << dem;
    cfg.candidates = (tmp.path() / "c.csv").string();
    cfg.demand = (tmp.path() / "d.csv").string();
    cfg.radius_m = 5000;
    cfg.sites = 1;
  }
};

InputError towers_error(const planner::TowersConfig& cfg) {
  return test::input_error_of([&] { planner::towers_from_files(cfg); });
}

const std::string kDemand = "id,x,y,weight\np1,100,0,3\np2,4000,0,2\n";

}  // namespace

TEST(TowersFileMode, HugeCoordinateIsAnErrorNamingTheLine) {
  for (const char* x : {"1e308", "-1e308", "10000001"}) {
    Files f(std::string("id,x,y,weight\nA,0,0,0\nB,") + x + ",0,0\n", kDemand);
    auto e = towers_error(f.cfg);
    EXPECT_EQ(e.file(), f.cfg.candidates);
    EXPECT_EQ(e.line(), 3) << x;
    EXPECT_EQ(e.field(), "x") << x;
  }
  Files f("id,x,y,weight\nA,0,0,0\n", "id,x,y,weight\np1,100,inf,3\n");
  auto e = towers_error(f.cfg);
  EXPECT_EQ(e.file(), f.cfg.demand);
  EXPECT_EQ(e.field(), "y");
  // the bound itself is accepted
  Files ok("id,x,y,weight\nA,10000000,-10000000,0\n", kDemand);
  EXPECT_NO_THROW(planner::towers_from_files(ok.cfg));
}

TEST(TowersFileMode, NanOrNonPositiveRadiusIsRefused) {
  Files f("id,x,y,weight\nA,0,0,0\n", kDemand);
  for (double r : {std::nan(""), -1.0, 0.0, HUGE_VAL}) {
    f.cfg.radius_m = r;
    auto e = towers_error(f.cfg);
    EXPECT_EQ(e.field(), "--radius-m") << r;
  }
}

TEST(TowersFileMode, DuplicateIdIsAnErrorNamingTheLine) {
  Files f("id,x,y,weight\nA,0,0,0\nB,10,0,0\nA,20,0,0\n", kDemand);
  auto e = towers_error(f.cfg);
  EXPECT_EQ(e.file(), f.cfg.candidates);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "id");
  EXPECT_NE(std::string(e.what()).find("also line 2"), std::string::npos) << e.what();
}

TEST(TowersFileMode, WeightsMustBeFiniteAndPositive) {
  for (const char* w : {"0", "-2", "nan", "1e999"}) {
    Files f("id,x,y,weight\nA,0,0,0\n", std::string("id,x,y,weight\np1,100,0,3\np2,4000,0,") + w + "\n");
    auto e = towers_error(f.cfg);
    EXPECT_EQ(e.line(), 3) << w;
    EXPECT_EQ(e.field(), "weight") << w;
  }
}

TEST(TowersFileMode, Latin1CandidateFileIsNotUtf8) {
  Files f("id,x,y,weight\nA,0,0,0\nCh\xE2teau,10,0,0\n", kDemand);
  auto e = towers_error(f.cfg);
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos);
}

// ---- each planned link built once (issue #12, item 2) ------------------------------------------

namespace {

// The account of one plan against the network: every planned link at most once, at its build
// cost; the total is the sum of the distinct links; each paid by the first site (in the plan's
// order `sites`) whose backhaul uses it; `uses[s]`: the planned links site s's backhaul uses.
void expect_each_link_once(const Network& net, const BackhaulAccount& a, const std::vector<std::string>& sites,
                           const std::map<std::string, std::vector<std::string>>& uses, const char* plan) {
  std::map<std::string, double> build;  // planned link id -> build cost
  for (const auto& l : net.links())
    if (l.status == LinkStatus::Planned) build[l.id] = l.build_eur_per_km * l.length_km;
  std::set<std::string> seen;
  double sum = 0;
  for (const auto& l : a.planned_links) {
    ASSERT_TRUE(build.count(l.link)) << plan << ": " << l.link << " is not a planned link";
    EXPECT_TRUE(seen.insert(l.link).second) << plan << ": " << l.link << " built twice";
    EXPECT_NEAR(l.cost_eur, build[l.link], 1e-6) << plan << ": " << l.link;
    sum += build[l.link];
  }
  EXPECT_NEAR(a.planned_links_eur, sum, 1e-6 * std::max(1.0, sum)) << plan;
  // the payer is the first site of the plan that uses the link, and every link used is paid
  std::map<std::string, std::string> first_user;
  for (const auto& s : sites)
    if (auto it = uses.find(s); it != uses.end())
      for (const auto& l : it->second) first_user.emplace(l, s);
  EXPECT_EQ(first_user.size(), a.planned_links.size()) << plan;
  for (const auto& l : a.planned_links) EXPECT_EQ(first_user[l.link], l.paid_by) << plan << ": " << l.link;
  // sharing never costs more than connecting each site alone
  EXPECT_LE(a.backhaul_eur, a.backhaul_each_alone_eur + 1e-6) << plan;
  EXPECT_LE(a.planned_links_eur, a.planned_links_each_alone_eur + 1e-6) << plan;
}

}  // namespace

TEST(TowersBackhaul, SitesBehindOnePlannedLinkPayItOnceAndTotalsAreTheDistinctLinks) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region r = scenarios::load_region(s);
  planner::TowersConfig cfg;
  cfg.sites = 67;
  const auto res = planner::towers_for_region(r, s, cfg);
  // the choice: per site, what it pays and what it uses that an earlier site paid
  const auto& c = res.choice;
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> uses;
  std::map<std::string, int> users;  // planned link -> sites behind it
  double builds = 0, backhaul = 0, paid = 0;
  for (const auto& x : c.chosen) {
    order.push_back(x.id);
    for (const auto* list : {&x.planned_links_paid, &x.planned_links_used})
      for (const auto& l : *list) {
        uses[x.id].push_back(l);
        ++users[l];
      }
    builds += x.build_cost_eur;
    backhaul += x.backhaul_cost_eur;
  }
  for (const auto& l : c.backhaul.planned_links) paid += l.cost_eur;
  expect_each_link_once(r.network, c.backhaul, order, uses, "choice");
  // several sites stand behind one planned link, and it is charged once
  int shared = 0;
  for (const auto& [l, n] : users) shared += n >= 2;
  EXPECT_GT(shared, 0) << "no planned link shared by two sites: the test proves nothing";
  for (const auto& [l, n] : users) {
    int payers = 0;
    for (const auto& x : c.chosen) payers += std::count(x.planned_links_paid.begin(), x.planned_links_paid.end(), l);
    EXPECT_EQ(payers, 1) << l << " behind " << n << " sites";
  }
  // totals: builds + what the sites pay, which holds each distinct planned link once
  EXPECT_NEAR(c.total_cost_eur, builds + backhaul, 1e-6 * c.total_cost_eur);
  EXPECT_NEAR(c.backhaul.backhaul_eur, backhaul, 1e-6 * backhaul);
  EXPECT_NEAR(c.backhaul.planned_links_eur, paid, 1e-6 * std::max(1.0, paid));
  EXPECT_LT(c.backhaul.planned_links_eur, c.backhaul.planned_links_each_alone_eur) << "nothing was shared";
  // the programme: one account over the years, its yearly costs add up to the account
  double prog_planned = 0;
  std::vector<std::string> prog_order;
  for (const auto& y : res.programme) {
    prog_planned += y.planned_links_eur;
    prog_order.insert(prog_order.end(), y.sites.begin(), y.sites.end());
  }
  EXPECT_NEAR(prog_planned, res.programme_backhaul.planned_links_eur, 1e-6 * std::max(1.0, prog_planned));
  std::set<std::string> links;
  for (const auto& l : res.programme_backhaul.planned_links) EXPECT_TRUE(links.insert(l.link).second) << l.link;
  // the unfibred existing high points: every planned link once, RIP figures add up
  const auto& u = res.unfibred_existing_backhaul;
  links.clear();
  double u_sum = 0, rip_cost = 0, rip_planned = 0;
  for (const auto& l : u.planned_links) {
    EXPECT_TRUE(links.insert(l.link).second) << l.link << " built twice for the unfibred sites";
    u_sum += l.cost_eur;
  }
  for (const auto& [dep, rip] : res.unfibred_existing_backhaul_by_rip) {
    rip_cost += rip.cost_eur;
    rip_planned += rip.planned_links_eur;
  }
  EXPECT_NEAR(u.planned_links_eur, u_sum, 1e-6 * std::max(1.0, u_sum));
  EXPECT_NEAR(rip_planned, u_sum, 1e-6 * std::max(1.0, u_sum));
  EXPECT_NEAR(rip_cost, u.backhaul_eur, 1e-6 * rip_cost);
  double all_planned = 0;
  for (const auto& l : r.network.links())
    if (l.status == LinkStatus::Planned) all_planned += l.build_eur_per_km * l.length_km;
  EXPECT_LE(u.planned_links_eur, all_planned + 1e-6);  // never more than every planned link together
}

TEST(TowersCli, MethodIsValidatedOnceWithItsThreeSpellings) {
  test::TempDir tmp;
  std::ofstream(tmp.path() / "c.csv") << "id,x,y\nA,0,0\nB,5000,0\n";
  std::ofstream(tmp.path() / "d.csv") << "id,x,y,weight\np1,100,0,3\np2,5000,100,2\n";
  const auto log = tmp.path() / "log";
  const std::vector<std::string> base = {"towers", "--candidates", (tmp.path() / "c.csv").string(), "--demand",
                                         (tmp.path() / "d.csv").string(), "--radius-m", "500", "--sites", "1", "--json"};
  for (const std::string m : {"heuristic", "exact-glpk", "exact-cbc"}) {
    auto args = base;
    args.insert(args.end(), {"--method", m});
    EXPECT_EQ(test::run_cli(args, log), 0) << m << ": " << test::slurp(log);
    EXPECT_NE(test::slurp(log).find("\"method\": \"" + m + "\""), std::string::npos) << test::slurp(log);
  }
  for (const std::string bad : {"exact", "Heuristic", "glpk", "", "0", "2"}) {  // not the enum's numbers either
    auto args = base;
    args.insert(args.end(), {"--method", bad});
    EXPECT_EQ(test::run_cli(args, log), 2) << "'" << bad << "': " << test::slurp(log);  // a usage error
  }
}

// ---- one coverage truth (#11 item 6) ------------------------------------------------------------

namespace {

// The radius of a site of commune `code`, as towers.radius_* give it (before the fit).
double base_radius(const Region& r, const Parameters& P, const std::string& code) {
  const auto i = r.find_commune(code);
  if (!i) return P.towers.radius_rural_m;
  const auto& c = r.communes[*i];
  if (c.mountain) return P.towers.radius_mountain_m;
  if (c.premises() >= P.rollout.dense_min_premises) return P.towers.radius_urban_m;
  return P.towers.radius_rural_m;
}

}  // namespace

// The built-in region's geometric white zone (premises out of every existing 4G site's reach)
// agrees with its calibrated white-zone share within 5 % (the bound), and every point
// reported white is really out of reach of every 4G site at the fitted radii.
TEST(TowersCoverage, GeometricWhiteZoneAgreesWithTheCalibratedShare) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region r = scenarios::load_region(s);
  double calibrated = 0;
  for (const auto& c : r.communes) calibrated += *c.white_zone_share * double(c.premises());
  EXPECT_NEAR(calibrated, s.params.mobile.white_zone_share * s.params.calibration.premises,
              1e-6 * s.params.calibration.premises);
  const auto res = planner::towers_for_region(r, s, planner::TowersConfig{});
  ASSERT_TRUE(res.white_zone_target_premises.has_value());
  EXPECT_NEAR(*res.white_zone_target_premises, calibrated, 1e-6 * calibrated);
  EXPECT_LE(std::abs(res.white_zone_premises - calibrated), 0.05 * calibrated)
      << "geometric " << res.white_zone_premises << " vs calibrated " << calibrated;
  EXPECT_GE(res.radius_scale, 1.0 / s.params.towers.radius_fit_max_scale);
  EXPECT_LE(res.radius_scale, s.params.towers.radius_fit_max_scale);
  struct Site {
    std::string id;
    double x, y, radius;
  };
  std::vector<Site> g4;  // the existing sites carrying 4G, at the fitted radii
  for (const auto& h : r.high_points) {
    bool any = false;
    for (int o = 0; o < kOperatorCount; ++o) any = any || (h.carries(o) && h.has_4g[o]);
    if (h.existing && any) g4.push_back({h.id, h.pos.x, h.pos.y, res.radius_scale * base_radius(r, s.params, h.commune)});
  }
  double white = 0;
  for (std::size_t i = 0; i < res.white_x.size(); ++i) {
    white += res.white_premises[i];
    for (const auto& h : g4)
      ASSERT_GT(std::hypot(h.x - res.white_x[i], h.y - res.white_y[i]), h.radius) << "white point " << i << " is covered by " << h.id;
  }
  EXPECT_NEAR(white, res.white_zone_premises, 1e-6 * white);
  // the programme starts from the fitted white zone and only shrinks it
  double left = res.white_zone_premises;
  for (const auto& y : res.programme) {
    EXPECT_LE(y.white_zone_premises_after, left + 1e-6);
    left = y.white_zone_premises_after;
  }
}

// towers.radius_fit = none keeps the radii as given; open data (no white-zone shares) is never
// fitted: its white zones follow the real sites.
TEST(TowersCoverage, NoFitKeepsTheRadiiAndOpenDataFollowsTheRealSites) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  s.params.set_text("towers.radius_fit", "none");
  const Region r = scenarios::load_region(s);
  const auto res = planner::towers_for_region(r, s, planner::TowersConfig{});
  EXPECT_EQ(res.radius_scale, 1.0);
  EXPECT_FALSE(res.white_zone_target_premises.has_value());

  DORSALE_REQUIRE_SHARED_DATA(dir);
  const auto od = scenarios::load_scenario(std::string(DORSALE_SOURCE_DIR) + "/scenarios/opendata-bfc.toml");
  const Region ro = scenarios::load_region(od);
  const auto ro_res = planner::towers_for_region(ro, od, planner::TowersConfig{});
  EXPECT_EQ(ro_res.radius_scale, 1.0);
  EXPECT_FALSE(ro_res.white_zone_target_premises.has_value());
  EXPECT_GT(ro_res.white_zone_premises, 0.0);
}

// Issue #21 item 18: inside `dorsale run` the towers programme also paid planned links the
// roll-out's collecte builds. A link is paid once across the run, and the account says by whom.
TEST(TowersBackhaul, PlannedLinksTheRollOutBuildsArePaidByItNotAgainByTheSites) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region& r = test::builtin_bfc();
  const auto& rollout = test::builtin_bfc_results().rollout;
  std::map<std::string, int> collecte_year;  // planned link id -> year the roll-out builds it
  for (const auto& c : rollout.collecte)
    if (const int l = planner::collecte_planned_link(r.network, c); l >= 0) collecte_year.emplace(r.network.links()[std::size_t(l)].id, c.year);
  ASSERT_FALSE(collecte_year.empty());
  const auto alone = planner::towers_for_region(r, s, planner::TowersConfig{});
  const auto in_run = planner::towers_for_region(r, s, planner::TowersConfig{}, &rollout);
  int paid_twice_before = 0;
  for (const auto* a : {&alone.programme_backhaul, &alone.choice.backhaul, &alone.unfibred_existing_backhaul})
    for (const auto& l : a->planned_links) paid_twice_before += collecte_year.count(l.link) > 0;
  EXPECT_GT(paid_twice_before, 0) << "no planned link both the roll-out and the towers build: the test proves nothing";
  int used_from_rollout = 0;
  for (const auto* a : {&in_run.programme_backhaul, &in_run.choice.backhaul, &in_run.unfibred_existing_backhaul}) {
    for (const auto& l : a->planned_links) EXPECT_FALSE(collecte_year.count(l.link)) << l.link << " paid by " << l.paid_by << " and by the collecte";
    std::set<std::string> once;
    for (const auto& l : a->built_by_rollout) {
      ASSERT_TRUE(collecte_year.count(l.link)) << l.link;
      EXPECT_EQ(l.paid_by, "collecte");
      EXPECT_EQ(l.year, collecte_year[l.link]) << l.link;
      EXPECT_TRUE(once.insert(l.link).second) << l.link << " listed twice";
      ++used_from_rollout;
    }
    EXPECT_LE(a->backhaul_eur, a->backhaul_each_alone_eur + 1e-6);
  }
  EXPECT_GT(used_from_rollout, 0);
  // the sites pay less than when they built those links themselves
  EXPECT_LT(in_run.programme_backhaul.planned_links_eur, alone.programme_backhaul.planned_links_eur);
}

// Issue #21 item 17: demand points (and the candidate masts made from them) were spread
// around a commune's centre with no land test; on a coast 6 of 67 new masts stood at sea.
// Here every commune's land is the half of a square north of its centre (a coast through the
// centre): demand and new masts stay on it.
TEST(TowersCoverage, DemandAndNewMastsStayInsideTheCommunePolygons) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  Region r = test::builtin_bfc();
  constexpr double kHalf = 0.04;  // degrees: about 3 km wide, the spread 2.5 km
  for (auto& c : r.communes)
    c.polygons = {{{{c.centroid.lon - kHalf, c.centroid.lat}, {c.centroid.lon + kHalf, c.centroid.lat},
                    {c.centroid.lon + kHalf, c.centroid.lat + kHalf}, {c.centroid.lon - kHalf, c.centroid.lat + kHalf},
                    {c.centroid.lon - kHalf, c.centroid.lat}}}};
  auto on_land = [](const Commune& c, double lon, double lat) {
    constexpr double tol = 1e-4;  // degrees (~10 m): the polygon's edges are straight in Lambert-93
    return lat >= c.centroid.lat - tol && lat <= c.centroid.lat + kHalf + tol && std::abs(lon - c.centroid.lon) <= kHalf + tol;
  };
  planner::TowersConfig cfg;
  cfg.sites = 67;
  const auto res = planner::towers_for_region(r, s, cfg);
  std::map<std::string, const Commune*> by_code;
  for (const auto& c : r.communes) by_code[c.code] = &c;
  int masts = 0;
  for (const auto& x : res.choice.chosen) {
    if (x.id.rfind("new:", 0) != 0) continue;
    ++masts;
    ASSERT_TRUE(by_code.count(x.commune)) << x.id;
    EXPECT_TRUE(on_land(*by_code[x.commune], x.lon, x.lat)) << x.id << " at " << x.lon << ", " << x.lat << " is off commune " << x.commune;
  }
  EXPECT_GT(masts, 0);
  // every white-zone demand point lies on some commune's land
  const auto& proj = scenarios::Projection::for_this_thread();
  ASSERT_FALSE(res.white_x.empty());
  int off = 0;
  for (std::size_t k = 0; k < res.white_x.size(); ++k) {
    const Position p = proj.from_l93(res.white_x[k], res.white_y[k]);
    bool land = false;
    for (const auto& c : r.communes)
      if (std::abs(c.centroid.lat - p.lat) <= 2 * kHalf && on_land(c, p.lon, p.lat)) {
        land = true;
        break;
      }
    off += !land;
  }
  EXPECT_EQ(off, 0) << "of " << res.white_x.size() << " white-zone points";
}
