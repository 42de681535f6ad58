#include "solvers/interconnect_impl.h"

// The fastest route or pair (exact: an arc-flow MILP for a pair) and the exact pricing of the column generation.

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

namespace {

// Walks the arcs chosen for one route of the pair MILP from the source to the target.
std::optional<std::vector<Arc>> walk(const Interconnect::Impl& I, const std::vector<Arc>& arcs, const std::vector<double>& x, int base,
                                     GNode source, GNode target) {
  std::vector<Arc> out;
  std::set<int> seen{ListDigraph::id(source)};
  GNode at = source;
  while (at != target) {
    bool moved = false;
    for (std::size_t a = 0; a < arcs.size() && !moved; ++a)
      if (x[base + a] > 0.5 && I.g.source(arcs[a]) == at && seen.insert(ListDigraph::id(I.g.target(arcs[a]))).second) {
        out.push_back(arcs[a]);
        at = I.g.target(arcs[a]);
        moved = true;
      }
    if (!moved) return std::nullopt;
  }
  return out;
}

std::optional<RouteOption> fastest_pair(Interconnect::Impl& I, const Network& net_, const InterconnectParams& p_, const Interconnect& ic,
                                        const InterconnectionRequest& r, const LinkState& s, GNode source, GNode target);

}  // namespace

std::optional<RouteOption> Interconnect::fastest(const InterconnectionRequest& r, const LinkState& s) const {
  auto& I = *impl_;
  std::fill(I.banned.begin(), I.banned.end(), 0);
  std::fill(I.penalty.begin(), I.penalty.end(), 1.0);
  if (!I.reference && r.protection == Protection::None) {
    MemoRun m = memo_run(I, net_, p_, r, s, 'f', 0);
    if (m.handled) {
      if (!m.route) return std::nullopt;
      RouteOption o;
      o.routes.push_back(std::move(*m.route));
      price(o, r, s);
      return o;
    }
  }
  Prepared pr = prepare(I, net_, p_, r, s, true, 0, true);
  if (!pr.ok) return std::nullopt;
  RouteOption o;
  for (ListDigraph::ArcIt a(I.g); a != lemon::INVALID; ++a)
    if (I.len[a] < kBlocked) I.len[a] = arc_latency(I, net_, p_, a);
  if (r.protection == Protection::None) {
    std::vector<Arc> arcs;
    if (!canonical_path(I, net_, I.len, pr.source, pr.target, arcs)) return std::nullopt;
    o.routes.push_back(to_route(I, net_, p_, arcs));
    price(o, r, s);
    return o;
  }
  // The cheap cases first: no link-disjoint pair at all (then no risk-disjoint one), or the
  // least-total-latency pair is risk-disjoint and within the limit (then it serves); the exact
  // min-max MILP only when a shared duct or the latency limit needs it.
  lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
  if (sb.run(pr.source, pr.target, 2) < 2 || sb.totalLength() >= kBlocked) return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    std::vector<Arc> arcs;
    for (int a = 0; a < sb.path(i).length(); ++a) arcs.push_back(sb.path(i).nth(a));
    o.routes.push_back(to_route(I, net_, p_, arcs));
  }
  const auto shared = common_srgs(net_, o);
  o.risk_disjoint = shared.empty();
  if ((o.risk_disjoint || p_.accept_link_only_diversity) && (!r.max_latency_ms || worst_latency(o) <= *r.max_latency_ms + 1e-12)) {
    price(o, r, s);
    return o;
  }
  // a duct that every route crosses (one of those the pair shares): no risk-disjoint pair
  if (!p_.accept_link_only_diversity)
    for (const auto& g : shared) {
      std::vector<std::pair<Arc, double>> kept;
      for (std::size_t l = 0; l < net_.links().size(); ++l)
        if (net_.links()[l].in_risk_group(g))
          for (Arc a : {I.fwd[l], I.bwd[l]}) kept.push_back({a, I.len[a]}), I.len[a] = kBlocked;
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      const bool cut = !dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked;
      for (auto [a, v] : kept) I.len[a] = v;
      if (cut) return std::nullopt;
    }
  if (!r.max_latency_ms && !o.risk_disjoint) {  // no figure to quote: a repaired pair will do
    RouteOption q = Searcher{I, net_, p_, r, s, *this}.risk_disjoint(o);
    if (q.risk_disjoint) return q;
    pr = prepare(I, net_, p_, r, s, true, 0, true);  // the repair changed the lengths
    for (ListDigraph::ArcIt a(I.g); a != lemon::INVALID; ++a)
      if (I.len[a] < kBlocked) I.len[a] = arc_latency(I, net_, p_, a);
  }
  return fastest_pair(I, net_, p_, *this, r, s, pr.source, pr.target);
}

