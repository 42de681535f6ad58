#pragma once
// The geometry behind the maps (viz/map_svg.cpp), kept behind io/ like every GDAL/OGR use:
// communes' WGS84 outlines projected to Lambert-93 (OSR), and a département's outline as the
// union of its communes' polygons (GEOS through OGR) or the convex hull of their centres. The
// outlines are computed in the caller's plane units (the map's km, y pointing down), so the
// drawing stays in one coordinate system.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "models/commune.h"

namespace dorsale::io {

using PlaneRing = std::vector<std::pair<double, double>>;  // closed ring, first point repeated or not
using PlanePolygon = std::vector<PlaneRing>;               // exterior ring first, then its holes

// WGS84 (lon, lat) -> Lambert-93 (x, y) in metres, for the maps' outlines.
class OutlineProjector {
 public:
  OutlineProjector();  // std::runtime_error when PROJ has no EPSG:4326 -> EPSG:2154
  ~OutlineProjector();
  OutlineProjector(const OutlineProjector&) = delete;
  OutlineProjector& operator=(const OutlineProjector&) = delete;
  // The commune's rings in Lambert-93 metres, polygon by polygon (empty when it has none);
  // std::runtime_error naming the commune when a ring cannot be projected.
  std::vector<std::vector<std::vector<std::pair<double, double>>>> project(const Commune& c) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A département's outline in the plane: its polygons (exterior ring, then holes), area,
// envelope and centroid.
struct PlaneOutline {
  std::vector<PlanePolygon> polygons;
  double area = 0;
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  bool has_centroid = false;
  double centroid_x = 0, centroid_y = 0;
};

// The union of `polygons` (GEOS cascaded union); nullopt when GEOS gives nothing.
std::optional<PlaneOutline> union_outline(const std::vector<PlanePolygon>& polygons);
// The convex hull of `points`; nullopt when GEOS gives nothing.
std::optional<PlaneOutline> hull_outline(const std::vector<std::pair<double, double>>& points);

}  // namespace dorsale::io
