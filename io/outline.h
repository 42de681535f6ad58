#pragma once
// A commune's outline in Lambert-93, prepared for many point-in-polygon tests (GEOS through
// OGR); empty when the commune has no polygons (generated regions). GDAL stays behind this
// class: its users see points and answers only.
#include <memory>
#include <utility>

#include "models/commune.h"

namespace dorsale::io {

class CommuneOutline {
 public:
  explicit CommuneOutline(const Commune& c);
  ~CommuneOutline();
  CommuneOutline(const CommuneOutline&) = delete;
  CommuneOutline& operator=(const CommuneOutline&) = delete;
  bool empty() const;
  // Whether the Lambert-93 point (x, y) lies inside the outline (not empty).
  bool contains(double x, double y) const;
  // A point surely inside (GEOS point on surface), for a commune the spread misses.
  std::pair<double, double> inside_point() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dorsale::io
