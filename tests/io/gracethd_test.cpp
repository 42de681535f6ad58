// GraceTHD in and out: the tests write small deliveries through GDAL with the v2.0.1 schema
// (models/gracethd.h), read them back (io/gracethd.h, `dorsale network info`), export
// networks (`dorsale network export`) and compare the exports with the official templates
// when they are at hand (../shared/reference/gracethd-v2.0.1).
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "models/gracethd.h"
#include "planner/interconnect.h"
#include "planner/network.h"
#include "io/gracethd.h"
#include "io/projection.h"
#include "io/requests.h"
#include "io/scenario.h"
#include "io/desk_json.h"
#include "service/desk.h"
#include "io/register.h"
#include "service/serve.h"
#include "test_support.h"
#include "io/gpkg_writer.h"
#include "io/network_writer.h"
#include "io/output_dir.h"
#include "solvers/interconnect.h"
#include "solvers/resilience.h"
#include "io/reasons.h"

namespace dorsale {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// A delivery written by the test: rows as field -> text, geometry as points (x, y in
// Lambert-93 metres).
struct Delivery {
  struct Row {
    std::map<std::string, std::string> v;
    std::vector<std::array<double, 2>> geom;
  };
  std::map<std::string, std::vector<Row>> tables;
  bool prj = true;
  std::string shp_encoding;  // the Shapefiles' ENCODING creation option (and .cpg); GDAL's default when empty

  void add(const std::string& table, std::map<std::string, std::string> v, std::vector<std::array<double, 2>> geom = {}) {
    tables[table].push_back({std::move(v), std::move(geom)});
  }
  Row& row(const std::string& table, const std::string& code_field, const std::string& code) {
    for (auto& r : tables.at(table))
      if (r.v[code_field] == code) return r;
    throw std::out_of_range(code);
  }

  // A folder of Shapefiles and ; CSV files, or (gpkg) one GeoPackage with the same tables.
  fs::path write(const fs::path& where, bool gpkg = false) const {
    GDALAllRegister();
    fs::create_directories(where);
    const fs::path file = where / "delivery.gpkg";
    GDALDataset* ds = nullptr;
    if (gpkg) ds = GetGDALDriverManager()->GetDriverByName("GPKG")->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    OGRSpatialReference l93;
    l93.importFromEPSG(2154);
    l93.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (const auto& [name, rows] : tables) {
      const auto& spec = gracethd::table(name);
      const bool shp = spec.shapefile();
      GDALDataset* one = ds;
      if (!gpkg) {
        const fs::path f = where / (name + (shp ? ".shp" : ".csv"));
        one = GetGDALDriverManager()->GetDriverByName(shp ? "ESRI Shapefile" : "CSV")->Create(f.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
      }
      char** opts = shp || gpkg ? nullptr : CSLSetNameValue(nullptr, "SEPARATOR", "SEMICOLON");
      if (shp && !gpkg && !shp_encoding.empty()) opts = CSLSetNameValue(opts, "ENCODING", shp_encoding.c_str());
      const auto type = spec.geom == gracethd::Geom::Point ? wkbPoint : spec.geom == gracethd::Geom::LineString ? wkbLineString : wkbNone;
      OGRLayer* L = one->CreateLayer(name.c_str(), shp && prj ? &l93 : nullptr, type, opts);
      CSLDestroy(opts);
      for (const auto& f : spec.fields) {
        OGRFieldDefn d(f.name.c_str(), OFTString);
        if ((shp || gpkg) && f.type == 'I') d.SetType(OFTInteger64);
        if ((shp || gpkg) && f.type == 'R') d.SetType(OFTReal);
        if (f.type == 'S') d.SetWidth(f.width);
        L->CreateField(&d);
      }
      for (const auto& r : rows) {
        OGRFeature feat(L->GetLayerDefn());
        for (const auto& [k, v] : r.v) feat.SetField(k.c_str(), v.c_str());
        if (r.geom.size() == 1) feat.SetGeometryDirectly(new OGRPoint(r.geom[0][0], r.geom[0][1]));
        if (r.geom.size() > 1) {
          auto* ls = new OGRLineString;
          for (const auto& p : r.geom) ls->addPoint(p[0], p[1]);
          feat.SetGeometryDirectly(ls);
        }
        EXPECT_EQ(L->CreateFeature(&feat), OGRERR_NONE);
      }
      if (!gpkg) GDALClose(one);
    }
    if (gpkg) {
      GDALClose(ds);
      return file;
    }
    if (!prj)
      for (const auto& e : fs::directory_iterator(where))
        if (e.path().extension() == ".prj") fs::remove(e.path());
    return where;
  }
};

// The test network (README "Real networks" gives the rules the expected figures follow):
//   POP1, POP2 HEBERG sites (dorsale_pop), NRO1, NRO2 NRO sites, SRO an SRO site (junction),
//   MAST a t_siteemission (high_point), J a plain node at a cable's end (junction), CH a
//   chamber no cable ends at (left out).
//   C1 NRO1-POP1 owned, 24 fibres, 8 used, through cheminement CM1 (10 km)
//   C2 NRO2-POP2 IRU (leased), 12 fibres, 6 free, through CM1 and CM2 (10 + 10.5 km)
//   C3 NRO1-NRO2 LOC (leased), 48 fibres, cb_lgreel 10,200 m
//   C4 POP1-POP2 to build (C), 72 fibres, a cableline of 10,100 m
//   C8 J-POP2 owned, 12 fibres all used, no length: straight line x 1.3
//   C5 abandoned (A), C6 out of service (H), C7 inside one site, C9 copper: left out.
Delivery test_delivery() {
  Delivery d;
  auto node = [&](const std::string& code, double x, double y) { d.add("t_noeud", {{"nd_code", code}, {"nd_nom", "node " + code}}, {{x, y}}); };
  node("POP1", 850000, 6690000);
  node("POP2", 860000, 6690000);
  node("NRO1", 850000, 6700000);
  node("NRO2", 860000, 6700000);
  node("SRO", 855000, 6705000);
  node("MAST", 855000, 6695000);
  node("J", 870000, 6695000);
  node("CH", 852000, 6696000);
  auto site = [&](const std::string& code, const std::string& nd, const std::string& type) {
    d.add("t_sitetech", {{"st_code", code}, {"st_nd_code", nd}, {"st_typelog", type}, {"st_statut", "REC"}, {"st_typephy", "BAT"}, {"st_prop", "OR1"}});
  };
  site("ST1", "POP1", "HEBERG");
  site("ST2", "POP2", "HEBERG");
  site("ST3", "NRO1", "NRO");
  site("ST4", "NRO2", "NRO");
  site("ST5", "SRO", "SRO");
  d.add("t_siteemission", {{"se_code", "SE1"}, {"se_nd_code", "MAST"}, {"se_anfr", "0211234567"}, {"se_haut", "32.5"}, {"se_type", "TEL"}});
  d.add("t_organisme", {{"or_code", "OR1"}, {"or_nom", "RIP 21"}});
  auto cable = [&](std::map<std::string, std::string> v) {
    v.emplace("cb_statut", "REC");
    v.emplace("cb_typephy", "C");
    d.add("t_cable", std::move(v));
  };
  cable({{"cb_code", "C1"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "POP1"}, {"cb_proptyp", "CST"}, {"cb_avct", "E"}, {"cb_capafo", "24"}, {"cb_fo_util", "8"}, {"cb_prop", "OR1"}});
  cable({{"cb_code", "C2"}, {"cb_nd1", "NRO2"}, {"cb_nd2", "POP2"}, {"cb_proptyp", "IRU"}, {"cb_avct", "S"}, {"cb_capafo", "12"}, {"cb_fo_disp", "6"}});
  cable({{"cb_code", "C3"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "NRO2"}, {"cb_proptyp", "LOC"}, {"cb_avct", "E"}, {"cb_capafo", "48"}, {"cb_fo_util", "0"}, {"cb_lgreel", "10200"}});
  cable({{"cb_code", "C4"}, {"cb_nd1", "POP1"}, {"cb_nd2", "POP2"}, {"cb_proptyp", "CST"}, {"cb_avct", "C"}, {"cb_capafo", "72"}});
  cable({{"cb_code", "C5"}, {"cb_nd1", "MAST"}, {"cb_nd2", "NRO1"}, {"cb_avct", "A"}, {"cb_capafo", "12"}});
  cable({{"cb_code", "C6"}, {"cb_nd1", "SRO"}, {"cb_nd2", "NRO2"}, {"cb_avct", "H"}, {"cb_capafo", "12"}});
  cable({{"cb_code", "C7"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "NRO1"}, {"cb_avct", "E"}, {"cb_capafo", "12"}});
  cable({{"cb_code", "C8"}, {"cb_nd1", "J"}, {"cb_nd2", "POP2"}, {"cb_avct", "E"}, {"cb_capafo", "12"}, {"cb_fo_util", "12"}});
  cable({{"cb_code", "C9"}, {"cb_nd1", "SRO"}, {"cb_nd2", "NRO1"}, {"cb_avct", "E"}, {"cb_capafo", "28"}, {"cb_tech", "CUT"}});
  d.add("t_cheminement", {{"cm_code", "CM1"}, {"cm_ndcode1", "NRO1"}, {"cm_ndcode2", "POP1"}, {"cm_long", "10000"}, {"cm_typ_imp", "7"}, {"cm_avct", "E"}},
        {{850000, 6700000}, {850000, 6690000}});
  d.add("t_cheminement", {{"cm_code", "CM2"}, {"cm_ndcode1", "NRO2"}, {"cm_ndcode2", "POP2"}, {"cm_lgreel", "10500"}, {"cm_typ_imp", "4"}},
        {{860000, 6700000}, {860000, 6690000}});
  for (const auto& [cd, cm] : std::vector<std::pair<std::string, std::string>>{{"CD1", "CM1"}, {"CD2", "CM1"}, {"CD3", "CM2"}}) {
    d.add("t_conduite", {{"cd_code", cd}, {"cd_statut", "REC"}, {"cd_type", "PEHD"}});
    d.add("t_cond_chem", {{"dm_cd_code", cd}, {"dm_cm_code", cm}});
  }
  d.add("t_cab_cond", {{"cc_cb_code", "C1"}, {"cc_cd_code", "CD1"}});
  d.add("t_cab_cond", {{"cc_cb_code", "C2"}, {"cc_cd_code", "CD2"}});
  d.add("t_cab_cond", {{"cc_cb_code", "C2"}, {"cc_cd_code", "CD3"}});
  d.add("t_cableline", {{"cl_code", "CL4"}, {"cl_cb_code", "C4"}, {"cl_long", "10100"}}, {{850000, 6690000}, {860000, 6690000}});
  return d;
}

// What the test wrote, by the documented rules.
const double kStraightC8 = std::hypot(10000.0, 5000.0) / 1000 * 1.3;
const double kKm = 10 + 20.5 + 10.2 + 10.1 + kStraightC8;

void expect_test_totals(const NetworkInfo& info) {
  const auto& t = info.totals;
  EXPECT_EQ(t.nodes, 7);
  EXPECT_EQ(t.links, 5);
  EXPECT_NEAR(t.km, kKm, 1e-6);
  EXPECT_EQ(t.fibres, 24 + 12 + 48 + 72 + 12);
  EXPECT_EQ(t.free_pairs, 8 + 3 + 24 + 0);  // in service only: C4 is to build
  EXPECT_EQ(t.shared_risk_groups, 1);
  EXPECT_EQ(t.by_kind, (std::map<NodeKind, std::int64_t>{{NodeKind::DorsalePop, 2}, {NodeKind::Nro, 2}, {NodeKind::Junction, 2}, {NodeKind::HighPoint, 1}}));
  EXPECT_NEAR(t.leased_km, 20.5 + 10.2, 1e-9);
  EXPECT_NEAR(t.planned_km, 10.1, 1e-9);
  std::map<std::string, std::int64_t> dropped;
  for (const auto& d : info.dropped) dropped[d.table + ": " + d.why] += d.count;
  EXPECT_EQ(dropped.size(), 5u);
  EXPECT_EQ(dropped["t_cable: abandoned (cb_avct A)"], 1);
  EXPECT_EQ(dropped["t_cable: out of service (cb_avct H)"], 1);
  EXPECT_EQ(dropped["t_cable: both ends on one node (a cable inside one site)"], 1);
  EXPECT_EQ(dropped["t_cable: not an optical cable (cb_tech CUT)"], 1);
  std::int64_t noeud = 0;
  for (const auto& d : info.dropped)
    if (d.table == "t_noeud") {
      noeud += d.count;
      EXPECT_EQ(d.examples, std::vector<std::string>{"CH"});
    }
  EXPECT_EQ(noeud, 1);
}

TEST(GraceThd, InfoCountsWhatTheDeliveryHolds) {
  TempDir tmp;
  const auto dir = test_delivery().write(tmp.path() / "delivery");
  const auto info = planner::network_info(dir.string());
  EXPECT_EQ(info.format, "gracethd-shpcsv");
  expect_test_totals(info);
  // the same tables in one GeoPackage
  const auto gpkg = test_delivery().write(tmp.path() / "gpkg", true);
  const auto ginfo = planner::network_info(gpkg.string());
  EXPECT_EQ(ginfo.format, "gracethd-gpkg");
  expect_test_totals(ginfo);
}

TEST(GraceThd, InfoCommandPrintsTheCounts) {
  TempDir tmp;
  const auto dir = test_delivery().write(tmp.path() / "delivery");
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "info", "--quiet", dir.string(), "--json"}, log), 0) << test::slurp(log);
  const auto j = nlohmann::json::parse(test::slurp(log));
  EXPECT_EQ(j["nodes"], 7);
  EXPECT_EQ(j["links"], 5);
  EXPECT_NEAR(j["km"].get<double>(), kKm, 1e-6);
  EXPECT_EQ(j["fibres"], 168);
  EXPECT_EQ(j["free_pairs"], 35);
  EXPECT_EQ(j["shared_risk_groups"], 1);
  EXPECT_EQ(j["by_kind"]["nro"], 2);
  EXPECT_NEAR(j["leased_km"].get<double>(), 30.7, 1e-9);
  EXPECT_NEAR(j["planned_km"].get<double>(), 10.1, 1e-9);
  std::int64_t dropped = 0;
  for (const auto& d : j["dropped"]) dropped += d["count"].get<std::int64_t>();
  EXPECT_EQ(dropped, 5);
  ASSERT_EQ(test::run_cli({"network", "info", "--quiet", dir.string()}, log), 0);
  const std::string text = test::slurp(log);
  EXPECT_NE(text.find("nodes 7, links 5"), std::string::npos) << text;
  EXPECT_NE(text.find("abandoned (cb_avct A)"), std::string::npos) << text;
}

