#pragma once
// JSON views of a region and of a run: what `dorsale region info --json` prints and what
// summary.json holds, and summary.json read back typed. Keys are documented in io/README.md.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/parameters.h"
#include "models/region.h"
#include "models/results.h"
#include "models/run_summary.h"

namespace dorsale::viz {

// The region's totals. A field the source cannot give is null, never a made-up number.
nlohmann::json region_json(const Region& region);
// `region info --json`: region_json plus, with a network, network.cut_off_from_dorsale.
nlohmann::json region_info_json(const Region& region, const std::vector<std::string>& cut_off_from_dorsale);
// summary.json of a run.
nlohmann::json summary_json(const Region& region, const ScenarioResults& results, const Parameters& params);
// Per year: premises, % >= 8, >= 30 and FttH, spends, premises per technology, by département.
nlohmann::json trajectory_json(const Region& region, const ScenarioResults& results);
// The planner's assessment of each target (>= 8, >= 30, FttH): its year, the year it is met
// (or null), the premises short at the target year.
nlohmann::json targets_json(const std::vector<TargetAssessment>& targets);
// The roll-out of a run, a line per year and the targets (for the terminal).
std::string run_text(const Region& region, const ScenarioResults& results, const Parameters& params);
// A short human-readable summary of the region (a few lines).
std::string region_text(const Region& region);

// Reads what compare, track and the report need of <run>/summary.json (models/run_summary.h).
// InputError naming the file (and the field) when it is missing, malformed or not a roll-out run.
RunSummary read_run_summary(const std::filesystem::path& summary_json);

}  // namespace dorsale::viz
