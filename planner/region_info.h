#pragma once
// `dorsale region info`: load a region (built-in, open data or a scenario's) and report it.
#include <nlohmann/json.hpp>
#include <string>

#include "models/region.h"

namespace dorsale::planner {

struct RegionInfoConfig {
  std::string builtin;   // "bfc", or empty
  std::string opendata;  // directory laid out like ../shared/data, or empty
  std::string scenario;  // scenario file, or empty
  std::string geography; // for --opendata: "2018" (default) or "current"
};

// Loads the region the config names (exactly one source; the built-in bfc when none).
// Throws InputError / ValidationError on bad input.
Region load_region_for(const RegionInfoConfig& cfg);

// The JSON printed by `region info --json`: the region's totals plus the network check.
nlohmann::json region_info_json(const Region& region);

}  // namespace dorsale::planner
