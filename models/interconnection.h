#pragma once
// Interconnection requests to the Dorsale and the answers given to them.
//
// A request: "connect site S (a node, or a position off the network) to destination D (a node,
// any Dorsale point of presence, or an external hub) with N fibre pairs, protected or not".
// The answer: accept, accept_with_works (feasible but needs new build), or reject, with the
// route(s), the cost and the reasons a person can act on.
#include <optional>
#include <string>
#include <vector>

#include "models/geo.h"

namespace dorsale {

enum class Protection { None = 0, Diverse = 1 };  // diverse: two routes, no common link or duct
const char* protection_key(Protection p);          // "none", "diverse"

struct Destination {
  enum class Kind { Node, AnyDorsalePop, Hub } kind = Kind::AnyDorsalePop;
  std::string id;  // node id (Node) or hub name (Hub, e.g. "Paris"); empty for AnyDorsalePop
};

struct InterconnectionRequest {
  std::string id;
  std::string requester;
  std::string site_node;            // network node id; empty when the site is off the network
  std::optional<Position> site_pos; // off-network site (lon/lat given, x/y filled by scenarios/)
  Destination destination;
  int pairs = 1;                    // fibre pairs wanted (> 0)
  Protection protection = Protection::None;
  std::optional<double> max_latency_ms;
  int horizon_years = 10;           // years of lease counted in the cost
  std::string submitted;            // ISO date (YYYY-MM-DD); the queue's order
  double value = 1;                 // what accepting it is worth, for --mode optimal
  long line = 0;                    // line (CSV) or element (JSON, 1-based) in the request file
};

enum class Decision { Accept = 0, AcceptWithWorks = 1, Reject = 2 };
const char* decision_key(Decision d);  // "accept", "accept_with_works", "reject"

struct RouteLink {
  std::string id;       // link id, or "new:<site>-<node>" for a new-build attachment
  int free_pairs_after = 0;  // free pairs left on the link right after this request (-1: new build)
  std::string built_by;      // a link planned before the queue: the request that builds it
};

struct InterconnectionDecision {
  std::string id;
  Decision decision = Decision::Reject;
  std::vector<std::string> reasons;
  double capex_eur = 0, opex_eur = 0, total_eur = 0;
  double latency_ms = 0;                      // worst route
  std::vector<std::vector<std::string>> routes;       // node ids from site to destination
  std::vector<std::vector<RouteLink>> route_links;    // links of each route, in order
  double new_build_km = 0;
  std::vector<std::string> builds;  // planned links this request builds and pays for
  std::string diversity;  // "", "risk_disjoint", "link_only"
};

}  // namespace dorsale
