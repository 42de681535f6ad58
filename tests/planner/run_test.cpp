// The main job: three files per scenario, readable by GDAL and HDF5, equal to the in-memory
// results, identical from one run to the next, and nothing written when a scenario fails.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <ogrsf_frmts.h>
#include <tbb/global_control.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/spelling.h"
#include "models/error.h"
#include "planner/run.h"
#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

using test::slurp;

std::vector<std::int64_t> read_i64(const fs::path& file, const std::string& dataset, std::vector<hsize_t>& dims) {
  hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0);
  hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << dataset;
  hid_t s = H5Dget_space(d);
  dims.assign(H5Sget_simple_extent_ndims(s), 0);
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  hsize_t n = 1;
  for (auto x : dims) n *= x;
  std::vector<std::int64_t> v(n);
  H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

// Every file of a run folder (its .dorsale bookkeeping left out) -> its bytes.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> out;
  // the scenario folders are links into the folder's current generation: followed
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == ".dorsale") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out[it->path().lexically_relative(dir).string()] = slurp(it->path());
  }
  return out;
}

// The default run (the built-in bfc-2022 and bfc-2025) into a folder of its own, on at most
// `threads` threads.
struct DefaultRun {
  planner::RunConfig cfg;
  std::vector<planner::ScenarioRun> runs;
};
DefaultRun make_default_run(const fs::path& out, std::size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  DefaultRun d;
  d.cfg.out_dir = out.string();
  d.runs = planner::run(d.cfg, {});
  return d;
}

// Two default runs, each made once per process and only read by the tests (the Run suite runs
// in one process: tests/CMakeLists.txt): on two threads, and again on one. The second serves
// both "same inputs, same files" and "one thread or two, same files" (issue #27), which each
// needed a run of their own before (four built-in scenario runs instead of six).
const DefaultRun& default_run() {
  static test::TempDir tmp;
  static const DefaultRun r = make_default_run(tmp.path() / "out", 2);
  return r;
}
const DefaultRun& default_run_one_thread() {
  static test::TempDir tmp;
  static const DefaultRun r = make_default_run(tmp.path() / "out", 1);
  return r;
}

// Two scenarios on the three-commune open-data region of tests/data/mini with a network derived
// by rule: every output file of a run at ~1/50 of the cost of the default run, for the
// properties of the output folder, which do not depend on the region's size.
std::vector<std::string> mini_scenarios(const fs::path& dir) {
  std::vector<std::string> files;
  for (int seed : {1, 2}) {
    const fs::path f = dir / ("m" + std::to_string(seed) + ".toml");
    std::ofstream(f) << "[scenario]\nname = \"m-" << seed << "\"\nseed = " << seed << "\n[region]\nsource = \"opendata\"\nopendata_dir = \""
                     << DORSALE_TEST_DATA << "/mini\"\nnetwork_plan = \"derived\"\n";
    files.push_back(f.string());
  }
  return files;
}

}  // namespace

TEST(Run, WritesThreeReadableFilesPerScenarioMatchingTheResults) {
  const planner::RunConfig& cfg = default_run().cfg;
  const auto& runs = default_run().runs;
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& r : runs) {
    const fs::path dir = fs::path(cfg.out_dir) / r.scenario.name;
    for (const char* f : {"summary.json", "results.h5", "results.xlsx", "layers.gpkg"}) EXPECT_TRUE(fs::exists(dir / f)) << f;
    // summary.json
    auto j = nlohmann::json::parse(slurp(dir / "summary.json"));
    EXPECT_EQ(j["scenario"]["name"], r.scenario.name);
    EXPECT_EQ(j["region"]["premises"], compute_totals(r.region).premises);
    // HDF5: the per-commune bands equal the in-memory states
    std::vector<hsize_t> dims;
    auto v = read_i64(dir / "results.h5", "/" + r.scenario.name + "/communes/premises_by_band", dims);
    const std::size_t ny = r.results.communes.years.size(), nc = r.region.communes.size();
    ASSERT_EQ(dims, (std::vector<hsize_t>{ny, nc, 5}));
    EXPECT_EQ(ny, 8u);  // baseline 2018 + 2019..2025
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t i = 0; i < nc; ++i)
        for (int b = 0; b < 5; ++b) ASSERT_EQ(v[(y * nc + i) * 5 + b], r.results.communes.states[y][i][b]);
    // GeoPackage: layers, CRS and counts
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open((dir / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    struct Want {
      const char* layer;
      std::size_t count;
    } wants[] = {{"communes", r.region.communes.size()},
                 {"network_nodes", r.region.network.nodes().size()},
                 {"network_links", r.region.network.links().size()},
                 {"high_points", r.region.high_points.size()},
                 {"collecte", r.results.rollout.collecte.size()},
                 {"routes", 0}};
    std::size_t routes = 0;
    for (const auto& d : r.results.interconnection.decisions) routes += d.routes.size();
    wants[5].count = routes;
    for (const auto& w : wants) {
      OGRLayer* l = ds->GetLayerByName(w.layer);
      ASSERT_NE(l, nullptr) << w.layer;
      EXPECT_EQ(std::size_t(l->GetFeatureCount()), w.count) << w.layer;
      ASSERT_NE(l->GetSpatialRef(), nullptr);
      EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "2154") << w.layer;
    }
    // the high-point layers hold the towers.json choice
    ASSERT_TRUE(r.towers);
    EXPECT_EQ(std::size_t(ds->GetLayerByName("chosen_sites")->GetFeatureCount()), r.towers->choice.chosen.size());
    double white = 0;
    for (auto& f : ds->GetLayerByName("white_zone_premises")) white += f->GetFieldAsDouble("premises");
    EXPECT_NEAR(white, r.towers->white_zone_premises, 1e-6 * (1 + white));
    // a commune's fields read back equal the model
    OGRLayer* communes = ds->GetLayerByName("communes");
    communes->SetAttributeFilter("code = '21231'");
    std::unique_ptr<OGRFeature> f(communes->GetNextFeature());
    ASSERT_TRUE(f);
    const auto& dijon = r.region.communes[*r.region.find_commune("21231")];
    EXPECT_EQ(f->GetFieldAsInteger64("premises"), dijon.premises());
    EXPECT_EQ(f->GetFieldAsInteger64("ftth"), dijon.band(Band::Ftth));
    EXPECT_STREQ(f->GetFieldAsString("zone"), io::spell(dijon.zone));
  }
  // no staging folder left behind: one generation, the committed one
  for (const auto& e : fs::directory_iterator(cfg.out_dir))
    if (e.path().filename().string()[0] == '.') {
      EXPECT_EQ(e.path().filename(), ".dorsale");
    }
  int gens = 0;
  for (const auto& e : fs::directory_iterator(fs::path(cfg.out_dir) / ".dorsale" / "run")) gens += e.path().filename().string().rfind("gen-", 0) == 0;
  EXPECT_EQ(gens, 1);
}

