// Sweep files: read lazily (a count and "set k -> values"), with the same order and names as
// when every set was built up front; hostile files are InputErrors.
#include "io/sweep.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/error.h"
#include "test_support.h"

using namespace dorsale;
using namespace dorsale::scenarios;

namespace {

std::string write(const test::TempDir& tmp, const std::string& text) {
  const auto f = tmp.path() / "sweep.toml";
  std::ofstream(f) << text;
  return f.string();
}

InputError sweep_error(const std::string& path) {
  return test::input_error_of([&] { read_sweep(path, Parameters{}); }, path);
}

// 8 guichet keys x 12 values each: 12^8 = 430 M sets from a 700-byte file
std::string huge_grid() {
  const char* keys[] = {"uptake_mean", "uptake_sd", "cost_sd", "satellite_preference_mean", "satellite_preference_sd",
                        "speed_threshold_mbps", "thd_radio_cap_eur", "satellite_cap_eur"};
  std::string t = "[grid]\n";
  for (const char* k : keys) {
    t += std::string("\"guichet.") + k + "\" = [";
    for (int v = 0; v < 12; ++v) t += (v ? ", " : "") + std::to_string(0.01 * (v + 1));
    t += "]\n";
  }
  return t;
}

}  // namespace

TEST(Sweep, SetsKeepTheOrderNamesAndIndicesOfTheEagerReader) {
  test::TempDir tmp;
  const auto s = read_sweep(write(tmp, "[grid]\n\"guichet.uptake_mean\" = [0.15, 0.25, 0.35]\n\"guichet.satellite_cap_eur\" = [300, 600]\n"
                                       "[[set]]\nname = \"generous\"\n\"guichet.satellite_cap_eur\" = 800\n[[set]]\n\"guichet.uptake_sd\" = 0\n"),
                            Parameters{});
  ASSERT_EQ(s.size(), 8);
  // keys sorted, the first (satellite_cap_eur) varying fastest, then the explicit sets
  const std::vector<std::string> names = {"satellite_cap_eur=300,uptake_mean=0.15", "satellite_cap_eur=600,uptake_mean=0.15",
                                          "satellite_cap_eur=300,uptake_mean=0.25", "satellite_cap_eur=600,uptake_mean=0.25",
                                          "satellite_cap_eur=300,uptake_mean=0.35", "satellite_cap_eur=600,uptake_mean=0.35",
                                          "generous",                               "set8"};
  for (std::int64_t k = 0; k < s.size(); ++k) EXPECT_EQ(s.set(k).name, names[std::size_t(k)]) << k;
  EXPECT_EQ(s.set(3).overrides, (std::vector<std::pair<std::string, double>>{{"guichet.satellite_cap_eur", 600}, {"guichet.uptake_mean", 0.25}}));
  EXPECT_EQ(s.set(6).overrides, (std::vector<std::pair<std::string, double>>{{"guichet.satellite_cap_eur", 800}}));
  EXPECT_THROW(s.set(8), std::out_of_range);
}

TEST(Sweep, A430MillionSetGridIsRefusedAtOnce) {
  test::TempDir tmp;
  auto e = sweep_error(write(tmp, huge_grid()));
  EXPECT_NE(std::string(e.what()).find("more than 10000000 sets"), std::string::npos) << e.what();
  EXPECT_GT(e.line(), 1);
}

TEST(Sweep, LargeGridIsNotMaterialised) {
  // 12^6 = 2,985,984 sets, under the limit: reading is immediate, any set k is decoded alone
  test::TempDir tmp;
  std::string t = huge_grid();
  t = t.substr(0, t.find("\"guichet.thd_radio_cap_eur\""));
  const auto s = read_sweep(write(tmp, t), Parameters{});
  ASSERT_EQ(s.size(), 2985984);
  const auto last = s.set(s.size() - 1);
  for (const auto& [k, v] : last.overrides) EXPECT_DOUBLE_EQ(v, 0.12) << k;
  EXPECT_DOUBLE_EQ(s.set(1).overrides.front().second, 0.02);  // the first key varies fastest
  EXPECT_EQ(s.set(1).overrides.front().first, "guichet.cost_sd");
}

TEST(Sweep, ArrayNested2000DeepIsRefusedNamingTheLine) {
  test::TempDir tmp;
  auto e = sweep_error(write(tmp, "[grid]\n\"guichet.uptake_mean\" = " + std::string(2000, '[') + std::string(2000, ']') + "\n"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("nested deeper than 64"), std::string::npos) << e.what();
}

TEST(Sweep, OverflowingIntegerAndLatin1AreRefused) {
  test::TempDir tmp;
  auto e = sweep_error(write(tmp, "[grid]\n\"guichet.draws\" = [10, 99999999999999999999]\n"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "guichet.draws");
  e = sweep_error(write(tmp, "[[set]]\nname = \"g\xE9n\xE9reux\"\n"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos);
}
