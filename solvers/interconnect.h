#pragma once
// Evaluation of interconnection requests on the network: cheapest route (or cheapest diverse
// pair) over links with enough free pairs, cost = new-build capex + lease opex over the
// horizon, latency from length, decision with reasons; first-come queues that reserve
// capacity; a joint choice (MILP over candidate routes grown by column generation, each planned
// link a fixed-charge build shared by the requests that use it) with an upper bound on the
// accepted value that holds over every route.
//
// Complexity: one evaluation is one Dijkstra (LEMON) on the network plus O(E) to price the
// links; a diverse one is one Suurballe plus up to three Dijkstras for shared-risk groups. A
// rejection is diagnosed with a few more searches; a diverse one with a small arc-flow MILP
// (the fastest shared-risk-disjoint pair, exact). The capacity-free searches of a diagnosis are
// memoised (per request shape and built-link state), and a capacitated search is preceded by an
// O(E) reachability test: a saturated queue's rejection costs about one search.
// The Network must outlive the Interconnect. Not thread-safe (it reuses one graph).
#include <memory>
#include <vector>

#include "models/interconnection.h"
#include "models/network.h"
#include "solvers/mip.h"

namespace dorsale::solvers {

// Filled from the parameters by planner::interconnect_params: no defaults of its own.
struct InterconnectParams {
  double attach_detour_factor{};
  int attach_candidates{};
  double attach_max_km{};
  double build_eur_per_km{};        // new-build attachments
  double owned_eur_per_pair_km_year{};
  double latency_us_per_km{};
  bool accept_link_only_diversity{};
};

// Free pairs of each link and whether planned links have been built, indexed like links().
struct LinkState {
  std::vector<int> free;
  std::vector<char> built;
  static LinkState of(const Network& net);
};

// One way to serve a request: one route, or two for a diverse request.
struct RouteOption {
  struct Route {
    std::vector<int> nodes;   // network node indices, site first (an off-network site: -1)
    std::vector<int> links;   // network link indices; an attachment is not a network link
    int attach_node = -1;     // node the off-network site attaches to, or -1
    double attach_km = 0;
    double length_km = 0;
    double latency_ms = 0;
  };
  std::vector<Route> routes;
  double capex = 0, opex = 0;
  bool risk_disjoint = true;
  Reasons notes;  // e.g. the shared-risk groups of a link-only pair (ReasonKind::SharedRiskGroup)
  double total() const { return capex + opex; }
  bool needs_works(const LinkState& s) const;
};

struct Evaluation {
  Decision decision = Decision::Reject;
  Reasons reasons;
  std::optional<RouteOption> option;
  // Filled by the queues when the request is accepted: the planned links it builds (and pays
  // for: later requests use them as owned) and, per route, the free pairs of its links right
  // after its reservation (same order as option->routes[k].links).
  std::vector<int> builds;
  std::vector<std::vector<int>> free_after;
};

// How a queue is answered (models/interconnection.h; spelled by io/spelling.h).
using dorsale::QueueMode;

class Interconnect {
 public:
  Interconnect(const Network& net, InterconnectParams params);
  ~Interconnect();

  // Evaluates one request against the given capacity state (nothing is reserved).
  // Fast path (first-come queues): a reachability test over the links with enough free pairs
  // before each capacitated search, no capacitated fastest-route search when the capacitated
  // graph has no route at all, and the capacity-free part of a rejection's diagnosis (topology,
  // fastest route whatever the capacity, the route capacity would allow) memoised per request
  // shape (site, destination, pairs, horizon, protection, latency limit) and built-link state.
  // Same answers as evaluate_reference (tests check it on random queues).
  Evaluation evaluate(const InterconnectionRequest& r, const LinkState& state) const;
  // The plain code path: every search run, nothing memoised (the tests' reference).
  Evaluation evaluate_reference(const InterconnectionRequest& r, const LinkState& state) const;
  // Up to k distinct options (cheapest first) for the joint optimisation.
  std::vector<RouteOption> options(const InterconnectionRequest& r, const LinkState& state, int k) const;
  // Reserves the option's pairs on its links; planned links become built.
  void reserve(LinkState& state, const RouteOption& o, int pairs) const;
  // Capex and opex of an option, recomputed from its parts (what tests check against).
  void price(RouteOption& o, const InterconnectionRequest& r, const LinkState& state) const;
  // The decision record written to decisions.json. `after`: the state whose free pairs are
  // shown when the evaluation has no free_after of its own; builder_ids[l]: the id of the
  // request of the queue that builds planned link l (empty: none, or in service before).
  InterconnectionDecision describe(const InterconnectionRequest& r, const Evaluation& e, const LinkState& after,
                                   const std::vector<std::string>& builder_ids = {}) const;
  // The fastest route (or shared-risk-disjoint pair; link-disjoint only when
  // accept_link_only_diversity) of r under the capacity of `s`, by latency; for a pair, one
  // within r's latency limit when there is one, else the one whose slower route is fastest
  // (exact: an arc-flow MILP). nullopt when there is none. Priced against s.
  std::optional<RouteOption> fastest(const InterconnectionRequest& r, const LinkState& s) const;
  // A lower bound on sum of w[l] over the distinct links of any feasible route (pair) of r under
  // the capacity of s (Dijkstra / Suurballe on w plus a Lagrangian term for the latency limit);
  // +inf when r has no route. *column: the cheapest such route found that meets every rule
  // of r, when one does. Used by the column generation of run_optimal.
  double price_lower_bound(const InterconnectionRequest& r, const LinkState& s, const std::vector<double>& w,
                           std::optional<RouteOption>* column) const;
  // Every route (pair) of r under the capacity of s meeting every rule of r whose sum of w over
  // its distinct links is <= budget; false (out partial) when there are more than cap.
  bool enumerate_routes(const InterconnectionRequest& r, const LinkState& s, const std::vector<double>& w, double budget,
                        std::size_t cap, std::vector<RouteOption>& out) const;
  // The same lower bound, exact (an arc-flow MILP over every route, every rule of r), with the
  // route (pair) that attains it; +inf when r has no route within the capacity of s.
  std::pair<double, std::optional<RouteOption>> price_exact(const InterconnectionRequest& r, const LinkState& s,
                                                            const std::vector<double>& w) const;

