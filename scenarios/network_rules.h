#pragma once
// Rules that lay a fibre network over a region's communes: the Dorsale along a corridor plan
// (points of presence in named communes, corridors between them, transit links to external
// hubs, data centres beside PoPs), and one RIP network per département (NROs at the most
// populated communes, joined to the PoPs by a minimum spanning tree). The built-in region uses
// the RIP rule on its generated communes; an open-data region without a network of its own gets
// the whole derived network on its real communes (scenarios/README.md, "Derived network").
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/parameters.h"
#include "models/random.h"
#include "models/region.h"
#include "scenarios/projection.h"

namespace dorsale::scenarios {

// Where the Dorsale runs: a small table per region (the BFC one is built in; other regions give
// a TOML file, see read_network_plan).
struct NetworkPlan {
  struct Hub {
    std::string id, name;
    double lon = 0, lat = 0;  // WGS84, the hub's real position (outside the region)
  };
  struct Pop {
    std::string id;       // "pop:dijon"
    std::string commune;  // INSEE code of the commune hosting it (placed at its centroid)
  };
  struct Corridor {
    std::string a, b;      // PoP or hub ids
    std::string corridor;  // "A6", informational
    std::string duct;      // shared-risk group
    bool owned = false;    // owned by the Région (else leased)
    bool transit = false;  // link to an external hub, leased from national carriers
  };
  struct DataCentre {
    std::string id, name;
    std::string pop;  // PoP it stands beside
  };
  std::string origin;  // "builtin:bfc" or the file read
  std::vector<Hub> hubs;
  std::vector<Pop> pops;
  std::vector<Corridor> corridors;
  std::vector<DataCentre> data_centres;
};

// The built-in region's corridors (motorway corridors of the SCORAN) on real INSEE codes.
NetworkPlan bfc_network_plan();
// Reads a plan: [[hub]] id, name, lon, lat; [[pop]] id, commune; [[corridor]] a, b, corridor,
// duct, owned, transit; [[data_centre]] id, name, pop. Throws InputError (file, line, key).
NetworkPlan read_network_plan(const std::string& path);

// The RIP network of département `di`: NROs at the most populated communes at least
// network.nro_spacing_km apart (each commune gets its nearest NRO in Commune::nro), linked with
// the département's PoPs by a minimum spanning tree on straight distances ×
// network.rip_detour_factor. Links touching an NRO that `in_service` says serves a commune in
// service are owned (with used pairs drawn from `seed`), the others planned.
void add_rip_network(Region& region, const Parameters& P, std::uint64_t seed, std::size_t di,
                     const std::function<bool(const Commune&)>& in_service);

// Building blocks shared with the built-in region (ids and names prefixed by `pre`):
// the Dorsale and transit links of `corridors` between existing nodes (used pairs drawn from
// `seed` and `tile`); returns the detour factor applied to the Dorsale's straight distances.
double add_corridor_links(Network& net, const std::vector<NetworkPlan::Corridor>& corridors, const std::string& pre,
                          const Parameters& P, std::uint64_t seed, int tile);
// A data centre network.data_centre_km east of its PoP, with its owned access link.
void add_data_centre(Network& net, const NetworkPlan::DataCentre& dc, const std::string& pre, const Parameters& P,
                     const Projection& proj);
// Used pairs of a cable in service: total × share × U(0.5, 1.5), clamped.
int drawn_used_pairs(int total, double share, Rng& rng);
// One-way propagation delay of `km` of fibre.
double latency_of(const Parameters& P, double km);

// Lays the whole network over an imported region that has none: hubs, PoPs and corridors of
// `plan` (Dorsale corridor lengths are straight distances scaled so that the Dorsale measures
// network.dorsale_km; transits are scaled by network.transit_detour_factor), data centres, then
// one RIP per département whose NROs count as in service where the commune already has FttH
// premises passed (ARCEP). Records the rule in the region's provenance. Throws InputError naming
// the plan's origin when a PoP's commune is not in the region.
void derive_network(Region& region, const NetworkPlan& plan, const Parameters& P, std::uint64_t seed);

}  // namespace dorsale::scenarios
