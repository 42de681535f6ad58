// Guichet cohésion numérique: the rules in force at each date (ANCT "Cohésion numérique des
// territoires": 150 EUR from July 2019, 300 / 600 EUR from April 2022, closed after 2025, the
// commune out the year FttH reaches it, never the subscription) and the correlated take-up
// between départements (Gaussian copula through a Cholesky factor).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/error.h"
#include "models/parameters.h"
#include "models/random.h"
#include "planner/guichet.h"
#include "solvers/guichet.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

// The rules of the default parameters (checked against the dates of the ANCT pages below).
GuichetParams defaults() { return planner::guichet_params(Parameters{}); }

// One never-fibred commune of `pool` premises in one département, all on satellite, 2017-2028.
GuichetInputs one_commune(double pool, int ftth_year = 0) {
  GuichetInputs in;
  in.first_year = 2017;
  in.years = 12;
  in.deps = {"21"};
  in.communes.push_back({0, ftth_year, pool, 0, 0});
  return in;
}

GuichetParams fixed_costs(double equipment) {
  auto p = defaults();
  p.uptake_mean = 0.2;
  p.uptake_sd = 0;
  p.cost_sd = 0;
  p.sat_pref_sd = 0;
  p.equipment = {equipment, equipment, equipment};
  p.cap = {1e9, 1e9, 1e9};
  p.uptake_correlation = 0;
  return p;
}

// Months of `year` between two yyyymm months (inclusive), by counting them one by one.
double months(int year, int from, int to) {
  int n = 0;
  for (int m = 1; m <= 12; ++m)
    if (year * 100 + m >= from && year * 100 + m <= to) ++n;
  return n;
}

int idx(int year) { return year - 2017; }

}  // namespace

TEST(GuichetRules, DefaultDatesAreTheAnctOnes) {
  const auto r = defaults().rules;
  EXPECT_EQ(r.scheme_start, 201907);
  EXPECT_EQ(r.all_communes_from, 202007);
  EXPECT_EQ(r.rules_2022_from, 202204);
  EXPECT_EQ(r.scheme_end, 202512);
  EXPECT_EQ(r.cap_2019, 150);
  EXPECT_EQ(r.offer_2019_mbps, 8);
  EXPECT_EQ(r.cap_2022, 300);
  EXPECT_EQ(r.cap_2022_social, 600);
  EXPECT_EQ(r.offer_2022_mbps, 30);
}

TEST(GuichetRules, YearsArePaidProRataOfTheirMonthsUnderEachRule) {
  const auto r = defaults().rules;
  const double L = r.listed_share;
  for (int year = 2015; year <= 2030; ++year) {
    // oracle: the months open, those before July 2020 weighted by the listed share
    const double open_listed = months(year, 201907, 202006), open_all = months(year, 202007, 202512);
    const double take = (L * open_listed + open_all) / 12.0;
    const double under_2022 = months(year, 202204, 202512);  // all after July 2020: weight 1
    const auto g = guichet_year(r, year);
    EXPECT_NEAR(g.take, take, 1e-15) << year;
    EXPECT_NEAR(g.w2022, take > 0 ? under_2022 / (take * 12.0) : 0.0, 1e-15) << year;
  }
  EXPECT_NEAR(guichet_year(r, 2019).take, 0.5 * L, 1e-15);
  EXPECT_NEAR(guichet_year(r, 2022).w2022, 0.75, 1e-15);
  EXPECT_EQ(guichet_year(r, 2026).take, 0);
}

