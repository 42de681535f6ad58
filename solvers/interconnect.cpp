#include "solvers/interconnect.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <fmt/format.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>
#include <lemon/suurballe.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

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
  std::vector<Arc> attach_arcs;   // current request's attachments
  std::vector<int> attach_to;     // their network nodes
  std::vector<double> attach_km;
  std::vector<double> penalty;    // per link multiplicative penalty (options)
  std::vector<char> banned;       // per link: excluded (shared-risk search)

  explicit Impl() : kind(g), len(g) {}
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
    }
  I.penalty.assign(net.links().size(), 1.0);
  I.banned.assign(net.links().size(), 0);
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
                        bool latency_only) {
  Prepared out;
  for (Arc a : I.attach_arcs) I.g.erase(a);
  I.attach_arcs.clear();
  I.attach_to.clear();
  I.attach_km.clear();
  for (std::size_t j = 0; j < net.links().size(); ++j) {
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
    std::vector<std::pair<double, int>> near;
    for (std::size_t i = 0; i < net.nodes().size(); ++i) {
      const auto k = net.node(int(i)).kind;
      if (k == NodeKind::ExternalHub || k == NodeKind::HighPoint) continue;
      const double d = distance_km(*r.site_pos, net.node(int(i)).pos);
      if (d <= p.attach_max_km) near.emplace_back(d, int(i));
    }
    std::sort(near.begin(), near.end());
    if (near.size() > std::size_t(p.attach_candidates)) near.resize(p.attach_candidates);
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
    if (k >= 0) {
      route.links.push_back(k);
      route.length_km += net.links()[k].length_km;
      route.latency_ms += net.links()[k].latency_ms;
    } else if (k <= kAttachBase) {
      const int idx = kAttachBase - k;
      route.attach_node = I.attach_to[idx];
      route.attach_km = I.attach_km[idx];
      route.length_km += route.attach_km;
      route.latency_ms += route.attach_km * p.latency_us_per_km / 1000.0;
    }
    if (k != kSinkArc) route.nodes.push_back(ListDigraph::id(I.g.target(a)));
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

std::set<std::string> srgs_of(const Network& net, const RouteOption::Route& r) {
  std::set<std::string> out;
  for (int l : r.links) net.links()[l].for_each_risk_group([&](const std::string& g) { out.insert(g); });
  return out;
}

}  // namespace

Evaluation Interconnect::evaluate(const InterconnectionRequest& r, const LinkState& s) const {
  auto opts = options(r, s, 1);
  Evaluation e;
  if (!opts.empty()) {
    e.option = std::move(opts.front());
    if (!e.option->risk_disjoint && !p_.accept_link_only_diversity) {
      e.decision = Decision::Reject;
      e.reasons = e.option->notes;
      e.reasons.push_back("set interconnect.link_only_diversity = \"accept\" to accept link-disjoint routes");
      return e;
    }
    e.decision = e.option->needs_works(s) ? Decision::AcceptWithWorks : Decision::Accept;
    e.reasons = e.option->notes;
    if (e.decision == Decision::AcceptWithWorks) {
      for (const auto& route : e.option->routes) {
        if (route.attach_node >= 0)
          e.reasons.push_back(fmt::format("new build of {:.1f} km from the site to {}", route.attach_km, net_.node(route.attach_node).id));
        for (int l : route.links)
          if (!s.built[l]) e.reasons.push_back(fmt::format("planned link {} must be built ({:.1f} km)", net_.links()[l].id, net_.links()[l].length_km));
      }
    }
    return e;
  }
  // Diagnose: why no option? (capacity, topology, latency)
  auto& I = *impl_;
  e.decision = Decision::Reject;
  const int need = r.protection == Protection::Diverse ? 2 : 1;
  Prepared free_run = prepare(I, net_, p_, r, s, false, 0, false);
  if (!free_run.ok) {
    e.reasons.push_back(free_run.why);
    return e;
  }
  lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
  const int found = sb.run(free_run.source, free_run.target, need);
  if (found < need || sb.totalLength() >= kBlocked) {
    if (need == 1) {
      e.reasons.push_back("no path joins the site to the destination");
    } else {
      // name the links every route must use (bridges of the shortest route)
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      std::vector<std::string> cut;
      if (dj.run(free_run.source, free_run.target)) {
        for (Arc a = dj.predArc(free_run.target); a != lemon::INVALID; a = dj.predArc(I.g.source(a))) {
          const int k = I.kind[a];
          if (k < 0) continue;
          const double keep_f = I.len[I.fwd[k]];
          I.len[I.fwd[k]] = I.len[I.bwd[k]] = kBlocked;
          lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> d2(I.g, I.len);
          if (!d2.run(free_run.source, free_run.target) || d2.dist(free_run.target) >= kBlocked) cut.push_back(net_.links()[k].id);
          I.len[I.fwd[k]] = I.len[I.bwd[k]] = keep_f;
        }
      }
      e.reasons.push_back(cut.empty() ? "no two link-disjoint routes join the site to the destination"
                                      : fmt::format("no two link-disjoint routes: every route uses link {}", fmt::join(cut, ", ")));
    }
    return e;
  }
  // Routes exist without capacity limits: name the links that are too full on the option the
  // request would get if capacity were no limit (diversity and latency rules included).
  LinkState relaxed = s;
  for (auto& f : relaxed.free) f = std::max(f, r.pairs);
  auto relaxed_opts = options(r, relaxed, 1);
  bool named = false;
  if (!relaxed_opts.empty()) {
    const auto& o = relaxed_opts.front();
    if (!o.risk_disjoint && !p_.accept_link_only_diversity) {
      // the shared duct is a bottleneck whatever the capacity
      e.reasons = o.notes;
      e.reasons.push_back("set interconnect.link_only_diversity = \"accept\" to accept link-disjoint routes");
      named = true;
    }
    std::set<int> used;
    for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
    for (int l : used)
      if (s.free[l] < r.pairs) {
        e.reasons.push_back(fmt::format("link {} ({} - {}) has {} free pairs, {} requested", net_.links()[l].id,
                                        net_.node(net_.links()[l].a).id, net_.node(net_.links()[l].b).id, s.free[l], r.pairs));
        named = true;
      }
  }
  if (!named) {
    // capacity allows routes: the latency limit is what fails
    InterconnectionRequest fast = r;
    fast.max_latency_ms.reset();
    Prepared lat_run = prepare(I, net_, p_, fast, s, true, 0, true);
    lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sl(I.g, I.len);
    const int n = sl.run(lat_run.source, lat_run.target, need);
    double worst = 0;
    for (int i = 0; i < n; ++i) {
      std::vector<Arc> arcs;
      for (int k = 0; k < sl.path(i).length(); ++k) arcs.push_back(sl.path(i).nth(k));
      worst = std::max(worst, to_route(I, net_, p_, arcs).latency_ms);
    }
    if (r.max_latency_ms && n == need && worst > *r.max_latency_ms)
      e.reasons.push_back(fmt::format("latency {:.3f} ms of the fastest route{} is over the limit {:.3f} ms by {:.3f} ms", worst,
                                      need == 2 ? " pair" : "", *r.max_latency_ms, worst - *r.max_latency_ms));
    else
      e.reasons.push_back("no route meets every constraint (capacity, latency, diversity) together");
  }
  return e;
}

std::vector<RouteOption> Interconnect::options(const InterconnectionRequest& r, const LinkState& s, int k) const {
  auto& I = *impl_;
  std::vector<RouteOption> out;
  std::set<std::vector<int>> seen;
  std::fill(I.penalty.begin(), I.penalty.end(), 1.0);
  std::fill(I.banned.begin(), I.banned.end(), 0);
  const int need = r.protection == Protection::Diverse ? 2 : 1;

  // One search: a route (Dijkstra) or a link-disjoint pair (Suurballe) under the current
  // lengths; nullopt when none within capacity.
  auto search = [&](double lambda, bool latency_only) -> std::optional<RouteOption> {
    Prepared pr = prepare(I, net_, p_, r, s, true, lambda, latency_only);
    if (!pr.ok) return std::nullopt;
    RouteOption o;
    if (need == 1) {
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      if (!dj.run(pr.source, pr.target) || dj.dist(pr.target) >= kBlocked) return std::nullopt;
      std::vector<Arc> arcs;
      for (Arc a = dj.predArc(pr.target); a != lemon::INVALID; a = dj.predArc(I.g.source(a))) arcs.push_back(a);
      std::reverse(arcs.begin(), arcs.end());
      o.routes.push_back(to_route(I, net_, p_, arcs));
    } else {
      lemon::Suurballe<ListDigraph, ListDigraph::ArcMap<double>> sb(I.g, I.len);
      if (sb.run(pr.source, pr.target, 2) < 2 || sb.totalLength() >= kBlocked) return std::nullopt;
      for (int i = 0; i < 2; ++i) {
        std::vector<Arc> arcs;
        for (int a = 0; a < sb.path(i).length(); ++a) arcs.push_back(sb.path(i).nth(a));
        o.routes.push_back(to_route(I, net_, p_, arcs));
      }
    }
    price(o, r, s);
    return o;
  };
  auto latency_ok = [&](const RouteOption& o) {
    if (!r.max_latency_ms) return true;
    for (const auto& route : o.routes)
      if (route.latency_ms > *r.max_latency_ms + 1e-12) return false;
    return true;
  };
  // Cheapest option meeting the latency limit: cost, then cost + lambda x latency, then latency.
  auto best = [&]() -> std::optional<RouteOption> {
    auto o = search(0, false);
    if (!o || latency_ok(*o)) return o;
    for (double lambda = 1e2; lambda <= 1e10; lambda *= 10) {
      auto q = search(lambda, false);
      if (q && latency_ok(*q)) return q;
    }
    auto q = search(0, true);
    if (q && latency_ok(*q)) return q;
    return std::nullopt;
  };
  // For a diverse pair sharing a duct: pin one route, ban its links and duct mates, re-route.
  auto risk_disjoint = [&](RouteOption o) -> RouteOption {
    if (need == 1) return o;
    auto common = [&](const RouteOption& x) {
      std::vector<std::string> c;
      auto a = srgs_of(net_, x.routes[0]), b = srgs_of(net_, x.routes[1]);
      std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(c));
      return c;
    };
    const auto shared = common(o);
    if (shared.empty()) return o;
    std::optional<RouteOption> bestp;
    for (int pin = 0; pin < 2; ++pin) {
      const auto pinned = o.routes[pin];
      const auto groups = srgs_of(net_, pinned);
      std::fill(I.banned.begin(), I.banned.end(), 0);
      for (std::size_t j = 0; j < net_.links().size(); ++j)
        net_.links()[j].for_each_risk_group([&](const std::string& g) { if (groups.count(g)) I.banned[j] = 1; });
      for (int l : pinned.links) I.banned[l] = 1;
      InterconnectionRequest single = r;
      single.protection = Protection::None;
      Prepared pr = prepare(I, net_, p_, single, s, true, 0, false);
      if (pinned.attach_node >= 0)  // the other route may not reuse the same attachment
        for (std::size_t k = 0; k < I.attach_arcs.size(); ++k)
          if (I.attach_to[k] == pinned.attach_node) I.len[I.attach_arcs[k]] = kBlocked;
      lemon::Dijkstra<ListDigraph, ListDigraph::ArcMap<double>> dj(I.g, I.len);
      if (pr.ok && dj.run(pr.source, pr.target) && dj.dist(pr.target) < kBlocked) {
        std::vector<Arc> arcs;
        for (Arc a = dj.predArc(pr.target); a != lemon::INVALID; a = dj.predArc(I.g.source(a))) arcs.push_back(a);
        std::reverse(arcs.begin(), arcs.end());
        RouteOption q;
        q.routes = {pinned, to_route(I, net_, p_, arcs)};
        price(q, r, s);
        if (common(q).empty() && latency_ok(q) && (!bestp || q.total() < bestp->total())) bestp = q;
      }
    }
    // Ban-and-reroute: for each duct the pair shares, keep at most one of its links and run
    // Suurballe again; repeat on what still conflicts (a few rounds, a bounded frontier).
    std::vector<std::set<int>> frontier{{}};
    std::set<std::set<int>> tried{{}};
    for (int round = 0; round < 3 && !frontier.empty(); ++round) {
      std::vector<std::set<int>> next;
      for (const auto& ban : frontier) {
        std::fill(I.banned.begin(), I.banned.end(), 0);
        for (int l : ban) I.banned[l] = 1;
        auto q = search(0, false);
        if (!q) continue;
        const auto c = common(*q);
        if (c.empty()) {
          if (latency_ok(*q) && (!bestp || q->total() < bestp->total())) bestp = *q;
          continue;
        }
        for (const auto& g : c) {
          std::vector<int> members;
          for (std::size_t j = 0; j < net_.links().size(); ++j)
            if (net_.links()[j].in_risk_group(g)) members.push_back(int(j));
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
    if (bestp) return *bestp;
    // name the links that share each duct
    for (const auto& g : shared) {
      std::vector<std::string> in[2];
      for (int i = 0; i < 2; ++i)
        for (int l : o.routes[i].links)
          if (net_.links()[l].in_risk_group(g)) in[i].push_back(net_.links()[l].id);
      o.notes.push_back(fmt::format("only link-disjoint routes: link {} (route 1) and link {} (route 2) share {}",
                                    fmt::join(in[0], ", "), fmt::join(in[1], ", "), g));
    }
    o.risk_disjoint = false;
    return o;
  };

  for (int round = 0; round < k; ++round) {
    auto o = best();
    if (!o) break;
    RouteOption q = risk_disjoint(*o);
    std::vector<int> key;
    for (const auto& route : q.routes) {
      key.insert(key.end(), route.links.begin(), route.links.end());
      key.push_back(-1 - route.attach_node);
    }
    if (seen.insert(key).second) out.push_back(std::move(q));
    // penalise what was used so the next round looks elsewhere
    for (const auto& route : o->routes)
      for (int l : route.links) I.penalty[l] *= 3.0;
  }
  std::fill(I.penalty.begin(), I.penalty.end(), 1.0);
  return out;
}

void Interconnect::reserve(LinkState& s, const RouteOption& o, int pairs) const {
  for (const auto& route : o.routes)
    for (int l : route.links) {
      s.free[l] -= pairs;
      s.built[l] = 1;
    }
}

InterconnectionDecision Interconnect::describe(const InterconnectionRequest& r, const Evaluation& e,
                                               const LinkState& after) const {
  InterconnectionDecision d;
  d.id = r.id;
  d.decision = e.decision;
  d.reasons = e.reasons;
  if (e.option && e.decision != Decision::Reject) {
    const auto& o = *e.option;
    d.capex_eur = o.capex;
    d.opex_eur = o.opex;
    d.total_eur = o.total();
    if (r.protection == Protection::Diverse) d.diversity = o.risk_disjoint ? "risk_disjoint" : "link_only";
    for (const auto& route : o.routes) {
      std::vector<std::string> ids;
      for (int n : route.nodes) ids.push_back(n < 0 ? "site:" + r.id : net_.node(n).id);
      d.routes.push_back(ids);
      std::vector<RouteLink> links;
      if (route.attach_node >= 0) links.push_back({fmt::format("new:{}-{}", r.id, net_.node(route.attach_node).id), -1});
      for (int l : route.links) links.push_back({net_.links()[l].id, after.free[l]});
      d.route_links.push_back(links);
      d.latency_ms = std::max(d.latency_ms, route.latency_ms);
      d.new_build_km += route.attach_km;
    }
  }
  return d;
}

QueueResult run_fcfs(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                     const LinkState& initial) {
  QueueResult q;
  q.final_state = initial;
  q.evaluations.resize(reqs.size());
  for (int i : order) {
    Evaluation e = ic.evaluate(reqs[i], q.final_state);
    if (e.decision != Decision::Reject) {
      ic.reserve(q.final_state, *e.option, reqs[i].pairs);
      q.accepted_value += reqs[i].value;
    }
    q.evaluations[i] = std::move(e);
  }
  q.fcfs_value = q.accepted_value;
  return q;
}

std::vector<std::vector<RouteOption>> candidate_options(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                                                        const QueueResult& fcfs, const LinkState& initial, int route_options) {
  std::vector<std::vector<RouteOption>> opts(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    auto list = ic.options(reqs[i], initial, route_options);
    const auto& fe = fcfs.evaluations[i];
    if (fe.decision != Decision::Reject) {
      RouteOption f = *fe.option;
      ic.price(f, reqs[i], initial);  // planned links first-come found built are charged here
      list.insert(list.begin(), f);
    }
    for (auto& o : list)
      if (o.risk_disjoint || reqs[i].protection == Protection::None) opts[i].push_back(o);
  }
  return opts;
}

QueueResult run_optimal(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                        const LinkState& initial, int route_options, MipBackend backend, double time_limit_s) {
  const QueueResult fcfs = run_fcfs(ic, reqs, order, initial);
  const auto opts = candidate_options(ic, reqs, fcfs, initial, route_options);
  std::vector<std::vector<std::string>> individual_reasons(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i)
    if (opts[i].empty()) individual_reasons[i] = ic.evaluate(reqs[i], initial).reasons;
  // MILP: x[i][o] in {0,1}; sum_o x[i][o] <= 1; per link sum pairs x <= free
  MipModel m;
  m.maximize = true;
  double cost_scale = 1;
  for (const auto& v : opts)
    for (const auto& o : v) cost_scale += o.total();
  std::vector<std::vector<int>> var(reqs.size());
  std::map<int, std::pair<std::vector<int>, std::vector<double>>> by_link;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::vector<int> idx;
    for (const auto& o : opts[i]) {
      // value first; among equal values the cheaper set (cost weighs less than any value step)
      const int x = m.add_var(0, 1, reqs[i].value - 1e-6 * o.total() / cost_scale, true);
      var[i].push_back(x);
      idx.push_back(x);
      std::set<int> used;
      for (const auto& route : o.routes) used.insert(route.links.begin(), route.links.end());
      for (int l : used) {
        by_link[l].first.push_back(x);
        by_link[l].second.push_back(reqs[i].pairs);
      }
    }
    if (!idx.empty()) m.add_row(idx, std::vector<double>(idx.size(), 1.0), -1e30, 1);
  }
  for (auto& [l, row] : by_link) m.add_row(row.first, row.second, -1e30, initial.free[l]);
  QueueResult q;
  q.fcfs_value = fcfs.accepted_value;
  q.final_state = initial;
  q.evaluations.resize(reqs.size());
  MipResult res = m.vars() > 0 ? solve_mip(m, backend, time_limit_s) : MipResult{MipStatus::Optimal};
  q.mip = res;
  const bool have = res.status == MipStatus::Optimal || res.status == MipStatus::Feasible;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    Evaluation e;
    int chosen = -1;
    if (have)
      for (std::size_t o = 0; o < var[i].size(); ++o)
        if (res.x[var[i][o]] > 0.5) chosen = int(o);
    if (!have && fcfs.evaluations[i].decision != Decision::Reject) chosen = 0;  // fall back on first-come
    if (chosen >= 0) {
      e.option = opts[i][chosen];
      e.decision = e.option->needs_works(initial) ? Decision::AcceptWithWorks : Decision::Accept;
      e.reasons = e.option->notes;
      q.accepted_value += reqs[i].value;
    } else {
      e.decision = Decision::Reject;
      e.reasons = opts[i].empty() ? individual_reasons[i]
                                  : std::vector<std::string>{"feasible alone, but its capacity serves more value in the joint choice"};
    }
    q.evaluations[i] = std::move(e);
  }
  for (std::size_t i = 0; i < reqs.size(); ++i)
    if (q.evaluations[i].decision != Decision::Reject) ic.reserve(q.final_state, *q.evaluations[i].option, reqs[i].pairs);
  return q;
}

}  // namespace dorsale::solvers
