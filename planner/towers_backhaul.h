#pragma once
// The towers' backhaul (planner/towers.cpp only): a site routed like an interconnection request
// to any Dorsale point of presence, and the ledger that prices the sites of one plan in order,
// each planned link built and paid once.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/high_point.h"
#include "models/interconnection.h"
#include "models/parameters.h"
#include "models/region.h"
#include "models/results.h"
#include "models/towers.h"
#include "planner/interconnect.h"
#include "planner/quantities.h"
#include "solvers/interconnect.h"

namespace dorsale::planner::towers_detail {

// Backhaul of a site: routed like an interconnection request (1 pair to any Dorsale point of
// presence) on the region's network.
struct Backhaul {
  const Region& R;
  const Parameters& P;
  solvers::Interconnect ic{R.network, interconnect_params(P)};
  solvers::LinkState initial = solvers::LinkState::of(R.network);
  // one solver per thread for the parallel passes (a solver's search state is its own; its
  // answers do not depend on what it answered before)
  mutable tbb::enumerable_thread_specific<std::unique_ptr<solvers::Interconnect>> per_thread{
      [this] { return std::make_unique<solvers::Interconnect>(R.network, interconnect_params(P)); }};
  const solvers::Interconnect& solver() const { return *per_thread.local(); }
  // per link: the year the roll-out's collecte builds it (built in `initial`, paid by the
  // roll-out), -1 when it does not
  std::vector<int> rollout_year = std::vector<int>(R.network.links().size(), -1);

  void built_by(const RolloutResults& rollout) {
    for (const auto& c : rollout.collecte) {
      const int l = collecte_planned_link(R.network, c);
      if (l < 0) continue;
      if (rollout_year[std::size_t(l)] < 0 || c.year < rollout_year[std::size_t(l)]) rollout_year[std::size_t(l)] = c.year;
      initial.built[std::size_t(l)] = 1;
    }
  }

  InterconnectionRequest request(const HighPoint& h) const {
    InterconnectionRequest r;
    r.id = h.id;
    r.site_pos = h.pos;
    r.destination = {Destination::Kind::AnyDorsalePop, ""};
    r.pairs = 1;
    r.horizon_years = int(P.towers.backhaul_horizon_years);
    r.submitted = "2019-01-01";
    return r;
  }
  // The site connected alone on the network as it is: (total cost, new-build km), cost -1
  // when unreachable; `planned_eur`: the planned links in that cost. Used to rank the
  // candidates; a plan is priced by a BackhaulLedger.
  std::pair<double, double> alone(const HighPoint& h, const solvers::Interconnect& with) const {
    const auto e = with.evaluate(request(h), initial);
    if (e.decision == Decision::Reject || !e.option) return {-1, 0};
    return {e.option->total(), e.option->routes.front().attach_km};
  }
  // The same with the planned links of its route, each link's build cost in route order.
  struct Alone {
    double cost = -1;
    std::vector<double> planned_eur;
  };
  Alone alone_parts(const HighPoint& h, const solvers::Interconnect& with) const {
    const auto e = with.evaluate(request(h), initial);
    Alone a;
    if (e.decision == Decision::Reject || !e.option) return a;
    a.cost = e.option->total();
    for (int l : e.option->routes.front().links)
      if (!initial.built[l]) a.planned_eur.push_back(R.network.links()[l].build_eur_per_km * R.network.links()[l].length_km);
    return a;
  }
};

using BackhaulAlone = Backhaul::Alone;

// What one site pays for its backhaul within a plan.
struct SiteBackhaul {
  bool reachable = false;
  double cost = 0, km = 0, planned_links_eur = 0;
  std::vector<std::string> paid, used;  // planned links built by this site / by an earlier one
  std::vector<std::pair<double, double>> line;
  std::string departement;  // of the attachment node
};

// Prices the sites of one plan in order: each site's route is found on the network with the
// planned links the earlier sites built, so a planned link is built, and paid, once: by the
// first site that needs it; later sites pay its operating cost only (owned link).
class BackhaulLedger {
 public:
  explicit BackhaulLedger(const Backhaul& b) : b_(b), state_(b.initial) {}

  SiteBackhaul charge(const HighPoint& h, int year) {
    bool built = false;
    return apply(h, year, b_.alone_parts(h, b_.ic), b_.ic.evaluate(b_.request(h), state_), built);
  }

