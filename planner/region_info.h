#pragma once
// `dorsale region info`: load a region (built-in, open data or a scenario's) and report it.
#include <string>
#include <vector>

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

// What `region info` reports: the region, and the ids of the network nodes no path of links
// joins to the Dorsale (the network check; empty without a network).
struct RegionInfo {
  Region region;
  std::vector<std::string> cut_off_from_dorsale;
};

RegionInfo region_info(const RegionInfoConfig& cfg);
RegionInfo region_info_of(Region region);

}  // namespace dorsale::planner
