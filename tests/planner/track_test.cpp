// dorsale track and dorsale calibrate, and the build pace in the roll-out.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "models/actuals.h"
#include "planner/calibrate.h"
#include "planner/rollout.h"
#include "planner/track.h"
#include "io/scenario.h"
#include "solvers/pace.h"
#include "test_support.h"

namespace {

using nlohmann::json;
using dorsale::test::run_cli;
using dorsale::test::slurp;
using dorsale::test::TempDir;

const char* kHeader = "mesure,indicateur,id_indicateur,code_departement,libelle_departement,date,valeur,unite\n";

std::string row(const std::string& dep, const std::string& date, double v) {
  return fmt::format("m,Taux,taux-deploiement-fibre,{},x,{},{:.1f},%\n", dep, date, v);
}

// days from a to b (b later), by the calendar
double days(const std::string& a, const std::string& b) {
  auto jd = [](const std::string& s) {
    std::tm tm{};
    tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(s.substr(8, 2));
    tm.tm_hour = 12;
    return double(timegm(&tm)) / 86400.0;
  };
  return jd(b) - jd(a);
}

// One run of bfc-2022, made once. From the shipped scenarios/bfc-2022.toml, the text the
// built-in bfc-2022 is compiled from (CMakeLists.txt): the same figures as `dorsale run` with no
// argument gives it (only summary.json's "file" differs), without its bfc-2025 the tests do not
// read (half the cost, under ASan too).
const std::filesystem::path& builtin_run() {
  static TempDir dir;
  static const bool made = [] {
    const std::string shipped = std::string(DORSALE_SOURCE_DIR) + "/scenarios/bfc-2022.toml";
    const int rc = run_cli({"run", shipped, "-o", (dir.path() / "out").string()}, dir.path() / "log");
    EXPECT_EQ(rc, 0) << slurp(dir.path() / "log");
    return true;
  }();
  (void)made;
  static const std::filesystem::path p = dir.path() / "out" / "bfc-2022";
  return p;
}

TEST(Track, PlanReadBetweenYearEndsAgainstAHandBuiltFile) {
  const auto run = builtin_run();
  const json s = json::parse(slurp(run / "summary.json"));
  const std::string start = s.at("start_date");
  ASSERT_EQ(start, "2018-12-31");  // the built-in region is not dated: 31 December before 2019
  auto pct = [&](int k, const std::string& dep) { return s.at("trajectory")[k].at("by_departement").at(dep).at("pct_ftth").get<double>(); };
  TempDir t;
  const auto file = t.path() / "actuals.csv";
  std::ofstream(file) << kHeader << row("21", "2018-06-30", 20) << row("21", "2019-06-30", 30) << row("21", "2019-12-31", 33)
                      << row("90", "2020-03-31", 50) << row("99", "2019-12-31", 10);
  const auto r = dorsale::planner::track({run.string(), file.string(), (t.path() / "o").string()});
  ASSERT_EQ(r.rows.size(), 4u);  // dép 99 is not the run's
  // before the plan's start: no plan, no gap
  EXPECT_FALSE(r.rows[0].planned_pct.has_value());
  // 2019-06-30: the oracle's own linear reading between 2018-12-31 and 2019-12-31
  const double f = days("2018-12-31", "2019-06-30") / days("2018-12-31", "2019-12-31");
  const double want = pct(0, "21") + f * (pct(1, "21") - pct(0, "21"));
  ASSERT_TRUE(r.rows[1].planned_pct.has_value());
  EXPECT_NEAR(*r.rows[1].planned_pct, want, 0.02);
  EXPECT_NEAR(*r.rows[1].gap_pts, want - 30, 0.02);
  EXPECT_NEAR(*r.rows[2].planned_pct, pct(1, "21"), 1e-9);  // a year end is the year's state
  const double f90 = days("2019-12-31", "2020-03-31") / days("2019-12-31", "2020-12-31");
  const double want90 = pct(1, "90") + f90 * (pct(2, "90") - pct(1, "90"));
  EXPECT_NEAR(*r.rows[3].planned_pct, want90, 0.02);
  ASSERT_EQ(r.compared, 3);
  const double mae = (std::abs(want - 30) + std::abs(pct(1, "21") - 33) + std::abs(want90 - 50)) / 3;
  EXPECT_NEAR(*r.mae_pts, mae, 0.02);
  // the files say the same
  const json tj = json::parse(slurp(t.path() / "o" / "track.json"));
  EXPECT_EQ(tj.at("rows").size(), 4u);
  EXPECT_TRUE(tj.at("rows")[0].at("planned_pct").is_null());
  EXPECT_NEAR(tj.at("mae_pts").get<double>(), mae, 0.01);
  EXPECT_NE(slurp(t.path() / "o" / "track.csv").find("departement,date,indicator,planned_pct,actual_pct,gap_pts"), std::string::npos);
}

TEST(Track, CliJsonAndErrors) {
  const auto run = builtin_run();
  TempDir t;
  std::ofstream(t.path() / "a.csv") << kHeader << row("25", "2019-12-31", 40);
  ASSERT_EQ(run_cli({"track", run.string(), "--actuals", (t.path() / "a.csv").string(), "--json"}, t.path() / "log"), 0);
  const json j = json::parse(slurp(t.path() / "log"));
  ASSERT_EQ(j.at("rows").size(), 1u);
  for (const char* k : {"departement", "date", "planned_pct", "actual_pct", "gap_pts"}) EXPECT_TRUE(j.at("rows")[0].contains(k)) << k;
  EXPECT_TRUE(j.contains("mae_pts"));
  std::ofstream(t.path() / "bad.csv") << kHeader << row("25", "2019-02-30", 40);
  EXPECT_EQ(run_cli({"track", run.string(), "--actuals", (t.path() / "bad.csv").string()}, t.path() / "log2"), 1);
  EXPECT_NE(slurp(t.path() / "log2").find("date"), std::string::npos);
}

// A hand-built actuals file for the 8 départements, to 2020-12-31, plus `later` rows after.
void write_actuals(const std::filesystem::path& p, bool later) {
  std::ofstream out(p);
  out << kHeader;
  const std::map<std::string, double> base{{"21", 25}, {"25", 28}, {"39", 3}, {"58", 5}, {"70", 4}, {"71", 9}, {"89", 6}, {"90", 14}};
  for (const auto& [dep, b] : base)
    for (int q = 0; q < 9; ++q) {
      static const char* dates[] = {"2018-12-31", "2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31",
                                    "2020-03-31", "2020-06-30", "2020-09-30", "2020-12-31"};
      out << row(dep, dates[q], b + q * (1.0 + b / 20));
    }
  if (later)
    for (const auto& [dep, b] : base) out << row(dep, "2021-06-30", 99) << row(dep, "2021-12-31", 100);
}

TEST(Calibrate, UntilGivesTheSameBytesWhateverComesAfter) {
  TempDir t;
  std::filesystem::create_directories(t.path() / "a");
  std::filesystem::create_directories(t.path() / "b");
  write_actuals(t.path() / "a" / "actuals.csv", false);
  write_actuals(t.path() / "b" / "actuals.csv", true);
  for (const char* x : {"a", "b"})
    ASSERT_EQ(run_cli({"calibrate", "bfc-2022", "--actuals", (t.path() / x / "actuals.csv").string(), "--until", "2020-12-31", "-o",
                       (t.path() / x / "out").string()},
                      t.path() / x / "log"),
              0)
        << slurp(t.path() / x / "log");
  for (const char* f : {"calibrated.toml", "fit.json"}) {
    const std::string a = slurp(t.path() / "a" / "out" / f), b = slurp(t.path() / "b" / "out" / f);
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b) << f;
  }
  // and the later rows do change it without --until
  ASSERT_EQ(run_cli({"calibrate", "bfc-2022", "--actuals", (t.path() / "b" / "actuals.csv").string(), "-o", (t.path() / "c").string()},
                    t.path() / "log"),
            0);
  EXPECT_NE(slurp(t.path() / "a" / "out" / "fit.json"), slurp(t.path() / "c" / "fit.json"));
  // the calibrated scenario runs as it is
  EXPECT_EQ(run_cli({"run", (t.path() / "a" / "out" / "calibrated.toml").string(), "-o", (t.path() / "run").string()}, t.path() / "log3"), 0)
      << slurp(t.path() / "log3");
}

