// The two MILP back ends agree: a small model with a known optimum gives that optimum with
// both GLPK and CBC, an infeasible model reports infeasible (no throw), and a model too hard
// for its time limit reports a time-limit status with a valid bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/random.h"
#include "solvers/mip.h"
#include "io/spelling.h"

using namespace dorsale;
using namespace dorsale::solvers;

namespace {

const MipBackend kBackends[] = {MipBackend::Glpk, MipBackend::Cbc};
// a knapsack whose first GLPK incumbent leaves a gap that branch and bound closes in steps
constexpr std::uint64_t kProgressSeed = 3;

// max 5a + 4b + 3c  s.t.  2a + 3b + c <= 5,  4a + b + 2c <= 11,  3a + 4b + 2c <= 8,  a,b,c in {0..3}
// Optimum 13 at (2, 0, 1): the LP relaxation (2, 0, 1) is integral; see the brute force below.
MipModel small_knapsack() {
  MipModel m;
  m.maximize = true;
  const int a = m.add_var(0, 3, 5, true), b = m.add_var(0, 3, 4, true), c = m.add_var(0, 3, 3, true);
  m.add_row({a, b, c}, {2, 3, 1}, -1e30, 5);
  m.add_row({a, b, c}, {4, 1, 2}, -1e30, 11);
  m.add_row({a, b, c}, {3, 4, 2}, -1e30, 8);
  return m;
}

// min x + y with x, y integer, x + y >= 3.5, x - y = 0.5 ... has no integer point.
MipModel integer_infeasible() {
  MipModel m;
  m.maximize = false;
  const int x = m.add_var(0, 10, 1, true), y = m.add_var(0, 10, 1, true);
  m.add_row({x, y}, {1, 1}, 3.5, 1e30);
  m.add_row({x, y}, {1, -1}, 0.5, 0.5);
  return m;
}

// x + y <= 1 and x + y >= 2: infeasible already as an LP.
MipModel lp_infeasible() {
  MipModel m;
  const int x = m.add_var(0, 1, 1, false), y = m.add_var(0, 1, 1, true);
  m.add_row({x, y}, {1, 1}, -1e30, 1);
  m.add_row({x, y}, {1, 1}, 2, 1e30);
  return m;
}

// The best value of a model over every integer point of its box (all variables integer).
double brute_force(const MipModel& m) {
  double best = m.maximize ? -INFINITY : INFINITY;
  std::vector<int> x(m.vars());
  for (int j = 0; j < m.vars(); ++j) x[j] = int(m.lb[j]);
  while (true) {
    bool ok = true;
    for (const auto& r : m.rows) {
      double s = 0;
      for (std::size_t k = 0; k < r.idx.size(); ++k) s += r.val[k] * x[r.idx[k]];
      ok = ok && s >= r.lb - 1e-9 && s <= r.ub + 1e-9;
    }
    if (ok) {
      double v = 0;
      for (int j = 0; j < m.vars(); ++j) v += m.obj[j] * x[j];
      best = m.maximize ? std::max(best, v) : std::min(best, v);
    }
    int j = 0;
    while (j < m.vars() && x[j] == int(m.ub[j])) {
      x[j] = int(m.lb[j]);
      ++j;
    }
    if (j == m.vars()) break;
    ++x[j];
  }
  return best;
}

// A random 0/1 knapsack with a few constraints, small enough for the brute force.
// A row over every variable 0..n-1, its coefficients drawn in order by `coef`.
struct Row {
  std::vector<int> idx;
  std::vector<double> val;
  double sum = 0;
};

template <class Coef>
Row dense_row(int n, Coef&& coef) {
  Row r;
  for (int j = 0; j < n; ++j) {
    r.idx.push_back(j);
    r.val.push_back(coef());
    r.sum += r.val.back();
  }
  return r;
}

MipModel random_knapsack(std::uint64_t seed, int n, int rows) {
  Rng rng(seed);
  MipModel m;
  m.maximize = rng.below(2) == 0;
  for (int j = 0; j < n; ++j) m.add_var(0, 1, double(int(rng.below(41)) - 10), true);
  for (int i = 0; i < rows; ++i) {
    const Row r = dense_row(n, [&] { return double(1 + rng.below(20)); });
    const double cap = std::floor(r.sum * rng.uniform(0.3, 0.7));
    if (m.maximize) m.add_row(r.idx, r.val, -1e30, cap); else m.add_row(r.idx, r.val, cap, 1e30);
  }
  return m;
}

// Market split (Cornuéjols and Dawande): sum_j a_ij x_j = floor(sum_j a_ij / 2) for 4 rows
// and 30 binaries. Hard for branch and bound: far more than a second for either back end.
MipModel market_split(std::uint64_t seed) {
  Rng rng(seed);
  MipModel m;
  m.maximize = true;
  const int n = 30, rows = 4;
  for (int j = 0; j < n; ++j) m.add_var(0, 1, 1, true);
  for (int i = 0; i < rows; ++i) {
    const Row r = dense_row(n, [&] { return double(rng.below(100)); });
    const double rhs = std::floor(r.sum / 2);
    m.add_row(r.idx, r.val, rhs, rhs);
  }
  return m;
}

}  // namespace

