#pragma once
// Line of sight from a digital elevation model (any raster GDAL reads, in a known projected
// CRS), through GDAL's viewshed algorithm: which demand points a site at a given height sees
// within its radius. Used to refine radius-based 4G coverage where relief masks the signal.
#include <memory>
#include <string>
#include <vector>

class GDALDataset;

namespace dorsale::scenarios {

class Dem {
 public:
  // Opens the raster; throws InputError naming the file and "crs" when it has no CRS or one
  // that cannot be transformed to Lambert-93, and the file when GDAL cannot read it.
  explicit Dem(const std::string& path);
  ~Dem();
  Dem(const Dem&) = delete;
  Dem& operator=(const Dem&) = delete;

  // Indices (into px/py, Lambert-93 metres) of the points seen from (x, y) at `height_m` above
  // ground, within `radius_m`, for a receiver 1.5 m above ground. `candidates` restricts the
  // test to these point indices (already within the radius).
  std::vector<int> visible(double x, double y, double height_m, double radius_m, const std::vector<double>& px,
                           const std::vector<double>& py, const std::vector<int>& candidates) const;

 private:
  std::string path_;
  GDALDataset* ds_ = nullptr;
  bool needs_transform_ = false;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dorsale::scenarios
