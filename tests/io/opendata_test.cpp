// The open-data import reproduces the files' totals, works on another region laid out the
// same way, and rejects bad input with one error naming file, line and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "models/error.h"
#include "planner/region_info.h"
#include "io/summary_json.h"
#include "io/opendata.h"
#include "test_support.h"

using namespace dorsale;

namespace {
// What `region info --json` prints for a region.
nlohmann::json info_json(const Region& r) {
  const auto i = planner::region_info_of(r);
  return viz::region_info_json(i.region, i.cut_off_from_dorsale);
}
}  // namespace
namespace fs = std::filesystem;

namespace {

using test::slurp;

// Independent reading of a column total: strips every kind of space, "-" is 0.
long long column_total(const fs::path& file, char sep, int header_line, int col) {
  std::istringstream in(slurp(file));
  std::string line;
  long long total = 0;
  for (int n = 1; std::getline(in, line); ++n) {
    if (n <= header_line) continue;
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, sep)) cells.push_back(cell);
    if (int(cells.size()) <= col) continue;
    std::string digits;
    for (char ch : cells[col])
      if (ch >= '0' && ch <= '9') digits += ch;
    if (!digits.empty()) total += std::stoll(digits);
  }
  return total;
}

long long count_rows(const fs::path& file) {
  std::istringstream in(slurp(file));
  std::string line;
  long long n = -1;  // header
  while (std::getline(in, line))
    if (!line.empty()) ++n;
  return n;
}

}  // namespace

TEST(OpenData, ReproducesTheSharedFilesTotals) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  const auto files = scenarios::locate_opendata(dir);
  const Region r = scenarios::import_opendata(files, Parameters{});
  const auto j = info_json(r);
  // Figures of the foundation issue, and the same figures recomputed from the files here.
  EXPECT_EQ(j["geography"], "2018");
  EXPECT_EQ(j["communes"], 3734);
  EXPECT_EQ(j["communes"].get<long long>(), count_rows(files.arcep_communes) - 4);
  EXPECT_EQ(j["dwellings"], 1535084);
  EXPECT_EQ(j["dwellings"].get<long long>(), column_total(files.arcep_communes, ',', 5, 5));
  EXPECT_EQ(j["business_sites"], 78902);
  EXPECT_EQ(j["business_sites"].get<long long>(), column_total(files.arcep_communes, ',', 5, 6));
  EXPECT_EQ(j["ftth_premises"], 244643);
  EXPECT_EQ(j["population"].get<long long>(), column_total(files.insee_population, ';', 1, 8));
  EXPECT_EQ(j["mobile"]["file_rows"], 8120);
  EXPECT_EQ(j["mobile"]["sites_total"], 5028);
  EXPECT_EQ(j["mobile"]["sites_by_operator"]["Orange"], 1502);
  EXPECT_EQ(j["mobile"]["sites_by_operator"]["SFR"], 1400);
  EXPECT_EQ(j["mobile"]["sites_by_operator"]["Bouygues Telecom"], 1177);
  EXPECT_EQ(j["mobile"]["sites_by_operator"]["Free Mobile"], 949);
  // Fields the files cannot give are null, never made up.
  EXPECT_TRUE(j["mobile"]["coverage_by_operator"]["SFR"].is_null());
  EXPECT_TRUE(j["phase2"]["amel"].is_null());
  EXPECT_TRUE(j["thd_radio"]["premises"].is_null());
  EXPECT_TRUE(j["dorsale_km"].is_null());
  EXPECT_TRUE(j["zones"]["amel"].is_null());
  // The bands partition the premises of every commune.
  long long bands = 0;
  for (const auto& [k, v] : j["bands"].items()) bands += v.get<long long>();
  EXPECT_EQ(bands, j["premises"].get<long long>());
  // Every high point stands inside its commune's polygon extent.
  for (const auto& h : r.high_points) {
    auto ci = r.find_commune(h.commune);
    ASSERT_TRUE(ci.has_value());
  }
}

TEST(OpenData, CurrentGeographyMergesCommunesAndKeepsTotals) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  planner::RegionInfoConfig cfg;
  cfg.opendata = dir;
  cfg.geography = "current";
  const auto j = info_json(planner::load_region_for(cfg));
  EXPECT_EQ(j["geography"], "current");
  EXPECT_EQ(j["communes"], 3685);
  EXPECT_EQ(j["dwellings"], 1535084);
  EXPECT_EQ(j["ftth_premises"], 244643);
  EXPECT_EQ(j["mobile"]["sites_total"], 5028);
}

