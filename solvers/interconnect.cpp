#include "solvers/interconnect.h"

#include "solvers/interconnect_impl.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <fmt/format.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>
#include <lemon/suurballe.h>

#include <lemon/glpk.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace dorsale::solvers {

using namespace interconnect_detail;

LinkState LinkState::of(const Network& net) {
  LinkState s;
  for (const auto& l : net.links()) {
    s.free.push_back(l.pairs_free());
    s.built.push_back(l.status != LinkStatus::Planned);
  }
  return s;
}

bool RouteOption::needs_works(const LinkState& s) const {
  for (const auto& r : routes) {
    if (r.attach_node >= 0) return true;
    for (int l : r.links)
      if (!s.built[l]) return true;
  }
  return false;
}

Interconnect::Interconnect(const Network& net, InterconnectParams params)
    : net_(net), p_(params), impl_(std::make_unique<Impl>()) {
  auto& I = *impl_;
  for (std::size_t i = 0; i < net.nodes().size(); ++i) I.node.push_back(I.g.addNode());
  I.site = I.g.addNode();
  I.sink = I.g.addNode();
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const auto& l = net.links()[j];
    I.fwd.push_back(I.g.addArc(I.node[l.a], I.node[l.b]));
    I.bwd.push_back(I.g.addArc(I.node[l.b], I.node[l.a]));
    I.kind[I.fwd.back()] = I.kind[I.bwd.back()] = int(j);
  }
  for (std::size_t i = 0; i < net.nodes().size(); ++i)
    if (net.node(int(i)).kind == NodeKind::DorsalePop) {
      Arc a = I.g.addArc(I.node[i], I.sink);
      I.kind[a] = kSinkArc;
      I.len[a] = 0;
      I.sink_arcs.push_back(a);
    }
  I.penalty.assign(net.links().size(), 1.0);
  for (const auto& l : net.links()) {  // FNV-1a of the ends' ids, in order: the same whatever the link's index or direction
    const std::string& a = net.node(l.a).id;
    const std::string& b = net.node(l.b).id;
    std::uint64_t h = 14695981039346656037ULL;
    for (const std::string* id : {a < b ? &a : &b, a < b ? &b : &a}) {
      for (unsigned char ch : *id) h = (h ^ ch) * 1099511628211ULL;
      h = (h ^ 0xffu) * 1099511628211ULL;
    }
    h ^= h >> 29, h *= 0xbf58476d1ce4e5b9ULL, h ^= h >> 32;
    I.tie.push_back(kTieUnit * double(1 + (h >> 48)));
  }
  I.banned.assign(net.links().size(), 0);
  const std::size_t n = net.nodes().size();
  std::vector<int> degree(n, 0);
  for (const auto& l : net.links()) ++degree[l.a], ++degree[l.b];
  I.adj_start.assign(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) I.adj_start[v + 1] = I.adj_start[v] + degree[v];
  I.adj_link.resize(I.adj_start[n]);
  I.adj_to.resize(I.adj_start[n]);
  std::vector<int> at(I.adj_start.begin(), I.adj_start.end() - 1);
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const auto& l = net.links()[j];
    I.adj_link[at[l.a]] = int(j), I.adj_to[at[l.a]++] = l.b;
    I.adj_link[at[l.b]] = int(j), I.adj_to[at[l.b]++] = l.a;
  }
  I.is_pop.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) I.is_pop[i] = net.node(int(i)).kind == NodeKind::DorsalePop;
  I.seen.assign(n, 0);
  I.link_seen.assign(net.links().size(), 0);
  for (std::size_t i = 0; i < n; ++i)
    if (net.node(int(i)).kind == NodeKind::ExternalHub) I.hub[net.node(int(i)).name] = int(i);
}

Interconnect::~Interconnect() = default;

void Interconnect::price(RouteOption& o, const InterconnectionRequest& r, const LinkState& s) const {
  o.capex = o.opex = 0;
  std::set<int> charged;  // a planned link used by both routes is built once
  for (const auto& route : o.routes) {
    o.capex += route.attach_km * p_.build_eur_per_km;
    for (int l : route.links) {
      const Link& link = net_.links()[l];
      if (!s.built[l]) {
        if (charged.insert(l).second) o.capex += link.build_eur_per_km * link.length_km;
      } else {
        o.opex += link_cost(link, p_, r, true);
      }
    }
  }
}

// ---- evaluation ----------------------------------------------------------------------------

Evaluation Interconnect::evaluate(const InterconnectionRequest& r, const LinkState& s) const {
  if (impl_->reference) return evaluate_reference(r, s);
  auto opts = options(r, s, 1);
  if (!opts.empty()) return accepted(r, s, std::move(opts.front()));
  // no route (pair) at all within capacity: the fastest one under the same capacity is none too
  std::optional<RouteOption> f;
  if (!impl_->none_within_capacity) f = fastest(r, s);
  if (f && Searcher{*impl_, net_, p_, r, s, *this}.latency_ok(*f))
    return accepted(r, s, std::move(*f));  // the exact search finds what the heuristic missed
  return diagnose(r, s, f);
}

