#include "planner/network.h"

#include "models/error.h"
#include "planner/region_info.h"
#include "io/gracethd.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace dorsale::planner {

NetworkInfo network_info(const std::string& path, ProgressSink* progress) { return scenarios::read_network(path, Parameters(), progress).info; }

NetworkCheck network_check(const std::string& path, ProgressSink* progress) { return scenarios::check_network(path, Parameters(), progress); }

NetworkExport network_export(const NetworkExportConfig& cfg) {
  if (cfg.out_dir.empty()) throw InputError("command line", 0, "-o", "give the output folder");
  if (cfg.builtin.empty() == cfg.scenario.empty()) throw InputError("command line", 0, "--builtin/--scenario", "give one network source");
  RegionInfoConfig rc;
  rc.builtin = cfg.builtin;
  rc.scenario = cfg.scenario;
  const Region region = load_region_for(rc);
  if (region.network.nodes().empty())
    throw InputError(cfg.scenario.empty() ? "builtin:" + cfg.builtin : cfg.scenario, 0, "network", "the region has no network to export");
  viz::OutputDir dir(cfg.out_dir, "network");
  NetworkExport out;
  out.entries = viz::write_gracethd(dir, region.network, cfg.format,
                                    region.high_points, cfg.archive);
  dir.commit();
  out.totals = network_totals(region.network);
  return out;
}

}  // namespace dorsale::planner
