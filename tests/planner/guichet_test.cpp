// `dorsale merge`: the shards must come from the same run and cover it exactly once; any
// disagreement is an InputError naming the file and the field, and nothing is written.
// Also --shard parsing.
#include "planner/guichet.h"
#include "planner/compare.h"
#include "planner/run.h"
#include "io/scenario.h"
#include "regions/load_region.h"

#include <gtest/gtest.h>

#include <fstream>

#include "guichet_fixture.h"
#include "models/error.h"
#include "test_support.h"
#include "io/guichet_writer.h"

using namespace dorsale;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Shards {
  test::TempDir tmp;
  std::vector<std::string> dirs;
  fs::path out() const { return tmp.path() / "merged"; }
  // writes each document as <tmp>/sK/guichet.json
  explicit Shards(const std::vector<json>& docs) {
    for (std::size_t k = 0; k < docs.size(); ++k) {
      const auto d = tmp.path() / ("s" + std::to_string(k + 1));
      fs::create_directories(d);
      std::ofstream(d / "guichet.json") << docs[k].dump(2);
      dirs.push_back(d.string());
    }
  }
};

json shard(int i, int n) { return viz::guichet_json(test::small_guichet_run(i, n)); }

// merges, expects an InputError on `file_index` (0-based) naming `field`, and no output
void expect_refused(const std::vector<json>& docs, std::size_t file_index, const std::string& field) {
  Shards s(docs);
  try {
    planner::merge(s.dirs, s.out().string());
    ADD_FAILURE() << "merged; expected an error on " << field;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (fs::path(s.dirs[file_index]) / "guichet.json").string()) << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
  }
  EXPECT_FALSE(fs::exists(s.out())) << "output written for " << field;
  for (const auto& e : fs::directory_iterator(s.tmp.path()))
    EXPECT_EQ(e.path().filename().string()[0], 's') << "left behind: " << e.path();
}

}  // namespace

TEST(GuichetMerge, ShardsOfOneRunMergeIntoTheSingleRun) {
  Shards s({shard(2, 2), shard(1, 2)});
  const auto run = planner::merge(s.dirs, s.out().string());
  EXPECT_EQ(viz::guichet_json(run), viz::guichet_json(test::small_guichet_run(1, 1)));
  EXPECT_TRUE(fs::exists(s.out() / "guichet.json"));
  EXPECT_TRUE(fs::exists(s.out() / "results.h5"));
}

TEST(GuichetMerge, DifferentDepartementListsAreAnErrorNotACrash) {
  // this one segfaulted while writing results.h5 and left a staging folder
  expect_refused({shard(1, 2), viz::guichet_json(test::small_guichet_run(2, 2, 2, {"21"}))}, 1, "departements");
  expect_refused({shard(1, 2), viz::guichet_json(test::small_guichet_run(2, 2, 2, {"21", "25", "39"}))}, 1, "departements");
}

TEST(GuichetMerge, ShorterRowsAreAnErrorNotAnOutOfBoundsRead) {
  json b = shard(2, 2);
  b["sets"][0]["by_departement"]["21"].erase(1);
  expect_refused({shard(1, 2), b}, 1, "sets[0].by_departement.21");
  b = shard(2, 2);
  b["sets"][0]["by_year"].erase(1);
  for (auto& [d, rows] : b["sets"][0]["by_departement"].items()) rows.erase(1);
  expect_refused({shard(1, 2), b}, 1, "sets[0].by_year");  // consistent in itself, 1 year instead of 2
}

TEST(GuichetMerge, ShardsOfDifferentRunsAreRefused) {
  struct Variant {
    const char* field;
    std::function<void(json&)> edit;
  };
  const std::vector<Variant> variants = {
      {"seed", [](json& j) { j["seed"] = 7; }},
      {"draws", [](json& j) { j["draws"] = 99; }},
      {"first_year", [](json& j) {
         j["first_year"] = 2020;
         for (auto& s : j["sets"]) {
           for (auto& y : s["by_year"]) y["year"] = y["year"].get<int>() + 1;
           for (auto& [d, rows] : s["by_departement"].items())
             for (auto& y : rows) y["year"] = y["year"].get<int>() + 1;
         }
       }},
      {"scenario_hash", [](json& j) { j["scenario_hash"] = "ffffffffffffffff"; }},
      {"scenario", [](json& j) { j["scenario"] = "bfc-2025"; }},
      {"total_sets", [](json& j) { j["total_sets"] = 4; }},
  };
  for (const auto& v : variants) {
    json b = shard(2, 2);
    v.edit(b);
    expect_refused({shard(1, 2), b}, 1, v.field);
  }
  // years: a 3-year shard with a 2-year one
  expect_refused({shard(1, 2), viz::guichet_json(test::small_guichet_run(2, 2, 3))}, 1, "sets[0].by_year");
}

