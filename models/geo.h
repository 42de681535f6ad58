#pragma once
// Positions. Every located entity carries both its WGS84 position (lon, lat: what GeoJSON and
// the HTML map use) and its Lambert-93 position (x, y in metres, EPSG:2154: what distances,
// coverage radii and GeoPackage layers use). The two are filled together by scenarios/ through
// GDAL/OSR; models never convert between them.
#include <cmath>

namespace dorsale {

struct Position {
  double lon = 0, lat = 0;  // degrees, EPSG:4326, traditional GIS order
  double x = 0, y = 0;      // metres, EPSG:2154 (Lambert-93)
};

// Straight-line distance in km between two positions, on the projected plane.
// Lambert-93 is conformal; its scale error is below 0.1 % over mainland France.
double distance_km(const Position& a, const Position& b);

}  // namespace dorsale
