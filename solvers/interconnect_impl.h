#pragma once
// Internals of solvers::Interconnect shared by its files (solvers/interconnect*.cpp), not for
// use elsewhere: the LEMON graph reused across evaluations (Interconnect::Impl), a request's arc
// lengths (prepare), the reachability and disjoint-path tests, routes from arcs and trees, the
// memoised single-route runs (memo_run) and the route searches of one request (Searcher).
// Files: interconnect.cpp (construction, evaluate, options, price, describe),
// interconnect_graph.cpp (lengths, tests, routes), interconnect_search.cpp (memo_run, Searcher),
// interconnect_diagnose.cpp (why a request is rejected), interconnect_exact.cpp (the fastest
// route / pair, exact pricing), interconnect_columns.cpp (column generation),
// interconnect_queue.cpp (first-come and joint queues).
#include "solvers/interconnect.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dorsale::solvers {

using lemon::ListDigraph;
using Arc = ListDigraph::Arc;
using GNode = ListDigraph::Node;

namespace interconnect_detail {
inline constexpr double kBlocked = 1e15;     // length of an arc that may not be used
inline constexpr double kTieBreak = 1e-3;    // EUR per km: among equal costs, prefer the shorter route
// Among routes of equal cost and length, a fixed pseudo-random choice (issue #27): each link's
// cost carries kTieUnit x (1 .. 65,536) EUR, drawn from its ends' node ids (parallel links draw
// the same: the least link id still decides between them): 6.6e-7 EUR at most, what kTieBreak
// gives 66 cm of length, so routes whose costs or lengths differ more are not reordered; on a
// grid of equal cables one route is then the cheapest by far more than rounding, and a
// goal-directed search walks down it instead of expanding every equal-cost route (memo_run).
inline constexpr double kTieUnit = 1e-11;
inline constexpr int kSinkArc = -1;          // arc from a PoP to the virtual "any PoP" sink
// attachment arcs: kind = kAttachBase - k
inline constexpr int kAttachBase = -2;
}  // namespace interconnect_detail

