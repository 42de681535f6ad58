#include "solvers/interconnect_impl.h"

// The route searches of one request (Searcher) and the memoised single-route runs (memo_run).

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
#include <string>
#include <unordered_map>

namespace dorsale::solvers {

using namespace interconnect_detail;

namespace interconnect_detail {

namespace {

// The lengths prepare() (and fastest()'s latency pass) would set for a request from a network
// node, computed when LEMON's Dijkstra reads them: no O(links) pass before a search that
// settles a few nodes. Same values, bit for bit (banned none, penalties 1).
struct LazyLength {
  using Key = Arc;
  using Value = double;
  const Interconnect::Impl& I;
  const LinkState& s;
  const double* built;    // per link: its length when built (ClassLengths)
  const double* unbuilt;  // ... and not built
  int pairs;
  bool capacity;
  double link(int j) const {
    if (capacity && s.free[j] < pairs) return kBlocked;
    return s.built[j] ? built[j] : unbuilt[j];
  }
  double operator[](Arc a) const {
    const int j = I.kind[a];
    if (j < 0) return 0;  // a PoP's arc to the "any PoP" sink
    return link(j);
  }
};

// The lengths prepare() (and fastest()'s latency pass) would set for a request's class, built
// and not built, banned none and penalties 1: computed once per class (Impl::ClassLengths).
const Interconnect::Impl::ClassLengths& class_lengths(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                                      const InterconnectionRequest& r, bool latency_only, bool pure_latency,
                                                      double lambda, char mode) {
  const bool costed = mode == 'c' || mode == 'l' || mode == 'r';
  const auto key = std::make_tuple(costed ? r.pairs : 0, costed ? r.horizon_years : 0, lambda, mode);
  auto it = I.class_lengths.find(key);
  if (it != I.class_lengths.end()) return it->second;
  if (I.class_lengths.size() >= 64) I.class_lengths.clear();  // bounded memory
  Interconnect::Impl::ClassLengths c;
  const std::size_t m = net.links().size();
  c.built.resize(m), c.unbuilt.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    const Link& l = net.links()[j];
    const double lat = l.latency_ms;
    for (bool built : {true, false}) {
      double v;
      if (pure_latency) {
        v = lat;
      } else {
        const double cost = link_cost(l, p, r, built) * 1.0 + kTieBreak * l.length_km + I.tie[j];
        v = latency_only ? lat + 1e-9 * cost : cost + lambda * lat;
      }
      (built ? c.built : c.unbuilt)[j] = v;
      c.finite = c.finite && v < kBlocked;
    }
  }
  return I.class_lengths.emplace(key, std::move(c)).first->second;
}

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
    const double c = link_cost(l, p, r, s.built[j]) * I.penalty[j] + kTieBreak * l.length_km + I.tie[j];
    return latency_only ? lat + 1e-9 * c : c + lambda * lat;
  }
};

enum class GoalRun { Found, None, Undecided };


