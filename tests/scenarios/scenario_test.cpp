// Scenario files: every key known, unknown or mistyped keys rejected with file:line, values
// checked, paths resolved; the README documents every parameter.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "models/error.h"
#include "scenarios/scenario.h"

using namespace dorsale;
using scenarios::parse_scenario;

namespace {

InputError parse_error(const std::string& text) {
  try {
    parse_scenario(text, "s.toml", "/base");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return InputError("", 0, "", "");
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
