// The network derived over an imported region (regions/network_rules.h): on the real BFC
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
#include "regions/network_rules.h"
#include "io/opendata.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "io/summary_json.h"
#include "planner/region_info.h"
#include "io/projection.h"
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
void expect_derived_network(const Region& r, const scenarios::NetworkPlan& plan, const Parameters& P,
                            bool scaled_to_dorsale_km = true) {
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
  // The Dorsale measures network.dorsale_km (a plan), or each corridor its straight length times
  // network.corridor_detour_factor (a plan derived by rule).
  double dorsale = 0;
  for (const auto& l : net.links())
    if (l.dorsale) {
      dorsale += l.length_km;
      if (!scaled_to_dorsale_km)
        EXPECT_NEAR(l.length_km, distance_km(net.node(l.a).pos, net.node(l.b).pos) * P.network.corridor_detour_factor, 1e-9) << l.id;
    }
  if (scaled_to_dorsale_km) EXPECT_NEAR(dorsale, P.network.dorsale_km, 1e-6 * P.network.dorsale_km);
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
  EXPECT_EQ(r.provenance.network_origin, plan.origin);
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

// ---------------------------------------------------------------------------------------------
// A region without a plan file: the network derived by rule (issue 24, item 5)

namespace {

// A folder laid out like ../shared/data holding only the commune polygons of `deps` (the
// national-style ARCEP, INSEE and mobile files as they are: communes outside the polygons are
// left out), and no network plan.
// With `cog` (an INSEE COG départements file's text), insee-population/v_departement_2023.csv too.
fs::path region_of(const fs::path& root, const std::string& shared, const std::vector<std::string>& deps, const std::string& cog = "") {
  fs::create_directories(root / "france-geojson");
  for (const auto& e : fs::directory_iterator(fs::path(shared) / "france-geojson"))
    for (const auto& d : deps)
      if (e.path().filename().string().rfind("communes-" + d + "-", 0) == 0)
        fs::create_symlink(e.path(), root / "france-geojson" / e.path().filename());
  for (const auto& e : fs::directory_iterator(shared)) {
    if (!e.is_directory() || e.path().filename() == "france-geojson") continue;
    if (e.path().filename() == "insee-population" && !cog.empty()) {
      fs::create_directories(root / "insee-population");
      for (const auto& f : fs::directory_iterator(e.path())) fs::create_symlink(f.path(), root / "insee-population" / f.path().filename());
      write(root / "insee-population" / "v_departement_2023.csv", cog);
    } else {
      fs::create_directory_symlink(e.path(), root / e.path().filename());
    }
  }
  return root;
}

// The region a scenario on `dir` with no network_plan gets, and the scenario.
std::pair<scenarios::Scenario, Region> scenario_region(const fs::path& dir, const std::string& more = "") {
  const std::string text = "[scenario]\nname = \"no-plan\"\n[region]\nsource = \"opendata\"\nopendata_dir = \"" + dir.string() + "\"\n" + more;
  scenarios::Scenario s = scenarios::parse_scenario(text, "no-plan.toml", "");
  Region r = scenarios::load_region(s);
  return {std::move(s), std::move(r)};
}

// The rule's promises for the Dorsale: one PoP per département at its most populated commune
// (or at its préfecture when the region knows it and the rule asks for it), corridors joining
// them with no PoP left at an end, transits to the nearest national hubs.
void expect_rule_dorsale(const Region& r, const Parameters& P) {
  const Network& net = r.network;
  std::map<std::string, const Node*> pop_of;  // département -> PoP
  for (const auto& n : net.nodes())
    if (n.kind == NodeKind::DorsalePop) {
      EXPECT_EQ(pop_of.count(n.departement), 0u) << "two PoPs in " << n.departement;
      pop_of[n.departement] = &n;
    }
  ASSERT_EQ(pop_of.size(), r.departements.size()) << "one PoP per département";
  for (const auto& d : r.departements) {
    const Commune* top = nullptr;
    for (const auto& c : r.communes)
      if (c.departement == d.code && (!top || c.population > top->population)) top = &c;
    ASSERT_NE(top, nullptr);
    if (P.network.derived_pop_rule == param::PopRule::Prefecture && !d.prefecture_commune.empty()) top = &r.communes[*r.find_commune(d.prefecture_commune)];
    const Node& pop = *pop_of.at(d.code);
    EXPECT_EQ(pop.name, top->name) << d.code;
    EXPECT_DOUBLE_EQ(pop.pos.x, top->centroid.x);
    EXPECT_DOUBLE_EQ(pop.pos.y, top->centroid.y);
  }
  // Dorsale corridors: the PoPs are one piece over them alone, and none hangs on one corridor.
  std::map<int, int> degree;
  std::map<int, std::vector<int>> adj;
  for (const auto& l : net.links())
    if (l.dorsale) {
      EXPECT_EQ(net.node(l.a).kind, NodeKind::DorsalePop);
      EXPECT_EQ(net.node(l.b).kind, NodeKind::DorsalePop);
      EXPECT_EQ(l.status, LinkStatus::Leased) << l.id;
      ++degree[l.a], ++degree[l.b];
      adj[l.a].push_back(l.b), adj[l.b].push_back(l.a);
    }
  const int first = *net.find_node(pop_of.begin()->second->id);
  std::set<int> seen{first};
  std::vector<int> frontier{first};
  while (!frontier.empty()) {
    const int v = frontier.back();
    frontier.pop_back();
    for (int w : adj[v])
      if (seen.insert(w).second) frontier.push_back(w);
  }
  EXPECT_EQ(seen.size(), pop_of.size()) << "the Dorsale joins every PoP";
  if (pop_of.size() >= 3)
    for (const auto& [d, pop] : pop_of) EXPECT_GE(degree[*net.find_node(pop->id)], 2) << pop->id << " hangs on one corridor";
  // Transits: to the network.derived_hubs national hubs nearest a PoP, each from its nearest PoP.
  auto nearest_pop_km = [&](const Position& at) {
    double best = 1e300;
    for (const auto& [d, pop] : pop_of) best = std::min(best, distance_km(at, pop->pos));
    return best;
  };
  double farthest_chosen = 0;
  std::set<std::string> chosen;
  for (const auto& l : net.links()) {
    if (l.dorsale || net.node(l.a).kind != NodeKind::ExternalHub) continue;
    const Node& hub = net.node(l.a);
    chosen.insert(hub.id);
    EXPECT_NEAR(distance_km(hub.pos, net.node(l.b).pos), nearest_pop_km(hub.pos), 1e-9) << l.id << " from its nearest PoP";
    farthest_chosen = std::max(farthest_chosen, nearest_pop_km(hub.pos));
  }
  EXPECT_EQ(chosen.size(), std::size_t(P.network.derived_hubs));
  EXPECT_EQ(net.external_hub_names().size(), std::size_t(P.network.derived_hubs));
  const auto& proj = scenarios::Projection::for_this_thread();
  for (const auto& h : scenarios::national_hubs())
    if (!chosen.count(h.id)) EXPECT_GE(nearest_pop_km(proj.from_wgs84(h.lon, h.lat)), farthest_chosen) << h.id << " is nearer";
  EXPECT_EQ(r.provenance.network_origin, "derived");
  EXPECT_NE(viz::region_text(r).find("derived network: derived by rule"), std::string::npos) << viz::region_text(r);
}

}  // namespace

TEST(DerivedNetwork, RegionWithoutPlanFileGetsPopsCorridorsAndRipsByRule) {
  DORSALE_REQUIRE_SHARED_DATA(shared);
  test::TempDir tmp;
  const auto dir = region_of(tmp.path() / "od", shared, {"58", "70", "90"});
  auto [s, r] = scenario_region(dir);
  ASSERT_EQ(r.departements.size(), 3u);
  expect_rule_dorsale(r, s.params);
  expect_derived_network(r, scenarios::derived_network_plan(r, s.params), s.params, false);
  // Same inputs, same network.
  auto again = scenario_region(dir).second;
  ASSERT_EQ(again.network.links().size(), r.network.links().size());
  for (std::size_t i = 0; i < r.network.links().size(); ++i) EXPECT_EQ(again.network.links()[i].id, r.network.links()[i].id);
  // More hubs when asked.
  auto three = scenario_region(dir, "[network]\nderived_hubs = 3\n");
  expect_rule_dorsale(three.second, three.first.params);
  // The BFC plan does not fit a part of the region: network_plan = "builtin:bfc" names it.
  const auto e = test::input_error_of([&] { scenario_region(dir, "network_plan = \"builtin:bfc\"\n"); });
  EXPECT_EQ(e.field(), "pop.commune");
}

// One département (no shared data needed): one PoP, no corridor, the transits, RIP links.
TEST(DerivedNetwork, OneDepartementRegionGetsOnePopAndItsTransits) {
  const std::string mini = std::string(DORSALE_TEST_DATA) + "/mini";
  auto [s, r] = scenario_region(mini);
  ASSERT_EQ(r.departements.size(), 1u);
  expect_rule_dorsale(r, s.params);
  expect_derived_network(r, scenarios::derived_network_plan(r, s.params), s.params, false);
  // region info --opendata shows the network the scenario gets.
  planner::RegionInfoConfig cfg;
  cfg.opendata = mini;
  const Region info = planner::load_region_for(cfg);
  EXPECT_EQ(info.network.nodes().size(), r.network.nodes().size());
  EXPECT_EQ(info.provenance.network_origin, "derived");
}

// `dorsale run` on such a region answers interconnection requests, designs the collecte and
// sites the towers, and says the network is derived (summary.json and printed).
TEST(DerivedNetwork, RunWithoutPlanFileAnswersRequestsDesignsCollecteAndSitesTowers) {
  DORSALE_REQUIRE_SHARED_DATA(shared);
  test::TempDir tmp;
  const auto dir = region_of(tmp.path() / "od", shared, {"70", "90"});
  const Region r = scenario_region(dir).second;
  const std::string hub = r.network.external_hub_names().at(0);
  write(tmp.path() / "requests.csv",
        "id,requester,site,lon,lat,destination,pairs,protection,max_latency_ms,horizon_years,submitted,value\n"
        "R1,RIP 70,nro:70-002,,,dorsale,2,none,,10,2019-02-04,1\n"
        "R2,Data centre Belfort,nro:90-001,,,dorsale,1,none,,10,2019-02-11,1\n"
        "R3,Operator,nro:70-001,,,"
            + hub + ",1,none,,10,2019-03-01,1\n");
  write(tmp.path() / "s.toml", "[scenario]\nname = \"no-plan\"\nrequests = \"requests.csv\"\n[region]\nsource = \"opendata\"\n"
                                "opendata_dir = \"" + dir.string() + "\"\n[guichet]\ndraws = 20\n[quantities]\nmc_draws = 20\n"
                                "[rollout]\nwindow_max_units = 0\n");
  const int rc = test::run_cli({"run", (tmp.path() / "s.toml").string(), "-o", (tmp.path() / "out").string()}, tmp.path() / "log");
  const std::string log = test::slurp(tmp.path() / "log");
  ASSERT_EQ(rc, 0) << log;
  EXPECT_NE(log.find("derived network: derived by rule"), std::string::npos) << log;
  const fs::path run = tmp.path() / "out" / "no-plan";
  const auto decisions = nlohmann::json::parse(test::slurp(run / "decisions.json"));
  ASSERT_EQ(decisions.size(), 3u);
  int accepted = 0;
  for (const auto& d : decisions) {
    const std::string dec = d["decision"];
    EXPECT_TRUE(dec == "accept" || dec == "accept_with_works" || dec == "reject") << dec;
    if (dec != "reject") {
      ++accepted;
      EXPECT_FALSE(d["routes"].empty()) << d["id"];
    }
  }
  EXPECT_GT(accepted, 0);
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open((run / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  ASSERT_TRUE(ds);
  for (const char* layer : {"network_nodes", "collecte", "routes", "chosen_sites"}) {
    OGRLayer* L = ds->GetLayerByName(layer);
    ASSERT_NE(L, nullptr) << layer;
    EXPECT_GT(L->GetFeatureCount(), 0) << layer;
  }
  const auto summary = nlohmann::json::parse(test::slurp(run / "summary.json"));
  EXPECT_EQ(summary["region"]["network_origin"], "derived");
  bool network_flagged = false;
  for (const auto& d : summary["region"]["derived"]) network_flagged |= d.get<std::string>().rfind("network: derived by rule", 0) == 0;
  EXPECT_TRUE(network_flagged) << summary["region"]["derived"];
}

// With the INSEE départements file the PoPs stand at the préfectures (Lons-le-Saunier, not Dole;
// Mâcon, not Chalon-sur-Saône), and the départements get their names; most_populated keeps the
// largest communes.
TEST(DerivedNetwork, PrefecturesFromTheInseeDepartementsFile) {
  DORSALE_REQUIRE_SHARED_DATA(shared);
  test::TempDir tmp;
  const auto dir = region_of(tmp.path() / "od", shared, {"39", "71"},
                             "DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\n21,27,21231,3,COTE D OR,Côte-d'Or,Côte-d'Or\n"
                             "39,27,39300,2,JURA,Jura,Jura\n71,27,71270,0,SAONE ET LOIRE,Saône-et-Loire,Saône-et-Loire\n");
  auto [s, r] = scenario_region(dir, "[network]\nderived_hubs = 1\n");
  ASSERT_EQ(r.departements.size(), 2u);
  expect_rule_dorsale(r, s.params);
  expect_derived_network(r, scenarios::derived_network_plan(r, s.params), s.params, false);
  std::set<std::string> pops, most_populated, names;
  for (const auto& d : r.departements) {
    names.insert(d.name);
    const Commune* top = nullptr;
    for (const auto& c : r.communes)
      if (c.departement == d.code && (!top || c.population > top->population)) top = &c;
    most_populated.insert("pop:" + top->code);
  }
  for (const auto& n : r.network.nodes())
    if (n.kind == NodeKind::DorsalePop) pops.insert(n.id);
  EXPECT_EQ(pops, (std::set<std::string>{"pop:39300", "pop:71270"}));
  EXPECT_NE(pops, most_populated) << "the préfecture is not the largest commune in these two";
  EXPECT_EQ(names, (std::set<std::string>{"Jura", "Saône-et-Loire"}));
  auto largest = scenario_region(dir, "[network]\nderived_hubs = 1\nderived_pop_rule = \"most_populated\"\n");
  expect_rule_dorsale(largest.second, largest.first.params);
  pops.clear();
  for (const auto& n : largest.second.network.nodes())
    if (n.kind == NodeKind::DorsalePop) pops.insert(n.id);
  EXPECT_EQ(pops, most_populated);
}
