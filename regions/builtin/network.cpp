// Built-in region, networks: the Dorsale along the motorway corridors with transit links to
// the external hubs and two data centres, then one RIP network per département (NROs at the
// larger communes joined by a minimum spanning tree).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/random.h"
#include "regions/builtin/builtin.h"
#include "regions/builtin/reference_data.h"
#include "regions/network_rules.h"

namespace dorsale::scenarios::builtin {

namespace {

double latency_ms(const Builder& b, double km) { return latency_of(b.P, km); }

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

// A second cable of the Côte-d'Or RIP in the A31 duct beside the Dorsale (same risk).
void add_a31_cable(Builder& b, const Tile& tile, double detour) {
  Network& net = b.region.network;
  const std::string& pre = tile.pre;
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

}  // namespace

void add_dorsale(Builder& b) {
  const NetworkPlan plan = bfc_network_plan();
  for (int t = 0; t < b.tiles; ++t) {
    const Tile tile{t, t == 0 ? "" : fmt::format("t{}:", t), t == 0 ? "" : fmt::format(" ({})", t + 1)};
    add_hubs_and_pops(b, tile);
    const double detour = add_corridor_links(b.region.network, plan.corridors, tile.pre, b.P, b.seed, t);
    for (const auto& dc : plan.data_centres) add_data_centre(b.region.network, dc, tile.pre, b.P, b.proj);
    add_a31_cable(b, tile, detour);
  }
}

void add_rip_networks(Builder& b) {
  // an NRO serving a commune without phase 2 is built in phase 1: its links are in service
  for (std::size_t di = 0; di < b.region.departements.size(); ++di)
    add_rip_network(b.region, b.P, b.seed, di, [](const Commune& c) { return c.phase2 == Phase2::None; });
}

}  // namespace dorsale::scenarios::builtin