TEST(GraceThd, LinksCarryTheDeliveryFigures) {
  TempDir tmp;
  const auto imp = scenarios::read_network(test_delivery().write(tmp.path()).string(), Parameters());
  const Parameters P;
  const Network& net = imp.network;
  auto link = [&](const std::string& id) -> const Link& {
    for (const auto& l : net.links())
      if (l.id == id) return l;
    throw std::out_of_range(id);
  };
  EXPECT_EQ(link("C1").status, LinkStatus::Owned);
  EXPECT_EQ(link("C1").pairs_total, 12);
  EXPECT_EQ(link("C1").pairs_free(), 8);
  EXPECT_EQ(link("C1").owner, "RIP 21");  // cb_prop through t_organisme
  EXPECT_EQ(link("C2").status, LinkStatus::Leased);
  EXPECT_EQ(link("C2").pairs_free(), 3);
  EXPECT_DOUBLE_EQ(link("C2").lease_eur_per_pair_km_year, P.costs.lease_eur_per_pair_km_year);
  EXPECT_DOUBLE_EQ(link("C2").length_km, 20.5);
  EXPECT_DOUBLE_EQ(link("C3").length_km, 10.2);
  EXPECT_EQ(link("C4").status, LinkStatus::Planned);
  EXPECT_DOUBLE_EQ(link("C4").length_km, 10.1);
  EXPECT_DOUBLE_EQ(link("C4").build_eur_per_km, P.costs.build_eur_per_km);  // no cheminement: a trench
  // the shares of aerial and reused-duct length price each link (the rest is trench): the bills of
  // quantities split the km of the planned links a plan builds by them
  int mixed = 0;
  for (const auto& l : net.links()) {
    EXPECT_NEAR(l.build_eur_per_km,
                l.aerial_share * P.gracethd.aerial_build_eur_per_km + l.duct_share * P.gracethd.duct_pull_eur_per_km +
                    (1 - l.aerial_share - l.duct_share) * P.costs.build_eur_per_km,
                1e-6)
        << l.id;
    mixed += l.aerial_share > 0 || l.duct_share > 0;
  }
  EXPECT_GT(mixed, 0);
  EXPECT_NEAR(link("C8").latency_ms, kStraightC8 * P.network.latency_us_per_km / 1000, 1e-12);
  // the mast: a high point at its node
  ASSERT_EQ(imp.high_points.size(), 1u);
  EXPECT_EQ(imp.high_points[0].id, "0211234567");
  EXPECT_DOUBLE_EQ(imp.high_points[0].height_m, 32.5);
  EXPECT_FALSE(imp.high_points[0].fibred);  // its only cable is abandoned
  // C8's straight length; C4 and C8... without usage; the cable-level rule (no t_fibre), also
  // for a route's continuity (no t_position)
  ASSERT_EQ(imp.info.derived.size(), 4u);
  EXPECT_EQ(imp.info.derived[0], "free pairs by the cable-level rule (cb_fo_disp, or cb_capafo - cb_fo_util): the delivery has no t_fibre");
  EXPECT_EQ(imp.info.derived[1], "route continuity: the cable-level rule at every node (the delivery has no t_position): a route's free pairs are its links'");
}

TEST(GraceThd, TwoCablesThroughOneCheminementAreOneSharedRisk) {
  TempDir tmp;
  const auto imp = scenarios::read_network(test_delivery().write(tmp.path()).string(), Parameters());
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& l : imp.network.links()) l.for_each_risk_group([&](const std::string& g) { groups[g].push_back(l.id); });
  EXPECT_EQ(groups, (std::map<std::string, std::vector<std::string>>{{"CM1", {"C1", "C2"}}}));  // CM2 carries C2 alone

  // A cable through two shared cheminements is in both groups; a sub-duct runs in its parent's
  // cheminements.
  Delivery d = test_delivery();
  d.add("t_cable", {{"cb_code", "C10"}, {"cb_nd1", "NRO2"}, {"cb_nd2", "POP2"}, {"cb_capafo", "12"}});
  d.add("t_conduite", {{"cd_code", "CD3a"}, {"cd_cd_code", "CD3"}, {"cd_statut", "REC"}, {"cd_type", "PEHD"}});
  d.add("t_cab_cond", {{"cc_cb_code", "C10"}, {"cc_cd_code", "CD3a"}});
  TempDir tmp2;
  const auto imp2 = scenarios::read_network(d.write(tmp2.path()).string(), Parameters());
  for (const auto& l : imp2.network.links())
    if (l.id == "C2") {
      EXPECT_EQ(l.srg, "CM1");
      EXPECT_EQ(l.extra_srgs, std::vector<std::string>{"CM2"});
    }
  EXPECT_EQ(imp2.info.totals.shared_risk_groups, 2);
}

TEST(GraceThd, InfoReadsADorsaleLayersGpkg) {
  TempDir tmp;
  const auto file = tmp.path() / "layers.gpkg";
  viz::write_gpkg(file, test::builtin_bfc(), test::builtin_bfc_results());
  const auto info = planner::network_info(file.string());
  EXPECT_EQ(info.format, "dorsale-layers");
  const auto t = network_totals(test::builtin_bfc().network);
  EXPECT_EQ(info.totals.nodes, t.nodes);
  EXPECT_EQ(info.totals.links, t.links);
  EXPECT_NEAR(info.totals.km, t.km, 1e-6);
  EXPECT_EQ(info.totals.fibres, t.fibres);
  EXPECT_EQ(info.totals.free_pairs, t.free_pairs);
  EXPECT_EQ(info.totals.shared_risk_groups, t.shared_risk_groups);
  EXPECT_EQ(info.totals.by_kind, t.by_kind);
  EXPECT_NEAR(info.totals.leased_km, t.leased_km, 1e-6);
  EXPECT_NEAR(info.totals.planned_km, t.planned_km, 1e-6);
  EXPECT_TRUE(info.dropped.empty());
}

// A link in several groups: a diverse pair may share none of them, the first or another.
TEST(GraceThd, ADiversePairAvoidsEveryGroupOfALink) {
  for (const bool extra : {false, true}) {
    Network net;
    const auto& proj = scenarios::Projection::for_this_thread();
    for (const auto& [id, x, y] : std::vector<std::tuple<std::string, double, double>>{
             {"S", 800000, 6700000}, {"A", 805000, 6705000}, {"B", 805000, 6695000}, {"D", 810000, 6700000}}) {
      Node n;
      n.id = id;
      n.kind = id == "D" ? NodeKind::DorsalePop : NodeKind::Nro;
      n.pos = proj.from_l93(x, y);
      net.add_node(n);
    }
    auto link = [&](const std::string& id, const std::string& a, const std::string& b, std::vector<std::string> groups) {
      Link l;
      l.id = id;
      l.length_km = 7;
      l.status = LinkStatus::Owned;
      l.pairs_total = 12;
      if (!groups.empty()) {
        l.srg = groups.front();
        l.extra_srgs.assign(groups.begin() + 1, groups.end());
      }
      net.add_link(l, a, b);
    };
    // S-A and S-B share the trench T, as their first group or as a second one
    link("SA", "S", "A", extra ? std::vector<std::string>{"P", "T"} : std::vector<std::string>{"T"});
    link("SB", "S", "B", extra ? std::vector<std::string>{"Q", "T"} : std::vector<std::string>{"T", "Q"});
    link("AD", "A", "D", {"P"});
    link("BD", "B", "D", {"Q"});
    solvers::Interconnect ic(net, planner::interconnect_params(Parameters()));
    InterconnectionRequest r;
    r.id = "R";
    r.site_node = "S";
    r.destination = {Destination::Kind::Node, "D"};
    r.protection = Protection::Diverse;
    const auto e = ic.evaluate(r, solvers::LinkState::of(net));
    EXPECT_EQ(e.decision, Decision::Reject) << extra;
    bool named = false;
    for (const auto& why : io::reason_texts(e.reasons)) named |= why.find("and link SB (route 2) share T") != std::string::npos || why.find("and link SA (route 2) share T") != std::string::npos;
    EXPECT_TRUE(named) << extra;
  }
}

// ---- bad input: one InputError naming the table, the row's code and the field ----

std::string import_error(const Delivery& d) {
  TempDir tmp;
  const auto dir = d.write(tmp.path());
  const auto e = test::input_error_of([&] { scenarios::read_network(dir.string(), Parameters()); });
  return e.what();
}

void expect_all(const std::string& msg, std::initializer_list<const char*> parts) {
  for (const char* p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

TEST(GraceThd, BadInputIsOneClearError) {
  {
    Delivery d = test_delivery();
    d.tables.erase("t_cable");
    expect_all(import_error(d), {"t_cable", "missing required table"});
  }
  {
    Delivery d = test_delivery();
    d.prj = false;
    expect_all(import_error(d), {"t_", ".shp", ".prj", "Lambert-93"});
  }
  {
    TempDir tmp;  // a required field missing: the table cannot be read
    const auto dir = test_delivery().write(tmp.path());
    std::string csv = test::slurp(dir / "t_cable.csv");
    csv.replace(csv.find("cb_capafo"), 9, "cb_capaXX");
    std::ofstream(dir / "t_cable.csv", std::ios::binary | std::ios::trunc) << csv;
    const auto e = test::input_error_of([&] { scenarios::read_network(dir.string(), Parameters()); });
    expect_all(e.what(), {"t_cable", "has no field cb_capafo"});
  }
  {
    Delivery d = test_delivery();  // every cable refused: nothing to use
    for (auto& r : d.tables["t_cable"]) r.v["cb_capafo"] = "-1";
    expect_all(import_error(d), {"t_cable", "no cable of t_cable could be kept", "15 rows left out", "network check"});
  }
}

TEST(GraceThd, BadInputOnTheCommandLineExitsOne) {
  TempDir tmp;
  Delivery d = test_delivery();
  d.tables.erase("t_noeud");
  const auto dir = d.write(tmp.path() / "bad");
  const auto log = tmp.path() / "log";
  EXPECT_EQ(test::run_cli({"network", "info", "--quiet", dir.string()}, log), 1);
  EXPECT_NE(test::slurp(log).find("missing required table t_noeud"), std::string::npos) << test::slurp(log);
}

// ---- export ----

// Every row of every table of a delivery (folder or GeoPackage) as text, rows sorted.
std::map<std::string, std::vector<std::string>> tables_of(const fs::path& path) {
  GDALAllRegister();
  std::map<std::string, std::vector<std::string>> out;
  auto read = [&](GDALDataset* ds) {
    for (auto* L : ds->GetLayers()) {
      auto& rows = out[L->GetName()];
      for (auto& f : *L) {
        std::string r;
        for (int i = 0; i < f->GetFieldCount(); ++i) r += std::string(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "") + "|";
        if (const OGRGeometry* g = f->GetGeometryRef()) {
          char* wkt = nullptr;
          g->exportToWkt(&wkt);
          r += wkt;
          CPLFree(wkt);
        }
        rows.push_back(r);
      }
      std::sort(rows.begin(), rows.end());
    }
  };
  if (fs::is_directory(path)) {
    for (const auto& e : fs::directory_iterator(path)) {
      const auto ext = e.path().extension();
      if (ext != ".shp" && ext != ".csv") continue;
      GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(e.path().c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
      EXPECT_TRUE(ds) << e.path();
      if (ds) read(ds);
      GDALClose(ds);
    }
  } else {
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    EXPECT_TRUE(ds) << path;
    if (ds) read(ds);
    GDALClose(ds);
  }
  return out;
}

fs::path export_network(const Network& net, const fs::path& dir, viz::GraceThdFormat f) {
  viz::OutputDir out(dir, "network");
  viz::write_gracethd(out, net, f);
  out.commit();
  return f == viz::GraceThdFormat::Gpkg ? dir / "gracethd.gpkg" : dir;
}

TEST(GraceThd, ExportImportExportGivesTheSameTables) {
  const Network& builtin = test::builtin_bfc().network;
  for (auto f : {viz::GraceThdFormat::ShpCsv, viz::GraceThdFormat::Gpkg}) {
    TempDir tmp;
    const auto first = export_network(builtin, tmp.path() / "first", f);
    const auto imp = scenarios::read_network(first.string(), Parameters());
    EXPECT_TRUE(imp.info.dropped.empty());
    const auto second = export_network(imp.network, tmp.path() / "second", f);
    const auto a = tables_of(first), b = tables_of(second);
    EXPECT_EQ(a.size(), 10u);
    EXPECT_EQ(a, b);
    // and the network imported is the built-in one, in GraceTHD's terms
    const auto t0 = network_totals(builtin), t1 = imp.info.totals;
    EXPECT_EQ(t1.nodes, t0.nodes);
    EXPECT_EQ(t1.links, t0.links);
    EXPECT_NEAR(t1.km, t0.km, 1e-3);
    EXPECT_EQ(t1.fibres, t0.fibres);
    EXPECT_EQ(t1.free_pairs, t0.free_pairs);
    EXPECT_EQ(t1.shared_risk_groups, t0.shared_risk_groups);
    EXPECT_EQ(t1.by_kind, t0.by_kind);
    EXPECT_NEAR(t1.leased_km, t0.leased_km, 1e-3);
    EXPECT_NEAR(t1.planned_km, t0.planned_km, 1e-3);
    for (std::size_t i = 0; i < builtin.links().size(); ++i) {
      EXPECT_EQ(imp.network.links()[i].id, builtin.links()[i].id);
      EXPECT_EQ(imp.network.links()[i].status, builtin.links()[i].status);
      EXPECT_EQ(imp.network.links()[i].dorsale, builtin.links()[i].dorsale);
    }
  }
}

TEST(GraceThd, TheBuiltinNetworkThroughGraceThdAnswersTheSameQueue) {
  // lengths travel in metres with 2 decimals: costs and latencies agree to 1e-6 relative
  TempDir tmp;
  const Region& builtin = test::builtin_bfc();
  Region real = builtin;
  scenarios::use_network(real, scenarios::read_network(export_network(builtin.network, tmp.path() / "d", viz::GraceThdFormat::ShpCsv).string(), Parameters()));
  const Parameters P;
  auto answer = [&](const Region& r) {
    return planner::evaluate_requests(r, P, scenarios::parse_requests(scenarios::example_requests_text(), "example", false, r.network), solvers::QueueMode::FirstCome, solvers::MipBackend::Glpk);
  };
  const auto a = answer(builtin), b = answer(real);
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    EXPECT_EQ(a.decisions[i].decision, b.decisions[i].decision) << a.decisions[i].id;
    EXPECT_EQ(a.decisions[i].routes, b.decisions[i].routes) << a.decisions[i].id;
    EXPECT_NEAR(a.decisions[i].total_eur, b.decisions[i].total_eur, 1e-6 * std::max(1.0, a.decisions[i].total_eur)) << a.decisions[i].id;
  }
}

TEST(GraceThd, ExportCommandWritesTheDelivery) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "export", "--builtin", "bfc", "--format", "gracethd", "-o", out.string()}, log), 0) << test::slurp(log);
  for (const auto& t : gracethd::tables()) {
    for (const char* ext : t.shapefile() ? std::vector<const char*>{".shp", ".shx", ".dbf", ".prj", ".cpg"} : std::vector<const char*>{".csv"})
      EXPECT_TRUE(fs::exists(out / (t.name + ext))) << t.name << ext;
  }
  ASSERT_EQ(test::run_cli({"network", "export", "--builtin", "bfc", "--format", "gpkg", "-o", (tmp.path() / "g").string()}, log), 0)
      << test::slurp(log);
  EXPECT_TRUE(fs::exists(tmp.path() / "g" / "gracethd.gpkg"));
  // every existing high point of the region is an emission site of the command's delivery
  // (a network node's or its own t_noeud point): se_code "se:<id>", or se_anfr its ANFR number
  std::set<std::string> emission;
  auto tables = tables_of(out / "t_siteemission.csv");
  for (const auto& r : tables["t_siteemission"]) {
    const auto bar = r.find('|'), bar3 = r.find('|', r.find('|', bar + 1) + 1);
    emission.insert(r.substr(0, bar));
    emission.insert(r.substr(r.find('|', bar + 1) + 1, bar3 - r.find('|', bar + 1) - 1));
  }
  std::size_t existing = 0;
  for (const auto& h : test::builtin_bfc().high_points) {
    if (!h.existing) continue;
    ++existing;
    EXPECT_TRUE(emission.count("se:" + h.id) || emission.count(h.id)) << h.id;
  }
  EXPECT_GT(existing, 1000u);
  EXPECT_GE(tables["t_siteemission"].size(), existing);
  // the export reads back with the same counts
  ASSERT_EQ(test::run_cli({"network", "info", "--quiet", out.string(), "--json"}, log), 0);
  const auto j = nlohmann::json::parse(test::slurp(log));
  EXPECT_EQ(j["links"], network_totals(test::builtin_bfc().network).links);
}

