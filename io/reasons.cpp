#include "io/reasons.h"

#include <fmt/format.h>

namespace dorsale::io {

namespace {

// "links a, b; 3.200 km new build to n": what a reason names, enough to recompute its latency.
std::string route_text(const ReasonRoute& route) {
  std::string s = route.link_ids.empty() ? "no network link" : fmt::format("links {}", fmt::join(route.link_ids, ", "));
  if (!route.attach_node.empty()) s += fmt::format("; {:.3f} km new build to {}", route.attach_km, route.attach_node);
  return s;
}

const char* shape_text(RouteShape s) {
  return s == RouteShape::Route ? "route" : s == RouteShape::LinkDisjointPair ? "link-disjoint pair" : "shared-risk-disjoint pair";
}

}  // namespace

std::string reason_text(const Reason& r) {
  switch (r.kind) {
    case ReasonKind::Text: return r.text;
    case ReasonKind::NoNodeNearSite:
      return fmt::format("no network node within {} km of the site (interconnect.attach_max_km)", r.km);
    case ReasonKind::NoPath: return "no path joins the site to the destination";
    case ReasonKind::NoLinkDisjointPair:
      return r.link_ids.empty() ? "no two link-disjoint routes join the site to the destination"
                                : fmt::format("no two link-disjoint routes: every route uses link {}", fmt::join(r.link_ids, ", "));
    case ReasonKind::NoRiskDisjointPair: return "no shared-risk-disjoint pair of routes joins the site to the destination";
    case ReasonKind::SharedRiskGroup:
      return fmt::format("only link-disjoint routes: link {} (route 1) and link {} (route 2) share {}", fmt::join(r.routes.at(0).link_ids, ", "),
                         fmt::join(r.routes.at(1).link_ids, ", "), r.group);
    case ReasonKind::AcceptLinkOnly: return "set interconnect.link_only_diversity = \"accept\" to accept link-disjoint routes";
    case ReasonKind::LinkOnlyOverLatency:
      return fmt::format(
          "even with link-disjoint routes accepted (interconnect.link_only_diversity = \"accept\"), the fastest link-disjoint pair "
          "whatever the capacity (route 1: {}; route 2: {}) takes {:.3f} ms on its slower route, over the limit {:.3f} ms by {:.3f} ms",
          route_text(r.routes.at(0)), route_text(r.routes.at(1)), r.latency_ms, r.limit_ms, r.latency_ms - r.limit_ms);
    case ReasonKind::LinkTooFull:
      return fmt::format("link {} ({} - {}) has {} free pairs, {} requested", r.link_ids.at(0), r.node, r.node_b, r.free_pairs, r.pairs);
    case ReasonKind::NoneWithinCapacity: return fmt::format("no {} within the capacity left", shape_text(r.shape));
    case ReasonKind::OverLatency: {
      const bool pair = r.shape != RouteShape::Route;
      std::string named = route_text(r.routes.at(0));
      if (pair) named = fmt::format("route 1: {}; route 2: {}", named, route_text(r.routes.at(1)));
      return fmt::format("the fastest {} {} ({}) takes {:.3f} ms{}, over the limit {:.3f} ms by {:.3f} ms", shape_text(r.shape),
                         r.whatever_capacity ? "whatever the capacity" : "under the capacity left", named, r.latency_ms,
                         pair ? " on its slower route" : "", r.limit_ms, r.latency_ms - r.limit_ms);
    }
    case ReasonKind::NoneTogether: return "no route meets every constraint (capacity, latency, diversity) together";
    case ReasonKind::NewBuild: return fmt::format("new build of {:.1f} km from the site to {}", r.km, r.node);
    case ReasonKind::PlannedLinkBuilt: return fmt::format("planned link {} must be built ({:.1f} km)", r.link_ids.at(0), r.km);
    case ReasonKind::JointChoice: return "feasible alone, but its capacity serves more value in the joint choice";
  }
  return r.text;
}

std::vector<std::string> reason_texts(const Reasons& rs) {
  std::vector<std::string> out;
  out.reserve(rs.size());
  for (const auto& r : rs) out.push_back(reason_text(r));
  return out;
}

}  // namespace dorsale::io
