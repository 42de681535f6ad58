#include "planner/resilience.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

#include "models/error.h"
#include "models/geo.h"
#include "io/gracethd.h"
#include "io/scenario.h"
#include "regions/load_region.h"

namespace dorsale::planner {

solvers::ResilienceInput resilience_input(const Region& region, const Parameters& params, const std::string& from,
                                          bool include_planned, const std::string& source, std::int64_t* unattached) {
  const Network& net = region.network;
  const int n = int(net.nodes().size());
  solvers::ResilienceInput in;
  in.include_planned = include_planned;
  if (!from.empty()) {
    const auto v = net.find_node(from);
    if (!v) throw InputError(source, 0, "--from", fmt::format("unknown node '{}': no node of the network has this id", from));
    in.core.push_back(*v);
  } else {
    for (int v = 0; v < n; ++v)
      if (net.node(v).kind == NodeKind::DorsalePop || net.node(v).kind == NodeKind::ExternalHub) in.core.push_back(v);
  }
  if (in.core.empty())
    throw InputError(source, 0, "--from", "the network has no Dorsale point of presence nor external hub: name the core node with --from");
  in.premises.assign(n, 0);
  in.high_points.assign(n, 0);
  for (const auto& c : region.communes) {
    if (c.nro.empty()) continue;
    if (const auto v = net.find_node(c.nro)) in.premises[*v] += c.premises();
  }
  // the nodes (hubs aside) in square cells of the attachment distance: a node within that
  // distance of a high point lies in its cell or one of the eight around it
  const double cell = std::max(1.0, params.interconnect.attach_max_km * 1000.0);
  auto cell_of = [&](const Position& p) { return std::make_pair(std::int64_t(std::floor(p.x / cell)), std::int64_t(std::floor(p.y / cell))); };
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> cells;
  for (int v = 0; v < n; ++v)
    if (net.node(v).kind != NodeKind::ExternalHub) cells[cell_of(net.node(v).pos)].push_back(v);
  std::int64_t far = 0;
  for (const auto& h : region.high_points) {
    if (!h.existing || !h.fibred) continue;
    int best = -1;
    double best_km = std::numeric_limits<double>::infinity();
    const auto at = cell_of(h.pos);
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const auto it = cells.find({at.first + dx, at.second + dy});
        if (it == cells.end()) continue;
        for (int v : it->second) {
          const double d = distance_km(h.pos, net.node(v).pos);
          if (d < best_km || (d == best_km && v < best)) best_km = d, best = v;
        }
      }
    if (best < 0 || best_km > params.interconnect.attach_max_km) {
      ++far;
      continue;
    }
    ++in.high_points[best];
  }
  if (unattached) *unattached = far;
  return in;
}

ResilienceResult resilience_of(const Region& region, const Parameters& params, const std::string& from, bool include_planned,
                               const std::string& source, bool full) {
  std::int64_t unattached = 0;
  auto in = resilience_input(region, params, from, include_planned, source, &unattached);
  in.max_listed = full ? -1 : params.network.resilience_listed_nodes;
  ResilienceResult r = solvers::analyse_resilience(region.network, in);
  r.high_points_unattached = unattached;
  return r;
}

ResilienceResult resilience(const ResilienceConfig& cfg) {
  if (cfg.from && cfg.from->find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("command line", 0, "--from", "an empty node id: name the core node (pop:dijon), or leave --from out for the default core");
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  Region region = scenarios::load_region(s);
  if (!cfg.network.empty()) scenarios::use_network(region, scenarios::read_network(cfg.network, s.params));
  if (region.network.nodes().empty()) throw InputError(s.file, 0, "region", "the scenario's region has no network");
  return resilience_of(region, s.params, cfg.from.value_or(""), cfg.include_planned, cfg.network.empty() ? s.file : cfg.network, cfg.full);
}

}  // namespace dorsale::planner
