#include "solvers/interconnect_impl.h"

// Why a request is rejected: the diagnosis (topology, capacity, latency, diversity) and the works of an accepted one.

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

namespace interconnect_detail {

Reasons works_reasons(const Network& net, const RouteOption& o, const LinkState& s) {
  Reasons out;
  std::set<int> named;
  for (const auto& route : o.routes) {
    if (route.attach_node >= 0) {
      Reason why{ReasonKind::NewBuild};
      why.km = route.attach_km;
      why.node = net.node(route.attach_node).id;
      out.push_back(std::move(why));
    }
    for (int l : route.links)
      if (!s.built[l] && named.insert(l).second) {
        Reason why(ReasonKind::PlannedLinkBuilt, l, net.links()[l].id);
        why.km = net.links()[l].length_km;
        out.push_back(std::move(why));
      }
  }
  return out;
}

ReasonRoute reason_route(const Network& net, const RouteOption::Route& route) {
  ReasonRoute out;
  out.links = route.links;
  for (int l : route.links) out.link_ids.push_back(net.links()[l].id);
  if (route.attach_node >= 0) out.attach_km = route.attach_km, out.attach_node = net.node(route.attach_node).id;
  return out;
}

Reason too_full_reason(const Network& net, int l, int free, int pairs) {
  Reason why(ReasonKind::LinkTooFull, l, net.links()[l].id);
  why.node = net.node(net.links()[l].a).id;
  why.node_b = net.node(net.links()[l].b).id;
  why.free_pairs = free;
  why.pairs = pairs;
  return why;
}

double worst_latency(const RouteOption& o) {
  double w = 0;
  for (const auto& route : o.routes) w = std::max(w, route.latency_ms);
  return w;
}

}  // namespace interconnect_detail

