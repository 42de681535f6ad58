// The guichet's results.h5 describes itself: numeric attributes (seed, draws, first year, sets)
// as numbers, the year, département and statistic axes as HDF5 dimension scales attached to
// every quantile dataset, units as attributes, and with --keep-draws each draw's totals. Read
// back with the HDF5 API, and as `h5dump -A` (hdf5-tools) shows it.
#include <cstdlib>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <numeric>

#include "guichet_fixture.h"
#include "planner/guichet.h"
#include "io/scenario.h"
#include "solvers/guichet.h"
#include "test_support.h"
#include "io/guichet_writer.h"

using namespace dorsale;

namespace {

GuichetRun run_with_draws() {
  GuichetRun r = test::small_guichet_run(1, 1, 3, {"21", "25", "39"});
  r.seed = 18446744073709551557ULL;  // above the int64 range: only an unsigned 64-bit number holds it
  for (auto& s : r.sets) {
    for (int d = 0; d < r.draws; ++d) {
      s.stats.subsidy_total_draws.push_back(1000.0 * s.index + d);
      s.stats.premises_total_draws.push_back(10.0 * s.index + d);
    }
  }
  return r;
}

struct File {
  hid_t id;
  explicit File(const std::filesystem::path& p) : id(H5Fopen(p.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~File() {
    if (id >= 0) H5Fclose(id);
  }
};

std::string string_attr(hid_t obj, const char* name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  hid_t t = H5Aget_type(a);
  std::string s(H5Tget_size(t), '\0');
  H5Aread(a, t, s.data());
  H5Tclose(t);
  H5Aclose(a);
  return s.substr(0, s.find('\0'));
}

template <class T>
T number_attr(hid_t obj, const char* name, hid_t mem_type, H5T_class_t& cls) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  hid_t t = H5Aget_type(a);
  cls = H5Tget_class(t);
  T v{};
  EXPECT_GE(H5Aread(a, mem_type, &v), 0) << name;
  H5Tclose(t);
  H5Aclose(a);
  return v;
}

std::vector<double> doubles(hid_t f, const std::string& path) {
  hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << path;
  hid_t s = H5Dget_space(d);
  std::vector<double> v(std::size_t(H5Sget_simple_extent_npoints(s)));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  return v;
}

std::vector<std::string> strings(hid_t f, const std::string& path) {
  hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  hid_t t = H5Dget_type(d), s = H5Dget_space(d);
  const std::size_t w = H5Tget_size(t), n = std::size_t(H5Sget_simple_extent_npoints(s));
  std::string buf(w * n, '\0');
  H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string x = buf.substr(i * w, w);
    out.push_back(x.substr(0, x.find('\0')));
  }
  H5Tclose(t);
  H5Sclose(s);
  H5Dclose(d);
  return out;
}

}  // namespace

TEST(GuichetHdf5, NumbersAreNumbersAndTheAxesAreDimensionScales) {
  test::TempDir tmp;
  const auto path = tmp.path() / "results.h5";
  const GuichetRun run = run_with_draws();
  viz::write_guichet_hdf5(path, run);
  File f(path);
  ASSERT_GE(f.id, 0);
  H5T_class_t cls;
  EXPECT_EQ(number_attr<std::uint64_t>(f.id, "seed", H5T_NATIVE_UINT64, cls), run.seed);
  EXPECT_EQ(cls, H5T_INTEGER);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "draws", H5T_NATIVE_INT64, cls), run.draws);
  EXPECT_EQ(cls, H5T_INTEGER);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "first_year", H5T_NATIVE_INT64, cls), run.first_year);
  EXPECT_EQ(number_attr<std::int64_t>(f.id, "total_sets", H5T_NATIVE_INT64, cls), run.total_sets);

  // the axes
  hid_t year = H5Dopen2(f.id, "/guichet/year", H5P_DEFAULT), dep = H5Dopen2(f.id, "/guichet/departement", H5P_DEFAULT),
        stat = H5Dopen2(f.id, "/guichet/statistic", H5P_DEFAULT);
  ASSERT_GE(year, 0);
  ASSERT_GE(dep, 0);
  ASSERT_GE(stat, 0);
  EXPECT_GT(H5DSis_scale(year), 0);
  EXPECT_GT(H5DSis_scale(dep), 0);
  EXPECT_GT(H5DSis_scale(stat), 0);
  const auto years = doubles(f.id, "/guichet/year");
  ASSERT_EQ(years.size(), run.sets[0].stats.subsidy_by_year.size());
  for (std::size_t y = 0; y < years.size(); ++y) EXPECT_EQ(years[y], run.first_year + int(y));
  EXPECT_EQ(strings(f.id, "/guichet/departement"), run.deps);
  EXPECT_EQ(strings(f.id, "/guichet/statistic"), (std::vector<std::string>{"mean", "p10", "p50", "p90", "se"}));

  for (const auto& s : run.sets) {
    const std::string g = fmt::format("/guichet/set_{:04d}/", s.index);
    for (const char* what : {"subsidy", "premises"}) {
      const bool sub = std::string(what) == "subsidy";
      hid_t q = H5Dopen2(f.id, (g + what + "_quantiles").c_str(), H5P_DEFAULT);
      ASSERT_GE(q, 0);
      EXPECT_GT(H5DSis_attached(q, dep, 0), 0) << what;
      EXPECT_GT(H5DSis_attached(q, year, 1), 0) << what;
      EXPECT_GT(H5DSis_attached(q, stat, 2), 0) << what;
      EXPECT_EQ(string_attr(q, "units"), sub ? "EUR" : "premises");
      H5Dclose(q);
      // the values under those axes: [departement, year, statistic]
      const auto v = doubles(f.id, g + what + "_quantiles");
      const std::size_t Y = years.size();
      for (std::size_t d = 0; d < run.deps.size(); ++d)
        for (std::size_t y = 0; y < Y; ++y) {
          const auto& x = (sub ? s.stats.subsidy : s.stats.premises)[d][y];
          EXPECT_EQ(v[(d * Y + y) * 5 + 0], x.mean);
          EXPECT_EQ(v[(d * Y + y) * 5 + 2], x.p50);
          EXPECT_EQ(v[(d * Y + y) * 5 + 4], x.se);
        }
      // the region's quantiles, [year, statistic]
      const auto r = doubles(f.id, g + what + "_region_quantiles");
      ASSERT_EQ(r.size(), Y * 5);
      for (std::size_t y = 0; y < Y; ++y) EXPECT_EQ(r[y * 5 + 3], (sub ? s.stats.subsidy_by_year : s.stats.premises_by_year)[y].p90);
      // --keep-draws: every draw's total, in draw order
      EXPECT_EQ(doubles(f.id, g + what + "_total_draws"), sub ? s.stats.subsidy_total_draws : s.stats.premises_total_draws);
    }
  }
  H5Dclose(year);
  H5Dclose(dep);
  H5Dclose(stat);
}

