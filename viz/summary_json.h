#pragma once
// JSON views of a region and of a run: what `dorsale region info --json` prints and what
// summary.json holds. Keys are documented in viz/README.md.
#include <nlohmann/json.hpp>

#include "models/region.h"
#include "models/results.h"

namespace dorsale::viz {

// The region's totals. A field the source cannot give is null, never a made-up number.
nlohmann::json region_json(const Region& region);
// summary.json of a run.
nlohmann::json summary_json(const Region& region, const ScenarioResults& results);
// A short human-readable summary of the region (a few lines).
std::string region_text(const Region& region);

}  // namespace dorsale::viz
