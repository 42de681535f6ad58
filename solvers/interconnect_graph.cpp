#include "solvers/interconnect_impl.h"

// The request's graph: arc lengths (prepare), reachability and disjoint-path tests, Dijkstra trees, routes.

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

double link_cost(const Link& l, const InterconnectParams& p, const InterconnectionRequest& r, bool built) {
  if (!built) return l.build_eur_per_km * l.length_km;  // capex
  const double rate = l.status == LinkStatus::Leased ? l.lease_eur_per_pair_km_year : p.owned_eur_per_pair_km_year;
  return rate * r.pairs * l.length_km * r.horizon_years;
}

// Sets the arc lengths for a request. metric: 0 cost, 1 latency, or cost + lambda x latency.
// capacity: block links without enough free pairs.
Prepared prepare(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                        const InterconnectionRequest& r, const LinkState& s, bool capacity, double lambda,
                        bool latency_only, bool link_lengths) {
  Prepared out;
  for (Arc a : I.sink_arcs) I.len[a] = 0;
  for (Arc a : I.attach_arcs) I.g.erase(a);
  I.attach_arcs.clear();
  I.attach_to.clear();
  I.attach_km.clear();
  for (std::size_t j = 0; j < net.links().size() && link_lengths; ++j) {
    const Link& l = net.links()[j];
    double v;
    if (I.banned[j] || (capacity && s.free[j] < r.pairs)) {
      v = kBlocked;
    } else {
      const double lat = l.latency_ms;
      const double c = link_cost(l, p, r, s.built[j]) * I.penalty[j] + kTieBreak * l.length_km + I.tie[j];
      v = latency_only ? lat + 1e-9 * c : c + lambda * lat;
    }
    I.len[I.fwd[j]] = I.len[I.bwd[j]] = v;
  }
  // source
  if (!r.site_node.empty()) {
    out.source = I.node[*net.find_node(r.site_node)];
  } else {
    out.source = I.site;
    std::string at(reinterpret_cast<const char*>(&r.site_pos->x), sizeof(double));
    at.append(reinterpret_cast<const char*>(&r.site_pos->y), sizeof(double));
    at.append(reinterpret_cast<const char*>(&p.attach_max_km), sizeof(double));
    at.append(reinterpret_cast<const char*>(&p.attach_candidates), sizeof(int));
    auto memo = I.near_memo.find(at);
    if (memo == I.near_memo.end()) {
      // the nodes within attach_max_km: those of the 3 x 3 grid cells around the site (cells of
      // that size, with a margin), each measured as before; sorted by (distance, node) as before
      const double cell = std::max(1.0, p.attach_max_km * 1000.0 * (1 + 1e-9) + 1.0);
      auto cell_of = [&](double v) { return std::isfinite(v / cell) ? (long long)std::floor(v / cell) : 0LL; };
      auto key_of = [](long long gx, long long gy) { return (gx << 32) ^ (gy & 0xffffffffLL); };
      if (I.grid_cell != cell) {
        I.grid.clear();
        I.grid_cell = cell;
        for (std::size_t i = 0; i < net.nodes().size(); ++i) {
          const auto k = net.node(int(i)).kind;
          if (k == NodeKind::ExternalHub || k == NodeKind::HighPoint) continue;
          I.grid[key_of(cell_of(net.node(int(i)).pos.x), cell_of(net.node(int(i)).pos.y))].push_back(int(i));
        }
      }
      std::vector<std::pair<double, int>> near;
      const bool finite = std::isfinite(p.attach_max_km * 1000.0 / cell) && p.attach_max_km * 1000.0 < 1e15;
      const long long gx = cell_of(r.site_pos->x), gy = cell_of(r.site_pos->y);
      auto measure = [&](int i) {
        const double d = distance_km(*r.site_pos, net.node(i).pos);
        if (d <= p.attach_max_km) near.emplace_back(d, i);
      };
      if (finite) {
        for (long long dx = -1; dx <= 1; ++dx)
          for (long long dy = -1; dy <= 1; ++dy)
            if (auto c = I.grid.find(key_of(gx + dx, gy + dy)); c != I.grid.end())
              for (int i : c->second) measure(i);
      } else {
        for (std::size_t i = 0; i < net.nodes().size(); ++i) {
          const auto k = net.node(int(i)).kind;
          if (k != NodeKind::ExternalHub && k != NodeKind::HighPoint) measure(int(i));
        }
      }
      std::sort(near.begin(), near.end());
      if (near.size() > std::size_t(p.attach_candidates)) near.resize(p.attach_candidates);
      if (I.near_memo.size() >= (1u << 16)) I.near_memo.clear();  // bounded memory
      memo = I.near_memo.emplace(std::move(at), std::move(near)).first;
    }
    const auto& near = memo->second;
    if (near.empty()) {
      out.ok = false;
      out.why_km = p.attach_max_km;
      return out;
    }
    for (std::size_t k = 0; k < near.size(); ++k) {
      Arc a = I.g.addArc(I.site, I.node[near[k].second]);
      const double km = near[k].first * p.attach_detour_factor;
      I.kind[a] = kAttachBase - int(k);
      const double c = p.build_eur_per_km * km + kTieBreak * km;
      const double lat = km * p.latency_us_per_km / 1000.0;
      I.len[a] = latency_only ? lat + 1e-9 * c : c + lambda * lat;
      I.attach_arcs.push_back(a);
      I.attach_to.push_back(near[k].second);
      I.attach_km.push_back(km);
    }
  }
  // target
  switch (r.destination.kind) {
    case Destination::Kind::Node: out.target = I.node[*net.find_node(r.destination.id)]; break;
    case Destination::Kind::AnyDorsalePop: out.target = I.sink; break;
    case Destination::Kind::Hub:
      for (std::size_t i = 0; i < net.nodes().size(); ++i)
        if (net.node(int(i)).kind == NodeKind::ExternalHub && net.node(int(i)).name == r.destination.id)
          out.target = I.node[i];
      break;
  }
  return out;
}

