// results.xlsx read back (libzip + the sheets' XML, tests/xlsx_reader.h): every sheet equals the
// run's own figures, recomputed here from the typed results (summary, year totals, bill of
// quantities, towers programme, guichet quantiles, interconnection decisions); numbers are
// stored as numbers, units are in the headers; nothing is left at the path when writing fails.
#include "io/xlsx.h"

#include "io/reasons.h"
#include "io/spelling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "guichet_fixture.h"
#include "models/run_summary.h"
#include "models/technology.h"
#include "planner/quantities.h"
#include "planner/towers.h"
#include "io/scenario.h"
#include "test_support.h"
#include "xlsx_reader.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  scenarios::Scenario s = scenarios::builtin_scenario("bfc-2022");
  std::optional<TowersResult> towers;
  BillOfQuantities bill;
  GuichetRun guichet;
  std::vector<test::XlsxSheet> sheets;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.towers = planner::towers_for_region(test::builtin_bfc(), x.s, planner::TowersConfig{});
    x.bill = planner::bill_of_quantities(test::builtin_bfc(), x.s.params, test::builtin_bfc_results(), x.towers);
    x.guichet = test::small_guichet_run(1, 1);
    test::TempDir tmp;
    const auto path = tmp.path() / "results.xlsx";
    io::write_xlsx(path, io::results_sheets(test::builtin_bfc(), test::builtin_bfc_results(), x.bill.rows, &*x.towers, x.guichet));
    x.sheets = test::read_xlsx(path.string());
    return x;
  }();
  return f;
}

const test::XlsxSheet& sheet(const std::string& name) {
  for (const auto& s : fixture().sheets)
    if (s.name == name) return s;
  ADD_FAILURE() << "no sheet " << name;
  static const test::XlsxSheet none;
  return none;
}

// The number in row r under header h (a test failure when the cell is not a number).
double num(const test::XlsxSheet& s, std::size_t r, const std::string& h) {
  const int c = s.column(h);
  EXPECT_GE(c, 0) << s.name << ": no column " << h;
  if (c < 0 || r >= s.rows.size() || std::size_t(c) >= s.rows[r].size() || !s.rows[r][std::size_t(c)]) {
    ADD_FAILURE() << s.name << " row " << r << " " << h << ": empty";
    return NAN;
  }
  const auto& cell = *s.rows[r][std::size_t(c)];
  EXPECT_TRUE(cell.is_number) << s.name << " row " << r << " " << h << ": stored as the text '" << cell.text << "'";
  return cell.number;
}

std::string text(const test::XlsxSheet& s, std::size_t r, const std::string& h) {
  const int c = s.column(h);
  EXPECT_GE(c, 0) << s.name << ": no column " << h;
  if (c < 0 || r >= s.rows.size() || std::size_t(c) >= s.rows[r].size() || !s.rows[r][std::size_t(c)]) return "";
  EXPECT_FALSE(s.rows[r][std::size_t(c)]->is_number) << s.name << " row " << r << " " << h;
  return s.rows[r][std::size_t(c)]->text;
}

// libxlsxwriter writes 15 significant digits ("%.16G" rounds the 17th): equal to that precision
void expect_same(double got, double want, const std::string& what) { EXPECT_NEAR(got, want, 1e-13 * std::max(1.0, std::abs(want))) << what; }

}  // namespace

TEST(Xlsx, HasOneSheetPerTableAndEveryHeaderHasItsUnit) {
  std::vector<std::string> names;
  for (const auto& s : fixture().sheets) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"trajectory", "by_technology", "by_departement", "quantities", "towers", "guichet", "interconnection"}));
  for (const auto& s : fixture().sheets) {
    ASSERT_FALSE(s.rows.empty()) << s.name;
    EXPECT_GT(s.rows.size(), 1u) << s.name << " has no data row";
    // every numeric column's header names a unit in brackets (year and counts of rows aside)
    for (std::size_t c = 0; c < s.rows[0].size(); ++c) {
      const std::string h = s.rows[0][c]->text;
      bool numeric = false;
      for (std::size_t r = 1; r < s.rows.size(); ++r)
        if (c < s.rows[r].size() && s.rows[r][c] && s.rows[r][c]->is_number) numeric = true;
      if (numeric && h != "year" && s.name != "guichet") EXPECT_NE(h.find(" ["), std::string::npos) << s.name << ": " << h;
    }
  }
  EXPECT_GE(sheet("guichet").column("unit"), 0);
}

