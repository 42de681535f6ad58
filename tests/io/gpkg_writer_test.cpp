// layers.gpkg read back with OGR: every layer has the model's features (counts, a few fields
// compared one by one), is in Lambert-93 (EPSG:2154), and its geometries lie where the model
// puts them (inside the region's bounding box).
#include <gtest/gtest.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "io/spelling.h"
#include "models/results.h"
#include "test_support.h"
#include "io/gpkg_writer.h"

using namespace dorsale;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, Closer>;

Dataset open_gpkg(const std::filesystem::path& p) {
  GDALAllRegister();
  const char* drivers[] = {"GPKG", nullptr};
  return Dataset(GDALDataset::Open(p.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
}

// Every feature of a layer, in FID (= writing) order.
std::vector<std::unique_ptr<OGRFeature>> features(OGRLayer* L) {
  std::vector<std::unique_ptr<OGRFeature>> out;
  L->ResetReading();
  while (OGRFeature* f = L->GetNextFeature()) out.emplace_back(f);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a->GetFID() < b->GetFID(); });
  return out;
}

struct Box {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  void add(double x, double y) {
    x0 = std::min(x0, x);
    y0 = std::min(y0, y);
    x1 = std::max(x1, x);
    y1 = std::max(y1, y);
  }
  void add(const Position& p) { add(p.x, p.y); }
  bool contains(const OGREnvelope& e, double tol = 1e-6) const {
    return e.MinX >= x0 - tol && e.MaxX <= x1 + tol && e.MinY >= y0 - tol && e.MaxY <= y1 + tol;
  }
};

// The region's bounding box in Lambert-93: its communes, network nodes and high points.
Box region_box(const Region& r) {
  Box b;
  for (const auto& c : r.communes) b.add(c.centroid);
  for (const auto& n : r.network.nodes()) b.add(n.pos);
  for (const auto& h : r.high_points) b.add(h.pos);
  return b;
}

void expect_lambert93(OGRLayer* L) {
  const OGRSpatialReference* srs = L->GetSpatialRef();
  ASSERT_NE(srs, nullptr) << L->GetName();
  const char* auth = srs->GetAuthorityName(nullptr);
  const char* code = srs->GetAuthorityCode(nullptr);
  ASSERT_TRUE(auth && code) << L->GetName();
  EXPECT_STREQ(auth, "EPSG") << L->GetName();
  EXPECT_STREQ(code, "2154") << L->GetName();
}

void expect_point_at(const OGRFeature& f, const Position& p) {
  const OGRGeometry* g = f.GetGeometryRef();
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(wkbFlatten(g->getGeometryType()), wkbPoint);
  EXPECT_EQ(g->toPoint()->getX(), p.x);
  EXPECT_EQ(g->toPoint()->getY(), p.y);
}

void expect_segment(const OGRFeature& f, const Position& a, const Position& b) {
  const OGRGeometry* g = f.GetGeometryRef();
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(wkbFlatten(g->getGeometryType()), wkbLineString);
  const OGRLineString* ls = g->toLineString();
  ASSERT_EQ(ls->getNumPoints(), 2);
  EXPECT_EQ(ls->getX(0), a.x);
  EXPECT_EQ(ls->getY(0), a.y);
  EXPECT_EQ(ls->getX(1), b.x);
  EXPECT_EQ(ls->getY(1), b.y);
}

class GpkgWriter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    viz::write_gpkg(file(), test::builtin_bfc(), test::builtin_bfc_results(), test::builtin_bfc_target_years());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::filesystem::path file() { return dir_->path() / "layers.gpkg"; }
  static test::TempDir* dir_;
};
test::TempDir* GpkgWriter::dir_ = nullptr;

}  // namespace

