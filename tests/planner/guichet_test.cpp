// `dorsale merge`: the shards must come from the same run and cover it exactly once; any
// disagreement is an InputError naming the file and the field, and nothing is written.
// Also --shard parsing.
#include "planner/guichet.h"
#include "planner/compare.h"
#include "planner/run.h"
#include "planner/distributed.h"
#include "io/scenario.h"
#include "regions/load_region.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>

#include "guichet_fixture.h"
#include "models/error.h"
#include "test_support.h"
#include "io/guichet_writer.h"
#include "io/guichet_cache.h"

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

// The fixed part (region and plan) is cached in the output folder and read back by the next
// run on the same inputs; a scenario or data file edited since, or another scenario, is never
// answered from it.
TEST(GuichetCache, ReusedUntilAnInputChanges) {
  dorsale::test::TempDir tmp;
  namespace fs = std::filesystem;
  using dorsale::test::slurp;
  fs::copy(std::string(DORSALE_TEST_DATA) + "/mini", tmp.path() / "data", fs::copy_options::recursive);
  const fs::path toml = tmp.path() / "mini.toml";
  auto write_scenario = [&](const std::string& extra) {
    std::ofstream(toml) << "[scenario]\nname = \"mini\"\nseed = 3\n[region]\nsource = \"opendata\"\nopendata_dir = \"data\"\n"
                           "network_plan = \"none\"\n" << extra;
  };
  write_scenario("");
  planner::GuichetConfig cfg;
  cfg.scenario = toml.string();
  cfg.draws = 200;
  cfg.threads = 2;
  cfg.out_dir = (tmp.path() / "out").string();
  // a fresh folder each time: the numbers without any cache
  int fresh_n = 0;
  auto fresh = [&] {
    planner::GuichetConfig c = cfg;
    c.out_dir = (tmp.path() / ("fresh" + std::to_string(++fresh_n))).string();
    planner::guichet(c, {});
    return slurp(fs::path(c.out_dir) / "guichet.json");
  };
  planner::guichet(cfg, {});
  const fs::path out(cfg.out_dir);
  ASSERT_TRUE(fs::exists(io::guichet_cache_file(out)));
  const std::string first = slurp(out / "guichet.json");
  // read back: the same base, the same files
  bool reused = false;
  const auto s = scenarios::load_scenario(toml.string());
  const auto base = planner::cached_guichet_base(s, out, &reused);
  EXPECT_TRUE(reused);
  EXPECT_TRUE(base == planner::compute_guichet_base(s));
  planner::guichet(cfg, {});
  EXPECT_EQ(slurp(out / "guichet.json"), first);
  // the run really reads the cache: a base planted under the scenario's key changes the numbers
  auto planted = base;
  for (auto& c : planted.communes) c.below3 = c.below3 * 3 + 100;
  io::write_guichet_cache(out, io::guichet_base_key(s), planted);
  planner::guichet(cfg, {});
  EXPECT_NE(slurp(out / "guichet.json"), first) << "the cache was not read";
  // a data file edited since: recomputed (the planted base is not used), as from a fresh folder
  io::write_guichet_cache(out, io::guichet_base_key(s), planted);
  const fs::path csv = tmp.path() / "data" / "insee-population" / "donnees_communes-mini.csv";
  fs::last_write_time(csv, fs::last_write_time(csv) + std::chrono::seconds(5));  // touched: same bytes, later time
  planner::guichet(cfg, {});
  EXPECT_EQ(slurp(out / "guichet.json"), fresh());
  EXPECT_TRUE(planner::cached_guichet_base(scenarios::load_scenario(toml.string()), out, &reused) == base);
  EXPECT_TRUE(reused) << "the recomputed base was cached under the new key";
  // the scenario edited (another seed for its region's network: another text), or another
  // scenario in the same folder: the same
  const auto s2 = scenarios::load_scenario(toml.string());
  io::write_guichet_cache(out, io::guichet_base_key(s2), planted);
  write_scenario("# edited\n");
  planner::guichet(cfg, {});
  EXPECT_EQ(slurp(out / "guichet.json"), fresh());
  io::write_guichet_cache(out, io::guichet_base_key(scenarios::load_scenario(toml.string())), planted);
  cfg.scenario.clear();  // bfc-2022, built in
  cfg.draws = 20;
  planner::guichet(cfg, {});
  const std::string builtin = slurp(out / "guichet.json");
  EXPECT_EQ(builtin, fresh());
}

