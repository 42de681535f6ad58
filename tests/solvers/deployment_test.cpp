// The deployment optimiser (solvers/deployment.h) is proved against oracles: its plans are
// recomputed from their unit and group years (budgets respected, each unit deployed once at
// most, never before its group is connected, objective and spend adding up); its Lagrangian
// bound is at least the exact optimum, found by brute force on tiny problems and by the MILP
// (GLPK and CBC) on small ones; and its objective is within its certified gap of that optimum.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "solvers/deployment.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

struct Xorshift {
  std::uint64_t x;
  double uniform() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return double(x % 1000003) / 1000003.0;
  }
};

// A random problem: some groups connected from the start, some units without a group; values
// falling with the year (premises-years to the horizon) or, when `any_values`, arbitrary.
DeploymentProblem random_problem(std::uint64_t seed, int years, int groups, int units, double tightness, bool any_values = false) {
  Xorshift r{seed * 0x9E3779B97F4A7C15ull + 7};
  for (int k = 0; k < 5; ++k) r.uniform();
  DeploymentProblem p;
  p.years = years;
  for (int g = 0; g < groups; ++g) p.groups.push_back({5 + 40 * r.uniform(), g == 0});
  double total = 0;
  for (int u = 0; u < units; ++u) {
    DeploymentProblem::Unit un;
    un.group = r.uniform() < 0.2 ? -1 : int(r.uniform() * groups) % std::max(1, groups);
    if (groups == 0) un.group = -1;
    un.cost = 5 + 60 * r.uniform();
    const double w = 1 + 20 * r.uniform();
    for (int y = 0; y < years; ++y) un.value.push_back(any_values ? 100 * r.uniform() : w * (years - y));
    total += un.cost;
    p.units.push_back(un);
  }
  for (int y = 0; y < years; ++y) p.budget.push_back(tightness * total / years * (0.6 + 0.8 * r.uniform()));
  return p;
}

// The plan's figures recomputed from its unit and group years; "" when all hold.
std::string recompute(const DeploymentProblem& p, const DeploymentPlan& plan) {
  if (plan.unit_year.size() != p.units.size() || plan.group_year.size() != p.groups.size()) return "sizes";
  std::vector<double> spend(p.years, 0);
  double objective = 0;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    const int y = plan.group_year[g];
    if (y < -1 || y >= p.years) return "group year out of range";
    if (y >= 0) spend[y] += p.groups[g].cost;
  }
  for (std::size_t u = 0; u < p.units.size(); ++u) {
    const int y = plan.unit_year[u];
    if (y < -1 || y >= p.years) return "unit year out of range";
    if (y < 0) continue;
    const int g = p.units[u].group;
    if (g >= 0 && !p.groups[g].connected && (plan.group_year[g] < 0 || plan.group_year[g] > y)) return "unit before its group";
    spend[y] += p.units[u].cost;
    objective += p.units[u].value[y];
  }
  for (int y = 0; y < p.years; ++y) {
    if (spend[y] > p.budget[y] + 1e-6) return "over budget in year " + std::to_string(y);
    if (std::abs(spend[y] - plan.spend[y]) > 1e-6 * std::max(1.0, spend[y])) return "spend does not add up in year " + std::to_string(y);
  }
  if (std::abs(objective - plan.objective) > 1e-6 * std::max(1.0, objective)) return "objective does not add up";
  return "";
}

// The exact optimum by enumeration of every unit year and group year (tiny problems only).
double brute_force(const DeploymentProblem& p) {
  const int U = int(p.units.size()), G = int(p.groups.size()), Y = p.years;
  std::vector<int> uy(U, -1), gy(G, -1);
  double best = 0;
  std::function<void(int)> units = [&](int u) {
    if (u == U) {
      DeploymentPlan plan;
      plan.unit_year = uy;
      plan.group_year = gy;
      if (check_deployment(p, plan).empty()) {
        double v = 0;
        for (int k = 0; k < U; ++k)
          if (uy[k] >= 0) v += p.units[k].value[uy[k]];
        best = std::max(best, v);
      }
      return;
    }
    for (int y = -1; y < Y; ++y) {
      uy[u] = y;
      units(u + 1);
    }
  };
  std::function<void(int)> groups = [&](int g) {
    if (g == G) return units(0);
    for (int y = -1; y < (p.groups[g].connected ? 0 : Y); ++y) {
      gy[g] = y;
      groups(g + 1);
    }
  };
  groups(0);
  return best;
}

}  // namespace

TEST(DeploymentOptimiser, PlansAreFeasibleAndTheirFiguresAddUp) {
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed)
    for (double tight : {0.15, 0.35, 0.8}) {
      const auto p = random_problem(seed, 2 + int(seed % 6), int(seed % 5), 10 + int(seed * 7 % 60), tight, seed % 4 == 0);
      const auto h = plan_deployment_heuristic(p);
      EXPECT_EQ(check_deployment(p, h), "") << seed << " " << tight;
      EXPECT_EQ(recompute(p, h), "") << seed << " " << tight;
      EXPECT_GE(h.bound + 1e-6, h.objective);
      EXPECT_NEAR(h.gap, h.bound > 0 ? (h.bound - h.objective) / h.bound : 0.0, 1e-12);
      ++checked;
    }
  EXPECT_EQ(checked, 90);
}

