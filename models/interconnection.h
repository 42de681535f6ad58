#pragma once
// Interconnection requests to the Dorsale and the answers given to them.
//
// A request: "connect site S (a node, or a position off the network) to destination D (a node,
// any Dorsale point of presence, or an external hub) with N fibre pairs, protected or not".
// The answer: accept, accept_with_works (feasible but needs new build), or reject, with the
// route(s), the cost and the reasons a person can act on.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/geo.h"

namespace dorsale {

enum class Protection { None = 0, Diverse = 1 };  // diverse: two routes, no common link or duct

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

// How a queue is answered: first come, first served, or the joint choice of --mode optimal.
enum class QueueMode { FirstCome, Optimal };
// The diversity of a diverse request's accepted pair (None: not a diverse request).
enum class Diversity { None, RiskDisjoint, LinkOnly };

// Why a request is answered as it is: a typed record (what kind, the links and nodes it names,
// its figures) that the solver gives; its sentence is written by io::reason_text only
// (io/reasons.h). Text: a sentence read back from a file (decisions.json, the desk's register).
enum class ReasonKind {
  Text,
  NoNodeNearSite,       // no network node within km of an off-network site (interconnect.attach_max_km)
  NoPath,               // no path joins the site to the destination
  NoLinkDisjointPair,   // no two link-disjoint routes; links: those every route uses (may be none)
  NoRiskDisjointPair,   // no shared-risk-disjoint pair joins the site to the destination
  SharedRiskGroup,      // only link-disjoint: routes[0] and routes[1] (their links in `group`) share `group`
  AcceptLinkOnly,       // setting interconnect.link_only_diversity = "accept" would accept it
  LinkOnlyOverLatency,  // the fastest link-disjoint pair whatever the capacity (routes) is over the limit
  LinkTooFull,          // link (links[0], ends node - node_b) has free_pairs free, pairs requested
  NoneWithinCapacity,   // no `shape` within the capacity left
  OverLatency,          // the fastest `shape` (routes) takes latency_ms, over limit_ms
  NoneTogether,         // no route meets every constraint together
  NewBuild,             // km of new build from the site to `node`
  PlannedLinkBuilt,     // planned link (links[0], km long) must be built
  JointChoice,          // feasible alone, but its capacity serves more value in the joint choice
};
// What a route-level reason is about: one route, a link-disjoint or a shared-risk-disjoint pair.
enum class RouteShape { Route, LinkDisjointPair, RiskDisjointPair };
// A route a reason names: its links (indices and ids) and its new-build attachment, if any.
struct ReasonRoute {
  std::vector<int> links;
  std::vector<std::string> link_ids;
  double attach_km = 0;
  std::string attach_node;  // node id; empty: no attachment
  bool operator==(const ReasonRoute&) const = default;
};
struct Reason {
  Reason() = default;
  explicit Reason(ReasonKind k) : kind(k) {}
  Reason(ReasonKind k, int link, std::string link_id) : kind(k), links{link}, link_ids{std::move(link_id)} {}  // naming one link
  ReasonKind kind = ReasonKind::Text;
  std::vector<int> links;             // network link indices it names
  std::vector<std::string> link_ids;  // their ids
  std::string node, node_b;           // node ids (NewBuild: the node reached; LinkTooFull: the link's ends)
  std::string group;                  // SharedRiskGroup: the shared-risk group
  std::vector<ReasonRoute> routes;    // SharedRiskGroup, LinkOnlyOverLatency, OverLatency
  RouteShape shape = RouteShape::Route;
  bool whatever_capacity = false;     // OverLatency: the fastest whatever the capacity (else under the capacity left)
  double km = 0;                      // NoNodeNearSite: the limit; NewBuild, PlannedLinkBuilt: the length
  double latency_ms = 0, limit_ms = 0;
  int free_pairs = 0, pairs = 0;
  std::string text;                   // Text
  bool operator==(const Reason&) const = default;
};
// A list of reasons. Assigning sentences (read back from a file) makes Text records.
struct Reasons : std::vector<Reason> {
  using std::vector<Reason>::vector;
  Reasons() = default;
  Reasons(const std::vector<std::string>& texts);  // NOLINT: sentences read back are Text records
  Reasons& operator=(const std::vector<std::string>& texts);
};

struct RouteLink {
  std::string id;       // link id, or "new:<site>-<node>" for a new-build attachment
  int free_pairs_after = 0;  // free pairs left on the link right after this request (-1: new build)
  std::string built_by;      // a link planned before the queue: the request that builds it
};

struct InterconnectionDecision {
  std::string id;
  Decision decision = Decision::Reject;
  Reasons reasons;
  double capex_eur = 0, opex_eur = 0, total_eur = 0;
  double latency_ms = 0;                      // worst route
  std::vector<std::vector<std::string>> routes;       // node ids from site to destination
  std::vector<std::vector<RouteLink>> route_links;    // links of each route, in order
  double new_build_km = 0;
  std::vector<std::string> builds;  // planned links this request builds and pays for
  Diversity diversity = Diversity::None;
};

}  // namespace dorsale