// Field name, type, width and precision of every field of a layer, as ogrinfo lists them.
std::vector<std::string> fields_of(const fs::path& file, const std::string& layer, bool widths) {
  GDALAllRegister();
  std::vector<std::string> out;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(file.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  EXPECT_TRUE(ds) << file;
  if (!ds) return out;
  OGRLayer* L = ds->GetLayerByName(layer.c_str());
  EXPECT_TRUE(L) << layer;
  if (L) {
    OGRFeatureDefn* d = L->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) {
      const auto* f = d->GetFieldDefn(i);
      out.push_back(std::string(f->GetNameRef()) + ":" + OGRFieldDefn::GetFieldTypeName(f->GetType()) +
                    (widths ? "(" + std::to_string(f->GetWidth()) + "." + std::to_string(f->GetPrecision()) + ")" : ""));
    }
  }
  GDALClose(ds);
  return out;
}

const std::string kTemplates = std::string(DORSALE_SOURCE_DIR) + "/../shared/reference/gracethd-v2.0.1/db_shpcsv";

#define REQUIRE_TEMPLATES()                                                                                       \
  if (!fs::exists(kTemplates + "/t_cable.csv")) {                                                                 \
    if (std::getenv("CI")) FAIL() << "CI is set but the GraceTHD templates are missing at " << kTemplates;        \
    GTEST_SKIP() << "GraceTHD v2.0.1 templates not found at " << kTemplates << " (place ../shared beside the checkout)"; \
  }

TEST(GraceThd, ExportedLayersHaveTheTemplatesFields) {
  REQUIRE_TEMPLATES();
  TempDir tmp;
  const auto dir = export_network(test::builtin_bfc().network, tmp.path() / "d", viz::GraceThdFormat::ShpCsv);
  const auto gpkg = export_network(test::builtin_bfc().network, tmp.path() / "g", viz::GraceThdFormat::Gpkg);
  for (const auto& t : gracethd::tables()) {
    const std::string file = t.name + (t.shapefile() ? ".shp" : ".csv");
    // names, types, widths and precisions as in the templates (a CSV's fields are all text)
    EXPECT_EQ(fields_of(dir / file, t.name, true), fields_of(kTemplates + "/" + file, t.name, true)) << file;
    // the GeoPackage: the same names; the Shapefile tables' types
    const auto ours = fields_of(gpkg, t.name, false), theirs = fields_of(kTemplates + "/" + file, t.name, false);
    if (t.shapefile()) {
      EXPECT_EQ(ours, theirs) << t.name;
    } else {
      ASSERT_EQ(ours.size(), theirs.size()) << t.name;
      for (std::size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(ours[i].substr(0, ours[i].find(':')), theirs[i].substr(0, theirs[i].find(':')));
    }
    // every layer opens with ogrinfo
    const std::string cmd = "ogrinfo -so -al '" + (dir / file).string() + "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  EXPECT_EQ(std::system(("ogrinfo -so -al '" + gpkg.string() + "' > /dev/null 2>&1").c_str()), 0);
  // the schema in code is the templates' (the CSV tables' header lines, the Shapefiles' fields)
  for (const auto& t : gracethd::tables()) {
    if (t.shapefile()) continue;
    std::string header = test::slurp(kTemplates + "/" + t.name + ".csv");
    header = header.substr(0, header.find_first_of("\r\n"));
    std::string ours;
    for (const auto& f : t.fields) ours += (ours.empty() ? "" : ";") + f.name;
    EXPECT_EQ(ours, header) << t.name;
  }
}

TEST(GraceThd, ExportedCodesAreInTheValueLists) {
  REQUIRE_TEMPLATES();
  TempDir tmp;
  const auto dir = export_network(test::builtin_bfc().network, tmp.path() / "d", viz::GraceThdFormat::ShpCsv);
  auto codes = [&](const std::string& list) {
    std::set<std::string> out;
    std::istringstream in(test::slurp(kTemplates + "/" + list + ".csv"));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) out.insert(line.substr(0, line.find(';')));
    return out;
  };
  const std::map<std::string, std::string> lists = {
      {"cb_avct", "l_avancement"},      {"cb_proptyp", "l_propriete_type"}, {"cb_statut", "l_statut"},       {"cb_tech", "l_technologie_type"},
      {"cb_typephy", "l_cable_type"},   {"cb_typelog", "l_infra_type_log"}, {"cb_etat", "l_etat_type"},      {"st_typelog", "l_site_type_log"},
      {"st_typephy", "l_site_type_phy"}, {"st_statut", "l_statut"},         {"st_avct", "l_avancement"},     {"cm_typ_imp", "l_implantation_type"},
      {"cm_avct", "l_avancement"},      {"cm_statut", "l_statut"},          {"cm_typelog", "l_infra_type_log"}, {"cd_type", "l_conduite_type"},
      {"cd_avct", "l_avancement"},      {"nd_type", "l_noeud_type"},        {"se_type", "l_site_emission_type"}};
  const auto tables = tables_of(dir);
  for (const auto& t : gracethd::tables()) {
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      const auto it = lists.find(t.fields[i].name);
      if (it == lists.end()) continue;
      const auto allowed = codes(it->second);
      for (const auto& row : tables.at(t.name)) {
        std::vector<std::string> v;
        std::size_t pos = 0;
        for (std::size_t k = 0; k <= i; ++k) {
          const auto end = row.find('|', pos);
          v.push_back(row.substr(pos, end - pos));
          pos = end + 1;
        }
        if (!v.back().empty()) EXPECT_TRUE(allowed.count(v.back())) << t.fields[i].name << " = " << v.back();
      }
    }
  }
}

// ---- interconnection requests on a GraceTHD network ----

// S (NRO) joins D (HEBERG) by S-A-D and S-B-D; K1 (S-A) and K2 (S-B) leave S in one trench
// CMX. K3 (A-D) is leased with 4 free pairs, K1 has 2. K5 (D-E) is to build through an
// existing underground cheminement (1.5 km) and an aerial one to build (0.5 km). F reaches D
// only by K6, leased (10 km).
Delivery queue_delivery() {
  Delivery d;
  auto node = [&](const std::string& code, double x, double y) { d.add("t_noeud", {{"nd_code", code}}, {{x, y}}); };
  node("S", 800000, 6700000);
  node("A", 805000, 6705000);
  node("B", 805000, 6695000);
  node("D", 810000, 6700000);
  node("E", 812000, 6700000);
  node("F", 810000, 6710000);
  auto site = [&](const std::string& nd, const std::string& type) {
    d.add("t_sitetech", {{"st_code", "ST-" + nd}, {"st_nd_code", nd}, {"st_typelog", type}, {"st_statut", "REC"}, {"st_typephy", "BAT"}});
  };
  site("S", "NRO");
  site("D", "HEBERG");
  site("E", "CLIENT");
  site("F", "NRO");
  auto cable = [&](const std::string& code, const std::string& a, const std::string& b, const std::string& prop, const std::string& avct,
                   int capa, int util, const std::string& lg) {
    d.add("t_cable", {{"cb_code", code}, {"cb_nd1", a}, {"cb_nd2", b}, {"cb_proptyp", prop}, {"cb_avct", avct}, {"cb_capafo", std::to_string(capa)},
                      {"cb_fo_util", std::to_string(util)}, {"cb_lgreel", lg}, {"cb_statut", "REC"}, {"cb_typephy", "C"}});
  };
  cable("K1", "S", "A", "CST", "E", 24, 20, "7100");
  cable("K2", "S", "B", "CST", "E", 24, 0, "7100");
  cable("K3", "A", "D", "LOC", "E", 24, 16, "7100");
  cable("K4", "B", "D", "CST", "E", 24, 0, "7100");
  cable("K5", "D", "E", "CST", "C", 12, 0, "");
  cable("K6", "F", "D", "LOC", "E", 12, 0, "10000");
  auto chem = [&](const std::string& cm, const std::string& avct, const std::string& imp, const std::string& lg) {
    d.add("t_cheminement", {{"cm_code", cm}, {"cm_avct", avct}, {"cm_typ_imp", imp}, {"cm_long", lg}}, {{800000, 6700000}, {801000, 6700000}});
  };
  chem("CMX", "E", "7", "1000");
  chem("CMP", "E", "4", "1500");
  chem("CMQ", "C", "1", "500");
  for (const auto& [cb, cd, cm] : std::vector<std::array<std::string, 3>>{{"K1", "CDX1", "CMX"}, {"K2", "CDX2", "CMX"}, {"K5", "CDP", "CMP"}, {"K5", "CDQ", "CMQ"}}) {
    d.add("t_conduite", {{"cd_code", cd}, {"cd_statut", "REC"}, {"cd_type", "PEHD"}});
    d.add("t_cond_chem", {{"dm_cd_code", cd}, {"dm_cm_code", cm}});
    d.add("t_cab_cond", {{"cc_cb_code", cb}, {"cc_cd_code", cd}});
  }
  return d;
}

const char* kQueue =
    "id,requester,site,lon,lat,destination,pairs,protection,max_latency_ms,horizon_years,submitted,value\n"
    "R1,ISP,S,,,D,1,diverse,,10,2024-01-01,1\n"
    "R2,ISP,A,,,D,10,none,,10,2024-01-02,1\n"
    "R3,Data centre,E,,,D,1,none,,10,2024-01-03,1\n"
    "R4,ISP,F,,,D,2,none,,10,2024-01-04,1\n";

std::map<std::string, nlohmann::json> decisions(const fs::path& out) {
  std::map<std::string, nlohmann::json> m;
  for (const auto& d : nlohmann::json::parse(test::slurp(out / "decisions.json"))) m[d["id"]] = d;
  return m;
}

bool mentions(const nlohmann::json& d, const std::string& text) {
  for (const auto& r : d["reasons"])
    if (r.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

TEST(GraceThd, InterconnectAnswersAQueueOnTheNetwork) {
  TempDir tmp;
  const auto net = queue_delivery().write(tmp.path() / "net");
  const auto req = tmp.path() / "requests.csv";
  std::ofstream(req) << kQueue;
  const auto out = tmp.path() / "out";
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"interconnect", req.string(), "--network", net.string(), "-o", out.string()}, log), 0) << test::slurp(log);
  auto d = decisions(out);
  const Parameters P;
  // R1: the only disjoint routes both leave S through the trench CMX
  EXPECT_EQ(d["R1"]["decision"], "reject");
  EXPECT_TRUE(mentions(d["R1"], "share CMX")) << d["R1"].dump(1);
  // R2: above the free pairs of cable K1 (and K3)
  EXPECT_EQ(d["R2"]["decision"], "reject");
  EXPECT_TRUE(mentions(d["R2"], "link K1 (S - A) has 2 free pairs, 10 requested")) << d["R2"].dump(1);
  // R3: K5 to build, at its cheminements' rates: 1.5 km pulled in a duct, 0.5 km aerial
  EXPECT_EQ(d["R3"]["decision"], "accept_with_works");
  EXPECT_NEAR(d["R3"]["cost_eur"]["capex"].get<double>(), 1.5 * P.gracethd.duct_pull_eur_per_km + 0.5 * P.gracethd.aerial_build_eur_per_km, 1e-6);
  EXPECT_TRUE(mentions(d["R3"], "planned link K5 must be built")) << d["R3"].dump(1);
  // R4: the leased K6, costed as a lease over the horizon
  EXPECT_EQ(d["R4"]["decision"], "accept");
  EXPECT_NEAR(d["R4"]["cost_eur"]["opex"].get<double>(), P.costs.lease_eur_per_pair_km_year * 2 * 10 * 10, 1e-6);
  EXPECT_DOUBLE_EQ(d["R4"]["cost_eur"]["capex"].get<double>(), 0);
  EXPECT_EQ(d["R4"]["route_links"][0][0]["id"], "K6");

  // the same network named by a scenario ([network] source = "gracethd")
  const auto sc = tmp.path() / "real.toml";
  std::ofstream(sc) << "[scenario]\nname = \"real\"\n\n[network]\nsource = \"gracethd\"\npath = \"net\"\n";
  const auto out2 = tmp.path() / "out2";
  ASSERT_EQ(test::run_cli({"interconnect", req.string(), "--scenario", sc.string(), "-o", out2.string()}, log), 0) << test::slurp(log);
  EXPECT_EQ(test::slurp(out / "decisions.json"), test::slurp(out2 / "decisions.json"));
  // and exported from the scenario, it reads back with the same counts
  const auto exp = tmp.path() / "exp";
  ASSERT_EQ(test::run_cli({"network", "export", "--scenario", sc.string(), "-o", exp.string()}, log), 0) << test::slurp(log);
  const auto a = planner::network_info(net.string()).totals, b = planner::network_info(exp.string()).totals;
  EXPECT_EQ(a.links, b.links);
  EXPECT_EQ(a.shared_risk_groups, b.shared_risk_groups);
  EXPECT_NEAR(a.km, b.km, 1e-6);
}

TEST(GraceThd, ABadNetworkWritesNothing) {
  TempDir tmp;
  Delivery d = queue_delivery();
  d.tables.erase("t_noeud");
  const auto net = d.write(tmp.path() / "net");
  const auto req = tmp.path() / "requests.csv";
  std::ofstream(req) << kQueue;
  const auto log = tmp.path() / "log";
  EXPECT_EQ(test::run_cli({"interconnect", req.string(), "--network", net.string(), "-o", (tmp.path() / "out").string()}, log), 1);
  EXPECT_NE(test::slurp(log).find("missing required table t_noeud"), std::string::npos) << test::slurp(log);
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
  const auto sc = tmp.path() / "real.toml";
  std::ofstream(sc) << "[scenario]\nname = \"real\"\n\n[network]\nsource = \"gracethd\"\npath = \"net\"\n";
  EXPECT_EQ(test::run_cli({"network", "export", "--scenario", sc.string(), "-o", (tmp.path() / "exp").string()}, log), 1);
  EXPECT_FALSE(fs::exists(tmp.path() / "exp"));
  std::ofstream(sc) << "[network]\nsource = \"shapefiles\"\npath = \"net\"\n";
  EXPECT_EQ(test::run_cli({"network", "export", "--scenario", sc.string(), "-o", (tmp.path() / "exp").string()}, log), 1);
}

// ---- cable ends as a GraceTHD reader finds them; network check ----------------------------

const Link* link_of(const Network& net, const std::string& id) {
  for (const auto& l : net.links())
    if (l.id == id) return &l;
  return nullptr;
}
std::set<std::string> ends_of(const Network& net, const Link& l) { return {net.node(l.a).id, net.node(l.b).id}; }

// test_delivery() as an AVP often sends it: C10 with empty ends drawn from NRO2 to SRO in two
// pieces (each end 1 m off its node), C11 with empty ends in a duct through CM3 (SRO-CH) and CM4 (CH-NRO1),
// C12 with empty ends drawn far from any node, C13 a jumper, C14 naming an unknown node but
// drawn from POP1 to POP2.
Delivery avp_delivery() {
  Delivery d = test_delivery();
  auto cable = [&](std::map<std::string, std::string> v) {
    v.emplace("cb_avct", "E");
    v.emplace("cb_statut", "AVP");
    d.add("t_cable", std::move(v));
  };
  cable({{"cb_code", "C10"}, {"cb_capafo", "24"}});
  cable({{"cb_code", "C11"}, {"cb_capafo", "12"}});
  cable({{"cb_code", "C12"}, {"cb_capafo", "12"}});
  cable({{"cb_code", "C13"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "POP1"}, {"cb_capafo", "2"}, {"cb_typephy", "J"}});
  cable({{"cb_code", "C14"}, {"cb_nd1", "NOWHERE"}, {"cb_nd2", "POP1"}, {"cb_capafo", "12"}});
  // C10 drawn in two pieces, listed from its far end
  d.add("t_cableline", {{"cl_code", "CL10b"}, {"cl_cb_code", "C10"}}, {{857000, 6703000}, {855000, 6705001}});
  d.add("t_cableline", {{"cl_code", "CL10a"}, {"cl_cb_code", "C10"}}, {{860000.8, 6700000.6}, {857000, 6703000}});
  d.add("t_cableline", {{"cl_code", "CL12"}, {"cl_cb_code", "C12"}}, {{880000, 6680000}, {881000, 6681000}});
  d.add("t_cableline", {{"cl_code", "CL14"}, {"cl_cb_code", "C14"}}, {{850000, 6690000.5}, {860000, 6690000}});
  d.add("t_cheminement", {{"cm_code", "CM3"}, {"cm_ndcode1", "SRO"}, {"cm_ndcode2", "CH"}}, {{855000, 6705000}, {852000, 6696000}});
  d.add("t_cheminement", {{"cm_code", "CM4"}, {"cm_ndcode1", "CH"}, {"cm_ndcode2", "NRO1"}}, {{852000, 6696000}, {850000, 6700000}});
  d.add("t_conduite", {{"cd_code", "CD4"}, {"cd_statut", "AVP"}});
  d.add("t_cond_chem", {{"dm_cd_code", "CD4"}, {"dm_cm_code", "CM3"}});
  d.add("t_cond_chem", {{"dm_cd_code", "CD4"}, {"dm_cm_code", "CM4"}});
  d.add("t_cab_cond", {{"cc_cb_code", "C11"}, {"cc_cd_code", "CD4"}});
  return d;
}