  // charge() of each site in order, the routing in parallel: a site's route depends on the
  // planned links the earlier sites built, so the sites are routed by batches on the state
  // before the batch, and a batch is cut after the first site that builds a link (the sites
  // after it are routed again on the new state): every site is routed on the state charge()
  // would give it, so the answers are the same on any thread count.
  std::vector<SiteBackhaul> charge_all(const std::vector<const HighPoint*>& sites, int year) {
    const std::size_t n = sites.size();
    std::vector<BackhaulAlone> alone(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const tbb::blocked_range<std::size_t>& r) {
      const solvers::Interconnect& ic = b_.solver();
      for (std::size_t k = r.begin(); k < r.end(); ++k) alone[k] = b_.alone_parts(*sites[k], ic);
    });
    std::vector<SiteBackhaul> out;
    out.reserve(n);
    std::vector<solvers::Evaluation> routed;
    for (std::size_t start = 0, batch = 1; start < n;) {
      const std::size_t end = std::min(n, start + batch);
      routed.assign(end - start, solvers::Evaluation{});
      tbb::parallel_for(tbb::blocked_range<std::size_t>(start, end, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        const solvers::Interconnect& ic = b_.solver();
        for (std::size_t k = r.begin(); k < r.end(); ++k) routed[k - start] = ic.evaluate(b_.request(*sites[k]), state_);
      });
      bool built = false;
      std::size_t k = start;
      while (k < end && !built) {
        out.push_back(apply(*sites[k], year, alone[k], routed[k - start], built));
        ++k;
      }
      start = k;  // after a site that built a link, the next ones are routed again
      batch = built ? 1 : std::min<std::size_t>(2 * batch, 512);
    }
    return out;
  }
  const BackhaulAccount& account() const { return account_; }

 private:
  // Charges one site: `alone` is its route alone on the network as it is, `e` its route on the
  // plan's state; `built` is set when the route builds a planned link.
  SiteBackhaul apply(const HighPoint& h, int year, const BackhaulAlone& alone, const solvers::Evaluation& e, bool& built) {
    SiteBackhaul s;
    for (double eur : alone.planned_eur) account_.planned_links_each_alone_eur += eur;
    if (alone.cost >= 0) account_.backhaul_each_alone_eur += alone.cost;
    if (e.decision == Decision::Reject || !e.option) {
      ++account_.unreachable_sites;
      return s;
    }
    const auto& route = e.option->routes.front();
    s.reachable = true;
    s.cost = e.option->total();
    s.km = route.attach_km;
    if (route.attach_node >= 0) s.departement = b_.R.network.node(route.attach_node).departement;
    polyline(h, route, s.line);
    for (int l : route.links) {
      if (const int y = b_.rollout_year[std::size_t(l)]; y >= 0) {  // the roll-out's collecte builds and pays it
        s.used.push_back(b_.R.network.links()[l].id);
        if (from_rollout_.insert(l).second) account_.built_by_rollout.push_back(build_of(l, "collecte", y));
        continue;
      }
      if (b_.initial.built[l]) continue;  // not a planned link
      if (state_.built[l]) {
        s.used.push_back(b_.R.network.links()[l].id);
        continue;
      }
      s.paid.push_back(b_.R.network.links()[l].id);
      account_.planned_links.push_back(build_of(l, h.id, year));
      s.planned_links_eur += account_.planned_links.back().cost_eur;
    }
    // the planned links are built from now on; the pairs a site's backhaul takes are not
    // reserved (as before the programme was priced in order: capacity is not modelled here)
    for (int l : route.links)
      if (!state_.built[l]) {
        state_.built[l] = 1;
        built = true;
      }
    account_.planned_links_eur += s.planned_links_eur;
    account_.backhaul_eur += s.cost;
    return s;
  }
  PlannedLinkBuild build_of(int l, const std::string& site, int year) const {
    const auto& net = b_.R.network;
    const Link& k = net.links()[l];
    return {k.id, site, year, k.length_km, k.build_eur_per_km * k.length_km,
            {{net.node(k.a).pos.x, net.node(k.a).pos.y}, {net.node(k.b).pos.x, net.node(k.b).pos.y}}};
  }
  void polyline(const HighPoint& h, const solvers::RouteOption::Route& route, std::vector<std::pair<double, double>>& line) const {
    line.push_back({h.pos.x, h.pos.y});
    for (std::size_t k = 1; k < route.nodes.size(); ++k)
      line.push_back({b_.R.network.node(route.nodes[k]).pos.x, b_.R.network.node(route.nodes[k]).pos.y});
  }

  const Backhaul& b_;
  solvers::LinkState state_;
  BackhaulAccount account_;
  std::set<int> from_rollout_;  // links already in account_.built_by_rollout
};

}  // namespace dorsale::planner::towers_detail
