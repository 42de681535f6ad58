// Scenario files: every key known, unknown or mistyped keys rejected with file:line, values
// checked, paths resolved; the README documents every parameter.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.h"
#include "test_support.h"
#include "io/scenario.h"

using namespace dorsale;
using scenarios::parse_scenario;

namespace {

InputError parse_error(const std::string& text) {
  return dorsale::test::input_error_of([&] { parse_scenario(text, "s.toml", "/base"); }, text);
}

}  // namespace

TEST(Scenario, BuiltinScenariosParseAndDiffer) {
  auto names = scenarios::builtin_scenario_names();
  ASSERT_EQ(names, (std::vector<std::string>{"bfc-2022", "bfc-2025"}));
  auto a = scenarios::builtin_scenario("bfc-2022");
  auto b = scenarios::builtin_scenario("bfc-2025");
  EXPECT_EQ(a.name, "bfc-2022");
  EXPECT_EQ(a.params.targets.thd_year, 2022);
  EXPECT_EQ(b.params.targets.thd_year, 2025);
  EXPECT_NE(a.hash, b.hash);
  EXPECT_EQ(a.region.kind, scenarios::RegionSource::Kind::Builtin);
}

TEST(Scenario, ShippedFilesEqualTheBuiltinOnes) {
  for (const auto& n : scenarios::builtin_scenario_names()) {
    auto file = scenarios::load_scenario(std::string(DORSALE_SOURCE_DIR) + "/scenarios/" + n + ".toml");
    EXPECT_EQ(file.hash, scenarios::builtin_scenario(n).hash) << n;
  }
}

TEST(Scenario, UnknownKeyNamesFileLineAndKey) {
  auto e = parse_error("[scenario]\nname = \"x\"\n\n[costs]\nbuild_eur_per_kn = 3\n");
  EXPECT_EQ(e.file(), "s.toml");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.field(), "costs.build_eur_per_kn");
  e = parse_error("[scenario]\nnmae = \"x\"\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "scenario.nmae");
  e = parse_error("[sceanrio]\nname = \"x\"\n");
  EXPECT_EQ(e.field(), "sceanrio");
  e = parse_error("[region]\nsource = \"opendata\"\n[region.files]\narcep_comunes = \"a.csv\"\n");
  EXPECT_EQ(e.field(), "region.files.arcep_comunes");
  EXPECT_EQ(e.line(), 4);
}

TEST(Scenario, WrongTypesAndRangesAreErrors) {
  auto e = parse_error("[costs]\nbuild_eur_per_km = \"cheap\"\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "costs.build_eur_per_km");
  e = parse_error("[costs]\nbuild_eur_per_km = -3\n");
  EXPECT_NE(std::string(e.what()).find("outside"), std::string::npos) << e.what();
  e = parse_error("[calibration]\ncommunes = 12.5\n");
  EXPECT_EQ(e.field(), "calibration.communes");
  e = parse_error("[scenario]\nfirst_year = 2025\nlast_year = 2019\n");
  EXPECT_EQ(e.field(), "scenario.first_year");
  e = parse_error("[region]\nsource = \"satellite\"\n");
  EXPECT_EQ(e.field(), "region.source");
  e = parse_error("[scenario\nname = 1\n");
  EXPECT_EQ(e.file(), "s.toml");
  EXPECT_GT(e.line(), 0);
}

TEST(Scenario, OverridesAndPathsAreApplied) {
  auto s = parse_scenario(
      "[scenario]\nname = \"t\"\nseed = 9\n[region]\nsource = \"opendata\"\nopendata_dir = \"data\"\n"
      "[region.files]\ncommune_polygons = [\"a.geojson\", \"/abs/b.gpkg\"]\n[costs]\nbuild_eur_per_km = 55000\n"
      "[opendata]\nband_shares_urban = [0.1, 0.2, 0.3, 0.4]\n",
      "s.toml", "/base");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.region.opendata_dir, "/base/data");
  EXPECT_EQ(s.region.files.commune_polygons, (std::vector<std::string>{"/base/a.geojson", "/abs/b.gpkg"}));
  EXPECT_EQ(s.params.costs.build_eur_per_km, 55000);
  EXPECT_EQ(s.params.opendata.band_shares_urban[3], 0.4);
  EXPECT_EQ(s.params.overridden().size(), 2u);
}