TEST(GuichetRules, PaidAtMost150In2021And300Or600From2023) {
  // equipment far above every cap, noisy: each premises is paid its tier's cap exactly
  auto p = fixed_costs(5000);
  p.cost_sd = 0.3;
  p.rules.social_share = 0;
  const auto st = run_guichet(one_commune(1000), p, 200, 3, 0, 2);
  auto per_premises = [&](int year) { return st.subsidy[0][idx(year)].mean / st.premises[0][idx(year)].mean; };
  ASSERT_GT(st.premises[0][idx(2021)].mean, 0);
  EXPECT_LE(st.subsidy[0][idx(2021)].p90, 150 * st.premises[0][idx(2021)].p90 + 1e-6);
  EXPECT_NEAR(per_premises(2021), 150, 1e-9);
  EXPECT_NEAR(per_premises(2023), 300, 1e-9);
  EXPECT_NEAR(per_premises(2022), 0.25 * 150 + 0.75 * 300, 1e-9);  // Q1 under the 2019 rule
  // on social minima: 600 from April 2022, still 150 before
  p.rules.social_share = 1;
  const auto soc = run_guichet(one_commune(1000), p, 200, 3, 0, 2);
  EXPECT_NEAR(soc.subsidy[0][idx(2023)].mean / soc.premises[0][idx(2023)].mean, 600, 1e-9);
  EXPECT_NEAR(soc.subsidy[0][idx(2021)].mean / soc.premises[0][idx(2021)].mean, 150, 1e-9);
  // a share s on social minima: (1 - s) 300 + s 600
  p.rules.social_share = 0.11;
  const auto mix = run_guichet(one_commune(1000), p, 50, 3, 0, 1);
  EXPECT_NEAR(mix.subsidy[0][idx(2024)].mean / mix.premises[0][idx(2024)].mean, 0.89 * 300 + 0.11 * 600, 1e-9);
  // cheaper than the cap: the cost, not the cap
  const auto cheap = run_guichet(one_commune(1000), fixed_costs(120), 10, 3, 0, 1);
  EXPECT_NEAR(cheap.subsidy[0][idx(2021)].mean / cheap.premises[0][idx(2021)].mean, 120, 1e-9);
}

TEST(GuichetRules, PremisesServedFollowTheMonthsOpen) {
  // fixed take-up u = 0.2: served_y = u a_y x what is left, a_y from the months (oracle above)
  const auto p = fixed_costs(5000);
  const auto st = run_guichet(one_commune(1000), p, 5, 1, 0, 1);
  const double L = p.rules.listed_share;
  double left = 1000;
  for (int year = 2017; year <= 2028; ++year) {
    const double a = (L * months(year, 201907, 202006) + months(year, 202007, 202512)) / 12.0;
    const double served = 0.2 * a * left;
    left -= served;
    EXPECT_NEAR(st.premises[0][idx(year)].mean, served, 1e-9) << year;
  }
}

TEST(GuichetRules, NoPaymentBefore2019NorAfter2025) {
  auto p = fixed_costs(400);
  p.uptake_sd = 0.1;
  p.cost_sd = 0.2;
  const auto st = run_guichet(one_commune(1000), p, 300, 9, 0, 2);
  for (int year : {2017, 2018, 2026, 2027, 2028}) {
    EXPECT_EQ(st.subsidy[0][idx(year)].p90, 0) << year;
    EXPECT_EQ(st.subsidy[0][idx(year)].mean, 0) << year;
    EXPECT_EQ(st.premises[0][idx(year)].mean, 0) << year;
    EXPECT_EQ(st.eligible_by_year[std::size_t(idx(year))], 0) << year;
  }
  EXPECT_GT(st.subsidy[0][idx(2025)].p10, 0);
  // the total is the sum of the open years
  double sum = 0;
  for (int year = 2019; year <= 2025; ++year) sum += st.subsidy_by_year[std::size_t(idx(year))].mean;
  EXPECT_NEAR(st.subsidy_total.mean, sum, 1e-6 * sum);
}

TEST(GuichetRules, ACommuneReachedByFttHStopsBeingEligibleThatYear) {
  const auto p = fixed_costs(400);
  ASSERT_EQ(p.horizon_years, 0);
  const GuichetCommune c{0, 2023, 1000, 0, 0};
  EXPECT_TRUE(guichet_eligible(c, 2022, p.horizon_years));
  EXPECT_FALSE(guichet_eligible(c, 2023, p.horizon_years));
  const auto st = run_guichet(one_commune(1000, 2023), p, 20, 4, 0, 1);
  EXPECT_GT(st.premises[0][idx(2022)].mean, 0);
  EXPECT_GT(st.eligible_by_year[std::size_t(idx(2022))], 0);
  for (int year = 2023; year <= 2028; ++year) {
    EXPECT_EQ(st.premises[0][idx(year)].p90, 0) << year;
    EXPECT_EQ(st.subsidy[0][idx(year)].p90, 0) << year;
    EXPECT_EQ(st.eligible_by_year[std::size_t(idx(year))], 0) << year;
  }
}