TEST(Xlsx, TrajectoryAndTechnologiesEqualTheRunSummary) {
  const auto summary = summarize_run(test::builtin_bfc(), test::builtin_bfc_results());
  const auto years = year_totals(test::builtin_bfc(), test::builtin_bfc_results());
  const auto& t = sheet("trajectory");
  ASSERT_EQ(t.rows.size(), summary.trajectory.size() + 1);
  for (std::size_t i = 0; i < summary.trajectory.size(); ++i) {
    const auto& y = summary.trajectory[i];
    const std::size_t r = i + 1;
    EXPECT_EQ(num(t, r, "year"), y.year);
    expect_same(num(t, r, "premises_ge8 [%]"), y.figures.shares.pct_ge8, "ge8");
    expect_same(num(t, r, "premises_ge30 [%]"), y.figures.shares.pct_ge30, "ge30");
    expect_same(num(t, r, "premises_ftth [%]"), y.figures.shares.pct_ftth, "ftth");
    expect_same(num(t, r, "public_spend [EUR]"), y.figures.public_spend_eur, "public");
    expect_same(num(t, r, "private_spend [EUR]"), y.figures.private_spend_eur, "private");
    expect_same(num(t, r, "alternatives_spend [EUR]"), y.figures.alternatives_eur, "alternatives");
  }
  const auto& k = sheet("by_technology");
  ASSERT_EQ(k.rows.size(), years.size() + 1);
  std::int64_t alternatives = 0;
  for (std::size_t i = 0; i < years.size(); ++i) {
    const std::size_t r = i + 1;
    EXPECT_EQ(num(k, r, "year"), years[i].year);
    EXPECT_EQ(num(k, r, "ftth [premises]"), double(years[i].bands[int(Band::Ftth)]));
    EXPECT_EQ(num(k, r, "ge30_not_ftth [premises]"), double(years[i].bands[int(Band::ThdNonFtth)]));
    for (int tech = 0; tech < kTechnologyCount; ++tech) {
      const std::string h = std::string(io::spell(Technology(tech))) + " [premises]";
      EXPECT_EQ(num(k, r, h), double(summary.trajectory[i].figures.premises_by_technology[tech])) << h << " " << years[i].year;
      alternatives += std::int64_t(num(k, r, h));
    }
  }
  EXPECT_GT(alternatives, 0) << "bfc-2022 deploys alternatives: the sheet would not show a wrong column";
}

TEST(Xlsx, DepartementsEqualTheRunSummary) {
  const auto& region = test::builtin_bfc();
  const auto summary = summarize_run(region, test::builtin_bfc_results());
  const auto& s = sheet("by_departement");
  ASSERT_EQ(s.rows.size(), summary.trajectory.size() * region.departements.size() + 1);
  std::map<std::string, std::string> names;
  for (const auto& d : region.departements) names[d.code] = d.name;
  std::size_t r = 1;
  for (const auto& y : summary.trajectory)
    for (std::size_t d = 0; d < region.departements.size(); ++d, ++r) {
      const std::string code = text(s, r, "departement");
      EXPECT_EQ(num(s, r, "year"), y.year);
      ASSERT_TRUE(y.by_departement.count(code)) << code;
      EXPECT_EQ(text(s, r, "name"), names.at(code));
      const auto& sh = y.by_departement.at(code);
      expect_same(num(s, r, "premises_ge8 [%]"), sh.pct_ge8, code);
      expect_same(num(s, r, "premises_ge30 [%]"), sh.pct_ge30, code);
      expect_same(num(s, r, "premises_ftth [%]"), sh.pct_ftth, code);
      EXPECT_EQ(num(s, r, "premises [premises]"), double(summary.premises_by_departement.at(code))) << code;
    }
}

TEST(Xlsx, QuantitiesAndTowersEqualTheBillAndTheProgramme) {
  const auto& f = fixture();
  const auto& q = sheet("quantities");
  ASSERT_EQ(q.rows.size(), f.bill.rows.size() + 1);
  for (std::size_t i = 0; i < f.bill.rows.size(); ++i) {
    const auto& b = f.bill.rows[i];
    const std::size_t r = i + 1;
    EXPECT_EQ(num(q, r, "year"), b.year);
    if (!b.departement.empty()) EXPECT_EQ(text(q, r, "departement"), b.departement);
    EXPECT_EQ(num(q, r, "premises_passed_public [premises]"), double(b.premises_passed_public));
    EXPECT_EQ(num(q, r, "premises_passed_private [premises]"), double(b.premises_passed_private));
    EXPECT_EQ(num(q, r, "premises_alternatives [premises]"), double(b.premises_alternatives));
    expect_same(num(q, r, "trench [km]"), b.trench_km, "trench");
    expect_same(num(q, r, "cable_gt144f [km]"), b.cable_km[2], "cable");
    EXPECT_EQ(num(q, r, "nros_in_service [NROs]"), b.nros);
    EXPECT_EQ(num(q, r, "pms [PMs]"), b.pms);
    EXPECT_EQ(num(q, r, "masts [masts]"), b.masts);
    expect_same(num(q, r, "public_ftth [EUR]"), b.public_ftth_eur, "public");
    expect_same(num(q, r, "collecte [EUR]"), b.collecte_eur, "collecte");
    expect_same(num(q, r, "masts [EUR]"), b.masts_eur, "masts");
    expect_same(num(q, r, "per_premises_connected [EUR]"), b.eur_per_premises_connected(), "per connected");
  }
  const auto& t = sheet("towers");
  ASSERT_EQ(t.rows.size(), f.towers->programme.size() + 1);
  for (std::size_t i = 0; i < f.towers->programme.size(); ++i) {
    const auto& y = f.towers->programme[i];
    EXPECT_EQ(num(t, i + 1, "year"), y.year);
    EXPECT_EQ(num(t, i + 1, "sites [sites]"), double(y.sites.size()));
    expect_same(num(t, i + 1, "cost [EUR]"), y.cost_eur, "towers cost");
    expect_same(num(t, i + 1, "premises_newly_covered [premises]"), y.premises_newly_covered, "covered");
    if (!y.sites.empty()) EXPECT_EQ(text(t, i + 1, "site_ids").substr(0, y.sites[0].size()), y.sites[0]);
  }
}

