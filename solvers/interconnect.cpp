#include "solvers/interconnect.h"

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

using lemon::ListDigraph;
using Arc = ListDigraph::Arc;
using GNode = ListDigraph::Node;

namespace {
constexpr double kBlocked = 1e15;     // length of an arc that may not be used
constexpr double kTieBreak = 1e-3;    // EUR per km: among equal costs, prefer the shorter route
constexpr int kSinkArc = -1;          // arc from a PoP to the virtual "any PoP" sink
// attachment arcs: kind = kAttachBase - k
constexpr int kAttachBase = -2;
}  // namespace

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

struct Interconnect::Impl {
  ListDigraph g;
  std::vector<GNode> node;        // network node -> graph node
  GNode site, sink;
  std::vector<Arc> fwd, bwd;      // link -> arcs a->b and b->a
  ListDigraph::ArcMap<int> kind;  // >= 0 link index, kSinkArc, or attachment
  ListDigraph::ArcMap<double> len;
  std::vector<Arc> sink_arcs;     // PoP -> "any PoP" sink (length 0, reset by prepare)
  std::vector<Arc> attach_arcs;   // current request's attachments
  std::vector<int> attach_to;     // their network nodes
  std::vector<double> attach_km;
  std::vector<double> penalty;    // per link multiplicative penalty (options)
  std::vector<char> banned;       // per link: excluded (shared-risk search)

  // ---- the fast first-come path (evaluate; evaluate_reference turns it off) ----
  bool reference = false;            // true: every search run, nothing memoised
  bool none_within_capacity = false; // set by options(): its first search found no route at all
  // network adjacency (CSR): adj_link/adj_to[adj_start[v] .. adj_start[v+1]) for node v
  std::vector<int> adj_start, adj_link, adj_to;
  std::vector<char> is_pop;          // per network node: a Dorsale PoP (the "any PoP" sink's arcs)
  std::vector<unsigned> seen;        // BFS stamps
  unsigned stamp = 0;
  std::vector<int> stack;
  // The capacity-free part of a rejection's diagnosis (see Interconnect::diagnose_reference),
  // true of every capacity state with the same built links, for the same request shape:
  // the topology verdict and the fastest route (pair) whatever the capacity ...
  struct Shape {
    bool topology = false;                    // no route (pair) whatever the capacity: reasons say why
    std::vector<std::string> reasons;         // the topology reasons
    std::optional<RouteOption> wide;          // the fastest route (pair) whatever the capacity
  };
  // ... and the option capacity would allow (the one whose too-full links are named).
  struct Relaxed {
    std::vector<std::string> reasons;         // no wide: the shared-duct reasons
    std::optional<RouteOption> option;
    std::optional<RouteOption> link_only;     // no wide: the fastest link-disjoint pair whatever the capacity
  };
  std::unordered_map<std::string, Shape> shape_memo;
  std::unordered_map<std::string, Relaxed> relaxed_memo;
  // A full Dijkstra tree from a site (no capacity limit), in a form that outlives the request's
  // attachment arcs: per graph node, whether reached below kBlocked, and its pred arc's kind and
  // tail. A run to one target stops once the target is settled, with the same preds on its
  // path: one tree answers every destination of the site.
  struct Tree {
    std::vector<char> ok;
    std::vector<int> kind, from;
    std::vector<int> attach_to;
    std::vector<double> attach_km;
  };
  std::unordered_map<std::string, Tree> tree_memo;
  // Single-route searches from a network node, memoised with what proves them still true
  // (issue #27): the route LEMON's Dijkstra run to the target finds depends only on the lengths
  // of the arcs it examined (the out-arcs of the nodes it settled), so it is kept with those
  // links and, per link, whether it had the request's pairs free and whether it was built; a
  // later call reuses it while none of those flags changed (the same run, operation for
  // operation). "No route within capacity" is kept with the links that bounded the reachable
  // part (all short of pairs): true while they stay so. Keyed by source, target, pairs,
  // horizon and the lengths' kind ('c' cost + lambda x latency, 'l' latency then cost, 'f'
  // latency (fastest), each within capacity; 'r' cost, 't' latency, capacity no limit).
  struct RunKey {
    int source, target, pairs, horizon;
    double lambda;
    char mode;
    bool operator==(const RunKey& o) const {
      return source == o.source && target == o.target && pairs == o.pairs && horizon == o.horizon && lambda == o.lambda &&
             mode == o.mode;
    }
  };
  struct RunKeyHash {
    std::size_t operator()(const RunKey& k) const {
      std::size_t h = std::hash<int>()(k.source);
      for (std::size_t v : {std::size_t(k.target), std::size_t(k.pairs), std::size_t(k.horizon), std::hash<double>()(k.lambda),
                            std::size_t(k.mode)})
        h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      return h;
    }
  };
  struct Run {
    bool found = false;
    RouteOption::Route route;
    std::vector<int> links;   // the links whose flags prove the run
    std::vector<char> flags;  // per link: 1 free >= pairs, 2 built (as the run met them)
    char mask = 0;            // the flags that matter
  };
  std::unordered_map<RunKey, Run, RunKeyHash> run_memo;
  // Parts of the network that no route within capacity leaves: the nodes a reachability test
  // reached without finding its target, labelled with the links (short of `pairs` free) on their
  // edge. While those stay short of pairs, no request of `pairs` or more from any of these
  // nodes reaches a node outside, nor a point of presence when none is inside (one test
  // answers every site of a saturated part).
  struct Dead {
    int pairs;
    bool has_pop;
    std::vector<int> cut;
  };
  std::vector<Dead> dead;
  std::map<int, std::vector<int>> dead_label;  // pairs -> per network node: index in dead, or -1
  std::size_t run_memo_size = 0;  // links held by run_memo (bounded)
  std::vector<unsigned> link_seen;
  unsigned link_stamp = 0;
  std::vector<int> cut;
  std::unordered_map<std::string, int> hub;  // external hub name -> network node (the last, as prepare finds it)
  // the attachment candidates of an off-network site (distance km, node), by its position:
  // O(nodes) to find, the same for every search of the request and every request there
  std::unordered_map<std::string, std::vector<std::pair<double, int>>> near_memo;
  std::unordered_map<long long, std::vector<int>> grid;  // attachable nodes by grid cell
  double grid_cell = 0;
  bool plain = false;          // banned all 0 and penalties all 1 (options' first round)
  bool penalty_dirty = false;  // some penalty != 1
  // unit-capacity flow test (disjoint_paths): arc flows (0 at rest), BFS pred arcs and stamps
  ListDigraph::ArcMap<char> flow;
  ListDigraph::NodeMap<Arc> pred;
  ListDigraph::NodeMap<unsigned> reached;
  unsigned flow_stamp = 0;
  std::vector<GNode> queue;
  std::vector<Arc> touched;