// The draws of a sweep dealt to MPI ranks (planner::GuichetDeal): every (set, draw) pair to
// exactly one rank, the ranks' shares within one draw of each other (7 sets on 2 ranks: 3.5
// sets each), a split set's columns summarised by ranks that hold some of its draws, in
// proportion to them.
TEST(GuichetDeal, EveryDrawOnceInEvenShares) {
  for (const auto& [sets, draws] : {std::pair<std::int64_t, int>{7, 100000}, {7, 300}, {1, 301}, {3, 2}, {10, 7}}) {
    for (int ranks : {1, 2, 3, 4, 64}) {
      const planner::GuichetDeal deal(sets, draws, ranks);
      std::int64_t lo = INT64_MAX, hi = 0;
      for (int r = 0; r < ranks; ++r) {
        std::int64_t mine = 0;
        for (std::int64_t s = 0; s < sets; ++s) {
          const auto [d0, d1] = deal.piece(r, s);
          ASSERT_LE(d0, d1);
          mine += d1 - d0;
          for (int d : {d0, d1 - 1})
            if (d1 > d0) {
              EXPECT_EQ(deal.rank_of(s * draws + d), r);
            }
        }
        EXPECT_EQ(mine, deal.begin(r + 1) - deal.begin(r));
        lo = std::min(lo, mine);
        hi = std::max(hi, mine);
      }
      EXPECT_EQ(deal.begin(ranks), sets * draws);
      EXPECT_LE(hi - lo, 1) << sets << "x" << draws << " on " << ranks;
      for (std::int64_t s = 0; s < sets; ++s) {
        std::int64_t covered = 0;
        for (int r = 0; r < ranks; ++r) covered += deal.piece(r, s).second - deal.piece(r, s).first;
        EXPECT_EQ(covered, draws) << "set " << s;
        if (!deal.split(s)) continue;
        const int C = 128;  // bfc-2022: 2 (8 départements x 7 years + 7 + 1)
        std::map<int, int> owned;
        for (int c = 0; c < C; ++c) {
          const int o = deal.column_owner(s, c, C);
          const auto [d0, d1] = deal.piece(o, s);
          EXPECT_LT(d0, d1) << "column " << c << " given to rank " << o << " holding none of set " << s;
          ++owned[o];
        }
        for (const auto& [r, n] : owned) {
          const auto [d0, d1] = deal.piece(r, s);
          EXPECT_NEAR(double(n) / C, double(d1 - d0) / draws, 1.0 / C + 1.0 / draws) << "set " << s << " rank " << r;
        }
      }
    }
  }
  // 7 sets on 2 ranks: one split set, half its draws on each
  const planner::GuichetDeal two(7, 100000, 2);
  int split = 0;
  for (std::int64_t s = 0; s < 7; ++s) split += two.split(s);
  EXPECT_EQ(split, 1);
  EXPECT_EQ(two.piece(0, 3), (std::pair<int, int>{0, 50000}));
  EXPECT_EQ(two.piece(1, 3), (std::pair<int, int>{50000, 100000}));
}

