// Bills of quantities add up to what the plan builds (premises passed, spends, collecte km,
// NROs, alternatives, masts), each recomputed here from the plan's own records; PM zones
// respect the ARCEP size rule (decision 2010-1312 art. 3); the cost Monte Carlo at degenerate
// ranges gives back the plan's spends; quantities.csv round-trips and its reader names line and
// column of bad input.
#include "planner/quantities.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "models/error.h"
#include "models/run_summary.h"
#include "planner/towers.h"
#include "io/scenario.h"
#include "solvers/cost_mc.h"
#include "test_support.h"
#include "io/quantities_writer.h"

using namespace dorsale;

namespace {

struct Fixture {
  scenarios::Scenario s = scenarios::builtin_scenario("bfc-2022");
  std::optional<TowersResult> towers;
  BillOfQuantities bill;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.towers = planner::towers_for_region(test::builtin_bfc(), x.s, planner::TowersConfig{});
    x.bill = planner::bill_of_quantities(test::builtin_bfc(), x.s.params, test::builtin_bfc_results(), x.towers);
    return x;
  }();
  return f;
}

std::map<int, QuantitiesRow> by_year(const std::vector<QuantitiesRow>& rows) {
  std::map<int, QuantitiesRow> out;
  for (const auto& r : rows) out[r.year] += r;
  return out;
}

void expect_close(double a, double b, const std::string& what) { EXPECT_NEAR(a, b, 1e-6 * std::max(1.0, std::abs(b))) << what; }

}  // namespace

TEST(Quantities, RowsAreOnePerYearAndDepartement) {
  const auto& f = fixture();
  const Region& R = test::builtin_bfc();
  std::set<std::string> deps;
  for (const auto& d : R.departements) deps.insert(d.code);
  std::set<std::pair<int, std::string>> seen;
  for (const auto& r : f.bill.rows) {
    EXPECT_TRUE(deps.count(r.departement)) << r.departement;
    EXPECT_TRUE(seen.insert({r.year, r.departement}).second) << r.year << " " << r.departement;
  }
  EXPECT_EQ(seen.size(), deps.size() * test::builtin_bfc_results().rollout.years.size());
}

TEST(Quantities, AddUpToThePlanEveryYear) {
  const auto& f = fixture();
  const auto& res = test::builtin_bfc_results();
  const auto years = by_year(f.bill.rows);
  ASSERT_EQ(years.size(), res.rollout.years.size());
  for (const auto& ys : res.rollout.years) {
    const auto& q = years.at(ys.year);
    const std::string y = std::to_string(ys.year);
    EXPECT_EQ(q.premises_passed(), ys.ftth_premises_added) << y;
    expect_close(q.public_ftth_eur + q.collecte_eur, ys.public_spend_eur, "public spend " + y);
    expect_close(q.collecte_eur, ys.collecte_eur, "collecte " + y);
    expect_close(q.private_ftth_eur, ys.private_spend_eur, "private spend " + y);
    expect_close(q.alternatives_eur, ys.alternatives_eur, "alternatives " + y);
    expect_close(q.trench_km + q.aerial_km + q.duct_km, ys.collecte_km, "collecte km " + y);
    expect_close(q.cable_km[0] + q.cable_km[1] + q.cable_km[2], ys.collecte_km, "cable km " + y);
  }
}

