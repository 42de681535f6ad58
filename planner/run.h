#pragma once
// `dorsale run`: the main job. For each scenario: load the region, compute the results,
// write out/<scenario>/{summary.json, results.h5, layers.gpkg}. All scenarios are staged
// first and committed together at the end: a failure leaves no partial output.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/region.h"
#include "models/guichet.h"
#include "models/results.h"
#include "models/towers.h"
#include "scenarios/scenario.h"

namespace dorsale::planner {

struct RunConfig {
  std::vector<std::string> scenario_files;  // empty: the built-in bfc-2022 and bfc-2025
  std::string out_dir = "out";
};

struct ScenarioRun {
  scenarios::Scenario scenario;
  Region region;
  ScenarioResults results;
  std::string out_path;  // out/<scenario>
  std::optional<TowersResult> towers;  // the high-point programme (towers.json), none without high points
  GuichetRun guichet;                  // the guichet sizing of the scenario's parameters (guichet.json)
};

// Computes a scenario's results (no I/O).
ScenarioResults compute_results(const scenarios::Scenario& s, const Region& region);

// The report of a run's scenarios (report.html); `map` may be empty.
std::string run_report(const std::vector<ScenarioRun>& runs);

// Runs the main job; `progress` receives one line per step (may be empty).
// Throws InputError / ValidationError / std::runtime_error; nothing is left in out_dir then.
std::vector<ScenarioRun> run(const RunConfig& cfg, const std::function<void(const std::string&)>& progress);

}  // namespace dorsale::planner
