#pragma once
// A run folder read back (dorsale compare, and the report of a run): the typed contents of
// each scenario's files, through one strict reader per file.
#include <optional>
#include <string>
#include <vector>

#include "models/guichet.h"
#include "models/quantities.h"
#include "models/resilience.h"
#include "models/results.h"
#include "models/run_summary.h"
#include "models/towers.h"
#include "models/tracking.h"

namespace dorsale::viz {

// What the report shows of one scenario, typed: from the results in memory (`dorsale run`)
// or read back from a run folder (`dorsale compare`).
struct ReportScenario {
  std::string name;
  RunSummary summary;                                  // summary.json
  std::optional<InterconnectionResults> interconnection;  // decisions.json
  std::optional<TowersResult> towers;                  // towers.json
  std::optional<GuichetRun> guichet;                   // guichet.json
  std::optional<ResilienceResult> resilience;          // resilience.json
  std::string map;                                     // map_svg, or empty
  std::optional<std::vector<QuantitiesRow>> quantities;  // quantities.csv
  std::optional<CostMonteCarlo> cost_mc;                 // cost_mc.csv
  std::optional<TrackResult> track;                      // track.json (scenario key `actuals`)
};

// The report's inputs of a run folder written by `dorsale run`, through the typed readers
// (read_run_summary, decisions_from_json_text, towers_from_json_text, guichet_from_json_text)
// and map.svg; a missing optional file is nullopt (map: empty). InputError naming the file
// (and the field) for a malformed one.
ReportScenario report_scenario_from_folder(const std::string& dir, const std::string& name);

}  // namespace dorsale::viz