// A three-commune region of another département (2A), in Lambert-93 polygons, with a merger,
// a hole in a polygon and sites outside: nothing in the importer is specific to BFC.
TEST(OpenData, ImportsAnotherRegionLaidOutTheSameWay) {
  const Region r = scenarios::import_opendata(scenarios::locate_opendata(std::string(DORSALE_TEST_DATA) + "/mini"), Parameters{});
  const auto t = compute_totals(r);
  EXPECT_EQ(t.communes, 3);
  EXPECT_EQ(t.dwellings, 1205 + 45300 + 1600);
  EXPECT_EQ(t.business_sites, 40 + 3100 + 55);
  EXPECT_EQ(t.ftth_passed, 100 + 30000 + 1700);          // latest quarter (T1 2020)
  EXPECT_EQ(t.population, 3200 + 75000);                 // Ajaccio's split with merged Alata
  EXPECT_EQ(t.sites_by_operator, (std::array<std::int64_t, 4>{1, 1, 1, 1}));  // one in a hole, two outside
  auto alata = r.find_commune("2A006");
  ASSERT_TRUE(alata.has_value());
  // split by dwellings, largest remainder: 75000 x 1600 / 46900 = 2558.6 -> 2559; 72441.4 -> 72441
  EXPECT_EQ(r.communes[*alata].population, 2559);
  EXPECT_EQ(r.communes[*r.find_commune("2A004")].population, 72441);
  EXPECT_EQ(r.communes[*alata].band(Band::Ftth), 1600 + 55);  // capped at premises
  EXPECT_EQ(r.communes[*alata].ftth_passed, 1700);
  EXPECT_EQ(r.communes[*r.find_commune("2A004")].zone, Zone::Amii);
}

namespace {

// Copies tests/data/mini to a temp dir, applies `edit` to one file, imports, and returns the
// error (file, line, field). Fails the test if no InputError is thrown.
struct Caught {
  std::string file, field, what;
  long line = -1;
};

Caught import_edited(const std::string& rel, const std::function<std::string(std::string)>& edit) {
  test::TempDir tmp;
  fs::copy(std::string(DORSALE_TEST_DATA) + "/mini", tmp.path(), fs::copy_options::recursive);
  const fs::path f = tmp.path() / rel;
  if (edit) {
    std::string text = edit(slurp(f));
    std::ofstream(f, std::ios::binary) << text;
  } else {
    fs::remove(f);
  }
  Caught c;
  try {
    scenarios::import_opendata(scenarios::locate_opendata(tmp.path().string()), Parameters{});
  } catch (const InputError& e) {
    c.file = fs::path(e.file()).filename().string();
    c.field = e.field();
    c.line = e.line();
    c.what = e.what();
  }
  return c;
}

std::string replace(std::string s, const std::string& a, const std::string& b) {
  auto p = s.find(a);
  EXPECT_NE(p, std::string::npos) << a;
  return p == std::string::npos ? s : s.replace(p, a.size(), b);
}

}  // namespace

TEST(OpenDataBadInput, MissingFileNamesThePattern) {
  auto c = import_edited("insee-population/donnees_communes-mini.csv", nullptr);
  EXPECT_EQ(c.field, "insee_population") << c.what;
}

TEST(OpenDataBadInput, MalformedCountNamesLineAndColumn) {
  auto c = import_edited("arcep-ftth-2020T1/communes-mini.csv", [](std::string s) { return replace(s, " 40    ", " 4O "); });
  EXPECT_EQ(c.file, "communes-mini.csv");
  EXPECT_EQ(c.line, 6);
  EXPECT_EQ(c.field, "Établissements") << c.what;
}

TEST(OpenDataBadInput, NegativeValueIsRejected) {
  auto c = import_edited("insee-population/donnees_communes-mini.csv", [](std::string s) { return replace(s, ";3200;", ";-3200;"); });
  EXPECT_EQ(c.file, "donnees_communes-mini.csv");
  EXPECT_EQ(c.line, 2);
  EXPECT_EQ(c.field, "PMUN") << c.what;
  EXPECT_NE(c.what.find("negative"), std::string::npos) << c.what;
}

TEST(OpenDataBadInput, UnknownCommuneCodeIsRejected) {
  auto c = import_edited("arcep-ftth-2020T1/ftthCommunes-mini.csv", [](std::string s) { return replace(s, "2A004,Locaux", "2A099,Locaux"); });
  EXPECT_EQ(c.file, "ftthCommunes-mini.csv");
  EXPECT_EQ(c.line, 8);
  EXPECT_EQ(c.field, "Code commune") << c.what;
}