// A class's bound after links were built since it was made (a queue builds the planned links
// its accepted routes use): their length drops from their build cost to their cost once built,
// so h may no longer be a lower bound near them. Instead of a new table (a full Dijkstra), the
// distances the table was built with (Bound::base when h has learned, else h itself: a
// consistent table, h(u) <= w(u, v) + h(v) on the lengths met since, as those only grew) are
// lowered where a route through such a link is shorter: from its ends outwards, a Dijkstra that
// goes only where they drop (min(h, the length to the link's end + the link + h(other end)): a
// lower bound on every route through it, the others keeping theirs; consistency is what makes
// stopping where nothing drops exact). What h learned is dropped (h = base): it held while
// lengths only grew. The serial changes when h does (a memoised run rests on the old one); the
// links leave unbuilt_links; Bound::built follows the state.
template <class BoundLen>
void repair_built(Interconnect::Impl& I, const Network& net, Interconnect::Impl::Bound& b, const std::vector<int>& links,
                  const BoundLen& bound_len) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  auto& queue = I.bound_queue;
  queue.clear();
  double* h = b.base.empty() ? b.h.data() : b.base.data();
  const bool by_node = b.base.empty() && !b.lowered.empty();  // lowered nodes stamped with the new version
  const std::uint32_t version = b.version + 1;
  auto lower = [&](int u, double d) {
    h[u] = d;
    if (by_node) b.lowered[std::size_t(u)] = version;
    queue.push(d, u);
  };
  for (int j : links) {
    b.built[std::size_t(j)] = 1;
    const double w = bound_len(std::size_t(j));  // its length now (infinite when short of pairs)
    if (!(w < inf)) continue;
    const Link& l = net.links()[std::size_t(j)];
    for (auto [u, v] : {std::pair{l.a, l.b}, std::pair{l.b, l.a}})
      if (h[v] + w < h[u]) lower(u, h[v] + w);
  }
  bool lowered = !queue.empty();
  while (!queue.empty()) {
    const auto [d, v] = queue.pop();
    if (d != h[v]) continue;  // lowered again since
    for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k) {
      const int u = I.adj_to[k];
      const double nd = d + bound_len(std::size_t(I.adj_link[k]));
      if (nd < h[u]) lower(u, nd);
    }
  }
  if (!b.base.empty() && (lowered || b.learned)) b.h = b.base, lowered = true;
  b.learned = false;
  if (lowered && by_node) b.version = version;  // the runs that reached none of them still hold
  else if (lowered) b.serial = ++I.bound_serial;
  auto& ub = b.unbuilt_links;
  ub.erase(std::remove_if(ub.begin(), ub.end(), [&](int j) { return bool(b.built[std::size_t(j)]); }), ub.end());
}