// the default run made once per process (default_run) against a second one (made on one thread:
// a run that depended on anything but its inputs, the thread count included, would differ)
TEST(Run, SameInputsGiveIdenticalFiles) {
  const fs::path a = default_run().cfg.out_dir, b = default_run_one_thread().cfg.out_dir;
  for (const char* s : {"bfc-2022", "bfc-2025"}) {
    EXPECT_FALSE(slurp(a / s / "results.h5").empty()) << s;
    EXPECT_EQ(slurp(a / s / "results.h5"), slurp(b / s / "results.h5")) << s;
    EXPECT_EQ(slurp(a / s / "summary.json"), slurp(b / s / "summary.json")) << s;
    EXPECT_EQ(slurp(a / s / "results.xlsx"), slurp(b / s / "results.xlsx")) << s;  // its creation date is fixed
  }
}

// The main job on one thread and on two writes the same bytes (issue #27): the towers' radius
// fit, candidate backhaul and coverage prices are computed in parallel and layers.gpkg is
// written beside the other files, each number and each file by one thread alone. (Was
// RunThreads.OneThreadAndTwoWriteIdenticalFiles on a one-scenario run of its own; now on the two
// default runs the suite makes anyway, both scenarios, every file.)
TEST(Run, OneThreadAndTwoWriteIdenticalFiles) {
  const auto two = files_of(default_run().cfg.out_dir), one = files_of(default_run_one_thread().cfg.out_dir);
  for (const char* s : {"bfc-2022", "bfc-2025"}) {
    ASSERT_TRUE(one.count(std::string(s) + "/layers.gpkg")) << s << ": no layers.gpkg: the run wrote less than it should";
    ASSERT_TRUE(one.count(std::string(s) + "/towers.json")) << s << ": no towers.json: the towers (the parallel part) did not run";
  }
  ASSERT_EQ(one.size(), two.size());
  for (const auto& [name, bytes] : one) {
    ASSERT_TRUE(two.count(name)) << name;
    EXPECT_TRUE(bytes == two.at(name)) << name << " differs between one thread and two";
  }
}

TEST(Run, AFailingScenarioLeavesNoOutputAtAll) {
  test::TempDir tmp;
  // a good scenario (on the mini region, mini_scenarios), then a bad one
  const fs::path good = mini_scenarios(tmp.path()).front(), bad = tmp.path() / "bad.toml";
  // valid TOML, but the open-data folder does not exist: fails after the first is staged
  std::ofstream(bad) << "[scenario]\nname = \"bad\"\n[region]\nsource = \"opendata\"\nopendata_dir = \"nowhere\"\n";
  planner::RunConfig cfg;
  cfg.scenario_files = {good.string(), bad.string()};
  cfg.out_dir = (tmp.path() / "out").string();
  EXPECT_THROW(planner::run(cfg, {}), InputError);
  ASSERT_TRUE(fs::exists(cfg.out_dir));
  // only dorsale's hidden bookkeeping, and no generation in it
  for (const auto& e : fs::directory_iterator(cfg.out_dir)) EXPECT_EQ(e.path().filename(), ".dorsale") << "partial output " << e.path();
  for (const auto& e : fs::recursive_directory_iterator(fs::path(cfg.out_dir) / ".dorsale"))
    EXPECT_EQ(e.path().filename().string().rfind("gen-", 0), std::string::npos) << "staging left: " << e.path();
}

// on the mini region (mini_scenarios): the same output folder, the same files
TEST(Run, RerunReplacesItsOwnOutputAndKeepsTheUsers) {
  test::TempDir tmp, scen;
  planner::RunConfig cfg;
  cfg.scenario_files = mini_scenarios(scen.path());
  cfg.out_dir = tmp.path().string();
  std::ofstream(tmp.path() / "notes.docx") << "mine";
  planner::run(cfg, {});
  const auto first = slurp(tmp.path() / "m-1" / "summary.json");
  ASSERT_FALSE(first.empty());
  planner::run(cfg, {});
  EXPECT_EQ(slurp(tmp.path() / "m-1" / "summary.json"), first);
  EXPECT_EQ(slurp(tmp.path() / "notes.docx"), "mine");
  // a file the user put inside dorsale's folder stops the next run instead of being deleted
  std::ofstream(tmp.path() / "m-1" / "stale.txt") << "mine too";
  EXPECT_THROW(planner::run(cfg, {}), InputError);
  EXPECT_EQ(slurp(tmp.path() / "m-1" / "stale.txt"), "mine too");
  EXPECT_TRUE(fs::exists(tmp.path() / "m-1" / "results.h5"));
}