// Two routes x0, x1 (arc flows of one unit from the site to the destination), no common link,
// no common attachment, no common shared-risk group (unless link-only diversity is accepted),
// minimising the slower route's latency T (plus 1e-6 x the total, which rules out cycles).
namespace {

// The arc-flow model of a request's `need` routes on its prepared graph (the arcs within
// capacity): each route one unit of flow from the source to the target; no common link, no
// common attachment, no common shared-risk group (unless link-only diversity is accepted).
// Variable of route k on arc a: base + k * arcs.size() + a; the caller sets the objective.
struct RouteFlow {
  std::vector<Arc> arcs;
  int base = 0;
  MipModel m;
  std::vector<std::vector<int>> latency_row;  // per route: (vars) of its latency
  std::vector<std::vector<double>> latency_val;
};

void add_route_flow(RouteFlow& f, const Interconnect::Impl& I, const Network& net, const InterconnectParams& p, GNode source,
                    GNode target, int need) {
  for (ListDigraph::ArcIt a(I.g); a != lemon::INVALID; ++a)
    if (I.len[a] < kBlocked && I.g.target(a) != source && I.g.source(a) != target) f.arcs.push_back(a);
  const int na = int(f.arcs.size());
  f.base = f.m.vars();
  for (int k = 0; k < need; ++k)
    for (int a = 0; a < na; ++a) f.m.add_var(0, 1, 0, true);
  std::map<int, std::vector<int>> on_link, on_attach;  // link / attachment -> vars
  std::vector<std::map<std::string, std::vector<int>>> in_group(need);
  f.latency_row.assign(need, {});
  f.latency_val.assign(need, {});
  for (int k = 0; k < need; ++k) {
    std::map<int, std::pair<std::vector<int>, std::vector<double>>> flow;  // graph node -> out - in
    for (int a = 0; a < na; ++a) {
      const int x = f.base + k * na + a;
      auto& out = flow[ListDigraph::id(I.g.source(f.arcs[a]))];
      out.first.push_back(x), out.second.push_back(1);
      auto& in = flow[ListDigraph::id(I.g.target(f.arcs[a]))];
      in.first.push_back(x), in.second.push_back(-1);
      f.latency_row[k].push_back(x);
      f.latency_val[k].push_back(arc_latency(I, net, p, f.arcs[a]));
      const int kind = I.kind[f.arcs[a]];
      if (kind >= 0) {
        on_link[kind].push_back(x);
        net.links()[kind].for_each_risk_group([&](const std::string& g) { in_group[k][g].push_back(x); });
      } else if (kind <= kAttachBase) {
        on_attach[kind].push_back(x);
      } else {  // a PoP's arc to the "any PoP" sink: the two routes reach two different PoPs
        on_attach[ListDigraph::id(f.arcs[a]) + 1].push_back(x);
      }
    }
    for (auto& [n, row] : flow) {
      const double rhs = n == ListDigraph::id(source) ? 1 : n == ListDigraph::id(target) ? -1 : 0;
      f.m.add_row(row.first, row.second, rhs, rhs);
    }
  }
  if (need < 2) return;
  for (const auto* by : {&on_link, &on_attach})
    for (const auto& [key, xs] : *by) f.m.add_row(xs, std::vector<double>(xs.size(), 1.0), -1e30, 1);
  if (p.accept_link_only_diversity) return;
  for (const auto& [g, xs0] : in_group[0]) {
    auto it = in_group[1].find(g);
    if (it == in_group[1].end()) continue;
    const int z0 = f.m.add_var(0, 1, 0, false), z1 = f.m.add_var(0, 1, 0, false);
    for (int x : xs0) f.m.add_row({x, z0}, {1, -1}, -1e30, 0);
    for (int x : it->second) f.m.add_row({x, z1}, {1, -1}, -1e30, 0);
    f.m.add_row({z0, z1}, {1, 1}, -1e30, 1);
  }
}

// The routes of a solved RouteFlow, priced against s.
std::optional<RouteOption> routes_of(const RouteFlow& f, const MipResult& res, const Interconnect::Impl& I, const Network& net,
                                     const InterconnectParams& p, const Interconnect& ic, const InterconnectionRequest& r,
                                     const LinkState& s, GNode source, GNode target, int need) {
  if (res.status != MipStatus::Optimal && res.status != MipStatus::Feasible) return std::nullopt;
  RouteOption o;
  for (int k = 0; k < need; ++k) {
    auto w = walk(I, f.arcs, res.x, f.base + k * int(f.arcs.size()), source, target);
    if (!w) return std::nullopt;
    o.routes.push_back(to_route(I, net, p, *w));
  }
  o.risk_disjoint = common_srgs(net, o).empty();
  ic.price(o, r, s);
  return o;
}

// The pair whose slower route is fastest: min T, T >= latency of each route (+ 1e-6 x the
// total latency, which rules out cycles).
std::optional<RouteOption> fastest_pair(Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const Interconnect& ic,
                                        const InterconnectionRequest& r, const LinkState& s, GNode source, GNode target) {
  RouteFlow f;
  f.m.maximize = false;
  const int T = f.m.add_var(0, 1e30, 1, false);
  add_route_flow(f, I, net, p, source, target, 2);
  for (int k = 0; k < 2; ++k) {
    std::vector<int> idx = f.latency_row[k];
    std::vector<double> val;
    for (std::size_t j = 0; j < idx.size(); ++j) {
      f.m.obj[idx[j]] = 1e-6 * f.latency_val[k][j];
      val.push_back(-f.latency_val[k][j]);
    }
    idx.push_back(T);
    val.push_back(1);
    f.m.add_row(idx, val, 0, 1e30);
  }
  return routes_of(f, solve_mip(f.m, MipBackend::Glpk, 20), I, net, p, ic, r, s, source, target, 2);
}

}  // namespace