// The lower bound of class `kind` (memo_run's mode) to `target` (Impl::Bound), built at its
// second use; nullptr while not built. *positive: every link's least length is > 0.
Interconnect::Impl::Bound* bound_of(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                    const InterconnectionRequest& r, const LinkState& s, char kind, double lambda, int target,
                                    bool* positive) {
  const bool costed = kind == 'c' || kind == 'l' || kind == 'r';
  const bool capacity = kind == 'c' || kind == 'l' || kind == 'f';
  const bool pure_latency = kind == 'f' || kind == 't';
  const Interconnect::Impl::BoundKey key{target, capacity || costed ? r.pairs : 0, costed ? r.horizon_years : 0,
                                         pure_latency || kind == 'l' ? 0.0 : lambda, kind};
  if (I.bounds.size() > 4096) I.bounds.clear(), I.bounds_built = 0;  // bounded memory
  auto& b = I.bounds[key];
  // the class's lengths (LazyLength's): the least link j may have, built or not, and its length
  // in the bound: not built (while it stays so) at its length now, short of pairs left out
  const auto& cl = class_lengths(I, net, p, r, kind == 'l', pure_latency, lambda, kind);  // memo_run's, already made
  auto least = [&](std::size_t j) { return std::min(cl.built[j], cl.unbuilt[j]); };
  constexpr double inf = std::numeric_limits<double>::infinity();
  auto bound_len = [&](std::size_t j) {
    if (capacity && s.free[j] < r.pairs) return inf;
    return costed && !s.built[j] ? cl.unbuilt[j] : least(j);
  };
  if (b.uses++ == 0) {
    b.positive = true;
    for (std::size_t j = 0; j < net.links().size() && b.positive; ++j) b.positive = least(j) > 0;
  }
  *positive = b.positive;
  if (!b.positive || b.uses < 2) return nullptr;
  // valid: h is a lower bound on the state met: the links left out (short of pairs) are still
  // short, and (costed classes) every link is built as when h was built. A link short now but not
  // then is taken out of the table (h stays a lower bound: a queue only takes pairs)
  bool valid = !b.h.empty() && !b.loose, built = false, more_free = false;
  const std::size_t m = net.links().size();
  auto& newly_built = I.newly_built;
  newly_built.clear();
  if (valid) {
    I.cut.clear();
    // blocks of links compared whole first (a loop the compiler vectorises), the few that
    // differ then link by link
    const int* free = s.free.data();
    const char* s_built = s.built.data();
    const char* b_built = b.built.data();
    const char* b_short = b.is_short.data();
    const int pairs = r.pairs;
    constexpr std::size_t kBlock = 256;
    for (std::size_t j0 = 0; j0 < m; j0 += kBlock) {
      const std::size_t j1 = std::min(m, j0 + kBlock);
      unsigned char differ = 0;
      if (costed)
        for (std::size_t j = j0; j < j1; ++j) differ |= (unsigned char)(s_built[j] ^ b_built[j]);
      if (capacity)
        for (std::size_t j = j0; j < j1; ++j) differ |= (unsigned char)((free[j] < pairs ? 1 : 0) ^ b_short[j]);
      if (!differ) continue;
      for (std::size_t j = j0; j < j1; ++j) {
        if (costed && bool(s_built[j]) != bool(b_built[j])) {
          if (s_built[j]) newly_built.push_back(int(j));  // built since: h repaired below
          else built = true;                              // not built any more: h rebuilt
        }
        if (capacity && (free[j] < pairs) != bool(b_short[j])) {
          if (b_short[j]) more_free = true;
          else I.cut.push_back(int(j));
        }
      }
    }
    valid = !built && !more_free;
  }
  // a state with more pairs free than the table's (a relaxed state of a diagnosis, another
  // queue): no bound this time, rebuilt only if that keeps happening
  if (!valid && !built && !b.h.empty() && !b.loose && ++b.misses < 8) return nullptr;
  if (valid)
    for (int j : I.cut) b.is_short[std::size_t(j)] = 1, b.short_links.push_back(j);
  if (valid && !newly_built.empty()) repair_built(I, net, b, newly_built, bound_len);
  const int n = int(I.node.size());
  if (!valid) { 
    if (b.h.empty() && I.bounds_built >= 48) {  // bounded memory: at most 48 tables
      for (auto& [k, x] : I.bounds) {
        std::vector<double>().swap(x.h), std::vector<double>().swap(x.base), x.short_links.clear(), x.unbuilt_links.clear();
        std::vector<std::uint32_t>().swap(x.lowered);
        std::vector<char>().swap(x.is_short), std::vector<char>().swap(x.built);
      }
      I.bounds_built = 0;
    }
    if (b.h.empty()) ++I.bounds_built;
    b.short_links.clear();
    b.unbuilt_links.clear();
    b.is_short.assign(m, 0);
    b.built.assign(m, 0);
    auto& w = I.bound_w;
    w.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
      if (costed) b.built[j] = s.built[j];
      if (costed && !s.built[j] && cl.unbuilt[j] > least(j)) b.unbuilt_links.push_back(int(j));
      if (capacity && s.free[j] < r.pairs) b.short_links.push_back(int(j)), b.is_short[j] = 1;
      w[j] = bound_len(j);
    }
    // the links are symmetric: the distance from the target (every point of presence for the
    // "any PoP" sink) is the distance to it
    b.h.assign(std::size_t(I.g.maxNodeId() + 1), inf);
    std::vector<char>& done = I.bound_done;
    done.assign(std::size_t(n), 0);
    auto& queue = I.bound_queue;
    queue.clear();
    if (target == ListDigraph::id(I.sink)) {
      for (int v = 0; v < n; ++v)
        if (I.is_pop[std::size_t(v)]) b.h[std::size_t(v)] = 0, queue.push(0.0, v);
    } else if (target < n) {
      b.h[std::size_t(target)] = 0, queue.push(0.0, target);
    }
    double* h = b.h.data();
    while (!queue.empty()) {
      const auto [d, v] = queue.pop();
      if (done[std::size_t(v)]) continue;
      done[std::size_t(v)] = 1;
      for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k) {
        const int u = I.adj_to[k];
        const double nd = d + w[std::size_t(I.adj_link[k])];
        if (nd < h[u]) h[u] = nd, queue.push(nd, u);
      }
    }
    b.h[std::size_t(target)] = 0;
    b.key = key;
    b.serial = ++I.bound_serial;
    b.learned = false;
    if (costed && capacity) b.base = b.h, std::vector<std::uint32_t>().swap(b.lowered);  // what repair_built lowers (h learns)
    else std::vector<double>().swap(b.base), b.lowered.assign(b.h.size(), 0);
    b.version = 0;
    b.expanded = 0;
    b.misses = 0;
    b.loose = false;
  }
  return &b;
}

