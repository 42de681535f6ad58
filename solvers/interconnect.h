#pragma once
// Evaluation of interconnection requests on the network: cheapest route (or cheapest diverse
// pair) over links with enough free pairs, cost = new-build capex + lease opex over the
// horizon, latency from length, decision with reasons; first-come queues that reserve
// capacity; a joint MILP over candidate routes.
//
// Complexity: one evaluation is one Dijkstra (LEMON) on the network plus O(E) to price the
// links; a diverse one is one Suurballe plus up to three Dijkstras for shared-risk groups.
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
  std::vector<std::string> notes;  // e.g. "only link-disjoint: ..."
  double total() const { return capex + opex; }
  bool needs_works(const LinkState& s) const;
};

struct Evaluation {
  Decision decision = Decision::Reject;
  std::vector<std::string> reasons;
  std::optional<RouteOption> option;
};

class Interconnect {
 public:
  Interconnect(const Network& net, InterconnectParams params);
  ~Interconnect();

  // Evaluates one request against the given capacity state (nothing is reserved).
  Evaluation evaluate(const InterconnectionRequest& r, const LinkState& state) const;
  // Up to k distinct options (cheapest first) for the joint optimisation.
  std::vector<RouteOption> options(const InterconnectionRequest& r, const LinkState& state, int k) const;
  // Reserves the option's pairs on its links; planned links become built.
  void reserve(LinkState& state, const RouteOption& o, int pairs) const;
  // Capex and opex of an option, recomputed from its parts (what tests check against).
  void price(RouteOption& o, const InterconnectionRequest& r, const LinkState& state) const;
  // The decision record written to decisions.json.
  InterconnectionDecision describe(const InterconnectionRequest& r, const Evaluation& e, const LinkState& after) const;

  const Network& network() const { return net_; }

 struct Impl;  // the LEMON graph reused across evaluations (interconnect.cpp)

 private:
  const Network& net_;
  InterconnectParams p_;
  std::unique_ptr<Impl> impl_;
};

struct QueueResult {
  std::vector<Evaluation> evaluations;  // in the order of the input requests
  LinkState final_state;
  double accepted_value = 0;
  // --mode optimal only:
  std::optional<MipResult> mip;
  double fcfs_value = 0;
};

// First come, first served: requests in `order` (indices), capacity reserved as they are
// accepted.
QueueResult run_fcfs(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                     const std::vector<int>& order, const LinkState& initial);
// The candidate options of each request in the joint choice: its first-come route (when
// accepted by `fcfs`) then up to `route_options` cheapest routes on the initial state;
// options that are not risk-disjoint for a diverse request are left out.
std::vector<std::vector<RouteOption>> candidate_options(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                                                        const QueueResult& fcfs, const LinkState& initial, int route_options);
// Joint choice of requests and routes maximising the accepted value under link capacities
// (MILP over candidate routes, the first-come routes among them: never worse than first-come).
QueueResult run_optimal(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                        const std::vector<int>& order, const LinkState& initial, int route_options,
                        MipBackend backend, double time_limit_s);

}  // namespace dorsale::solvers
