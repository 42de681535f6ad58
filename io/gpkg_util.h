#pragma once
// Small helpers shared by the GeoPackage writers: each failure names the layer and field.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <stdexcept>
#include <string>

#include "io/gdal_util.h"

namespace dorsale::viz {

// The date every GeoPackage written by dorsale records as its layers' last_change, unless the
// user sets GDAL's OGR_CURRENT_DATE: a fixed date makes the same inputs give the same bytes
// (one process or many MPI ranks, today or tomorrow).
inline constexpr const char* kGpkgDate = "2000-01-01T00:00:00.000Z";

// GDAL's GPKG driver, set up for reproducible files: the date above, and spatial indexes built
// in the writing thread (GDAL builds them in a background thread when the process may use more
// than one core, which changes the order of the tables in the file: under mpirun a rank is
// bound to one core).
inline GDALDriver* gpkg_driver() {
  dorsale::io::register_gdal_drivers();
  if (!CPLGetConfigOption("OGR_CURRENT_DATE", nullptr)) CPLSetConfigOption("OGR_CURRENT_DATE", kGpkgDate);
  CPLSetConfigOption("OGR_GPKG_ALLOW_THREADED_RTREE", "NO");
  // no fsync at each SQLite commit (unless the user sets it): the output folders sync every
  // file once when it commits (io/output_dir.h), and a file is never visible before; the bytes
  // are the same (measured on synthetic France: 2,419 voluntary context switches -> 83)
  if (!CPLGetConfigOption("OGR_SQLITE_SYNCHRONOUS", nullptr)) CPLSetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw std::runtime_error("GDAL has no GPKG driver");
  return drv;
}

// A Lambert-93 layer with a spatial index.
inline OGRLayer* gpkg_layer(GDALDataset* ds, const char* name, OGRwkbGeometryType type) {
  OGRSpatialReference l93;
  io::set_up_lambert93(l93);
  char** opts = CSLSetNameValue(nullptr, "SPATIAL_INDEX", "YES");
  OGRLayer* l = ds->CreateLayer(name, &l93, type, opts);
  CSLDestroy(opts);
  if (!l) throw std::runtime_error(fmt::format("GeoPackage: cannot create layer {}", name));
  return l;
}

inline void gpkg_field(OGRLayer* layer, const char* name, OGRFieldType type) {
  OGRFieldDefn f(name, type);
  if (layer->CreateField(&f) != OGRERR_NONE)
    throw std::runtime_error(fmt::format("GeoPackage: cannot create field {} of layer {}", name, layer->GetName()));
}

inline void gpkg_write(OGRLayer* layer, OGRFeature* f) {
  if (layer->CreateFeature(f) != OGRERR_NONE)
    throw std::runtime_error(fmt::format("GeoPackage: cannot write a feature of layer {}", layer->GetName()));
}

// Fills a layer inside one transaction; a failed start or commit names the layer.
template <class Fill>
void gpkg_in_transaction(OGRLayer* layer, Fill&& fill) {
  if (layer->StartTransaction() != OGRERR_NONE)
    throw std::runtime_error(fmt::format("GeoPackage: cannot start a transaction on layer {}", layer->GetName()));
  fill();
  if (layer->CommitTransaction() != OGRERR_NONE)
    throw std::runtime_error(fmt::format("GeoPackage: cannot commit layer {}", layer->GetName()));
}

// Closes a dataset and checks that the close (the final flush and COMMIT of a GeoPackage)
// succeeded: GDAL 3.6's GDALClose returns nothing, so the error state is read instead.
template <class Ptr>
void gpkg_close(Ptr& ds, const std::string& path) {
  CPLErrorReset();
  ds.reset();
  if (CPLGetLastErrorType() >= CE_Failure)
    throw std::runtime_error(fmt::format("{}: cannot close the GeoPackage: {}", path, CPLGetLastErrorMsg()));
}

}  // namespace dorsale::viz