// On the shared open data: calibrate, then run the calibrated scenario, then track it: every
// département within 3 points (mean absolute gap) on 2018-2020.
TEST(Calibrate, OpenDataReproducesTheActualsItWasFittedOn) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  TempDir t;
  const std::string actuals = dir + "/arcep-actuals/barometre-fibre-bfc-2017-2020.csv";
  const std::string scenario = std::string(DORSALE_SOURCE_DIR) + "/scenarios/opendata-bfc.toml";
  ASSERT_EQ(run_cli({"calibrate", scenario, "--actuals", actuals, "--until", "2020-12-31", "-o", (t.path() / "cal").string()}, t.path() / "log"), 0)
      << slurp(t.path() / "log");
  const json fit = json::parse(slurp(t.path() / "cal" / "fit.json"));
  ASSERT_EQ(fit.at("departements").size(), 8u);
  ASSERT_EQ(run_cli({"run", (t.path() / "cal" / "calibrated.toml").string(), "-o", (t.path() / "run").string()}, t.path() / "log2"), 0)
      << slurp(t.path() / "log2");
  const auto r = dorsale::planner::track({(t.path() / "run" / "opendata-bfc-calibrated").string(), actuals, ""});
  std::map<std::string, std::pair<double, int>> by_dep;
  for (const auto& row : r.rows)
    if (row.gap_pts) by_dep[row.departement].first += std::abs(*row.gap_pts), by_dep[row.departement].second += 1;
  ASSERT_EQ(by_dep.size(), 8u);
  for (const auto& [dep, g] : by_dep) {
    EXPECT_EQ(g.second, 12) << dep;  // 2018-03-31 .. 2020-12-31
    EXPECT_LE(g.first / g.second, 3.0) << dep;
    // the residual fit.json reports is the run's
    for (const auto& d : fit.at("departements"))
      if (d.at("departement") == dep) {
        EXPECT_NEAR(d.at("run_residual_pts").at("mean_abs").get<double>(), g.first / g.second, 0.02) << dep;
      }
  }
}