TEST(Mip, SmallModelWithAKnownOptimumOnBothBackends) {
  const auto m = small_knapsack();
  ASSERT_DOUBLE_EQ(brute_force(m), 13.0);
  for (auto b : kBackends) {
    const auto r = solve_mip(m, b, 30);
    EXPECT_EQ(r.status, MipStatus::Optimal) << io::spell(b);
    EXPECT_EQ(r.backend, b);
    EXPECT_NEAR(r.objective, 13.0, 1e-6) << io::spell(b);
    EXPECT_NEAR(r.bound, r.objective, 1e-6) << io::spell(b);
    EXPECT_NEAR(r.gap, 0.0, 1e-9) << io::spell(b);
    ASSERT_EQ(r.x.size(), 3u);
    // the solution is integral, feasible and has the objective's value
    double v = 0;
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(r.x[j], std::round(r.x[j]), 1e-6);
      v += m.obj[j] * r.x[j];
    }
    EXPECT_NEAR(v, r.objective, 1e-6);
    for (const auto& row : m.rows) {
      double s = 0;
      for (std::size_t k = 0; k < row.idx.size(); ++k) s += row.val[k] * r.x[row.idx[k]];
      EXPECT_LE(s, row.ub + 1e-6);
    }
  }
}

TEST(Mip, BothBackendsFindTheBruteForceOptimumOfRandomKnapsacks) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const auto m = random_knapsack(seed, 10, 1 + int(seed % 3));
    const double want = brute_force(m);
    ASSERT_TRUE(std::isfinite(want)) << "seed " << seed;
    const auto g = solve_mip(m, MipBackend::Glpk, 30), c = solve_mip(m, MipBackend::Cbc, 30);
    EXPECT_EQ(g.status, MipStatus::Optimal) << "seed " << seed;
    EXPECT_EQ(c.status, MipStatus::Optimal) << "seed " << seed;
    EXPECT_NEAR(g.objective, want, 1e-6) << "seed " << seed << " glpk";
    EXPECT_NEAR(c.objective, want, 1e-6) << "seed " << seed << " cbc";
  }
}

TEST(Mip, InfeasibleModelsReportInfeasibleOnBothBackends) {
  ASSERT_FALSE(std::isfinite(brute_force(integer_infeasible())));
  for (auto b : kBackends) {
    for (const auto& m : {integer_infeasible(), lp_infeasible()}) {
      MipResult r;
      ASSERT_NO_THROW(r = solve_mip(m, b, 30)) << io::spell(b);
      EXPECT_EQ(r.status, MipStatus::Infeasible) << io::spell(b);
      EXPECT_TRUE(r.x.empty()) << io::spell(b);
    }
  }
}

TEST(Mip, TimeLimitReportsItsStatusAndAValidBound) {
  const auto m = market_split(7);
  for (auto b : kBackends) {
    const auto r = solve_mip(m, b, 1.0);
    EXPECT_TRUE(r.status == MipStatus::NoSolutionInTime || r.status == MipStatus::Feasible)
        << io::spell(b) << ": " << io::spell(r.status);
    EXPECT_LT(r.seconds, 15.0) << io::spell(b) << " ignored its time limit";
    // no integer point can beat the bound (maximising 30 binaries: at most 30)
    EXPECT_LE(r.bound, 30.0 + 1e-6) << io::spell(b);
    if (r.status == MipStatus::Feasible) {
      EXPECT_LE(r.objective, r.bound + 1e-6) << io::spell(b);
      EXPECT_GE(r.gap, 0.0) << io::spell(b);
    }
  }
  EXPECT_STREQ(io::spell(MipStatus::NoSolutionInTime), "time_limit");
}

namespace {
struct ProgressRecorder : ProgressSink {
  std::vector<std::int64_t> updates;
  int begins = 0, ends = 0;
  void line(const std::string&) override {}
  void begin(const std::string&, std::int64_t) override { ++begins; }
  void update(std::int64_t d) override { updates.push_back(d); }
  void end() override { ++ends; }
};
}  // namespace

// The progress of an exact solve (solvers/mip.h): with a time limit too far to count (10^7 s),
// GLPK's branch-and-cut callback alone moves the percent, by the share of the first gap closed:
// it rises through values between 0 and 100, never down, and reaches 100 when the solve ends.
// Counting changes no number: the same objective and solution as without a counter. CBC counts
// its time limit only, and ends at 100 too.
TEST(Mip, ProgressCountsTheGapClosedAndChangesNoNumber) {
  const MipModel m = random_knapsack(kProgressSeed, 36, 3);
  for (auto b : kBackends) {
    ProgressRecorder rec;
    MipResult counted;
    {
      const ProgressCounter count(&rec, "exact", kMipProgressTotal);
      counted = solve_mip(m, b, 1e7, &count);
    }
    const MipResult plain = solve_mip(m, b, 1e7);
    ASSERT_EQ(counted.status, MipStatus::Optimal) << io::spell(b);
    EXPECT_EQ(counted.objective, plain.objective) << io::spell(b);
    EXPECT_EQ(counted.x, plain.x) << io::spell(b);
    EXPECT_EQ(rec.begins, 1);
    EXPECT_EQ(rec.ends, 1);
    ASSERT_FALSE(rec.updates.empty()) << io::spell(b);
    EXPECT_TRUE(std::is_sorted(rec.updates.begin(), rec.updates.end())) << io::spell(b);
    EXPECT_EQ(rec.updates.back(), kMipProgressTotal) << io::spell(b);
    if (b == MipBackend::Glpk) {
      const auto between = std::count_if(rec.updates.begin(), rec.updates.end(), [](std::int64_t u) { return u > 0 && u < kMipProgressTotal; });
      EXPECT_GT(between, 0) << "no percent from the gap before the end";
    }
  }
}
