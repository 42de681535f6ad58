// High-point siting: covered points really are within reach of an open or existing site,
// existing sites are kept, K and budgets are respected, and the exact optimum lies between
// the heuristic's objective and its Lagrangian bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/error.h"
#include "models/random.h"
#include "planner/towers.h"
#include "scenarios/scenario.h"
#include "solvers/max_coverage.h"
#include "test_support.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

struct Instance {
  std::vector<double> cx, cy, px, py, w;
  CoverageProblem p;
};

Instance random_instance(int candidates, int points, double radius, std::uint64_t seed, int k) {
  Instance in;
  Rng rng(seed);
  for (int j = 0; j < candidates; ++j) {
    in.cx.push_back(rng.uniform(0, 20000));
    in.cy.push_back(rng.uniform(0, 20000));
  }
  for (int i = 0; i < points; ++i) {
    in.px.push_back(rng.uniform(0, 20000));
    in.py.push_back(rng.uniform(0, 20000));
    in.w.push_back(1 + double(rng.below(20)));
  }
  in.p.weight = in.w;
  in.p.already_covered.assign(points, 0);
  in.p.covers = points_within(in.cx, in.cy, in.px, in.py, std::vector<double>(candidates, radius));
  in.p.max_sites = k;
  return in;
}

}  // namespace

TEST(MaxCoverage, CoveredPointsAreWithinTheRadiusAndNoneIsMissed) {
  auto in = random_instance(60, 800, 2500, 3, 6);
  for (std::size_t j = 0; j < in.cx.size(); ++j)
    for (std::size_t i = 0; i < in.px.size(); ++i) {
      const double d = std::hypot(in.px[i] - in.cx[j], in.py[i] - in.cy[j]);
      const bool listed = std::binary_search(in.p.covers[j].begin(), in.p.covers[j].end(), int(i));
      ASSERT_EQ(listed, d <= 2500) << "site " << j << " point " << i << " at " << d << " m";
    }
}

TEST(MaxCoverage, HeuristicRespectsKAndTheExactOptimumLiesBetweenObjectiveAndBound) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    auto in = random_instance(40, 400, 3000, seed, 5);
    // an existing site locks in some points: they never count again
    for (int i : in.p.covers[0]) in.p.already_covered[i] = 1;
    in.p.covers[0].clear();
    const auto h = max_coverage_heuristic(in.p);
    EXPECT_LE(int(h.open.size()), 5);
    EXPECT_NEAR(h.objective, covered_weight(in.p, h.open), 1e-9);
    EXPECT_GE(h.gap, 0);
    for (auto backend : {MipBackend::Glpk, MipBackend::Cbc}) {
      const auto x = max_coverage_exact(in.p, backend, 60);
      ASSERT_EQ(x.status, "optimal") << seed;
      EXPECT_LE(int(x.open.size()), 5);
      EXPECT_LE(h.objective, x.objective + 1e-9) << seed;
      EXPECT_GE(h.bound + 1e-6, x.objective) << seed << ": the Lagrangian bound is below the optimum";
    }
  }
}

TEST(MaxCoverage, BudgetIsRespected) {
  auto in = random_instance(50, 500, 3000, 9, -1);
  Rng rng(5);
  for (std::size_t j = 0; j < in.cx.size(); ++j) in.p.cost.push_back(rng.uniform(1, 10));
  in.p.budget = 17;
  const auto h = max_coverage_heuristic(in.p);
  double spent = 0;
  for (int j : h.open) spent += in.p.cost[j];
  EXPECT_LE(spent, 17 + 1e-9);
  const auto x = max_coverage_exact(in.p, MipBackend::Cbc, 60);
  ASSERT_EQ(x.status, "optimal");
  EXPECT_GE(h.bound + 1e-6, x.objective);
}

TEST(Towers, ScenarioChoiceKeepsExistingSitesAndRespectsK) {
  auto s = scenarios::builtin_scenario("bfc-2022");
  const Region r = scenarios::load_region(s);
  planner::TowersConfig cfg;
  cfg.sites = 20;
  const auto res = planner::towers_for_region(r, s, cfg);
  const auto& c = res.summary["choice"];
  EXPECT_LE(c["chosen"].size(), 20u);
  EXPECT_GE(c["bound"].get<double>() + 1e-6, c["objective"].get<double>());
  EXPECT_EQ(res.summary["existing_sites"].get<std::size_t>(),
            std::size_t(std::count_if(r.high_points.begin(), r.high_points.end(), [](auto& h) { return h.existing; })));
  double newly = 0;
  for (const auto& x : c["chosen"]) newly += x["premises_newly_covered"].get<double>();
  EXPECT_NEAR(newly, c["objective"].get<double>(), 1e-6);
  EXPECT_LE(newly, res.summary["white_zone_premises"].get<double>() + 1e-6);
  // the programme never re-covers: white zones only shrink
  double prev = res.summary["white_zone_premises"].get<double>();
  for (const auto& y : res.summary["programme"]) {
    EXPECT_LE(y["sites"].size(), 67u);
    EXPECT_LE(y["white_zone_premises_after"].get<double>(), prev + 1e-6);
    prev = y["white_zone_premises_after"].get<double>();
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
  EXPECT_EQ(j["objective"].get<double>(), 3);
  cfg.sites = 2;
  j = planner::towers_from_files(cfg);
  EXPECT_EQ(j["objective"].get<double>(), 3 + 2 + 1);  // B reaches p2 and p3, both at exactly 1000 m
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
  EXPECT_EQ(planner::towers_from_files(cfg)["objective"].get<double>(), 12);  // radius only: both
  cfg.dem = dem;
  EXPECT_EQ(planner::towers_from_files(cfg)["objective"].get<double>(), 5);   // the ridge hides B
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
