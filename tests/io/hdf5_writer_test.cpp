// results.h5 read back with the HDF5 C API: every dataset of the schema (io/README.md) has
// the shape and the values of the in-memory results, units and description attributes, and
// the same results give the same bytes.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <array>
#include <cmath>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/results.h"
#include "test_support.h"
#include "io/hdf5_writer.h"
#include "io/spelling.h"

using namespace dorsale;

namespace {

// An open read-only file, closed at destruction; every read fails the test on error.
class H5File {
 public:
  explicit H5File(const std::filesystem::path& p) : id_(H5Fopen(p.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~H5File() {
    if (id_ >= 0) H5Fclose(id_);
  }
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  hid_t id() const { return id_; }

  bool exists(const std::string& path) const { return H5Lexists(id_, path.c_str(), H5P_DEFAULT) > 0; }

  std::vector<hsize_t> dims(const std::string& path) const {
    hid_t d = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(d, 0) << path;
    if (d < 0) return {};
    hid_t s = H5Dget_space(d);
    std::vector<hsize_t> out(H5Sget_simple_extent_ndims(s));
    H5Sget_simple_extent_dims(s, out.data(), nullptr);
    H5Sclose(s);
    H5Dclose(d);
    return out;
  }

  // Numbers, converted to T by HDF5; `file_class`/`file_size` check the stored type.
  template <class T>
  std::vector<T> numbers(const std::string& path, H5T_class_t file_class, std::size_t file_size) const {
    hid_t mem = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : std::is_same_v<T, std::int64_t> ? H5T_NATIVE_INT64 : H5T_NATIVE_INT32;
    std::size_t count = 1;
    for (auto n : dims(path)) count *= n;
    std::vector<T> out(count);
    hid_t d = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    if (d < 0) return {};
    hid_t t = H5Dget_type(d);
    EXPECT_EQ(H5Tget_class(t), file_class) << path;
    EXPECT_EQ(H5Tget_size(t), file_size) << path;
    H5Tclose(t);
    if (count > 0) EXPECT_GE(H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << path;
    H5Dclose(d);
    return out;
  }
  std::vector<double> f64(const std::string& p) const { return numbers<double>(p, H5T_FLOAT, 8); }
  std::vector<std::int64_t> i64(const std::string& p) const { return numbers<std::int64_t>(p, H5T_INTEGER, 8); }
  std::vector<std::int32_t> i32(const std::string& p) const { return numbers<std::int32_t>(p, H5T_INTEGER, 4); }

  // A one-dimensional dataset of variable-length UTF-8 strings.
  std::vector<std::string> strings(const std::string& path) const {
    hid_t d = H5Dopen2(id_, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(d, 0) << path;
    if (d < 0) return {};
    hid_t ft = H5Dget_type(d);
    EXPECT_EQ(H5Tget_class(ft), H5T_STRING) << path;
    EXPECT_TRUE(H5Tis_variable_str(ft) > 0) << path;
    EXPECT_EQ(H5Tget_cset(ft), H5T_CSET_UTF8) << path;
    H5Tclose(ft);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    hid_t s = H5Dget_space(d);
    std::vector<char*> raw(H5Sget_simple_extent_npoints(s), nullptr);
    std::vector<std::string> out;
    const bool read = raw.empty() || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0;
    EXPECT_TRUE(read) << path;
    if (!raw.empty() && read) {
      for (char* c : raw) out.emplace_back(c ? c : "");
      H5Dvlen_reclaim(mt, s, H5P_DEFAULT, raw.data());
    }
    H5Sclose(s);
    H5Tclose(mt);
    H5Dclose(d);
    return out;
  }

  // A fixed-size string attribute of an object ("" and a failure when absent).
  std::string attr(const std::string& object, const std::string& name) const {
    if (H5Aexists_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) {
      ADD_FAILURE() << object << ": no attribute " << name;
      return "";
    }
    hid_t a = H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    std::string out(H5Tget_size(t), '\0');
    H5Aread(a, t, out.data());
    H5Tclose(t);
    H5Aclose(a);
    out.resize(std::strlen(out.c_str()));
    return out;
  }
  // A float64 attribute (a test failure when it is stored as anything but a float).
  double attr_f64(const std::string& object, const std::string& name) const {
    double v = NAN;
    hid_t a = H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << object << "/" << name;
    if (a < 0) return v;
    hid_t t = H5Aget_type(a);
    EXPECT_EQ(H5Tget_class(t), H5T_FLOAT) << object << "/" << name;
    H5Tclose(t);
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
    return v;
  }
  std::int64_t attr_i64(const std::string& object, const std::string& name) const {
    std::int64_t v = -1;
    hid_t a = H5Aopen_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << object << "/" << name;
    if (a < 0) return v;
    H5Aread(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    return v;
  }

 private:
  hid_t id_;
};

// Every dataset path of a file.
std::vector<std::string> all_datasets(hid_t file) {
  std::vector<std::string> out;
  H5Ovisit(
      file, H5_INDEX_NAME, H5_ITER_NATIVE,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
        return 0;
      },
      &out);
  return out;
}

template <class T, class F>
std::vector<T> collect(const auto& items, F f) {
  std::vector<T> out;
  for (const auto& x : items) out.push_back(T(f(x)));
  return out;
}

// Flattened [year, item, k] array of per-year arrays.
template <class Years>
std::vector<std::int64_t> flatten(const Years& years) {
  std::vector<std::int64_t> out;
  for (const auto& y : years)
    for (const auto& item : y) out.insert(out.end(), item.begin(), item.end());
  return out;
}

class Hdf5Writer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    viz::write_hdf5(file(), test::builtin_bfc(), test::builtin_bfc_results());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::filesystem::path file() { return dir_->path() / "results.h5"; }
  static std::string g() { return "/" + test::builtin_bfc_results().info.scenario; }

  static test::TempDir* dir_;
};
test::TempDir* Hdf5Writer::dir_ = nullptr;

}  // namespace

TEST_F(Hdf5Writer, RootAndScenarioAttributes) {
  const auto& res = test::builtin_bfc_results();
  const auto& region = test::builtin_bfc();
  H5File h(file());
  ASSERT_GE(h.id(), 0);
  EXPECT_EQ(h.attr("/", "format"), "dorsale-results/1");
  EXPECT_EQ(h.attr("/", "dorsale_version"), res.info.version);
  EXPECT_EQ(h.attr(g(), "scenario_file"), res.info.scenario_file);
  EXPECT_EQ(h.attr(g(), "scenario_hash"), res.info.scenario_hash);
  EXPECT_EQ(h.attr_i64(g(), "seed"), std::int64_t(res.info.seed));
  EXPECT_EQ(h.attr(g(), "region_source"), region.provenance.source);
  EXPECT_EQ(h.attr(g(), "geography"), region.provenance.geography);
  std::string joined;
  for (const auto& p : res.info.overridden_parameters) joined += (joined.empty() ? "" : ",") + p;
  EXPECT_EQ(h.attr(g(), "overridden_parameters"), joined);
}

TEST_F(Hdf5Writer, CommunesEqualTheRegionAndTheStates) {
  const auto& C = test::builtin_bfc().communes;
  const auto& st = test::builtin_bfc_results().communes;
  const hsize_t n = C.size(), ny = st.years.size();
  ASSERT_GT(n, 100u);
  H5File h(file());
  const std::string cg = g() + "/communes/";
  EXPECT_EQ(h.i32(g() + "/years"), collect<std::int32_t>(st.years, [](int y) { return y; }));
  EXPECT_EQ(h.strings(cg + "code"), collect<std::string>(C, [](auto& c) { return c.code; }));
  EXPECT_EQ(h.strings(cg + "name"), collect<std::string>(C, [](auto& c) { return c.name; }));
  EXPECT_EQ(h.strings(cg + "departement"), collect<std::string>(C, [](auto& c) { return c.departement; }));
  EXPECT_EQ(h.strings(cg + "zone"), collect<std::string>(C, [](auto& c) { return io::spell(c.zone); }));
  EXPECT_EQ(h.strings(cg + "ftth_actor"), collect<std::string>(C, [](auto& c) { return c.ftth_plan.actor; }));
  EXPECT_EQ(h.strings(cg + "nro"), collect<std::string>(C, [](auto& c) { return c.nro; }));
  EXPECT_EQ(h.f64(cg + "lon"), collect<double>(C, [](auto& c) { return c.centroid.lon; }));
  EXPECT_EQ(h.f64(cg + "lat"), collect<double>(C, [](auto& c) { return c.centroid.lat; }));
  EXPECT_EQ(h.f64(cg + "x"), collect<double>(C, [](auto& c) { return c.centroid.x; }));
  EXPECT_EQ(h.f64(cg + "y"), collect<double>(C, [](auto& c) { return c.centroid.y; }));
  EXPECT_EQ(h.i64(cg + "population"), collect<std::int64_t>(C, [](auto& c) { return c.population; }));
  EXPECT_EQ(h.i64(cg + "premises"), collect<std::int64_t>(C, [](auto& c) { return c.premises(); }));
  EXPECT_EQ(h.i64(cg + "dwellings"), collect<std::int64_t>(C, [](auto& c) { return c.dwellings; }));
  EXPECT_EQ(h.i64(cg + "business_sites"), collect<std::int64_t>(C, [](auto& c) { return c.business_sites; }));
  EXPECT_EQ(h.i64(cg + "ftth_passed"), collect<std::int64_t>(C, [](auto& c) { return c.ftth_passed; }));
  EXPECT_EQ(h.i64(cg + "thd_radio_premises"), collect<std::int64_t>(C, [](auto& c) { return c.thd_radio_premises; }));
  EXPECT_EQ(h.i32(cg + "ftth_year"), collect<std::int32_t>(C, [](auto& c) { return c.ftth_plan.year; }));
  EXPECT_EQ(h.i32(cg + "rural"), collect<std::int32_t>(C, [](auto& c) { return c.rural; }));
  EXPECT_EQ(h.i32(cg + "mountain"), collect<std::int32_t>(C, [](auto& c) { return c.mountain; }));
  for (const char* one : {"code", "lon", "population", "ftth_year", "mountain"})
    EXPECT_EQ(h.dims(cg + one), std::vector<hsize_t>{n}) << one;
  EXPECT_EQ(h.dims(cg + "premises_by_band"), (std::vector<hsize_t>{ny, n, hsize_t(kBandCount)}));
  EXPECT_EQ(h.i64(cg + "premises_by_band"), flatten(st.states));
  EXPECT_EQ(h.attr(cg + "premises_by_band", "bands"), "below_3,3_8,8_30,thd_non_ftth,ftth");
}

TEST_F(Hdf5Writer, DepartementsAreTheSumsOfTheirCommunes) {
  const auto& region = test::builtin_bfc();
  const auto& st = test::builtin_bfc_results().communes;
  const std::size_t nd = region.departements.size(), ny = st.years.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t d = 0; d < nd; ++d) index[region.departements[d].code] = d;
  std::vector<std::int64_t> want(ny * nd * kBandCount, 0);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t i = 0; i < region.communes.size(); ++i)
      for (int b = 0; b < kBandCount; ++b)
        want[(y * nd + index.at(region.communes[i].departement)) * kBandCount + b] += st.states[y][i][b];
  H5File h(file());
  EXPECT_EQ(h.strings(g() + "/departements/code"), collect<std::string>(region.departements, [](auto& d) { return d.code; }));
  EXPECT_EQ(h.dims(g() + "/departements/premises_by_band"), (std::vector<hsize_t>{ny, nd, hsize_t(kBandCount)}));
  EXPECT_EQ(h.i64(g() + "/departements/premises_by_band"), want);
}

TEST_F(Hdf5Writer, NetworkEqualsTheRegionsNetwork) {
  const auto& net = test::builtin_bfc().network;
  ASSERT_FALSE(net.links().empty());
  H5File h(file());
  const std::string ng = g() + "/network/";
  const auto& N = net.nodes();
  const auto& L = net.links();
  EXPECT_EQ(h.strings(ng + "node_id"), collect<std::string>(N, [](auto& n) { return n.id; }));
  EXPECT_EQ(h.strings(ng + "node_name"), collect<std::string>(N, [](auto& n) { return n.name; }));
  EXPECT_EQ(h.strings(ng + "node_kind"), collect<std::string>(N, [](auto& n) { return io::spell(n.kind); }));
  EXPECT_EQ(h.f64(ng + "node_x"), collect<double>(N, [](auto& n) { return n.pos.x; }));
  EXPECT_EQ(h.f64(ng + "node_y"), collect<double>(N, [](auto& n) { return n.pos.y; }));
  EXPECT_EQ(h.strings(ng + "link_id"), collect<std::string>(L, [](auto& l) { return l.id; }));
  EXPECT_EQ(h.strings(ng + "link_from"), collect<std::string>(L, [&](auto& l) { return net.node(l.a).id; }));
  EXPECT_EQ(h.strings(ng + "link_to"), collect<std::string>(L, [&](auto& l) { return net.node(l.b).id; }));
  EXPECT_EQ(h.strings(ng + "link_owner"), collect<std::string>(L, [](auto& l) { return l.owner; }));
  EXPECT_EQ(h.strings(ng + "link_status"), collect<std::string>(L, [](auto& l) { return io::spell(l.status); }));
  EXPECT_EQ(h.strings(ng + "link_srg"), collect<std::string>(L, [](auto& l) { return l.srg; }));
  EXPECT_EQ(h.f64(ng + "link_length"), collect<double>(L, [](auto& l) { return l.length_km; }));
  EXPECT_EQ(h.f64(ng + "link_lease"), collect<double>(L, [](auto& l) { return l.lease_eur_per_pair_km_year; }));
  EXPECT_EQ(h.f64(ng + "link_build_cost"), collect<double>(L, [](auto& l) { return l.build_eur_per_km; }));
  EXPECT_EQ(h.f64(ng + "link_latency"), collect<double>(L, [](auto& l) { return l.latency_ms; }));
  EXPECT_EQ(h.i32(ng + "link_pairs_total"), collect<std::int32_t>(L, [](auto& l) { return l.pairs_total; }));
  EXPECT_EQ(h.i32(ng + "link_pairs_used"), collect<std::int32_t>(L, [](auto& l) { return l.pairs_used; }));
  EXPECT_EQ(h.i32(ng + "link_dorsale"), collect<std::int32_t>(L, [](auto& l) { return l.dorsale; }));
  EXPECT_EQ(h.dims(ng + "node_x"), std::vector<hsize_t>{N.size()});
  EXPECT_EQ(h.dims(ng + "link_length"), std::vector<hsize_t>{L.size()});
}

TEST_F(Hdf5Writer, RolloutEqualsThePlan) {
  const auto& ro = test::builtin_bfc_results().rollout;
  const hsize_t n = test::builtin_bfc().communes.size();
  ASSERT_TRUE(ro.planned);
  ASSERT_FALSE(ro.collecte.empty());
  H5File h(file());
  const std::string rg = g() + "/rollout";
  EXPECT_EQ(h.attr(rg, "optimiser"), io::spell(ro.optimiser));
  EXPECT_EQ(h.attr(rg, "status"), io::spell(ro.optimiser_status));
  EXPECT_EQ(h.attr_f64(rg, "objective"), ro.objective);  // numbers, exact
  EXPECT_EQ(h.attr_f64(rg, "bound"), ro.bound);
  EXPECT_EQ(h.attr_f64(rg, "gap"), ro.gap);
  EXPECT_EQ(h.i32(rg + "/ftth_year"), collect<std::int32_t>(ro.ftth_year, [](int y) { return y; }));
  EXPECT_EQ(h.dims(rg + "/premises_by_technology"), (std::vector<hsize_t>{ro.alternatives.size(), n, hsize_t(kTechnologyCount)}));
  EXPECT_EQ(h.i64(rg + "/premises_by_technology"), flatten(ro.alternatives));
  EXPECT_EQ(h.i32(rg + "/plan_years"), collect<std::int32_t>(ro.years, [](auto& y) { return y.year; }));
  EXPECT_EQ(h.f64(rg + "/public_spend"), collect<double>(ro.years, [](auto& y) { return y.public_spend_eur; }));
  EXPECT_EQ(h.f64(rg + "/public_budget"), collect<double>(ro.years, [](auto& y) { return y.budget_eur; }));
  EXPECT_EQ(h.f64(rg + "/collecte_spend"), collect<double>(ro.years, [](auto& y) { return y.collecte_eur; }));
  EXPECT_EQ(h.f64(rg + "/collecte_length"), collect<double>(ro.years, [](auto& y) { return y.collecte_km; }));
  EXPECT_EQ(h.f64(rg + "/private_spend"), collect<double>(ro.years, [](auto& y) { return y.private_spend_eur; }));
  EXPECT_EQ(h.f64(rg + "/alternatives_spend"), collect<double>(ro.years, [](auto& y) { return y.alternatives_eur; }));
  EXPECT_EQ(h.i32(rg + "/collecte_year"), collect<std::int32_t>(ro.collecte, [](auto& c) { return c.year; }));
  EXPECT_EQ(h.strings(rg + "/collecte_from"), collect<std::string>(ro.collecte, [](auto& c) { return c.a; }));
  EXPECT_EQ(h.strings(rg + "/collecte_to"), collect<std::string>(ro.collecte, [](auto& c) { return c.b; }));
  EXPECT_EQ(h.f64(rg + "/collecte_link_length"), collect<double>(ro.collecte, [](auto& c) { return c.km; }));
  EXPECT_EQ(h.f64(rg + "/collecte_link_cost"), collect<double>(ro.collecte, [](auto& c) { return c.cost; }));
  // Y = P + 1: the baseline first
  EXPECT_EQ(h.dims(g() + "/years")[0], h.dims(rg + "/plan_years")[0] + 1);
}

TEST_F(Hdf5Writer, InterconnectionEqualsTheDecisions) {
  const auto& ir = test::builtin_bfc_results().interconnection;
  ASSERT_FALSE(ir.decisions.empty());
  H5File h(file());
  const std::string ig = g() + "/interconnection";
  EXPECT_EQ(h.attr(ig, "mode"), io::spell(ir.mode));
  EXPECT_EQ(h.strings(ig + "/request_id"), collect<std::string>(ir.decisions, [](auto& d) { return d.id; }));
  EXPECT_EQ(h.strings(ig + "/decision"), collect<std::string>(ir.decisions, [](auto& d) { return io::spell(d.decision); }));
  EXPECT_EQ(h.i32(ig + "/pairs"), collect<std::int32_t>(ir.requests, [](auto& r) { return r.pairs; }));
  EXPECT_EQ(h.f64(ig + "/capex"), collect<double>(ir.decisions, [](auto& d) { return d.capex_eur; }));
  EXPECT_EQ(h.f64(ig + "/opex"), collect<double>(ir.decisions, [](auto& d) { return d.opex_eur; }));
  EXPECT_EQ(h.f64(ig + "/total_cost"), collect<double>(ir.decisions, [](auto& d) { return d.total_eur; }));
  EXPECT_EQ(h.f64(ig + "/latency"), collect<double>(ir.decisions, [](auto& d) { return d.latency_ms; }));
  EXPECT_EQ(h.f64(ig + "/new_build"), collect<double>(ir.decisions, [](auto& d) { return d.new_build_km; }));
}

TEST_F(Hdf5Writer, EveryDatasetHasUnitsAndADescription) {
  H5File h(file());
  const auto datasets = all_datasets(h.id());
  EXPECT_GE(datasets.size(), 60u);  // the schema's datasets were all visited
  for (const auto& d : datasets) {
    EXPECT_GT(H5Aexists_by_name(h.id(), d.c_str(), "units", H5P_DEFAULT), 0) << d;
    EXPECT_GT(H5Aexists_by_name(h.id(), d.c_str(), "description", H5P_DEFAULT), 0) << d;
    if (H5Aexists_by_name(h.id(), d.c_str(), "description", H5P_DEFAULT) > 0) EXPECT_FALSE(h.attr(d, "description").empty()) << d;
  }
}

// The axes are HDF5 dimension scales attached to what they index: years (dim 0) and communes /
// départements (dim 1) of the per-year tables, plan years of the yearly spends.
TEST_F(Hdf5Writer, YearsCommunesDepartementsArePlanYearsAreDimensionScales) {
  H5File h(file());
  auto open = [&](const std::string& p) { return H5Dopen2(h.id(), (g() + "/" + p).c_str(), H5P_DEFAULT); };
  const hid_t years = open("years"), communes = open("communes/code"), deps = open("departements/code"), plan = open("rollout/plan_years");
  for (hid_t s : {years, communes, deps, plan}) {
    ASSERT_GE(s, 0);
    EXPECT_GT(H5DSis_scale(s), 0);
  }
  struct Want {
    const char* dataset;
    hid_t scale;
    unsigned dim;
  } wants[] = {{"communes/premises_by_band", years, 0},      {"communes/premises_by_band", communes, 1},
               {"departements/premises_by_band", years, 0}, {"departements/premises_by_band", deps, 1},
               {"rollout/premises_by_technology", years, 0}, {"rollout/premises_by_technology", communes, 1},
               {"rollout/ftth_year", communes, 0},          {"rollout/public_spend", plan, 0},
               {"rollout/alternatives_spend", plan, 0}};
  for (const auto& w : wants) {
    const hid_t d = open(w.dataset);
    ASSERT_GE(d, 0) << w.dataset;
    EXPECT_GT(H5DSis_attached(d, w.scale, w.dim), 0) << w.dataset << " dim " << w.dim;
    EXPECT_EQ(H5DSget_num_scales(d, w.dim), 1) << w.dataset << " dim " << w.dim;
    H5Dclose(d);
  }
  // a scale on the wrong axis is not attached there
  const hid_t bands = open("communes/premises_by_band");
  EXPECT_EQ(H5DSis_attached(bands, years, 1), 0);
  H5Dclose(bands);
  for (hid_t s : {years, communes, deps, plan}) H5Dclose(s);
}

TEST_F(Hdf5Writer, SameResultsGiveTheSameBytes) {
  test::TempDir other;
  viz::write_hdf5(other.path() / "again.h5", test::builtin_bfc(), test::builtin_bfc_results());
  const std::string a = test::slurp(file()), b = test::slurp(other.path() / "again.h5");
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "sizes " << a.size() << " and " << b.size();
}

TEST_F(Hdf5Writer, WithoutAPlanOrRequestsTheirGroupsAreAbsent) {
  ScenarioResults res = test::builtin_bfc_results();
  res.rollout = RolloutResults{};
  res.interconnection = InterconnectionResults{};
  test::TempDir dir;
  viz::write_hdf5(dir.path() / "r.h5", test::builtin_bfc(), res);
  H5File h(dir.path() / "r.h5");
  ASSERT_GE(h.id(), 0);
  EXPECT_TRUE(h.exists(g() + "/communes"));
  EXPECT_TRUE(h.exists(g() + "/network"));
  EXPECT_FALSE(h.exists(g() + "/rollout"));
  EXPECT_FALSE(h.exists(g() + "/interconnection"));
}
