// The file mode of `dorsale towers`: coordinates finite and within a projected range, radius
// and weights finite and positive, ids unique; each an InputError naming file, line, field.
#include "planner/towers.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/error.h"
#include "test_support.h"

using namespace dorsale;

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
  try {
    planner::towers_from_files(cfg);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return InputError("", 0, "", "");
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
