// Alternatives allocator: the answer is proved on random instances, not compared with stored
// numbers. Each option stays within its capacity rule (recomputed here), a premises gets at
// most one technology, premises are neither created nor lost, and the total cost is the
// minimum (brute force over every allocation serving as many premises) when all options
// reach 30 Mbit/s.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "models/random.h"
#include "solvers/alternatives.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

std::int64_t below30(const AlternativesProblem::Commune& c) { return c.bands[0] + c.bands[1] + c.bands[2]; }

// The capacity rule, written independently of the solver.
std::int64_t expected_capacity(const AlternativeOption& o, const AlternativesProblem::Commune& c) {
  const double covered = o.scaled_by_4g_coverage ? o.share * c.coverage_4g : o.share;
  const auto cap = std::int64_t(std::floor(covered * double(below30(c))));
  return o.limited_to_radio_footprint ? std::min(cap, c.radio_footprint) : cap;
}

AlternativesProblem random_problem(Rng& rng, int communes, bool all_thd) {
  AlternativesProblem p;
  const Technology techs[] = {Technology::CopperUpgrade, Technology::ThdRadio, Technology::FourGFixe, Technology::Satellite};
  const double speeds[] = {5, 10, 30, 100};
  const int n_options = 1 + int(rng.below(4));
  for (int k = 0; k < n_options; ++k) {
    AlternativeOption o;
    o.technology = techs[k];
    o.eur_per_premises = double(100 * (1 + rng.below(5)));  // equal costs happen
    o.mbps = all_thd ? speeds[2 + rng.below(2)] : speeds[rng.below(4)];
    o.share = rng.below(3) == 0 ? 1.0 : rng.uniform();
    o.scaled_by_4g_coverage = rng.below(3) == 0;
    o.limited_to_radio_footprint = rng.below(3) == 0;
    p.options.push_back(o);
  }
  for (int i = 0; i < communes; ++i) {
    AlternativesProblem::Commune c;
    for (auto& b : c.bands) b = std::int64_t(rng.below(6));
    c.coverage_4g = rng.uniform();
    c.radio_footprint = std::int64_t(rng.below(8));
    p.communes.push_back(c);
  }
  return p;
}

// Minimum cost of serving exactly `served` premises of a commune within the capacities.
double brute_force_cost(const AlternativesProblem& p, const AlternativesProblem::Commune& c, std::int64_t served) {
  double best = INFINITY;
  std::vector<std::int64_t> x(p.options.size(), 0);
  std::function<void(std::size_t, std::int64_t, double)> rec = [&](std::size_t k, std::int64_t left, double cost) {
    if (k == p.options.size()) {
      if (left == 0) best = std::min(best, cost);
      return;
    }
    for (std::int64_t v = 0; v <= std::min(left, expected_capacity(p.options[k], c)); ++v)
      rec(k + 1, left - v, cost + double(v) * p.options[k].eur_per_premises);
  };
  rec(0, served, 0.0);
  return best;
}

void check_invariants(const AlternativesProblem& p, const AlternativesPlan& plan) {
  ASSERT_EQ(plan.status, AlternativesStatus::Ok);
  ASSERT_EQ(plan.bands.size(), p.communes.size());
  double cost = 0;
  for (std::size_t i = 0; i < p.communes.size(); ++i) {
    const auto& c = p.communes[i];
    std::int64_t served = 0, vanished = 0, lifted_to_thd = 0;
    for (std::size_t k = 0; k < p.options.size(); ++k) {
      const auto n = plan.premises[i][k];
      EXPECT_GE(n, 0);
      EXPECT_LE(n, expected_capacity(p.options[k], c)) << "commune " << i << " option " << k;
      served += n;
      cost += double(n) * p.options[k].eur_per_premises;
      if (p.options[k].mbps < 8) vanished += n;
      if (p.options[k].mbps >= 30) lifted_to_thd += n;
    }
    EXPECT_LE(served, below30(c)) << "commune " << i << ": a premises got two technologies";
    const auto& after = plan.bands[i];
    for (auto v : after) EXPECT_GE(v, 0);
    const auto total = [](const auto& b) { return std::accumulate(b.begin(), b.end(), std::int64_t{0}); };
    EXPECT_EQ(total(after) + vanished, total(c.bands)) << "commune " << i;
    EXPECT_EQ(after[3], c.bands[3] + lifted_to_thd) << "commune " << i;
    EXPECT_LE(after[0], c.bands[0]);
  }
  EXPECT_NEAR(plan.cost_eur, cost, 1e-6);
}

}  // namespace