// Whether the prepared request's target can be reached from its source over links that are not
// banned and have r.pairs free (the arcs a capacitated search may use at a finite length):
// false exactly when that search finds no route (pair). O(E), no allocation.
// cut: when given and the target is not reached, the links short of pairs (or banned) met at
// the edge of the part reached.
bool reachable(Interconnect::Impl& I, const InterconnectionRequest& r, const LinkState& s, const Prepared& pr,
                      std::vector<int>* cut) {
  const int n = int(I.is_pop.size());
  const bool any_pop = pr.target == I.sink;
  const int target = any_pop ? -1 : ListDigraph::id(pr.target);
  if (!any_pop && (target < 0 || target >= n)) return true;  // not a network node: let the search decide
  if (++I.stamp == 0) std::fill(I.seen.begin(), I.seen.end(), 0), I.stamp = 1;
  I.stack.clear();
  auto push = [&](int v) {  // true: v is the target
    if (I.seen[v] == I.stamp) return false;
    I.seen[v] = I.stamp, I.stack.push_back(v);
    return any_pop ? I.is_pop[v] != 0 : v == target;
  };
  if (pr.source == I.site) {
    for (int v : I.attach_to)
      if (push(v)) return true;
  } else if (push(ListDigraph::id(pr.source))) {
    return true;
  }
  while (!I.stack.empty()) {
    const int v = I.stack.back();
    I.stack.pop_back();
    for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k) {
      const int l = I.adj_link[k];
      if (!I.banned[l] && s.free[l] >= r.pairs) {
        if (push(I.adj_to[k])) return true;
      } else if (cut) {
        cut->push_back(l);
      }
    }
  }
  return false;
}

// Whether `need` arc-disjoint paths join source and target over the arcs of finite length
// (len < kBlocked): a unit-capacity max flow, `need` BFS augmentations. False exactly when a
// Suurballe (or Dijkstra) search on these lengths finds fewer than `need` paths or a total
// length >= kBlocked. Leaves every flow at 0.
bool disjoint_paths(Interconnect::Impl& I, GNode source, GNode target, int need) {
  if (source == lemon::INVALID || target == lemon::INVALID || source == target) return true;  // let the search decide
  bool ok = true;
  for (int k = 0; k < need && ok; ++k) {
    if (++I.flow_stamp == 0) {
      for (ListDigraph::NodeIt v(I.g); v != lemon::INVALID; ++v) I.reached[v] = 0;
      I.flow_stamp = 1;
    }
    I.queue.clear();
    I.queue.push_back(source);
    I.reached[source] = I.flow_stamp;
    bool found = false;
    for (std::size_t h = 0; h < I.queue.size() && !found; ++h) {
      const GNode v = I.queue[h];
      for (ListDigraph::OutArcIt a(I.g, v); a != lemon::INVALID && !found; ++a) {
        const GNode w = I.g.target(a);
        if (I.flow[a] || I.len[a] >= kBlocked || I.reached[w] == I.flow_stamp) continue;
        I.reached[w] = I.flow_stamp, I.pred[w] = a, I.queue.push_back(w);
        found = w == target;
      }
      for (ListDigraph::InArcIt a(I.g, v); a != lemon::INVALID && !found; ++a) {  // cancel a unit of flow
        const GNode w = I.g.source(a);
        if (!I.flow[a] || I.reached[w] == I.flow_stamp) continue;
        I.reached[w] = I.flow_stamp, I.pred[w] = a, I.queue.push_back(w);
      }
    }
    if (!found) {
      ok = false;
      break;
    }
    for (GNode v = target; v != source;) {
      const Arc a = I.pred[v];
      if (I.g.target(a) == v) {  // forward
        I.flow[a] = 1;
        I.touched.push_back(a);
        v = I.g.source(a);
      } else {
        I.flow[a] = 0;
        v = I.g.target(a);
      }
    }
  }
  for (Arc a : I.touched) I.flow[a] = 0;
  I.touched.clear();
  return ok;
}