std::map<std::string, std::int64_t> by_reason(const std::vector<DroppedRows>& rows) {
  std::map<std::string, std::int64_t> out;
  for (const auto& d : rows) out[d.table + ": " + d.why] += d.count;
  return out;
}
std::map<std::string, std::int64_t> by_kind(const std::vector<DroppedRows>& rows) {
  std::map<std::string, std::int64_t> out;
  for (const auto& d : rows) out[d.kind] += d.count;
  return out;
}

TEST(GraceThdEnds, CablesArePlacedByTheirEndsGeometryOrDucts) {
  for (const bool gpkg : {false, true}) {
    SCOPED_TRACE(gpkg ? "gpkg" : "shpcsv");
    TempDir tmp;
    const auto path = avp_delivery().write(tmp.path() / "avp", gpkg);
    const auto imp = scenarios::read_network(path.string(), Parameters());
    const auto& net = imp.network;
    EXPECT_EQ(imp.info.totals.links, 5 + 3);
    const Link* c10 = link_of(net, "C10");
    const Link* c11 = link_of(net, "C11");
    const Link* c14 = link_of(net, "C14");
    ASSERT_TRUE(c10 && c11 && c14);
    EXPECT_EQ(ends_of(net, *c10), (std::set<std::string>{"NRO2", "SRO"}));
    EXPECT_EQ(ends_of(net, *c11), (std::set<std::string>{"SRO", "NRO1"}));
    EXPECT_EQ(ends_of(net, *c14), (std::set<std::string>{"POP1", "POP2"}));
    // lengths: C10 its drawn line, C11 its two cheminements' drawn lines
    EXPECT_NEAR(c10->length_km, (std::hypot(3000.8, 2999.4) + std::hypot(2000, 2001)) / 1000, 1e-6);
    EXPECT_NEAR(c11->length_km, (std::hypot(3000, 9000) + std::hypot(2000, 4000)) / 1000, 1e-6);
    EXPECT_EQ(c10->pairs_total, 12);
    std::string derived;
    for (const auto& s : imp.info.derived) derived += s + "\n";
    EXPECT_NE(derived.find("2 cables placed by their t_cableline geometry"), std::string::npos) << derived;
    EXPECT_NE(derived.find("e.g. C10, C14"), std::string::npos) << derived;
    EXPECT_NE(derived.find("1 cables placed by their duct chain"), std::string::npos) << derived;
    const auto dropped = by_reason(imp.info.dropped);
    EXPECT_EQ(dropped.at("t_cable: a jumper (cb_typephy J): a patch cord inside a site, not a link"), 1);
    const std::string unplaced =
        "t_cable: ends not found: cb_nd1 or cb_nd2 empty, no t_cableline with both ends within gracethd.end_snap_m of a node, no duct chain with two ends";
    EXPECT_EQ(dropped.at(unplaced), 1);
    for (const auto& d : imp.info.dropped)
      if (d.kind == "unplaced") {
        EXPECT_EQ(d.examples, std::vector<std::string>{gpkg ? "C12 (line 12)" : "C12 (line 13)"});
      }
    // every cable of t_cable is placed or listed
    std::int64_t cables_dropped = 0;
    for (const auto& d : imp.info.dropped)
      if (d.table == "t_cable") cables_dropped += d.count;
    EXPECT_EQ(imp.info.totals.links + cables_dropped, 14);
    // a tighter tolerance leaves C10 (1 m off) unplaced; C14 (0.5 m off) stays
    Parameters tight;
    tight.gracethd.end_snap_m = 0.8;
    const auto t = scenarios::read_network(path.string(), tight);
    EXPECT_EQ(link_of(t.network, "C10"), nullptr);
    EXPECT_NE(link_of(t.network, "C14"), nullptr);
    EXPECT_EQ(by_reason(t.info.dropped).at(unplaced), 2);
  }
}

TEST(GraceThdEnds, InfoCommandPrintsHowCablesWerePlaced) {
  TempDir tmp;
  const auto dir = avp_delivery().write(tmp.path() / "avp");
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "info", "--quiet", dir.string(), "--json"}, log), 0) << test::slurp(log);
  const auto j = nlohmann::json::parse(test::slurp(log));
  EXPECT_EQ(j["links"], 8);
  std::int64_t unplaced = 0;
  for (const auto& d : j["dropped"])
    if (d.value("kind", "") == "unplaced") unplaced += d["count"].get<std::int64_t>();
  EXPECT_EQ(unplaced, 1);
}

// Every problem a checker reports, once each, on test_delivery().
Delivery flawed_delivery() {
  Delivery d = test_delivery();
  d.row("t_cable", "cb_code", "C4").v["cb_avct"] = "X";               // value list
  d.row("t_cable", "cb_code", "C3").v["cb_nd2"] = "NOWHERE";          // cable -> node
  d.row("t_cable", "cb_code", "C2").v["cb_prop"] = "OR9";             // unknown organisation
  d.row("t_cable", "cb_code", "C1").v["cb_lgreel"] = "20000";         // drawn 10,000 m below
  d.add("t_cableline", {{"cl_code", "CL1"}, {"cl_cb_code", "C1"}}, {{850000, 6700000}, {850000, 6690000}});
  d.add("t_cable", {{"cb_code", "C1"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "NRO2"}, {"cb_capafo", "6"}});  // duplicate cb_code
  d.add("t_sitetech", {{"st_code", "ST1"}, {"st_nd_code", "NRO2"}, {"st_typelog", "NRO"}});          // duplicate st_code
  d.add("t_cond_chem", {{"dm_cd_code", "CD9"}, {"dm_cm_code", "CM1"}});                              // unknown conduite
  d.add("t_fibre", {{"fo_code", "FO1"}, {"fo_cb_code", "C1"}, {"fo_nincab", "1"}});
  d.add("t_fibre", {{"fo_code", "FO2"}, {"fo_cb_code", "C99"}, {"fo_nincab", "2"}});                  // fibre -> cable
  d.add("t_position", {{"ps_code", "PS1"}, {"ps_1", "FO1"}, {"ps_2", "FO99"}, {"ps_fonct", "EP"}});  // position -> fibre
  return d;
}

TEST(GraceThdCheck, CountsEveryProblemOfTheDelivery) {
  TempDir tmp;
  const auto dir = flawed_delivery().write(tmp.path() / "flawed");
  std::ofstream(dir / "t_znro.csv") << "zn_code;zn_nd_code\nZ1;NRO1\n";
  std::ofstream(dir / "l_avancement.csv") << "code;libelle;definition\nE;EN SERVICE;\n";
  const auto c = planner::network_check(dir.string());
  EXPECT_TRUE(c.usable) << c.error;
  const auto kinds = by_kind(c.info.dropped);
  EXPECT_EQ(kinds.at("value_list"), 1);
  EXPECT_EQ(kinds.at("dangling_reference"), 4);  // C3's node, CD9, FO2's cable, PS1's fibre
  EXPECT_EQ(kinds.at("duplicate_code"), 2);
  EXPECT_EQ(kinds.count("bad_value"), 0u);
  const auto warnings = by_kind(c.info.warnings);
  EXPECT_EQ(warnings.at("length_gap"), 1);
  EXPECT_EQ(warnings.at("unknown_organisation"), 1);
  for (const auto& w : c.info.warnings)
    if (w.kind == "length_gap") {
      EXPECT_EQ(w.examples, std::vector<std::string>{"C1 (line 2)"});
    }
  std::map<std::string, std::int64_t> rows;
  for (const auto& t : c.read) rows[t.table] = t.rows;
  EXPECT_EQ(rows.at("t_cable"), 10);
  EXPECT_EQ(rows.at("t_fibre"), 2);
  EXPECT_EQ(rows.at("t_position"), 1);
  EXPECT_EQ(rows.at("t_noeud"), 8);
  EXPECT_EQ(c.ignored, (std::vector<std::string>{"l_avancement.csv", "t_znro.csv"}));
  // the command: exit 0, the same counts in JSON
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "check", "--quiet", dir.string(), "--json"}, log), 0) << test::slurp(log);
  const auto j = nlohmann::json::parse(test::slurp(log));
  EXPECT_EQ(j["usable"], true);
  EXPECT_EQ(j["counts"]["dangling_reference"], 4);
  EXPECT_EQ(j["counts"]["duplicate_code"], 2);
  EXPECT_EQ(j["counts"]["value_list"], 1);
  EXPECT_EQ(j["counts"]["length_gap"], 1);
  EXPECT_EQ(j["network"]["links"], c.info.totals.links);
  ASSERT_EQ(test::run_cli({"network", "check", "--quiet", dir.string()}, log), 0);
  EXPECT_NE(test::slurp(log).find("present, not read: l_avancement.csv, t_znro.csv"), std::string::npos) << test::slurp(log);
}

// Issue #21 item 11, "the same in both containers": the flawed delivery as a GeoPackage gives
// the same problems, counted by kind and by reason, as the folder of Shapefiles and CSV files.
TEST(GraceThdCheck, TheGeoPackageFormCountsTheSameProblems) {
  TempDir tmp;
  const Delivery d = flawed_delivery();
  const auto folder = planner::network_check(d.write(tmp.path() / "folder").string());
  const auto gpkg = planner::network_check(d.write(tmp.path() / "gpkg", true).string());
  ASSERT_TRUE(folder.usable) << folder.error;
  ASSERT_TRUE(gpkg.usable) << gpkg.error;
  EXPECT_EQ(gpkg.info.format, "gracethd-gpkg");
  EXPECT_EQ(by_kind(gpkg.info.dropped), by_kind(folder.info.dropped));
  EXPECT_EQ(by_reason(gpkg.info.dropped), by_reason(folder.info.dropped));
  EXPECT_EQ(by_kind(gpkg.info.warnings), by_kind(folder.info.warnings));
  EXPECT_EQ(by_kind(gpkg.info.dropped).at("duplicate_code"), 2);  // cb_code and st_code
  EXPECT_EQ(by_kind(gpkg.info.warnings).at("unknown_organisation"), 1);
  EXPECT_EQ(gpkg.info.totals.links, folder.info.totals.links);
}

TEST(GraceThdCheck, UnusableDeliveriesExitOne) {
  TempDir tmp;
  const auto log = tmp.path() / "log";
  Delivery d = test_delivery();
  d.tables.erase("t_noeud");
  const auto no_nodes = d.write(tmp.path() / "no-nodes");
  EXPECT_EQ(test::run_cli({"network", "check", "--quiet", no_nodes.string()}, log), 1);
  EXPECT_NE(test::slurp(log).find("missing required table t_noeud"), std::string::npos) << test::slurp(log);
  const auto c = planner::network_check(no_nodes.string());
  EXPECT_FALSE(c.usable);
  ASSERT_EQ(c.read.size(), 1u);  // t_organisme, read before t_noeud was found missing
  EXPECT_EQ(c.read[0].table, "t_organisme");
  EXPECT_EQ(c.ignored.size(), 8u);  // every other table present is named
  fs::create_directories(tmp.path() / "empty");
  EXPECT_EQ(test::run_cli({"network", "check", "--quiet", (tmp.path() / "empty").string()}, log), 1);
  EXPECT_EQ(test::run_cli({"network", "check", "--quiet", (tmp.path() / "nowhere").string(), "--json"}, log), 1);
  EXPECT_EQ(nlohmann::json::parse(test::slurp(log))["usable"], false);
  std::ofstream(tmp.path() / "junk.gpkg") << "not a GeoPackage";
  EXPECT_EQ(test::run_cli({"network", "check", "--quiet", (tmp.path() / "junk.gpkg").string()}, log), 1);
}