// The canonical route (canonical_path) from network node `source` to graph node `target` by A*
// on the class's lower bound (Dijkstra while it is not built): nodes expanded in order of
// d + h, a node re-expanded if its distance drops (rounding may make h inconsistent by an ulp);
// the run goes on past the target while d + h <= d(t) (1 + 1e-12), so every node that may be
// a tight predecessor on the route has its exact distance (d(u) + h(u) <= d(v) + h(v) <= d(t)
// up to rounding). The route is then read from the distances: from the target, the tight
// in-arc of least (d(u), node id, link id). Undecided: a zero-length link in the class, or a
// tight predecessor at the same distance or not expanded at its distance (the heap's order
// decides: the caller runs canonical_path). I.as_expanded: the nodes expanded (Run's proof).
template <class LM>
GoalRun goal_run(Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const InterconnectionRequest& r,
                 const LinkState& s_state, const LM& len, char kind, double lambda, GNode source, int target,
                 std::vector<Arc>& arcs, Interconnect::Impl::Bound** used) {
  bool positive = false;
  Interconnect::Impl::Bound* bound = bound_of(I, net, p, r, s_state, kind, lambda, target, &positive);
  *used = bound;
  I.as_expanded.clear();
  if (!positive) return GoalRun::Undecided;
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::size_t nn = std::size_t(I.g.maxNodeId() + 1);
  if (I.as_stamp.size() < nn) I.as_stamp.resize(nn, 0), I.as_dist.resize(nn), I.as_done.resize(nn);
  if (++I.as_run == 0) std::fill(I.as_stamp.begin(), I.as_stamp.end(), 0), I.as_run = 1;
  const double* h = bound ? bound->h.data() : nullptr;
  auto later = [](const Interconnect::Impl::HeapEntry& a, const Interconnect::Impl::HeapEntry& b) {
    return a.f > b.f || (a.f == b.f && a.v > b.v);
  };
  auto& heap = I.as_heap;
  heap.clear();
  I.as_reached.clear();
  auto reach = [&](int v, double d) {
    if (I.as_stamp[v] != I.as_run)
      I.as_stamp[v] = I.as_run, I.as_done[v] = std::numeric_limits<double>::quiet_NaN(), I.as_reached.push_back(v);
    I.as_dist[v] = d;
    heap.push_back({d + (h ? h[v] : 0.0), d, v});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  const int s = ListDigraph::id(source);
  const int n = int(I.node.size()), sink = ListDigraph::id(I.sink);
  if (h && !(h[s] < inf)) return GoalRun::None;  // not even on the least lengths
  reach(s, 0.0);
  bool found = false;
  double limit = inf;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const auto e = heap.back();
    heap.pop_back();
    if (e.d != I.as_dist[e.v] || I.as_done[e.v] == e.d) continue;  // stale
    if (found && e.f > limit) break;
    I.as_done[e.v] = e.d;
    if (e.v == target) {
      found = true;
      limit = e.d + 1e-12 * e.d + 1e-15;
      continue;
    }
    I.as_expanded.push_back(e.v);
    auto relax = [&](int u, double w) {
      if (!(w < kBlocked)) return;
      if (h && !(h[u] < inf)) return;  // the target is out of reach from u
      const double nd = e.d + w;
      if (I.as_stamp[u] != I.as_run || nd < I.as_dist[u]) reach(u, nd);
    };
    if (e.v < n) {  // a network node: its links (the CSR adjacency), and the sink's arc of a PoP
      if (I.is_pop[e.v]) relax(sink, 0.0);
      for (int k = I.adj_start[e.v]; k < I.adj_start[e.v + 1]; ++k) relax(I.adj_to[k], len.link(I.adj_link[k]));
    } else {
      for (ListDigraph::OutArcIt a(I.g, ListDigraph::nodeFromId(e.v)); a != lemon::INVALID; ++a)
        relax(ListDigraph::id(I.g.target(a)), len[a]);
    }
  }
  if (bound) {  // too loose a bound (capacity taken since it was built): rebuilt once the extra work adds up to a graph
    bound->expanded += I.as_expanded.size();
    // (within capacity only: without, the lengths change only by builds, which rebuild it)
    if (bound->expanded > I.node.size() && I.as_expanded.size() > 64 + I.node.size() / 64 && (kind == 'c' || kind == 'l' || kind == 'f'))
      bound->loose = true;
  }
  if (!found || !(I.as_dist[target] < kBlocked)) return GoalRun::None;
  if (bound && (kind == 'c' || kind == 'l' || kind == 'f')) {
    // Adaptive A* (Koenig & Likhachev): d(t) - d(u) <= dist(u, t) for every node u expanded at its
    // distance, on this state and on every later one the table stays valid for while no link is
    // built (lengths only grow): h learns it, and the next run towards the same target from
    // nearby walks straight. A build drops what was learned (repair_built). Within capacity
    // only: without, lengths change only by builds (learning measured no gain there).
    const double dt = I.as_dist[target];
    double* hb = bound->h.data();
    for (int v : I.as_expanded)
      if (I.as_done[v] == I.as_dist[v] && dt - I.as_dist[v] > hb[v]) hb[v] = dt - I.as_dist[v], bound->learned = true;
  }
  arcs.clear();
  for (int v = target; v != s;) {
    const double dv = I.as_dist[v];
    Arc best = lemon::INVALID;
    double bd = 0;
    std::int64_t brank = 0;
    for (ListDigraph::InArcIt a(I.g, ListDigraph::nodeFromId(v)); a != lemon::INVALID; ++a) {
      const int u = ListDigraph::id(I.g.source(a));
      if (I.as_stamp[u] != I.as_run) continue;  // never reached: not tight (see above)
      const double w = len[a];
      if (!(w < kBlocked)) continue;
      const double du = I.as_dist[u];
      if (du + w != dv) continue;
      if (I.as_done[u] != du) return GoalRun::Undecided;
      if (du == dv && u != s && v != sink) return GoalRun::Undecided;
      const std::int64_t rank = u == s ? -1 : tie_rank(u);
      if (best == lemon::INVALID || du < bd || (du == bd && rank < brank)) best = a, bd = du, brank = rank;
    }
    if (best == lemon::INVALID) return GoalRun::Undecided;
    best = least_parallel(I, net, len, best, bd, dv);
    arcs.push_back(best);
    v = ListDigraph::id(I.g.source(best));
  }
  std::reverse(arcs.begin(), arcs.end());
  return GoalRun::Found;
}

}  // namespace