TEST(Quantities, PremisesNrosAndMastsMatchAnIndependentCount) {
  const auto& f = fixture();
  const Region& R = test::builtin_bfc();
  const auto& res = test::builtin_bfc_results();
  const int first = res.rollout.years.front().year, last = res.rollout.years.back().year;
  // premises passed, public and private, from the communes' states before and after the plan
  std::int64_t pub = 0, priv = 0;
  const auto& before = res.communes.states.front();
  const auto& after = res.communes.states.back();
  for (std::size_t i = 0; i < R.communes.size(); ++i) {
    const auto added = after[i][int(Band::Ftth)] - before[i][int(Band::Ftth)];
    (R.communes[i].zone == Zone::Amii || R.communes[i].zone == Zone::Amel ? priv : pub) += added;
  }
  std::int64_t q_pub = 0, q_priv = 0, q_alt = 0;
  int q_nros = 0, q_masts = 0;
  double q_masts_eur = 0;
  for (const auto& r : f.bill.rows) {
    q_pub += r.premises_passed_public;
    q_priv += r.premises_passed_private;
    q_alt += r.premises_alternatives;
    q_nros += r.nros;
    q_masts += r.masts;
    q_masts_eur += r.masts_eur;
  }
  EXPECT_EQ(q_pub, pub);
  EXPECT_EQ(q_priv, priv);
  // NROs: the network's NRO nodes whose collecte the plan connects in its years
  int nros = 0;
  for (std::size_t i = 0; i < R.network.nodes().size(); ++i)
    if (R.network.node(int(i)).kind == NodeKind::Nro && res.rollout.nro_connected_year[i] >= first && res.rollout.nro_connected_year[i] <= last)
      ++nros;
  EXPECT_EQ(q_nros, nros);
  EXPECT_GT(nros, 0);
  // issue #21 item 18: the two NRO counts have two names saying what each counts; the summary's
  // nros_opened (public collecte trees only) never exceeds the NROs brought into service
  const std::string head = viz::quantities_csv(f.bill.rows).substr(0, viz::quantities_csv(f.bill.rows).find('\n'));
  EXPECT_NE(("," + head + ",").find(",nros_in_service,"), std::string::npos) << head;
  EXPECT_EQ(("," + head + ",").find(",nros,"), std::string::npos) << head << ": a bare 'nros' reads as the summary's nros_opened";
  int opened = 0;
  for (const auto& ys : res.rollout.years) opened += ys.nros_opened;
  EXPECT_LE(opened, q_nros);
  EXPECT_GT(opened, 0);
  // alternatives: at least the premises on an alternative at the end (some later got FttH)
  const auto totals = year_totals(R, res);
  std::int64_t alt_end = 0;
  for (auto v : totals.back().technologies) alt_end += v;
  EXPECT_GE(q_alt, alt_end);
  // masts: the programme's sites that are no existing high point, at the candidate build cost
  std::set<std::string> existing;
  for (const auto& h : R.high_points)
    if (h.existing) existing.insert(h.id);
  int masts = 0;
  for (const auto& y : f.towers->programme)
    for (const auto& id : y.sites) masts += existing.count(id) ? 0 : 1;
  EXPECT_EQ(q_masts, masts);
  EXPECT_GT(masts, 0);
  expect_close(q_masts_eur, masts * f.s.params.mobile.candidate_build_eur, "masts EUR");
}

TEST(Quantities, PmCountIsTheLargestWithZonesOfTheMinimumSize) {
  for (int m : {1, 7, 300, 1000})
    for (std::int64_t p = 0; p <= 5000; p += (p < 50 ? 1 : 7)) {
      int brute = 0;  // the largest n with every one of n zones at least m (even split: floor(p / n) >= m)
      for (int n = 1; n <= p; ++n)
        if (p / n >= m) brute = n;
      if (p > 0 && brute == 0) brute = 1;  // smaller than one zone: a single zone
      EXPECT_EQ(planner::pm_count(p, m), brute) << p << " / " << m;
    }
}

// Brute force: the largest n such that k zones holding plain premises (each >= mp, one plain
// premises at least each) and n - k zones of remote premises only (each >= mr) fit.
static int brute_mixed(std::int64_t plain, std::int64_t remote, int mp, int mr) {
  if (plain + remote == 0) return 0;
  int best = 1;
  for (std::int64_t n = 1; n <= plain + remote; ++n)
    for (std::int64_t k = plain > 0 ? 1 : 0; k <= (plain > 0 ? std::min(n, plain) : 0); ++k)
      if ((n - k) * mr + std::max<std::int64_t>(0, k * mp - plain) <= remote) best = std::max<int>(best, int(n));
  return best;
}

