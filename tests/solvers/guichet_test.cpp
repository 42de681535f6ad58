// Guichet cohésion numérique: one technology per eligible premises, subsidies within caps, the
// hand-computed total with fixed inputs, Monte Carlo convergence to the analytic expectation,
// and identical numbers whatever the threads or the sharding.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/scenario.h"

#include "models/error.h"
#include "planner/guichet.h"
#include "solvers/guichet.h"
#include "test_support.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

GuichetInputs two_communes() {
  GuichetInputs in;
  in.first_year = 2019;
  in.years = 3;
  in.deps = {"21", "89"};
  in.communes.push_back({0, 0, 100, 20, 0.5});     // never fibred in the plan
  in.communes.push_back({1, 2024, 50, 0, 0});      // FttH 2024: eligible while 2024 > y + 2
  return in;
}

GuichetParams fixed() {
  GuichetParams p;
  p.horizon_years = 2;
  p.uptake_mean = 0.2;
  p.uptake_sd = 0;
  p.cost_sd = 0;
  p.sat_pref_mean = 0.2;
  p.sat_pref_sd = 0;
  p.equipment = {400, 250, 550};
  p.cap = {150, 150, 300};
  p.speed = {30, 30, 30};
  // a scheme open every month under one rule with no tier cap: the technology caps alone
  // (the dated rules are tested in guichet_rules_test.cpp)
  p.rules = {190001, 190001, 299912, 299912, 1.0, 1e9, 0, 1e9, 1e9, 0, 0, 0};
  return p;
}

using test::slurp;

}  // namespace

TEST(Guichet, FixedInputsGiveTheHandComputedTotal) {
  // commune 1: served 20 + 16 + 12.8 = 48.8 premises at 0.2 x 150 + 0.4 x 150 + 0.4 x 300 = 210 EUR
  // commune 2: eligible 2019, 2020, 2021 (FttH 2024 > y + 2): 10 + 8 + 6.4 = 24.4 at 300 EUR
  const auto st = run_guichet(two_communes(), fixed(), 50, 7, 0, 1);
  EXPECT_NEAR(st.premises_total.mean, 48.8 + 24.4, 1e-9);
  EXPECT_NEAR(st.subsidy_total.mean, 48.8 * 210 + 24.4 * 300, 1e-6);
  EXPECT_NEAR(st.subsidy_total.p10, st.subsidy_total.p90, 1e-6);  // no randomness
  EXPECT_NEAR(st.subsidy[1][0].mean, 10 * 300, 1e-9);
  EXPECT_NEAR(st.subsidy_total.se, 0, 1e-9);
}

TEST(Guichet, EveryEligiblePremisesGetsExactlyOneTechnology) {
  auto in = two_communes();
  in.communes.push_back({0, 0, 30, 50, 0.9});  // radio capacity above the pool
  in.communes.push_back({1, 0, 40, 10, 1.0});  // 4G everywhere
  const auto st = run_guichet(in, fixed(), 10, 1, 0, 1);
  for (std::size_t y = 0; y < st.eligible_by_year.size(); ++y) {
    double sum = 0;
    for (double t : st.tech_by_year_at_mean[y]) {
      EXPECT_GE(t, -1e-12);
      sum += t;
    }
    EXPECT_NEAR(sum, st.eligible_by_year[y], 1e-9) << "year " << y;
  }
  EXPECT_NEAR(st.eligible_by_year[0], 100 + 50 + 30 + 40, 1e-9);
  EXPECT_NEAR(st.eligible_by_year[2], 100 + 50 + 30 + 40, 1e-9);
}

TEST(Guichet, NoSubsidyAboveItsCap) {
  // expensive equipment with noisy costs: each premises is paid at most its technology's cap
  auto p = fixed();
  p.equipment = {4000, 2500, 5500};
  p.cost_sd = 0.5;
  p.uptake_sd = 0.1;
  const auto st = run_guichet(two_communes(), p, 400, 3, 0, 2);
  const double max_cap = *std::max_element(p.cap.begin(), p.cap.end());
  for (std::size_t d = 0; d < st.subsidy.size(); ++d)
    for (std::size_t y = 0; y < st.subsidy[d].size(); ++y) {
      EXPECT_LE(st.subsidy[d][y].p90, max_cap * st.premises[d][y].p90 + 1e-6);
      EXPECT_LE(st.subsidy[d][y].mean, max_cap * st.premises[d][y].mean + 1e-6);
    }
  // with costs far above the caps every premises is paid exactly its cap
  EXPECT_NEAR(st.subsidy[1][0].mean, 300 * st.premises[1][0].mean, 1e-6);
}