std::optional<bool> topology_connected(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                       const InterconnectionRequest& r) {
  const auto site = net.find_node(r.site_node);
  if (!site) return std::nullopt;
  int target = -1;  // network node, or -1 for any point of presence
  switch (r.destination.kind) {
    case Destination::Kind::Node:
      if (auto v = net.find_node(r.destination.id)) target = *v;
      else return std::nullopt;
      break;
    case Destination::Kind::AnyDorsalePop: break;
    case Destination::Kind::Hub:
      if (auto it = I.hub.find(r.destination.id); it != I.hub.end()) target = it->second;
      else return std::nullopt;
      break;
  }
  if (std::find(I.banned.begin(), I.banned.end(), char(1)) != I.banned.end()) return std::nullopt;
  if (std::find_if(I.penalty.begin(), I.penalty.end(), [](double x) { return x != 1.0; }) != I.penalty.end()) return std::nullopt;
  // prepare(capacity = false) gives link j the length of 'r' (cost, capacity no limit): finite?
  const auto& cl = class_lengths(I, net, p, r, false, false, 0.0, 'r');
  if (!cl.finite) return std::nullopt;
  const int n = int(I.node.size());
  if (I.part.empty()) {
    I.part.assign(std::size_t(n), -1);
    int parts = 0;
    for (int v0 = 0; v0 < n; ++v0) {
      if (I.part[std::size_t(v0)] >= 0) continue;
      I.part_pop.push_back(0);
      I.stack.clear();
      I.stack.push_back(v0);
      I.part[std::size_t(v0)] = parts;
      while (!I.stack.empty()) {
        const int v = I.stack.back();
        I.stack.pop_back();
        if (I.is_pop[std::size_t(v)]) I.part_pop.back() = 1;
        for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k)
          if (I.part[std::size_t(I.adj_to[k])] < 0) I.part[std::size_t(I.adj_to[k])] = parts, I.stack.push_back(I.adj_to[k]);
      }
      ++parts;
    }
  }
  const int a = I.part[std::size_t(*site)];
  return target < 0 ? bool(I.part_pop[std::size_t(a)]) : a == I.part[std::size_t(target)];
}

