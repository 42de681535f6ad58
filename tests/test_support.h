#pragma once
// Helpers shared by the tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "models/error.h"
#include "models/region.h"
#include "models/results.h"
#include "test_paths.h"

namespace dorsale::test {

// The open data beside the checkout (../shared/data). When it is missing the calling test is
// skipped with a visible message, except under CI (CI set), where it fails: CI always has it.
#define DORSALE_REQUIRE_SHARED_DATA(dir_var)                                                     \
  const std::string dir_var = DORSALE_SHARED_DATA;                                               \
  if (!std::filesystem::exists(dir_var + "/SOURCES.md")) {                                       \
    if (std::getenv("CI")) FAIL() << "CI is set but the open data is missing at " << dir_var;   \
    GTEST_SKIP() << "open data not found at " << dir_var << " (place ../shared beside the checkout)"; \
  }

// The whole content of a file ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The visible entries of a folder (hidden ones, such as dorsale's .dorsale, aside).
inline std::set<std::string> visible(const std::filesystem::path& root) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.path().filename().string()[0] != '.') out.insert(e.path().filename().string());
  return out;
}

// The built-in region of the bfc-2022 scenario, built once per test binary.
const Region& builtin_bfc();

// The results of the bfc-2022 scenario on builtin_bfc(): its roll-out plan and its answers to
// the example interconnection requests (first-come first-served), computed once per binary.
const ScenarioResults& builtin_bfc_results();

// The target years of the bfc-2022 scenario (targets.thd_year, targets.ftth_year).
std::vector<int> builtin_bfc_target_years();

// The InputError that `f()` throws; a test failure (and an empty error) when it throws none.
template <class F>
InputError input_error_of(F&& f, const std::string& what = "") {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError" << (what.empty() ? "" : " for:\n" + what);
  return InputError("", 0, "", "");
}

// A fresh empty folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("dorsale-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

// Runs the dorsale binary with `args` (stdout and stderr to `log`); returns the exit code, -1
// when it did not exit normally (a crash).
inline int run_cli(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::string cmd = std::string("'") + DORSALE_BIN + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " > '" + log.string() + "' 2>&1";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace dorsale::test
