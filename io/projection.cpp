#include "io/projection.h"

#include <cpl_error.h>
#include <ogr_spatialref.h>

#include "io/gdal_util.h"

#include <cmath>
#include <stdexcept>

namespace dorsale::scenarios {

namespace {
// GDAL's own message ("Point outside of projection domain") off while it lasts: a failure is
// thrown and reported once, with the file and field, by the caller
struct QuietGdal {
  QuietGdal() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietGdal() { CPLPopErrorHandler(); }
};
}  // namespace

Projection::Projection() {
  to_l93_ = io::wgs84_lambert93_transform();
  to_wgs84_ = io::wgs84_lambert93_transform(true);
  if (!to_l93_ || !to_wgs84_)
    throw std::runtime_error("GDAL/OSR cannot transform between EPSG:4326 and EPSG:2154 (is proj-data installed?)");
}

const Projection& Projection::for_this_thread() {
  thread_local const Projection proj;
  return proj;
}

Projection::~Projection() = default;

void Projection::fill_l93(Position& p) const {
  double x = p.lon, y = p.lat;
  QuietGdal quiet;  // the caller reports the failure
  if (!std::isfinite(x) || !std::isfinite(y) || !to_l93_->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
    throw std::runtime_error("OSR: cannot project a position to Lambert-93");
  p.x = x;
  p.y = y;
}

void Projection::fill_wgs84(Position& p) const {
  double x = p.x, y = p.y;
  QuietGdal quiet;
  if (!std::isfinite(x) || !std::isfinite(y) || !to_wgs84_->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
    throw std::runtime_error("OSR: cannot unproject a Lambert-93 position");
  p.lon = x;
  p.lat = y;
}

Position Projection::from_wgs84(double lon, double lat) const {
  Position p;
  p.lon = lon;
  p.lat = lat;
  fill_l93(p);
  return p;
}

Position Projection::from_l93(double x, double y) const {
  Position p;
  p.x = x;
  p.y = y;
  fill_wgs84(p);
  return p;
}

}  // namespace dorsale::scenarios