TEST(Guichet, MonteCarloMeanConvergesToTheAnalyticExpectation) {
  // one commune, 5 eligible years, uptake ~ Beta(mean 0.25, sd 0.08):
  // E[served] = P (1 - E[(1 - u)^5]),  E[(1-u)^n] = prod_k (b + k) / (a + b + k)
  GuichetInputs in;
  in.first_year = 2019;
  in.years = 5;
  in.deps = {"21"};
  in.communes.push_back({0, 0, 1000, 0, 0});
  auto p = fixed();
  p.uptake_mean = 0.25;
  p.uptake_sd = 0.08;
  const double m = 0.25, v = 0.08 * 0.08, nu = m * (1 - m) / v - 1, a = m * nu, b = (1 - m) * nu;
  double prod = 1;
  for (int k = 0; k < 5; ++k) prod *= (b + k) / (a + b + k);
  const double expected = 1000 * (1 - prod);
  const auto st = run_guichet(in, p, 20000, 11, 0, 2);
  EXPECT_NEAR(st.premises_total.mean, expected, 3 * st.premises_total.se) << "se " << st.premises_total.se;
  EXPECT_NEAR(st.subsidy_total.mean, 300 * expected, 3 * st.subsidy_total.se);
  EXPECT_GT(st.premises_total.se, 0);
}

TEST(Guichet, SameNumbersWhateverTheThreads) {
  auto in = two_communes();
  auto p = fixed();
  p.uptake_sd = 0.1;
  p.cost_sd = 0.2;
  p.sat_pref_sd = 0.05;
  const auto a = run_guichet(in, p, 3001, 5, 2, 1);
  const auto b = run_guichet(in, p, 3001, 5, 2, 2);
  EXPECT_EQ(a.subsidy_total.mean, b.subsidy_total.mean);
  EXPECT_EQ(a.subsidy_total.p90, b.subsidy_total.p90);
  EXPECT_EQ(a.premises[1][2].p10, b.premises[1][2].p10);
}

TEST(GuichetRun, ThreadsAndShardsGiveIdenticalFiles) {
  test::TempDir tmp;
  const auto sweep = tmp.path() / "sweep.toml";
  std::ofstream(sweep) << "[grid]\n\"guichet.uptake_mean\" = [0.15, 0.3]\n\"guichet.satellite_cap_eur\" = [300, 500]\n"
                          "[[set]]\nname = \"x\"\n\"guichet.horizon_years\" = 4\n";
  planner::GuichetConfig cfg;
  cfg.sweep = sweep.string();
  cfg.draws = 300;
  cfg.seed = 42;
  cfg.seed_given = true;
  cfg.threads = 1;
  cfg.out_dir = (tmp.path() / "single1").string();
  planner::guichet(cfg, {});
  const std::string first = slurp(tmp.path() / "single1" / "guichet.json");
  planner::guichet(cfg, {});  // again in the same folder: the region and plan read from its cache
  EXPECT_EQ(slurp(tmp.path() / "single1" / "guichet.json"), first) << "cached fixed part";
  cfg.threads = 2;
  cfg.out_dir = (tmp.path() / "single2").string();
  planner::guichet(cfg, {});
  // the other folders start from single1's cache (the same key: the region and plan are not
  // built again; single2 built its own)
  auto seeded = [&](const std::string& name) {
    const auto dir = tmp.path() / name;
    std::filesystem::create_directories(dir / ".dorsale");
    std::filesystem::copy_file(tmp.path() / "single1" / ".dorsale" / "guichet-base.bin", dir / ".dorsale" / "guichet-base.bin");
    return dir.string();
  };
  cfg.threads = 3;
  cfg.out_dir = seeded("single3");
  planner::guichet(cfg, {});
  std::vector<std::string> shards;
  for (int i = 1; i <= 3; ++i) {
    cfg.shard_index = i;
    cfg.shard_count = 3;
    cfg.out_dir = seeded("shard" + std::to_string(i));
    planner::guichet(cfg, {});
    shards.push_back(cfg.out_dir);
  }
  planner::merge(shards, (tmp.path() / "merged").string());
  for (const char* f : {"guichet.json", "results.h5"}) {
    EXPECT_EQ(slurp(tmp.path() / "single1" / f), slurp(tmp.path() / "single2" / f)) << f << ": 1 vs 2 threads";
    EXPECT_EQ(slurp(tmp.path() / "single1" / f), slurp(tmp.path() / "single3" / f)) << f << ": 1 vs 3 threads";
    EXPECT_EQ(slurp(tmp.path() / "single1" / f), slurp(tmp.path() / "merged" / f)) << f << ": merged shards vs single run";
  }
  // a missing shard is an error
  EXPECT_THROW(planner::merge({shards[0], shards[1]}, (tmp.path() / "bad").string()), InputError);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "bad"));
}