namespace interconnect_detail {
// A monotone priority queue of (non-negative double, node) for a Dijkstra whose keys never fall
// below the last one taken (a radix heap, Ahuja et al. 1990, on the keys' bit patterns: for
// doubles >= 0 their order as 64-bit integers): a key goes into the bucket of the highest bit
// where it differs from the last key taken, and moves to lower buckets only when its bucket is
// the least one left (a few times at most), so an operation costs a few instructions instead of
// a binary heap's log n moves. Entries are never updated: a caller skips the stale ones.
struct RadixHeap {
  std::vector<std::pair<std::uint64_t, int>> bucket[65];
  std::uint64_t last = 0;
  std::size_t count = 0;
  static std::uint64_t bits(double d) {
    std::uint64_t x;
    std::memcpy(&x, &d, sizeof x);
    return x;
  }
  static double value(std::uint64_t x) {
    double d;
    std::memcpy(&d, &x, sizeof d);
    return d;
  }
  static int index(std::uint64_t x, std::uint64_t last) { return x == last ? 0 : 64 - __builtin_clzll(x ^ last); }
  void clear() {
    for (auto& b : bucket) b.clear();
    last = 0, count = 0;
  }
  bool empty() const { return count == 0; }
  void push(double d, int v) {  // d >= the last key taken
    const std::uint64_t x = bits(d);
    bucket[index(x, last)].push_back({x, v});
    ++count;
  }
  std::pair<double, int> pop() {  // the least key (not empty)
    if (bucket[0].empty()) {
      int i = 1;
      while (bucket[i].empty()) ++i;
      std::uint64_t least = bucket[i][0].first;
      for (const auto& e : bucket[i]) least = std::min(least, e.first);
      last = least;
      for (const auto& e : bucket[i]) bucket[index(e.first, last)].push_back(e);
      bucket[i].clear();
    }
    const auto e = bucket[0].back();
    bucket[0].pop_back();
    --count;
    return {value(e.first), e.second};
  }
};
}  // namespace interconnect_detail

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
  std::vector<double> tie;        // per link: its share of the tie break among equal costs (kTieUnit)

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
    Reasons reasons;                          // the topology reasons
    std::optional<RouteOption> wide;          // the fastest route (pair) whatever the capacity
  };
  // ... and the option capacity would allow (the one whose too-full links are named).
  struct Relaxed {
    Reasons reasons;                          // no wide: the shared-duct reasons
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
  struct BoundKey {
    int target, pairs, horizon;
    double lambda;
    char kind;  // memo_run's mode: 'c', 'l', 'f' within capacity, 'r', 't' capacity no limit
    bool operator==(const BoundKey& o) const {
      return target == o.target && pairs == o.pairs && horizon == o.horizon && lambda == o.lambda && kind == o.kind;
    }
  };
  struct BoundKeyHash {
    std::size_t operator()(const BoundKey& k) const {
      std::size_t h = std::hash<int>()(k.target);
      for (std::size_t v : {std::size_t(k.pairs), std::size_t(k.horizon), std::hash<double>()(k.lambda), std::size_t(k.kind)})
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
    // a goal-directed run also rests on its bound being a lower bound still: the bound of
    // bound_key with the same serial (neither built again nor lowered by a build since), its
    // left-out links still short of pairs and its unbuilt ones still unbuilt (bound_holds)
    bool has_bound = false;
    BoundKey bound_key{};
    std::uint64_t bound_serial = 0;
    // a bound lowered by builds node by node (Bound::lowered): its version then, and the nodes
    // the run reached (their h decided its course): the run holds while none was lowered since
    std::uint32_t bound_version = 0;
    std::vector<int> touched;
  };
  std::unordered_map<RunKey, Run, RunKeyHash> run_memo;
  // Goal-directed runs of memo_run (A*, issue #27): per lengths' class and target, a lower
  // bound on the length left to the target: the distance on the lengths of the state met when
  // it was built, leaving out the links then short of the pairs; true while those stay short
  // (a first-come queue only takes pairs), a link built since lowering it where a route through
  // it is shorter (repair_built; a link unbuilt again makes it anew): checked at each use; from
  // a full Dijkstra, built at the class's second use. The route is the canonical one
  // (canonical_path): any exact-distance search finds it.
  struct Bound {
    BoundKey key{};
    std::uint64_t serial = 0;  // changed at each build of h and each lowering by repair_built (Run::bound_serial)
    int uses = 0;
    bool positive = false;  // every link's least length > 0 (else the heap's order decides ties: no A*)
    std::vector<double> h;  // per graph node; empty until built
    // costed classes within capacity: h as built (and lowered by builds since, repair_built),
    // before what runs taught it (Adaptive A*: learned true); empty for the others (h itself)
    std::vector<double> base;
    bool learned = false;
    // the others (no learning): per node, the version of the last repair_built that lowered its
    // h (0: none since built), and the last version given (a run reached no lowered node: held)
    std::vector<std::uint32_t> lowered;
    std::uint32_t version = 0;
    // capacitated classes: the links short of the class's pairs when h was built (left out of
    // it: h stays a lower bound while they stay short), and the nodes expanded since (h is
    // rebuilt on the state met when a run found it too loose, once those add up to the graph)
    std::vector<int> short_links;
    std::vector<int> unbuilt_links;  // costed classes: the links not built, at their build cost in h
    // per link: left out of h (short of pairs: those of the build and those found short since,
    // h staying a lower bound as a queue only takes pairs) and, costed classes, built then
    std::vector<char> is_short, built;
    std::size_t expanded = 0;
    int misses = 0;  // uses on a state where a left-out link had the pairs free
    bool loose = false;
  };
  std::unordered_map<BoundKey, Bound, BoundKeyHash> bounds;
  // memo_run's link lengths per class of request (pairs, horizon, lambda, mode), built and not
  // built: LazyLength's sums computed once (the same values bit for bit), read from two arrays
  // instead of each Link and link_cost at every arc a search examines
  struct ClassLengths {
    std::vector<double> built, unbuilt;  // per link
    bool finite = true;                  // every one below kBlocked
  };
  std::map<std::tuple<int, int, double, char>, ClassLengths> class_lengths;
  // the network's connected parts (every link usable): per network node its part, per part
  // whether it holds a point of presence (topology_connected); empty until first needed
  std::vector<int> part;
  std::vector<char> part_pop;
  std::size_t bounds_built = 0;
  std::uint64_t bound_serial = 0;  // the last Bound::serial given
  std::vector<int> newly_built;    // bound_of: the links built since a bound was made (repair_built)
  interconnect_detail::RadixHeap bound_queue;  // bound_of's and repair_built's Dijkstra
  std::vector<double> bound_w;                 // bound_of: each link's length in the table being built
  std::vector<char> bound_done;
  // the A* run's state, per graph node (stamped: no O(nodes) reset per run)
  std::vector<unsigned> as_stamp;
  std::vector<double> as_dist, as_done;  // tentative distance; distance at which the node was expanded (NaN: never)
  unsigned as_run = 0;
  struct HeapEntry {
    double f, d;
    int v;
  };
  std::vector<HeapEntry> as_heap;
  std::vector<int> as_expanded;
  std::vector<int> as_reached;  // the nodes the run reached (expanded or not)
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
  // links held by run_memo (bounded), for the searches within capacity [0] and without [1]: a
  // saturating queue's many capacitated runs do not push out the diagnoses' ones
  std::size_t run_memo_size[2] = {0, 0};
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

namespace interconnect_detail {

struct Prepared {
  GNode source, target;
  bool ok = true;
  double why_km = 0;  // when !ok: no network node within this many km of the site (attach_max_km)
};

// The yearly cost of link l for request r over its horizon: its build (capex) when not built,
// else its lease or the owned rate per pair-km-year x pairs x km x years.
double link_cost(const Link& l, const InterconnectParams& p, const InterconnectionRequest& r, bool built);
// Sets the arc lengths for a request. metric: 0 cost, 1 latency, or cost + lambda x latency.
// capacity: block links without enough free pairs. link_lengths false: only the attachments
// and the sink arcs (a lazy search reads the links' lengths itself).
Prepared prepare(Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const InterconnectionRequest& r,
                 const LinkState& s, bool capacity, double lambda, bool latency_only, bool link_lengths = true);
// Whether the prepared request's target can be reached from its source over links that are not
// banned and have r.pairs free (the arcs a capacitated search may use at a finite length):
// false exactly when that search finds no route (pair). O(E), no allocation.
// cut: when given and the target is not reached, the links short of pairs (or banned) met at
// the edge of the part reached.
bool reachable(Interconnect::Impl& I, const InterconnectionRequest& r, const LinkState& s, const Prepared& pr,
               std::vector<int>* cut = nullptr);
// Whether `need` arc-disjoint paths join source and target over the arcs of finite length
// (len < kBlocked): a unit-capacity max flow, `need` BFS augmentations. Leaves every flow at 0.
bool disjoint_paths(Interconnect::Impl& I, GNode source, GNode target, int need);
// The tree of the prepared source on the current lengths (Impl::Tree).
Interconnect::Impl::Tree dijkstra_tree(Interconnect::Impl& I, const Network& net, GNode source);
// One arc of a route: a link adds its length and latency; the site's attachment arc sets the
// attachment and adds its length at the fibre's latency per km; other arcs add nothing.
void add_step(RouteOption::Route& route, int k, const std::vector<int>& attach_to, const std::vector<double>& attach_km,
              const Network& net, const InterconnectParams& p);
// The route along `arcs` (graph arcs, source first).
RouteOption::Route to_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const std::vector<Arc>& arcs);
// The route of a tree to graph node `target`; nullopt when not reached below kBlocked.
std::optional<RouteOption::Route> tree_route(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                             const Interconnect::Impl::Tree& t, int target);
// Latency of an arc of the request's graph (0: the virtual sink arcs).
double arc_latency(const Interconnect::Impl& I, const Network& net, const InterconnectParams& p, Arc a);
// The shared-risk groups of a route's links; those both routes of a pair share.
std::set<std::string> srgs_of(const Network& net, const RouteOption::Route& r);
std::vector<std::string> common_srgs(const Network& net, const RouteOption& x);
// The arcs of a Dijkstra run's path to t, source first.
std::vector<Arc> path_arcs(const lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>>& dj, const ListDigraph& g, GNode t);
// An option's identity: its routes' links and attachments.
std::vector<int> option_key(const RouteOption& o);
// The distinct links of an option's routes.
std::set<int> links_of(const RouteOption& o);
// The slower route's latency of an option (ms).
double worst_latency(const RouteOption& o);
// The works an accepted option needs (new-build attachments, planned links to build).
Reasons works_reasons(const Network& net, const RouteOption& o, const LinkState& s);
// The route a reason names: its links (indices, ids) and its new-build attachment.
ReasonRoute reason_route(const Network& net, const RouteOption::Route& route);
// The reason naming link l too full for r (its ends, its free pairs, the pairs asked).
Reason too_full_reason(const Network& net, int l, int free, int pairs);

// The route of a request from its network node (r.site_node) to its destination on the lengths
// of `mode` (Impl::RunKey), as LEMON's Dijkstra run to the target finds it, or nullopt when
// there is none: the search of Searcher::search (modes 'c', 'l'), of fastest() ('f') and of a
// rejection's diagnosis ('r', 't'), memoised (Impl::Run). Banned links none and penalties 1:
// the caller's to ensure. `handled` false: not a case for the memo (no target node).
struct MemoRun {
  bool handled = false;
  std::optional<RouteOption::Route> route;
};
MemoRun memo_run(Interconnect::Impl& I, const Network& net, const InterconnectParams& p, const InterconnectionRequest& r,
                 const LinkState& s, char mode, double lambda);

// Whether an unprotected request's site (a network node) reaches its destination with every link
// usable (capacity no limit, banned none): what topology_reason's search decides, from the
// network's connected parts (Impl::part, built once). nullopt: not such a case (some link banned
// or of blocked length for the request's class, site or destination not found).
std::optional<bool> topology_connected(Interconnect::Impl& I, const Network& net, const InterconnectParams& p,
                                       const InterconnectionRequest& r);

// ---- the canonical route (issue #27) ----
// Among routes of equal length the one returned is fixed by the lengths alone, not by the
// order of arcs in the graph or of a heap: the route of a Dijkstra whose heap key is
// (distance, tie_rank(node id)) (the source first), a node's predecessor being the first node
// settled that reaches it at its distance; among parallel links from that node, the least link
// id (then index). Without zero-length links (and the sink's arcs, the site's attachments) that
// is the tight in-arc (d(u) + w == d(v), summed in that order) of least (d(u), rank, link id):
// computable from exact distances, so an A* run to the target (memo_run) finds the same route.
// A node's rank among equal distances: its id scrambled by a bijection of 32-bit integers,
// so that ties do not all lean the same way (least ids would send every route of a grid along
// the same rows and saturate them), yet fixed by the node alone; the source ranks first (-1).
inline std::int64_t tie_rank(int id) { return std::int64_t(std::uint32_t(id) * 2654435761u); }
struct DistKey {
  double d;
  std::int64_t id;  // tie_rank of the node the distance is of (the heap's tie break); -1: the source
  bool operator<(const DistKey& o) const { return d < o.d || (d == o.d && id < o.id); }
};
struct DistKeyOps {  // LEMON Dijkstra's operation traits on DistKey
  using Value = DistKey;
  static Value zero() { return {0.0, -1}; }
  static Value plus(const Value& l, const Value& r) { return {l.d + r.d, r.id}; }
  static bool less(const Value& l, const Value& r) { return l < r; }
};
template <class LM>
struct KeyedLength {  // an arc's length, keyed by its head
  using Key = Arc;
  using Value = DistKey;
  const ListDigraph& g;
  const LM& len;
  Value operator[](Arc a) const { return {len[a], tie_rank(ListDigraph::id(g.target(a)))}; }
};
template <class LM>
using CanonicalDijkstra = typename lemon::Dijkstra<ListDigraph, KeyedLength<LM>>::template SetOperationTraits<DistKeyOps>::Create;

// Among the links parallel to arc a (same tail and head) that are as tight (du + w == dv), the
// one of least link id (then index); a itself when it is not a link's.
template <class LM>
Arc least_parallel(const Interconnect::Impl& I, const Network& net, const LM& len, Arc a, double du, double dv) {
  if (I.kind[a] < 0) return a;
  const GNode u = I.g.source(a), v = I.g.target(a);
  for (ListDigraph::OutArcIt b(I.g, u); b != lemon::INVALID; ++b) {
    if (b == a || I.g.target(b) != v || I.kind[b] < 0) continue;
    const int kb = I.kind[b], ka = I.kind[a];
    const double w = len[b];
    if (w >= kBlocked || du + w != dv) continue;
    const auto& ib = net.links()[kb].id;
    const auto& ia = net.links()[ka].id;
    if (ib < ia || (ib == ia && kb < ka)) a = b;
  }
  return a;
}

// The canonical route from s to t on `len` (arcs, source first); false when t is not reached
// below kBlocked. *dist: the route's length.
template <class LM>
bool canonical_path(const Interconnect::Impl& I, const Network& net, const LM& len, GNode s, GNode t, std::vector<Arc>& arcs,
                    double* dist = nullptr) {
  arcs.clear();
  const KeyedLength<LM> keyed{I.g, len};
  CanonicalDijkstra<LM> dj(I.g, keyed);
  if (!dj.run(s, t) || !(dj.dist(t).d < kBlocked)) return false;
  if (dist) *dist = dj.dist(t).d;
  for (GNode v = t; v != s;) {
    const Arc p = dj.predArc(v);
    const GNode u = I.g.source(p);
    arcs.push_back(least_parallel(I, net, len, p, dj.dist(u).d, dj.dist(v).d));
    v = u;
  }
  std::reverse(arcs.begin(), arcs.end());
  return true;
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
  std::optional<RouteOption> search(double lambda, bool latency_only) const;
  bool latency_ok(const RouteOption& o) const;
  // Cheapest option meeting the latency limit: cost, then cost + lambda x latency, then latency.
  std::optional<RouteOption> best() const;
  // Keeps route `pin` of o, bans its links and duct mates, re-routes the other.
  std::optional<RouteOption> pinned_reroute(const RouteOption& o, int pin) const;
  // Ban-and-reroute: for each duct the pair shares, keep at most one of its links and run
  // Suurballe again; repeat on what still conflicts (a few rounds, a bounded frontier).
  void ban_and_reroute(std::optional<RouteOption>& bestp) const;
  // The route (Dijkstra) or arc-disjoint pair (Suurballe) of least sum of w + mu x latency within
  // capacity (the attachments weigh their latency only), with that least sum.
  std::optional<std::pair<double, RouteOption>> weighted(const std::vector<double>& w, double mu) const;
  // A column the queue may use: latency limit, link-disjoint pair, distinct attachments, no
  // common shared-risk group (unless link-only diversity is accepted).
  bool valid_column(const RouteOption& o) const;
  // A diverse pair sharing a duct: the cheapest risk-disjoint repair, or o flagged link-only
  // with the ducts its routes share.
  RouteOption risk_disjoint(RouteOption o) const;
};

}  // namespace interconnect_detail
}  // namespace dorsale::solvers
