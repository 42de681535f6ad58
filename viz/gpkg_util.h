#pragma once
// Small helpers shared by the GeoPackage writers: each failure names the layer and field.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <stdexcept>
#include <string>

namespace dorsale::viz {

// A Lambert-93 layer with a spatial index.
inline OGRLayer* gpkg_layer(GDALDataset* ds, const char* name, OGRwkbGeometryType type) {
  OGRSpatialReference l93;
  l93.importFromEPSG(2154);
  l93.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
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