TEST(OpenDataBadInput, UnknownOperatorAndBadCoordinate) {
  auto c = import_edited("arcep-sites-mobiles-2020-01/sites_mobiles_mini.csv", [](std::string s) { return replace(s, "20815;", "20899;"); });
  EXPECT_EQ(c.line, 4);
  EXPECT_EQ(c.field, "Operateur") << c.what;
  c = import_edited("arcep-sites-mobiles-2020-01/sites_mobiles_mini.csv", [](std::string s) { return replace(s, "1185000;6115000", "1185000;61l5000"); });
  EXPECT_EQ(c.line, 5);
  EXPECT_EQ(c.field, "y") << c.what;
}

TEST(OpenDataBadInput, ShortRowIsRejected) {
  auto c = import_edited("arcep-ftth-2020T1/communes-mini.csv", [](std::string s) {
    const auto b = s.find("2A006,Alata"), e = s.find('\n', b);
    return s.replace(b, e - b, "2A006,Alata,94,2A");
  });
  EXPECT_EQ(c.line, 8) << c.what;
  EXPECT_EQ(c.field, "Logements") << c.what;
}

TEST(OpenDataBadInput, HugeOrNanCoordinatesNameFileFeatureAndField) {
  for (const char* x : {"1e308", "nan", "-2e7"}) {
    auto c = import_edited("arcep-sites-mobiles-2020-01/sites_mobiles_mini.csv",
                           [&](std::string s) { return replace(s, "1185000;6115000", std::string(x) + ";6115000"); });
    EXPECT_EQ(c.file, "sites_mobiles_mini.csv") << x;
    EXPECT_EQ(c.line, 5) << x;
    EXPECT_EQ(c.field, "x") << x << ": " << c.what;
  }
  auto c = import_edited("arcep-sites-mobiles-2020-01/sites_mobiles_mini.csv",
                         [](std::string s) { return replace(s, "1185000;6115000", "1185000;1e308"); });
  EXPECT_EQ(c.field, "y") << c.what;
  for (const char* v : {"1e308", "-1e308"}) {
    c = import_edited("france-geojson/communes-2a-mini.geojson",
                      [&](std::string s) { return replace(s, "[1180000,6110000]", std::string("[") + v + ",6110000]"); });
    EXPECT_EQ(c.file, "communes-2a-mini.geojson") << v;
    EXPECT_EQ(c.line, 1) << v;  // the feature number
    EXPECT_EQ(c.field, "geometry") << v << ": " << c.what;
  }
}

// A wider ARCEP file than the polygons (a national file, one département's polygons): rows of
// départements with no polygon are left out, and said so; inside a covered département an unknown
// commune is still an error.
TEST(OpenDataBadInput, RowsOfDepartementsWithoutPolygonsAreLeftOut) {
  test::TempDir tmp;
  fs::copy(std::string(DORSALE_TEST_DATA) + "/mini", tmp.path(), fs::copy_options::recursive);
  const fs::path communes = tmp.path() / "arcep-ftth-2020T1/communes-mini.csv";
  const fs::path ftth = tmp.path() / "arcep-ftth-2020T1/ftthCommunes-mini.csv";
  const Region before = scenarios::import_opendata(scenarios::locate_opendata(tmp.path().string()), Parameters{});
  std::ofstream(communes, std::ios::app) << "21231,Dijon,27,21,242100410, 90 000    , 9 000    , -    ,FRTE , -    , -    , -    ,\n";
  std::ofstream(ftth, std::ios::app) << "21231,Locaux Raccordables,50000,60000\n";
  const Region after = scenarios::import_opendata(scenarios::locate_opendata(tmp.path().string()), Parameters{});
  EXPECT_EQ(info_json(after)["premises"], info_json(before)["premises"]);
  EXPECT_EQ(info_json(after)["ftth_premises"], info_json(before)["ftth_premises"]);
  EXPECT_FALSE(after.find_commune("21231").has_value());
  EXPECT_TRUE(std::any_of(after.provenance.derived.begin(), after.provenance.derived.end(), [](const std::string& d) {
    return d.find("1 rows of départements without commune polygons left out") != std::string::npos;
  }));
  std::ofstream(communes, std::ios::app) << "2A099,Nowhere,94,2A,200000001, 10    , 1    , -    , -    , -    , 1    , 1    ,\n";
  const auto e = test::input_error_of([&] { scenarios::import_opendata(scenarios::locate_opendata(tmp.path().string()), Parameters{}); });
  EXPECT_EQ(e.field(), "Code commune");
  EXPECT_EQ(e.line(), 10);
  EXPECT_NE(std::string(e.what()).find("2A099"), std::string::npos);
}
