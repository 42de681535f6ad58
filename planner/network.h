#pragma once
// `dorsale network info` and `dorsale network export`: a real network in, a GraceTHD delivery out.
#include <string>
#include <vector>

#include "models/gracethd.h"
#include "models/network.h"
#include "models/progress.h"

namespace dorsale::planner {

// Reads PATH (a GraceTHD delivery folder, a GraceTHD GeoPackage or a dorsale layers.gpkg)
// with the default parameters and reports it. Throws InputError on bad input. `progress` (may
// be null) counts the rows read per GraceTHD table.
NetworkInfo network_info(const std::string& path, ProgressSink* progress = nullptr);
// `dorsale network check PATH`: never throws; `usable` says the exit (0 usable, 1 not).
NetworkCheck network_check(const std::string& path, ProgressSink* progress = nullptr);

struct NetworkExportConfig {
  std::string builtin;   // "bfc", or empty
  std::string scenario;  // scenario file, or empty (one of the two)
  gracethd::Format format = gracethd::Format::ShpCsv;  // Shapefiles + CSV, or one GeoPackage
  std::string out_dir;
  bool archive = false;  // one gracethd.zip instead of the files
};

struct NetworkExport {
  std::vector<std::string> entries;  // files written into out_dir
  NetworkTotals totals;
};

// Writes the built-in or the scenario's network into out_dir through viz::OutputDir (nothing
// is written when loading fails).
NetworkExport network_export(const NetworkExportConfig& cfg);

}  // namespace dorsale::planner