Evaluation Interconnect::evaluate_reference(const InterconnectionRequest& r, const LinkState& s) const {
  struct Plain {  // the fast path off for this call (restored on exit, exceptions included)
    Impl& I;
    bool was;
    explicit Plain(Impl& i) : I(i), was(i.reference) { I.reference = true; }
    ~Plain() { I.reference = was; }
  } plain(*impl_);
  auto opts = options(r, s, 1);
  if (!opts.empty()) return accepted(r, s, std::move(opts.front()));
  auto f = fastest(r, s);
  if (f && Searcher{*impl_, net_, p_, r, s, *this}.latency_ok(*f))
    return accepted(r, s, std::move(*f));  // the exact search finds what the heuristic missed
  return diagnose_reference(r, s, f);
}

Evaluation Interconnect::accepted(const InterconnectionRequest& r, const LinkState& s, RouteOption o) const {
  Evaluation e;
  e.option = std::move(o);
  e.reasons = e.option->notes;
  if (!e.option->risk_disjoint && !p_.accept_link_only_diversity) {
    e.decision = Decision::Reject;
    e.reasons.push_back(Reason{ReasonKind::AcceptLinkOnly});
    return e;
  }
  e.decision = e.option->needs_works(s) ? Decision::AcceptWithWorks : Decision::Accept;
  for (auto& w : works_reasons(net_, *e.option, s)) e.reasons.push_back(std::move(w));
  return e;
}

std::vector<RouteOption> Interconnect::options(const InterconnectionRequest& r, const LinkState& s, int k) const {
  auto& I = *impl_;
  std::vector<RouteOption> out;
  std::set<std::vector<int>> seen;
  if (I.penalty_dirty) std::fill(I.penalty.begin(), I.penalty.end(), 1.0), I.penalty_dirty = false;
  std::fill(I.banned.begin(), I.banned.end(), 0);
  const Searcher search{I, net_, p_, r, s, *this};
  I.none_within_capacity = false;
  for (int round = 0; round < k; ++round) {
    I.plain = round == 0;
    auto o = search.best();
    I.plain = false;
    if (round == 0) I.none_within_capacity = search.none;
    if (!o) break;
    RouteOption q = search.risk_disjoint(*o);
    if (seen.insert(option_key(q)).second) out.push_back(std::move(q));
    // penalise what was used so the next round looks elsewhere (none after the last: the
    // penalties are reset below, an O(links) pass a first-come queue need not pay)
    if (round + 1 < k)
      for (const auto& route : o->routes)
        for (int l : route.links) I.penalty[l] *= 3.0, I.penalty_dirty = true;
  }
  if (I.penalty_dirty) std::fill(I.penalty.begin(), I.penalty.end(), 1.0), I.penalty_dirty = false;
  return out;
}

void Interconnect::reserve(LinkState& s, const RouteOption& o, int pairs) const {
  for (const auto& route : o.routes)
    for (int l : route.links) {
      s.free[l] -= pairs;
      s.built[l] = 1;
    }
}

InterconnectionDecision Interconnect::describe(const InterconnectionRequest& r, const Evaluation& e, const LinkState& after,
                                               const std::vector<std::string>& builder_ids) const {
  InterconnectionDecision d;
  d.id = r.id;
  d.decision = e.decision;
  d.reasons = e.reasons;
  if (!e.option || e.decision == Decision::Reject) return d;
  const auto& o = *e.option;
  d.capex_eur = o.capex;
  d.opex_eur = o.opex;
  d.total_eur = o.total();
  if (r.protection == Protection::Diverse) d.diversity = o.risk_disjoint ? Diversity::RiskDisjoint : Diversity::LinkOnly;
  for (int l : e.builds) d.builds.push_back(net_.links()[l].id);
  for (std::size_t k = 0; k < o.routes.size(); ++k) {
    const auto& route = o.routes[k];
    std::vector<std::string> ids;
    for (int n : route.nodes) ids.push_back(n < 0 ? "site:" + r.id : net_.node(n).id);
    d.routes.push_back(ids);
    std::vector<RouteLink> links;
    if (route.attach_node >= 0) links.push_back({fmt::format("new:{}-{}", r.id, net_.node(route.attach_node).id), -1, ""});
    for (std::size_t j = 0; j < route.links.size(); ++j) {
      const int l = route.links[j];
      const int free = k < e.free_after.size() ? e.free_after[k][j] : after.free[l];
      links.push_back({net_.links()[l].id, free, std::size_t(l) < builder_ids.size() ? builder_ids[l] : ""});
    }
    d.route_links.push_back(links);
    d.latency_ms = std::max(d.latency_ms, route.latency_ms);
    d.new_build_km += route.attach_km;
  }
  return d;
}


}  // namespace dorsale::solvers
