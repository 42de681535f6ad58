#pragma once
// report.html: one self-contained page (inline SVG and CSS, no network access: a Content
// Security Policy forbids any request) with, per scenario: the key figures, a map of the
// region (one shape per commune coloured by the year FttH arrives, the Dorsale, hubs and high
// points), the 2019–2025 trajectories of % >= 8, >= 30 and FttH side by side, and the sections
// the capabilities add (interconnection decisions, tower programme, guichet quantiles).
#include <string>
#include <vector>

#include "io/run_folder.h"  // ReportScenario, report_scenario_from_folder
#include "models/region.h"
#include "models/results.h"

namespace dorsale::viz {

// The map of a region and its plan as one <svg> element (Lambert-93, north up).
std::string map_svg(const Region& region, const ScenarioResults& results);

std::string report_html(const std::string& title, const std::vector<ReportScenario>& scenarios);

// Text escaped for HTML content and attribute values (& < > ").
std::string html_escape(const std::string& s);

}  // namespace dorsale::viz
