#include "io/viewshed.h"

#include <fmt/format.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>

#include "models/error.h"
#include "io/gdal_util.h"

namespace dorsale::scenarios {

struct Dem::Impl {
  std::unique_ptr<OGRCoordinateTransformation> from_l93;  // Lambert-93 -> DEM CRS
  double gt[6];
};

Dem::Dem(const std::string& path) : path_(path), impl_(std::make_unique<Impl>()) {
  dorsale::io::register_gdal_drivers();
  ds_ = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds_) throw InputError(path, 0, "", "GDAL cannot open it as a raster");
  const OGRSpatialReference* srs = ds_->GetSpatialRef();
  if (!srs || srs->IsEmpty()) {
    GDALClose(ds_);
    ds_ = nullptr;
    throw InputError(path, 0, "crs", "the DEM has no coordinate reference system");
  }
  if (!srs->IsProjected()) {
    GDALClose(ds_);
    ds_ = nullptr;
    throw InputError(path, 0, "crs", "the DEM must be in a projected CRS in metres (e.g. EPSG:2154)");
  }
  OGRSpatialReference l93, dem(*srs);
  io::set_up_lambert93(l93);
  dem.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  needs_transform_ = !dem.IsSame(&l93);
  if (needs_transform_) {
    impl_->from_l93.reset(OGRCreateCoordinateTransformation(&l93, &dem));
    if (!impl_->from_l93) {
      GDALClose(ds_);
      ds_ = nullptr;
      throw InputError(path, 0, "crs", "no transformation from Lambert-93 to the DEM's CRS");
    }
  }
  if (ds_->GetGeoTransform(impl_->gt) != CE_None) {
    GDALClose(ds_);
    ds_ = nullptr;
    throw InputError(path, 0, "geotransform", "the DEM has no geotransform");
  }
}

Dem::~Dem() {
  if (ds_) GDALClose(ds_);
}

std::vector<int> Dem::visible(double x, double y, double height_m, double radius_m, const std::vector<double>& px,
                              const std::vector<double>& py, const std::vector<int>& candidates) const {
  auto to_dem = [&](double& a, double& b) {
    if (needs_transform_) impl_->from_l93->Transform(1, &a, &b);
  };
  double ox = x, oy = y;
  to_dem(ox, oy);
  GDALDatasetH vs = GDALViewshedGenerate(ds_->GetRasterBand(1), "MEM", "", nullptr, ox, oy, height_m, 1.5, 255, 0, 0, -1, 0.85714,
                                         GVM_Edge, radius_m, nullptr, nullptr, GVOT_NORMAL, nullptr);
  std::vector<int> out;
  if (!vs) return out;  // the site lies outside the DEM: nothing is known to be visible
  auto* vds = GDALDataset::FromHandle(vs);
  double vgt[6];
  vds->GetGeoTransform(vgt);
  auto* band = vds->GetRasterBand(1);
  const int w = band->GetXSize(), h = band->GetYSize();
  std::vector<unsigned char> pix(std::size_t(w) * h);
  if (band->RasterIO(GF_Read, 0, 0, w, h, pix.data(), w, h, GDT_Byte, 0, 0) == CE_None)
    for (int i : candidates) {
      double a = px[i], b = py[i];
      to_dem(a, b);
      const int col = int(std::floor((a - vgt[0]) / vgt[1])), row = int(std::floor((b - vgt[3]) / vgt[5]));
      if (col >= 0 && col < w && row >= 0 && row < h && pix[std::size_t(row) * w + col] == 255) out.push_back(i);
    }
  GDALClose(vs);
  return out;
}

}  // namespace dorsale::scenarios
