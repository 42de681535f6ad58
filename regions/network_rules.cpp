#include "regions/network_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>

#include "models/error.h"
#include "models/random.h"
#include "regions/builtin/reference_data.h"
#include "io/projection.h"
#include "solvers/spanning_tree.h"

namespace dorsale::scenarios {

int drawn_used_pairs(int total, double share, Rng& rng) {
  return std::clamp(int(std::lround(total * share * rng.uniform(0.5, 1.5))), 0, total);
}

double latency_of(const Parameters& P, double km) { return km * P.network.latency_us_per_km / 1000.0; }

namespace {

std::string after_colon(const std::string& id) {
  const auto c = id.find(':');
  return c == std::string::npos ? id : id.substr(c + 1);
}

double straight_km(const Network& net, const std::string& pre, const NetworkPlan::Corridor& cr) {
  return distance_km(net.node(*net.find_node(pre + cr.a)).pos, net.node(*net.find_node(pre + cr.b)).pos);
}

}  // namespace

double add_corridor_links(Network& net, const std::vector<NetworkPlan::Corridor>& corridors, const std::string& pre,
                          const Parameters& P, std::uint64_t seed, int tile, double detour) {
  const int dorsale_pairs = int(P.network.dorsale_pairs);
  if (detour <= 0) {
    double straight = 0;
    for (const auto& cr : corridors)
      if (!cr.transit) straight += straight_km(net, pre, cr);
    detour = straight > 0 ? P.network.dorsale_km / straight : 1.0;
  }
  int k = 0;
  for (const auto& cr : corridors) {
    Rng rng(seed ^ 0xD0125A1Eu, (std::uint64_t(tile) << 16) | std::uint64_t(k++));
    Link l;
    l.id = fmt::format("{}{}:{}-{}", pre, cr.transit ? "transit" : "dorsale", after_colon(cr.a), after_colon(cr.b));
    l.length_km = straight_km(net, pre, cr) * (cr.transit ? P.network.transit_detour_factor : detour);
    l.owner = cr.transit ? "national carriers (leased)" : "Région";
    l.dorsale = !cr.transit;
    l.status = cr.owned ? LinkStatus::Owned : LinkStatus::Leased;
    l.pairs_total = dorsale_pairs;
    l.pairs_used = drawn_used_pairs(dorsale_pairs, P.network.dorsale_used_share, rng);
    l.lease_eur_per_pair_km_year = cr.owned ? 0.0 : P.costs.lease_eur_per_pair_km_year;
    l.build_eur_per_km = P.costs.build_eur_per_km;
    l.srg = pre + cr.duct;
    l.latency_ms = latency_of(P, l.length_km);
    l.corridor = cr.corridor;
    net.add_link(l, pre + cr.a, pre + cr.b);
  }
  return detour;
}

void add_data_centre(Network& net, const NetworkPlan::DataCentre& dc, const std::string& pre, const Parameters& P,
                     const Projection& proj) {
  const Node pop = net.node(*net.find_node(pre + dc.pop));  // a copy: add_node reallocates
  Node n;
  n.id = pre + dc.id;
  n.name = dc.name.empty() ? "Data centre " + pop.name : dc.name;
  n.kind = NodeKind::DataCentre;
  n.pos = pop.pos;
  n.pos.x += P.network.data_centre_km * 1000.0;
  proj.fill_wgs84(n.pos);
  n.departement = pop.departement;
  n.owner = "private";
  net.add_node(n);
  Link l;
  std::string tail = dc.id;
  std::replace(tail.begin(), tail.end(), ':', '-');
  l.id = pre + "access:" + tail;
  l.length_km = P.network.data_centre_km * P.network.rip_detour_factor;
  l.owner = "Région";
  l.status = LinkStatus::Owned;
  l.pairs_total = int(P.network.dorsale_pairs);
  l.build_eur_per_km = P.costs.build_eur_per_km;
  l.latency_ms = latency_of(P, l.length_km);
  net.add_link(l, n.id, pop.id);
}

NetworkPlan bfc_network_plan() {
  using namespace builtin;
  NetworkPlan plan;
  plan.origin = "builtin:bfc";
  for (const auto& h : kHubs) plan.hubs.push_back({h.id, h.name, h.lon, h.lat});
  for (const auto& t : kTowns)
    if (t.pop_id) plan.pops.push_back({t.pop_id, t.code});
  for (const auto& c : kCorridors) plan.corridors.push_back({c.a, c.b, c.corridor, c.duct, c.owned, c.transit});
  plan.data_centres = {{"dc:dijon", "", "pop:dijon"}, {"dc:besancon", "", "pop:besancon"}};
  return plan;
}

// ---------------------------------------------------------------------------------------------
// A plan derived from the region (no plan file)

std::vector<NetworkPlan::Hub> national_hubs() {
  std::vector<NetworkPlan::Hub> hubs;
  for (const auto& h : builtin::kHubs) hubs.push_back({h.id, h.name, h.lon, h.lat});
  hubs.push_back({"hub:marseille", "Marseille", 5.3698, 43.2965});
  hubs.push_back({"hub:bordeaux", "Bordeaux", -0.5792, 44.8378});
  hubs.push_back({"hub:lille", "Lille", 3.0573, 50.6292});
  return hubs;
}

bool plan_fits(const NetworkPlan& plan, const Region& region) {
  return std::all_of(plan.pops.begin(), plan.pops.end(), [&](const auto& p) { return region.find_commune(p.commune).has_value(); });
}

NetworkPlan derived_network_plan(const Region& region, const Parameters& P) {
  NetworkPlan plan;
  plan.origin = "derived";
  plan.scale_to_dorsale_km = false;
  const auto& C = region.communes;
  // One PoP per département: its most populated commune (premises, then the code break ties;
  // premises alone when the region has no population).
  std::vector<std::size_t> host;
  for (const auto& d : region.departements) {
    std::optional<std::size_t> best;
    auto key = [&](std::size_t i) { return std::make_tuple(C[i].population, C[i].premises()); };
    for (std::size_t i = 0; i < C.size(); ++i)
      if (C[i].departement == d.code && (!best || key(i) > key(*best) || (key(i) == key(*best) && C[i].code < C[*best].code)))
        best = i;
    if (!best) continue;
    if (P.network.derived_pop_rule == param::PopRule::Prefecture && !d.prefecture_commune.empty())
      if (const auto pref = region.find_commune(d.prefecture_commune)) best = *pref;
    host.push_back(*best);
    plan.pops.push_back({"pop:" + C[*best].code, C[*best].code});
  }
  const int n = int(host.size());
  auto km = [&](int x, int y) { return distance_km(C[host[x]].centroid, C[host[y]].centroid); };
  std::set<std::pair<int, int>> joined;
  auto corridor = [&](int x, int y) {
    if (x > y) std::swap(x, y);
    if (x == y || !joined.insert({x, y}).second) return;
    const std::string a = C[host[x]].code, b = C[host[y]].code;
    plan.corridors.push_back({"pop:" + a, "pop:" + b, "derived", "duct:" + a + "-" + b, false, false});
  };
  // Corridors: a minimum spanning tree of the PoPs, then each PoP the tree leaves at an end
  // joined to its nearest other PoP (a second way in).
  std::vector<solvers::WeightedEdge> edges;
  for (int x = 0; x < n; ++x)
    for (int y = x + 1; y < n; ++y) edges.push_back({x, y, km(x, y)});
  std::vector<int> degree(std::size_t(n), 0);
  for (std::size_t e : solvers::minimum_spanning_tree(n, edges).edges) {
    corridor(edges[e].a, edges[e].b);
    ++degree[std::size_t(edges[e].a)];
    ++degree[std::size_t(edges[e].b)];
  }
  if (n >= 3)
    for (int x = 0; x < n; ++x) {
      if (degree[std::size_t(x)] != 1) continue;
      int best = -1;
      for (int y = 0; y < n; ++y)
        if (y != x && !joined.count({std::min(x, y), std::max(x, y)}) && (best < 0 || km(x, y) < km(x, best))) best = y;
      if (best >= 0) corridor(x, best);
    }
  // Transits: the network.derived_hubs national hubs nearest the region, each from its nearest PoP.
  if (n == 0) return plan;
  const Projection& proj = Projection::for_this_thread();
  struct Near {
    double km;
    std::size_t hub;
    int pop;
  };
  const auto hubs = national_hubs();
  std::vector<Near> near;
  for (std::size_t h = 0; h < hubs.size(); ++h) {
    const Position at = proj.from_wgs84(hubs[h].lon, hubs[h].lat);
    Near best{1e300, h, 0};
    for (int x = 0; x < n; ++x)
      if (const double d = distance_km(at, C[host[x]].centroid); d < best.km) best = {d, h, x};
    near.push_back(best);
  }
  std::stable_sort(near.begin(), near.end(), [](const Near& a, const Near& b) { return a.km < b.km; });
  near.resize(std::min(near.size(), std::size_t(P.network.derived_hubs)));
  for (const auto& h : near) {
    plan.hubs.push_back(hubs[h.hub]);
    plan.corridors.push_back({hubs[h.hub].id, plan.pops[std::size_t(h.pop)].id, "transit", "duct:transit-" + after_colon(hubs[h.hub].id),
                              false, true});
  }
  return plan;
}

NetworkPlan network_plan_for(const RegionSource::NetworkPlanChoice& choice, const Region& region, const Parameters& P) {
  using Kind = RegionSource::NetworkPlanChoice::Kind;
  switch (choice.kind) {
    case Kind::BuiltinBfc: return bfc_network_plan();
    case Kind::Derived: return derived_network_plan(region, P);
    case Kind::Auto: {
      NetworkPlan bfc = bfc_network_plan();
      return plan_fits(bfc, region) ? bfc : derived_network_plan(region, P);
    }
    case Kind::File: return read_network_plan(choice.path);
    case Kind::None: break;
  }
  throw std::logic_error("network_plan_for: no plan (network_plan = \"none\")");
}

// ---------------------------------------------------------------------------------------------
// RIP networks

namespace {

// A département's RIP: its communes, NRO sites and NRO nodes.
struct Rip {
  std::size_t di;
  const Departement& dep;
  std::vector<std::size_t> communes;  // of the département
  std::vector<std::size_t> nro_at;    // communes hosting an NRO, most populated first
  std::vector<int> nro_node;
  std::vector<char> nro_in_service;   // serves a commune in service: its links are built
};

// NROs at the most populated communes at least network.nro_spacing_km apart; each commune
// is attached to its nearest NRO.
void place_nros(Region& region, const Parameters& P, Rip& rip, const std::function<bool(const Commune&)>& in_service) {
  auto& C = region.communes;
  Network& net = region.network;
  const double spacing = P.network.nro_spacing_km;
  for (std::size_t i = 0; i < C.size(); ++i)
    if (C[i].departement == rip.dep.code) rip.communes.push_back(i);
  std::vector<std::size_t> by_pop = rip.communes;
  std::stable_sort(by_pop.begin(), by_pop.end(), [&](auto x, auto y) { return C[x].population > C[y].population; });
  for (auto i : by_pop) {
    bool far = true;
    for (auto j : rip.nro_at)
      if (distance_km(C[i].centroid, C[j].centroid) < spacing) { far = false; break; }
    if (far) rip.nro_at.push_back(i);
  }
  for (std::size_t k = 0; k < rip.nro_at.size(); ++k) {
    Node n;
    n.id = fmt::format("nro:{}-{:03d}", rip.dep.code, k + 1);
    n.name = "NRO " + C[rip.nro_at[k]].name;
    n.kind = NodeKind::Nro;
    n.pos = C[rip.nro_at[k]].centroid;
    n.departement = rip.dep.code;
    n.owner = rip.dep.rip_name;
    rip.nro_node.push_back(net.add_node(n));
  }
  rip.nro_in_service.assign(rip.nro_at.size(), 0);
  for (auto i : rip.communes) {
    std::size_t best = 0;
    double bd = 1e300;
    for (std::size_t k = 0; k < rip.nro_at.size(); ++k) {
      double d = distance_km(C[i].centroid, C[rip.nro_at[k]].centroid);
      if (d < bd) { bd = d; best = k; }
    }
    C[i].nro = net.node(rip.nro_node[best]).id;
    if (in_service(C[i])) rip.nro_in_service[best] = 1;
  }
}

// The RIP links: a minimum spanning tree over the NROs and the département's PoPs on the
// complete graph (straight distances; PoP–PoP pairs are already joined by the Dorsale, so
// free in the tree and not built). Links touching an NRO in service are built, the others planned.
void add_rip_links(Region& region, const Parameters& P, std::uint64_t seed, const Rip& rip) {
  Network& net = region.network;
  std::vector<int> members(rip.nro_node.begin(), rip.nro_node.end());
  for (std::size_t v = 0; v < net.nodes().size(); ++v)
    if (net.node(int(v)).kind == NodeKind::DorsalePop && net.node(int(v)).departement == rip.dep.code)
      members.push_back(int(v));
  const int n_nro = int(rip.nro_node.size());  // members [0, n_nro) are NROs, the rest PoPs
  std::vector<solvers::WeightedEdge> edges;
  for (int x = 0; x < int(members.size()); ++x)
    for (int y = x + 1; y < int(members.size()); ++y) {
      const bool both_pops = x >= n_nro && y >= n_nro;
      edges.push_back({x, y, both_pops ? 0.0 : distance_km(net.node(members[x]).pos, net.node(members[y]).pos)});
    }
  const solvers::SpanningTree tree = solvers::minimum_spanning_tree(int(members.size()), edges);
  const int rip_pairs = int(P.network.rip_pairs);
  int lk = 0;
  for (std::size_t e : tree.edges) {
    const int x = edges[e].a, y = edges[e].b;
    if (x >= n_nro && y >= n_nro) continue;
    const Node& na = net.node(members[x]);
    const Node& nb = net.node(members[y]);
    Rng rng(seed ^ 0x519u, (std::uint64_t(rip.di) << 20) | std::uint64_t(lk));
    Link l;
    l.id = fmt::format("rip{}:{:03d}", rip.dep.code, ++lk);
    l.length_km = std::max(0.5, distance_km(na.pos, nb.pos) * P.network.rip_detour_factor);
    l.owner = rip.dep.rip_name;
    const bool built = (x < n_nro && rip.nro_in_service[x]) || (y < n_nro && rip.nro_in_service[y]);
    l.status = built ? LinkStatus::Owned : LinkStatus::Planned;
    l.pairs_total = rip_pairs;
    l.pairs_used = built ? drawn_used_pairs(rip_pairs, P.network.rip_used_share, rng) : 0;
    l.build_eur_per_km = P.costs.build_eur_per_km;
    l.latency_ms = latency_of(P, l.length_km);
    net.add_link(l, na.id, nb.id);
  }
}

}  // namespace

void add_rip_network(Region& region, const Parameters& P, std::uint64_t seed, std::size_t di,
                     const std::function<bool(const Commune&)>& in_service) {
  Rip rip{di, region.departements.at(di), {}, {}, {}, {}};
  place_nros(region, P, rip, in_service);
  add_rip_links(region, P, seed, rip);
}

// ---------------------------------------------------------------------------------------------
// The derived network of an imported region

namespace {

void add_plan_nodes(Region& region, const NetworkPlan& plan, const Projection& proj) {
  Network& net = region.network;
  for (const auto& h : plan.hubs) {
    Node n;
    n.id = h.id;
    n.name = h.name;
    n.kind = NodeKind::ExternalHub;
    n.pos = proj.from_wgs84(h.lon, h.lat);
    n.owner = "national carriers";
    net.add_node(n);
  }
  for (std::size_t k = 0; k < plan.pops.size(); ++k) {
    const auto& p = plan.pops[k];
    const auto ci = region.find_commune(p.commune);
    if (!ci)
      throw InputError(plan.origin, long(k + 1), "pop.commune",
                       fmt::format("PoP '{}' stands in commune {}, which is not in the region (give a network plan "
                                   "of this region: [region] network_plan)", p.id, p.commune));
    const Commune& c = region.communes[*ci];
    Node n;
    n.id = p.id;
    n.name = c.name;
    n.kind = NodeKind::DorsalePop;
    n.pos = c.centroid;
    n.departement = c.departement;
    n.owner = "Région";
    net.add_node(n);
  }
}

}  // namespace

void derive_network(Region& region, const NetworkPlan& plan, const Parameters& P, std::uint64_t seed) {
  const Projection& proj = Projection::for_this_thread();
  add_plan_nodes(region, plan, proj);
  add_corridor_links(region.network, plan.corridors, "", P, seed, 0,
                     plan.scale_to_dorsale_km ? 0.0 : P.network.corridor_detour_factor);
  for (const auto& dc : plan.data_centres) add_data_centre(region.network, dc, "", P, proj);
  for (std::size_t di = 0; di < region.departements.size(); ++di)
    add_rip_network(region, P, seed, di, [](const Commune& c) { return c.ftth_passed > 0; });
  auto& prov = region.provenance;
  prov.missing.erase(std::remove(prov.missing.begin(), prov.missing.end(), "network"), prov.missing.end());
  const std::string rips = fmt::format(
      "one RIP per département (NROs at the most populated communes {} km apart, minimum spanning tree; links of "
      "NROs serving a commune with FttH premises passed are in service, the others planned)",
      P.network.nro_spacing_km);
  if (plan.scale_to_dorsale_km)
    prov.derived.push_back(fmt::format(
        "network: derived from the plan {} (PoPs at real communes, corridors scaled to network.dorsale_km = {} km) and {}",
        plan.origin, P.network.dorsale_km, rips));
  else
    prov.derived.push_back(fmt::format(
        "network: derived by rule, no network plan ({} PoPs: {} of each département; {} "
        "corridors: minimum spanning tree of the PoPs plus each end PoP to its nearest other, straight km x "
        "network.corridor_detour_factor = {}; transits to the {} nearest national hubs, network.derived_hubs) and {}",
        plan.pops.size(),
        P.network.derived_pop_rule == param::PopRule::Prefecture ? "the préfecture (INSEE CHEFLIEU) or else the most populated commune"
                                                   : "the most populated commune",
        std::count_if(plan.corridors.begin(), plan.corridors.end(), [](const auto& c) { return !c.transit; }),
        P.network.corridor_detour_factor, plan.hubs.size(), rips));
  prov.network_origin = plan.origin;
}

}  // namespace dorsale::scenarios
