#pragma once
// Writers of interconnection answers: decisions.json (an array, one object per request, in
// the request file's order) and the `routes` layer of a GeoPackage (Lambert-93).
#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/region.h"
#include "io/reasons.h"  // reasons written as their sentences (to_json)
#include "models/results.h"

class GDALDataset;

namespace dorsale::viz {

nlohmann::json decisions_json(const InterconnectionResults& res);
// One request's record of decisions.json (the desk's answers start from it).
nlohmann::json decision_json(const InterconnectionRequest& r, const InterconnectionDecision& d);
// Inverse of decisions_json: the requests (id, requester, pairs, protection, submitted) and
// their answers; `mode` and the MILP figures are not in decisions.json. InputError(file, 0,
// field, ...) naming the field ("[3].cost_eur.total") when one is missing or of the wrong type.
InterconnectionResults decisions_from_json(const nlohmann::json& j, const std::string& file);
InterconnectionResults decisions_from_json_text(const std::string& text, const std::string& file);
// decisions.csv: one row per decision (id, requester, site, destination, pairs, protection,
// decision, capex/opex/total EUR, latency ms, new build km, builds, reasons), RFC 4180 with
// `separator` ',' or ';' (then a decimal comma), io/csv_format.h.
std::string decisions_csv(const InterconnectionResults& res, char separator = ',');
// The queue's summary (mode, counts, accepted value, MILP status / bound / gap).
nlohmann::json queue_summary_json(const InterconnectionResults& res);
// One line per request, for the terminal.
std::string decision_line(const InterconnectionRequest& r, const InterconnectionDecision& d);
// The terminal answer of `dorsale interconnect`: a line per request, then the queue's totals.
std::string queue_text(const InterconnectionResults& res);

// Adds the layer `routes` to an open GeoPackage.
void add_routes_layer(GDALDataset* ds, const Region& region, const InterconnectionResults& res);
// Creates `file` holding only the `routes` layer.
void write_routes_gpkg(const std::filesystem::path& file, const Region& region, const InterconnectionResults& res);

}  // namespace dorsale::viz