TEST(GuichetHdf5, WithoutKeepDrawsNoDrawsAreStored) {
  test::TempDir tmp;
  viz::write_guichet_hdf5(tmp.path() / "results.h5", test::small_guichet_run(1, 1));
  File f(tmp.path() / "results.h5");
  EXPECT_EQ(H5Lexists(f.id, "/guichet/set_0000/subsidy_total_draws", H5P_DEFAULT), 0);
  EXPECT_GT(H5Lexists(f.id, "/guichet/set_0000/subsidy_quantiles", H5P_DEFAULT), 0);
}

TEST(GuichetHdf5, H5dumpShowsNumericSeedAndDrawsAndTheDimensionScales) {
  if (std::system("command -v h5dump > /dev/null 2>&1") != 0) {
    if (std::getenv("CI")) FAIL() << "h5dump (hdf5-tools) is missing";
    { if (std::getenv("CI")) FAIL() << "CI is set (scripts/test.sh installs it) but " << "h5dump not found (Debian hdf5-tools)"; GTEST_SKIP() << "h5dump not found (Debian hdf5-tools)"; }
  }
  test::TempDir tmp;
  const auto path = tmp.path() / "results.h5";
  GuichetRun run = test::small_guichet_run(1, 1);
  run.seed = 2019;
  run.draws = 777;
  viz::write_guichet_hdf5(path, run);
  const std::string cmd = "h5dump -A '" + path.string() + "' > '" + (tmp.path() / "dump").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string dump = test::slurp(tmp.path() / "dump");
  // ATTRIBUTE "seed" { DATATYPE H5T_STD_U64LE ... DATA { (0): 2019 } }: a number, not a string
  auto attribute = [&](const std::string& name) {
    const auto a = dump.find("ATTRIBUTE \"" + name + "\"");
    EXPECT_NE(a, std::string::npos) << name << "\n" << dump;
    return a == std::string::npos ? std::string() : dump.substr(a, dump.find("}\n   }", a) - a + 1);
  };
  const std::string seed = attribute("seed"), draws = attribute("draws");
  EXPECT_NE(seed.find("H5T_STD_U64LE"), std::string::npos) << seed;
  EXPECT_NE(seed.find("(0): 2019"), std::string::npos) << seed;
  EXPECT_EQ(seed.find("H5T_STRING"), std::string::npos) << seed;
  EXPECT_NE(draws.find("H5T_STD_I64LE"), std::string::npos) << draws;
  EXPECT_NE(draws.find("(0): 777"), std::string::npos) << draws;
  EXPECT_NE(dump.find("ATTRIBUTE \"DIMENSION_LIST\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"DIMENSION_SCALE\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("ATTRIBUTE \"REFERENCE_LIST\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("DATASET \"year\""), std::string::npos) << dump;
}

TEST(GuichetHdf5, KeptDrawsAreTheDrawsTheQuantilesSummarise) {
  // a small solver run: the kept totals' mean is the reported mean, their count the draws
  solvers::GuichetInputs in;
  in.deps = {"21", "25"};
  in.first_year = 2020;
  in.years = 3;
  for (int i = 0; i < 6; ++i) {
    solvers::GuichetCommune c;
    c.dep = i % 2;
    c.pool = 100 + 10 * i;
    c.ftth_year = 2030;
    c.radio_cap = 20;
    c.fourg_share = 0.3;
    in.communes.push_back(c);
  }
  solvers::GuichetParams p = planner::guichet_params(scenarios::builtin_scenario("bfc-2022").params);
  p.keep_draws = true;
  const auto st = solvers::run_guichet(in, p, 500, 7, 0, 2);
  ASSERT_EQ(st.subsidy_total_draws.size(), 500u);
  ASSERT_EQ(st.premises_total_draws.size(), 500u);
  const double mean = std::accumulate(st.subsidy_total_draws.begin(), st.subsidy_total_draws.end(), 0.0) / 500;
  EXPECT_NEAR(mean, st.subsidy_total.mean, 1e-9 * std::max(1.0, std::abs(mean)));
  EXPECT_GT(mean, 0);
  p.keep_draws = false;
  const auto without = solvers::run_guichet(in, p, 500, 7, 0, 2);
  EXPECT_TRUE(without.subsidy_total_draws.empty());
  EXPECT_EQ(without.subsidy_total.mean, st.subsidy_total.mean) << "keeping the draws changes no figure";
}
