// The open-data import's geometry: commune polygons (any GDAL vector format, any CRS) and the
// ARCEP mobile sites placed in their commune by position (io/opendata_import.h).
#include "io/opendata_import.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <unordered_map>

#include "models/actuals.h"
#include "models/error.h"
#include "io/csv.h"
#include "io/projection.h"
#include "io/gdal_util.h"
#include "io/spelling.h"

namespace dorsale::scenarios::opendata_import {

namespace {

using io::DatasetPtr;

// Envelope grid over commune polygons for point-in-polygon look-ups.
class PolygonIndex {
 public:
  PolygonIndex(const std::vector<std::unique_ptr<OGRGeometry>>& geoms) : geoms_(geoms) {
    for (std::size_t i = 0; i < geoms.size(); ++i) {
      OGREnvelope e;
      geoms[i]->getEnvelope(&e);
      env_.push_back(e);
      minx_ = std::min(minx_, e.MinX);
      miny_ = std::min(miny_, e.MinY);
    }
    for (std::size_t i = 0; i < geoms.size(); ++i)
      for (long gx = cell(env_[i].MinX, minx_); gx <= cell(env_[i].MaxX, minx_); ++gx)
        for (long gy = cell(env_[i].MinY, miny_); gy <= cell(env_[i].MaxY, miny_); ++gy)
          grid_[key(gx, gy)].push_back(i);
  }
  // First polygon (in file order) containing the point, or -1.
  long find(double x, double y) const {
    auto it = grid_.find(key(cell(x, minx_), cell(y, miny_)));
    if (it == grid_.end()) return -1;
    OGRPoint pt(x, y);
    for (auto i : it->second) {
      const auto& e = env_[i];
      if (x < e.MinX || x > e.MaxX || y < e.MinY || y > e.MaxY) continue;
      if (geoms_[i]->Contains(&pt)) return long(i);
    }
    return -1;
  }

 private:
  static constexpr double kCell = 0.05;  // degrees
  static long cell(double v, double origin) { return long(std::floor((v - origin) / kCell)); }
  static long long key(long gx, long gy) { return (static_cast<long long>(gx) << 32) ^ (gy & 0xffffffff); }
  const std::vector<std::unique_ptr<OGRGeometry>>& geoms_;
  std::vector<OGREnvelope> env_;
  double minx_ = 1e300, miny_ = 1e300;
  std::unordered_map<long long, std::vector<std::size_t>> grid_;
};

std::string field_of(OGRFeature* f, std::initializer_list<const char*> names, const std::string& file,
                     long fid) {
  for (const char* n : names) {
    int i = f->GetFieldIndex(n);
    if (i >= 0 && f->IsFieldSetAndNotNull(i)) return f->GetFieldAsString(i);
  }
  throw InputError(file, fid, *names.begin(), "missing attribute (feature number given as line)");
}

}  // namespace

std::vector<std::vector<Commune::Ring>> rings_of(const OGRGeometry* g) {
  std::vector<std::vector<Commune::Ring>> out;
  auto add_poly = [&](const OGRPolygon* p) {
    std::vector<Commune::Ring> rings;
    auto ring_pts = [&](const OGRLinearRing* r) {
      Commune::Ring ring;
      for (int k = 0; k < r->getNumPoints(); ++k) ring.push_back({r->getX(k), r->getY(k)});
      rings.push_back(std::move(ring));
    };
    if (p->getExteriorRing()) ring_pts(p->getExteriorRing());
    for (int k = 0; k < p->getNumInteriorRings(); ++k) ring_pts(p->getInteriorRing(k));
    out.push_back(std::move(rings));
  };
  auto flat = wkbFlatten(g->getGeometryType());
  if (flat == wkbPolygon) add_poly(g->toPolygon());
  else if (flat == wkbMultiPolygon)
    for (const auto* p : *g->toMultiPolygon()) add_poly(p);
  return out;
}

// Commune polygons (any GDAL vector format, any CRS): codes, names, départements, centroids.
void read_commune_polygons(Import& I) {
  const OpenDataFiles& files = I.files;
  const Projection& proj = I.proj;
  Region& region = I.region;
  auto& prov = I.region.provenance;
  auto& geoms = I.geoms;
  auto& by_code = I.by_code;
  // ---- commune polygons (any GDAL vector format, any CRS) -----------------------------------
  OGRSpatialReference wgs84;
  io::set_up_wgs84(wgs84);
  if (files.commune_polygons.empty())
    throw InputError("scenario", 0, "commune_polygons", "no commune polygon file given");
  for (const auto& path : files.commune_polygons) {
    prov.files.push_back(path);
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                       nullptr, nullptr, nullptr)));
    if (!ds) throw InputError(path, 0, "", "GDAL cannot open it as a vector file");
    for (auto* layer : ds->GetLayers()) {
      std::unique_ptr<OGRCoordinateTransformation> ct;
      if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        OGRSpatialReference src(*srs);
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (!src.IsSame(&wgs84)) ct.reset(OGRCreateCoordinateTransformation(&src, &wgs84));
      }
      long n = 0;
      for (auto& feat : layer) {
        ++n;
        Commune c;
        c.code = field_of(feat.get(), {"code", "INSEE_COM", "insee", "CODE_INSEE"}, path, n);
        c.name = field_of(feat.get(), {"nom", "NOM_COM", "NOM", "name"}, path, n);
        OGRGeometry* g = feat->GetGeometryRef();
        if (!g || g->IsEmpty()) throw InputError(path, n, "geometry", "feature " + c.code + " has no geometry");
        auto flat = wkbFlatten(g->getGeometryType());
        if (flat != wkbPolygon && flat != wkbMultiPolygon)
          throw InputError(path, n, "geometry", "feature " + c.code + " is not a polygon");
        // in the file's CRS (degrees or metres): finite and within kMaxProjectedCoordinate; a
        // projection may map a wild vertex to a plausible longitude/latitude
        for (const auto& poly : rings_of(g))
          for (const auto& ring : poly)
            for (const auto& [x, y] : ring)
              if (!std::isfinite(x) || !std::isfinite(y) || std::abs(x) > kMaxProjectedCoordinate || std::abs(y) > kMaxProjectedCoordinate)
                throw InputError(path, n, "geometry",
                                 fmt::format("feature {} has a vertex at ({}, {}): coordinates must be finite and within ±{:.0e}", c.code, x,
                                             y, kMaxProjectedCoordinate));
        std::unique_ptr<OGRGeometry> gg(g->clone());
        if (ct && gg->transform(ct.get()) != OGRERR_NONE)
          throw InputError(path, n, "geometry", "cannot transform to WGS84");
        if (c.code.size() != 5) throw InputError(path, n, "code", fmt::format("'{}' is not an INSEE code", c.code));
        if (by_code.count(c.code)) throw InputError(path, n, "code", fmt::format("commune {} appears twice", c.code));
        c.departement = (c.code.rfind("97", 0) == 0) ? c.code.substr(0, 3) : c.code.substr(0, 2);
        c.polygons = rings_of(gg.get());
        for (const auto& poly : c.polygons)  // WGS84 after the transform
          for (const auto& ring : poly)
            for (const auto& [lon, lat] : ring)
              if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lon) > 180 || std::abs(lat) > 90)
                throw InputError(path, n, "geometry",
                                 fmt::format("feature {} has a vertex at ({}, {}), not a longitude/latitude", c.code, lon, lat));
        OGRPoint centroid;
        if (gg->Centroid(&centroid) != OGRERR_NONE)
          throw InputError(path, n, "geometry", "cannot compute the centroid of " + c.code);
        try {
          c.centroid = proj.from_wgs84(centroid.getX(), centroid.getY());
        } catch (const std::exception& e) {
          throw InputError(path, n, "geometry", fmt::format("the centroid of {} cannot be projected: {}", c.code, e.what()));
        }
        by_code[c.code] = int(region.communes.size());
        region.communes.push_back(std::move(c));
        geoms.push_back(std::move(gg));
      }
    }
  }

}