std::pair<double, std::optional<RouteOption>> Interconnect::price_exact(const InterconnectionRequest& r, const LinkState& s,
                                                                        const std::vector<double>& w) const {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto& I = *impl_;
  std::fill(I.banned.begin(), I.banned.end(), 0);
  std::fill(I.penalty.begin(), I.penalty.end(), 1.0);
  Prepared pr = prepare(I, net_, p_, r, s, true, 0, false);
  if (!pr.ok) return {kInf, std::nullopt};
  const int need = r.protection == Protection::Diverse ? 2 : 1;
  RouteFlow f;
  f.m.maximize = false;
  add_route_flow(f, I, net_, p_, pr.source, pr.target, need);
  constexpr double eps = 1e-9;  // per ms: rules out cycles, weighs less than any dual step
  double lat_cap = 0;
  for (int k = 0; k < need; ++k) {
    for (std::size_t j = 0; j < f.latency_row[k].size(); ++j) {
      const int x = f.latency_row[k][j];
      const int kind = I.kind[f.arcs[x - f.base - k * int(f.arcs.size())]];
      f.m.obj[x] = (kind >= 0 ? w[kind] : 0.0) + eps * f.latency_val[k][j];
      lat_cap += f.latency_val[k][j];
    }
    if (r.max_latency_ms) f.m.add_row(f.latency_row[k], f.latency_val[k], -1e30, *r.max_latency_ms);
  }
  const MipResult res = solve_mip(f.m, MipBackend::Glpk, 20);
  if (res.status == MipStatus::Infeasible) return {kInf, std::nullopt};
  if (res.status != MipStatus::Optimal && res.status != MipStatus::Feasible) return {0, std::nullopt};
  const double bound = std::max(0.0, res.bound - eps * (r.max_latency_ms ? need * *r.max_latency_ms : lat_cap));
  return {bound, routes_of(f, res, I, net_, p_, *this, r, s, pr.source, pr.target, need)};
}

}  // namespace dorsale::solvers