TEST(GuichetBadInput, UptakeOutsideUnitIntervalShardAndSweepKey) {
  EXPECT_THROW(scenarios::parse_scenario("[guichet]\nuptake_mean = 1.5\n", "s.toml", ""), InputError);
  EXPECT_THROW(planner::parse_shard("3/2"), InputError);
  EXPECT_THROW(planner::parse_shard("0/2"), InputError);
  EXPECT_THROW(planner::parse_shard("1-2"), InputError);
  test::TempDir tmp;
  const auto sweep = tmp.path() / "sweep.toml";
  std::ofstream(sweep) << "[grid]\n\"guichet.uptake_mean\" = [0.1]\n\n[[set]]\n\"guichet.uptake_maen\" = 0.3\n";
  planner::GuichetConfig cfg;
  cfg.sweep = sweep.string();
  cfg.draws = 10;
  cfg.out_dir = (tmp.path() / "out").string();
  try {
    planner::guichet(cfg, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.field(), "guichet.uptake_maen");
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out"));
  std::ofstream(sweep) << "[grid]\n\"costs.build_eur_per_km\" = [1]\n";
  EXPECT_THROW(planner::guichet(cfg, {}), InputError);
}

TEST(GuichetRun, ZeroCorrelationGivesTheUncorrelatedFilesByteForByte) {
  // bfc-2022 as shipped (uptake_correlation at its default 0: the independent draws) and the
  // same scenario with `uptake_correlation = 0` written out: the same guichet.json and
  // results.h5 once the scenario's text hash (the files' texts differ) is the same
  test::TempDir tmp;
  const std::string shipped = std::string(DORSALE_SOURCE_DIR) + "/scenarios/bfc-2022.toml";
  const auto explicit_zero = tmp.path() / "zero.toml";
  {
    std::ofstream(explicit_zero) << slurp(shipped) << "\n[guichet]\nuptake_correlation = 0\n";
  }
  planner::GuichetConfig cfg;
  cfg.draws = 400;
  cfg.threads = 2;
  cfg.scenario = shipped;
  const GuichetRun a = planner::run_guichet_sets(cfg, {});
  cfg.scenario = explicit_zero.string();
  GuichetRun b = planner::run_guichet_sets(cfg, {});
  ASSERT_NE(a.scenario_hash, b.scenario_hash);
  b.scenario_hash = a.scenario_hash;
  planner::write_guichet_outputs(a, (tmp.path() / "a").string());
  planner::write_guichet_outputs(b, (tmp.path() / "b").string());
  for (const char* f : {"guichet.json", "results.h5"}) EXPECT_EQ(slurp(tmp.path() / "a" / f), slurp(tmp.path() / "b" / f)) << f;
  // and a positive correlation changes them (the test can fail)
  {
    std::ofstream(explicit_zero) << slurp(shipped) << "\n[guichet]\nuptake_correlation = 0.4\n";
  }
  GuichetRun c = planner::run_guichet_sets(cfg, {});
  c.scenario_hash = a.scenario_hash;
  planner::write_guichet_outputs(c, (tmp.path() / "c").string());
  EXPECT_NE(slurp(tmp.path() / "a" / "guichet.json"), slurp(tmp.path() / "c" / "guichet.json"));
}

// A region of 100 départements x 7 years (synthetic-10x has more than 512 département-years):
// with no randomness, every département holds the same commune, so each département-year equals
// the first one and the region's total is 100 times one département's.
TEST(Guichet, ManyDepartementsEachGetTheSameAsOne) {
  GuichetInputs in;
  in.first_year = 2019;
  in.years = 7;
  for (int d = 0; d < 100; ++d) {
    in.deps.push_back(fmt::format("D{}", d));
    in.communes.push_back({d, 0, 100, 20, 0.5});
  }
  GuichetInputs one = in;
  one.deps.resize(1);
  one.communes.resize(1);
  const auto all = run_guichet(in, fixed(), 20, 7, 0, 2);
  const auto single = run_guichet(one, fixed(), 20, 7, 0, 1);
  ASSERT_EQ(all.subsidy.size(), 100u);
  EXPECT_GT(single.subsidy_total.mean, 0);
  EXPECT_NEAR(all.subsidy_total.mean, 100 * single.subsidy_total.mean, 1e-6 * all.subsidy_total.mean);
  for (int d = 0; d < 100; ++d)
    for (int y = 0; y < 7; ++y) EXPECT_DOUBLE_EQ(all.subsidy[d][y].mean, single.subsidy[0][y].mean) << d << " " << y;
}

// The draws of a set made in pieces (as MPI ranks make them: planner::GuichetDeal), put back
// together column by column and summarised, give exactly run_guichet's statistics, whatever
// the cut and the threads, with and without the take-up correlation.
TEST(GuichetColumns, PiecesGiveTheWholeRunsStatistics) {
  auto in = two_communes();
  in.communes.push_back({0, 2021, 70, 5, 0.3});
  auto p = fixed();
  p.uptake_sd = 0.1;
  p.cost_sd = 0.2;
  p.sat_pref_sd = 0.05;
  const int draws = 1001;
  for (double rho : {0.0, 0.5}) {
    p.uptake_correlation = rho;
    const auto whole = run_guichet(in, p, draws, 9, 4, 2);
    const GuichetColumns cols(in, p, 9, 4);
    ASSERT_EQ(cols.columns(), guichet_columns(2, 3));
    for (const std::vector<int>& cuts : {std::vector<int>{0, draws}, {0, 1, 500, draws}, {0, 333, 334, 900, draws}}) {
      std::vector<std::vector<double>> columns(std::size_t(cols.columns()));
      for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        const int n = cuts[i + 1] - cuts[i];
        std::vector<double> piece(std::size_t(cols.columns()) * std::size_t(n));
        cols.sample(cuts[i], cuts[i + 1], piece.data(), int(i % 3) + 1);
        for (std::size_t c = 0; c < columns.size(); ++c)
          columns[c].insert(columns[c].end(), piece.begin() + std::ptrdiff_t(c * std::size_t(n)), piece.begin() + std::ptrdiff_t((c + 1) * std::size_t(n)));
      }
      const auto q = summarise_draw_columns(columns, 2);
      const auto st = guichet_stats_from_columns(in, p, q, draws);
      const auto a = guichet_stats_columns(whole), b = guichet_stats_columns(st);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t c = 0; c < a.size(); ++c) {
        EXPECT_EQ(a[c].mean, b[c].mean) << "rho " << rho << " column " << c << " cuts " << cuts.size();
        EXPECT_EQ(a[c].se, b[c].se) << c;
        EXPECT_EQ(a[c].p10, b[c].p10) << c;
        EXPECT_EQ(a[c].p50, b[c].p50) << c;
        EXPECT_EQ(a[c].p90, b[c].p90) << c;
      }
      EXPECT_EQ(st.eligible_by_year, whole.eligible_by_year);
      EXPECT_EQ(st.tech_by_year_at_mean, whole.tech_by_year_at_mean);
    }
    EXPECT_GT(whole.subsidy_total.p90, whole.subsidy_total.p10) << "the draws differ (the test can fail)";
  }
}

