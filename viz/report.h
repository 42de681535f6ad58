#pragma once
// report.html: one self-contained page (inline SVG and CSS, no network access: a Content
// Security Policy forbids any request) with, per scenario: the key figures, a map of the
// region (one shape per commune coloured by the year FttH arrives, the Dorsale, hubs and high
// points), the 2019–2025 trajectories of % >= 8, >= 30 and FttH side by side, and the sections
// the capabilities add (interconnection decisions, tower programme, guichet quantiles).
#include <optional>
#include <string>
#include <vector>

#include "models/guichet.h"
#include "models/quantities.h"
#include "models/region.h"
#include "models/results.h"
#include "models/run_summary.h"
#include "models/tracking.h"
#include "models/resilience.h"
#include "models/towers.h"

namespace dorsale::viz {

// The map of a region and its plan as one <svg> element (Lambert-93, north up).
std::string map_svg(const Region& region, const ScenarioResults& results);

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

std::string report_html(const std::string& title, const std::vector<ReportScenario>& scenarios);

// Text escaped for HTML content and attribute values (& < > ").
std::string html_escape(const std::string& s);

}  // namespace dorsale::viz