TEST(Quantities, PmCountMixedIsTheLargestWithEveryZoneAtItsMinimum) {
  for (const auto& [mp, mr] : {std::pair{7, 3}, std::pair{10, 3}, std::pair{3, 7}, std::pair{5, 5}, std::pair{1, 2}})
    for (std::int64_t plain = 0; plain <= 30; ++plain)
      for (std::int64_t remote = 0; remote <= 30; ++remote)
        EXPECT_EQ(planner::pm_count_mixed(plain, remote, mp, mr), brute_mixed(plain, remote, mp, mr))
            << plain << " + " << remote << " / " << mp << ", " << mr;
  // issue #21: nro:25-001 in 2019, 33,239 premises without a remote offer and 128 with: 33
  // zones, none of 128 premises
  EXPECT_EQ(planner::pm_count_mixed(33239, 128, 1000, 300), 33);
  EXPECT_EQ(planner::pm_count_mixed(0, 128, 1000, 300), 1);
  EXPECT_EQ(planner::pm_count_mixed(33239, 0, 1000, 300), planner::pm_count(33239, 1000));
}

TEST(Quantities, PmZonesRespectTheArcepSizeRule) {
  const auto& f = fixture();
  const auto& P = f.s.params;
  ASSERT_FALSE(f.bill.pm_zones.empty());
  std::int64_t premises = 0;
  int pms = 0, remote = 0, mixed = 0;
  std::set<std::tuple<int, std::string, std::string>> seen;
  for (const auto& g : f.bill.pm_zones) {
    // one group per NRO and year, whatever the remote-offer flags of its communes
    EXPECT_TRUE(seen.insert({g.year, g.departement, g.nro}).second) << g.nro << " " << g.year << " grouped twice";
    EXPECT_EQ(g.min_premises, int(P.quantities.pm_min_premises));
    EXPECT_EQ(g.min_premises_remote, int(P.quantities.pm_min_premises_remote));
    ASSERT_GE(g.pms, 1);
    const std::int64_t plain = g.premises - g.premises_remote;
    EXPECT_EQ(g.pms, planner::pm_count_mixed(plain, g.premises_remote, g.min_premises, g.min_premises_remote));
    // a zone below its minimum only alone
    EXPECT_EQ(g.below_minimum, g.premises < (plain > 0 ? g.min_premises : g.min_premises_remote) && g.pms == 1) << g.nro;
    premises += g.premises;
    pms += g.pms;
    remote += g.premises_remote > 0;
    mixed += g.premises_remote > 0 && plain > 0;
  }
  std::int64_t passed = 0;
  int row_pms = 0;
  for (const auto& r : f.bill.rows) {
    passed += r.premises_passed();
    row_pms += r.pms;
  }
  EXPECT_EQ(premises, passed);
  EXPECT_EQ(pms, row_pms);
  EXPECT_GT(remote, 0);
  EXPECT_LT(remote, int(f.bill.pm_zones.size()));
  EXPECT_GT(mixed, 0) << "no NRO-year mixes communes with and without a remote offer: the grouping is untested";
  // without any remote-connection offer, every zone has the 1,000-premises minimum
  auto P2 = P;
  P2.set_text("quantities.remote_offer", "none");
  const auto bill2 = planner::bill_of_quantities(test::builtin_bfc(), P2, test::builtin_bfc_results(), std::nullopt);
  int pms2 = 0;
  for (const auto& g : bill2.pm_zones) {
    EXPECT_EQ(g.premises_remote, 0);
    EXPECT_TRUE(g.premises < 1000 ? g.pms == 1 : g.premises / g.pms >= 1000);
    pms2 += g.pms;
  }
  EXPECT_LT(pms2, pms);
}