TEST_F(GpkgWriter, EveryLayerHasTheModelsFeatureCountInLambert93) {
  const auto& region = test::builtin_bfc();
  const auto& res = test::builtin_bfc_results();
  std::size_t routes = 0;
  for (const auto& d : res.interconnection.decisions) routes += d.routes.size();
  ASSERT_GT(routes, 0u);
  ASSERT_FALSE(res.rollout.collecte.empty());
  ASSERT_FALSE(region.high_points.empty());
  const std::vector<std::pair<std::string, std::size_t>> want{
      {"communes", region.communes.size()},   {"network_nodes", region.network.nodes().size()},
      {"network_links", region.network.links().size()}, {"high_points", region.high_points.size()},
      {"collecte", res.rollout.collecte.size()}, {"routes", routes}};
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerCount(), int(want.size()));
  for (const auto& [name, count] : want) {
    OGRLayer* L = ds->GetLayerByName(name.c_str());
    ASSERT_NE(L, nullptr) << name;
    EXPECT_EQ(L->GetFeatureCount(true), GIntBig(count)) << name;
    expect_lambert93(L);
  }
}

TEST_F(GpkgWriter, EveryGeometryLiesInTheRegionsBoundingBox) {
  const Box box = region_box(test::builtin_bfc());
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  int checked = 0;
  for (int k = 0; k < ds->GetLayerCount(); ++k) {
    OGRLayer* L = ds->GetLayer(k);
    for (const auto& f : features(L)) {
      const OGRGeometry* g = f->GetGeometryRef();
      ASSERT_NE(g, nullptr) << L->GetName() << " feature " << f->GetFID();
      OGREnvelope e;
      g->getEnvelope(&e);
      EXPECT_TRUE(box.contains(e)) << L->GetName() << " feature " << f->GetFID() << ": [" << e.MinX << ", " << e.MaxX
                                   << "] x [" << e.MinY << ", " << e.MaxY << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
  // and the box is Lambert-93 metres around Bourgogne-Franche-Comté, not degrees
  EXPECT_GT(box.x0, 500000);
  EXPECT_LT(box.x1, 1100000);
  EXPECT_GT(box.y0, 6500000);
  EXPECT_LT(box.y1, 6950000);
}

TEST_F(GpkgWriter, NetworkNodesHaveTheirKindAndPlace) {
  const auto& net = test::builtin_bfc().network;
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  const auto fs = features(ds->GetLayerByName("network_nodes"));
  ASSERT_EQ(fs.size(), net.nodes().size());
  std::set<std::string> kinds;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const auto& nd = net.nodes()[i];
    EXPECT_STREQ(fs[i]->GetFieldAsString("id"), nd.id.c_str());
    EXPECT_STREQ(fs[i]->GetFieldAsString("kind"), io::spell(nd.kind)) << nd.id;
    EXPECT_STREQ(fs[i]->GetFieldAsString("departement"), nd.departement.c_str()) << nd.id;
    expect_point_at(*fs[i], nd.pos);
    kinds.insert(fs[i]->GetFieldAsString("kind"));
  }
  EXPECT_TRUE(kinds.count("dorsale_pop") && kinds.count("nro") && kinds.count("external_hub"));
}

TEST_F(GpkgWriter, NetworkLinksHaveTheirLengthsAndCapacities) {
  const auto& net = test::builtin_bfc().network;
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  const auto fs = features(ds->GetLayerByName("network_links"));
  ASSERT_EQ(fs.size(), net.links().size());
  for (std::size_t j = 0; j < fs.size(); ++j) {
    const auto& l = net.links()[j];
    const auto& f = *fs[j];
    EXPECT_STREQ(f.GetFieldAsString("id"), l.id.c_str());
    EXPECT_STREQ(f.GetFieldAsString("from"), net.node(l.a).id.c_str()) << l.id;
    EXPECT_STREQ(f.GetFieldAsString("to"), net.node(l.b).id.c_str()) << l.id;
    EXPECT_STREQ(f.GetFieldAsString("status"), io::spell(l.status)) << l.id;
    EXPECT_EQ(f.GetFieldAsInteger("dorsale"), int(l.dorsale)) << l.id;
    EXPECT_EQ(f.GetFieldAsDouble("length_km"), l.length_km) << l.id;
    EXPECT_EQ(f.GetFieldAsInteger("pairs_total"), l.pairs_total) << l.id;
    EXPECT_EQ(f.GetFieldAsInteger("pairs_used"), l.pairs_used) << l.id;
    EXPECT_EQ(f.GetFieldAsInteger("pairs_free"), l.pairs_total - l.pairs_used) << l.id;
    EXPECT_EQ(f.GetFieldAsDouble("lease_eur_per_pair_km_year"), l.lease_eur_per_pair_km_year) << l.id;
    EXPECT_EQ(f.GetFieldAsDouble("build_eur_per_km"), l.build_eur_per_km) << l.id;
    EXPECT_EQ(f.GetFieldAsDouble("latency_ms"), l.latency_ms) << l.id;
    expect_segment(f, net.node(l.a).pos, net.node(l.b).pos);
  }
}

TEST_F(GpkgWriter, CollecteLinksAreThePlansLinks) {
  const auto& net = test::builtin_bfc().network;
  const auto& collecte = test::builtin_bfc_results().rollout.collecte;
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  const auto fs = features(ds->GetLayerByName("collecte"));
  ASSERT_EQ(fs.size(), collecte.size());
  for (std::size_t k = 0; k < fs.size(); ++k) {
    const auto& c = collecte[k];
    const auto& f = *fs[k];
    EXPECT_EQ(f.GetFieldAsInteger("year"), c.year);
    EXPECT_STREQ(f.GetFieldAsString("from"), c.a.c_str());
    EXPECT_STREQ(f.GetFieldAsString("to"), c.b.c_str());
    EXPECT_EQ(f.GetFieldAsDouble("length_km"), c.km);
    EXPECT_EQ(f.GetFieldAsDouble("cost_eur"), c.cost);
    EXPECT_EQ(f.GetFieldAsInteger("new_link"), int(c.new_link));
    expect_segment(f, net.node(*net.find_node(c.a)).pos, net.node(*net.find_node(c.b)).pos);
  }
}

TEST_F(GpkgWriter, HighPointsHaveTheirSites) {
  const auto& hps = test::builtin_bfc().high_points;
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  const auto fs = features(ds->GetLayerByName("high_points"));
  ASSERT_EQ(fs.size(), hps.size());
  const char* ops[] = {"orange", "sfr", "bouygues", "free"};
  for (std::size_t k = 0; k < fs.size(); k += 97) {
    const auto& h = hps[k];
    EXPECT_STREQ(fs[k]->GetFieldAsString("id"), h.id.c_str());
    EXPECT_STREQ(fs[k]->GetFieldAsString("commune"), h.commune.c_str());
    EXPECT_EQ(fs[k]->GetFieldAsInteger("fibred"), int(h.fibred));
    for (int o = 0; o < kOperatorCount; ++o) EXPECT_EQ(fs[k]->GetFieldAsInteger(ops[o]), h.sites[o]) << h.id << " " << ops[o];
    expect_point_at(*fs[k], h.pos);
  }
}

TEST_F(GpkgWriter, CommunesHaveTheBaselineAndThePlanAtTheTargetYears) {
  const auto& C = test::builtin_bfc().communes;
  const auto& res = test::builtin_bfc_results();
  auto ds = open_gpkg(file());
  ASSERT_TRUE(ds);
  OGRLayer* L = ds->GetLayerByName("communes");
  ASSERT_NE(L, nullptr);
  EXPECT_EQ(wkbFlatten(L->GetGeomType()), wkbPoint);  // a generated region: centroids
  const auto fs = features(L);
  ASSERT_EQ(fs.size(), C.size());
  const std::set<std::string> techs{"copper", "ftth", "copper_upgrade", "thd_radio", "4g_fixe", "satellite"};
  for (std::size_t i = 0; i < fs.size(); i += 53) {
    const auto& c = C[i];
    const auto& f = *fs[i];
    EXPECT_STREQ(f.GetFieldAsString("code"), c.code.c_str());
    EXPECT_EQ(f.GetFieldAsInteger64("premises"), c.premises()) << c.code;
    for (int b = 0; b < kBandCount; ++b)
      EXPECT_EQ(f.GetFieldAsInteger64(io::spell(Band(b))), res.communes.states.front()[i][b]) << c.code << " " << io::spell(Band(b));
    EXPECT_EQ(f.GetFieldAsInteger("ftth_year_plan"), res.rollout.ftth_year[i]) << c.code;
    expect_point_at(f, c.centroid);
    for (int t : test::builtin_bfc_target_years()) {
      const auto y = std::find(res.communes.years.begin(), res.communes.years.end(), t) - res.communes.years.begin();
      ASSERT_LT(std::size_t(y), res.communes.years.size()) << t;
      const auto& b = res.communes.states[y][i];
      const double p = double(std::max<std::int64_t>(1, c.premises()));
      const std::string ts = std::to_string(t);
      EXPECT_DOUBLE_EQ(f.GetFieldAsDouble(("pct_ftth_" + ts).c_str()), 100.0 * double(b[4]) / p) << c.code;
      EXPECT_DOUBLE_EQ(f.GetFieldAsDouble(("pct_ge30_" + ts).c_str()), 100.0 * double(b[3] + b[4]) / p) << c.code;
      const std::string tech = f.GetFieldAsString(("technology_" + ts).c_str());
      EXPECT_TRUE(techs.count(tech)) << c.code << ": " << tech;
      if (b[4] == c.premises() && c.premises() > 0) EXPECT_EQ(tech, "ftth") << c.code;
    }
  }
}

TEST(GpkgWriterPolygons, ImportedCommunesAreProjectedPolygonsAroundTheirCentroid) {
  // One commune drawn in lon/lat around Dijon; its centroid in Lambert-93 is (854 077, 6 693 065).
  Region r;
  r.departements.push_back({"21", "Côte-d'Or", "RIP 21", {}});
  Commune c;
  c.code = "21231";
  c.name = "Dijon";
  c.departement = "21";
  c.centroid = {5.04, 47.32, 854077, 6693065};
  c.dwellings = 10;
  c.premises_by_band[0] = 10;
  c.polygons = {{{{5.0, 47.3}, {5.08, 47.3}, {5.08, 47.34}, {5.0, 47.34}, {5.0, 47.3}}}};
  r.communes.push_back(c);
  ScenarioResults res;
  test::TempDir dir;
  viz::write_gpkg(dir.path() / "p.gpkg", r, res);
  auto ds = open_gpkg(dir.path() / "p.gpkg");
  ASSERT_TRUE(ds);
  OGRLayer* L = ds->GetLayerByName("communes");
  ASSERT_NE(L, nullptr);
  expect_lambert93(L);
  EXPECT_EQ(wkbFlatten(L->GetGeomType()), wkbMultiPolygon);
  EXPECT_EQ(ds->GetLayerByName("collecte"), nullptr);  // no plan, no collecte layer
  EXPECT_EQ(ds->GetLayerByName("routes"), nullptr);
  const auto fs = features(L);
  ASSERT_EQ(fs.size(), 1u);
  OGREnvelope e;
  fs[0]->GetGeometryRef()->getEnvelope(&e);
  EXPECT_LT(e.MinX, c.centroid.x);
  EXPECT_GT(e.MaxX, c.centroid.x);
  EXPECT_LT(e.MinY, c.centroid.y);
  EXPECT_GT(e.MaxY, c.centroid.y);
  EXPECT_NEAR(e.MaxX - e.MinX, 6000, 1000);  // 0.08° of longitude at 47.3° N
  EXPECT_NEAR(e.MaxY - e.MinY, 4500, 300);   // 0.04° of latitude
  EXPECT_EQ(fs[0]->GetFieldAsInteger64("below_3"), 10);  // no states: the commune's own bands
}
