#include "planner/run.h"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_invoke.h>

#include <future>

#include <optional>

#include <filesystem>
#include <memory>
#include <set>

#include "models/error.h"
#include "models/run_summary.h"
#include "io/gpkg_writer.h"
#include "planner/interconnect.h"
#include "planner/guichet.h"
#include "planner/quantities.h"
#include "planner/rollout.h"
#include "planner/targets.h"
#include "io/guichet_writer.h"
#include "viz/report.h"
#include "io/towers_writer.h"
#include "planner/towers.h"
#include "planner/resilience.h"
#include "io/resilience_writer.h"
#include "io/requests.h"
#include "planner/track.h"
#include "io/tracking.h"
#include "io/xlsx.h"
#include "io/hdf5_writer.h"
#include "io/interconnect_writer.h"
#include "io/output_dir.h"
#include "io/quantities_writer.h"
#include "io/summary_json.h"
#include "regions/load_region.h"

namespace dorsale::planner {

ScenarioResults compute_results(const scenarios::Scenario& s, const Region& region, ProgressSink* progress) {
  ScenarioResults r;
  r.info.scenario = s.name;
  r.info.scenario_file = s.file;
  r.info.scenario_hash = s.hash;
  r.info.seed = s.seed;
  r.info.overridden_parameters = s.params.overridden();
  // The baseline (end of the year before the first) and the plan of every year after it.
  RolloutInput in{region, s.params, s.first_year, s.last_year, s.file};
  in.progress = progress;
  plan_rollout(in, r);
  r.targets = assess_targets(r.communes, s.params.targets);
  return r;
}

std::string run_report(const std::vector<ScenarioRun>& runs) {
  std::vector<viz::ReportScenario> rs;
  std::vector<std::string> names;
  for (const auto& r : runs) {
    viz::ReportScenario x;
    x.name = r.scenario.name;
    x.summary = summarize_run(r.region, r.results);
    if (!r.results.interconnection.decisions.empty()) x.interconnection = r.results.interconnection;
    x.towers = r.towers;
    x.guichet = r.guichet;
    x.resilience = r.resilience;
    x.track = r.track;
    x.map = viz::map_svg(r.region, r.results);
    // the figures as quantities.csv and cost_mc.csv carry them (km to the metre, euros to the
    // cent): the page is the same made from memory or from the run folders (compare, MPI)
    x.quantities = viz::quantities_from_csv_text(viz::quantities_csv(r.quantities.rows), "quantities.csv");
    x.cost_mc = viz::cost_mc_from_csv_text(viz::cost_mc_csv(r.cost_mc), "cost_mc.csv");
    rs.push_back(std::move(x));
    names.push_back(r.scenario.name);
  }
  return viz::report_html(fmt::format("dorsale – {}", fmt::join(names, " vs ")), rs);
}

std::vector<scenarios::Scenario> load_scenarios(const RunConfig& cfg) {
  std::vector<scenarios::Scenario> list;
  if (cfg.scenario_files.empty()) {
    for (const auto& n : scenarios::builtin_scenario_names()) list.push_back(scenarios::builtin_scenario(n));
  } else {
    for (const auto& f : cfg.scenario_files) list.push_back(scenarios::load_scenario(f));
  }
  std::set<std::string> names;
  for (const auto& s : list)
    if (!names.insert(s.name).second)
      throw InputError(s.file, 0, "scenario.name", fmt::format("two scenarios are named '{}'", s.name));
  return list;
}

namespace {

// A Dorsale point of presence or an external hub to count the connectivity to.
bool has_core(const Network& net) {
  for (const auto& v : net.nodes())
    if (v.kind == NodeKind::DorsalePop || v.kind == NodeKind::ExternalHub) return true;
  return false;
}

GuichetRun scenario_guichet(const scenarios::Scenario& s, const ScenarioRun& r, ProgressSink* progress) {
  const auto in = guichet_inputs(r.region, r.results.rollout.ftth_year, s.params, s.first_year, s.last_year - s.first_year + 1);
  GuichetRun g;
  g.scenario = s.name;
  g.scenario_hash = s.hash;
  g.seed = s.seed;
  g.draws = int(s.params.guichet.draws);
  g.first_year = s.first_year;
  g.deps = in.deps;
  GuichetSetResult set;
  set.name = "base";
  const ProgressCounter count(progress, fmt::format("{}: guichet draws", s.name), g.draws);
  set.stats = solvers::run_guichet(in, guichet_params(s.params), g.draws, s.seed, 0, 0, &count);
  g.sets.push_back(std::move(set));
  return g;
}

}  // namespace

namespace {

bool has_towers(const Region& region) { return !region.high_points.empty() && !region.network.nodes().empty(); }

// More than one thread allowed (tbb::global_control, e.g. a test's): independent steps run on
// threads of their own.
bool overlap_allowed() { return tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) > 1; }

// The plan: the region, its roll-out and the interconnection queue (what the first layers of
// layers.gpkg show), into `r`, which must not move until the towers are sited (`towers`
// refers to its region and scenario). The towers' steps that do not need the roll-out are
// computed meanwhile on a thread of their own (when allowed), into `towers`.
void compute_plan(ScenarioRun& r, scenarios::Scenario s, ProgressSink* progress, std::shared_ptr<TowersPrefix>& towers) {
  auto say = [&](const std::string& m) {
    if (progress) progress->line(m);
  };
  say(fmt::format("{}: loading the region", s.name));
  r.region = scenarios::load_region(s);
  scenarios::fit_budgets(s, r.region);  // an open-data region gets budgets for its premises (budgets.scale)
  r.scenario = std::move(s);
  const scenarios::Scenario& sc = r.scenario;
  const bool overlap = has_towers(r.region) && overlap_allowed();
  std::future<std::shared_ptr<TowersPrefix>> prefix;  // joined before leaving, even on an exception
  if (overlap) {
    say(fmt::format("{}: siting the high points: demand and coverage, beside the roll-out", sc.name));
    prefix = std::async(std::launch::async, [&] { return towers_prefix(r.region, sc, TowersConfig{}); });
  }
  say(fmt::format("{}: computing", sc.name));
  r.results = compute_results(sc, r.region, progress);
  if (!sc.requests.empty()) {
    say(fmt::format("{}: answering the interconnection requests", sc.name));
    auto reqs = sc.requests == "builtin:requests-example.csv"
                    ? scenarios::parse_requests(scenarios::example_requests_text(), sc.requests, false, r.region.network)
                    : scenarios::read_requests(sc.requests, r.region.network);
    r.results.interconnection = evaluate_requests(r.region, sc.params, std::move(reqs), solvers::QueueMode::FirstCome, solvers::MipBackend::Glpk);
  }
  if (overlap) towers = prefix.get();
}

// The rest, from the plan: towers, resilience, guichet, quantities, cost Monte Carlo, tracking.
// Reads r.scenario, r.region and r.results only (a writer may read them meanwhile).
void complete_scenario(ScenarioRun& r, ProgressSink* progress, std::shared_ptr<TowersPrefix> towers) {
  const scenarios::Scenario& s = r.scenario;
  auto say = [&](const std::string& m) {
    if (progress) progress->line(m);
  };
  if (has_towers(r.region)) {
    say(fmt::format("{}: siting the high points", s.name));
    // the planned links the roll-out's collecte builds are the roll-out's to pay: the sites use them
    TowersConfig tc;
    tc.progress = progress;
    if (!towers) towers = towers_prefix(r.region, s, tc);
    r.towers = towers_for_region(r.region, s, tc, r.results.rollout.planned ? &r.results.rollout : nullptr, std::move(towers));
  }
  if (has_core(r.region.network)) {
    say(fmt::format("{}: single failures of the network", s.name));
    r.resilience = resilience_of(r.region, s.params, "", false, s.file);
  }
  say(fmt::format("{}: sizing the guichet cohésion numérique", s.name));
  r.guichet = scenario_guichet(s, r, progress);
  say(fmt::format("{}: bills of quantities and cost Monte Carlo", s.name));
  r.quantities = bill_of_quantities(r.region, s.params, r.results, r.towers);
  {
    const ProgressCounter count(progress, fmt::format("{}: cost Monte Carlo draws", s.name), std::int64_t(s.params.quantities.mc_draws));
    r.cost_mc = cost_monte_carlo(r.quantities, s.params, s.seed, &count);
  }
  if (!s.actuals.empty() && r.results.rollout.planned) {
    say(fmt::format("{}: tracking the plan against {}", s.name, s.actuals));
    r.track = track_summary(summarize_run(r.region, r.results), s.actuals);
  }
}

// layers.gpkg's layers of the plan (communes, network, high points, collecte, routes).
void write_plan_layers(const ScenarioRun& r, const std::filesystem::path& dir) {
  const auto& s = r.scenario;
  viz::write_gpkg(dir / "layers.gpkg", r.region, r.results, {int(s.params.targets.thd_year), int(s.params.targets.ftth_year)});
}

// Every file of a scenario but layers.gpkg's plan layers when `plan_layers_written`. The layers
// of the towers and the failures are added to layers.gpkg on one thread while the other files
// are written on another: each file is written by one thread alone, so its bytes do not depend
// on the thread count.
void write_files(const ScenarioRun& r, const std::filesystem::path& dir, char csv_separator, bool plan_layers_written) {
  const auto& s = r.scenario;
  const viz::CsvFormat csv{csv_separator};
  tbb::parallel_invoke(
      [&] {
        if (!plan_layers_written) write_plan_layers(r, dir);
        viz::add_run_layers(dir / "layers.gpkg", r.region, r.towers ? &*r.towers : nullptr, r.resilience ? &*r.resilience : nullptr);
      },
      [&] {
        viz::write_file(dir / "summary.json", viz::summary_json(r.region, r.results, s.params).dump(2) + "\n");
        if (r.towers) viz::write_file(dir / "towers.json", viz::towers_json_text(*r.towers));
        viz::write_file(dir / "guichet.json", viz::guichet_json(r.guichet).dump(2) + "\n");
        viz::write_file(dir / "map.svg", viz::map_svg(r.region, r.results));
        viz::write_file(dir / "quantities.csv", viz::quantities_csv(r.quantities.rows, csv));
        viz::write_file(dir / "cost_mc.csv", viz::cost_mc_csv(r.cost_mc, csv));
        if (!r.results.interconnection.decisions.empty())
          viz::write_file(dir / "decisions.json", viz::decisions_json(r.results.interconnection).dump(2) + "\n");
        viz::write_hdf5(dir / "results.h5", r.region, r.results);
        io::write_xlsx(dir / "results.xlsx",
                       io::results_sheets(r.region, r.results, r.quantities.rows, r.towers ? &*r.towers : nullptr, r.guichet));
        if (r.resilience) viz::write_file(dir / "resilience.json", viz::resilience_json_text(*r.resilience));
        if (r.track) {
          viz::write_file(dir / "track.json", io::track_json(*r.track) + "\n");
          viz::write_file(dir / "track.csv", io::track_csv(*r.track, csv_separator));
        }
      });
}

}  // namespace

