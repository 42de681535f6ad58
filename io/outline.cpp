#include "io/outline.h"

#include <ogr_api.h>
#include <ogr_geometry.h>

#include "io/projection.h"

namespace dorsale::io {

struct CommuneOutline::Impl {
  std::unique_ptr<OGRGeometry> geom;
  OGRPreparedGeometryH prepared = nullptr;
  ~Impl() {
    if (prepared) OGRDestroyPreparedGeometry(prepared);
  }
};

CommuneOutline::CommuneOutline(const Commune& c) : impl_(std::make_unique<Impl>()) {
  if (c.polygons.empty()) return;
  const auto& proj = scenarios::Projection::for_this_thread();
  auto multi = std::make_unique<OGRMultiPolygon>();
  for (const auto& rings : c.polygons) {
    OGRPolygon poly;
    for (const auto& ring : rings) {
      OGRLinearRing lr;
      for (const auto& v : ring) {
        const Position p = proj.from_wgs84(v[0], v[1]);
        lr.addPoint(p.x, p.y);
      }
      lr.closeRings();
      poly.addRing(&lr);
    }
    multi->addGeometry(&poly);
  }
  impl_->geom = std::move(multi);
  impl_->prepared = OGRCreatePreparedGeometry(OGRGeometry::ToHandle(impl_->geom.get()));
}

CommuneOutline::~CommuneOutline() = default;

bool CommuneOutline::empty() const { return !impl_->geom; }

bool CommuneOutline::contains(double x, double y) const {
  OGRPoint pt(x, y);
  return impl_->prepared ? OGRPreparedGeometryContains(impl_->prepared, OGRGeometry::ToHandle(&pt)) != 0 : impl_->geom->Contains(&pt);
}

std::pair<double, double> CommuneOutline::inside_point() const {
  OGRGeometryH p = OGR_G_PointOnSurface(OGRGeometry::ToHandle(impl_->geom.get()));
  std::pair<double, double> out{0, 0};
  if (p) {
    out = {OGR_G_GetX(p, 0), OGR_G_GetY(p, 0)};
    OGR_G_DestroyGeometry(p);
  }
  return out;
}

}  // namespace dorsale::io
