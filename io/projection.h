#pragma once
// Coordinate transformation between WGS84 (EPSG:4326, lon/lat order) and Lambert-93
// (EPSG:2154), through GDAL/OSR. One Projection object per thread: OSR transformations are
// not thread-safe.
#include <memory>
#include <string>

#include "models/geo.h"

class OGRCoordinateTransformation;

namespace dorsale::scenarios {

// Largest |x| or |y| of a projected coordinate in metres read from a file (Lambert-93 spans
// about 0..1.3e6 by 6e6..7.2e6, UTM northings reach 1e7): beyond it a coordinate is an input
// error. Documented in scenarios/README.md ("Input limits").
inline constexpr double kMaxProjectedCoordinate = 1e7;

class Projection {
 public:
  Projection();
  ~Projection();
  // This thread's Projection, made once (creating the OSR transformations costs about 15 ms).
  static const Projection& for_this_thread();
  Projection(const Projection&) = delete;
  Projection& operator=(const Projection&) = delete;

  // Fills p.x, p.y from p.lon, p.lat.
  void fill_l93(Position& p) const;
  // Fills p.lon, p.lat from p.x, p.y.
  void fill_wgs84(Position& p) const;
  Position from_wgs84(double lon, double lat) const;
  Position from_l93(double x, double y) const;

 private:
  std::unique_ptr<OGRCoordinateTransformation> to_l93_, to_wgs84_;
};

}  // namespace dorsale::scenarios
