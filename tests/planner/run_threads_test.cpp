// The main job on one thread and on two writes the same bytes (issue #27): the towers' radius
// fit, candidate backhaul and coverage prices are computed in parallel and layers.gpkg is
// written beside the other files, each number and each file by one thread alone.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "planner/run.h"
#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

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
    if (it->is_regular_file()) out[it->path().lexically_relative(dir).string()] = test::slurp(it->path());
  }
  return out;
}

std::map<std::string, std::string> run_on(std::size_t threads, const fs::path& scenario, const fs::path& out) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  planner::RunConfig cfg;
  cfg.scenario_files = {scenario.string()};
  cfg.out_dir = out.string();
  planner::run(cfg, {});
  return files_of(out);
}

}  // namespace

TEST(RunThreads, OneThreadAndTwoWriteIdenticalFiles) {
  test::TempDir tmp;
  const fs::path scenario = tmp.path() / "small.toml";
  std::ofstream(scenario) << "[scenario]\nname = \"small\"\n[region]\nsource = \"builtin\"\n";
  const auto one = run_on(1, scenario, tmp.path() / "one");
  const auto two = run_on(2, scenario, tmp.path() / "two");
  ASSERT_TRUE(one.count("small/layers.gpkg")) << "no layers.gpkg: the run wrote less than it should";
  ASSERT_TRUE(one.count("small/towers.json")) << "no towers.json: the towers (the parallel part) did not run";
  ASSERT_EQ(one.size(), two.size());
  for (const auto& [name, bytes] : one) {
    ASSERT_TRUE(two.count(name)) << name;
    EXPECT_TRUE(bytes == two.at(name)) << name << " differs between one thread and two";
  }
}
