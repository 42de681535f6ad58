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
#include "io/network_plan.h"  // NetworkPlan, read_network_plan
#include "io/projection.h"
#include "io/scenario.h"  // RegionSource::NetworkPlanChoice

namespace dorsale::scenarios {

// The built-in region's corridors (motorway corridors of the SCORAN) on real INSEE codes.
NetworkPlan bfc_network_plan();
// The national interconnection hubs a derived plan joins (real positions, WGS84): Paris, Lyon,
// Marseille, Strasbourg, Bordeaux, Lille.
std::vector<NetworkPlan::Hub> national_hubs();
// A plan derived from the region itself, for a region without a plan file (scenarios/README.md,
// "Derived network"): one PoP per département at its préfecture when known (network.derived_pop_rule)
// else its most populated commune (premises when the region has no population), corridors along a minimum spanning tree of the PoPs plus, for each
// PoP the tree leaves at an end, one to its nearest other PoP (no single corridor cut isolates
// it), each corridor its own duct, leased; transits from the nearest PoP to each of the
// network.derived_hubs national hubs nearest the region. No data centre.
NetworkPlan derived_network_plan(const Region& region, const Parameters& P);
// Whether every PoP of `plan` stands in a commune of the region.
bool plan_fits(const NetworkPlan& plan, const Region& region);
// The plan `choice` names ([region] network_plan): "builtin:bfc", "derived", "auto" (the BFC plan
// when it fits the region, else the derived one) or a plan file. Not "none".
NetworkPlan network_plan_for(const RegionSource::NetworkPlanChoice& choice, const Region& region, const Parameters& P);

// The RIP network of département `di`: NROs at the most populated communes at least
// network.nro_spacing_km apart (each commune gets its nearest NRO in Commune::nro), linked with
// the département's PoPs by a minimum spanning tree on straight distances ×
// network.rip_detour_factor. Links touching an NRO that `in_service` says serves a commune in
// service are owned (with used pairs drawn from `seed`), the others planned.
void add_rip_network(Region& region, const Parameters& P, std::uint64_t seed, std::size_t di,
                     const std::function<bool(const Commune&)>& in_service);

// Building blocks shared with the built-in region (ids and names prefixed by `pre`):
// the Dorsale and transit links of `corridors` between existing nodes (used pairs drawn from
// `seed` and `tile`); returns the detour factor applied to the Dorsale's straight distances:
// `detour` when > 0, else the one that makes the Dorsale measure network.dorsale_km.
double add_corridor_links(Network& net, const std::vector<NetworkPlan::Corridor>& corridors, const std::string& pre,
                          const Parameters& P, std::uint64_t seed, int tile, double detour = 0);
// A data centre network.data_centre_km east of its PoP, with its owned access link.
void add_data_centre(Network& net, const NetworkPlan::DataCentre& dc, const std::string& pre, const Parameters& P,
                     const Projection& proj);
// Used pairs of a cable in service: total × share × U(0.5, 1.5), clamped.
int drawn_used_pairs(int total, double share, Rng& rng);
// One-way propagation delay of `km` of fibre.
double latency_of(const Parameters& P, double km);

// Lays the whole network over an imported region that has none: hubs, PoPs and corridors of
// `plan` (Dorsale corridor lengths: see NetworkPlan::scale_to_dorsale_km; transits are scaled by
// network.transit_detour_factor), data centres, then
// one RIP per département whose NROs count as in service where the commune already has FttH
// premises passed (ARCEP). Records the rule in the region's provenance (derived, and
// network_origin). Throws InputError naming
// the plan's origin when a PoP's commune is not in the region.
void derive_network(Region& region, const NetworkPlan& plan, const Parameters& P, std::uint64_t seed);

}  // namespace dorsale::scenarios
