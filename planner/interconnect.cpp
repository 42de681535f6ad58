#include "planner/interconnect.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <unistd.h>

#include "models/error.h"
#include "io/gracethd.h"
#include "io/requests.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "io/interconnect_writer.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace dorsale::planner {

solvers::InterconnectParams interconnect_params(const Parameters& p) {
  solvers::InterconnectParams q;
  q.attach_detour_factor = p.interconnect.attach_detour_factor;
  q.attach_candidates = int(p.interconnect.attach_candidates);
  q.attach_max_km = p.interconnect.attach_max_km;
  q.build_eur_per_km = p.costs.build_eur_per_km;
  q.owned_eur_per_pair_km_year = p.costs.owned_eur_per_pair_km_year;
  q.latency_us_per_km = p.network.latency_us_per_km;
  q.accept_link_only_diversity = p.interconnect.link_only_diversity == param::LinkOnlyDiversity::Accept;
  return q;
}

InterconnectionResults evaluate_requests(const Region& region, const Parameters& params,
                                         std::vector<InterconnectionRequest> requests, solvers::QueueMode mode,
                                         solvers::MipBackend backend) {
  solvers::Interconnect ic(region.network, interconnect_params(params));
  std::vector<int> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return requests[a].submitted < requests[b].submitted; });
  const auto initial = solvers::LinkState::of(region.network);
  solvers::QueueResult q = mode == solvers::QueueMode::FirstCome
                               ? solvers::run_fcfs(ic, requests, order, initial)
                               : solvers::run_optimal(ic, requests, order, initial, int(params.interconnect.route_options), backend,
                                                      params.interconnect.optimal_time_limit_s);
  InterconnectionResults out;
  out.mode = mode;
  out.accepted_value = q.accepted_value;
  out.fcfs_value = q.fcfs_value;
  if (q.mip) {
    out.mip_status = q.mip->status;
    out.mip_backend = q.mip->backend;
    out.mip_objective = q.mip->objective;
    out.mip_bound = q.mip->bound;
    out.mip_gap = q.mip->gap;
    out.mip_seconds = q.mip->seconds;
    out.all_routes_bound = q.all_routes_bound;
    out.all_routes_gap = std::max(0.0, q.all_routes_bound - q.accepted_value) / std::max(1.0, q.accepted_value);
    out.routes_considered = q.routes_considered;
  }
  if (q.cost_mip) {
    out.cost_status = q.cost_mip->status;
    out.cost_eur = q.cost_mip->objective;
    out.cost_bound_eur = q.cost_mip->bound;
    out.cost_gap = q.cost_mip->gap;
  }
  std::vector<std::string> builder_ids(q.builder.size());
  for (std::size_t l = 0; l < q.builder.size(); ++l)
    if (q.builder[l] >= 0) builder_ids[l] = requests[q.builder[l]].id;
  for (std::size_t i = 0; i < requests.size(); ++i)
    out.decisions.push_back(ic.describe(requests[i], q.evaluations[i], q.final_state, builder_ids));
  out.requests = std::move(requests);
  return out;
}

InterconnectionResults interconnect(const InterconnectConfig& cfg) {
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  Region region = scenarios::load_region(s);
  gracethd::Fibres fibres;
  if (!cfg.network.empty()) {
    auto imp = scenarios::read_network(cfg.network, s.params);
    fibres = std::move(imp.fibres);
    scenarios::use_network(region, std::move(imp));
  }
  if (region.network.nodes().empty())
    throw InputError(s.file, 0, "region", "the scenario's region has no network to route on");
  auto requests = scenarios::read_requests(cfg.requests, region.network);
  auto res = evaluate_requests(region, s.params, std::move(requests), cfg.mode, cfg.backend);
  viz::OutputDir dir(cfg.out_dir, "interconnect");
  viz::write_routes_gpkg(dir.entry("routes.gpkg"), region, res);
  viz::write_file(dir.entry("decisions.json"), viz::decisions_json(res).dump(2) + "\n");
  viz::write_file(dir.entry("decisions.csv"), viz::decisions_csv(res, cfg.csv_separator));
  if (!cfg.network.empty()) viz::write_ropt(dir, res, fibres);  // the accepted routes as GraceTHD t_ropt rows
  dir.commit();
  return res;
}

}  // namespace dorsale::planner