namespace {
// Whether the bound a memoised run searched on is a lower bound still on state s: the same table
// (serial: not built again, not lowered by a build since), its left-out links still short of
// the class's pairs and its unbuilt links still unbuilt. What it learned since is no matter: a
// run on a lower bound finds the same route (goal_run), and learning only raised h where that
// held. Read from the bound rather than copied into each run (the unbuilt links of a class are
// the network's planned ones: hundreds a run, which filled the run memo's budget).
bool bound_holds(const Interconnect::Impl& I, const Interconnect::Impl::Run& run, const LinkState& s) {
  const auto it = I.bounds.find(run.bound_key);
  if (it == I.bounds.end()) return false;
  const auto& b = it->second;
  if (b.serial != run.bound_serial || b.h.empty()) return false;
  if (b.version != run.bound_version) {  // lowered since by builds: held if none the run reached
    if (b.lowered.empty()) return false;
    for (int v : run.touched)
      if (b.lowered[std::size_t(v)] > run.bound_version) return false;
  }
  for (int l : b.short_links)
    if (s.free[std::size_t(l)] >= run.bound_key.pairs) return false;
  for (int l : b.unbuilt_links)
    if (s.built[std::size_t(l)]) return false;
  return true;
}
}  // namespace

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
  if (capacity) { // a saturated part proved before, for these pairs or fewer
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
    if (valid && run.has_bound) valid = bound_holds(I, run, s);
    if (valid) {
      if (run.found) out.route = run.route;
      return out;
    }
    I.run_memo_size[capacity ? 0 : 1] -= run.links.size() + run.touched.size();
    I.run_memo.erase(it);
  }
  Prepared pr;
  pr.source = source, pr.target = ListDigraph::nodeFromId(target);
  Interconnect::Impl::Run run;
  auto keep = [&] {
    run.flags.reserve(run.links.size());
    for (int l : run.links) run.flags.push_back(flag_of(l));
    auto& size = I.run_memo_size[capacity ? 0 : 1];
    if (size + run.links.size() + run.touched.size() > (std::size_t(1) << 18)) {  // bounded memory: this class's runs forgotten
      for (auto it = I.run_memo.begin(); it != I.run_memo.end();) {
        const bool cap = it->first.mode == 'c' || it->first.mode == 'l' || it->first.mode == 'f';
        it = cap == capacity ? I.run_memo.erase(it) : std::next(it);
      }
      size = 0;
    }
    size += run.links.size() + run.touched.size();
    I.run_memo[key] = std::move(run);
  };
  const auto& cl = class_lengths(I, net, p, r, mode == 'l', pure_latency, lambda, mode);
  const LazyLength len{I, s, cl.built.data(), cl.unbuilt.data(), r.pairs, capacity};
  const GNode t = pr.target;
  std::vector<Arc> arcs;
  Interconnect::Impl::Bound* bound = nullptr;
  const GoalRun goal = goal_run(I, net, p, r, s, len, mode, lambda, source, target, arcs, &bound);
  const KeyedLength<LazyLength> keyed{I.g, len};
  std::optional<CanonicalDijkstra<LazyLength>> dj;  // when the goal-directed run cannot decide
  if (goal == GoalRun::Undecided) {
    run.found = canonical_path(I, net, len, source, t, arcs);
  } else {
    run.found = goal == GoalRun::Found;
  }
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
    run.route = to_route(I, net, p, arcs);
    out.route = run.route;
  }
  run.mask = char((capacity ? 1 : 0) | (costed ? 2 : 0));
  if (run.mask) {  // the links of the arcs the run examined: the out-arcs of the nodes it expanded
    if (++I.link_stamp == 0) std::fill(I.link_seen.begin(), I.link_seen.end(), 0), I.link_stamp = 1;
    auto add = [&](std::size_t v) {
      for (int k = I.adj_start[v]; k < I.adj_start[v + 1]; ++k)
        if (I.link_seen[I.adj_link[k]] != I.link_stamp) I.link_seen[I.adj_link[k]] = I.link_stamp, run.links.push_back(I.adj_link[k]);
    };
    if (goal == GoalRun::Undecided) {
      // canonical_path's run, replayed to collect its settled nodes (rare: zero-length links)
      dj.emplace(I.g, keyed);
      dj->run(source, t);
      for (std::size_t v = 0; v < I.node.size(); ++v)
        if (dj->processed(I.node[v])) add(v);
    } else {
      for (int v : I.as_expanded)
        if (std::size_t(v) < I.node.size()) add(std::size_t(v));
      if (bound) {  // the run also rests on its bound (bound_holds)
        run.has_bound = true;
        run.bound_key = bound->key;
        run.bound_serial = bound->serial;
        run.bound_version = bound->version;
        if (!bound->lowered.empty()) run.touched = I.as_reached;
      }
    }
  }
  keep();
  return out;
}