// 200 deliveries mutated deterministically (bytes flipped, cut, repeated in one CSV table or
// the t_noeud .dbf): the check always returns, with the import's error when unusable (the
// fuzz target gracethd_check runs the same contract on as many as it is given).
TEST(GraceThdCheck, NeverFailsOnMutatedDeliveries) {
  TempDir tmp;
  const auto dir = flawed_delivery().write(tmp.path() / "m");
  const std::vector<std::string> files = {"t_cable.csv", "t_cab_cond.csv", "t_conduite.csv", "t_cond_chem.csv", "t_sitetech.csv",
                                          "t_siteemission.csv", "t_fibre.csv", "t_position.csv", "t_organisme.csv", "t_noeud.dbf"};
  std::vector<std::string> originals;
  for (const auto& f : files) originals.push_back(test::slurp(dir / f));
  std::uint64_t state = 88172645463325252ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int usable = 0;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  for (int k = 0; k < 200; ++k) {
    const std::size_t which = next() % files.size();
    std::string bytes = originals[which];
    const int edits = 1 + int(next() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      const std::size_t at = next() % bytes.size();
      switch (next() % 4) {
        case 0: bytes[at] = char(next()); break;
        case 1: bytes.resize(at); break;
        case 2: bytes.insert(at, bytes.substr(at, next() % 64)); break;
        default: bytes.insert(at, 1, ";\n\"\xe9"[next() % 4]); break;
      }
    }
    std::ofstream(dir / files[which], std::ios::binary | std::ios::trunc) << bytes;
    const auto c = planner::network_check(dir.string());
    usable += c.usable;
    if (!c.usable) {
      EXPECT_FALSE(c.error.empty());
    }
    (void)viz::network_check_json(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::ofstream(dir / files[which], std::ios::binary | std::ios::trunc) << originals[which];
  }
  CPLPopErrorHandler();
  EXPECT_GT(usable, 0);
}

// ---- rows GDAL would read silently wrong (issue #21, items 8 and 11) -----------------------

TEST(GraceThdStrict, MalformedCsvRowsAreRefusedAndTheRestRead) {
  TempDir tmp;
  const auto dir = test_delivery().write(tmp.path() / "d");
  std::string csv = test::slurp(dir / "t_cable.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  const std::size_t n = std::count(header.begin(), header.end(), ';') + 1;
  const std::string fields = header.substr(0, header.find(';'));  // cb_code first
  EXPECT_EQ(fields, "cb_code");
  auto row = [&](const std::string& code, std::size_t count, const std::string& filler = "") {
    std::string r = code + ";" + filler;
    for (std::size_t i = 2; i < count; ++i) r += ";";
    return r + "\n";
  };
  csv += row("C20", n + 1);                                     // an extra field
  csv += row("C21", n - 1);                                     // a missing field
  // a CSV row from field -> value, in the header's order
  auto named = [&](std::map<std::string, std::string> v) {
    std::string r;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t end = std::min(header.find(';', pos), header.size());
      r += (i ? ";" : "") + v[header.substr(pos, end - pos)];
      pos = end + 1;
    }
    return r + "\n";
  };
  csv += named({{"cb_code", "C22"}, {"cb_nd1", "Dijon \xe9"}, {"cb_nd2", "NRO1"}, {"cb_capafo", "12"}});  // latin-1 in a field read
  csv += row("C23", n, std::string(2 << 20, 'x'));              // a 2 MiB line
  csv += named({{"cb_code", "C24"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "SRO"}, {"cb_capafo", "12"}, {"cb_comment", "pos\xe9 en 2019"}});  // latin-1 in a comment
  std::ofstream(dir / "t_cable.csv", std::ios::binary | std::ios::trunc) << csv;
  const auto imp = scenarios::read_network(dir.string(), Parameters());
  EXPECT_EQ(imp.info.totals.links, 5 + 1);  // the good rows all read, C24 with its latin-1 comment (not read) too
  EXPECT_NE(link_of(imp.network, "C24"), nullptr);
  std::map<std::string, std::vector<std::string>> examples;
  for (const auto& d : imp.info.dropped)
    if (!d.kind.empty()) examples[d.kind + ": " + d.why] = d.examples;
  EXPECT_EQ(examples[fmt::format("malformed_row: {} fields where the header has {}", n + 1, n)], std::vector<std::string>{"C20 (line 11)"});
  EXPECT_EQ(examples[fmt::format("malformed_row: {} fields where the header has {}", n - 1, n)], std::vector<std::string>{"C21 (line 12)"});
  EXPECT_EQ(examples["encoding: cb_nd1: text that is not UTF-8 once decoded from UTF-8 (GraceTHD CSV)"], std::vector<std::string>{"C22 (line 13)"});
  EXPECT_EQ(examples["malformed_row: a line longer than 1048576 bytes"], std::vector<std::string>{"C23 (line 14)"});
  EXPECT_EQ(examples.size(), 4u);
}

// Issue #21 item 9 in a GraceTHD table: a CSV header naming a column twice (in any case) is
// refused naming the column, the file and line 1 (GDAL would read one of the two silently);
// `network check` says the same; the same table with the column once reads.
TEST(GraceThdStrict, ACsvHeaderWithAColumnTwiceIsRefusedNamingIt) {
  TempDir tmp;
  const auto dir = test_delivery().write(tmp.path() / "d");
  const std::string csv = test::slurp(dir / "t_cable.csv");
  std::string twice, once;
  std::size_t line = 0;
  for (std::size_t a = 0; a < csv.size(); ++line) {
    const std::size_t b = std::min(csv.find('\n', a), csv.size());
    const std::string l = csv.substr(a, b - a);
    if (!l.empty()) twice += l + (line == 0 ? ";CB_CAPAFO" : ";48") + "\n", once += l + (line == 0 ? ";cb_extra" : ";48") + "\n";
    a = b + 1;
  }
  std::ofstream(dir / "t_cable.csv", std::ios::binary | std::ios::trunc) << once;
  EXPECT_EQ(scenarios::read_network(dir.string(), Parameters()).info.totals.links, 5);  // a column unknown to GraceTHD: fine
  std::ofstream(dir / "t_cable.csv", std::ios::binary | std::ios::trunc) << twice;
  const auto e = test::input_error_of([&] { scenarios::read_network(dir.string(), Parameters()); });
  EXPECT_EQ(e.field(), "cb_capafo");
  EXPECT_EQ(e.line(), 1);
  expect_all(e.what(), {"t_cable.csv", "cb_capafo", "appears twice"});
  const auto c = scenarios::check_network(dir.string(), Parameters());
  EXPECT_FALSE(c.usable);
  expect_all(c.error, {"t_cable.csv", "cb_capafo", "appears twice"});
}

// Issue #21 item 10 in a GraceTHD delivery: numbers are decimal only, lengths within
// 0..1,000 km -- a length 0x10 (strtod: 16 m), 1e308 (a link of 1e305 km), inf, and a fibre
// count 0x10 are rows dropped as bad values; in the GeoPackage form (typed columns: GDAL
// writes 0x10 as the number 16) the 1e308 and inf lengths are; 10500.5 m reads.
TEST(GraceThdStrict, NumbersAreDecimalWithinTheirRangeInBothContainers) {
  TempDir tmp;
  Delivery d = test_delivery();
  d.row("t_cable", "cb_code", "C1").v["cb_lgreel"] = "0x10";
  d.row("t_cable", "cb_code", "C2").v["cb_lgreel"] = "1e308";
  d.row("t_cable", "cb_code", "C3").v["cb_lgreel"] = "inf";
  d.row("t_cable", "cb_code", "C4").v["cb_capafo"] = "0x10";
  d.add("t_cable", {{"cb_code", "C20"}, {"cb_nd1", "NRO1"}, {"cb_nd2", "POP2"}, {"cb_avct", "E"}, {"cb_statut", "REC"}, {"cb_typephy", "C"}, {"cb_capafo", "12"}, {"cb_lgreel", "10500.5"}});
  for (const bool gpkg : {false, true}) {
    const auto path = d.write(tmp.path() / (gpkg ? "g" : "c"), gpkg);
    const auto imp = scenarios::read_network(path.string(), Parameters());
    for (const char* id : {"C1", "C2", "C3", "C4"})
      if (!gpkg || id == std::string("C2") || id == std::string("C3")) EXPECT_EQ(link_of(imp.network, id), nullptr) << id << (gpkg ? " gpkg" : " csv");
    ASSERT_NE(link_of(imp.network, "C20"), nullptr) << (gpkg ? "gpkg" : "csv");
    EXPECT_NEAR(link_of(imp.network, "C20")->length_km, 10.5005, 1e-9);
    for (const auto& l : imp.network.links()) EXPECT_LE(l.length_km, 1000) << l.id;
    EXPECT_GE(by_kind(imp.info.dropped).at("bad_value"), gpkg ? 2 : 4) << (gpkg ? "gpkg" : "csv");
  }
}

TEST(GraceThdStrict, GeoPackageValuesOfTheWrongTypeAreRefused) {
  TempDir tmp;
  const auto file = test_delivery().write(tmp.path() / "g", true);
  {
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    ASSERT_TRUE(ds);
    ds->ExecuteSQL("UPDATE t_cable SET cb_capafo = 48.7 WHERE cb_code = 'C1'", nullptr, nullptr);
    ds->ExecuteSQL("UPDATE t_cable SET cb_lgreel = 'NaN' WHERE cb_code = 'C3'", nullptr, nullptr);
    ds->ExecuteSQL("UPDATE t_cable SET cb_capafo = 48.0 WHERE cb_code = 'C2'", nullptr, nullptr);  // a whole number stored as REAL: fine
    GDALClose(ds);
  }
  const auto imp = scenarios::read_network(file.string(), Parameters());
  EXPECT_EQ(link_of(imp.network, "C1"), nullptr);
  EXPECT_EQ(link_of(imp.network, "C3"), nullptr);
  ASSERT_NE(link_of(imp.network, "C2"), nullptr);
  EXPECT_EQ(link_of(imp.network, "C2")->pairs_total, 24);
  const auto why = by_reason(imp.info.dropped);
  EXPECT_EQ(why.at("t_cable: cb_capafo: a real value ('48.7') where the field is a whole number"), 1);
  EXPECT_EQ(why.at("t_cable: cb_lgreel: a text value ('NaN') where the field is a number"), 1);
  // the same values in the CSV form are refused too
  Delivery d = test_delivery();
  d.row("t_cable", "cb_code", "C1").v["cb_capafo"] = "48.7";
  d.row("t_cable", "cb_code", "C3").v["cb_lgreel"] = "NaN";
  const auto csv = scenarios::read_network(d.write(tmp.path() / "c").string(), Parameters());
  EXPECT_EQ(by_kind(csv.info.dropped).at("bad_value"), 2);
  EXPECT_EQ(csv.info.totals.links, imp.info.totals.links);
}

TEST(GraceThdStrict, NodeNamesAreDecodedByTheDeclaredEncoding) {
  TempDir tmp;
  {
    // a .cpg saying ISO-8859-1: the latin-1 bytes are decoded
    Delivery d = test_delivery();
    d.shp_encoding = "ISO-8859-1";
    d.row("t_noeud", "nd_code", "NRO1").v["nd_nom"] = "Besan\xc3\xa7on";
    const auto dir = d.write(tmp.path() / "latin1");
    EXPECT_NE(test::slurp(dir / "t_noeud.dbf").find("Besan\xe7on"), std::string::npos);  // stored as latin-1
    const auto imp = scenarios::read_network(dir.string(), Parameters());
    EXPECT_EQ(imp.network.node(*imp.network.find_node("NRO1")).name, "Besan\xc3\xa7on");
  }
  // a .cpg saying UTF-8 over latin-1 bytes: the row is refused, named, and the rest imports
  Delivery d = test_delivery();
  d.shp_encoding = "UTF-8";
  d.row("t_noeud", "nd_code", "J").v["nd_nom"] = "Dijon \xe9";
  const auto dir = d.write(tmp.path() / "lying");
  ASSERT_NE(test::slurp(dir / "t_noeud.dbf").find("Dijon \xe9"), std::string::npos);
  const auto imp = scenarios::read_network(dir.string(), Parameters());
  EXPECT_FALSE(imp.network.find_node("J"));
  bool named = false;
  for (const auto& r : imp.info.dropped)
    if (r.kind == "encoding") {
      named = true;
      EXPECT_EQ(r.table, "t_noeud");
      EXPECT_NE(r.why.find("nd_nom: text that is not UTF-8 once decoded from UTF-8"), std::string::npos) << r.why;
      EXPECT_EQ(r.examples, std::vector<std::string>{"J (line 7)"});
    }
  EXPECT_TRUE(named);
  // what the desk and network info print is valid UTF-8 JSON
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "info", "--quiet", dir.string(), "--json"}, log), 0) << test::slurp(log);
  EXPECT_TRUE(nlohmann::json::accept(test::slurp(log)));
}

// ---- fibre-level capacity (#24 item 2) ------------------------------------------------------

// test_delivery() with t_fibre and t_ropt: C1 (24 fibres, cb_fo_util 8: 8 free pairs by the
// cable) lists its 24 fibres, 20 in route R1 and one out of order (HS): 3 free fibres, 1 pair;
// C2 (cb_fo_disp 6: 3 pairs) lists its 12 fibres, all in route R2: 0 pairs; C3 (48 fibres,
// none used: 24 pairs) lists 10 fibres, all free: 5 pairs (the 38 unlisted are not counted).
Delivery fibre_delivery() {
  Delivery d = test_delivery();
  auto fibres = [&](const std::string& cable, int n) {
    for (int i = 1; i <= n; ++i)
      d.add("t_fibre", {{"fo_code", cable + "-F" + std::to_string(i)}, {"fo_cb_code", cable}, {"fo_nincab", std::to_string(i)},
                        {"fo_etat", cable == "C1" && i == 21 ? "HS" : "OK"}});
  };
  fibres("C1", 24);
  fibres("C2", 12);
  fibres("C3", 10);
  for (int i = 1; i <= 20; ++i)
    d.add("t_ropt", {{"rt_code", "R1"}, {"rt_fo_code", "C1-F" + std::to_string(i)}, {"rt_fo_ordr", std::to_string(i)}});
  for (int i = 1; i <= 12; ++i)
    d.add("t_ropt", {{"rt_code", "R2"}, {"rt_fo_code", "C2-F" + std::to_string(i)}, {"rt_fo_ordr", std::to_string(i)}});
  return d;
}

TEST(GraceThdFibres, FreePairsComeFromTheFibresWhenListed) {
  for (const bool gpkg : {false, true}) {
    SCOPED_TRACE(gpkg ? "gpkg" : "shpcsv");
    TempDir tmp;
    const auto path = fibre_delivery().write(tmp.path() / "f", gpkg);
    const auto imp = scenarios::read_network(path.string(), Parameters());
    auto free_pairs = [&](const char* id) {
      const Link* l = link_of(imp.network, id);
      return l ? l->pairs_total - l->pairs_used : -1;
    };
    EXPECT_EQ(free_pairs("C1"), 1);
    EXPECT_EQ(free_pairs("C2"), 0);   // cb_fo_disp says 6 free fibres; its fibres are all routed
    EXPECT_EQ(free_pairs("C3"), 5);
    EXPECT_EQ(free_pairs("C8"), 0);   // no t_fibre rows: the cable-level rule
    EXPECT_EQ(free_pairs("C4"), 36);  // planned, no rows: the cable-level rule
    EXPECT_EQ(imp.info.totals.free_pairs, 1 + 0 + 5 + 0);
    std::string derived;
    for (const auto& x : imp.info.derived) derived += x + "\n";
    EXPECT_NE(derived.find("free pairs of 3 cables from their t_fibre rows (32 fibres used by a t_ropt route, 1 out of order fo_etat HS; "
                           "3 below what cb_fo_disp / cb_fo_util said)"),
              std::string::npos)
        << derived;
    EXPECT_NE(derived.find("1 cables list fewer t_fibre rows than cb_capafo"), std::string::npos) << derived;
    EXPECT_EQ(derived.find("the delivery has no t_fibre"), std::string::npos) << derived;
  }
  // a route naming an unknown fibre is refused and named by the check
  Delivery d = fibre_delivery();
  d.add("t_ropt", {{"rt_code", "R3"}, {"rt_fo_code", "C9-F1"}});
  TempDir tmp;
  const auto c = planner::network_check(d.write(tmp.path() / "r").string());
  EXPECT_TRUE(c.usable);
  EXPECT_EQ(by_kind(c.info.dropped).at("dangling_reference"), 1);
  EXPECT_EQ(c.info.totals.free_pairs, 6);
}

// ---- exports: high points as t_siteemission, one archive (#24 item 4) --------------------------

TEST(GraceThdExport, HighPointsBecomeEmissionSites) {
  TempDir tmp;
  const Region& r = test::builtin_bfc();
  std::vector<HighPoint> hps;
  for (const auto& h : r.high_points)
    if (hps.size() < 40 && !r.network.find_node(h.id)) hps.push_back(h);
  ASSERT_GE(hps.size(), 2u);
  hps[0].existing = false;  // a candidate: not written
  hps[1].id = "0211234567";  // an ANFR number: written as se_anfr
  hps[1].height_m = 31.5;
  viz::OutputDir out(tmp.path() / "e", "network");
  viz::write_gracethd(out, r.network, viz::GraceThdFormat::ShpCsv, hps);
  out.commit();
  const auto imp = scenarios::read_network((tmp.path() / "e").string(), Parameters());
  EXPECT_EQ(imp.high_points.size(), hps.size() - 1);
  EXPECT_EQ(imp.info.totals.links, network_totals(r.network).links);
  int anfr = 0;
  for (const auto& h : imp.high_points) {
    // the id read back: se_anfr when given, else se_code ("se:" + the node's nd_code)
    const auto n = imp.network.find_node(h.id.rfind("se:", 0) == 0 ? h.id.substr(3) : h.id);
    ASSERT_TRUE(n) << h.id;
    EXPECT_EQ(imp.network.node(*n).kind, NodeKind::HighPoint);
    if (h.id == "0211234567") {
      ++anfr;
      EXPECT_DOUBLE_EQ(h.height_m, 31.5);
    }
  }
  EXPECT_EQ(anfr, 1);
  EXPECT_FALSE(imp.network.find_node(hps[0].id));
}