// The pace in the roll-out: each département passes at most its capacity (recomputed here from
// the formula), the public spend stays within the budget, and FttH only grows.
TEST(RolloutPace, EveryYearWithinPaceAndBudget) {
  auto s = dorsale::scenarios::builtin_scenario("bfc-2022");
  s.params.pace.model = dorsale::param::PaceModel::Ramp;
  s.params.pace_by_departement["21"] = {0.05, 0.3, 2019.5};
  const auto& R = dorsale::test::builtin_bfc();
  dorsale::ScenarioResults res;
  dorsale::planner::plan_rollout({R, s.params, s.first_year, s.last_year, s.file}, res);
  const auto& P = s.params;
  std::map<std::string, std::array<double, 2>> zone;
  for (const auto& c : R.communes) zone[c.departement][c.zone == dorsale::Zone::Amii || c.zone == dorsale::Zone::Amel ? 0 : 1] += double(c.premises());
  const dorsale::solvers::PaceShape shape{P.pace.public_ramp_years, P.pace.tail_years};
  for (std::size_t y = 0; y < res.rollout.years.size(); ++y) {
    const auto& ys = res.rollout.years[y];
    EXPECT_LE(ys.public_spend_eur, ys.budget_eur * (1 + 1e-9) + 1);
    const double a = std::max(2019.0, double(ys.year)), b = ys.year + 1.0;
    std::map<std::string, std::array<std::int64_t, 2>> added;
    for (std::size_t i = 0; i < R.communes.size(); ++i) {
      const auto& c = R.communes[i];
      const auto before = res.communes.states[y][i][int(dorsale::Band::Ftth)], after = res.communes.states[y + 1][i][int(dorsale::Band::Ftth)];
      EXPECT_GE(after, before);
      added[c.departement][c.zone == dorsale::Zone::Amii || c.zone == dorsale::Zone::Amel ? 0 : 1] += after - before;
    }
    for (const auto& [dep, v] : added) {
      dorsale::solvers::PaceRates r{P.pace.private_share_per_year, P.pace.public_share_per_year, P.pace.public_start_year,
                                    double(P.pace.public_target_year)};
      if (auto o = P.pace_by_departement.find(dep); o != P.pace_by_departement.end())
        r = {o->second.private_share_per_year, o->second.public_share_per_year, o->second.public_start_year, r.target_year};
      EXPECT_LE(double(v[0]), dorsale::solvers::private_capacity(r, zone[dep][0], a, b) + 1) << dep << " " << ys.year;
      // the RIP: at most its pace to the target, computed here from the zone's premises left at the year's start
      double left = 0;
      for (std::size_t i = 0; i < R.communes.size(); ++i) {
        const auto& c = R.communes[i];
        if (c.departement == dep && c.zone != dorsale::Zone::Amii && c.zone != dorsale::Zone::Amel)
          left += double(c.premises() - res.communes.states[y][i][int(dorsale::Band::Ftth)]);
      }
      EXPECT_LE(double(v[1]), dorsale::solvers::public_capacity_to_target(r, shape, zone[dep][1], left, a, b) + 1) << dep << " " << ys.year;
      EXPECT_LE(double(v[1]), dorsale::solvers::tail_capacity(shape, left, a, b) + 1) << dep << " " << ys.year;
    }
  }
  EXPECT_EQ(res.rollout.start_date, "2018-12-31");
}

}  // namespace