TEST(Quantities, CostMonteCarloAtDegenerateRangesIsThePlan) {
  const auto& f = fixture();
  const auto& res = test::builtin_bfc_results();
  const auto totals = rollout_totals(res.rollout);
  auto P = f.s.params;
  P.set_number("quantities.mc_draws", 50);
  // the Monte Carlo with every range reduced to the scenario's value: what the plan spent
  solvers::CostMcInput in;
  in.components = f.bill.components;
  in.draws = 50;
  for (const auto& s : Parameters::registry())
    if (s.has_range) in.ranges.push_back({s.key, P.number(s.key), P.number(s.key), P.number(s.key)});
  const auto r = solvers::run_cost_mc(in);
  ASSERT_EQ(r.status, solvers::CostMcStatus::Ok) << r.message;
  ASSERT_EQ(r.figures.spends.size(), 3u);
  const auto& pub = r.figures.spends[0];
  const auto& tot = r.figures.spends[1];
  expect_close(pub.plan_eur, totals.public_spend_eur, "public");
  expect_close(tot.plan_eur, totals.public_spend_eur + totals.private_spend_eur + totals.alternatives_eur, "total");
  for (const auto& s : r.figures.spends) {
    expect_close(s.p10, s.plan_eur, s.measure);
    expect_close(s.p90, s.plan_eur, s.measure);
  }
  // over the real ranges: ordered quantiles, and the same figures run after run
  const auto mc = planner::cost_monte_carlo(f.bill, P, 7);
  for (const auto& s : mc.spends) {
    EXPECT_LE(s.p10, s.p50);
    EXPECT_LE(s.p50, s.p90);
  }
  EXPECT_LT(mc.spends[0].p10, mc.spends[0].p90);
  EXPECT_EQ(viz::cost_mc_csv(mc), viz::cost_mc_csv(planner::cost_monte_carlo(f.bill, P, 7)));
}

TEST(Quantities, CsvRoundTripsAndBadInputNamesLineAndColumn) {
  const auto& f = fixture();
  const std::string text = viz::quantities_csv(f.bill.rows);
  EXPECT_EQ(viz::quantities_csv(viz::quantities_from_csv_text(text, "q.csv")), text);
  // a number broken on the third data row (line 4), column trench_km
  std::string bad = text;
  std::size_t at = 0;
  for (int k = 0; k < 3; ++k) at = bad.find('\n', at) + 1;
  std::size_t comma = at;
  for (int k = 0; k < 5; ++k) comma = bad.find(',', comma) + 1;
  bad.insert(comma, "x");
  const auto e = test::input_error_of([&] { viz::quantities_from_csv_text(bad, "q.csv"); });
  EXPECT_EQ(e.file(), "q.csv");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "trench_km");
  const auto h = test::input_error_of([&] { viz::quantities_from_csv_text("year,departement\n", "q.csv"); });
  EXPECT_EQ(h.field(), "header");
}

// Every cost parameter (a unit in EUR; the guichet's subsidy caps and the budgets are no unit
// prices) carries a plausible range around its default, within its validity range, and the
// parameter docs show it with its source.
TEST(CostParameters, EveryCostParameterHasARangeAroundItsDefaultShownWithItsSource) {
  const std::string md = parameters_markdown();
  int ranged = 0;
  for (const auto& s : Parameters::registry()) {
    const bool cost = s.unit.rfind("EUR", 0) == 0 && s.key.rfind("guichet.", 0) != 0 && s.key.rfind("budgets.", 0) != 0;
    EXPECT_EQ(s.has_range, cost) << s.key;
    if (!s.has_range) continue;
    ++ranged;
    EXPECT_LE(s.low, s.default_number) << s.key;
    EXPECT_GE(s.high, s.default_number) << s.key;
    EXPECT_LT(s.low, s.high) << s.key;
    EXPECT_GE(s.low, s.min) << s.key;
    EXPECT_LE(s.high, s.max) << s.key;
    EXPECT_FALSE(s.source.empty()) << s.key;
    EXPECT_NE(md.find(fmt::format("| `{}` | {} | {} | {} | {} | {} |", s.key, s.unit, s.default_number, s.low, s.high, s.source)),
              std::string::npos)
        << s.key;
  }
  EXPECT_GE(ranged, 10);
}
