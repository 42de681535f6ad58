#pragma once
// The paths the tests use (the source tree, tests/data, the open data and benchmark instances
// beside the checkout, the dorsale binary). CMake passes them to test_support.cpp alone
// (tests/CMakeLists.txt): the other test sources' compile commands hold no absolute path, so a
// clone at another path (CI's fresh clone, a worktree) reuses ccache's objects of every test
// source but that one. The names are the macros the tests have always used; each is a
// `const char*`.
namespace dorsale::test {
const char* source_dir();
const char* test_data_dir();
const char* shared_data_dir();
const char* shared_bench_dir();
const char* dorsale_bin();
}  // namespace dorsale::test

#define DORSALE_SOURCE_DIR (::dorsale::test::source_dir())
#define DORSALE_TEST_DATA (::dorsale::test::test_data_dir())
#define DORSALE_SHARED_DATA (::dorsale::test::shared_data_dir())
#define DORSALE_SHARED_BENCH (::dorsale::test::shared_bench_dir())
#define DORSALE_BIN (::dorsale::test::dorsale_bin())
