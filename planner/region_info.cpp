#include "planner/region_info.h"

#include "models/error.h"
#include "regions/builtin_region.h"
#include "regions/network_rules.h"
#include "io/opendata.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "solvers/network_graph.h"

namespace dorsale::planner {

Region load_region_for(const RegionInfoConfig& cfg) {
  const int sources = !cfg.builtin.empty() + !cfg.opendata.empty() + !cfg.scenario.empty();
  if (sources > 1) throw InputError("command line", 0, "--builtin/--opendata/--scenario", "give only one region source");
  if (!cfg.scenario.empty()) return scenarios::load_region(scenarios::load_scenario(cfg.scenario));
  if (!cfg.opendata.empty()) {
    Parameters p;
    if (!cfg.geography.empty()) {
      try {
        p.set_text("opendata.geography", cfg.geography);
      } catch (const ValidationError& e) {
        throw InputError("command line", 0, "--geography", e.what());
      }
    }
    Region r = scenarios::import_opendata(scenarios::locate_opendata(cfg.opendata), p);
    r.provenance.source = "opendata:" + cfg.opendata;
    // the network a scenario on these files gets by default ([region] network_plan = "auto")
    const scenarios::Scenario defaults;
    scenarios::derive_network(r, scenarios::network_plan_for(defaults.region.network_plan, r, p), p, defaults.seed);
    validate(r);
    return r;
  }
  if (!cfg.builtin.empty() && cfg.builtin != "bfc")
    throw InputError("command line", 0, "--builtin", "unknown built-in region '" + cfg.builtin + "' (known: bfc)");
  scenarios::Scenario s = scenarios::builtin_scenario("bfc-2022");
  Region r = scenarios::build_builtin_region(s.params, s.seed);
  return r;
}

RegionInfo region_info(const RegionInfoConfig& cfg) { return region_info_of(load_region_for(cfg)); }

RegionInfo region_info_of(Region region) {
  RegionInfo info{std::move(region), {}};
  if (info.region.network.nodes().empty()) return info;
  for (int i : solvers::nodes_cut_off_from_dorsale(info.region.network)) info.cut_off_from_dorsale.push_back(info.region.network.node(i).id);
  return info;
}

}  // namespace dorsale::planner