TEST(GuichetRules, EquipmentInstallationAndActivationArePaidNeverTheSubscription) {
  // caps far above the costs: the subsidy of a premises is exactly its equipment and
  // installation plus activation, by technology; nothing else (no subscription) is in it
  GuichetInputs in = one_commune(1000);
  in.communes[0] = {0, 0, 1000, 200, 0.5};  // radio 0.2, 4G min(0.8, 0.5) x (1 - q), rest satellite
  auto p = fixed_costs(0);
  p.equipment = {400, 250, 550};
  p.rules.activation_eur = 35;
  p.rules.cap_2019 = p.rules.cap_2022 = p.rules.cap_2022_social = 1e9;
  p.sat_pref_mean = 0.2;
  const auto st = run_guichet(in, p, 5, 1, 0, 1);
  const double radio = 0.2, fourg = 0.5 * 0.8, sat = 1 - radio - fourg;
  const double each = radio * 435 + fourg * 285 + sat * 585;
  for (int year : {2020, 2023})
    EXPECT_NEAR(st.subsidy[0][idx(year)].mean, each * st.premises[0][idx(year)].mean, 1e-6) << year;
}

TEST(GuichetRules, AnOfferBelow30MbitsIsNotPaidFromApril2022) {
  auto p = fixed_costs(5000);
  p.speed = {30, 10, 30};  // 4G fixe at 10 Mbit/s: >= 8 (2019 rule), < 30 (2022 rule)
  p.rules.social_share = 0;
  GuichetInputs in = one_commune(1000);
  in.communes[0] = {0, 0, 1000, 0, 1.0};  // 4G could serve all: a share 1 - q takes it
  p.sat_pref_mean = 0.25;
  const auto st = run_guichet(in, p, 5, 1, 0, 1);
  // 2021: everyone paid 150; 2023: only the satellite share (0.25) is paid, 300 each
  const double served21 = st.premises[0][idx(2021)].mean, paid23 = st.premises[0][idx(2023)].mean;
  EXPECT_NEAR(st.subsidy[0][idx(2021)].mean, 150 * served21, 1e-6);
  EXPECT_NEAR(st.subsidy[0][idx(2023)].mean, 300 * paid23, 1e-6);
  // premises paid in 2023 are a quarter of the applicants: recompute the applicants by hand
  const double L = p.rules.listed_share;
  double left = 1000, applicants23 = 0;
  for (int year = 2017; year <= 2023; ++year) {
    const double a = (L * months(year, 201907, 202006) + months(year, 202007, 202512)) / 12.0;
    const double served = 0.2 * a * left;
    left -= served;
    if (year == 2023) applicants23 = served;
  }
  EXPECT_NEAR(paid23, 0.25 * applicants23, 1e-9);
}

namespace {

// 8 départements of one commune each
GuichetInputs eight_deps() {
  GuichetInputs in;
  in.first_year = 2019;
  in.years = 7;
  in.deps = {"21", "25", "39", "58", "70", "71", "89", "90"};
  for (int k = 0; k < 8; ++k) in.communes.push_back({k, 0, 1000.0 + 100 * k, 0, 0});
  return in;
}

}  // namespace

TEST(GuichetCorrelation, PositiveCorrelationWidensTheRegionalP10P90) {
  auto p = defaults();
  p.uptake_sd = 0.08;
  p.uptake_correlation = 0;
  const auto in = eight_deps();
  const auto ind = run_guichet(in, p, 4000, 17, 0, 2);
  p.uptake_correlation = 0.6;
  const auto cor = run_guichet(in, p, 4000, 17, 0, 2);
  const double w0 = ind.subsidy_total.p90 - ind.subsidy_total.p10, w1 = cor.subsidy_total.p90 - cor.subsidy_total.p10;
  // independent: var(sum) ~ 8 s^2; correlated rho' (Beta transform of rho, a bit below 0.6):
  // ~ (8 + 56 rho') s^2, so the width grows by about sqrt(1 + 7 rho') ~ 2.2
  EXPECT_GT(w1, 1.5 * w0) << w0 << " vs " << w1;
  // the marginals do not change: each département's mean within 4 standard errors
  for (std::size_t k = 0; k < 8; ++k) {
    const auto& a = ind.premises[k][3];
    const auto& b = cor.premises[k][3];
    EXPECT_NEAR(a.mean, b.mean, 4 * std::hypot(a.se, b.se)) << k;
  }
  // still the same numbers whatever the threads
  const auto one = run_guichet(in, p, 1001, 17, 3, 1), two = run_guichet(in, p, 1001, 17, 3, 2);
  EXPECT_EQ(one.subsidy_total.p90, two.subsidy_total.p90);
  EXPECT_EQ(one.premises[5][2].p10, two.premises[5][2].p10);
}

