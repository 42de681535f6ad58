#pragma once
// A network's own outputs: what `dorsale network info` prints (text and JSON, keys in
// io/README.md) and `dorsale network export`: the network as a GraceTHD v2.0.1 delivery
// (Shapefiles + `;` CSV files, the templates' file names, fields and types, Lambert-93) or the
// same tables in one GeoPackage. The mapping is models/gracethd.h's; the export imports back
// (io/gracethd.h) to a network that exports to the same tables.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "models/gracethd.h"
#include "models/high_point.h"
#include "models/network.h"
#include "models/results.h"
#include "io/output_dir.h"

namespace dorsale::viz {

nlohmann::json network_info_json(const NetworkInfo& info);
std::string network_info_text(const NetworkInfo& info);
// `dorsale network check`: usable, error, tables_read, tables_ignored, counts (rows refused by
// kind, rows left out by rule, warnings by kind) and the network's info (io/README.md).
nlohmann::json network_check_json(const NetworkCheck& check);
std::string network_check_text(const NetworkCheck& check);
// The JSON as `network info --json` / `network check --json` print it: indented by two, bytes
// that are not UTF-8 replaced (a delivery's text is shown as it is).
std::string network_info_json_text(const NetworkInfo& info);
std::string network_check_json_text(const NetworkCheck& check);

using GraceThdFormat = gracethd::Format;  // models/gracethd.h

// t_ropt.csv (GraceTHD optical routes) for the accepted requests of a queue answered on a
// GraceTHD network: per route and cable, when the fibres are known one row per fibre (rt_code
// <request>-<route>-<pair>a/b, rt_fo_ordr the cable's rank on the route): on a logical link of
// fibre chains (fibres.chains) each fibre of a chain, cable after cable in the route's
// direction, so each of the request's fibres runs end to end through the closures; on a cable
// (fibres.free, from t_fibre) its free fibres in t_fibre's order; never a fibre twice. Else one
// row for the cable with rt_fo_code empty and a comment. Returns the rows written.
long write_ropt(OutputDir& dir, const InterconnectionResults& res, const gracethd::Fibres& fibres);
// The same table as the bytes of t_ropt.csv (the desk's GET /api/export/t_ropt.csv).
std::string ropt_csv(const InterconnectionResults& res, const gracethd::Fibres& fibres);

// Writes the tables into the output folder's new generation (one entry per file of the
// delivery, or gracethd.gpkg) and returns the entries' names; the caller commits. The existing
// `high_points` that are not nodes of the network are written as t_noeud + t_siteemission
// rows. `archive`: one entry gracethd.zip holding those files (GDAL's /vsizip/ writer).
// Throws std::runtime_error naming the table on a write failure.
std::vector<std::string> write_gracethd(OutputDir& dir, const Network& net, GraceThdFormat format,
                                        const std::vector<HighPoint>& high_points = {}, bool archive = false);

}  // namespace dorsale::viz