TEST(GuichetMerge, ShardsMustCoverTheRunExactlyOnce) {
  // shard counts that disagree: 1/2 with 2/3 (sets 0, 2 and 1: all indices, wrong run)
  expect_refused({shard(1, 2), shard(2, 3)}, 1, "shard");
  // the same shard twice, a missing shard
  expect_refused({shard(1, 2), shard(1, 2)}, 1, "shard");
  expect_refused({shard(1, 3), shard(2, 3)}, 0, "shard");
  // an index outside 0..total_sets-1
  json b = shard(2, 2);
  b["sets"][0]["index"] = 3;
  expect_refused({shard(1, 2), b}, 1, "sets[0].index");
  // a set index twice across shards (edited into the other shard's residue)
  b = shard(1, 2);
  b["sets"][1]["index"] = 0;
  expect_refused({b, shard(2, 2)}, 0, "sets[1].index");
  // shards beyond the number of sets hold nothing and may be left out
  Shards s({shard(1, 4), shard(2, 4), shard(3, 4)});
  EXPECT_EQ(planner::merge(s.dirs, s.out().string()).sets.size(), 3u);
}

TEST(GuichetShard, HugeNumbersAreBadInputNotAnException) {
  for (const char* t : {"99999999999999999999/2", "1/99999999999999999999", "1/1000001", "0/2", "3/2", "1/0", "a/b"}) {
    try {
      planner::parse_shard(t);
      ADD_FAILURE() << t;
    } catch (const InputError& e) {
      EXPECT_EQ(e.field(), "--shard") << t;
    }
  }
  EXPECT_EQ(planner::parse_shard("2/1000000"), (std::pair<int, int>{2, 1000000}));
}

// The 2022 vs 2025 comparison holds each run's guichet, both under the rules in force each year:
// the figures are those of the guichet recomputed from each scenario (same plan, seed, draws).
TEST(GuichetCompare, BothScenariosUnderTheDatedRules) {
  dorsale::test::TempDir tmp;
  dorsale::planner::RunConfig cfg;
  cfg.out_dir = tmp.path().string();
  dorsale::planner::run(cfg, {});
  const auto c = dorsale::planner::compare_runs({(tmp.path() / "bfc-2022").string(), (tmp.path() / "bfc-2025").string()});
  ASSERT_EQ(c.guichet.size(), 2u);
  for (const char* name : {"bfc-2022", "bfc-2025"}) {
    const auto s = dorsale::scenarios::builtin_scenario(name);
    const auto region = dorsale::scenarios::load_region(s);
    const auto planned = dorsale::planner::compute_results(s, region);
    const auto in = dorsale::planner::guichet_inputs(region, planned.rollout.ftth_year, s.params, s.first_year, s.last_year - s.first_year + 1);
    const auto st = dorsale::solvers::run_guichet(in, dorsale::planner::guichet_params(s.params), int(s.params.guichet.draws), s.seed, 0, 1);
    const auto& side = c.guichet.at(name);
    EXPECT_EQ(side.first_year, s.first_year);
    EXPECT_DOUBLE_EQ(side.subsidy_total.mean, st.subsidy_total.mean) << name;
    EXPECT_DOUBLE_EQ(side.subsidy_total.p90, st.subsidy_total.p90) << name;
    ASSERT_EQ(side.subsidy_by_year.size(), st.subsidy_by_year.size());
    for (std::size_t y = 0; y < st.subsidy_by_year.size(); ++y) {
      EXPECT_DOUBLE_EQ(side.subsidy_by_year[y].p50, st.subsidy_by_year[y].p50) << name << " " << y;
      // never more than the year's highest tier per premises paid
      EXPECT_LE(st.subsidy_by_year[y].mean, 600 * st.premises_by_year[y].mean + 1e-6);
    }
    // 2019-2021: at most 150 EUR a premises
    for (int y = 0; y < 3; ++y) EXPECT_LE(st.subsidy_by_year[y].mean, 150 * st.premises_by_year[y].mean + 1e-6) << name;
  }
}
