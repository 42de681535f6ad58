#pragma once
// GDAL/OSR set-up shared by io/'s readers and writers, written once: the reference systems
// (Lambert-93, EPSG:2154, and WGS84, EPSG:4326, both with x = easting / longitude), the
// transformation between them, and the owner of an open dataset.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <memory>

namespace dorsale::io {

// GDAL's drivers, registered once a process (GDALAllRegister walks every driver again at each
// call: ~0.1 ms, twice an import before, measured in the GraceTHD GeoPackage fuzz target).
inline void register_gdal_drivers() {
  static const bool registered = (GDALAllRegister(), true);
  (void)registered;
}

// Sets `srs` to Lambert-93 (EPSG:2154), x = easting.
inline void set_up_lambert93(OGRSpatialReference& srs) {
  srs.importFromEPSG(2154);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
}

// Sets `srs` to WGS84 (EPSG:4326), x = longitude.
inline void set_up_wgs84(OGRSpatialReference& srs) {
  srs.importFromEPSG(4326);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
}

// WGS84 -> Lambert-93 (or Lambert-93 -> WGS84 when `inverse`); null when PROJ has no such
// transformation (the caller names what needed it).
inline std::unique_ptr<OGRCoordinateTransformation> wgs84_lambert93_transform(bool inverse = false) {
  OGRSpatialReference wgs84, l93;
  set_up_wgs84(wgs84);
  set_up_lambert93(l93);
  return std::unique_ptr<OGRCoordinateTransformation>(
      inverse ? OGRCreateCoordinateTransformation(&l93, &wgs84) : OGRCreateCoordinateTransformation(&wgs84, &l93));
}

// An open dataset, closed (GDALClose) when it goes out of scope. A GeoPackage being written is
// closed with gpkg_close (io/gpkg_util.h), which checks that the final commit succeeded.
struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

}  // namespace dorsale::io