// The tree of the prepared source on the current lengths (Impl::Tree).
Interconnect::Impl::Tree dijkstra_tree(Interconnect::Impl& I, const Network& net, GNode source) {
  // the canonical tree (canonical_path): a run to one target settles the same preds on its path
  const KeyedLength<ListDigraph::ArcMap<double>> keyed{I.g, I.len};
  CanonicalDijkstra<ListDigraph::ArcMap<double>> dj(I.g, keyed);
  dj.run(source);
  Interconnect::Impl::Tree t;
  const int n = I.g.maxNodeId() + 1;
  t.ok.assign(n, 0), t.kind.assign(n, 0), t.from.assign(n, -1);
  for (ListDigraph::NodeIt v(I.g); v != lemon::INVALID; ++v) {
    const int id = ListDigraph::id(v);
    t.ok[id] = dj.reached(v) && dj.dist(v).d < kBlocked;
    Arc a = dj.reached(v) ? dj.predArc(v) : lemon::INVALID;
    if (a != lemon::INVALID) {
      a = least_parallel(I, net, I.len, a, dj.dist(I.g.source(a)).d, dj.dist(v).d);
      t.kind[id] = I.kind[a], t.from[id] = ListDigraph::id(I.g.source(a));
    }
  }
  t.attach_to = I.attach_to;
  t.attach_km = I.attach_km;
  return t;
}

// One arc of a route: a link adds its length and latency; the site's attachment arc sets the
// attachment and adds its length at the fibre's latency per km; other arcs add nothing.
void add_step(RouteOption::Route& route, int k, const std::vector<int>& attach_to, const std::vector<double>& attach_km,
                     const Network& net, const InterconnectParams& p) {
  if (k >= 0) {
    route.links.push_back(k);
    route.length_km += net.links()[k].length_km;
    route.latency_ms += net.links()[k].latency_ms;
  } else if (k <= kAttachBase) {
    const int idx = kAttachBase - k;
    route.attach_node = attach_to[idx];
    route.attach_km = attach_km[idx];
    route.length_km += route.attach_km;
    route.latency_ms += route.attach_km * p.latency_us_per_km / 1000.0;
  }
}

RouteOption::Route to_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                   const std::vector<Arc>& arcs) {
  RouteOption::Route route;
  bool first = true;
  for (Arc a : arcs) {
    const int k = I.kind[a];
    if (first) {
      const GNode s = I.g.source(a);
      route.nodes.push_back(s == I.site ? -1 : ListDigraph::id(s));
      first = false;
    }
    add_step(route, k, I.attach_to, I.attach_km, net, p);
    if (k != kSinkArc) route.nodes.push_back(ListDigraph::id(I.g.target(a)));
  }
  return route;
}

// The route of a tree to graph node `target` (to_route on the arcs of its path); nullopt when
// not reached below kBlocked.
std::optional<RouteOption::Route> tree_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                                    const Interconnect::Impl::Tree& t, int target) {
  if (target < 0 || target >= int(t.ok.size()) || !t.ok[target]) return std::nullopt;
  std::vector<int> path;  // graph nodes, target first
  for (int v = target; t.from[v] >= 0; v = t.from[v]) path.push_back(v);
  RouteOption::Route route;
  const int site = ListDigraph::id(I.site);
  for (std::size_t i = path.size(); i-- > 0;) {
    const int v = path[i], u = t.from[v], k = t.kind[v];
    if (i + 1 == path.size()) route.nodes.push_back(u == site ? -1 : u);
    add_step(route, k, t.attach_to, t.attach_km, net, p);
    if (k != kSinkArc) route.nodes.push_back(v);
  }
  return route;
}

// Latency of an arc of the request's graph (0: the virtual sink arcs).
double arc_latency(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p, Arc a) {
  const int k = I.kind[a];
  if (k >= 0) return net.links()[k].latency_ms;
  if (k <= kAttachBase) return I.attach_km[kAttachBase - k] * p.latency_us_per_km / 1000.0;
  return 0;
}

std::set<std::string> srgs_of(const Network& net, const RouteOption::Route& r) {
  std::set<std::string> out;
  for (int l : r.links) net.links()[l].for_each_risk_group([&](const std::string& g) { out.insert(g); });
  return out;
}

std::vector<std::string> common_srgs(const Network& net, const RouteOption& x) {
  std::vector<std::string> c;
  if (x.routes.size() < 2) return c;
  auto a = srgs_of(net, x.routes[0]), b = srgs_of(net, x.routes[1]);
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(c));
  return c;
}

std::vector<Arc> path_arcs(const lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>>& dj, const ListDigraph& g, GNode t) {
  std::vector<Arc> arcs;
  for (Arc a = dj.predArc(t); a != lemon::INVALID; a = dj.predArc(g.source(a))) arcs.push_back(a);
  std::reverse(arcs.begin(), arcs.end());
  return arcs;
}

std::vector<int> option_key(const RouteOption& o) {
  std::vector<int> key;
  for (const auto& route : o.routes) {
    key.insert(key.end(), route.links.begin(), route.links.end());
    key.push_back(-1 - route.attach_node);
  }
  return key;
}

std::set<int> links_of(const RouteOption& o) {
  std::set<int> used;
  for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
  return used;
}

}  // namespace interconnect_detail

}  // namespace dorsale::solvers
