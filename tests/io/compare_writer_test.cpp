// summary.json read back (typed, strict): what compare and the report take from a run folder is
// the summary of the results in memory, exactly; an edited file is an InputError naming the
// file and the field.
#include "io/compare_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "models/run_summary.h"
#include "io/scenario.h"
#include "test_support.h"
#include "io/summary_json.h"

using namespace dorsale;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json builtin_summary() {
  return viz::summary_json(test::builtin_bfc(), test::builtin_bfc_results(), scenarios::builtin_scenario("bfc-2022").params);
}

RunSummary read_back(const json& j, const test::TempDir& tmp) {
  const auto f = tmp.path() / "summary.json";
  std::ofstream(f) << j.dump(2) << "\n";
  return viz::read_run_summary(f);
}

void expect_same_shares(const ShareFigures& a, const ShareFigures& b, const std::string& what) {
  EXPECT_EQ(a.pct_ge8, b.pct_ge8) << what;
  EXPECT_EQ(a.pct_ge30, b.pct_ge30) << what;
  EXPECT_EQ(a.pct_ftth, b.pct_ftth) << what;
}

}  // namespace

TEST(RunSummaryJson, ReadBackIsTheSummaryOfTheResultsInMemory) {
  test::TempDir tmp;
  const RunSummary mem = summarize_run(test::builtin_bfc(), test::builtin_bfc_results());
  const RunSummary file = read_back(builtin_summary(), tmp);
  ASSERT_TRUE(mem.planned);
  EXPECT_EQ(file.name, mem.name);
  EXPECT_EQ(file.communes, mem.communes);
  EXPECT_EQ(file.premises, mem.premises);
  EXPECT_EQ(file.departement_names, mem.departement_names);
  EXPECT_EQ(file.departement_names.size(), file.premises_by_departement.size());
  EXPECT_EQ(file.rollout.public_spend_eur, mem.rollout.public_spend_eur);
  EXPECT_EQ(file.rollout.private_spend_eur, mem.rollout.private_spend_eur);
  EXPECT_EQ(file.rollout.alternatives_eur, mem.rollout.alternatives_eur);
  EXPECT_EQ(file.rollout.collecte_km, mem.rollout.collecte_km);
  ASSERT_EQ(file.trajectory.size(), mem.trajectory.size());
  ASSERT_GT(mem.trajectory.size(), 1u);
  for (std::size_t y = 0; y < mem.trajectory.size(); ++y) {
    const auto &a = file.trajectory[y], &b = mem.trajectory[y];
    const std::string what = std::to_string(b.year);
    EXPECT_EQ(a.year, b.year);
    expect_same_shares(a.figures.shares, b.figures.shares, what);
    EXPECT_EQ(a.figures.public_spend_eur, b.figures.public_spend_eur) << what;
    EXPECT_EQ(a.figures.private_spend_eur, b.figures.private_spend_eur) << what;
    EXPECT_EQ(a.figures.alternatives_eur, b.figures.alternatives_eur) << what;
    EXPECT_EQ(a.figures.premises_by_technology, b.figures.premises_by_technology) << what;
    EXPECT_EQ(a.premises, b.premises) << what;
    EXPECT_EQ(a.below_8, b.below_8) << what;
    EXPECT_EQ(a.below_30, b.below_30) << what;
    EXPECT_EQ(a.ftth, b.ftth) << what;
    EXPECT_EQ(a.budget_eur, b.budget_eur) << what;
    EXPECT_EQ(a.premises, file.premises) << what;
    ASSERT_EQ(a.by_departement.size(), b.by_departement.size());
    for (const auto& [code, s] : b.by_departement) expect_same_shares(a.by_departement.at(code), s, what + " " + code);
  }
  // the shares are the shares of the states: the last year's FttH share from the states
  std::array<std::int64_t, kBandCount> last{};
  for (const auto& c : test::builtin_bfc_results().communes.states.back())
    for (int b = 0; b < kBandCount; ++b) last[b] += c[b];
  EXPECT_DOUBLE_EQ(file.trajectory.back().figures.shares.pct_ftth,
                   100.0 * double(last[int(Band::Ftth)]) / double(last[0] + last[1] + last[2] + last[3] + last[4]));
  ASSERT_EQ(file.targets.size(), mem.targets.size());
  for (const auto& t : file.targets) {
    const auto it = std::find_if(mem.targets.begin(), mem.targets.end(), [&](const auto& m) { return m.name == t.name; });
    ASSERT_NE(it, mem.targets.end()) << t.name;
    EXPECT_EQ(t.met, it->met) << t.name;
    EXPECT_EQ(t.met_year, it->met_year) << t.name;
    EXPECT_EQ(t.target_year, it->target_year) << t.name;
    EXPECT_EQ(t.premises_short_at_target_year, it->premises_short_at_target_year) << t.name;
  }
}

TEST(RunSummaryJson, EditedFieldsAreInputErrorsNamingTheField) {
  test::TempDir tmp;
  const json good = builtin_summary();
  auto field_of = [&](const json& j) { return test::input_error_of([&] { read_back(j, tmp); }, j.dump().substr(0, 200)).field(); };
  json j = good;
  j["trajectory"][2]["pct_ge30"] = "high";
  EXPECT_EQ(field_of(j), "trajectory[2].pct_ge30");
  j = good;
  j["trajectory"][1]["by_departement"]["21"].erase("pct_ftth");
  EXPECT_EQ(field_of(j), "trajectory[1].by_departement.21.pct_ftth");
  j = good;
  j["targets"]["ftth"]["met"] = 1;
  EXPECT_EQ(field_of(j), "targets.ftth.met");
  j = good;
  j["region"].erase("premises");
  EXPECT_EQ(field_of(j), "region.premises");
  j = good;
  j.erase("trajectory");
  EXPECT_EQ(field_of(j), "trajectory");
  const auto e = test::input_error_of([&] { viz::read_run_summary(tmp.path() / "nowhere" / "summary.json"); });
  EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos) << e.what();
}
