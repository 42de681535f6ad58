// The network derived over an imported region (scenarios/network_rules.h): on the real BFC
// communes with the built-in corridor plan, and on another region with a plan file. Properties
// are recomputed here from the region, independently of the rules' code.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>

#include "models/error.h"
#include "scenarios/network_rules.h"
#include "scenarios/opendata.h"
#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

// Every node reachable from node 0 over the links.
bool connected(const Network& net) {
  if (net.nodes().empty()) return true;
  std::vector<std::vector<int>> adj(net.nodes().size());
  for (const auto& l : net.links()) {
    adj[l.a].push_back(l.b);
    adj[l.b].push_back(l.a);
  }
  std::vector<char> seen(adj.size(), 0);
  std::queue<int> q;
  q.push(0);
  seen[0] = 1;
  std::size_t n = 1;
  while (!q.empty()) {
    int v = q.front();
    q.pop();
    for (int w : adj[v])
      if (!seen[w]) { seen[w] = 1; ++n; q.push(w); }
  }
  return n == adj.size();
}

// The derivation's promises, checked from the outside.
void expect_derived_network(const Region& r, const scenarios::NetworkPlan& plan, const Parameters& P) {
  const Network& net = r.network;
  EXPECT_NO_THROW(validate(r));
  EXPECT_TRUE(connected(net)) << "the derived network is one piece";
  // PoPs stand at their commune's centroid.
  for (const auto& p : plan.pops) {
    const auto v = net.find_node(p.id);
    ASSERT_TRUE(v.has_value()) << p.id;
    const Commune& c = r.communes[*r.find_commune(p.commune)];
    EXPECT_EQ(net.node(*v).kind, NodeKind::DorsalePop);
    EXPECT_DOUBLE_EQ(net.node(*v).pos.x, c.centroid.x);
    EXPECT_DOUBLE_EQ(net.node(*v).pos.y, c.centroid.y);
    EXPECT_EQ(net.node(*v).departement, c.departement);
  }
  // The Dorsale measures network.dorsale_km.
  double dorsale = 0;
  for (const auto& l : net.links())
    if (l.dorsale) dorsale += l.length_km;
  EXPECT_NEAR(dorsale, P.network.dorsale_km, 1e-6 * P.network.dorsale_km);
  // Every commune is served by an NRO of its own département.
  std::map<std::string, std::vector<const Commune*>> served;
  for (const auto& c : r.communes) {
    const auto v = net.find_node(c.nro);
    ASSERT_TRUE(v.has_value()) << c.code << " has no NRO";
    EXPECT_EQ(net.node(*v).kind, NodeKind::Nro);
    EXPECT_EQ(net.node(*v).departement, c.departement);
    served[c.nro].push_back(&c);
  }
  // A RIP link is in service exactly when one of its NROs serves a commune with FttH passed.
  auto in_service = [&](int v) {
    const Node& n = net.node(v);
    if (n.kind != NodeKind::Nro) return false;
    for (const Commune* c : served[n.id])
      if (c->ftth_passed > 0) return true;
    return false;
  };
  int rip_links = 0;
  for (const auto& l : net.links()) {
    if (l.id.rfind("rip", 0) != 0) continue;
    ++rip_links;
    const bool built = in_service(l.a) || in_service(l.b);
    EXPECT_EQ(l.status, built ? LinkStatus::Owned : LinkStatus::Planned) << l.id;
    EXPECT_LE(l.pairs_used, l.pairs_total);
  }
  EXPECT_GT(rip_links, 0);
  EXPECT_EQ(std::count(r.provenance.missing.begin(), r.provenance.missing.end(), "network"), 0);
  EXPECT_TRUE(std::any_of(r.provenance.derived.begin(), r.provenance.derived.end(),
                          [](const std::string& d) { return d.rfind("network: derived", 0) == 0; }));
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

const char* kMiniPlan = R"(# Corsica, for the mini region of tests/data/mini
[[hub]]
id = "hub:marseille"
name = "Marseille"
lon = 5.3698
lat = 43.2965

[[pop]]
id = "pop:ajaccio"
commune = "2A004"

[[pop]]
id = "pop:alata"
commune = "2A006"

[[corridor]]
a = "pop:ajaccio"
b = "pop:alata"
corridor = "D81"
duct = "duct:D81"
owned = true

[[corridor]]
a = "hub:marseille"
b = "pop:ajaccio"
corridor = "submarine"
duct = "duct:sea"
transit = true

[[data_centre]]
id = "dc:ajaccio"
name = "Data centre Ajaccio"
pop = "pop:ajaccio"
)";

}  // namespace

TEST(DerivedNetwork, BuiltinPlanOnTheRealBfcCommunes) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  Region r = scenarios::import_opendata(scenarios::locate_opendata(dir), Parameters{});
  ASSERT_TRUE(r.network.nodes().empty());
  const auto plan = scenarios::bfc_network_plan();
  scenarios::derive_network(r, plan, Parameters{}, 2019);
  expect_derived_network(r, plan, Parameters{});
  // the three hubs and two data centres of the plan, and NROs in all eight départements
  EXPECT_EQ(r.network.external_hub_names().size(), 3u);
  std::set<std::string> nro_deps;
  for (const auto& n : r.network.nodes())
    if (n.kind == NodeKind::Nro) nro_deps.insert(n.departement);
  EXPECT_EQ(nro_deps.size(), 8u);
  EXPECT_TRUE(r.network.find_node("dc:dijon").has_value());
}