TEST(GuichetCorrelation, ZeroCorrelationKeepsTheIndependentStream) {
  // with rho = 0 a draw's take-ups are the first D Beta draws of its stream, as before the
  // copula existed: one draw, a fixed year, premises of département k = u_k x a x pool
  auto p = fixed_costs(400);
  p.uptake_sd = 0.1;
  p.uptake_correlation = 0;
  GuichetInputs in = eight_deps();
  in.first_year = 2021;  // a full year open to every commune: a = 1
  in.years = 1;
  for (std::uint64_t set : {0u, 1u, 7u})
    for (std::uint64_t seed : {1u, 2019u}) {
      const auto st = run_guichet(in, p, 1, seed, set, 1);
      Rng rng(seed, set << 32);
      for (std::size_t k = 0; k < 8; ++k) {
        const double u = beta_draw(p.uptake_mean, p.uptake_sd, rng);
        EXPECT_EQ(st.premises[k][0].mean, u * 1.0 * in.communes[k].pool) << "set " << set << " seed " << seed << " dep " << k;
      }
    }
}

TEST(GuichetQuantiles, NearestRankOfTheDrawsAsAFullSortGivesThem) {
  // one département, one full year, pool 1: draw d's premises are its take-up u_d, the first
  // Beta draw of its stream; P10 / P50 / P90 are the nearest ranks of the sorted u_d
  auto p = fixed_costs(400);
  p.uptake_sd = 0.1;
  GuichetInputs in = eight_deps();
  in.deps = {"21"};
  in.communes = {{0, 0, 1.0, 0, 0}};
  in.first_year = 2021;
  in.years = 1;
  for (int draws : {1, 2, 9, 10, 11, 999, 1000}) {
    const auto st = run_guichet(in, p, draws, 5, 2, 2);
    std::vector<double> u;
    double sum = 0;
    for (int d = 0; d < draws; ++d) {
      Rng rng(5, (std::uint64_t(2) << 32) | std::uint64_t(d));
      u.push_back(beta_draw(p.uptake_mean, p.uptake_sd, rng));
      sum += u.back();
    }
    std::sort(u.begin(), u.end());
    auto nearest = [&](double q) { return u[std::size_t(std::max(1.0, std::ceil(q * draws))) - 1]; };
    EXPECT_EQ(st.premises_total.p10, nearest(0.10)) << draws;
    EXPECT_EQ(st.premises_total.p50, nearest(0.50)) << draws;
    EXPECT_EQ(st.premises_total.p90, nearest(0.90)) << draws;
    EXPECT_NEAR(st.premises_total.mean, sum / draws, 1e-12) << draws;
  }
}

