// Built-in region, networks: the Dorsale along the motorway corridors with transit links to
// the external hubs and two data centres, then one RIP network per département (NROs at the
// larger communes joined by a minimum spanning tree).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/random.h"
#include "scenarios/builtin/builtin.h"
#include "scenarios/builtin/reference_data.h"
#include "solvers/spanning_tree.h"

namespace dorsale::scenarios::builtin {

namespace {

struct HubTemplate {
  const char* id;
  const char* name;
  double lon, lat;
};
const HubTemplate kHubs[] = {{"hub:paris", "Paris", 2.3522, 48.8566},
                             {"hub:lyon", "Lyon", 4.8357, 45.7640},
                             {"hub:strasbourg", "Strasbourg", 7.7521, 48.5734}};

// Corridors of the Dorsale (motorway and road ducts, mostly leased) and the transit links
// to the external hubs (leased from national carriers; not counted in the Dorsale's km).
struct Corridor {
  const char* a;
  const char* b;
  const char* corridor;
  const char* duct;  // shared-risk group: links in the same duct fail together
  bool owned;
  bool transit;
};
const Corridor kCorridors[] = {
    {"pop:sens", "pop:auxerre", "A6", "duct:A6:sens-auxerre", false, false},
    {"pop:auxerre", "pop:avallon", "A6", "duct:A6:auxerre-avallon", false, false},
    {"pop:avallon", "pop:beaune", "A6", "duct:A6:avallon-beaune", false, false},
    {"pop:beaune", "pop:chalon-sur-saone", "A6", "duct:A6:beaune-chalon", false, false},
    {"pop:chalon-sur-saone", "pop:macon", "A6", "duct:A6:chalon-macon", false, false},
    {"pop:beaune", "pop:dijon", "A31", "duct:A31:beaune-dijon", false, false},
    {"pop:dijon", "pop:dole", "A39", "duct:A39:dijon-dole", false, false},
    {"pop:dole", "pop:besancon", "A36", "duct:A36:dole-besancon", false, false},
    {"pop:besancon", "pop:montbeliard", "A36", "duct:A36:besancon-montbeliard", false, false},
    {"pop:montbeliard", "pop:belfort", "A36", "duct:A36:montbeliard-belfort", false, false},
    {"pop:dole", "pop:lons-le-saunier", "A39", "duct:A39:dole-lons", false, false},
    {"pop:lons-le-saunier", "pop:macon", "A39/A40", "duct:A39:lons-macon", false, false},
    {"pop:besancon", "pop:vesoul", "N57", "duct:N57:besancon-vesoul", true, false},
    {"pop:vesoul", "pop:belfort", "N19", "duct:N19:vesoul-belfort", true, false},
    {"pop:dijon", "pop:vesoul", "D70", "duct:D70:dijon-vesoul", true, false},
    {"pop:auxerre", "pop:nevers", "N151", "duct:N151:auxerre-nevers", false, false},
    {"pop:nevers", "pop:autun", "N81", "duct:N81:nevers-autun", true, false},
    {"pop:autun", "pop:le-creusot", "RCEA", "duct:RCEA:autun-le-creusot", true, false},
    {"pop:le-creusot", "pop:chalon-sur-saone", "RCEA", "duct:RCEA:le-creusot-chalon", false, false},
    {"pop:besancon", "pop:pontarlier", "N57", "duct:N57:besancon-pontarlier", false, false},
    {"hub:paris", "pop:sens", "A5/A19", "duct:A5:paris-sens", false, true},
    {"hub:paris", "pop:auxerre", "A6", "duct:A6:paris-auxerre", false, true},
    {"pop:macon", "hub:lyon", "A6", "duct:A6:macon-lyon", false, true},
    {"pop:lons-le-saunier", "hub:lyon", "A39/A42", "duct:A42:lons-lyon", false, true},
    // Both Strasbourg links run in the A35 duct north of Mulhouse: link-disjoint, not
    // risk-disjoint.
    {"pop:belfort", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
    {"pop:montbeliard", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
};

int used_pairs(int total, double share, Rng& rng) {
  return std::clamp(int(std::lround(total * share * rng.uniform(0.5, 1.5))), 0, total);
}

double latency_ms(const Builder& b, double km) { return km * b.P.network.latency_us_per_km / 1000.0; }

// pre: the tile's prefix of node and link ids; suffix: the tile's suffix of names.
struct Tile {
  int t;
  std::string pre, suffix;
};

// The external hubs and the Dorsale points of presence of a tile.
void add_hubs_and_pops(Builder& b, const Tile& tile) {
  Network& net = b.region.network;
  for (const auto& h : kHubs) {
    Node n;
    n.id = tile.pre + h.id;
    n.name = h.name + tile.suffix;
    n.kind = NodeKind::ExternalHub;
    n.pos = b.shifted(h.lon, h.lat, tile.t);
    n.owner = "national carriers";
    net.add_node(n);
  }
  for (std::size_t k = 0; k < std::size(kTowns); ++k) {
    if (!kTowns[k].pop_id) continue;
    Node n;
    n.id = tile.pre + kTowns[k].pop_id;
    n.name = kTowns[k].name + tile.suffix;
    n.kind = NodeKind::DorsalePop;
    n.pos = b.shifted(kTowns[k].lon, kTowns[k].lat, tile.t);
    n.departement = b.dep_code(tile.t, [&] {
      for (int d = 0; d < b.n_templates; ++d)
        if (std::string(kTowns[k].code).rfind(kDeps[d].code, 0) == 0) return d;
      return 0;
    }());
    n.owner = "Région";
    net.add_node(n);
  }
}

double corridor_straight_km(const Network& net, const Tile& tile, const Corridor& cr) {
  return distance_km(net.node(*net.find_node(tile.pre + cr.a)).pos, net.node(*net.find_node(tile.pre + cr.b)).pos);
}

// The Dorsale and transit links of a tile; returns the detour factor that makes the Dorsale
// network.dorsale_km long.
double add_corridor_links(Builder& b, const Tile& tile) {
  Network& net = b.region.network;
  const int dorsale_pairs = int(b.P.network.dorsale_pairs);
  double straight = 0;
  for (const auto& cr : kCorridors)
    if (!cr.transit) straight += corridor_straight_km(net, tile, cr);
  const double detour = b.P.network.dorsale_km / straight;  // per block of 8 départements
  int k = 0;
  for (const auto& cr : kCorridors) {
    Rng rng(b.seed ^ 0xD0125A1Eu, (std::uint64_t(tile.t) << 16) | std::uint64_t(k++));
    Link l;
    l.id = fmt::format("{}{}:{}-{}", tile.pre, cr.transit ? "transit" : "dorsale", std::string(cr.a).substr(4),
                       std::string(cr.b).substr(4));
    l.length_km = corridor_straight_km(net, tile, cr) * (cr.transit ? 1.25 : detour);
    l.owner = cr.transit ? "national carriers (leased)" : "Région";
    l.dorsale = !cr.transit;
    l.status = cr.owned ? LinkStatus::Owned : LinkStatus::Leased;
    l.pairs_total = dorsale_pairs;
    l.pairs_used = used_pairs(dorsale_pairs, b.P.network.dorsale_used_share, rng);
    l.lease_eur_per_pair_km_year = cr.owned ? 0.0 : b.P.costs.lease_eur_per_pair_km_year;
    l.build_eur_per_km = b.P.costs.build_eur_per_km;
    l.srg = tile.pre + cr.duct;
    l.latency_ms = latency_ms(b, l.length_km);
    l.corridor = cr.corridor;
    net.add_link(l, tile.pre + cr.a, tile.pre + cr.b);
  }
  return detour;
}

// Data centres next to the two largest PoPs, and a second cable of the Côte-d'Or RIP in the
// A31 duct beside the Dorsale (same risk).
void add_data_centres_and_a31_cable(Builder& b, const Tile& tile, double detour) {
  Network& net = b.region.network;
  const std::string& pre = tile.pre;
  for (const char* city : {"dijon", "besancon"}) {
    Node n;
    n.id = fmt::format("{}dc:{}", pre, city);
    const Node pop = net.node(*net.find_node(fmt::format("{}pop:{}", pre, city)));  // copy: add_node reallocates
    n.name = "Data centre " + pop.name;
    n.kind = NodeKind::DataCentre;
    n.pos = pop.pos;
    n.pos.x += 3000;
    b.proj.fill_wgs84(n.pos);
    n.departement = pop.departement;
    n.owner = "private";
    net.add_node(n);
    Link l;
    l.id = fmt::format("{}access:dc-{}", pre, city);
    l.length_km = 3.0 * b.P.network.rip_detour_factor;
    l.owner = "Région";
    l.status = LinkStatus::Owned;
    l.pairs_total = int(b.P.network.dorsale_pairs);
    l.build_eur_per_km = b.P.costs.build_eur_per_km;
    l.latency_ms = latency_ms(b, l.length_km);
    net.add_link(l, n.id, pop.id);
  }
  Link l;
  l.id = pre + "rip21:beaune-dijon-a31";
  const Node beaune = net.node(*net.find_node(pre + "pop:beaune"));
  const Node dijon = net.node(*net.find_node(pre + "pop:dijon"));
  l.length_km = distance_km(beaune.pos, dijon.pos) * detour;
  l.owner = b.region.departements[tile.t * b.n_templates + 0].rip_name;
  l.status = LinkStatus::Owned;
  l.pairs_total = int(b.P.network.rip_pairs);
  l.build_eur_per_km = b.P.costs.build_eur_per_km;
  l.srg = pre + "duct:A31:beaune-dijon";
  l.latency_ms = latency_ms(b, l.length_km);
  l.corridor = "A31";
  net.add_link(l, beaune.id, dijon.id);
}

// A département's RIP: its communes, NRO sites and NRO nodes.
struct Rip {
  std::size_t di;
  const Departement& dep;
  std::vector<std::size_t> communes;  // of the département
  std::vector<std::size_t> nro_at;    // communes hosting an NRO, most populated first
  std::vector<int> nro_node;
  std::vector<char> nro_phase1;       // serves a commune without phase 2: built in phase 1
};

// NROs at the most populated communes at least network.nro_spacing_km apart; each commune
// is attached to its nearest NRO.
void place_nros(Builder& b, Rip& rip) {
  auto& C = b.communes();
  Network& net = b.region.network;
  const double spacing = b.P.network.nro_spacing_km;
  for (std::size_t i = 0; i < b.size(); ++i)
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
  rip.nro_phase1.assign(rip.nro_at.size(), 0);
  for (auto i : rip.communes) {
    std::size_t best = 0;
    double bd = 1e300;
    for (std::size_t k = 0; k < rip.nro_at.size(); ++k) {
      double d = distance_km(C[i].centroid, C[rip.nro_at[k]].centroid);
      if (d < bd) { bd = d; best = k; }
    }
    C[i].nro = net.node(rip.nro_node[best]).id;
    if (C[i].phase2 == Phase2::None) rip.nro_phase1[best] = 1;
  }
}

// The RIP links: a minimum spanning tree over the NROs and the département's PoPs on the
// complete graph (straight distances; PoP–PoP pairs are already joined by the Dorsale, so
// free in the tree and not built). Links touching a phase-1 NRO are built, the others planned.
void add_rip_links(Builder& b, const Rip& rip) {
  Network& net = b.region.network;
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
  const int rip_pairs = int(b.P.network.rip_pairs);
  int lk = 0;
  for (std::size_t e : tree.edges) {
    const int x = edges[e].a, y = edges[e].b;
    if (x >= n_nro && y >= n_nro) continue;
    const Node& na = net.node(members[x]);
    const Node& nb = net.node(members[y]);
    Rng rng(b.seed ^ 0x519u, (std::uint64_t(rip.di) << 20) | std::uint64_t(lk));
    Link l;
    l.id = fmt::format("rip{}:{:03d}", rip.dep.code, ++lk);
    l.length_km = std::max(0.5, distance_km(na.pos, nb.pos) * b.P.network.rip_detour_factor);
    l.owner = rip.dep.rip_name;
    const bool phase1 = (x < n_nro && rip.nro_phase1[x]) || (y < n_nro && rip.nro_phase1[y]);
    l.status = phase1 ? LinkStatus::Owned : LinkStatus::Planned;
    l.pairs_total = rip_pairs;
    l.pairs_used = phase1 ? used_pairs(rip_pairs, b.P.network.rip_used_share, rng) : 0;
    l.build_eur_per_km = b.P.costs.build_eur_per_km;
    l.latency_ms = latency_ms(b, l.length_km);
    net.add_link(l, na.id, nb.id);
  }
}

}  // namespace

void add_dorsale(Builder& b) {
  for (int t = 0; t < b.tiles; ++t) {
    const Tile tile{t, t == 0 ? "" : fmt::format("t{}:", t), t == 0 ? "" : fmt::format(" ({})", t + 1)};
    add_hubs_and_pops(b, tile);
    const double detour = add_corridor_links(b, tile);
    add_data_centres_and_a31_cable(b, tile, detour);
  }
}

void add_rip_networks(Builder& b) {
  for (std::size_t di = 0; di < b.region.departements.size(); ++di) {
    Rip rip{di, b.region.departements[di], {}, {}, {}, {}};
    place_nros(b, rip);
    add_rip_links(b, rip);
  }
}

}  // namespace dorsale::scenarios::builtin