// Each column written where its reader wants it (MPI ranks: an owned column into its slot among
// all the set's draws, the others into send runs) holds exactly what the flat layout holds; and
// the draw matrices lent by guichet_workspace (filled with garbage here, as a rank's pieces fill
// them) leave the next run_guichet's statistics unchanged.
TEST(GuichetColumns, ColumnsWrittenWhereTheyAreReadHoldTheFlatLayoutsDraws) {
  auto in = two_communes();
  auto p = fixed();
  p.uptake_sd = 0.1;
  p.cost_sd = 0.2;
  const GuichetColumns cols(in, p, 5, 2);
  const int C = cols.columns(), d0 = 37, d1 = 700, n = d1 - d0;
  std::vector<double> flat(std::size_t(C) * std::size_t(n));
  cols.sample(d0, d1, flat.data(), 1);
  // columns scattered over one buffer in reverse order, n + 3 apart, a NaN between them
  std::vector<double> scattered(std::size_t(C) * std::size_t(n + 3), std::nan(""));
  std::vector<double*> to(static_cast<std::size_t>(C));
  for (int c = 0; c < C; ++c) to[std::size_t(c)] = scattered.data() + std::size_t(C - 1 - c) * std::size_t(n + 3) + 1;
  for (int threads : {1, 3}) {
    cols.sample(d0, d1, to.data(), threads);
    for (int c = 0; c < C; ++c) {
      for (int k = 0; k < n; ++k)
        ASSERT_EQ(to[std::size_t(c)][k], flat[std::size_t(c) * std::size_t(n) + std::size_t(k)]) << "column " << c << " draw " << d0 + k;
      EXPECT_TRUE(std::isnan(to[std::size_t(c)][-1]) && std::isnan(to[std::size_t(c)][n])) << "column " << c << " overflows its run";
    }
  }
  EXPECT_NE(flat[0], flat[1]) << "the draws differ (the test can fail)";
  const auto before = guichet_stats_columns(run_guichet(in, p, 2000, 5, 2, 1));
  double* lent = guichet_workspace(std::size_t(C) * 2000);
  std::fill(lent, lent + std::size_t(C) * 2000, -1e300);
  const auto after = guichet_stats_columns(run_guichet(in, p, 2000, 5, 2, 1));
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t c = 0; c < before.size(); ++c) {
    EXPECT_EQ(before[c].mean, after[c].mean) << c;
    EXPECT_EQ(before[c].p10, after[c].p10) << c;
    EXPECT_EQ(before[c].p90, after[c].p90) << c;
    EXPECT_EQ(before[c].se, after[c].se) << c;
  }
}
