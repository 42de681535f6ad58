#pragma once
// `dorsale run`: the main job. For each scenario: load the region, compute the results,
// write out/<scenario>/{summary.json, results.h5, layers.gpkg}. All scenarios are staged
// first and committed together at the end: a failure leaves no partial output.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/progress.h"
#include "models/region.h"
#include "models/guichet.h"
#include "models/quantities.h"
#include "models/results.h"
#include "models/towers.h"
#include "models/resilience.h"
#include "models/tracking.h"
#include "io/scenario.h"

namespace dorsale::planner {

struct RunConfig {
  std::vector<std::string> scenario_files;  // empty: the built-in bfc-2022 and bfc-2025
  std::string out_dir = "out";
  char csv_separator = ',';  // quantities.csv, cost_mc.csv, track.csv: ',' or ';' (decimal comma), io/csv_format.h
};

struct ScenarioRun {
  scenarios::Scenario scenario;
  Region region;
  ScenarioResults results;
  std::string out_path;  // out/<scenario>
  std::optional<TowersResult> towers;  // the high-point programme (towers.json), none without high points
  GuichetRun guichet;                  // the guichet sizing of the scenario's parameters (guichet.json)
  std::optional<ResilienceResult> resilience;  // single failures of the network in service (resilience.json), none without a core
  BillOfQuantities quantities;         // the plan's bill of quantities (quantities.csv)
  CostMonteCarlo cost_mc;              // its cost Monte Carlo (cost_mc.csv)
  std::optional<TrackResult> track;    // the plan against the scenario's actuals (track.json), none without
  std::string track_csv;
};

// Computes a scenario's results (no I/O).
ScenarioResults compute_results(const scenarios::Scenario& s, const Region& region, ProgressSink* progress = nullptr);

// The report of a run's scenarios (report.html); `map` may be empty.
std::string run_report(const std::vector<ScenarioRun>& runs);

// The scenarios of a run (the built-in ones when none is given); InputError when two share a name.
std::vector<scenarios::Scenario> load_scenarios(const RunConfig& cfg);
// One scenario's region, results, towers and guichet (reads its inputs, writes nothing).
ScenarioRun compute_scenario(scenarios::Scenario s, ProgressSink* progress);
// Writes a scenario's files (summary.json, towers.json, guichet.json, map.svg, decisions.json,
// results.h5, layers.gpkg) into `dir`, an existing folder.
void write_scenario_files(const ScenarioRun& r, const std::filesystem::path& dir, char csv_separator = ',');

// Runs the main job; `progress` (may be null) receives one line per step and counts the guichet
// and cost Monte Carlo draws.
// Throws InputError / ValidationError / std::runtime_error; nothing is left in out_dir then.
std::vector<ScenarioRun> run(const RunConfig& cfg, ProgressSink* progress);

}  // namespace dorsale::planner