std::optional<RouteOption> Searcher::search(double lambda, bool latency_only) const {
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
    std::vector<Arc> arcs;
    if (!canonical_path(I, net, len, pr.source, pr.target, arcs)) return std::nullopt;
    o.routes.push_back(to_route(I, net, p, arcs));
  } else if (need == 1) {
    std::vector<Arc> arcs;
    if (!canonical_path(I, net, I.len, pr.source, pr.target, arcs)) return std::nullopt;
    o.routes.push_back(to_route(I, net, p, arcs));
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

bool Searcher::latency_ok(const RouteOption& o) const {
  if (!r.max_latency_ms) return true;
  for (const auto& route : o.routes)
    if (route.latency_ms > *r.max_latency_ms + 1e-12) return false;
  return true;
}

std::optional<RouteOption> Searcher::best() const {
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

std::optional<RouteOption> Searcher::pinned_reroute(const RouteOption& o, int pin) const {
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
  std::vector<Arc> arcs;
  if (!pr.ok || !canonical_path(I, net, I.len, pr.source, pr.target, arcs)) return std::nullopt;
  RouteOption q;
  q.routes = {pinned, to_route(I, net, p, arcs)};
  ic.price(q, r, s);
  if (!common_srgs(net, q).empty() || !latency_ok(q)) return std::nullopt;
  return q;
}

void Searcher::ban_and_reroute(std::optional<RouteOption>& bestp) const {
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

std::optional<std::pair<double, RouteOption>> Searcher::weighted(const std::vector<double>& w, double mu) const {
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
    std::vector<Arc> arcs;
    if (!canonical_path(I, net, I.len, pr.source, pr.target, arcs, &len)) return std::nullopt;
    o.routes.push_back(to_route(I, net, p, arcs));
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

bool Searcher::valid_column(const RouteOption& o) const {
  if (!latency_ok(o)) return false;
  if (need == 1) return true;
  std::set<int> a(o.routes[0].links.begin(), o.routes[0].links.end());
  for (int l : o.routes[1].links)
    if (a.count(l)) return false;
  if (o.routes[0].attach_node >= 0 && o.routes[0].attach_node == o.routes[1].attach_node) return false;
  return p.accept_link_only_diversity || common_srgs(net, o).empty();
}

RouteOption Searcher::risk_disjoint(RouteOption o) const {
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
    Reason why;  // route k's links in g
    why.kind = ReasonKind::SharedRiskGroup;
    why.group = g;
    why.routes.resize(2);
    for (int i = 0; i < 2; ++i)
      for (int l : o.routes[i].links)
        if (net.links()[l].in_risk_group(g)) why.routes[i].links.push_back(l), why.routes[i].link_ids.push_back(net.links()[l].id);
    o.notes.push_back(std::move(why));
  }
  o.risk_disjoint = false;
  return o;
}

}  // namespace interconnect_detail

}  // namespace dorsale::solvers