TEST(GuichetAggregation, PerDepartementSumsEqualTheCommuneByCommuneLoop) {
  // brute force: every commune, every year, served = u a_y x what it has left, paid by month
  // under each rule; the solver sums the communes once per département-year instead
  GuichetInputs in;
  in.first_year = 2018;
  in.years = 9;
  in.deps = {"21", "25", "39"};
  Rng gen(99);
  for (int i = 0; i < 60; ++i) {
    const double pool = double(gen.below(400));
    const int fy = gen.below(3) == 0 ? 0 : 2018 + int(gen.below(10));
    in.communes.push_back({int(gen.below(3)), fy, pool, double(gen.below(200)), gen.uniform()});
  }
  auto p = defaults();
  p.uptake_sd = 0.1;
  p.cost_sd = 0.3;
  p.sat_pref_sd = 0.1;
  p.horizon_years = 1;
  p.speed = {30, 20, 50};
  p.cap = {250, 600, 400};
  p.rules.activation_eur = 20;
  const int draws = 64;
  const auto st = run_guichet(in, p, draws, 8, 1, 2);
  const int D = 3, Y = in.years;
  std::vector<double> S(std::size_t(D * Y), 0), P(std::size_t(D * Y), 0);
  const double sigma = std::sqrt(std::log(1 + p.cost_sd * p.cost_sd));
  const auto& R = p.rules;
  for (int d = 0; d < draws; ++d) {
    Rng rng(8, (std::uint64_t(1) << 32) | std::uint64_t(d));
    std::vector<double> u;
    for (int k = 0; k < D; ++k) u.push_back(beta_draw(p.uptake_mean, p.uptake_sd, rng));
    double cost[3];
    for (int t = 0; t < 3; ++t) cost[t] = p.equipment[t] * std::exp(sigma * rng.normal() - 0.5 * sigma * sigma) + 20;
    const double q = beta_draw(p.sat_pref_mean, p.sat_pref_sd, rng);
    for (const auto& c : in.communes) {
      if (c.pool <= 0) continue;
      const double radio = std::min(1.0, c.radio_cap / c.pool), fourg = std::min(1.0 - radio, c.fourg_share) * (1 - q);
      const double share[3] = {radio, fourg, 1 - radio - fourg};
      double left = c.pool;
      for (int y = 0; y < Y; ++y) {
        const int year = in.first_year + y;
        if (!guichet_eligible(c, year, p.horizon_years)) break;
        double served = 0, sub = 0, paid = 0;
        for (int m = 1; m <= 12; ++m) {  // month by month, a twelfth of the year's take-up each
          const int ym = year * 100 + m;
          if (ym < R.scheme_start || ym > R.scheme_end) continue;
          const double w = (ym < R.all_communes_from ? R.listed_share : 1.0) / 12.0;
          const bool new_rule = ym >= R.rules_2022_from;
          const double n = u[std::size_t(c.dep)] * w * left;  // applicants of the month (of the year's start pool)
          served += n;
          for (int t = 0; t < 3; ++t) {
            const double offer = new_rule ? R.offer_2022_mbps : R.offer_2019_mbps;
            if (p.speed[t] < offer) continue;
            const double each = new_rule ? (1 - R.social_share) * std::min({R.cap_2022, p.cap[t], cost[t]}) +
                                               R.social_share * std::min({R.cap_2022_social, p.cap[t], cost[t]})
                                         : std::min({R.cap_2019, p.cap[t], cost[t]});
            sub += n * share[t] * each;
            paid += n * share[t];
          }
        }
        left -= served;
        S[std::size_t(c.dep * Y + y)] += sub;
        P[std::size_t(c.dep * Y + y)] += paid;
      }
    }
  }
  for (int k = 0; k < D; ++k)
    for (int y = 0; y < Y; ++y) {
      const double s = S[std::size_t(k * Y + y)] / draws, pr = P[std::size_t(k * Y + y)] / draws;
      EXPECT_NEAR(st.subsidy[std::size_t(k)][std::size_t(y)].mean, s, 1e-9 * std::max(1.0, s)) << k << " " << y;
      EXPECT_NEAR(st.premises[std::size_t(k)][std::size_t(y)].mean, pr, 1e-9 * std::max(1.0, pr)) << k << " " << y;
    }
}

TEST(GuichetRulesBadInput, AMonthThatIsNotOneIsAnInputErrorNamingTheKey) {
  Parameters p;
  p.set_number("guichet.rules_2022_from", 202213);
  try {
    planner::guichet_params(p);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "guichet.rules_2022_from");
  }
  Parameters q;
  q.set_number("guichet.scheme_end", 201812);
  try {
    planner::guichet_params(q);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "guichet.scheme_end");
  }
}

TEST(GuichetRulesBadInput, SocialCapBelowTheStandardOneOr2022RulesAfterTheEndAreRefused) {
  auto field_of = [](const char* key, double v) {
    Parameters p;
    p.set_number(key, v);
    try {
      planner::guichet_params(p);
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field_of("guichet.cap_2022_social_eur", 299), "guichet.cap_2022_social_eur");
  EXPECT_EQ(field_of("guichet.cap_2022_eur", 601), "guichet.cap_2022_social_eur");
  EXPECT_EQ(field_of("guichet.rules_2022_from", 202601), "guichet.rules_2022_from");
  // the boundaries are allowed: equal caps, 2022 rules from the last open month
  EXPECT_EQ(field_of("guichet.cap_2022_eur", 600), "no error");
  EXPECT_EQ(field_of("guichet.rules_2022_from", 202512), "no error");
  // the solver's own check says the same to a caller that fills the rules by hand
  Parameters ok;
  auto r = planner::guichet_params(ok).rules;
  r.cap_2022_social = r.cap_2022 - 1;
  EXPECT_THROW(solvers::check_guichet_rules(r), std::invalid_argument);
  r = planner::guichet_params(ok).rules;
  r.rules_2022_from = 202601;  // scheme_end 202512
  EXPECT_THROW(solvers::check_guichet_rules(r), std::invalid_argument);
}
