// The planner decides whether each target is met, from the commune states alone.
#include "planner/targets.h"

#include <gtest/gtest.h>

using namespace dorsale;

namespace {

// Two communes over 2021..2023; bands: below 3, 3-8, 8-30, THD non-FttH, FttH.
CommuneStates states() {
  CommuneStates s;
  s.years = {2021, 2022, 2023};
  s.states = {{{{5, 5, 10, 0, 0}}, {{0, 0, 10, 10, 0}}},   // 2021: 10 below 8, 30 below 30
              {{{0, 0, 10, 10, 0}}, {{0, 0, 0, 20, 0}}},   // 2022: >= 8 for all; 10 below 30
              {{{0, 0, 0, 0, 20}}, {{0, 0, 0, 15, 5}}}};   // 2023: >= 30 for all; 15 not FttH
  return s;
}

const TargetAssessment& find(const std::vector<TargetAssessment>& v, const std::string& name) {
  for (const auto& t : v)
    if (t.name == name) return t;
  throw std::runtime_error("no target " + name);
}

}  // namespace

TEST(Targets, MetYearShortfallAndMissedTargets) {
  param::Targets t;
  t.good_broadband_year = 2022;
  t.thd_year = 2022;
  t.ftth_year = 2023;
  const auto a = planner::assess_targets(states(), t);
  ASSERT_EQ(a.size(), 3u);
  const auto& ge8 = find(a, "good_broadband_ge8");
  EXPECT_TRUE(ge8.met);
  EXPECT_EQ(ge8.met_year, 2022);
  EXPECT_EQ(ge8.premises_short_at_target_year, 0);
  const auto& thd = find(a, "thd_ge30");
  EXPECT_FALSE(thd.met);  // met in 2023, one year late
  EXPECT_EQ(thd.met_year, 2023);
  EXPECT_EQ(thd.premises_short_at_target_year, 10);
  EXPECT_DOUBLE_EQ(*thd.pct_short_at_target_year, 100.0 * 10 / 40);
  const auto& ftth = find(a, "ftth");
  EXPECT_FALSE(ftth.met);
  EXPECT_FALSE(ftth.met_year.has_value());
  EXPECT_EQ(ftth.premises_short_at_target_year, 15);
  // a target year outside the plan: no shortfall figure, never met
  t.ftth_year = 2030;
  const auto b = planner::assess_targets(states(), t);
  EXPECT_FALSE(find(b, "ftth").premises_short_at_target_year.has_value());
  EXPECT_FALSE(find(b, "ftth").met);
}