// The fast diagnosis: diagnose_reference with its capacity-free searches memoised. They depend
// on the state only through its built links (a relaxed state frees every link to r.pairs;
// topology_reason ignores capacity), and on the request only through its site, destination,
// pairs, horizon (the costs), protection and latency limit; banned links and penalties are
// reset whenever diagnose runs. Only the too-full links and the latency reason are per state.
// For an unprotected request the topology verdict (is there a path at all) and the fastest
// route whatever the capacity (a Dijkstra on link latencies, then priced) depend on its site and
// destination only: they are memoised per (site, destination) and priced per request.
Evaluation Interconnect::diagnose(const InterconnectionRequest& r, const LinkState& s, const std::optional<RouteOption>& fast) const {
  auto& I = *impl_;
  const bool single = r.protection == Protection::None;
  std::string key;
  auto bytes = [&key](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  key += r.site_node;
  key += '\0';
  if (r.site_pos) bytes(r.site_pos->lon), bytes(r.site_pos->lat), bytes(r.site_pos->x), bytes(r.site_pos->y);
  const std::string site_key = key;
  key += char('0' + int(r.destination.kind));
  key += r.destination.id;
  key += '\0';
  bytes(r.protection);
  const std::size_t shape_len = key.size();
  bytes(r.pairs), bytes(r.horizon_years);
  if (r.max_latency_ms) bytes(*r.max_latency_ms);
  key += r.max_latency_ms ? 'L' : '-';
  // an unprotected request from a network node: its searches are memoised with their own
  // proof (memo_run), no key of the built links (O(links) a request) needed
  const bool by_node = single && !r.site_node.empty() && net_.find_node(r.site_node).has_value();
  if (!by_node) key.append(s.built.begin(), s.built.end());
  const std::string shape_key = single ? key.substr(0, shape_len) : key;
  LinkState relaxed;  // filled when a search needs it
  auto relax = [&]() -> const LinkState& {
    if (relaxed.free.empty()) {
      relaxed = s;
      for (auto& f : relaxed.free) f = std::max(f, r.pairs);
    }
    return relaxed;
  };
  // unprotected: the route of the site's tree (latency, or cost for these pairs, horizon and
  // built links) to the request's target, priced; nullopt: no such route, or no target to look up
  int target = -1;  // graph node of the destination, as prepare() finds it
  switch (r.destination.kind) {
    case Destination::Kind::Node:
      if (auto v = net_.find_node(r.destination.id)) target = ListDigraph::id(I.node[*v]);
      break;
    case Destination::Kind::AnyDorsalePop: target = ListDigraph::id(I.sink); break;
    case Destination::Kind::Hub:
      if (auto h = I.hub.find(r.destination.id); h != I.hub.end()) target = ListDigraph::id(I.node[h->second]);
      break;
  }
  auto from_tree = [&](bool latency) -> std::optional<RouteOption> {
    if (by_node) {  // the same route, from a memoised run to the target
      std::fill(I.banned.begin(), I.banned.end(), 0);
      if (I.penalty_dirty) std::fill(I.penalty.begin(), I.penalty.end(), 1.0), I.penalty_dirty = false;
      MemoRun m = memo_run(I, net_, p_, r, s, latency ? 't' : 'r', 0);
      if (m.handled) {
        if (!m.route) return std::nullopt;
        RouteOption o;
        o.routes.push_back(std::move(*m.route));
        price(o, r, s);  // built links as in the relaxed state
        return o;
      }
    }
    std::string tkey = (latency ? "T" : "C") + site_key;
    if (!latency) {
      tkey.append(reinterpret_cast<const char*>(&r.pairs), sizeof r.pairs);
      tkey.append(reinterpret_cast<const char*>(&r.horizon_years), sizeof r.horizon_years);
      tkey.append(s.built.begin(), s.built.end());
    }
    auto t = I.tree_memo.find(tkey);
    if (t == I.tree_memo.end()) {
      if (I.tree_memo.size() >= (1u << 12)) I.tree_memo.clear();
      std::fill(I.banned.begin(), I.banned.end(), 0);
      std::fill(I.penalty.begin(), I.penalty.end(), 1.0);
      Prepared pr = prepare(I, net_, p_, r, relax(), true, 0, latency);  // as fastest() / options() do
      if (!pr.ok) return std::nullopt;
      if (latency)
        for (ListDigraph::ArcIt a(I.g); a != lemon::INVALID; ++a)
          if (I.len[a] < kBlocked) I.len[a] = arc_latency(I, net_, p_, a);
      t = I.tree_memo.emplace(std::move(tkey), dijkstra_tree(I, net_, pr.source)).first;
    }
    auto route = tree_route(I, net_, p_, t->second, target);
    if (!route) return std::nullopt;
    RouteOption o;
    o.routes.push_back(std::move(*route));
    price(o, r, relax());
    return o;
  };
  const bool trees = single && target >= 0;
  auto sh = I.shape_memo.find(shape_key);
  if (sh == I.shape_memo.end()) {
    if (I.shape_memo.size() >= (1u << 14)) I.shape_memo.clear();  // bounded memory
    Impl::Shape x;
    x.topology = topology_reason(r, s, x.reasons);
    if (!x.topology) x.wide = trees ? from_tree(true) : fastest(r, relax());
    sh = I.shape_memo.emplace(shape_key, std::move(x)).first;
  }
  const Impl::Shape& shape = sh->second;
  Evaluation e;
  e.decision = Decision::Reject;
  if (shape.topology) {
    e.reasons = shape.reasons;
    return e;
  }
  std::optional<RouteOption> wide = shape.wide;
  if (wide && single) price(*wide, r, s);  // as fastest() prices it (built links as in s)
  Impl::Relaxed direct;  // by_node: the branch below, computed afresh (its search is memoised)
  const bool use_direct = by_node && wide && trees && !r.max_latency_ms;
  if (use_direct) {
    direct.option = from_tree(false);
    if (!direct.option && Searcher{I, net_, p_, r, s, *this}.latency_ok(*wide)) direct.option = wide;
  } else if (by_node) {
    key.append(s.built.begin(), s.built.end());
  }
  auto it = use_direct ? I.relaxed_memo.end() : I.relaxed_memo.find(key);
  if (!use_direct && it == I.relaxed_memo.end()) {
    if (I.relaxed_memo.size() >= (1u << 14)) I.relaxed_memo.clear();
    Impl::Relaxed x;
    if (!wide) {
      InterconnectionRequest any_latency = r;
      any_latency.max_latency_ms.reset();
      auto relaxed_opts = options(any_latency, relax(), 1);
      if (!relaxed_opts.empty()) x.reasons = relaxed_opts.front().notes, x.option = relaxed_opts.front();
      x.link_only = fastest_link_only(r, relax());
    } else if (trees && !r.max_latency_ms) {  // options(r, relaxed, 1): the cheapest route, found
      x.option = from_tree(false);
      if (!x.option && Searcher{I, net_, p_, r, relax(), *this}.latency_ok(*wide)) x.option = wide;
    } else {
      auto relaxed_opts = options(r, relax(), 1);
      if (!relaxed_opts.empty() && (relaxed_opts.front().risk_disjoint || p_.accept_link_only_diversity))
        x.option = relaxed_opts.front();
      else if (Searcher{I, net_, p_, r, relax(), *this}.latency_ok(*wide))
        x.option = wide;
    }
    it = I.relaxed_memo.emplace(std::move(key), std::move(x)).first;
  }
  const Impl::Relaxed& x = use_direct ? direct : it->second;
  if (!wide) {
    no_risk_disjoint_reasons(r, s, x.reasons, x.link_only, e.reasons);
    return e;
  }
  e.reasons = x.reasons;
  if (x.option) too_full(r, s, *x.option, e.reasons);
  latency_reason(r, fast ? fast : wide, !fast, e.reasons);
  if (e.reasons.empty()) e.reasons.push_back(Reason{ReasonKind::NoneTogether});
  return e;
}

// Why no option? Topology first (no route, or no two link-disjoint routes, whatever the
// capacity), then the links too full on the option capacity would allow, then the latency of
// the fastest route (pair) under the capacity left, named so that its figure can be checked.
Evaluation Interconnect::diagnose_reference(const InterconnectionRequest& r, const LinkState& s, const std::optional<RouteOption>& fast) const {
  Evaluation e;
  e.decision = Decision::Reject;
  if (topology_reason(r, s, e.reasons)) return e;
  LinkState relaxed = s;
  for (auto& f : relaxed.free) f = std::max(f, r.pairs);
  std::optional<RouteOption> wide = fastest(r, relaxed);  // capacity no limit, latency limit not applied
  if (!wide) {
    // no shared-risk-disjoint pair whatever the capacity: name the shared ducts of the
    // link-disjoint pair (latency limit aside), and the links too full on it
    InterconnectionRequest any_latency = r;
    any_latency.max_latency_ms.reset();
    auto relaxed_opts = options(any_latency, relaxed, 1);
    const Reasons notes = relaxed_opts.empty() ? Reasons{} : relaxed_opts.front().notes;
    no_risk_disjoint_reasons(r, s, notes, fastest_link_only(r, relaxed), e.reasons);
    return e;
  }
  capacity_reasons(r, s, relaxed, wide, e.reasons);
  latency_reason(r, fast ? fast : wide, !fast, e.reasons);
  if (e.reasons.empty()) e.reasons.push_back(Reason{ReasonKind::NoneTogether});
  return e;
}

bool Interconnect::topology_reason(const InterconnectionRequest& r, const LinkState& s, Reasons& out) const {
  auto& I = *impl_;
  const int need = r.protection == Protection::Diverse ? 2 : 1;
  if (!I.reference && need == 1 && !r.site_node.empty()) {
    // an unprotected request from a network node, capacity no limit: a route exists iff its site
    // and its target are in the same connected part of the network (every link usable: none
    // banned, each of finite length for this request's class), which is fixed by the network
    if (auto v = topology_connected(I, net_, p_, r)) {
      if (*v) return false;
      out.push_back(Reason{ReasonKind::NoPath});
      return true;
    }
  }
  Prepared free_run = prepare(I, net_, p_, r, s, false, 0, false);
  if (!free_run.ok) {
    Reason why{ReasonKind::NoNodeNearSite};
    why.km = free_run.why_km;
    out.push_back(std::move(why));
    return true;
  }
  if (!I.reference && disjoint_paths(I, free_run.source, free_run.target, need)) return false;  // what Suurballe would say
  lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
  const int found = sb.run(free_run.source, free_run.target, need);
  if (found >= need && sb.totalLength() < kBlocked) return false;
  if (need == 1) {
    out.push_back(Reason{ReasonKind::NoPath});
    return true;
  }
  // name the links every route must use (bridges of the shortest route)
  lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
  Reason cut{ReasonKind::NoLinkDisjointPair};  // the links every route uses
  if (dj.run(free_run.source, free_run.target)) {
    for (Arc a : path_arcs(dj, I.g, free_run.target)) {
      const int k = I.kind[a];
      if (k < 0) continue;
      const double keep_f = I.len[I.fwd[k]];
      I.len[I.fwd[k]] = I.len[I.bwd[k]] = kBlocked;
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> d2(I.g, I.len);
      if (!d2.run(free_run.source, free_run.target) || d2.dist(free_run.target) >= kBlocked)
        cut.links.push_back(k), cut.link_ids.push_back(net_.links()[k].id);
      I.len[I.fwd[k]] = I.len[I.bwd[k]] = keep_f;
    }
  }
  out.push_back(std::move(cut));
  return true;
}

// The links too full on the option the request would get if capacity were no limit
// (diversity and latency rules included; for a pair, the exact fastest one when no cheaper
// one meets the latency limit).
void Interconnect::capacity_reasons(const InterconnectionRequest& r, const LinkState& s, const LinkState& relaxed,
                                    const std::optional<RouteOption>& wide, Reasons& out) const {
  auto relaxed_opts = options(r, relaxed, 1);
  std::optional<RouteOption> o;
  if (!relaxed_opts.empty() && (relaxed_opts.front().risk_disjoint || p_.accept_link_only_diversity)) o = relaxed_opts.front();
  if (!o) {
    if (wide && Searcher{*impl_, net_, p_, r, relaxed, *this}.latency_ok(*wide)) o = wide;
  }
  if (o) too_full(r, s, *o, out);
}

std::optional<RouteOption> Interconnect::fastest_link_only(const InterconnectionRequest& r, const LinkState& s) const {
  struct Accept {  // restored on exit, exceptions included
    InterconnectParams& p;
    bool was;
    explicit Accept(InterconnectParams& q) : p(q), was(q.accept_link_only_diversity) { p.accept_link_only_diversity = true; }
    ~Accept() { p.accept_link_only_diversity = was; }
  } accept(p_);
  return fastest(r, s);
}

void Interconnect::no_risk_disjoint_reasons(const InterconnectionRequest& r, const LinkState& s, const Reasons& notes,
                                            const std::optional<RouteOption>& link_only, Reasons& out) const {
  auto add_notes = [&] {
    if (notes.empty()) out.push_back(Reason{ReasonKind::NoRiskDisjointPair});
    out.insert(out.end(), notes.begin(), notes.end());
  };
  if (link_only && r.max_latency_ms && worst_latency(*link_only) > *r.max_latency_ms + 1e-12) {
    const double worst = worst_latency(*link_only);
    Reason why{ReasonKind::LinkOnlyOverLatency};
    why.routes = {reason_route(net_, link_only->routes[0]), reason_route(net_, link_only->routes[1])};
    why.latency_ms = worst;
    why.limit_ms = *r.max_latency_ms;
    out.push_back(std::move(why));
    add_notes();
    return;
  }
  add_notes();
  if (p_.accept_link_only_diversity) return;
  const auto under_s = fastest_link_only(r, s);
  if (under_s && Searcher{*impl_, net_, p_, r, s, *this}.latency_ok(*under_s)) {
    out.push_back(Reason{ReasonKind::AcceptLinkOnly});
    return;
  }
  if (link_only) too_full(r, s, *link_only, out);
}

void Interconnect::too_full(const InterconnectionRequest& r, const LinkState& s, const RouteOption& o, Reasons& out) const {
  std::vector<int> used;  // the distinct links, in increasing index (a sorted vector: no node per link)
  for (const auto& route : o.routes) used.insert(used.end(), route.links.begin(), route.links.end());
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::size_t full = 0;
  for (int l : used) full += s.free[l] < r.pairs;
  out.reserve(out.size() + full);  // a saturated queue's rejections name dozens: no regrowth
  for (int l : used)
    if (s.free[l] < r.pairs)
      out.push_back(too_full_reason(net_, l, s.free[l], r.pairs));
}

// The latency limit: the fastest route (pair) `f` under the capacity left, named, with its
// figure; when capacity leaves none (`relaxed`), the fastest whatever the capacity, if over the limit.
void Interconnect::latency_reason(const InterconnectionRequest& r, const std::optional<RouteOption>& f, bool relaxed,
                                  Reasons& out) const {
  const bool pair = r.protection == Protection::Diverse;
  const RouteShape what = !pair ? RouteShape::Route : p_.accept_link_only_diversity ? RouteShape::LinkDisjointPair : RouteShape::RiskDisjointPair;
  if (relaxed && out.empty()) {
    Reason none{ReasonKind::NoneWithinCapacity};
    none.shape = what;
    out.push_back(std::move(none));
  }
  if (!f || !r.max_latency_ms) return;
  const double worst = worst_latency(*f);
  if (worst <= *r.max_latency_ms + 1e-12) return;
  Reason why{ReasonKind::OverLatency};
  why.shape = what;
  why.whatever_capacity = relaxed;
  why.routes.push_back(reason_route(net_, f->routes[0]));
  if (pair) why.routes.push_back(reason_route(net_, f->routes[1]));
  why.latency_ms = worst;
  why.limit_ms = *r.max_latency_ms;
  out.push_back(std::move(why));
}

}  // namespace dorsale::solvers
