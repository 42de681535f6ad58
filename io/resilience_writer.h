#pragma once
// `dorsale resilience` outputs: the JSON document (resilience.json in a run folder, --json),
// the text table, the `resilience` layer of layers.gpkg, and the strict reader of the JSON.
#include <gdal_priv.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "models/region.h"
#include "models/resilience.h"

namespace dorsale::viz {

nlohmann::json resilience_json(const ResilienceResult& r);
std::string resilience_json_text(const ResilienceResult& r);  // dump(2) + "\n"
// The same bytes, written to `out` one failure at a time (no tree of every failure in memory).
void write_resilience_json(std::ostream& out, const ResilienceResult& r);

// A summary line, then one row per failure (worst first); at most `max_rows` rows (0: all).
std::string resilience_text(const ResilienceResult& r, std::size_t max_rows = 0);

// InputError naming the file and the field for a malformed document.
ResilienceResult resilience_from_json(const nlohmann::json& j, const std::string& file);
ResilienceResult resilience_from_json_text(const std::string& text, const std::string& file);

// Adds the layer `resilience` to an open GeoPackage: one feature per failure that cuts
// something, geometry the failing link(s) (multi-line) or node (point), fields id, kind,
// cut_nodes (comma-separated ids), cut_node_count, cut_nros, cut_premises, cut_high_points.
void add_resilience_layer(GDALDataset* ds, const Region& region, const ResilienceResult& r);

}  // namespace dorsale::viz
