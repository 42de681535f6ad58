// The guichet's cached fixed part (io/guichet_cache.h): the bytes give back the same base, a
// damaged file or another key is never used, and the key changes with every input the region
// and its plan depend on (the scenario's bytes, a data file's size or time).
#include "io/guichet_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

solvers::GuichetBase small_base() {
  solvers::GuichetBase b;
  b.deps = {"21", "2A"};
  b.communes.push_back({0, 0, 10.0, 20.5, 3.25, 0.0, 7.0, 0.875});
  b.communes.push_back({1, 2023, 1e9, 0.1, 0.0, 42.0, 0.0, 0.0});
  return b;
}

// A scenario on a copy of tests/data/mini (its files may be edited).
scenarios::Scenario mini_scenario(const fs::path& dir, const std::string& extra = "") {
  fs::copy(std::string(DORSALE_TEST_DATA) + "/mini", dir / "data", fs::copy_options::recursive | fs::copy_options::skip_existing);
  const fs::path f = dir / "mini.toml";
  std::ofstream(f) << "[scenario]\nname = \"mini\"\n[region]\nsource = \"opendata\"\nopendata_dir = \"data\"\nnetwork_plan = \"none\"\n"
                   << extra;
  return scenarios::load_scenario(f.string());
}

}  // namespace

TEST(GuichetCache, BytesGiveBackTheBaseAndDamageIsRefused) {
  const auto b = small_base();
  const std::string bytes = io::guichet_base_bytes(b);
  const auto back = io::guichet_base_from_bytes(bytes);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == b);
  for (std::size_t cut : {std::size_t(0), std::size_t(7), bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(io::guichet_base_from_bytes(bytes.substr(0, cut))) << "truncated at " << cut;
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = char(flipped[bytes.size() / 2] ^ 0x10);
  EXPECT_FALSE(io::guichet_base_from_bytes(flipped));
}

TEST(GuichetCache, OnlyItsOwnKeyReadsIt) {
  test::TempDir tmp;
  fs::create_directories(tmp.path() / ".dorsale");
  EXPECT_FALSE(io::read_guichet_cache(tmp.path(), "k1")) << "no file yet";
  io::write_guichet_cache(tmp.path(), "k1", small_base());
  const auto got = io::read_guichet_cache(tmp.path(), "k1");
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == small_base());
  EXPECT_FALSE(io::read_guichet_cache(tmp.path(), "k2"));
  EXPECT_FALSE(io::read_guichet_cache(tmp.path(), "k"));
  // written atomically: only the file itself is left in the folder
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(tmp.path() / ".dorsale")) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"guichet-base.bin"}));
  // a damaged file is not used
  {
    std::string bytes = test::slurp(io::guichet_cache_file(tmp.path()));
    bytes[bytes.size() - 20] = char(bytes[bytes.size() - 20] ^ 0x01);
    std::ofstream(io::guichet_cache_file(tmp.path()), std::ios::binary) << bytes;
  }
  EXPECT_FALSE(io::read_guichet_cache(tmp.path(), "k1"));
}

TEST(GuichetCache, KeyChangesWithTheScenarioAndItsData) {
  test::TempDir tmp;
  const auto s = mini_scenario(tmp.path());
  const std::string key = io::guichet_base_key(s);
  EXPECT_EQ(io::guichet_base_key(mini_scenario(tmp.path())), key) << "same inputs, same key";
  // the scenario's bytes
  EXPECT_NE(io::guichet_base_key(mini_scenario(tmp.path(), "# a comment\n")), key);
  // a data file edited in place (same size, later time) and one grown
  const fs::path csv = tmp.path() / "data" / "insee-population" / "donnees_communes-mini.csv";
  fs::last_write_time(csv, fs::last_write_time(csv) + std::chrono::seconds(5));
  const std::string touched = io::guichet_base_key(s);
  EXPECT_NE(touched, key);
  std::ofstream(csv, std::ios::app) << "\n";
  EXPECT_NE(io::guichet_base_key(s), touched);
}

// The executable loads GDAL and CBC on first use (app/lazy_library.h): their files are not
// mapped when the key is made, yet an upgrade of them must still invalidate the cache.
TEST(GuichetCache, ALibraryLoadedOnFirstUseKeysItLikeOneMappedAtStart) {
  test::TempDir tmp;
  const auto s = mini_scenario(tmp.path());
  const fs::path lib = tmp.path() / "libfirstuse.so.1.2.3";
  std::ofstream(lib) << "a library's bytes";
  const std::string before = io::guichet_base_key(s);
  io::add_libraries_loaded_on_first_use({lib.string()});
  const std::string with = io::guichet_base_key(s);
  EXPECT_NE(with, before);
  EXPECT_NE(with.find(lib.string()), std::string::npos) << with;
  EXPECT_EQ(io::guichet_base_key(s), with) << "same library, same key";
  fs::last_write_time(lib, fs::last_write_time(lib) + std::chrono::seconds(5));  // upgraded in place
  EXPECT_NE(io::guichet_base_key(s), with);
}