  const Network& network() const { return net_; }
  const InterconnectParams& params() const { return p_; }

 struct Impl;  // the LEMON graph reused across evaluations (interconnect.cpp)

 private:
  // The steps of evaluate(): an accepted option, or the diagnosis of a rejection (topology,
  // capacity, latency reasons, each a true statement about the state it is given).
  Evaluation accepted(const InterconnectionRequest& r, const LinkState& s, RouteOption o) const;
  Evaluation diagnose(const InterconnectionRequest& r, const LinkState& s, const std::optional<RouteOption>& fast) const;
  Evaluation diagnose_reference(const InterconnectionRequest& r, const LinkState& s, const std::optional<RouteOption>& fast) const;
  bool topology_reason(const InterconnectionRequest& r, const LinkState& s, Reasons& out) const;
  void capacity_reasons(const InterconnectionRequest& r, const LinkState& s, const LinkState& relaxed,
                        const std::optional<RouteOption>& wide, Reasons& out) const;
  void latency_reason(const InterconnectionRequest& r, const std::optional<RouteOption>& f, bool relaxed, Reasons& out) const;
  void too_full(const InterconnectionRequest& r, const LinkState& s, const RouteOption& o, Reasons& out) const;
  // fastest(r, s) as if link-only diversity were accepted (what the setting would give)
  std::optional<RouteOption> fastest_link_only(const InterconnectionRequest& r, const LinkState& s) const;
  // No shared-risk-disjoint pair whatever the capacity: the binding reason first. When even
  // the fastest link-disjoint pair whatever the capacity (`link_only`) breaks the latency
  // limit, that latency leads, then the shared ducts (`notes`); else the shared ducts, then the
  // hint to set interconnect.link_only_diversity = "accept" only when that setting alone would
  // accept the request under `s`, or else the links too full on `link_only`.
  void no_risk_disjoint_reasons(const InterconnectionRequest& r, const LinkState& s, const Reasons& notes,
                                const std::optional<RouteOption>& link_only, Reasons& out) const;

  const Network& net_;
  mutable InterconnectParams p_;  // mutable only for fastest_link_only's scoped switch
  std::unique_ptr<Impl> impl_;
};

struct QueueResult {
  std::vector<Evaluation> evaluations;  // in the order of the input requests
  LinkState final_state;
  std::vector<int> builder;             // per link: the request (index) that builds it, or -1
  double accepted_value = 0;
  // --mode optimal only:
  std::optional<MipResult> mip;
  double fcfs_value = 0;
  // Upper bound on the accepted value over every route of every request (column-generation
  // Lagrangian bound, valid whatever the candidate routes), and the routes the MILP chose among.
  double all_routes_bound = 0;
  int routes_considered = 0;
  int pricing_rounds = 0;
  // The second, lexicographic stage: the least cost (EUR, each planned link once) among the
  // candidate-route solutions of the value found: objective = the chosen set's cost, bound = a
  // lower bound on that cost, gap = (objective - bound) / max(1, objective).
  std::optional<MipResult> cost_mip;
};

// Accepts request i (of reqs) with option o on the queue's current state q.final_state, in
// queue order: prices o against it (the planned links not built yet are this request's to
// build and pay for), sets the decision and the works reasons, records the builds, reserves,
// and records the free pairs right after.
void accept_in_queue(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, int i, RouteOption o,
                     QueueResult& q);

// First come, first served: requests in `order` (indices), capacity reserved as they are
// accepted.
QueueResult run_fcfs(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                     const std::vector<int>& order, const LinkState& initial);
// The candidate options of each request in the joint choice: its first-come route (when
// accepted by `fcfs`) then up to `route_options` cheapest routes on the initial state (or the
// route evaluate() finds, when options() finds none); options that are not risk-disjoint for
// a diverse request are left out (unless link-only diversity is accepted).
std::vector<std::vector<RouteOption>> candidate_options(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                                                        const QueueResult& fcfs, const LinkState& initial, int route_options);
// Joint choice of requests and routes maximising the accepted value under link capacities,
// then (lexicographic: a second MILP at that value) the least cost, each planned link a
// fixed-charge build counted once. MILP over the candidate routes (the first-come ones among
// them: never worse than first-come) grown by column generation; all_routes_bound bounds the
// value over every route. The chosen requests are then replayed in queue order (`order`): the
// first that uses a planned link builds it, later ones use it as owned.
// Column generation (used by run_optimal): grows opts with the routes whose reduced value is
// positive under the duals of the value LP, and returns an upper bound on the accepted value
// over every route of every request, with the link duals w and the per-request lower bounds
// pi (of sum w over a route) that prove it: bound = sum_l free_l w_l + sum_i max(0, v_i - pairs_i pi_i).
struct ColumnBound {
  double bound = 0;
  std::vector<double> w, pi;
  int rounds = 0;
};
ColumnBound grow_columns(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const LinkState& initial,
                         std::vector<std::vector<RouteOption>>& opts, double time_limit_s);
QueueResult run_optimal(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                        const std::vector<int>& order, const LinkState& initial, int route_options,
                        MipBackend backend, double time_limit_s);

}  // namespace dorsale::solvers
