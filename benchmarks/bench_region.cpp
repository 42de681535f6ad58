// Building the built-in region, importing the open data, generating larger synthetic regions.
// Run: ./build/benchmarks/bench_region  (figures in benchmarks/BENCHMARKS.md)
#include <benchmark/benchmark.h>

#include <filesystem>

#include "regions/builtin_region.h"
#include "io/opendata.h"
#include "io/scenario.h"

using namespace dorsale;

static void BM_BuiltinBfc(benchmark::State& st) {
  Parameters p;
  for (auto _ : st) benchmark::DoNotOptimize(scenarios::build_builtin_region(p, 2019));
  st.counters["communes"] = 3734;
}
BENCHMARK(BM_BuiltinBfc)->Unit(benchmark::kMillisecond);

static void BM_Synthetic(benchmark::State& st) {
  // st.range(0): communes; population and premises scaled as France (67 M, 45 M at 35,000).
  Parameters p;
  const double f = double(st.range(0)) / 35000.0;
  p.set_number("calibration.communes", double(st.range(0)));
  p.set_number("calibration.population", std::round(67e6 * f));
  p.set_number("calibration.premises", std::round(45e6 * f));
  for (auto _ : st) benchmark::DoNotOptimize(scenarios::build_builtin_region(p, 2019));
  st.counters["communes"] = double(st.range(0));
}
BENCHMARK(BM_Synthetic)->Arg(3734 * 2)->Arg(17500)->Arg(35000)->Unit(benchmark::kMillisecond);

static void BM_ImportOpenData(benchmark::State& st) {
  const std::string dir = DORSALE_SHARED_DATA;
  if (!std::filesystem::exists(dir + "/SOURCES.md")) {
    st.SkipWithError("open data not found beside the checkout");
    return;
  }
  auto files = scenarios::locate_opendata(dir);
  Parameters p;
  for (auto _ : st) benchmark::DoNotOptimize(scenarios::import_opendata(files, p));
}
BENCHMARK(BM_ImportOpenData)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