// A rank's share of the split sets (what its pieces write where, what it sends and receives):
// every draw of every column a rank owns arrives in its slot exactly once (from its own piece or
// from one receive), no write leaves the rank's block or lands twice, and what rank r sends q is,
// in order, what q expects from r (the same set, column, draws): the transfers match.
TEST(GuichetSplitShare, EveryOwnedDrawArrivesOnceAndBothEndsListTheSameTransfers) {
  struct Run {
    std::int64_t set;
    int column, d0, count;
    bool operator==(const Run&) const = default;
  };
  for (const auto& [sets, draws] : {std::pair<std::int64_t, int>{7, 300}, {1, 301}, {3, 2}, {10, 7}, {7, 1000}}) {
    for (int ranks : {1, 2, 3, 4, 9}) {
      const planner::GuichetDeal deal(sets, draws, ranks);
      const int C = 10;
      std::map<std::pair<int, int>, std::vector<Run>> sent, expected;  // (from, to) -> runs in order
      std::int64_t split_columns = 0;
      for (std::int64_t s = 0; s < sets; ++s) split_columns += deal.split(s) ? C : 0;
      std::int64_t owned_total = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto sh = planner::guichet_split_share(deal, r, C);
        owned_total += std::int64_t(sh.owned.size());
        const std::size_t slots = sh.owned.size() * std::size_t(draws);
        std::size_t send_size = 0;
        for (const auto& t : sh.sends) send_size += std::size_t(t.count);
        // what lands where, as offsets in the rank's block: [cols | send runs]
        std::vector<int> hits(slots + send_size, 0);
        auto mark = [&](const double* at, int count, const std::string& what) {
          const std::ptrdiff_t o = at - sh.cols;
          ASSERT_TRUE(o >= 0 && std::size_t(o) + std::size_t(count) <= hits.size()) << what << " outside the block";
          for (int k = 0; k < count; ++k) ++hits[std::size_t(o) + std::size_t(k)];
        };
        for (const auto& p : sh.pieces) {
          ASSERT_TRUE(deal.split(p.set));
          ASSERT_EQ(deal.piece(r, p.set), (std::pair<int, int>{p.d0, p.d1}));
          ASSERT_EQ(p.to.size(), std::size_t(C));
          for (int c = 0; c < C; ++c) mark(p.to[std::size_t(c)], p.d1 - p.d0, "a piece's column");
        }
        for (const auto& t : sh.receives) {
          ASSERT_NE(t.rank, r);
          mark(t.data, t.count, "a receive");
          const std::size_t o = std::size_t(t.data - sh.cols), i = o / std::size_t(draws);
          ASSERT_LT(i, sh.owned.size());
          expected[{t.rank, r}].push_back({sh.owned[i].first, sh.owned[i].second, int(o % std::size_t(draws)), t.count});
        }
        for (const auto& t : sh.sends) {
          ASSERT_NE(t.rank, r);
          // the send run is some piece's column: name it
          bool found = false;
          for (const auto& p : sh.pieces)
            for (int c = 0; c < C; ++c)
              if (p.to[std::size_t(c)] == t.data) {
                EXPECT_EQ(deal.column_owner(p.set, c, C), t.rank);
                EXPECT_EQ(t.count, p.d1 - p.d0);
                sent[{r, t.rank}].push_back({p.set, c, p.d0, t.count});
                found = true;
              }
          EXPECT_TRUE(found) << "a send from no piece";
        }
        for (std::size_t k = 0; k < hits.size(); ++k)
          ASSERT_EQ(hits[k], 1) << (k < slots ? "owned column " + std::to_string(k / std::size_t(draws)) + " draw " +
                                                    std::to_string(k % std::size_t(draws))
                                              : "send run")
                                << " written " << hits[k] << " times, " << sets << "x" << draws << " on " << ranks << ", rank " << r;
      }
      EXPECT_EQ(owned_total, split_columns) << "each split set's column owned once";
      EXPECT_TRUE(sent == expected) << sets << "x" << draws << " on " << ranks;
      EXPECT_EQ(sent.empty(), split_columns == 0) << "a split set has transfers: " << sets << "x" << draws << " on " << ranks;
    }
  }
}
