#pragma once
// A network's own outputs: what `dorsale network info` prints (text and JSON, keys in
// viz/README.md) and `dorsale network export`: the network as a GraceTHD v2.0.1 delivery
// (Shapefiles + `;` CSV files, the templates' file names, fields and types, Lambert-93) or the
// same tables in one GeoPackage. The mapping is models/gracethd.h's; the export imports back
// (scenarios/gracethd.h) to a network that exports to the same tables.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/high_point.h"
#include "models/network.h"
#include "viz/output_dir.h"

namespace dorsale::viz {

nlohmann::json network_info_json(const NetworkInfo& info);
std::string network_info_text(const NetworkInfo& info);
// `dorsale network check`: usable, error, tables_read, tables_ignored, counts (rows refused by
// kind, rows left out by rule, warnings by kind) and the network's info (viz/README.md).
nlohmann::json network_check_json(const NetworkCheck& check);
std::string network_check_text(const NetworkCheck& check);

enum class GraceThdFormat { ShpCsv, Gpkg };

// Writes the tables into the output folder's new generation (one entry per file of the
// delivery, or gracethd.gpkg) and returns the entries' names; the caller commits. The existing
// `high_points` that are not nodes of the network are written as t_noeud + t_siteemission
// rows. `archive`: one entry gracethd.zip holding those files (GDAL's /vsizip/ writer).
// Throws std::runtime_error naming the table on a write failure.
std::vector<std::string> write_gracethd(OutputDir& dir, const Network& net, GraceThdFormat format,
                                        const std::vector<HighPoint>& high_points = {}, bool archive = false);

}  // namespace dorsale::viz
