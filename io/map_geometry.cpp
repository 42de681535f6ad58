#include "io/map_geometry.h"

#include <ogr_geometry.h>

#include <stdexcept>

#include "io/gdal_util.h"

namespace dorsale::io {

struct OutlineProjector::Impl {
  std::unique_ptr<OGRCoordinateTransformation> to_l93;
};

OutlineProjector::OutlineProjector() : impl_(std::make_unique<Impl>()) {
  impl_->to_l93 = wgs84_lambert93_transform();
  if (!impl_->to_l93) throw std::runtime_error("OSR: no transformation EPSG:4326 -> EPSG:2154");
}
OutlineProjector::~OutlineProjector() = default;

std::vector<std::vector<std::vector<std::pair<double, double>>>> OutlineProjector::project(const Commune& c) const {
  std::vector<std::vector<std::vector<std::pair<double, double>>>> out;
  for (const auto& poly : c.polygons) {
    auto& rings = out.emplace_back();
    for (const auto& ring : poly) {
      std::vector<double> xs, ys;
      for (const auto& pt : ring) {
        xs.push_back(pt[0]);
        ys.push_back(pt[1]);
      }
      if (!xs.empty() && !impl_->to_l93->Transform(int(xs.size()), xs.data(), ys.data()))
        throw std::runtime_error("report: cannot project the outline of commune " + c.code);
      auto& r = rings.emplace_back();
      for (std::size_t k = 0; k < xs.size(); ++k) r.emplace_back(xs[k], ys[k]);
    }
  }
  return out;
}

namespace {

PlaneOutline outline_of(const OGRGeometry* g) {
  PlaneOutline o;
  auto ring = [](const OGRLinearRing* r) {
    PlaneRing out;
    for (int k = 0; k < r->getNumPoints(); ++k) out.emplace_back(r->getX(k), r->getY(k));
    return out;
  };
  auto poly = [&](const OGRPolygon* p) {
    PlanePolygon out;
    if (p->getExteriorRing()) out.push_back(ring(p->getExteriorRing()));
    for (int k = 0; k < p->getNumInteriorRings(); ++k) out.push_back(ring(p->getInteriorRing(k)));
    o.polygons.push_back(std::move(out));
  };
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbPolygon) poly(g->toPolygon());
  else if (type == wkbMultiPolygon || type == wkbGeometryCollection)
    for (const auto* part : *g->toGeometryCollection())
      if (wkbFlatten(part->getGeometryType()) == wkbPolygon) poly(part->toPolygon());
  if (type == wkbPolygon) o.area = g->toPolygon()->get_Area();
  else if (type == wkbMultiPolygon) o.area = g->toMultiPolygon()->get_Area();
  OGREnvelope env;
  g->getEnvelope(&env);
  o.min_x = env.MinX;
  o.min_y = env.MinY;
  o.max_x = env.MaxX;
  o.max_y = env.MaxY;
  OGRPoint c;
  if (g->Centroid(&c) == OGRERR_NONE) {
    o.has_centroid = true;
    o.centroid_x = c.getX();
    o.centroid_y = c.getY();
  }
  return o;
}

}  // namespace

std::optional<PlaneOutline> union_outline(const std::vector<PlanePolygon>& polygons) {
  OGRMultiPolygon mp;
  for (const auto& p : polygons) {
    OGRPolygon op;
    for (const auto& ring : p) {
      OGRLinearRing r;
      for (const auto& [x, y] : ring) r.addPoint(x, y);
      r.closeRings();
      op.addRing(&r);
    }
    mp.addGeometry(&op);
  }
  std::unique_ptr<OGRGeometry> g(mp.UnionCascaded());
  if (!g) return std::nullopt;
  return outline_of(g.get());
}

std::optional<PlaneOutline> hull_outline(const std::vector<std::pair<double, double>>& points) {
  OGRMultiPoint mp;
  for (const auto& [x, y] : points) {
    OGRPoint p(x, y);
    mp.addGeometry(&p);
  }
  std::unique_ptr<OGRGeometry> g(mp.ConvexHull());
  if (!g) return std::nullopt;
  return outline_of(g.get());
}

}  // namespace dorsale::io