ScenarioRun compute_scenario(scenarios::Scenario s, ProgressSink* progress) {
  ScenarioRun r;
  std::shared_ptr<TowersPrefix> towers;
  compute_plan(r, std::move(s), progress, towers);
  complete_scenario(r, progress, std::move(towers));
  return r;
}

void write_scenario_files(const ScenarioRun& r, const std::filesystem::path& dir, char csv_separator) {
  write_files(r, dir, csv_separator, false);
}

std::vector<ScenarioRun> run(const RunConfig& cfg, ProgressSink* progress) {
  std::vector<scenarios::Scenario> list = load_scenarios(cfg);
  // the output folder is checked and locked before any work; nothing is visible until commit
  viz::OutputDir out(cfg.out_dir, "run");
  // more than one thread allowed: layers.gpkg's plan layers (SQLite through GDAL, the longest
  // file) are written on a thread of their own while the towers, failures, guichet and
  // quantities are computed
  const bool overlap = overlap_allowed();
  std::vector<ScenarioRun> runs;
  for (auto& s : list) {
    const std::string name = s.name;
    ScenarioRun r;
    std::shared_ptr<TowersPrefix> towers;
    compute_plan(r, std::move(s), progress, towers);
    const std::filesystem::path dir = out.dir_entry(name);
    {
      std::future<void> plan_layers;  // joined before r is touched again, even on an exception
      if (overlap) plan_layers = std::async(std::launch::async, [&] { write_plan_layers(r, dir); });
      complete_scenario(r, progress, std::move(towers));
      if (progress) progress->line(fmt::format("{}: writing", name));
      if (overlap) plan_layers.get();
      else write_plan_layers(r, dir);
    }
    write_files(r, dir, cfg.csv_separator, true);
    r.out_path = out.visible(name).string();
    runs.push_back(std::move(r));
  }
  viz::write_file(out.entry("report.html"), run_report(runs));
  out.commit();
  return runs;
}

}  // namespace dorsale::planner