TEST(Alternatives, RandomInstancesRespectCapacitiesAndServeEachPremisesOnce) {
  Rng rng(30);
  for (int trial = 0; trial < 400; ++trial) {
    SCOPED_TRACE(testing::Message() << "trial " << trial);
    const auto p = random_problem(rng, 5, trial % 2 == 0);
    check_invariants(p, allocate_alternatives(p));
  }
}

TEST(Alternatives, CheapestFirstIsTheMinimumCostWhenEveryOptionReachesThd) {
  Rng rng(2022);
  for (int trial = 0; trial < 300; ++trial) {
    SCOPED_TRACE(testing::Message() << "trial " << trial);
    const auto p = random_problem(rng, 3, true);
    const auto plan = allocate_alternatives(p);
    ASSERT_EQ(plan.status, AlternativesStatus::Ok);
    for (std::size_t i = 0; i < p.communes.size(); ++i) {
      const auto& c = p.communes[i];
      std::int64_t capacity = 0, served = 0;
      double cost = 0;
      for (std::size_t k = 0; k < p.options.size(); ++k) {
        capacity += expected_capacity(p.options[k], c);
        served += plan.premises[i][k];
        cost += double(plan.premises[i][k]) * p.options[k].eur_per_premises;
      }
      EXPECT_EQ(served, std::min(capacity, below30(c)));  // as many as the capacities allow
      EXPECT_NEAR(cost, brute_force_cost(p, c, served), 1e-9);
      // an option is used only when every strictly cheaper one is full
      for (std::size_t k = 0; k < p.options.size(); ++k)
        for (std::size_t j = 0; j < p.options.size(); ++j) {
          if (plan.premises[i][k] > 0 && p.options[j].eur_per_premises < p.options[k].eur_per_premises) {
            EXPECT_EQ(plan.premises[i][j], expected_capacity(p.options[j], c)) << "option " << j << " before " << k;
          }
        }
    }
  }
}

TEST(Alternatives, WorstServedFirstAndOnlyWhereTheSpeedIsAGain) {
  AlternativesProblem p;
  p.communes.push_back({{4, 3, 5, 7}, 0.5, 2});
  // an 8-30 Mbit/s option lifts the premises below 8 only; a later THD option must not serve
  // them again, only the premises left below 30
  p.options = {{Technology::CopperUpgrade, 100, 10, 1.0}, {Technology::Satellite, 500, 30, 1.0}};
  const auto plan = allocate_alternatives(p);
  ASSERT_EQ(plan.status, AlternativesStatus::Ok);
  EXPECT_EQ(plan.premises[0][0], 7);  // below 3 and 3-8
  EXPECT_EQ(plan.premises[0][1], 5);  // the 8-30 band, not the 7 just lifted
  EXPECT_EQ(plan.bands[0], (std::array<std::int64_t, 4>{0, 0, 7, 12}));
  EXPECT_DOUBLE_EQ(plan.cost_eur, 7 * 100.0 + 5 * 500.0);
}

TEST(Alternatives, CapacityRules) {
  AlternativesProblem p;
  p.communes.push_back({{10, 10, 10, 0}, 0.5, 4});
  p.options = {{Technology::ThdRadio, 100, 30, 1.0, false, true},    // footprint: 4
               {Technology::FourGFixe, 200, 30, 0.3, true},          // floor(0.3 x 0.5 x 30) = 4
               {Technology::CopperUpgrade, 300, 30, 0.25},           // floor(0.25 x 30) = 7
               {Technology::Satellite, 400, 30}};                    // the rest: 15
  const auto plan = allocate_alternatives(p);
  ASSERT_EQ(plan.status, AlternativesStatus::Ok);
  EXPECT_EQ(plan.premises[0], (std::vector<std::int64_t>{4, 4, 7, 15}));
  EXPECT_EQ(plan.bands[0], (std::array<std::int64_t, 4>{0, 0, 0, 30}));
}

TEST(Alternatives, InvalidInputIsAStatus) {
  AlternativesProblem p;
  p.communes.push_back({{1, 0, 0, 0}, 0.5, 0});
  p.options = {{Technology::Satellite, -1, 30}};
  EXPECT_EQ(allocate_alternatives(p).status, AlternativesStatus::InvalidInput);
  p.options = {{Technology::Satellite, 1, 30}};
  p.communes[0].bands[1] = -1;
  EXPECT_EQ(allocate_alternatives(p).status, AlternativesStatus::InvalidInput);
  p.communes[0].bands[1] = 0;
  EXPECT_EQ(allocate_alternatives(p).status, AlternativesStatus::Ok);
}
