#pragma once
// The formats of the high-point siting: towers.json (io/README.md) and the GeoPackage layers
// existing_sites, chosen_sites, backhaul_routes and white_zone_premises (Lambert-93).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/region.h"
#include "models/towers.h"

class GDALDataset;

namespace dorsale::viz {

nlohmann::json towers_json(const TowersResult& res);
std::string towers_json_text(const TowersResult& res);  // towers.json, as written
// Inverse of towers_json (the figures; the GeoPackage geometry is not in towers.json).
// InputError(file, 0, field, ...) naming the field when one is missing or of the wrong type.
TowersResult towers_from_json(const nlohmann::json& j, const std::string& file);
TowersResult towers_from_json_text(const std::string& text, const std::string& file);
nlohmann::json towers_file_json(const TowersFileResult& res);
// The terminal summaries of `dorsale towers` (scenario and file modes).
std::string towers_text(const TowersResult& res);
std::string towers_file_text(const TowersFileResult& res);

void add_towers_layers(GDALDataset* ds, const Region& region, const TowersResult& res);
// towers.gpkg of dorsale towers: a new GeoPackage `file` with the layers above.
void write_towers_gpkg(const std::filesystem::path& file, const Region& region, const TowersResult& res);

}  // namespace dorsale::viz
