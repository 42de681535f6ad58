#pragma once
// Small helpers shared by the GeoPackage writers: each failure names the layer and field.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <stdexcept>

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

}  // namespace dorsale::viz