  explicit Impl() : kind(g), len(g), flow(g, 0), pred(g), reached(g, 0) {}
};

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

namespace {

struct Prepared {
  GNode source, target;
  bool ok = true;
  std::string why;  // when !ok
};

double link_cost(const Link& l, const InterconnectParams& p, const InterconnectionRequest& r, bool built) {
  if (!built) return l.build_eur_per_km * l.length_km;  // capex
  const double rate = l.status == LinkStatus::Leased ? l.lease_eur_per_pair_km_year : p.owned_eur_per_pair_km_year;
  return rate * r.pairs * l.length_km * r.horizon_years;
}

}  // namespace

// Sets the arc lengths for a request. metric: 0 cost, 1 latency, or cost + lambda x latency.
// capacity: block links without enough free pairs.
static Prepared prepare(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                        const InterconnectionRequest& r, const LinkState& s, bool capacity, double lambda,
                        bool latency_only, bool link_lengths = true) {
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
      const double c = link_cost(l, p, r, s.built[j]) * I.penalty[j] + kTieBreak * l.length_km;
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
      out.why = fmt::format("no network node within {} km of the site (interconnect.attach_max_km)", p.attach_max_km);
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
static bool reachable(Interconnect::Impl& I, const InterconnectionRequest& r, const LinkState& s, const Prepared& pr,
                      std::vector<int>* cut = nullptr) {
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
static bool disjoint_paths(Interconnect::Impl& I, GNode source, GNode target, int need) {
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
static Interconnect::Impl::Tree dijkstra_tree(Interconnect::Impl& I, GNode source) {
  lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
  dj.run(source);
  Interconnect::Impl::Tree t;
  const int n = I.g.maxNodeId() + 1;
  t.ok.assign(n, 0), t.kind.assign(n, 0), t.from.assign(n, -1);
  for (ListDigraph::NodeIt v(I.g); v != lemon::INVALID; ++v) {
    const int id = ListDigraph::id(v);
    t.ok[id] = dj.reached(v) && dj.dist(v) < kBlocked;
    const Arc a = dj.reached(v) ? dj.predArc(v) : lemon::INVALID;
    if (a != lemon::INVALID) t.kind[id] = I.kind[a], t.from[id] = ListDigraph::id(I.g.source(a));
  }
  t.attach_to = I.attach_to;
  t.attach_km = I.attach_km;
  return t;
}

// One arc of a route: a link adds its length and latency; the site's attachment arc sets the
// attachment and adds its length at the fibre's latency per km; other arcs add nothing.
static void add_step(RouteOption::Route& route, int k, const std::vector<int>& attach_to, const std::vector<double>& attach_km,
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

static RouteOption::Route to_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
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
static std::optional<RouteOption::Route> tree_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
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

namespace {

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

// The route of a request from its network node (r.site_node) to its destination on the lengths
// of `mode` (Impl::RunKey), as LEMON's Dijkstra run to the target finds it, or nullopt when
// there is none: the search of Searcher::search (modes 'c', 'l'), of fastest() ('f') and of a
// rejection's diagnosis ('r', 't'), memoised (Impl::Run). Banned links none and penalties 1:
// the caller's to ensure. `handled` false: not a case for the memo (no target node).
struct MemoRun {
  bool handled = false;
  std::optional<RouteOption::Route> route;
};

// The lengths prepare() (and fastest()'s latency pass) would set for a request from a network
// node, computed when LEMON's Dijkstra reads them: no O(links) pass before a search that
// settles a few nodes. Same values, bit for bit (banned none, penalties 1).
struct LazyLength {
  using Key = Arc;
  using Value = double;
  const Interconnect::Impl& I;
  const Network& net;
  const InterconnectParams& p;
  const InterconnectionRequest& r;
  const LinkState& s;
  bool capacity, latency_only, pure_latency;
  double lambda;
  double operator[](Arc a) const {
    const int j = I.kind[a];
    if (j < 0) return 0;  // a PoP's arc to the "any PoP" sink
    if (capacity && s.free[j] < r.pairs) return kBlocked;
    const Link& l = net.links()[j];
    const double lat = l.latency_ms;
    if (pure_latency) return lat;
    const double c = link_cost(l, p, r, s.built[j]) * 1.0 + kTieBreak * l.length_km;
    return latency_only ? lat + 1e-9 * c : c + lambda * lat;
  }
};

// What prepare(capacity = true) sets, read when the search needs it: a link's length from the
// state (banned, pairs free, built, penalty), an attachment's as prepare() set it, a PoP's arc
// to the sink 0. Same values, bit for bit.
struct PreparedLength {
  using Key = Arc;
  using Value = double;
  const Interconnect::Impl& I;
  const Network& net;
  const InterconnectParams& p;
  const InterconnectionRequest& r;
  const LinkState& s;
  double lambda;
  bool latency_only;
  double operator[](Arc a) const {
    const int j = I.kind[a];
    if (j == kSinkArc) return 0;
    if (j < 0) return I.len[a];  // an attachment
    if (I.banned[j] || s.free[j] < r.pairs) return kBlocked;
    const Link& l = net.links()[j];
    const double lat = l.latency_ms;
    const double c = link_cost(l, p, r, s.built[j]) * I.penalty[j] + kTieBreak * l.length_km;
    return latency_only ? lat + 1e-9 * c : c + lambda * lat;
  }
};

MemoRun memo_run(Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const InterconnectionRequest& r,
                 const LinkState& s, char mode, double lambda) {
  MemoRun out;
  const auto site = net.find_node(r.site_node);
  if (!site) return out;
  int target = -1;
  switch (r.destination.kind) {
    case Destination::Kind::Node:
      if (auto v = net.find_node(r.destination.id)) target = ListDigraph::id(I.node[*v]);
      break;
    case Destination::Kind::AnyDorsalePop: target = ListDigraph::id(I.sink); break;
    case Destination::Kind::Hub:
      if (auto it = I.hub.find(r.destination.id); it != I.hub.end()) target = ListDigraph::id(I.node[it->second]);
      break;
  }
  if (target < 0) return out;
  out.handled = true;
  const GNode source = I.node[*site];
  const bool capacity = mode == 'c' || mode == 'l' || mode == 'f';
  const bool costed = mode == 'c' || mode == 'l' || mode == 'r';
  const bool pure_latency = mode == 'f' || mode == 't';
  const Interconnect::Impl::RunKey key{ListDigraph::id(source), target, capacity || costed ? r.pairs : 0, costed ? r.horizon_years : 0,
                                       lambda, mode};
  auto flag_of = [&](int l) { return char((s.free[l] >= r.pairs ? 1 : 0) | (s.built[l] ? 2 : 0)); };
  if (capacity) {  // a saturated part proved before, for these pairs or fewer
    const int site_v = *site;
    for (auto it = I.dead_label.begin(); it != I.dead_label.end() && it->first <= r.pairs; ++it) {
      const int k = it->second[site_v];
      if (k < 0) continue;
      const auto& d = I.dead[k];
      const bool outside = target == ListDigraph::id(I.sink) ? !d.has_pop : target >= int(I.is_pop.size()) || it->second[target] != k;
      if (!outside) continue;
      bool valid = true;
      for (std::size_t i = 0; i < d.cut.size() && valid; ++i) valid = s.free[d.cut[i]] < d.pairs;
      if (valid) {
        return out;
      }
    }
  }
  if (auto it = I.run_memo.find(key); it != I.run_memo.end()) {
    const auto& run = it->second;
    bool valid = true;
    for (std::size_t i = 0; i < run.links.size() && valid; ++i) valid = ((flag_of(run.links[i]) ^ run.flags[i]) & run.mask) == 0;
    if (valid) {
      if (run.found) out.route = run.route;
      return out;
    }
    I.run_memo_size -= run.links.size();
    I.run_memo.erase(it);
  }
  Prepared pr;
  pr.source = source, pr.target = ListDigraph::nodeFromId(target);
  Interconnect::Impl::Run run;
  auto keep = [&] {
    run.flags.reserve(run.links.size());
    for (int l : run.links) run.flags.push_back(flag_of(l));
    if (I.run_memo_size + run.links.size() > (std::size_t(1) << 21)) I.run_memo.clear(), I.run_memo_size = 0;  // bounded memory
    I.run_memo_size += run.links.size();
    I.run_memo[key] = std::move(run);
  };
  const LazyLength len{I, net, p, r, s, capacity, mode == 'l', pure_latency, lambda};
  lemon::Dijkstra<ListDigraph, LazyLength> dj(I.g, len);
  const GNode t = pr.target;
  run.found = dj.run(source, t) && dj.dist(t) < kBlocked;
  if (capacity && !run.found) {  // the reachability test names the saturated part (Impl::Dead)
    I.cut.clear();
    if (!reachable(I, r, s, pr, &I.cut)) {  // no route within capacity, while the cut stays short of pairs
      const int n = int(I.is_pop.size());
      Interconnect::Impl::Dead d{r.pairs, false, {}};
      for (int l : I.cut) {
        const Link& link = net.links()[l];
        if (I.seen[link.a] != I.stamp || I.seen[link.b] != I.stamp) d.cut.push_back(l);  // on the edge
      }
      std::sort(d.cut.begin(), d.cut.end());
      d.cut.erase(std::unique(d.cut.begin(), d.cut.end()), d.cut.end());
      if (I.dead.size() >= 4096) I.dead.clear(), I.dead_label.clear();  // bounded memory
      auto& label = I.dead_label[r.pairs];
      if (label.empty()) label.assign(n, -1);
      for (int v = 0; v < n; ++v)
        if (I.seen[v] == I.stamp) label[v] = int(I.dead.size()), d.has_pop = d.has_pop || I.is_pop[v];
      I.dead.push_back(std::move(d));
      return out;
    }
  }
  if (run.found) {
    std::vector<Arc> arcs;
    for (Arc a = dj.predArc(t); a != lemon::INVALID; a = dj.predArc(I.g.source(a))) arcs.push_back(a);
    std::reverse(arcs.begin(), arcs.end());
    run.route = to_route(I, net, p, arcs);
    out.route = run.route;
  }
  run.mask = char((capacity ? 1 : 0) | (costed ? 2 : 0));
  if (run.mask) {  // the links of the arcs the run examined: the out-arcs of the nodes it settled
    if (++I.link_stamp == 0) std::fill(I.link_seen.begin(), I.link_seen.end(), 0), I.link_stamp = 1;
    for (std::size_t v = 0; v < I.node.size(); ++v)
      if (dj.processed(I.node[v]))
        for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k)
          if (I.link_seen[I.adj_link[k]] != I.link_stamp) I.link_seen[I.adj_link[k]] = I.link_stamp, run.links.push_back(I.adj_link[k]);
  }
  keep();
  return out;
}

// One request's route searches on the shared graph (the steps of Interconnect::options).
struct Searcher {
  Interconnect::Impl& I;
  const Network& net;
  const InterconnectParams& p;
  const InterconnectionRequest& r;
  const LinkState& s;
  const Interconnect& ic;
  int need = r.protection == Protection::Diverse ? 2 : 1;
  mutable bool none = false;  // best(): its first search found no route (pair) within capacity

  // A route (Dijkstra) or a link-disjoint pair (Suurballe) under the current lengths; nullopt
  // when none within capacity.
  std::optional<RouteOption> search(double lambda, bool latency_only) const {
    if (!I.reference && need == 1 && I.plain) {
      MemoRun m = memo_run(I, net, p, r, s, latency_only ? 'l' : 'c', lambda);
      if (m.handled) {
        if (!m.route) return std::nullopt;
        RouteOption o;
        o.routes.push_back(std::move(*m.route));
        ic.price(o, r, s);
        return o;
      }
    }
    const bool lazy = !I.reference && need == 1;  // the links' lengths read as the search needs them
    Prepared pr = prepare(I, net, p, r, s, true, lambda, latency_only, !lazy);
    if (!pr.ok) return std::nullopt;
    // what the search would find (the lazy search finds it as fast: it stops at the target and
    // reads no length it does not need)
    if (!I.reference && !lazy && !reachable(I, r, s, pr)) return std::nullopt;
    if (!I.reference && need == 2 && !disjoint_paths(I, pr.source, pr.target, 2)) return std::nullopt;
    RouteOption o;
    if (lazy) {
      const PreparedLength len{I, net, p, r, s, lambda, latency_only};
      lemon::Dijkstra<ListDigraph, PreparedLength> dj(I.g, len);
      if (!dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
      std::vector<Arc> arcs;
      for (Arc a = dj.predArc(pr.target); a != lemon::INVALID; a = dj.predArc(I.g.source(a))) arcs.push_back(a);
      std::reverse(arcs.begin(), arcs.end());
      o.routes.push_back(to_route(I, net, p, arcs));
    } else if (need == 1) {
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      if (!dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
      o.routes.push_back(to_route(I, net, p, path_arcs(dj, I.g, pr.target)));
    } else {
      lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
      if (sb.run(pr.source, pr.target, 2) < 2 || sb.totalLength() >= kBlocked) return std::nullopt;
      for (int i = 0; i < 2; ++i) {
        std::vector<Arc> arcs;
        for (int a = 0; a < sb.path(i).length(); ++a) arcs.push_back(sb.path(i).nth(a));
        o.routes.push_back(to_route(I, net, p, arcs));
      }
    }
    ic.price(o, r, s);
    return o;
  }

  bool latency_ok(const RouteOption& o) const {
    if (!r.max_latency_ms) return true;
    for (const auto& route : o.routes)
      if (route.latency_ms > *r.max_latency_ms + 1e-12) return false;
    return true;
  }

  // Cheapest option meeting the latency limit: cost, then cost + lambda x latency, then latency.
  std::optional<RouteOption> best() const {
    auto o = search(0, false);
    none = !o;
    if (!o || latency_ok(*o)) return o;
    for (double lambda = 1e2; lambda <= 1e10; lambda *= 10) {
      auto q = search(lambda, false);
      if (q && latency_ok(*q)) return q;
    }
    auto q = search(0, true);
    if (q && latency_ok(*q)) return q;
    return std::nullopt;
  }

  // Keeps route `pin` of o, bans its links and duct mates, re-routes the other.
  std::optional<RouteOption> pinned_reroute(const RouteOption& o, int pin) const {
    const auto pinned = o.routes[pin];
    const auto groups = srgs_of(net, pinned);
    std::fill(I.banned.begin(), I.banned.end(), 0);
    for (std::size_t j = 0; j < net.links().size(); ++j)
      net.links()[j].for_each_risk_group([&](const std::string& g) { if (groups.count(g)) I.banned[j] = 1; });
    for (int l : pinned.links) I.banned[l] = 1;
    InterconnectionRequest single = r;
    single.protection = Protection::None;
    Prepared pr = prepare(I, net, p, single, s, true, 0, false);
    if (pinned.attach_node >= 0)  // the other route may not reuse the same attachment
      for (std::size_t k = 0; k < I.attach_arcs.size(); ++k)
        if (I.attach_to[k] == pinned.attach_node) I.len[I.attach_arcs[k]] = kBlocked;
    if (r.destination.kind == Destination::Kind::AnyDorsalePop)  // nor reach the same PoP
      for (ListDigraph::OutArcIt a(I.g, I.node[pinned.nodes.back()]); a != lemon::INVALID; ++a)
        if (I.kind[a] == kSinkArc) I.len[a] = kBlocked;
    lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
    if (!pr.ok || !dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
    RouteOption q;
    q.routes = {pinned, to_route(I, net, p, path_arcs(dj, I.g, pr.target))};
    ic.price(q, r, s);
    if (!common_srgs(net, q).empty() || !latency_ok(q)) return std::nullopt;
    return q;
  }

  // Ban-and-reroute: for each duct the pair shares, keep at most one of its links and run
  // Suurballe again; repeat on what still conflicts (a few rounds, a bounded frontier).
  void ban_and_reroute(std::optional<RouteOption>& bestp) const {
    std::vector<std::set<int>> frontier{{}};
    std::set<std::set<int>> tried{{}};
    for (int round = 0; round < 3 && !frontier.empty(); ++round) {
      std::vector<std::set<int>> next;
      for (const auto& ban : frontier) {
        std::fill(I.banned.begin(), I.banned.end(), 0);
        for (int l : ban) I.banned[l] = 1;
        auto q = search(0, false);
        if (!q) continue;
        const auto c = common_srgs(net, *q);
        if (c.empty()) {
          if (latency_ok(*q) && (!bestp || q->total() < bestp->total())) bestp = *q;
          continue;
        }
        for (const auto& g : c) {
          std::vector<int> members;
          for (std::size_t j = 0; j < net.links().size(); ++j)
            if (net.links()[j].in_risk_group(g)) members.push_back(int(j));
          for (int keep = -1; keep < int(members.size()); ++keep) {
            std::set<int> nb = ban;
            for (int k2 = 0; k2 < int(members.size()); ++k2)
              if (k2 != keep) nb.insert(members[k2]);
            if (next.size() < 16 && tried.insert(nb).second) next.push_back(nb);
          }
        }
      }
      frontier = std::move(next);
    }
    std::fill(I.banned.begin(), I.banned.end(), 0);
  }

  // The route (Dijkstra) or arc-disjoint pair (Suurballe) of least sum of w + mu x latency within
  // capacity (the attachments weigh their latency only), with that least sum.
  std::optional<std::pair<double, RouteOption>> weighted(const std::vector<double>& w, double mu) const {
    std::fill(I.banned.begin(), I.banned.end(), 0);
    Prepared pr = prepare(I, net, p, r, s, true, 0, false);
    if (!pr.ok) return std::nullopt;
    for (ListDigraph::ArcIt a(I.g); a != lemon::INVALID; ++a) {
      if (I.len[a] >= kBlocked) continue;
      const int k = I.kind[a];
      I.len[a] = (k >= 0 ? w[k] : 0.0) + mu * arc_latency(I, net, p, a);
    }
    RouteOption o;
    double len;
    if (need == 1) {
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      if (!dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
      len = dj.dist(pr.target);
      o.routes.push_back(to_route(I, net, p, path_arcs(dj, I.g, pr.target)));
    } else {
      lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
      if (sb.run(pr.source, pr.target, 2) < 2 || sb.totalLength() >= kBlocked) return std::nullopt;
      len = sb.totalLength();
      for (int i = 0; i < 2; ++i) {
        std::vector<Arc> arcs;
        for (int a = 0; a < sb.path(i).length(); ++a) arcs.push_back(sb.path(i).nth(a));
        o.routes.push_back(to_route(I, net, p, arcs));
      }
    }
    return std::pair{len, o};
  }

  // A column the queue may use: latency limit, link-disjoint pair, distinct attachments, no
  // common shared-risk group (unless link-only diversity is accepted).
  bool valid_column(const RouteOption& o) const {
    if (!latency_ok(o)) return false;
    if (need == 1) return true;
    std::set<int> a(o.routes[0].links.begin(), o.routes[0].links.end());
    for (int l : o.routes[1].links)
      if (a.count(l)) return false;
    if (o.routes[0].attach_node >= 0 && o.routes[0].attach_node == o.routes[1].attach_node) return false;
    return p.accept_link_only_diversity || common_srgs(net, o).empty();
  }

  // A diverse pair sharing a duct: the cheapest risk-disjoint repair, or o flagged link-only
  // with the ducts its routes share.
  RouteOption risk_disjoint(RouteOption o) const {
    if (need == 1) return o;
    const auto shared = common_srgs(net, o);
    if (shared.empty()) return o;
    std::optional<RouteOption> bestp;
    for (int pin = 0; pin < 2; ++pin) {
      auto q = pinned_reroute(o, pin);
      if (q && (!bestp || q->total() < bestp->total())) bestp = q;
    }
    ban_and_reroute(bestp);
    if (bestp) return *bestp;
    for (const auto& g : shared) {
      std::vector<std::string> in[2];
      for (int i = 0; i < 2; ++i)
        for (int l : o.routes[i].links)
          if (net.links()[l].in_risk_group(g)) in[i].push_back(net.links()[l].id);
      o.notes.push_back(fmt::format("only link-disjoint routes: link {} (route 1) and link {} (route 2) share {}",
                                    fmt::join(in[0], ", "), fmt::join(in[1], ", "), g));
    }
    o.risk_disjoint = false;
    return o;
  }
};

std::vector<int> option_key(const RouteOption& o) {
  std::vector<int> key;
  for (const auto& route : o.routes) {
    key.insert(key.end(), route.links.begin(), route.links.end());
    key.push_back(-1 - route.attach_node);
  }
  return key;
}

std::vector<std::string> works_reasons(const Network& net, const RouteOption& o, const LinkState& s) {
  std::vector<std::string> out;
  std::set<int> named;
  for (const auto& route : o.routes) {
    if (route.attach_node >= 0)
      out.push_back(fmt::format("new build of {:.1f} km from the site to {}", route.attach_km, net.node(route.attach_node).id));
    for (int l : route.links)
      if (!s.built[l] && named.insert(l).second)
        out.push_back(fmt::format("planned link {} must be built ({:.1f} km)", net.links()[l].id, net.links()[l].length_km));
  }
  return out;
}

// "links a, b; 3.2 km new build to n": what a reason names, enough to recompute its latency.
std::string route_text(const Network& net, const RouteOption::Route& route) {
  std::vector<std::string> ids;
  for (int l : route.links) ids.push_back(net.links()[l].id);
  std::string s = ids.empty() ? "no network link" : fmt::format("links {}", fmt::join(ids, ", "));
  if (route.attach_node >= 0) s += fmt::format("; {:.3f} km new build to {}", route.attach_km, net.node(route.attach_node).id);
  return s;
}

double worst_latency(const RouteOption& o) {
  double w = 0;
  for (const auto& route : o.routes) w = std::max(w, route.latency_ms);
  return w;
}

}  // namespace

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
    e.reasons.push_back("set interconnect.link_only_diversity = \"accept\" to accept link-disjoint routes");
    return e;
  }
  e.decision = e.option->needs_works(s) ? Decision::AcceptWithWorks : Decision::Accept;
  for (auto& w : works_reasons(net_, *e.option, s)) e.reasons.push_back(std::move(w));
  return e;
}

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
      t = I.tree_memo.emplace(std::move(tkey), dijkstra_tree(I, pr.source)).first;
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
  if (e.reasons.empty()) e.reasons.push_back("no route meets every constraint (capacity, latency, diversity) together");
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
    const std::vector<std::string> notes = relaxed_opts.empty() ? std::vector<std::string>{} : relaxed_opts.front().notes;
    no_risk_disjoint_reasons(r, s, notes, fastest_link_only(r, relaxed), e.reasons);
    return e;
  }
  capacity_reasons(r, s, relaxed, wide, e.reasons);
  latency_reason(r, fast ? fast : wide, !fast, e.reasons);
  if (e.reasons.empty()) e.reasons.push_back("no route meets every constraint (capacity, latency, diversity) together");
  return e;
}

bool Interconnect::topology_reason(const InterconnectionRequest& r, const LinkState& s, std::vector<std::string>& out) const {
  auto& I = *impl_;
  const int need = r.protection == Protection::Diverse ? 2 : 1;
  Prepared free_run = prepare(I, net_, p_, r, s, false, 0, false);
  if (!free_run.ok) {
    out.push_back(free_run.why);
    return true;
  }
  if (!I.reference && disjoint_paths(I, free_run.source, free_run.target, need)) return false;  // what Suurballe would say
  lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
  const int found = sb.run(free_run.source, free_run.target, need);
  if (found >= need && sb.totalLength() < kBlocked) return false;
  if (need == 1) {
    out.push_back("no path joins the site to the destination");
    return true;
  }
  // name the links every route must use (bridges of the shortest route)
  lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
  std::vector<std::string> cut;
  if (dj.run(free_run.source, free_run.target)) {
    for (Arc a : path_arcs(dj, I.g, free_run.target)) {
      const int k = I.kind[a];
      if (k < 0) continue;
      const double keep_f = I.len[I.fwd[k]];
      I.len[I.fwd[k]] = I.len[I.bwd[k]] = kBlocked;
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> d2(I.g, I.len);
      if (!d2.run(free_run.source, free_run.target) || d2.dist(free_run.target) >= kBlocked) cut.push_back(net_.links()[k].id);
      I.len[I.fwd[k]] = I.len[I.bwd[k]] = keep_f;
    }
  }
  out.push_back(cut.empty() ? "no two link-disjoint routes join the site to the destination"
                            : fmt::format("no two link-disjoint routes: every route uses link {}", fmt::join(cut, ", ")));
  return true;
}

// The links too full on the option the request would get if capacity were no limit
// (diversity and latency rules included; for a pair, the exact fastest one when no cheaper
// one meets the latency limit).
void Interconnect::capacity_reasons(const InterconnectionRequest& r, const LinkState& s, const LinkState& relaxed,
                                    const std::optional<RouteOption>& wide, std::vector<std::string>& out) const {
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

void Interconnect::no_risk_disjoint_reasons(const InterconnectionRequest& r, const LinkState& s, const std::vector<std::string>& notes,
                                            const std::optional<RouteOption>& link_only, std::vector<std::string>& out) const {
  auto add_notes = [&] {
    if (notes.empty()) out.push_back("no shared-risk-disjoint pair of routes joins the site to the destination");
    out.insert(out.end(), notes.begin(), notes.end());
  };
  if (link_only && r.max_latency_ms && worst_latency(*link_only) > *r.max_latency_ms + 1e-12) {
    const double worst = worst_latency(*link_only);
    out.push_back(fmt::format(
        "even with link-disjoint routes accepted (interconnect.link_only_diversity = \"accept\"), the fastest link-disjoint pair "
        "whatever the capacity (route 1: {}; route 2: {}) takes {:.3f} ms on its slower route, over the limit {:.3f} ms by {:.3f} ms",
        route_text(net_, link_only->routes[0]), route_text(net_, link_only->routes[1]), worst, *r.max_latency_ms, worst - *r.max_latency_ms));
    add_notes();
    return;
  }
  add_notes();
  if (p_.accept_link_only_diversity) return;
  const auto under_s = fastest_link_only(r, s);
  if (under_s && Searcher{*impl_, net_, p_, r, s, *this}.latency_ok(*under_s)) {
    out.push_back("set interconnect.link_only_diversity = \"accept\" to accept link-disjoint routes");
    return;
  }
  if (link_only) too_full(r, s, *link_only, out);
}

void Interconnect::too_full(const InterconnectionRequest& r, const LinkState& s, const RouteOption& o, std::vector<std::string>& out) const {
  std::set<int> used;
  for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
  for (int l : used)
    if (s.free[l] < r.pairs)
      out.push_back(fmt::format("link {} ({} - {}) has {} free pairs, {} requested", net_.links()[l].id,
                                net_.node(net_.links()[l].a).id, net_.node(net_.links()[l].b).id, s.free[l], r.pairs));
}

// The latency limit: the fastest route (pair) `f` under the capacity left, named, with its
// figure; when capacity leaves none (`relaxed`), the fastest whatever the capacity, if over the limit.
void Interconnect::latency_reason(const InterconnectionRequest& r, const std::optional<RouteOption>& f, bool relaxed,
                                  std::vector<std::string>& out) const {
  const bool pair = r.protection == Protection::Diverse;
  const char* what = !pair ? "route" : p_.accept_link_only_diversity ? "link-disjoint pair" : "shared-risk-disjoint pair";
  const char* where = relaxed ? "whatever the capacity" : "under the capacity left";
  if (relaxed && out.empty()) out.push_back(fmt::format("no {} within the capacity left", what));
  if (!f || !r.max_latency_ms) return;
  const double worst = worst_latency(*f);
  if (worst <= *r.max_latency_ms + 1e-12) return;
  std::string named = route_text(net_, f->routes[0]);
  if (pair) named = fmt::format("route 1: {}; route 2: {}", named, route_text(net_, f->routes[1]));
  out.push_back(fmt::format("the fastest {} {} ({}) takes {:.3f} ms{}, over the limit {:.3f} ms by {:.3f} ms", what, where, named,
                            worst, pair ? " on its slower route" : "", *r.max_latency_ms, worst - *r.max_latency_ms));
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
    // penalise what was used so the next round looks elsewhere
    for (const auto& route : o->routes)
      for (int l : route.links) I.penalty[l] *= 3.0, I.penalty_dirty = true;
  }
  if (I.penalty_dirty) std::fill(I.penalty.begin(), I.penalty.end(), 1.0), I.penalty_dirty = false;
  return out;
}

// ---- exact fastest route / pair ------------------------------------------------------------

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
    lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
    if (!dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
    o.routes.push_back(to_route(I, net_, p_, path_arcs(dj, I.g, pr.target)));
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
  if (r.protection == Protection::Diverse) d.diversity = o.risk_disjoint ? "risk_disjoint" : "link_only";
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

const char* queue_mode_key(QueueMode m) { return m == QueueMode::FirstCome ? "fcfs" : "optimal"; }

void accept_in_queue(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, int i, RouteOption o, QueueResult& q) {
  const auto& r = reqs[i];
  LinkState& s = q.final_state;
  if (q.builder.size() != s.free.size()) q.builder.assign(s.free.size(), -1);
  ic.price(o, r, s);
  Evaluation& e = q.evaluations[i];
  e.decision = o.needs_works(s) ? Decision::AcceptWithWorks : Decision::Accept;
  e.reasons = o.notes;
  for (auto& w : works_reasons(ic.network(), o, s)) e.reasons.push_back(std::move(w));
  e.builds.clear();
  for (const auto& route : o.routes)
    for (int l : route.links)
      if (!s.built[l] && q.builder[l] < 0) {
        q.builder[l] = i;
        e.builds.push_back(l);
      }
  ic.reserve(s, o, r.pairs);
  e.free_after.clear();
  for (const auto& route : o.routes) {
    e.free_after.emplace_back();
    for (int l : route.links) e.free_after.back().push_back(s.free[l]);
  }
  e.option = std::move(o);
  q.accepted_value += r.value;
}

QueueResult run_fcfs(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                     const LinkState& initial) {
  QueueResult q;
  q.final_state = initial;
  q.builder.assign(initial.free.size(), -1);
  q.evaluations.resize(reqs.size());
  for (int i : order) {
    Evaluation e = ic.evaluate(reqs[i], q.final_state);
    const bool accept = e.decision != Decision::Reject;
    q.evaluations[i] = std::move(e);
    if (accept) accept_in_queue(ic, reqs, i, *q.evaluations[i].option, q);
  }
  q.fcfs_value = q.accepted_value;
  return q;
}

std::vector<std::vector<RouteOption>> candidate_options(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                                                        const QueueResult& fcfs, const LinkState& initial, int route_options) {
  std::vector<std::vector<RouteOption>> opts(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    auto list = ic.options(reqs[i], initial, route_options);
    if (list.empty()) {  // the exact search of evaluate() may find what options() misses
      auto e = ic.evaluate(reqs[i], initial);
      if (e.decision != Decision::Reject) list.push_back(*e.option);
    }
    const auto& fe = fcfs.evaluations[i];
    if (fe.decision != Decision::Reject) {
      RouteOption f = *fe.option;
      ic.price(f, reqs[i], initial);
      list.insert(list.begin(), f);
    }
    std::set<std::vector<int>> seen;
    for (auto& o : list)
      if ((o.risk_disjoint || reqs[i].protection == Protection::None || ic.params().accept_link_only_diversity) &&
          seen.insert(option_key(o)).second)
        opts[i].push_back(o);
  }
  return opts;
}

namespace {

std::set<int> links_of(const RouteOption& o) {
  std::set<int> used;
  for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
  return used;
}

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

namespace {

// The joint MILP: x_io (request i takes option o), y_l (planned link l is built, once,
// whoever uses it), maximising the accepted value. `cost` holds each variable's cost (each
// planned link at its build cost once, every other part at the option's own cost) for the
// second, lexicographic stage: least cost at that value (cost_model). A weighted tie-break
// (value - 1e-6 x cost) is not one: its cost term lies below the solvers' optimality
// tolerance, so CBC and GLPK returned different, dearer sets at the same value.
struct JointModel {
  MipModel m;
  std::vector<std::vector<int>> var;
  std::vector<double> cost;  // per variable, EUR
};

JointModel joint_model(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                       const std::vector<std::vector<RouteOption>>& opts, const LinkState& initial) {
  JointModel j;
  j.m.maximize = true;
  LinkState all_built = initial;
  std::fill(all_built.built.begin(), all_built.built.end(), 1);
  std::vector<std::vector<double>> cost(reqs.size());
  std::map<int, std::set<std::size_t>> users;  // planned link -> the requests with an option on it
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (auto o : opts[i]) {
      ic.price(o, reqs[i], all_built);  // planned links as owned: their build is counted below
      cost[i].push_back(o.total());
      for (int l : links_of(o))
        if (!initial.built[l]) users[l].insert(i);
    }
  auto build = [&](int l) { return ic.network().links()[l].build_eur_per_km * ic.network().links()[l].length_km; };
  // a link one request alone may use is built iff its option is taken: its cost goes there;
  // a shared one is y_l, continuous (at any integer x the cost pulls it down to 0 or 1)
  std::map<int, int> y;
  for (const auto& [l, who] : users)
    if (who.size() > 1) y[l] = -1;
  for (auto& [l, var] : y) {
    var = j.m.add_var(0, 1, 0, false);
    j.cost.push_back(build(l));
  }
  std::map<int, std::pair<std::vector<int>, std::vector<double>>> by_link;
  j.var.resize(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::map<int, std::vector<int>> on_shared;  // shared planned link -> this request's options on it
    for (std::size_t k = 0; k < opts[i].size(); ++k) {
      double c = cost[i][k];
      for (int l : links_of(opts[i][k]))
        if (!initial.built[l] && !y.count(l)) c += build(l);
      const int x = j.m.add_var(0, 1, reqs[i].value, true);
      j.cost.push_back(c);
      j.var[i].push_back(x);
      for (int l : links_of(opts[i][k])) {
        by_link[l].first.push_back(x);
        by_link[l].second.push_back(reqs[i].pairs);
        if (y.count(l)) on_shared[l].push_back(x);
      }
    }
    for (auto& [l, xs] : on_shared) {  // sum of i's options on l <= y_l (one option per request)
      std::vector<double> val(xs.size(), 1.0);
      xs.push_back(y[l]);
      val.push_back(-1);
      j.m.add_row(xs, val, -1e30, 0);
    }
    if (!j.var[i].empty()) j.m.add_row(j.var[i], std::vector<double>(j.var[i].size(), 1.0), -1e30, 1);
  }
  for (auto& [l, row] : by_link) j.m.add_row(row.first, row.second, -1e30, initial.free[l]);
  return j;
}

MipResult solve_joint(const JointModel& jm, MipBackend backend, double time_limit_s) {
  if (jm.m.vars() > 0) return solve_mip(jm.m, backend, time_limit_s);
  MipResult r;
  r.status = MipStatus::Optimal;
  return r;
}

// The second stage: the least cost among the solutions of value >= `value` (the first stage's
// optimum, less a rounding tolerance).
MipModel cost_model(const std::vector<InterconnectionRequest>& reqs, const JointModel& jm, double value) {
  MipModel m = jm.m;
  m.maximize = false;
  m.obj = jm.cost;
  std::vector<int> idx;
  std::vector<double> val;
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (int x : jm.var[i]) idx.push_back(x), val.push_back(reqs[i].value);
  m.add_row(idx, val, value - 1e-7 * std::max(1.0, std::abs(value)), 1e30);
  return m;
}

// The accepted value of a joint solution.
double joint_value(const std::vector<InterconnectionRequest>& reqs, const JointModel& jm, const MipResult& res) {
  double v = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (int x : jm.var[i])
      if (res.x[x] > 0.5) v += reqs[i].value;
  return v;
}

// Gap closing: with the bound's duals (w, u_i = max(0, v_i - pairs_i pi_i)) every route has a
// reduced value <= 0, and a solution better than the incumbent z can only use routes whose
// reduced value is above z - bound. Adds every such route of each request to opts when they
// are few enough to list (kCap); complete = all were listed (the MILP over opts is then the
// optimum over every route).
struct Closing {
  bool added = false, complete = false;
};

Closing close_gap(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const LinkState& initial, const ColumnBound& cb,
                  const JointModel& jm, const MipResult& res, std::vector<std::vector<RouteOption>>& opts) {
  constexpr std::size_t kTotal = 3000;  // routes in all beyond which the gap stays open (MILP size)
  Closing c;
  if (res.status != MipStatus::Optimal || cb.w.empty()) return c;
  const double gap = cb.bound - joint_value(reqs, jm, res);
  if (gap <= 1e-9) return c;
  std::vector<std::vector<RouteOption>> more(reqs.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (!std::isfinite(cb.pi[i])) continue;  // no route at all
    const double u = std::max(0.0, reqs[i].value - reqs[i].pairs * cb.pi[i]);
    const double budget = (reqs[i].value - u + gap + 1e-9) / reqs[i].pairs;
    if (budget < 0) continue;
    if (!ic.enumerate_routes(reqs[i], initial, cb.w, budget, kTotal - total, more[i])) return c;  // too many to list
    total += more[i].size();
  }
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::set<std::vector<int>> seen;
    for (const auto& o : opts[i]) seen.insert(option_key(o));
    for (auto& o : more[i])
      if (seen.insert(option_key(o)).second) opts[i].push_back(std::move(o)), c.added = true;
  }
  c.complete = true;
  return c;
}

}  // namespace

QueueResult run_optimal(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                        const LinkState& initial, int route_options, MipBackend backend, double time_limit_s) {
  const QueueResult fcfs = run_fcfs(ic, reqs, order, initial);
  auto opts = candidate_options(ic, reqs, fcfs, initial, route_options);
  QueueResult q;
  const ColumnBound cb = grow_columns(ic, reqs, initial, opts, time_limit_s);
  q.all_routes_bound = cb.bound;
  q.pricing_rounds = cb.rounds;
  JointModel jm = joint_model(ic, reqs, opts, initial);
  MipResult res = solve_joint(jm, backend, time_limit_s);
  const Closing closing = close_gap(ic, reqs, initial, cb, jm, res, opts);
  if (closing.added) {  // the incumbent stays feasible: the new solution is at least as good
    jm = joint_model(ic, reqs, opts, initial);
    res = solve_joint(jm, backend, time_limit_s);
  }
  if (closing.complete && res.status == MipStatus::Optimal)  // every route that could do better was a candidate
    q.all_routes_bound = std::min(q.all_routes_bound, joint_value(reqs, jm, res));
  // lexicographic: at the value found, the least cost (the first stage's set stays feasible;
  // when the second stage finds no solution in its time, the first stage's set is kept)
  if ((res.status == MipStatus::Optimal || res.status == MipStatus::Feasible) && jm.m.vars() > 0) {
    double first_cost = 0;
    for (int v = 0; v < jm.m.vars(); ++v) first_cost += jm.cost[std::size_t(v)] * res.x[std::size_t(v)];
    MipResult c = solve_mip(cost_model(reqs, jm, joint_value(reqs, jm, res)), backend, time_limit_s);
    if ((c.status == MipStatus::Optimal || c.status == MipStatus::Feasible) && c.objective <= first_cost + 1e-6) {
      for (int v = 0; v < jm.m.vars(); ++v) res.x[std::size_t(v)] = c.x[std::size_t(v)];
    } else {
      c.objective = first_cost;  // kept: the first stage's set, with the bound the second stage proved
      c.bound = std::min(c.bound, first_cost);
      if (c.status != MipStatus::Optimal && c.status != MipStatus::Feasible) c.bound = 0;
      c.status = MipStatus::Feasible;
    }
    c.gap = std::max(0.0, c.objective - c.bound) / std::max(1.0, std::abs(c.objective));
    q.cost_mip = c;
  }
  for (const auto& v : opts) q.routes_considered += int(v.size());
  q.mip = res;
  q.fcfs_value = fcfs.accepted_value;
  q.final_state = initial;
  q.builder.assign(initial.free.size(), -1);
  q.evaluations.resize(reqs.size());
  const bool have = res.status == MipStatus::Optimal || res.status == MipStatus::Feasible;
  // replay the chosen set in queue order: the first that uses a planned link builds it
  for (int i : order) {
    int chosen = -1;
    if (have)
      for (std::size_t o = 0; o < jm.var[i].size(); ++o)
        if (res.x[jm.var[i][o]] > 0.5) chosen = int(o);
    if (!have && fcfs.evaluations[i].decision != Decision::Reject) chosen = 0;  // fall back on first-come
    if (chosen >= 0) {
      accept_in_queue(ic, reqs, i, opts[i][chosen], q);
      continue;
    }
    Evaluation& e = q.evaluations[i];
    e.decision = Decision::Reject;
    e.reasons = opts[i].empty() ? ic.evaluate(reqs[i], initial).reasons
                                : std::vector<std::string>{"feasible alone, but its capacity serves more value in the joint choice"};
  }
  return q;
}

}  // namespace dorsale::solvers
