#include "solvers/interconnect_impl.h"

// Column generation: the pricing lower bound, the master LP duals, the columns, the routes under a budget.

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

// ---- pricing (column generation) -----------------------------------------------------------

double Interconnect::price_lower_bound(const InterconnectionRequest& r, const LinkState& s, const std::vector<double>& w,
                                       std::optional<RouteOption>* column) const {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto& I = *impl_;
  const Searcher search{I, net_, p_, r, s, *this};
  const int need = search.need;
  double lo = -kInf;
  const double limit = r.max_latency_ms.value_or(0);
  auto weight = [&](const RouteOption& o) {
    std::set<int> used;
    for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
    double c = 0;
    for (int l : used) c += w[l];
    return c;
  };
  std::optional<RouteOption> best_col;
  double best_w = kInf;
  // mu = 0, then a geometric sweep of the latency multiplier: each gives a valid lower bound
  // (Lagrangian relaxation of "each route <= limit", summed over the routes of a pair)
  std::vector<double> mus{0};
  if (r.max_latency_ms) {
    double wmax = 0;
    for (double v : w) wmax = std::max(wmax, v);
    for (double mu = std::max(1e-9, wmax * 1e-3); mu <= std::max(1.0, wmax) * 1e6; mu *= 4) mus.push_back(mu);
  }
  for (double mu : mus) {
    auto got = search.weighted(w, mu);
    if (!got) return kInf;  // no route (pair) within capacity at all
    lo = std::max(lo, got->first - mu * need * limit);
    const double c = weight(got->second);
    if (c < best_w && search.valid_column(got->second)) best_w = c, best_col = got->second;
  }
  if (r.max_latency_ms) {  // no route (pair) meets the limit: the fastest one is over it
    auto got = search.weighted(w, 1e12);
    if (got && got->first / 1e12 > need * limit + 1e-9) return kInf;
  }
  std::fill(I.banned.begin(), I.banned.end(), 0);
  if (column && best_col) {
    price(*best_col, r, s);
    *column = best_col;
  }
  return std::max(0.0, lo);
}

namespace {

// The restricted master LP of the column generation: max sum v_i x_io, one option per
// request, link capacities. Returns the link duals w (>= 0) and the request duals u.
std::pair<std::vector<double>, std::vector<double>> master_duals(const std::vector<InterconnectionRequest>& reqs,
                                                                 const std::vector<std::vector<RouteOption>>& opts,
                                                                 const LinkState& initial) {
  lemon::GlpkLp lp;
  lp.messageLevel(lemon::LpBase::MESSAGE_NOTHING);
  std::vector<lemon::GlpkLp::Row> assign(reqs.size(), lemon::INVALID);
  std::map<int, lemon::GlpkLp::Expr> by_link;
  lemon::GlpkLp::Expr obj;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    lemon::GlpkLp::Expr one;
    for (const auto& o : opts[i]) {
      auto x = lp.addCol();
      lp.colLowerBound(x, 0);
      lp.colUpperBound(x, 1);
      obj += reqs[i].value * x;
      one += x;
      for (int l : links_of(o)) by_link[l] += reqs[i].pairs * x;
    }
    if (!opts[i].empty()) assign[i] = lp.addRow(one <= 1);
  }
  std::map<int, lemon::GlpkLp::Row> cap;
  for (auto& [l, e] : by_link) cap[l] = lp.addRow(e <= double(initial.free[l]));
  lp.obj(obj);
  lp.max();
  std::vector<double> w(initial.free.size(), 0.0), u(reqs.size(), 0.0);
  if (lp.solve() != lemon::LpBase::SOLVED || lp.primalType() != lemon::LpSolver::OPTIMAL) return {w, u};
  for (auto& [l, row] : cap) w[l] = std::max(0.0, lp.dual(row));
  for (std::size_t i = 0; i < reqs.size(); ++i)
    if (!opts[i].empty()) u[i] = std::max(0.0, lp.dual(assign[i]));
  return {w, u};
}

}  // namespace

// Column generation on the value LP over every route: price each request with the link duals
// (Interconnect::price_lower_bound), add the routes that would raise the LP, repeat. Every
// round gives a valid upper bound on the value over all routes:
//   sum_l free_l w_l + sum_i max(0, v_i - pairs_i x (lower bound of w over i's routes)).
ColumnBound grow_columns(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const LinkState& initial,
                         std::vector<std::vector<RouteOption>>& opts, double time_limit_s) {
  const auto t0 = std::chrono::steady_clock::now();
  ColumnBound best;
  best.bound = std::numeric_limits<double>::infinity();
  int& rounds = best.rounds;
  std::vector<std::set<std::vector<int>>> seen(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (const auto& o : opts[i]) seen[i].insert(option_key(o));
  for (rounds = 1; rounds <= 50; ++rounds) {
    // not a structured binding: the lambda below captures them (clang 14, the fuzz build, cannot)
    const auto duals = master_duals(reqs, opts, initial);
    const std::vector<double>& w = duals.first;
    const std::vector<double>& u = duals.second;
    double bound = 0;
    for (std::size_t l = 0; l < w.size(); ++l) bound += w[l] * initial.free[l];
    std::vector<double> pis(reqs.size());
    int added = 0;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      std::optional<RouteOption> col;
      double pi = ic.price_lower_bound(reqs[i], initial, w, &col);
      auto gain = [&](const std::optional<RouteOption>& c) {  // reduced value of a column
        if (!c) return -1.0;
        double cw = 0;
        for (int l : links_of(*c)) cw += w[l];
        return reqs[i].value - reqs[i].pairs * cw - u[i];
      };
      if (gain(col) <= 1e-7 && reqs[i].value - reqs[i].pairs * pi - u[i] > 1e-7) {
        // the cheap bound cannot rule out a better route: price exactly (arc-flow MILP)
        auto [pe, ce] = ic.price_exact(reqs[i], initial, w);
        pi = std::max(pi, pe);
        if (ce) col = ce;
      }
      bound += std::max(0.0, reqs[i].value - reqs[i].pairs * pi);
      pis[i] = pi;
      if (gain(col) > 1e-7 && seen[i].insert(option_key(*col)).second) {
        opts[i].push_back(*col);
        ++added;
      }
    }
    if (bound < best.bound) best.bound = bound, best.w = w, best.pi = pis;
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (added == 0 || spent > time_limit_s / 2) break;
  }
  return best;
}