TEST(Xlsx, GuichetQuantilesAndDecisionsEqualTheRun) {
  const auto& g = fixture().guichet;
  const auto& s = sheet("guichet");
  // one row per set, measure, year and (région + each département)
  std::size_t want = 0;
  for (const auto& set : g.sets) want += 2 * set.stats.subsidy_by_year.size() * (1 + g.deps.size());
  ASSERT_EQ(s.rows.size(), want + 1);
  std::set<std::string> seen;
  for (std::size_t r = 1; r < s.rows.size(); ++r) {
    const std::string set_name = text(s, r, "set"), measure = text(s, r, "measure"), dep = text(s, r, "departement");
    const std::size_t y = std::size_t(num(s, r, "year") - g.first_year);
    const GuichetSetResult* set = nullptr;
    for (const auto& x : g.sets)
      if (x.name == set_name) set = &x;
    ASSERT_TRUE(set) << set_name;
    ASSERT_TRUE(measure == "subsidy" || measure == "premises") << measure;
    EXPECT_EQ(text(s, r, "unit"), measure == "subsidy" ? "EUR" : "premises");
    const auto& st = set->stats;
    Quantiles q;
    if (dep == "region") {
      q = (measure == "subsidy" ? st.subsidy_by_year : st.premises_by_year).at(y);
    } else {
      const auto d = std::size_t(std::find(g.deps.begin(), g.deps.end(), dep) - g.deps.begin());
      ASSERT_LT(d, g.deps.size()) << dep;
      q = (measure == "subsidy" ? st.subsidy : st.premises).at(d).at(y);
    }
    expect_same(num(s, r, "mean"), q.mean, "mean");
    expect_same(num(s, r, "p10"), q.p10, "p10");
    expect_same(num(s, r, "p50"), q.p50, "p50");
    expect_same(num(s, r, "p90"), q.p90, "p90");
    expect_same(num(s, r, "standard_error"), q.se, "se");
    EXPECT_TRUE(seen.insert(set_name + measure + dep + std::to_string(y)).second) << "twice: " << set_name << measure << dep << y;
  }
  const auto& ic = test::builtin_bfc_results().interconnection;
  const auto& d = sheet("interconnection");
  ASSERT_FALSE(ic.decisions.empty());
  ASSERT_EQ(d.rows.size(), ic.decisions.size() + 1);
  for (std::size_t i = 0; i < ic.decisions.size(); ++i) {
    const auto& x = ic.decisions[i];
    EXPECT_EQ(text(d, i + 1, "id"), x.id);
    EXPECT_EQ(text(d, i + 1, "decision"), io::spell(x.decision));
    expect_same(num(d, i + 1, "total [EUR]"), x.total_eur, x.id);
    expect_same(num(d, i + 1, "capex [EUR]"), x.capex_eur, x.id);
    expect_same(num(d, i + 1, "latency [ms]"), x.latency_ms, x.id);
    const auto req = std::find_if(ic.requests.begin(), ic.requests.end(), [&](const auto& q) { return q.id == x.id; });
    ASSERT_NE(req, ic.requests.end()) << x.id;
    EXPECT_EQ(num(d, i + 1, "pairs [pairs]"), req->pairs) << x.id;
    EXPECT_EQ(text(d, i + 1, "requester"), req->requester) << x.id;
    if (!x.reasons.empty()) {
      const std::string first = io::reason_text(x.reasons[0]);
      EXPECT_EQ(text(d, i + 1, "reasons").substr(0, first.size()), first);
    }
  }
}

TEST(Xlsx, AFailedWriteLeavesNothingAtThePath) {
  test::TempDir tmp;
  // a sheet name Excel forbids: libxlsxwriter refuses it, and no file (nor its .tmp) is left
  std::vector<io::Sheet> bad = {{"a/b", {"x"}, {{std::int64_t(1)}}}};
  EXPECT_THROW(io::write_xlsx(tmp.path() / "results.xlsx", bad), std::runtime_error);
  EXPECT_TRUE(test::visible(tmp.path()).empty());
}
