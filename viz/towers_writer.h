#pragma once
// The GeoPackage layers of the high-point siting: existing_sites, chosen_sites,
// backhaul_routes and white_zone_premises (Lambert-93). Fields in viz/README.md.
#include "models/region.h"
#include "models/towers.h"

class GDALDataset;

namespace dorsale::viz {

void add_towers_layers(GDALDataset* ds, const Region& region, const TowersResult& res);

}  // namespace dorsale::viz