// Every route (pair) of r under the capacity of s whose weight sum of w over its distinct links
// is at most budget, meeting every rule of r (latency, diversity); false when there are more
// than `cap` (then `out` is partial). A depth-first search on the network's links.
bool Interconnect::enumerate_routes(const InterconnectionRequest& r, const LinkState& s, const std::vector<double>& w, double budget,
                                    std::size_t cap, std::vector<RouteOption>& out) const {
  auto& I = *impl_;
  std::fill(I.banned.begin(), I.banned.end(), 0);
  Prepared pr = prepare(I, net_, p_, r, s, true, 0, false);
  if (!pr.ok) return true;
  const int need = r.protection == Protection::Diverse ? 2 : 1;
  const double lim = r.max_latency_ms ? *r.max_latency_ms + 1e-12 : std::numeric_limits<double>::infinity();
  auto is_target = [&](int v) {
    return r.destination.kind == Destination::Kind::AnyDorsalePop ? net_.node(v).kind == NodeKind::DorsalePop
                                                                   : I.node[v] == pr.target;
  };
  std::vector<std::vector<int>> adj(net_.nodes().size());
  for (std::size_t l = 0; l < net_.links().size(); ++l)
    if (s.free[l] >= r.pairs) adj[net_.links()[l].a].push_back(int(l)), adj[net_.links()[l].b].push_back(int(l));
  std::vector<std::pair<RouteOption::Route, double>> paths;  // (route, weight)
  std::vector<char> on(net_.nodes().size(), 0);
  RouteOption::Route cur;
  double cw = 0;
  bool complete = true;
  std::function<void(int)> go = [&](int v) {
    if (!complete) return;
    if (is_target(v)) {
      if (paths.size() >= cap) return void(complete = false);
      paths.push_back({cur, cw});
      if (r.destination.kind != Destination::Kind::AnyDorsalePop) return;
    }
    on[v] = 1;
    for (int l : adj[v]) {
      const Link& L = net_.links()[l];
      const int u = L.a == v ? L.b : L.a;
      if (on[u] || cw + w[l] > budget + 1e-12 || cur.latency_ms + L.latency_ms > lim) continue;
      cur.links.push_back(l), cur.nodes.push_back(u), cur.length_km += L.length_km, cur.latency_ms += L.latency_ms, cw += w[l];
      go(u);
      cur.links.pop_back(), cur.nodes.pop_back(), cur.length_km -= L.length_km, cur.latency_ms -= L.latency_ms, cw -= w[l];
    }
    on[v] = 0;
  };
  if (!r.site_node.empty()) {
    cur.nodes = {*net_.find_node(r.site_node)};
    go(cur.nodes[0]);
  } else {
    for (std::size_t k = 0; k < I.attach_to.size(); ++k) {
      const double lat = I.attach_km[k] * p_.latency_us_per_km / 1000.0;
      if (lat > lim) continue;
      cur = RouteOption::Route{{-1, I.attach_to[k]}, {}, I.attach_to[k], I.attach_km[k], I.attach_km[k], lat};
      go(I.attach_to[k]);
    }
  }
  auto add = [&](RouteOption o) {
    price(o, r, s);
    out.push_back(std::move(o));
  };
  if (need == 1) {
    for (auto& [route, c] : paths) add(RouteOption{{route}});
    return complete;
  }
  for (std::size_t i = 0; i < paths.size() && complete; ++i)
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      RouteOption o{{paths[i].first, paths[j].first}};
      if (paths[i].second + paths[j].second > budget + 1e-12) continue;
      if (o.routes[0].attach_node >= 0 && o.routes[0].attach_node == o.routes[1].attach_node) continue;
      if (r.destination.kind == Destination::Kind::AnyDorsalePop && o.routes[0].nodes.back() == o.routes[1].nodes.back()) continue;
      const auto a = links_of(RouteOption{{o.routes[0]}});
      bool disjoint = true;
      for (int l : o.routes[1].links) disjoint &= !a.count(l);
      if (!disjoint || (!p_.accept_link_only_diversity && !common_srgs(net_, o).empty())) continue;
      o.risk_disjoint = common_srgs(net_, o).empty();
      if (out.size() >= cap) return false;
      add(std::move(o));
    }
  return complete;
}

}  // namespace dorsale::solvers
