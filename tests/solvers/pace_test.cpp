// The build pace (solvers/pace.h): capacities, the trajectory recursion and the fit.
#include "solvers/pace.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace dorsale::solvers;

TEST(Pace, RampIntegralsAddUpOverSpans) {
  const PaceRates r{0.1, 0.2, 2019.0};
  const PaceShape s{4, 2};
  // before the start nothing; at full pace share x premises per year
  EXPECT_DOUBLE_EQ(public_capacity(r, s, 1000, 2017, 2019), 0);
  EXPECT_NEAR(public_capacity(r, s, 1000, 2023, 2024), 200, 1e-9);
  // the ramp's first year: the integral of (t - 2019) / 4 over [2019, 2020] = 1/8
  EXPECT_NEAR(public_capacity(r, s, 1000, 2019, 2020), 200.0 / 8, 1e-9);
  // additive over a split span
  EXPECT_NEAR(public_capacity(r, s, 1000, 2019.3, 2021.7),
              public_capacity(r, s, 1000, 2019.3, 2020.1) + public_capacity(r, s, 1000, 2020.1, 2021.7), 1e-9);
  EXPECT_NEAR(private_capacity(r, 500, 2018.25, 2020), 0.1 * 500 * 1.75, 1e-9);
  EXPECT_NEAR(tail_capacity(s, 100, 2020, 2021), 50, 1e-9);
}

TEST(Pace, TheTargetPacesWhatRemains) {
  const PaceShape s{4, 2};
  PaceRates r{0, 0.01, 2020.0, 2025};
  // from 2021 the RIP must pass 900 of 1000 premises by the end of 2025 on its ramp from 2020:
  // integral of the ramp over [2021, 2026] = F(2026) - F(2021) = (2 + 2) - 1/8; the share is 900 / 1000 / 3.875
  const double share = 900.0 / 1000.0 / 3.875;
  EXPECT_NEAR(public_capacity_to_target(r, s, 1000, 900, 2021, 2022), share * 1000 * (0.5 - 0.125), 1e-9);
  // a higher fitted pace wins; no target: the fitted pace; past the target: all that remains
  r.public_share = 0.9;
  EXPECT_NEAR(public_capacity_to_target(r, s, 1000, 900, 2021, 2022), public_capacity(r, s, 1000, 2021, 2022), 1e-9);
  r.public_share = 0.01;
  r.target_year = 0;
  EXPECT_NEAR(public_capacity_to_target(r, s, 1000, 900, 2021, 2022), public_capacity(r, s, 1000, 2021, 2022), 1e-9);
  r.target_year = 2025;
  EXPECT_NEAR(public_capacity_to_target(r, s, 1000, 300, 2026, 2027), 300, 1e-9);
  // passing the target share every year from 2021 on finishes the zone by the end of 2025 (tail aside)
  double left = 900;
  for (int y = 2021; y <= 2025; ++y) left -= public_capacity_to_target(r, s, 1000, left, y, y + 1);
  EXPECT_NEAR(left, 0, 1e-6);
}

TEST(Pace, TrajectoryNeverPassesMoreThanTheZones) {
  PaceDepartement d{1000, 200, 3000, 0};
  const auto tr = pace_trajectory(d, {0.5, 0.6, 2015}, {1, 0.5}, 2018.25, 2019, 2030);
  for (std::size_t k = 1; k < tr.size(); ++k) {
    EXPECT_GE(tr[k], tr[k - 1]);
    EXPECT_LE(tr[k], 100.0 + 1e-9);
  }
  EXPECT_NEAR(tr.front(), 5.0, 1e-12);
}

TEST(Pace, RateAtInterpolatesBetweenTheStartAndYearEnds) {
  const std::vector<double> tr{10, 20, 40};  // start 2018.5, end of 2019 (2020.0), end of 2020 (2021.0)
  EXPECT_DOUBLE_EQ(rate_at(tr, 2018.5, 2019, 2018.5), 10);
  EXPECT_NEAR(rate_at(tr, 2018.5, 2019, 2019.25), 15, 1e-12);
  EXPECT_NEAR(rate_at(tr, 2018.5, 2019, 2020.5), 30, 1e-12);
  EXPECT_LT(rate_at(tr, 2018.5, 2019, 2018.0), 0);
  EXPECT_LT(rate_at(tr, 2018.5, 2019, 2021.5), 0);
}

TEST(Pace, FitRecoversTheRatesThatMadeTheData) {
  const PaceDepartement d{40000, 8000, 120000, 1000};
  const PaceShape s{4, 2};
  const PaceRates truth{0.15, 0.25, 2018.75};
  const auto tr = pace_trajectory(d, truth, s, 2018.25, 2019, 2025);
  std::vector<PaceObservation> obs;
  for (double t = 2018.5; t <= 2023.01; t += 0.25) obs.push_back({t, rate_at(tr, 2018.25, 2019, t)});
  const PaceFit f = fit_pace(d, s, 2018.25, 2019, 2025, obs);
  EXPECT_LT(f.rmse_pts, 0.05);
  EXPECT_NEAR(f.rates.private_share, truth.private_share, 0.02);
  EXPECT_NEAR(f.rates.public_share, truth.public_share, 0.02);
  EXPECT_NEAR(f.rates.public_start, truth.public_start, 0.1);
  EXPECT_EQ(f.points, int(obs.size()));
}

TEST(Pace, FitIgnoresObservationsOutsideThePlan) {
  const PaceDepartement d{1000, 100, 1000, 0};
  std::vector<PaceObservation> obs{{2017.0, 99}, {2019.0, 10}, {2030.0, 1}};
  const PaceFit f = fit_pace(d, {4, 2}, 2018.25, 2019, 2025, obs);
  EXPECT_EQ(f.points, 1);
}

}  // namespace