// Every file of a zip written by GDAL, as bytes (through /vsizip/).
std::map<std::string, std::string> zip_members(const fs::path& zip) {
  std::map<std::string, std::string> out;
  const std::string root = "/vsizip/" + zip.string();
  char** names = VSIReadDir(root.c_str());
  for (char** n = names; n && *n; ++n) {
    VSILFILE* f = VSIFOpenL((root + "/" + *n).c_str(), "rb");
    if (!f) continue;
    std::string bytes;
    char buf[65536];
    for (std::size_t k; (k = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, k);
    VSIFCloseL(f);
    out[*n] = bytes;
  }
  CSLDestroy(names);
  return out;
}

TEST(GraceThdExport, ArchiveHoldsTheSameFiles) {
  TempDir tmp;
  const auto log = tmp.path() / "log";
  const auto files = tmp.path() / "files", zipped = tmp.path() / "zipped";
  ASSERT_EQ(test::run_cli({"network", "export", "--builtin", "bfc", "-o", files.string()}, log), 0) << test::slurp(log);
  ASSERT_EQ(test::run_cli({"network", "export", "--builtin", "bfc", "--archive", "-o", zipped.string()}, log), 0) << test::slurp(log);
  ASSERT_TRUE(fs::exists(zipped / "gracethd.zip"));
  EXPECT_FALSE(fs::exists(zipped / "t_cable.csv"));
  const auto members = zip_members(zipped / "gracethd.zip");
  std::size_t compared = 0;
  for (const auto& e : fs::directory_iterator(files)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("t_", 0) != 0) continue;
    ASSERT_TRUE(members.count(name)) << name;
    EXPECT_EQ(members.at(name), test::slurp(e.path())) << name;  // byte for byte
    ++compared;
  }
  EXPECT_EQ(compared, members.size());
  EXPECT_GE(compared, 3u * 5 + 7);  // 3 Shapefiles x 5 files + 7 CSV tables
  // the archive's delivery reads through GDAL as the folder does (drivers registered: this
  // test may run alone in its process)
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(
      GDALOpenEx(("/vsizip/" + (zipped / "gracethd.zip").string() + "/t_noeud.shp").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  ASSERT_TRUE(ds);
  GDALDataset* plain = static_cast<GDALDataset*>(GDALOpenEx((files / "t_noeud.shp").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  ASSERT_TRUE(plain);
  EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(), plain->GetLayer(0)->GetFeatureCount());
  GDALClose(ds);
  GDALClose(plain);
  // the GeoPackage form: one member
  ASSERT_EQ(test::run_cli({"network", "export", "--builtin", "bfc", "--format", "gpkg", "--archive", "-o", (tmp.path() / "gz").string()}, log), 0);
  const auto g = zip_members(tmp.path() / "gz" / "gracethd.zip");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.begin()->first, "gracethd.gpkg");
}

// t_ropt for the accepted requests of `interconnect --network`: R4 (F -> D, 2 pairs, the leased
// K6 whose t_fibre rows list 12 fibres, 2 already in an optical route) gets the first 4 free
// fibres; R3 (over the planned K5, no fibre rows) one row per link, fibres not known.
TEST(GraceThdExport, AcceptedRoutesBecomeOpticalRoutes) {
  TempDir tmp;
  Delivery d = queue_delivery();
  for (int i = 1; i <= 12; ++i)
    d.add("t_fibre", {{"fo_code", "K6-F" + std::to_string(i)}, {"fo_cb_code", "K6"}, {"fo_nincab", std::to_string(i)}});
  d.add("t_ropt", {{"rt_code", "OLD"}, {"rt_fo_code", "K6-F1"}, {"rt_fo_ordr", "1"}});
  d.add("t_ropt", {{"rt_code", "OLD"}, {"rt_fo_code", "K6-F2"}, {"rt_fo_ordr", "1"}});
  const auto net = d.write(tmp.path() / "net");
  const auto req = tmp.path() / "requests.csv";
  std::ofstream(req) << kQueue;
  const auto out = tmp.path() / "out";
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"interconnect", req.string(), "--network", net.string(), "-o", out.string()}, log), 0) << test::slurp(log);
  auto dec = decisions(out);
  ASSERT_EQ(dec["R4"]["decision"], "accept");
  ASSERT_EQ(dec["R3"]["decision"], "accept_with_works");
  // read back through GDAL as a GraceTHD CSV table with the templates' header
  const auto rows = tables_of(out / "t_ropt.csv")["t_ropt"];
  std::vector<std::string> r4, r3;
  for (const auto& r : rows) {
    std::vector<std::string> v;
    for (std::size_t pos = 0, end; (end = r.find('|', pos)) != std::string::npos; pos = end + 1) v.push_back(r.substr(pos, end - pos));
    ASSERT_EQ(v.size(), gracethd::table("t_ropt").fields.size());
    if (v[2] == "R4") r4.push_back(v[1] + " " + v[3] + " " + v[4]);
    if (v[2] == "R3") r3.push_back(v[1] + " " + v[3] + " " + v[4] + " " + v[5]);
  }
  std::sort(r4.begin(), r4.end());
  EXPECT_EQ(r4, (std::vector<std::string>{"R4-1-1a K6-F3 1", "R4-1-1b K6-F4 1", "R4-1-2a K6-F5 1", "R4-1-2b K6-F6 1"}));
  ASSERT_EQ(r3.size(), dec["R3"]["route_links"][0].size());
  for (const auto& x : r3) EXPECT_NE(x.find("fibres not known"), std::string::npos) << x;
  EXPECT_EQ(rows.size(), 4 + r3.size());  // rejected requests get none
  // no --network: no t_ropt
  ASSERT_EQ(test::run_cli({"interconnect", std::string(DORSALE_SOURCE_DIR) + "/scenarios/requests-example.csv", "-o", (tmp.path() / "plain").string()}, log), 0)
      << test::slurp(log);
  EXPECT_FALSE(fs::exists(tmp.path() / "plain" / "t_ropt.csv"));
}

TEST(GraceThdCheck, RowsAFileAnnouncesButGdalCannotReadAreNamed) {
  TempDir tmp;
  const auto dir = test_delivery().write(tmp.path() / "cut");
  // t_noeud.dbf cut in its last record (2,860 bytes): the header still announces 8 rows
  const auto dbf = dir / "t_noeud.dbf";
  fs::resize_file(dbf, fs::file_size(dbf) - 1000);
  const auto c = planner::network_check(dir.string());
  ASSERT_TRUE(c.usable) << c.error;
  std::vector<std::string> unread;
  for (const auto& w : c.info.warnings)
    if (w.kind == "unread_rows") unread.insert(unread.end(), w.examples.begin(), w.examples.end());
  EXPECT_EQ(unread, std::vector<std::string>{"7 of 8 read"});
}

// ---- route continuity through splice closures (t_position; #24 item 2) ------------------------

// A closure J (a node with no site) between the NRO S and the hosting site D: cable A1 (S-J, 12
// fibres, cb_fo_disp says all 12 free) and B1 (J-D, 12 fibres); an old optical route R0 uses
// A1-F1..F4 and B1-F1..F4, spliced through J (PS1..PS4). `free_splices`: A1-F5 -> B1-F9 and
// A1-F6 -> B1-F10 spliced (EP), A1-F7 -> B1-F11 waiting (AT), A1-F8 -> B1-F12 spliced but out
// of order (ps_etat HS). `positions` false: no t_position. `branch`: a third cable C1 (J-E, to
// build) makes J a closure of three cables.
Delivery splice_delivery(bool free_splices, bool positions = true, bool branch = false) {
  Delivery d;
  auto node = [&](const std::string& code, double x, double y) { d.add("t_noeud", {{"nd_code", code}}, {{x, y}}); };
  node("S", 800000, 6700000);
  node("J", 805000, 6700000);
  node("D", 810000, 6700000);
  node("E", 805000, 6705000);
  for (const auto& [nd, type] : std::vector<std::pair<std::string, std::string>>{{"S", "NRO"}, {"D", "HEBERG"}, {"E", "CLIENT"}})
    d.add("t_sitetech", {{"st_code", "ST-" + nd}, {"st_nd_code", nd}, {"st_typelog", type}, {"st_statut", "REC"}, {"st_typephy", "BAT"}});
  auto cable = [&](const std::string& code, const std::string& a, const std::string& b, const std::string& avct, const std::string& disp) {
    d.add("t_cable", {{"cb_code", code}, {"cb_nd1", a}, {"cb_nd2", b}, {"cb_proptyp", "CST"}, {"cb_avct", avct}, {"cb_capafo", "12"},
                      {"cb_fo_disp", disp}, {"cb_lgreel", "5000"}, {"cb_statut", "REC"}, {"cb_typephy", "C"}});
  };
  cable("A1", "S", "J", "E", "12");
  cable("B1", "J", "D", "E", "12");
  if (branch) cable("C1", "J", "E", "C", "");
  for (const char* cb : {"A1", "B1"})
    for (int i = 1; i <= 12; ++i)
      d.add("t_fibre", {{"fo_code", fmt::format("{}-F{}", cb, i)}, {"fo_cb_code", cb}, {"fo_nincab", std::to_string(i)}, {"fo_etat", "OK"}});
  int ps = 0;
  auto splice = [&](int a, int b, const std::string& fonct, const std::string& etat) {
    if (!positions) return;
    d.add("t_position", {{"ps_code", fmt::format("PS{}", ++ps)}, {"ps_1", fmt::format("A1-F{}", a)}, {"ps_2", fmt::format("B1-F{}", b)},
                         {"ps_fonct", fonct}, {"ps_etat", etat}});
  };
  for (int i = 1; i <= 4; ++i) {
    d.add("t_ropt", {{"rt_code", "R0"}, {"rt_fo_code", fmt::format("A1-F{}", i)}, {"rt_fo_ordr", "1"}});
    d.add("t_ropt", {{"rt_code", "R0"}, {"rt_fo_code", fmt::format("B1-F{}", i)}, {"rt_fo_ordr", "2"}});
    splice(i, i, "EP", "OK");
  }
  if (free_splices) {
    splice(5, 9, "EP", "OK");
    splice(6, 10, "EP", "");
    splice(7, 11, "AT", "OK");
    splice(8, 12, "EP", "HS");
  }
  return d;
}

const char* kSpliceQueue =
    "id,requester,site,lon,lat,destination,pairs,protection,max_latency_ms,horizon_years,submitted,value\n"
    "R2,ISP,S,,,D,2,none,,10,2024-01-01,1\n"
    "R1,ISP,S,,,D,1,none,,10,2024-01-02,1\n";