TEST(DerivedNetwork, PlanFileOnAnotherRegionLaidOutTheSameWay) {
  test::TempDir tmp;
  write(tmp.path() / "plan.toml", kMiniPlan);
  const auto plan = scenarios::read_network_plan((tmp.path() / "plan.toml").string());
  EXPECT_EQ(plan.hubs.size(), 1u);
  EXPECT_EQ(plan.corridors.size(), 2u);
  EXPECT_TRUE(plan.corridors[1].transit);
  EXPECT_FALSE(plan.corridors[1].owned);
  Region r = scenarios::import_opendata(scenarios::locate_opendata(std::string(DORSALE_TEST_DATA) + "/mini"), Parameters{});
  Parameters P;
  P.network.dorsale_km = 30;
  scenarios::derive_network(r, plan, P, 7);
  expect_derived_network(r, plan, P);
  const auto& net = r.network;
  const auto it = std::find_if(net.links().begin(), net.links().end(),
                               [](const Link& l) { return l.id == "transit:marseille-ajaccio"; });
  ASSERT_NE(it, net.links().end());
  const Link& transit = *it;
  EXPECT_EQ(transit.status, LinkStatus::Leased);
  EXPECT_NEAR(transit.length_km,
              distance_km(net.node(transit.a).pos, net.node(transit.b).pos) * P.network.transit_detour_factor, 1e-9);
  // Same inputs, same network.
  Region again = scenarios::import_opendata(scenarios::locate_opendata(std::string(DORSALE_TEST_DATA) + "/mini"), Parameters{});
  scenarios::derive_network(again, plan, P, 7);
  ASSERT_EQ(again.network.links().size(), net.links().size());
  for (std::size_t i = 0; i < net.links().size(); ++i) {
    EXPECT_EQ(again.network.links()[i].id, net.links()[i].id);
    EXPECT_EQ(again.network.links()[i].pairs_used, net.links()[i].pairs_used);
  }
}

TEST(DerivedNetwork, BadPlansNameTheLineAndKey) {
  test::TempDir tmp;
  const auto file = (tmp.path() / "plan.toml").string();
  auto error_of = [&](const std::string& text) {
    write(file, text);
    return test::input_error_of([&] { scenarios::read_network_plan(file); }, text);
  };
  std::string bad = kMiniPlan;
  bad.replace(bad.find("b = \"pop:alata\""), 15, "b = \"pop:nowhere\"");
  auto e = error_of(bad);
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.field(), "corridor.b");
  EXPECT_EQ(e.line(), 18);
  EXPECT_NE(std::string(e.what()).find("pop:nowhere"), std::string::npos);

  e = error_of(std::string(kMiniPlan) + "\n[[pop]]\nid = \"pop:x\"\ncolour = \"red\"\ncommune = \"2A004\"\n");
  EXPECT_EQ(e.field(), "pop.colour");
  e = error_of(std::string(kMiniPlan) + "\n[[hub]]\nid = \"hub:y\"\nname = \"Y\"\nlon = 500\nlat = 0\n");
  EXPECT_EQ(e.field(), "hub.lon");
  e = error_of("[[hub]]\nid = \"hub:y\"\nname = \"Y\"\nlon = 5\nlat = 43\n");
  EXPECT_EQ(e.field(), "pop");

  // A PoP in a commune that is not in the region: the plan file and the PoP are named.
  std::string elsewhere = kMiniPlan;
  elsewhere.replace(elsewhere.find("\"2A006\""), 7, "\"21231\"");
  write(file, elsewhere);
  const auto plan = scenarios::read_network_plan(file);
  Region r = scenarios::import_opendata(scenarios::locate_opendata(std::string(DORSALE_TEST_DATA) + "/mini"), Parameters{});
  e = test::input_error_of([&] { scenarios::derive_network(r, plan, Parameters{}, 1); });
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.field(), "pop.commune");
  EXPECT_NE(std::string(e.what()).find("21231"), std::string::npos);
}

// `dorsale run scenarios/opendata-bfc.toml` answers the example queue, designs the collecte and
// sites the towers on the derived network.
TEST(DerivedNetwork, OpenDataRunWritesDecisionsCollecteAndTowers) {
  DORSALE_REQUIRE_SHARED_DATA(dir);
  test::TempDir tmp;
  const int rc = test::run_cli({"run", std::string(DORSALE_SOURCE_DIR) + "/scenarios/opendata-bfc.toml", "-o",
                                (tmp.path() / "out").string()},
                               tmp.path() / "log");
  ASSERT_EQ(rc, 0) << test::slurp(tmp.path() / "log");
  const fs::path run = tmp.path() / "out" / "opendata-bfc";
  const auto decisions = nlohmann::json::parse(test::slurp(run / "decisions.json"));
  EXPECT_EQ(decisions.size(), 8u);  // the eight requests of scenarios/requests-example.csv
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open((run / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  ASSERT_TRUE(ds);
  for (const char* layer : {"network_nodes", "network_links", "collecte", "routes", "chosen_sites", "backhaul_routes"}) {
    OGRLayer* L = ds->GetLayerByName(layer);
    ASSERT_NE(L, nullptr) << layer;
    EXPECT_GT(L->GetFeatureCount(), 0) << layer;
  }
  const auto towers = nlohmann::json::parse(test::slurp(run / "towers.json"));
  EXPECT_GT(towers["existing_sites"].get<long>(), 4000);  // the real ARCEP sites
}
