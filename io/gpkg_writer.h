#pragma once
// layers.gpkg for QGIS, through GDAL, in Lambert-93 (EPSG:2154). Layers and fields are
// documented in io/README.md: communes (polygons when imported, points otherwise),
// network_nodes, network_links, high_points.
#include <filesystem>
#include <vector>

#include "models/region.h"
#include "models/resilience.h"
#include "models/results.h"
#include "models/towers.h"

namespace dorsale::viz {

// Creates `file` (which must not exist). Throws std::runtime_error naming the layer.
// `target_years`: years whose commune state is written as fields (pct_ge30_<year>, ...).
void write_gpkg(const std::filesystem::path& file, const Region& region, const ScenarioResults& results,
                const std::vector<int>& target_years = {});

// Adds to the layers.gpkg `file` written by write_gpkg the towers layers (towers_writer.h)
// and the resilience layer (resilience_writer.h) of those given (null: none; both null: the file
// is left as it is).
void add_run_layers(const std::filesystem::path& file, const Region& region, const TowersResult* towers,
                    const ResilienceResult* resilience);

}  // namespace dorsale::viz
