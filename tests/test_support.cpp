#include "test_support.h"

#include "planner/interconnect.h"
#include "planner/run.h"
#include "regions/builtin_region.h"
#include "io/requests.h"
#include "io/scenario.h"

namespace dorsale::test {

// the only test source compiled with the paths (tests/CMakeLists.txt, test_paths.h)
const char* source_dir() { return DORSALE_SOURCE_DIR_PATH; }
const char* test_data_dir() { return DORSALE_TEST_DATA_PATH; }
const char* shared_data_dir() { return DORSALE_SHARED_DATA_PATH; }
const char* shared_bench_dir() { return DORSALE_SHARED_BENCH_PATH; }
const char* dorsale_bin() { return DORSALE_BIN_PATH; }

const Region& builtin_bfc() {
  static const Region r = [] {
    auto s = scenarios::builtin_scenario("bfc-2022");
    return scenarios::build_builtin_region(s.params, s.seed);
  }();
  return r;
}

const ScenarioResults& builtin_bfc_results() {
  static const ScenarioResults r = [] {
    const auto s = scenarios::builtin_scenario("bfc-2022");
    const Region& region = builtin_bfc();
    ScenarioResults res = planner::compute_results(s, region);
    auto requests = scenarios::parse_requests(scenarios::example_requests_text(), "builtin:requests-example.csv", false,
                                              region.network);
    res.interconnection = planner::evaluate_requests(region, s.params, std::move(requests), solvers::QueueMode::FirstCome, solvers::MipBackend::Glpk);
    return res;
  }();
  return r;
}

std::vector<int> builtin_bfc_target_years() {
  const auto s = scenarios::builtin_scenario("bfc-2022");
  return {int(s.params.targets.thd_year), int(s.params.targets.ftth_year)};
}

}  // namespace dorsale::test