TEST(Scenario, ReadmeDocumentsEveryParameterKey) {
  std::ifstream in(std::string(DORSALE_SOURCE_DIR) + "/scenarios/README.md");
  ASSERT_TRUE(in) << "scenarios/README.md is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  for (const auto& spec : Parameters::registry())
    EXPECT_NE(readme.find("`" + spec.key + "`"), std::string::npos) << spec.key << " is not documented";
  for (const char* k : {"scenario.name", "scenario.seed", "region.source", "region.opendata_dir",
                        "region.files.commune_polygons", "region.files.mobile_sites"})
    EXPECT_NE(readme.find(k), std::string::npos) << k << " is not documented";
}

// ---- hardening: hostile scenario files are InputErrors naming the line, never a crash -------

TEST(ScenarioHardening, ArrayNested2000DeepIsRefusedBeforeToml11) {
  // toml11 parses arrays recursively: 2,000 levels overflowed the stack
  const std::string deep = "[scenario]\nname = \"x\"\n[budgets]\npublic_eur_per_year = " + std::string(2000, '[') + std::string(2000, ']') + "\n";
  auto e = parse_error(deep);
  EXPECT_EQ(e.file(), "s.toml");
  EXPECT_EQ(e.line(), 4);
  EXPECT_NE(std::string(e.what()).find("nested deeper than 64"), std::string::npos) << e.what();
  // the limit itself is accepted by the nesting check (toml11 then rejects the value's type)
  const std::string ok = "[budgets]\npublic_eur_per_year = " + std::string(64, '[') + "1" + std::string(64, ']') + "\n";
  e = parse_error(ok);
  EXPECT_EQ(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
}

TEST(ScenarioHardening, NineteenDigitSeedIsAnErrorNotAnOverflow) {
  auto e = parse_error("[scenario]\nname = \"x\"\nseed = 9999999999999999999\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.field(), "scenario.seed");
  EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
  e = parse_error("[scenario]\nseed = -9999999999999999999\n");
  EXPECT_EQ(e.field(), "scenario.seed");
  // the largest seed still fits
  EXPECT_EQ(parse_scenario("[scenario]\nseed = 9223372036854775807\n", "s.toml", "").seed, 9223372036854775807ull);
  // an overflowing integer parameter and a year that would wrap in an int are refused too
  e = parse_error("[guichet]\ndraws = 99999999999999999999\n");
  EXPECT_EQ(e.field(), "guichet.draws");
  e = parse_error("[scenario]\nfirst_year = 4294969315\n");  // 2^32 + 2019
  EXPECT_EQ(e.field(), "scenario.first_year");
}

TEST(ScenarioHardening, Latin1ScenarioIsNotUtf8NamingTheLine) {
  auto e = parse_error("[scenario]\nname = \"x\"\ndescription = \"r\xE9seau\"\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("not UTF-8, line 3"), std::string::npos) << e.what();
}

TEST(ScenarioHardening, MissingFileOrSymlinkLoopIsCannotOpen) {
  const auto dir = std::filesystem::temp_directory_path() / ("dorsale-loop-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::create_symlink(dir / "a.toml", dir / "b.toml");
  std::filesystem::create_symlink(dir / "b.toml", dir / "a.toml");
  for (const auto* name : {"a.toml", "missing.toml"}) {
    try {
      scenarios::load_scenario((dir / name).string());
      ADD_FAILURE() << "no error for " << name;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), (dir / name).string());
      EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Scenario, TheBudgetSeriesIsCheckedAgainstTheYearsOnceEveryTableIsRead) {
  // the years come after the name and the budget after the years: checked at the end
  const auto s = parse_scenario("[scenario]\nname = \"short\"\nfirst_year = 2019\nlast_year = 2021\n"
                                "[budgets]\npublic_eur_per_year = [1e8, 1e8, 1e8]\n",
                                "s.toml", "");
  EXPECT_EQ(s.last_year - s.first_year + 1, 3);
  // the budget before the years, no name: the same
  EXPECT_NO_THROW(parse_scenario("[budgets]\npublic_eur_per_year = [1e8, 1e8, 1e8]\n[scenario]\nfirst_year = 2019\nlast_year = 2021\n",
                                 "s.toml", ""));
  // three years and the default seven-year series: an error naming the [scenario] table's line
  const auto e = dorsale::test::input_error_of(
      [] { parse_scenario("# years\n[scenario]\nname = \"x\"\nfirst_year = 2019\nlast_year = 2021\n", "s.toml", ""); });
  EXPECT_EQ(e.field(), "budgets.public_eur_per_year");
  EXPECT_EQ(e.line(), 2);
}