// The t_ropt rows of one request: "code fibre order", sorted.
std::vector<std::string> ropt_rows(const fs::path& csv, const std::string& request) {
  std::vector<std::string> out;
  auto tables = tables_of(csv);
  for (const auto& r : tables["t_ropt"]) {
    std::vector<std::string> v;
    for (std::size_t pos = 0, end; (end = r.find('|', pos)) != std::string::npos; pos = end + 1) v.push_back(r.substr(pos, end - pos));
    if (v.size() > 4 && v[2] == request) out.push_back(v[1] + " " + v[3] + " " + v[4]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string derived_text(const NetworkInfo& info) {
  std::string s;
  for (const auto& x : info.derived) s += x + "\n";
  return s;
}

TEST(GraceThdContinuity, TheChainsAndRuleAreSaid) {
  TempDir tmp;
  const auto imp = scenarios::read_network(splice_delivery(true).write(tmp.path() / "n").string(), Parameters());
  const auto& t = imp.info.totals;
  EXPECT_EQ(t.nodes, 4);  // S, J, D, E
  EXPECT_EQ(t.links, 2);  // the cables A1, B1: the logical link through J is not one more cable
  EXPECT_EQ(t.fibres, 24);
  EXPECT_EQ(t.free_pairs, 4 + 4);  // A1: F5..F12 free (cb_fo_disp said 12); B1 the same
  EXPECT_EQ(t.by_kind.at(NodeKind::Junction), 1);
  EXPECT_EQ(imp.network.nodes().size(), 4u);
  ASSERT_EQ(imp.network.links().size(), 2u + 1);
  // the free fibres spliced end to end through J (PS5, PS6; the AT and the HS rows join nothing):
  // two chains S -> D, one logical link of one pair, as long as its two cables
  const Link* ab = link_of(imp.network, "A1+B1");
  ASSERT_TRUE(ab);
  EXPECT_EQ(imp.network.node(ab->a).id + " " + imp.network.node(ab->b).id, "S D");
  EXPECT_EQ(ab->pairs_total, 1);
  EXPECT_EQ(ab->pairs_free(), 1);
  EXPECT_NEAR(ab->length_km, link_of(imp.network, "A1")->length_km + link_of(imp.network, "B1")->length_km, 1e-9);
  EXPECT_TRUE(ab->in_risk_group("cable A1"));
  EXPECT_TRUE(ab->in_risk_group("cable B1"));
  // the cables keep their other fibres, none free: nothing else continues through J
  for (const char* cb : {"A1", "B1"}) {
    const Link* c = link_of(imp.network, cb);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->pairs_total, 6 - 1) << cb;
    EXPECT_EQ(c->pairs_free(), 0) << cb;
    EXPECT_TRUE(c->in_risk_group(std::string("cable ") + cb)) << cb;
    EXPECT_EQ(imp.fibres.free.count(cb), 0u) << cb;
  }
  const auto& ch = imp.fibres.chains.at("A1+B1");
  EXPECT_EQ(ch.from, "S");
  EXPECT_EQ(ch.cables, (std::vector<std::string>{"A1", "B1"}));
  EXPECT_EQ(ch.fibres, (std::vector<std::vector<std::string>>{{"A1-F5", "B1-F9"}, {"A1-F6", "B1-F10"}}));
  // 4 chains carry R0 (used); A1's F7..F12 and B1's F5..F8, F11, F12 end unspliced in J
  const std::string derived = derived_text(imp.info);
  EXPECT_NE(derived.find("route continuity by fibre chains through 1 splice closures (nodes with no site where t_position joins fibres of two "
                         "cables): 2 chains of free fibres spliced end to end (ps_fonct not AT/PI, ps_etat not HS) in 1 logical links (one "
                         "per sequence of cables, chains / 2 pairs); 4 chains with a used or out-of-order fibre, 12 free chains ending "
                         "unspliced in a closure (they go nowhere)"),
            std::string::npos)
      << derived;
  // `network info` prints the rule
  const auto log = tmp.path() / "log";
  ASSERT_EQ(test::run_cli({"network", "info", (tmp.path() / "n").string()}, log), 0) << test::slurp(log);
  EXPECT_NE(test::slurp(log).find("route continuity by fibre chains through 1 splice closures"), std::string::npos) << test::slurp(log);
  // nothing spliced free: no logical link, no free pair through J; totals the same
  const auto closed = scenarios::read_network(splice_delivery(false).write(tmp.path() / "c").string(), Parameters());
  EXPECT_EQ(closed.network.links().size(), 2u);
  EXPECT_EQ(link_of(closed.network, "A1")->pairs_free(), 0);
  EXPECT_TRUE(closed.fibres.chains.empty());
  EXPECT_NE(derived_text(closed.info).find("0 chains of free fibres spliced end to end"), std::string::npos) << derived_text(closed.info);
  EXPECT_EQ(closed.info.totals.free_pairs, t.free_pairs);
  // no t_position: the cable-level rule, said
  const auto plain = scenarios::read_network(splice_delivery(false, false).write(tmp.path() / "p").string(), Parameters());
  EXPECT_EQ(plain.network.nodes().size(), 4u);
  EXPECT_EQ(plain.network.links().size(), 2u);
  EXPECT_EQ(link_of(plain.network, "A1")->pairs_free(), 4);
  EXPECT_NE(derived_text(plain.info).find("route continuity: the cable-level rule at every node (the delivery has no t_position)"), std::string::npos)
      << derived_text(plain.info);
  // a cable to build at J (no fibres known): J keeps the cable-level rule, said
  const auto branch = scenarios::read_network(splice_delivery(true, true, true).write(tmp.path() / "b").string(), Parameters());
  EXPECT_EQ(branch.network.links().size(), 3u);
  EXPECT_EQ(link_of(branch.network, "A1")->pairs_free(), 4);
  EXPECT_FALSE(link_of(branch.network, "A1+B1"));
  EXPECT_NE(derived_text(branch.info).find("1 splice closures keep the cable-level rule (a cable without t_fibre rows or to build ends there), e.g. J"),
            std::string::npos)
      << derived_text(branch.info);
  // the check reads t_position and counts no refused row
  const auto c = planner::network_check((tmp.path() / "n").string());
  ASSERT_TRUE(c.usable) << c.error;
  std::int64_t positions = -1;
  for (const auto& r : c.read)
    if (r.table == "t_position") positions = r.rows;
  EXPECT_EQ(positions, 8);
  EXPECT_TRUE(c.info.dropped.empty());
}

TEST(GraceThdContinuity, ARequestAcrossAClosureNeedsFreeFibresSplicedThrough) {
  TempDir tmp;
  const auto req = tmp.path() / "requests.csv";
  std::ofstream(req) << kSpliceQueue;
  const auto log = tmp.path() / "log";
  auto run = [&](const std::string& name, const Delivery& d) {
    const auto net = d.write(tmp.path() / (name + "-net"));
    const auto out = tmp.path() / name;
    EXPECT_EQ(test::run_cli({"interconnect", req.string(), "--network", net.string(), "-o", out.string()}, log), 0) << test::slurp(log);
    return out;
  };
  // free fibres on both cables (4 pairs each), none spliced through J: both refused, the cable to the closure named
  const auto closed = run("closed", splice_delivery(false));
  auto d = decisions(closed);
  EXPECT_EQ(d["R1"]["decision"], "reject");
  EXPECT_TRUE(mentions(d["R1"], "link A1 (S - J) has 0 free pairs, 1 requested")) << d["R1"].dump(1);
  EXPECT_EQ(d["R2"]["decision"], "reject");
  EXPECT_TRUE(ropt_rows(closed / "t_ropt.csv", "R1").empty());
  // two free fibres spliced through: one pair; R2 (2 pairs) refused, R1 accepted on them
  const auto open = run("open", splice_delivery(true));
  d = decisions(open);
  EXPECT_EQ(d["R2"]["decision"], "reject");
  EXPECT_TRUE(mentions(d["R2"], "has 1 free pairs, 2 requested")) << d["R2"].dump(1);
  ASSERT_EQ(d["R1"]["decision"], "accept") << d["R1"].dump(1);
  EXPECT_EQ(d["R1"]["route_links"][0].size(), 1u);
  // its fibres are the chains' (B1-F9, F10: not B1's first free fibres F5, F6)
  EXPECT_EQ(ropt_rows(open / "t_ropt.csv", "R1"),
            (std::vector<std::string>{"R1-1-1a A1-F5 1", "R1-1-1a B1-F9 2", "R1-1-1b A1-F6 1", "R1-1-1b B1-F10 2"}));
  // no t_position: the cable-level rule, both accepted, fibres in t_fibre's order
  const auto plain = run("plain", splice_delivery(false, false));
  d = decisions(plain);
  EXPECT_EQ(d["R2"]["decision"], "accept");
  EXPECT_EQ(d["R1"]["decision"], "accept");
  EXPECT_EQ(ropt_rows(plain / "t_ropt.csv", "R1"),
            (std::vector<std::string>{"R1-1-1a A1-F9 1", "R1-1-1a B1-F9 2", "R1-1-1b A1-F10 1", "R1-1-1b B1-F10 2"}));
}

// The splice delivery mutated 100 times (t_position, t_fibre, t_cable, t_ropt bytes): the check
// never fails, and a usable import gives a valid network whose logical links the solver routes
// on (a request S -> D evaluated, diverse too) and t_ropt rows for it.
TEST(GraceThdContinuity, MutatedSplicesNeverBreakTheImportOrTheRouting) {

  TempDir tmp;
  const auto dir = splice_delivery(true).write(tmp.path() / "m");
  const std::vector<std::string> files = {"t_position.csv", "t_fibre.csv", "t_cable.csv", "t_ropt.csv"};
  std::vector<std::string> originals;
  for (const auto& f : files) originals.push_back(test::slurp(dir / f));
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int usable = 0, routed = 0;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  for (int k = 0; k < 100; ++k) {
    const std::size_t which = next() % files.size();
    std::string bytes = originals[which];
    for (int e = 0, edits = 1 + int(next() % 4); e < edits && !bytes.empty(); ++e) {
      const std::size_t at = next() % bytes.size();
      switch (next() % 4) {
        case 0: bytes[at] = char(next()); break;
        case 1: bytes.resize(at); break;
        case 2: bytes.insert(at, bytes.substr(at, next() % 64)); break;
        default: bytes.insert(at, 1, ";\n\"9"[next() % 4]); break;
      }
    }
    std::ofstream(dir / files[which], std::ios::binary | std::ios::trunc) << bytes;
    const auto c = planner::network_check(dir.string());
    if (c.usable) {
      ++usable;
      const auto imp = scenarios::read_network(dir.string(), Parameters());
      EXPECT_NO_THROW(validate(imp.network));
      solvers::Interconnect ic(imp.network, planner::interconnect_params(Parameters()));
      InterconnectionResults res;
      for (const auto protection : {Protection::None, Protection::Diverse}) {
        InterconnectionRequest r;
        r.id = protection == Protection::None ? "R" : "RD";
        r.site_node = "S";
        r.destination = {Destination::Kind::Node, "D"};
        r.protection = protection;
        if (!imp.network.find_node("S") || !imp.network.find_node("D")) continue;
        const auto e = ic.evaluate(r, solvers::LinkState::of(imp.network));
        routed += e.decision != Decision::Reject;
        res.requests.push_back(r);
        res.decisions.push_back(ic.describe(r, e, solvers::LinkState::of(imp.network)));
      }
      EXPECT_NO_THROW(viz::ropt_csv(res, imp.fibres));
    } else {
      EXPECT_FALSE(c.error.empty());
    }
    std::ofstream(dir / files[which], std::ios::binary | std::ios::trunc) << originals[which];
  }
  CPLPopErrorHandler();
  EXPECT_GT(usable, 50) << usable;
  EXPECT_GT(routed, 0) << routed;
}

// A delivery of cables of 4 fibres, all free, between the given nodes (x in metres along one
// line; a node named in `sites` is a hosting site, the first an NRO), and splices (ps_1, ps_2).
Delivery fibre_delivery(const std::vector<std::pair<std::string, double>>& nodes, const std::vector<std::string>& sites,
                        const std::vector<std::array<std::string, 3>>& cables, const std::vector<std::pair<std::string, std::string>>& splices,
                        const std::string& leased = "") {
  Delivery d;
  for (const auto& [code, x] : nodes) d.add("t_noeud", {{"nd_code", code}}, {{x, 6700000 + (code == "E" ? 1000.0 : 0.0)}});
  for (std::size_t k = 0; k < sites.size(); ++k)
    d.add("t_sitetech", {{"st_code", "ST-" + sites[k]}, {"st_nd_code", sites[k]}, {"st_typelog", k == 0 ? "NRO" : "HEBERG"}});
  for (const auto& [cb, a, b] : cables) {
    d.add("t_cable", {{"cb_code", cb}, {"cb_nd1", a}, {"cb_nd2", b}, {"cb_avct", "E"}, {"cb_capafo", "4"}, {"cb_lgreel", "1000"}, {"cb_typephy", "C"},
                      {"cb_proptyp", cb == leased ? "LOC" : "CST"}});
    for (int i = 1; i <= 4; ++i) d.add("t_fibre", {{"fo_code", fmt::format("{}-F{}", cb, i)}, {"fo_cb_code", cb}});
  }
  int ps = 0;
  for (const auto& [a, b] : splices) d.add("t_position", {{"ps_code", fmt::format("PS{}", ++ps)}, {"ps_1", a}, {"ps_2", b}, {"ps_fonct", "EP"}});
  return d;
}

nlohmann::json run_queue(const fs::path& dir, const Delivery& d, const std::string& rows) {
  const auto net = d.write(dir / "net");
  const auto req = dir / "requests.csv";
  std::ofstream(req) << "id,requester,site,lon,lat,destination,pairs,protection,max_latency_ms,horizon_years,submitted,value\n" << rows;
  const auto log = dir / "log";
  EXPECT_EQ(test::run_cli({"interconnect", req.string(), "--network", net.string(), "-o", (dir / "out").string()}, log), 0) << test::slurp(log);
  return decisions(dir / "out");
}

// A closure J of three cables: A (S-J) spliced to C (J-D) on its fibres 1-2, nothing spliced
// from A to B (J-E). S -> D goes on the chains A+C; S -> E is refused at J, though A and B both
// have free fibres (the cable-level rule, kept before, accepted it).
TEST(GraceThdContinuity, AThreeCableClosureContinuesOnlyWhereSpliced) {
  TempDir tmp;
  const auto d = fibre_delivery({{"S", 800000}, {"J", 801000}, {"D", 802000}, {"E", 801000}}, {"S", "D", "E"},
                                {{"A", "S", "J"}, {"B", "J", "E"}, {"C", "J", "D"}}, {{"A-F1", "C-F1"}, {"A-F2", "C-F2"}});
  const auto imp = scenarios::read_network(d.write(tmp.path() / "n").string(), Parameters());
  const Link* ac = link_of(imp.network, "A+C");
  ASSERT_TRUE(ac);
  EXPECT_EQ(ac->pairs_free(), 1);
  EXPECT_FALSE(link_of(imp.network, "A+B"));
  EXPECT_EQ(link_of(imp.network, "B")->pairs_free(), 0);  // its free fibres end unspliced in J
  EXPECT_EQ(link_of(imp.network, "A")->pairs_free(), 0);
  const auto dec = run_queue(tmp.path(), d, "R1,ISP,S,,,E,1,none,,10,2024-01-01,1\nR2,ISP,S,,,D,1,none,,10,2024-01-02,1\n");
  EXPECT_EQ(dec["R1"]["decision"], "reject");
  EXPECT_TRUE(mentions(dec["R1"], "link A (S - J) has 0 free pairs, 1 requested") || mentions(dec["R1"], "link B (J - E) has 0 free pairs, 1 requested"))
      << dec["R1"].dump(1);
  ASSERT_EQ(dec["R2"]["decision"], "accept") << dec["R2"].dump(1);
  EXPECT_EQ(ropt_rows(tmp.path() / "out" / "t_ropt.csv", "R2"),
            (std::vector<std::string>{"R2-1-1a A-F1 1", "R2-1-1a C-F1 2", "R2-1-1b A-F2 1", "R2-1-1b C-F2 2"}));
}

// Two closures in line, J1 and J2, on S -A- J1 -M- J2 -C- D. M's fibres 1-2 are spliced to A's
// at J1 but its fibres 3-4 to C's at J2: no fibre runs end to end, the request is refused (each
// closure checked on its own accepted it). Spliced end to end (1-4 through both): two chains
// S -> D, each request's t_ropt rows name one fibre per cable in the route's order, a request
// D -> S too.
TEST(GraceThdContinuity, TwoClosuresInARowNeedFibresSplicedEndToEnd) {
  TempDir tmp;
  const std::vector<std::pair<std::string, double>> nodes = {{"S", 800000}, {"J1", 801000}, {"J2", 802000}, {"D", 803000}};
  const std::vector<std::array<std::string, 3>> cables = {{"A", "S", "J1"}, {"M", "J1", "J2"}, {"C", "J2", "D"}};
  fs::create_directories(tmp.path() / "apart");
  const auto apart = run_queue(tmp.path() / "apart", fibre_delivery(nodes, {"S", "D"}, cables,
                                                                     {{"A-F1", "M-F1"}, {"A-F2", "M-F2"}, {"M-F3", "C-F3"}, {"M-F4", "C-F4"}}),
                               "R1,ISP,S,,,D,1,none,,10,2024-01-01,1\n");
  EXPECT_EQ(apart["R1"]["decision"], "reject") << apart["R1"].dump(1);
  EXPECT_TRUE(ropt_rows(tmp.path() / "apart" / "out" / "t_ropt.csv", "R1").empty());
  std::vector<std::pair<std::string, std::string>> through;
  for (int i = 1; i <= 4; ++i) {
    through.emplace_back(fmt::format("A-F{}", i), fmt::format("M-F{}", i));
    through.emplace_back(fmt::format("C-F{}", i), fmt::format("M-F{}", i));  // either way round
  }
  fs::create_directories(tmp.path() / "through");
  const auto d = fibre_delivery(nodes, {"S", "D"}, cables, through);
  const auto dec = run_queue(tmp.path() / "through", d, "R1,ISP,S,,,D,1,none,,10,2024-01-01,1\nR2,ISP,D,,,S,1,none,,10,2024-01-02,1\n");
  ASSERT_EQ(dec["R1"]["decision"], "accept") << dec["R1"].dump(1);
  ASSERT_EQ(dec["R2"]["decision"], "accept") << dec["R2"].dump(1);
  const auto csv = tmp.path() / "through" / "out" / "t_ropt.csv";
  EXPECT_EQ(ropt_rows(csv, "R1"), (std::vector<std::string>{"R1-1-1a A-F1 1", "R1-1-1a C-F1 3", "R1-1-1a M-F1 2", "R1-1-1b A-F2 1",
                                                             "R1-1-1b C-F2 3", "R1-1-1b M-F2 2"}));
  EXPECT_EQ(ropt_rows(csv, "R2"), (std::vector<std::string>{"R2-1-1a A-F3 3", "R2-1-1a C-F3 1", "R2-1-1a M-F3 2", "R2-1-1b A-F4 3",
                                                             "R2-1-1b C-F4 1", "R2-1-1b M-F4 2"}));
  const auto imp = scenarios::read_network((tmp.path() / "through" / "net").string(), Parameters());
  const Link* amc = link_of(imp.network, "A+M+C");
  ASSERT_TRUE(amc);
  EXPECT_EQ(amc->pairs_total, 2);
  EXPECT_NEAR(amc->length_km, 3.0, 1e-9);
  EXPECT_EQ(amc->status, LinkStatus::Owned);
  // M leased: the logical link is priced as its cables, M at the lease rate, A and C owned
  Parameters P;
  P.costs.owned_eur_per_pair_km_year = 7;  // the default is 0: an owned cable would cost nothing either way
  const auto mixed = scenarios::read_network(fibre_delivery(nodes, {"S", "D"}, cables, through, "M").write(tmp.path() / "mixed").string(), P);
  const Link* lm = link_of(mixed.network, "A+M+C");
  ASSERT_TRUE(lm);
  EXPECT_EQ(lm->status, LinkStatus::Leased);
  EXPECT_NEAR(lm->lease_eur_per_pair_km_year * lm->length_km,
              P.costs.lease_eur_per_pair_km_year * 1.0 + P.costs.owned_eur_per_pair_km_year * 2.0, 1e-9);
}

// Resilience on the logical links: S -A1- J -B1- D with the chains A1+B1 (S - D) beside the
// cables' own links. B1 failing alone as a link cuts nothing (A1+B1 still joins D), but the
// cable B1 fails with every logical link through it: its group "cable B1" cuts D.
TEST(GraceThdContinuity, ACableFailureTakesDownTheLogicalLinksThroughIt) {
  TempDir tmp;
  const auto imp = scenarios::read_network(splice_delivery(true).write(tmp.path() / "n").string(), Parameters());
  const Network& net = imp.network;
  solvers::ResilienceInput in;
  in.core = {int(*net.find_node("S"))};
  in.premises.assign(net.nodes().size(), 0);
  in.high_points.assign(net.nodes().size(), 0);
  const auto r = solvers::analyse_resilience(net, in);
  const Failure* b1 = nullptr;
  for (const auto& f : r.failures) {
    EXPECT_FALSE(f.kind == FailureKind::Link && f.id == "B1") << "B1 alone cuts nothing: the chains A1+B1 still join D";
    if (f.kind == FailureKind::Srg && f.id == "cable B1") b1 = &f;
  }
  ASSERT_TRUE(b1);
  EXPECT_EQ(std::set<std::string>(b1->links.begin(), b1->links.end()), (std::set<std::string>{"A1+B1", "B1"}));
  EXPECT_EQ(b1->cut_nodes, std::vector<std::string>{"D"});
}

// The desk's export on a GraceTHD network: the accepted requests' t_ropt rows, fibres through
// the closure's fibre chains (GET /api/export/t_ropt.csv serves viz::ropt_csv of the same results).
TEST(GraceThdContinuity, TheDeskExportsOpticalRoutesThroughTheSplices) {
  TempDir tmp;
  service::ServeConfig cfg;
  cfg.network = splice_delivery(true).write(tmp.path() / "n").string();
  const auto s = scenarios::builtin_scenario("bfc-2022");
  gracethd::Fibres fibres;
  const Region region = service::desk_region(cfg, s, &fibres);
  ASSERT_EQ(fibres.chains.count("A1+B1"), 1u);
  auto reg = service::make_sqlite_register((tmp.path() / "desk.sqlite").string());
  service::Desk desk(region, s.params, *reg);
  const service::Caller eng{"eng", service::Role::Engineer};
  const auto a = desk.submit(eng, R"({"id":"N1","requester":"ISP","site":"S","destination":"D","pairs":1})", "").answer;
  ASSERT_NE(a.decision.decision, Decision::Reject) << io::answer_json(a);
  const auto b = desk.submit(eng, R"({"id":"N2","requester":"ISP","site":"S","destination":"D","pairs":1})", "").answer;
  EXPECT_EQ(b.decision.decision, Decision::Reject) << io::answer_json(b);  // the one free pair through J is held by N1
  const std::string csv = viz::ropt_csv(desk.export_results(eng), fibres);
  std::ofstream(tmp.path() / "t_ropt.csv") << csv;
  EXPECT_EQ(ropt_rows(tmp.path() / "t_ropt.csv", "N1"),
            (std::vector<std::string>{"N1-1-1a A1-F5 1", "N1-1-1a B1-F9 2", "N1-1-1b A1-F6 1", "N1-1-1b B1-F10 2"}));
  EXPECT_TRUE(ropt_rows(tmp.path() / "t_ropt.csv", "N2").empty());
}

// ---- a delivery dorsale did not write (#24 "Must show") ---------------------------------------

// Rows appended to a template's CSV table as a RIP's tool writes them: every field of the
// header, `;` separated, a value with `;` or `"` quoted.
void append_csv(const fs::path& file, const std::vector<std::map<std::string, std::string>>& rows) {
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  in.close();
  std::vector<std::string> fields;
  for (std::size_t pos = 0, end; pos <= header.size(); pos = end + 1) {
    end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    fields.push_back(header.substr(pos, end - pos));
  }
  std::ofstream out(file, std::ios::app);
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string v = r.count(fields[i]) ? r.at(fields[i]) : "";
      if (v.find_first_of(";\"") != std::string::npos) {
        std::string q = "\"";
        for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        v = q + "\"";
      }
      line += (i ? ";" : "") + v;
    }
    out << line << "\r\n";
  }
}

