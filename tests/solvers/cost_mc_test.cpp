// The cost Monte Carlo: its quantiles against the analytic inverse CDF (triangular and
// uniform), identical figures whatever the thread count, and refused input.
#include "solvers/cost_mc.h"
#include "io/spelling.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>

using namespace dorsale;

namespace {

solvers::CostMcInput one_component(const std::string& dist, long draws) {
  solvers::CostMcInput in;
  in.components = {{"costs.x", SpendKind::Public, 1000.0}, {"costs.y", SpendKind::Masts, 500.0}};
  in.ranges = {{"costs.x", 70, 50, 90}, {"costs.y", 150, 100, 200}};
  in.distribution = *io::parse_spelling<param::McDistribution>(dist);
  in.draws = draws;
  in.seed = 42;
  return in;
}

}  // namespace

TEST(CostMc, TriangularQuantilesMatchTheInverseCdf) {
  // CDF of triangular(a, c, b) at the returned quantile is u (the defining property)
  const double a = 50, c = 70, b = 90;
  for (double u : {0.0, 0.1, 0.3, 0.5, 0.9, 1.0}) {
    const double x = solvers::triangular_quantile(a, c, b, u);
    const double F = x <= c ? (x - a) * (x - a) / ((b - a) * (c - a)) : 1 - (b - x) * (b - x) / ((b - a) * (b - c));
    EXPECT_NEAR(F, u, 1e-12) << u;
  }
  const auto r = solvers::run_cost_mc(one_component("triangular", 200000));
  ASSERT_EQ(r.status, solvers::CostMcStatus::Ok);
  const auto& pub = r.figures.spends[0];  // 1000 * X / 70, X ~ triangular(50, 70, 90)
  EXPECT_DOUBLE_EQ(pub.plan_eur, 1000);
  for (auto [p, got] : {std::pair{0.1, pub.p10}, std::pair{0.5, pub.p50}, std::pair{0.9, pub.p90}})
    EXPECT_NEAR(got, 1000 * solvers::triangular_quantile(a, c, b, p) / 70, 2.0) << p;
  const auto& tot = r.figures.spends[1];  // total excludes the masts
  EXPECT_DOUBLE_EQ(tot.p50, pub.p50);
  const auto& masts = r.figures.spends[2];  // 500 * Y / 150, Y ~ triangular(100, 150, 200)
  EXPECT_NEAR(masts.p50, 500.0, 2.0);
}

TEST(CostMc, UniformQuantilesMatchTheInverseCdf) {
  const auto r = solvers::run_cost_mc(one_component("uniform", 200000));
  ASSERT_EQ(r.status, solvers::CostMcStatus::Ok);
  const auto& pub = r.figures.spends[0];  // 1000 * U(50, 90) / 70
  EXPECT_NEAR(pub.p10, 1000 * 54.0 / 70, 2.0);
  EXPECT_NEAR(pub.p50, 1000 * 70.0 / 70, 2.0);
  EXPECT_NEAR(pub.p90, 1000 * 86.0 / 70, 2.0);
}

TEST(CostMc, SameFiguresWhateverTheThreadCount) {
  const auto in = one_component("triangular", 20000);
  solvers::CostMcResult one, many;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = solvers::run_cost_mc(in);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 4);
    many = solvers::run_cost_mc(in);
  }
  ASSERT_EQ(one.figures.spends.size(), many.figures.spends.size());
  for (std::size_t k = 0; k < one.figures.spends.size(); ++k) {
    EXPECT_EQ(one.figures.spends[k].p10, many.figures.spends[k].p10);
    EXPECT_EQ(one.figures.spends[k].p50, many.figures.spends[k].p50);
    EXPECT_EQ(one.figures.spends[k].p90, many.figures.spends[k].p90);
  }
}

TEST(CostMc, RefusesBadInput) {
  auto in = one_component("triangular", 10);
  in.ranges.pop_back();  // costs.y has no range
  EXPECT_EQ(solvers::run_cost_mc(in).status, solvers::CostMcStatus::BadInput);
  // an unknown distribution cannot reach the solver: it is refused where it is spelled (io/spelling.h)
  EXPECT_FALSE(io::parse_spelling<param::McDistribution>("normal").has_value());
  in = one_component("uniform", 10);
  in.ranges[0].low = 95;  // low above high
  EXPECT_EQ(solvers::run_cost_mc(in).status, solvers::CostMcStatus::BadInput);
}
