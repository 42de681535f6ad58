#pragma once
// report.html: one self-contained page (inline SVG and CSS, no network access: a Content
// Security Policy forbids any request) with, per scenario: the key figures, a map of the
// region (one shape per commune coloured by the year FttH arrives, the Dorsale, hubs and high
// points), the 2019–2025 trajectories of % >= 8, >= 30 and FttH side by side, and the sections
// the capabilities add (interconnection decisions, tower programme, guichet quantiles).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/region.h"
#include "models/results.h"

namespace dorsale::viz {

// The map of a region and its plan as one <svg> element (Lambert-93, north up).
std::string map_svg(const Region& region, const ScenarioResults& results);

struct ReportScenario {
  std::string name;
  nlohmann::json summary;    // summary.json
  nlohmann::json decisions;  // decisions.json or null
  nlohmann::json towers;     // towers.json or null
  nlohmann::json guichet;    // guichet.json or null
  std::string map;           // map_svg, or empty
};

// The report's inputs of a run folder written by `dorsale run` (its JSON files and map.svg);
// missing optional files are null. InputError naming the file for malformed JSON.
ReportScenario report_scenario_from_folder(const std::string& dir, const std::string& name);

std::string report_html(const std::string& title, const std::vector<ReportScenario>& scenarios);

}  // namespace dorsale::viz