// Features added to a template's Shapefile through GDAL (its own fields, widths and .cpg).
void append_shp(const fs::path& file, const std::vector<std::pair<std::map<std::string, std::string>, std::vector<std::array<double, 2>>>>& rows) {
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
  ASSERT_TRUE(ds) << file;
  OGRLayer* L = ds->GetLayer(0);
  for (const auto& [v, g] : rows) {
    OGRFeature f(L->GetLayerDefn());
    for (const auto& [k, x] : v) f.SetField(k.c_str(), x.c_str());
    if (g.size() == 1) f.SetGeometryDirectly(new OGRPoint(g[0][0], g[0][1]));
    if (g.size() > 1) {
      auto* ls = new OGRLineString;
      for (const auto& p : g) ls->addPoint(p[0], p[1]);
      f.SetGeometryDirectly(ls);
    }
    EXPECT_EQ(L->CreateFeature(&f), OGRERR_NONE) << file;
  }
  GDALClose(ds);
}

// The official empty delivery (every t_* table and l_* list of v2.0.1) filled as a study-phase
// (AVP) delivery of a RIP's tool: fields dorsale does not read filled in, dates, quoted
// comments, CRLF lines, a local column and a local table, tables dorsale does not read (t_ptech,
// t_ebp, t_cassette, t_love, ...) with rows. Every cable is placed or listed with its reason.
TEST(GraceThdForeign, ADeliveryFromTheTemplatesImportsWithEveryCablePlacedOrListed) {
  REQUIRE_TEMPLATES();
  TempDir tmp;
  const fs::path d = tmp.path() / "livraison-avp";
  fs::create_directories(d);
  for (const auto& e : fs::directory_iterator(kTemplates)) fs::copy_file(e.path(), d / e.path().filename());
  const std::string day = "2019-03-14", stamp = "2019-03-14 09:12:55";
  auto node = [&](const std::string& code, const std::string& type, double x, double y) {
    return std::pair{std::map<std::string, std::string>{{"nd_code", code}, {"nd_codeext", "EXT-" + code}, {"nd_nom", "Nœud " + code},
                                                        {"nd_type", type}, {"nd_voie", "Rue de la Gare"}, {"nd_geolqlt", "0.4"},
                                                        {"nd_geolmod", "RELV"}, {"nd_creadat", stamp}, {"nd_majsrc", "AVP lot 3"}},
                     std::vector<std::array<double, 2>>{{x, y}}};
  };
  append_shp(d / "t_noeud.shp", {node("ND-NRO", "ST", 850000, 6700000), node("ND-BPE1", "PT", 852000, 6700000),
                                 node("ND-POP", "ST", 855000, 6700000), node("ND-CH1", "PT", 852500, 6702000),
                                 node("ND-CH2", "PT", 851000, 6699000), node("ND-PM", "ST", 850500, 6701000)});
  append_csv(d / "t_organisme.csv", {{{"or_code", "OR0001"}, {"or_siren", "123456789"}, {"or_nom", "Syndicat mixte THD; Côte-d'Or"},
                                       {"or_type", "COLLECTIVITE"}, {"or_creadat", stamp}}});
  append_csv(d / "t_sitetech.csv",
             {{{"st_code", "ST-NRO"}, {"st_nd_code", "ND-NRO"}, {"st_nom", "NRO de Genlis"}, {"st_prop", "OR0001"}, {"st_statut", "AVP"},
               {"st_typephy", "SHE"}, {"st_typelog", "NRO"}, {"st_avct", "E"}, {"st_nblines", "4"}, {"st_creadat", stamp}},
              {{"st_code", "ST-POP"}, {"st_nd_code", "ND-POP"}, {"st_nom", "Hébergement opérateurs"}, {"st_prop", "OR0001"},
               {"st_statut", "AVP"}, {"st_typephy", "BAT"}, {"st_typelog", "HEBERG"}, {"st_avct", "E"}},
              {{"st_code", "ST-PM"}, {"st_nd_code", "ND-PM"}, {"st_statut", "AVP"}, {"st_typephy", "COF"}, {"st_typelog", "SRO"}, {"st_avct", "C"}}});
  auto cable = [&](const std::string& code, const std::string& nd1, const std::string& nd2, const std::string& avct, const std::string& phy,
                   const std::string& capa) {
    return std::map<std::string, std::string>{{"cb_code", code},      {"cb_codeext", "EXT-" + code}, {"cb_etiquet", "CAB " + code},
                                              {"cb_nd1", nd1},        {"cb_nd2", nd2},              {"cb_prop", "OR0001"},
                                              {"cb_gest", "OR0001"},  {"cb_proptyp", "CST"},        {"cb_statut", "AVP"},
                                              {"cb_etat", "OK"},      {"cb_avct", avct},            {"cb_tech", "OPT"},
                                              {"cb_typephy", phy},    {"cb_typelog", "TR"},         {"cb_capafo", capa},
                                              {"cb_modulo", "12"},    {"cb_diam", "11.5"},          {"cb_color", "NOIR"},
                                              {"cb_comment", "tirage \"à l'aiguille\"; chambre L2T"}, {"cb_creadat", stamp},
                                              {"cb_dateins", day}};
  };
  auto c1 = cable("CB-0001", "ND-NRO", "ND-BPE1", "E", "C", "144");  // ends given
  c1["cb_fo_util"] = "12";
  c1["cb_lgreel"] = "2150.5";
  append_csv(d / "t_cable.csv", {c1,
                                 cable("CB-0002", "", "", "E", "C", "72"),    // ends only in its geometry
                                 cable("CB-0003", "", "", "C", "C", "48"),    // ends only through its ducts
                                 cable("CB-0004", "", "", "E", "J", "2"),     // a jumper in the NRO
                                 cable("CB-0005", "", "", "E", "C", "12"),    // no end anywhere
                                 cable("CB-0006", "ND-NRO", "ND-PM", "A", "C", "24")});  // abandoned
  append_shp(d / "t_cableline.shp",
             {{{{"cl_code", "CL-0002a"}, {"cl_cb_code", "CB-0002"}, {"cl_long", "1500"}, {"cl_comment", "pose en façade"}},
               {{852000.4, 6700000.3}, {853500, 6700000}}},
              {{{"cl_code", "CL-0002b"}, {"cl_cb_code", "CB-0002"}, {"cl_long", "1500"}}, {{853500, 6700000}, {854999.6, 6700000.5}}}});
  append_shp(d / "t_cheminement.shp",
             {{{{"cm_code", "CM-0001"}, {"cm_ndcode1", "ND-NRO"}, {"cm_ndcode2", "ND-CH1"}, {"cm_typ_imp", "7"}, {"cm_avct", "E"},
                {"cm_long", "3100"}, {"cm_voie", "RD 905"}, {"cm_creadat", stamp}},
               {{850000, 6700000}, {852500, 6702000}}},
              {{{"cm_code", "CM-0002"}, {"cm_ndcode1", "ND-CH1"}, {"cm_ndcode2", "ND-POP"}, {"cm_typ_imp", "7"}, {"cm_avct", "C"}, {"cm_long", "3300"}},
               {{852500, 6702000}, {855000, 6700000}}}});
  append_csv(d / "t_conduite.csv", {{{"cd_code", "CD-0001"}, {"cd_statut", "AVP"}, {"cd_type", "PEHD"}, {"cd_dia_int", "33"}, {"cd_dia_ext", "40"}},
                                     {{"cd_code", "CD-0001-1"}, {"cd_cd_code", "CD-0001"}, {"cd_statut", "AVP"}, {"cd_type", "MTUB"}}});
  append_csv(d / "t_cond_chem.csv", {{{"dm_cd_code", "CD-0001"}, {"dm_cm_code", "CM-0001"}}, {{"dm_cd_code", "CD-0001"}, {"dm_cm_code", "CM-0002"}}});
  append_csv(d / "t_cab_cond.csv", {{{"cc_cb_code", "CB-0003"}, {"cc_cd_code", "CD-0001-1"}, {"cc_creadat", stamp}}});  // in a sub-duct
  // tables dorsale does not read, with rows: chambers, a closure, its cassette and splices
  append_csv(d / "t_ptech.csv", {{{"pt_code", "PT-CH1"}, {"pt_nd_code", "ND-CH1"}, {"pt_statut", "AVP"}, {"pt_typephy", "C"}, {"pt_nature", "L2T"}}});
  append_csv(d / "t_ebp.csv", {{{"bp_code", "BP-0001"}, {"bp_pt_code", "PT-CH1"}, {"bp_statut", "AVP"}, {"bp_typelog", "BPE"}, {"bp_ca_nb", "4"}}});
  append_csv(d / "t_cassette.csv", {{{"cs_code", "CS-0001"}, {"cs_bp_code", "BP-0001"}, {"cs_num", "1"}, {"cs_nb_pas", "12"}}});
  std::vector<std::map<std::string, std::string>> fibres, positions;
  for (int i = 1; i <= 144; ++i)
    fibres.push_back({{"fo_code", fmt::format("FO-0001-{:03}", i)}, {"fo_cb_code", "CB-0001"}, {"fo_nincab", std::to_string(i)},
                      {"fo_numtub", std::to_string((i - 1) / 12 + 1)}, {"fo_nintub", std::to_string((i - 1) % 12 + 1)},
                      {"fo_etat", i <= 24 ? "OK" : "NC"}, {"fo_color", "BLEU"}});
  for (int i = 1; i <= 12; ++i)
    positions.push_back({{"ps_code", fmt::format("PS-{:04}", i)}, {"ps_numero", std::to_string(i)}, {"ps_1", fmt::format("FO-0001-{:03}", i)},
                         {"ps_cs_code", "CS-0001"}, {"ps_type", "SFU"}, {"ps_fonct", "AT"}, {"ps_etat", "OK"}});
  append_csv(d / "t_fibre.csv", fibres);
  append_csv(d / "t_position.csv", positions);
  {  // a local column added to t_cable (the tool's INSEE code), and a local table
    std::ifstream in(d / "t_cable.csv");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), out;
    std::size_t line = 0;
    for (std::size_t pos = 0, end; pos < all.size(); pos = end + 1, ++line) {
      end = all.find('\n', pos);
      std::string l = all.substr(pos, end - pos);
      const bool cr = !l.empty() && l.back() == '\r';
      if (cr) l.pop_back();
      out += l + (line == 0 ? ";cb_x_insee" : ";21278") + (cr ? "\r\n" : "\n");
      if (end == std::string::npos) break;
    }
    std::ofstream(d / "t_cable.csv", std::ios::trunc) << out;
    std::ofstream(d / "t_x_travaux.csv") << "tx_code;tx_cb_code;tx_date\r\nTX1;CB-0001;2019-04-01\r\n";
  }

  const auto imp = scenarios::read_network(d.string(), Parameters());
  std::set<std::string> links;
  for (const auto& l : imp.network.links())
    if (!imp.fibres.chains.count(l.id)) links.insert(l.id);  // the cables (no logical link of fibre chains)
  EXPECT_EQ(links, (std::set<std::string>{"CB-0001", "CB-0002", "CB-0003"}));
  std::map<std::string, std::string> why;  // cable -> the reason it was left out
  for (const auto& r : imp.info.dropped)
    if (r.table == "t_cable")
      for (const auto& e : r.examples) why[e.substr(0, e.find(' '))] = r.why;
  EXPECT_EQ(why.size(), 3u);
  EXPECT_NE(why["CB-0004"].find("a jumper"), std::string::npos) << why["CB-0004"];
  EXPECT_NE(why["CB-0005"].find("ends not found: cb_nd1 or cb_nd2 empty"), std::string::npos) << why["CB-0005"];
  EXPECT_EQ(why["CB-0006"], "abandoned (cb_avct A)");
  // every row of t_cable is one or the other
  EXPECT_EQ(links.size() + why.size(), 6u);
  const Link* c2 = link_of(imp.network, "CB-0002");
  ASSERT_TRUE(c2);
  EXPECT_EQ(imp.network.node(c2->a).id + " " + imp.network.node(c2->b).id, "ND-BPE1 ND-POP");
  EXPECT_NEAR(c2->length_km, 3.0, 1e-9);  // its two cablelines' cl_long
  const Link* c3 = link_of(imp.network, "CB-0003");
  ASSERT_TRUE(c3);
  EXPECT_EQ(std::set<std::string>({imp.network.node(c3->a).id, imp.network.node(c3->b).id}), (std::set<std::string>{"ND-NRO", "ND-POP"}));
  EXPECT_EQ(c3->status, LinkStatus::Planned);
  EXPECT_NEAR(c3->length_km, 6.4, 1e-9);  // its sub-duct's parent's two cheminements
  const Link* c1l = link_of(imp.network, "CB-0001");
  ASSERT_TRUE(c1l);
  EXPECT_EQ(c1l->owner, "Syndicat mixte THD; Côte-d'Or");
  EXPECT_EQ(c1l->pairs_free(), 72);  // its 144 t_fibre rows: none routed, none HS (the t_fibre rule over cb_fo_util)
  const std::string derived = derived_text(imp.info);
  EXPECT_NE(derived.find("1 cables placed by their t_cableline geometry"), std::string::npos) << derived;
  EXPECT_NE(derived.find("1 cables placed by their duct chain"), std::string::npos) << derived;
  // the check: usable, the tables it does not read named, nothing refused
  const auto c = planner::network_check(d.string());
  ASSERT_TRUE(c.usable) << c.error;
  for (const char* t : {"t_ptech.csv", "t_ebp.csv", "t_cassette.csv", "t_x_travaux.csv", "t_adresse.shp", "t_znro.shp"})
    EXPECT_NE(std::find(c.ignored.begin(), c.ignored.end(), t), c.ignored.end()) << t;
  for (const auto& r : c.info.dropped) EXPECT_TRUE(r.kind.empty() || r.table == "t_cable") << r.table << ": " << r.why;
}

}  // namespace
}  // namespace dorsale