// ARCEP mobile sites: each placed in its commune by position.
void read_mobile_sites(Import& I) {
  const OpenDataFiles& files = I.files;
  const Projection& proj = I.proj;
  Region& region = I.region;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  auto& geoms = I.geoms;
  // ---- ARCEP mobile sites: each placed in its commune by position -----------------------------
  if (!files.mobile_sites.empty()) {
    auto t = read_csv(files.mobile_sites, ';', 0);
    prov.files.push_back(t.file);
    const int c_op = t.column("Operateur"), c_x = t.column("x"), c_y = t.column("y"), c_4g = t.column("4G");
    PolygonIndex index(geoms);
    std::map<std::pair<double, double>, std::size_t> at;  // Lambert-93 position -> high point
    for (const auto& row : t.rows) {
      const auto code = parse_count(t.cell(row, c_op), t.file, row.line, "Operateur");
      auto op = code ? operator_from_mccmnc(int(*code)) : std::nullopt;
      if (!op) throw InputError(t.file, row.line, "Operateur", fmt::format("unknown operator code '{}'", trim(t.cell(row, c_op))));
      // Lambert-93 metres, |x|, |y| <= kMaxProjectedCoordinate
      const double x = parse_number(t.cell(row, c_x), t.file, row.line, "x", -kMaxProjectedCoordinate, kMaxProjectedCoordinate);
      const double y = parse_number(t.cell(row, c_y), t.file, row.line, "y", -kMaxProjectedCoordinate, kMaxProjectedCoordinate);
      const auto has4g = parse_count(t.cell(row, c_4g), t.file, row.line, "4G").value_or(0) > 0;
      Position p;
      try {
        p = proj.from_l93(x, y);
      } catch (const std::exception& e) {
        throw InputError(t.file, row.line, "x", fmt::format("({}, {}) cannot be projected to WGS84: {}", x, y, e.what()));
      }
      const long ci = index.find(p.lon, p.lat);
      if (ci < 0) continue;  // outside the region's communes
      auto [it, fresh] = at.emplace(std::make_pair(x, y), region.high_points.size());
      if (fresh) {
        HighPoint h;
        h.id = fmt::format("hp:{:06d}", region.high_points.size() + 1);
        h.pos = p;
        h.commune = C[ci].code;
        h.existing = true;
        region.high_points.push_back(h);
      }
      auto& h = region.high_points[it->second];
      h.sites[int(*op)] += 1;
      h.has_4g[int(*op)] = h.has_4g[int(*op)] || has4g;
    }
    prov.mobile_rows_read = std::int64_t(t.rows.size());
    prov.missing.push_back("high_points.fibred");
  }
}

}  // namespace dorsale::scenarios::opendata_import