TEST(DeploymentOptimiser, BoundAboveTheBruteForceOptimumAndObjectiveWithinItsGap) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const auto p = random_problem(seed + 100, 3, 2, 6, seed % 2 ? 0.3 : 0.6, seed % 3 == 0);
    const double opt = brute_force(p);
    const auto h = plan_deployment_heuristic(p);
    ASSERT_EQ(recompute(p, h), "") << seed;
    EXPECT_LE(h.objective, opt + 1e-6) << seed;
    EXPECT_GE(h.bound + 1e-6, opt) << seed << ": bound below the optimum";
    EXPECT_LE(opt - h.objective, h.gap * h.bound + 1e-6) << seed << ": optimum outside the certified gap";
    // the MILP agrees with the enumeration
    const auto e = plan_deployment_exact(p, MipBackend::Glpk, 30);
    ASSERT_EQ(e.status, MipStatus::Optimal) << seed;
    EXPECT_NEAR(e.objective, opt, 1e-6 * std::max(1.0, opt)) << seed;
  }
}

TEST(DeploymentOptimiser, BoundAboveTheMilpOptimumAndObjectiveWithinItsGap) {
  double sum_gap_to_optimum = 0;
  int n = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto p = random_problem(seed + 200, 4 + int(seed % 3), 4, 16 + int(seed % 5), seed % 2 ? 0.2 : 0.4, seed % 5 == 0);
    const auto h = plan_deployment_heuristic(p);
    ASSERT_EQ(recompute(p, h), "") << seed;
    for (auto backend : {MipBackend::Glpk, MipBackend::Cbc}) {
      const auto e = plan_deployment_exact(p, backend, 60);
      ASSERT_EQ(e.status, MipStatus::Optimal) << seed;
      ASSERT_EQ(recompute(p, e), "") << seed;
      EXPECT_LE(h.objective, e.objective + 1e-6) << seed;
      EXPECT_GE(h.bound + 1e-6, e.objective) << seed << ": bound below the optimum";
      EXPECT_LE(e.objective - h.objective, h.gap * h.bound + 1e-6) << seed << ": optimum outside the certified gap";
      if (backend == MipBackend::Cbc) {
        sum_gap_to_optimum += (e.objective - h.objective) / e.objective;
        ++n;
      }
    }
  }
  // the optimiser's quality target: within 1 % of the optimum on average
  EXPECT_LE(sum_gap_to_optimum / n, 0.01);
}

TEST(DeploymentOptimiser, SamePlanEveryRunAndEdgeCases) {
  const auto p = random_problem(7, 6, 4, 120, 0.3);
  const auto a = plan_deployment_heuristic(p), b = plan_deployment_heuristic(p);
  EXPECT_EQ(a.unit_year, b.unit_year);
  EXPECT_EQ(a.group_year, b.group_year);
  EXPECT_EQ(a.objective, b.objective);
  // nothing to deploy; no budget
  DeploymentProblem empty;
  empty.years = 3;
  empty.budget = {1, 1, 1};
  const auto e = plan_deployment_heuristic(empty);
  EXPECT_EQ(recompute(empty, e), "");
  EXPECT_EQ(e.objective, 0);
  auto broke = random_problem(3, 4, 2, 20, 0.3);
  std::fill(broke.budget.begin(), broke.budget.end(), 0.0);
  const auto z = plan_deployment_heuristic(broke);
  EXPECT_EQ(recompute(broke, z), "");
  EXPECT_EQ(z.objective, 0);
  EXPECT_GE(z.bound, 0);
}

// The heuristic counts its steps (the roll-out optimiser's progress): rising to
// kDeploymentHeuristicSteps, and counting changes nothing in the plan.
TEST(DeploymentOptimiser, HeuristicCountsItsStepsAndPlansTheSameCounted) {
  struct Recorder : ProgressSink {
    std::vector<std::int64_t> updates;
    std::int64_t total = -1;
    int ends = 0;
    void line(const std::string&) override {}
    void begin(const std::string&, std::int64_t t) override { total = t; }
    void update(std::int64_t d) override { updates.push_back(d); }
    void end() override { ++ends; }
  };
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto p = random_problem(seed, 3 + int(seed % 4), 2 + int(seed % 3), 20 + int(seed * 11 % 40), 0.35);
    const auto plain = plan_deployment_heuristic(p);
    Recorder rec;
    DeploymentPlan counted;
    std::int64_t added = 0;
    {
      const ProgressCounter count(&rec, "roll-out optimiser: steps", kDeploymentHeuristicSteps);
      counted = plan_deployment_heuristic(p, 300, 15'000'000, 1000, 100, &count);
      added = count.done();
    }
    EXPECT_EQ(added, kDeploymentHeuristicSteps) << seed << ": each step counted once";
    EXPECT_EQ(rec.total, kDeploymentHeuristicSteps);
    EXPECT_EQ(rec.ends, 1);
    ASSERT_FALSE(rec.updates.empty());
    EXPECT_TRUE(std::is_sorted(rec.updates.begin(), rec.updates.end()));
    EXPECT_EQ(rec.updates.back(), kDeploymentHeuristicSteps);
    EXPECT_EQ(counted.unit_year, plain.unit_year) << seed;
    EXPECT_EQ(counted.objective, plain.objective) << seed;
  }
}
