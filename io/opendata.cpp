#include "io/opendata.h"

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

namespace fs = std::filesystem;

namespace dorsale::scenarios {

namespace {

std::vector<std::string> glob(const std::string& dir, const std::string& sub_re,
                              const std::string& file_re) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  const std::regex sr(sub_re), fr(file_re);
  for (const auto& sub : fs::directory_iterator(dir, ec)) {
    if (!sub.is_directory(ec) || !std::regex_match(sub.path().filename().string(), sr)) continue;
    for (const auto& f : fs::directory_iterator(sub.path(), ec))
      if (f.is_regular_file(ec) && std::regex_match(f.path().filename().string(), fr))
        out.push_back(f.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string one(const std::string& dir, const std::string& sub_re, const std::string& file_re,
                const std::string& what) {
  auto v = glob(dir, sub_re, file_re);
  if (v.empty())
    throw InputError(dir, 0, what, fmt::format("no file matches {}/{}", sub_re, file_re));
  if (v.size() > 1)
    throw InputError(dir, 0, what, fmt::format("{} files match {}/{}; name one in the scenario",
                                               v.size(), sub_re, file_re));
  return v.front();
}

struct GdalInit {
  GdalInit() { GDALAllRegister(); }
};

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

std::string field_of(OGRFeature* f, std::initializer_list<const char*> names, const std::string& file,
                     long fid) {
  for (const char* n : names) {
    int i = f->GetFieldIndex(n);
    if (i >= 0 && f->IsFieldSetAndNotNull(i)) return f->GetFieldAsString(i);
  }
  throw InputError(file, fid, *names.begin(), "missing attribute (feature number given as line)");
}

}  // namespace

OpenDataFiles locate_opendata(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir, 0, "", ec ? "cannot open the open-data folder: " + ec.message() : std::string("cannot open the open-data folder: not a directory"));
  OpenDataFiles f;
  f.commune_polygons = glob(dir, "france-geojson", "communes-.*\\.geojson");
  if (f.commune_polygons.empty())
    throw InputError(dir, 0, "commune_polygons", "no file matches france-geojson/communes-*.geojson");
  f.arcep_communes = one(dir, "arcep-ftth-.*", "communes-.*\\.csv", "arcep_communes");
  f.arcep_ftth = one(dir, "arcep-ftth-.*", "ftthCommunes-.*\\.csv", "arcep_ftth");
  f.insee_population = one(dir, "insee-population", "donnees_communes.*\\.csv", "insee_population");
  f.insee_mergers = one(dir, "insee-population", "mouvements-communes.*\\.csv", "insee_mergers");
  f.mobile_sites = one(dir, "arcep-sites-mobiles-.*", ".*\\.csv", "mobile_sites");
  if (!glob(dir, "insee-population", "v_departement.*\\.csv").empty())
    f.insee_departements = one(dir, "insee-population", "v_departement.*\\.csv", "insee_departements");
  return f;
}

namespace {

// The state of one import: the region being built and what the steps share.
struct Import {
  const OpenDataFiles& files;
  const Parameters& P;
  Projection proj;
  Region region;
  std::vector<std::unique_ptr<OGRGeometry>> geoms;  // WGS84 polygon of each 2018 commune
  std::unordered_map<std::string, int> by_code;      // 2018 code -> commune index
  std::vector<std::string> current_code;             // per 2018 commune, its current code
  std::unordered_map<std::string, std::string> current_name;
};

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

// The département of an INSEE commune code (3 characters overseas).
std::string departement_of_code(const std::string& code) { return code.rfind("97", 0) == 0 ? code.substr(0, 3) : code.substr(0, 2); }

// The départements the commune polygons cover: rows of the ARCEP files outside them are left out
// (a national or regional file used for part of it), rows inside them must name a known commune.
std::set<std::string> departements_of(const std::vector<Commune>& C) {
  std::set<std::string> deps;
  for (const auto& c : C) deps.insert(c.departement);
  return deps;
}

// ARCEP communes: dwellings, business sites, zones, rural and mountain flags.
void read_arcep_communes(Import& I) {
  const OpenDataFiles& files = I.files;
  const Parameters& P = I.P;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  auto& by_code = I.by_code;
  // ---- ARCEP communes: dwellings, business sites, zones, rural and mountain flags -----------
  {
    if (files.arcep_communes.empty())
      throw InputError("scenario", 0, "arcep_communes", "no ARCEP communes file given");
    const auto t = read_csv(files.arcep_communes, ',', 4);
    prov.files.push_back(t.file);
    const int c_code = t.column("Code commune"), c_dep = t.column("Code département"),
              c_log = t.column("Logements"), c_eta = t.column("Établissements"),
              c_eng = t.column("Engagements L. 33-13"),
              c_int = t.column("Intentions privées hors engagement L. 33-13"),
              c_rur = t.column("Commune rurale"), c_mnt = t.column("Commune de montagne");
    const Zone private_zone = P.opendata.l3313_zone == param::L3313Zone::Amii ? Zone::Amii : Zone::Amel;
    const std::set<std::string> deps = departements_of(C);
    std::set<std::string> seen;
    std::int64_t outside = 0;
    for (const auto& row : t.rows) {
      const std::string code = trim(t.cell(row, c_code));
      auto it = by_code.find(code);
      const std::string row_dep = trim(t.cell(row, c_dep)).empty() ? departement_of_code(code) : trim(t.cell(row, c_dep));
      if (it == by_code.end() && !deps.count(row_dep)) {
        ++outside;  // a wider file than the region: a département without polygons is left out
        continue;
      }
      if (it == by_code.end())
        throw InputError(t.file, row.line, "Code commune", fmt::format("unknown commune code '{}' (not in the polygon files)", code));
      if (!seen.insert(code).second)
        throw InputError(t.file, row.line, "Code commune", fmt::format("commune {} appears twice", code));
      Commune& c = C[it->second];
      const std::string dep = trim(t.cell(row, c_dep));
      if (!dep.empty() && dep != c.departement)
        throw InputError(t.file, row.line, "Code département",
                         fmt::format("'{}' does not match commune {}", dep, code));
      c.dwellings = parse_count(t.cell(row, c_log), t.file, row.line, "Logements").value_or(0);
      c.business_sites = parse_count(t.cell(row, c_eta), t.file, row.line, "Établissements").value_or(0);
      const bool committed = !trim(t.cell(row, c_eng)).empty() && trim(t.cell(row, c_eng)) != "-";
      const bool intention = !trim(t.cell(row, c_int)).empty() && trim(t.cell(row, c_int)) != "-";
      c.zone = (committed || intention) ? private_zone : Zone::Rip;
      if (committed || intention)
        c.ftth_plan = FtthPlan{int(P.opendata.private_ftth_year), committed ? "private (L.33-13)" : "private (intention)"};
      c.rural = parse_count(t.cell(row, c_rur), t.file, row.line, "Commune rurale").value_or(0) > 0;
      c.mountain = parse_count(t.cell(row, c_mnt), t.file, row.line, "Commune de montagne").value_or(0) > 0;
    }
    for (const auto& c : C)
      if (!seen.count(c.code))
        throw InputError(t.file, 0, "Code commune", fmt::format("commune {} ({}) of the polygon files is missing", c.code, c.name));
    prov.derived.push_back(fmt::format("zones (L.33-13 commitment or private intention -> {}, otherwise rip)",
                                       io::spell(P.opendata.l3313_zone)));
    if (outside > 0)
      prov.derived.push_back(fmt::format("{}: {} rows of départements without commune polygons left out", t.file, outside));
    if (private_zone == Zone::Amii) prov.missing.push_back("zones.amel");
  }

}

// ARCEP FttH per commune: premises passed at the latest quarter.
void read_arcep_ftth(Import& I) {
  const OpenDataFiles& files = I.files;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  auto& by_code = I.by_code;
  // ---- ARCEP FttH per commune: premises passed at the latest quarter -------------------------
  if (!files.arcep_ftth.empty()) {
    const auto t = read_csv(files.arcep_ftth, ',', 4);
    prov.files.push_back(t.file);
    const int c_code = t.column("Code commune"), c_field = t.column("Champ");
    const int c_last = int(t.header.size()) - 1;
    const std::string quarter = trim(t.header[c_last]);
    const std::set<std::string> deps = departements_of(C);
    std::set<std::string> seen;
    for (const auto& row : t.rows) {
      if (trim(t.cell(row, c_field)) != "Locaux Raccordables") continue;
      const std::string code = trim(t.cell(row, c_code));
      auto it = by_code.find(code);
      if (it == by_code.end() && !deps.count(departement_of_code(code))) continue;  // outside the region's départements
      if (it == by_code.end())
        throw InputError(t.file, row.line, "Code commune", fmt::format("unknown commune code '{}'", code));
      if (!seen.insert(code).second)
        throw InputError(t.file, row.line, "Code commune", fmt::format("commune {} appears twice", code));
      C[it->second].ftth_passed = parse_count(t.cell(row, c_last), t.file, row.line, quarter).value_or(0);
    }
    prov.derived.push_back(fmt::format("bands.ftth = FttH premises passed at {} capped at dwellings + business sites", quarter));
    if (const Date d = quarter_end_date(quarter); is_valid(d)) prov.state_date = to_string(d);
  } else {
    prov.missing.push_back("ftth_premises");
  }
}

// Bands of the non-FttH premises: shares by rural flag (opendata.band_shares_*).
void derive_bands(Import& I) {
  const Parameters& P = I.P;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  // bands of the non-FttH premises: shares by rural flag (parameters opendata.band_shares_*)
  {
    const auto& urban = P.opendata.band_shares_urban;
    const auto& rural = P.opendata.band_shares_rural;
    for (const auto* s : {&urban, &rural}) {
      double sum = 0;
      for (double v : *s) sum += v;
      if (std::abs(sum - 1.0) > 1e-9)
        throw ValidationError("parameter opendata.band_shares_*", "opendata.band_shares_*", "the shares must sum to 1");
    }
    for (auto& c : C) {
      const std::int64_t ftth = std::min(c.ftth_passed, c.premises());
      const std::int64_t rest = c.premises() - ftth;
      const auto& sh = c.rural ? rural : urban;
      // largest remainder split of `rest`
      std::array<std::int64_t, 4> v{};
      std::array<std::pair<double, int>, 4> rem{};
      std::int64_t given = 0;
      for (int b = 0; b < 4; ++b) {
        double exact = double(rest) * sh[b];
        v[b] = std::int64_t(std::floor(exact));
        given += v[b];
        rem[b] = {exact - double(v[b]), b};
      }
      std::stable_sort(rem.begin(), rem.end(), [](auto& x, auto& y) { return x.first > y.first; });
      for (int k = 0; given < rest; ++k, ++given) v[rem[k % 4].second] += 1;
      for (int b = 0; b < 4; ++b) c.premises_by_band[b] = v[b];
      c.premises_by_band[int(Band::Ftth)] = ftth;
    }
    prov.derived.push_back("bands below 3 / 3-8 / 8-30 / >= 30 of non-FttH premises (opendata.band_shares_urban / _rural by the ARCEP rural flag)");
  }

}

// The INSEE mergers since 2018 (none without the file): 2018 code -> successor.
std::unordered_map<std::string, std::string> read_mergers(Import& I) {
  const OpenDataFiles& files = I.files;
  auto& prov = I.region.provenance;
  std::unordered_map<std::string, std::string> next;
  if (!files.insee_mergers.empty()) {
    auto m = read_csv(files.insee_mergers, ',', 0);
    prov.files.push_back(m.file);
    const int c_date = m.column("DATE_EFF"), c_av = m.column("COM_AV"), c_ap = m.column("COM_AP"),
              c_tap = m.column("TYPECOM_AP");
    std::vector<const CsvRow*> rows;
    for (const auto& r : m.rows) rows.push_back(&r);
    std::stable_sort(rows.begin(), rows.end(), [&](auto* a, auto* b) {
      return trim(m.cell(*a, c_date)) < trim(m.cell(*b, c_date));
    });
    for (const auto* r : rows) {
      const std::string av = trim(m.cell(*r, c_av)), ap = trim(m.cell(*r, c_ap));
      if (av.size() != 5) throw InputError(m.file, r->line, "COM_AV", fmt::format("'{}' is not an INSEE code", av));
      if (ap.size() != 5) throw InputError(m.file, r->line, "COM_AP", fmt::format("'{}' is not an INSEE code", ap));
      if (trim(m.cell(*r, c_tap)) == "COM" && av != ap) next[av] = ap;
    }
  }
  return next;
}

// INSEE populations, through the mergers since 2018.
void read_populations(Import& I) {
  const OpenDataFiles& files = I.files;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  auto& current_code = I.current_code;
  auto& current_name = I.current_name;
  // ---- INSEE populations, through the mergers since 2018 ---------------------------------------
  if (!files.insee_population.empty()) {
    const auto next = read_mergers(I);  // 2018 code -> successor
    auto current_of = [&](std::string code) {
      std::set<std::string> seen;
      while (next.count(code) && seen.insert(code).second) code = next.at(code);
      return code;
    };
    std::map<std::string, std::vector<int>> members;  // current code -> 2018 communes
    for (std::size_t i = 0; i < C.size(); ++i) {
      current_code.push_back(current_of(C[i].code));
      members[current_code.back()].push_back(int(i));
    }
    std::set<std::string> deps;
    for (const auto& c : C) deps.insert(c.departement);

    auto t = read_csv(files.insee_population, ';', 0);
    prov.files.push_back(t.file);
    const int c_com = t.column("COM"), c_pmun = t.column("PMUN"), c_dep = t.column("DEP"),
              c_name = t.column("Commune");
    std::set<std::string> seen;
    for (const auto& row : t.rows) {
      const std::string code = trim(t.cell(row, c_com));
      const std::string dep = trim(t.cell(row, c_dep));
      const auto pop = parse_count(t.cell(row, c_pmun), t.file, row.line, "PMUN");
      if (!pop) throw InputError(t.file, row.line, "PMUN", "empty population");
      auto it = members.find(code);
      if (it == members.end()) {
        if (deps.count(dep))
          throw InputError(t.file, row.line, "COM",
                           fmt::format("unknown commune code '{}': no commune of the polygon files maps to it", code));
        continue;  // another region's commune in a national file
      }
      if (!seen.insert(code).second) throw InputError(t.file, row.line, "COM", fmt::format("commune {} appears twice", code));
      current_name[code] = trim(t.cell(row, c_name));
      // split among the 2018 communes it merged, in proportion to dwellings (largest remainder)
      const auto& mem = it->second;
      std::int64_t dw = 0;
      for (int i : mem) dw += C[i].dwellings;
      std::vector<std::pair<double, int>> rem;
      std::int64_t given = 0;
      for (int i : mem) {
        double exact = dw > 0 ? double(*pop) * double(C[i].dwellings) / double(dw) : double(*pop) / double(mem.size());
        C[i].population = std::int64_t(std::floor(exact));
        given += C[i].population;
        rem.emplace_back(exact - std::floor(exact), i);
      }
      std::stable_sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first > b.first; });
      for (std::size_t k = 0; given < *pop; ++k, ++given) C[rem[k % rem.size()].second].population += 1;
    }
    for (const auto& [code, mem] : members)
      if (!seen.count(code))
        throw InputError(t.file, 0, "COM", fmt::format("no population for commune {} ({})", code, C[mem.front()].name));
    prov.derived.push_back("population of 2018 communes merged since: the current commune's PMUN split by dwellings");
  } else {
    prov.missing.push_back("population");
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

// What the files cannot give, and the départements present (named by their code).
void record_provenance_and_departements(Import& I) {
  const Parameters& P = I.P;
  Region& region = I.region;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  prov.missing.push_back("phase2");
  prov.missing.push_back("thd_radio");
  prov.derived.push_back(fmt::format("FttH plan of the private zone: year {} (opendata.private_ftth_year); public communes: none (the roll-out plans them)",
                                     P.opendata.private_ftth_year));
  prov.missing.push_back("mobile.coverage_by_operator");
  prov.missing.push_back("mobile.white_zone_premises");
  prov.missing.push_back("network");

  // départements present, named by their code (the files carry no département names)
  std::set<std::string> deps;
  for (const auto& c : C) deps.insert(c.departement);
  for (const auto& d : deps) region.departements.push_back(Departement{d, "Département " + d, "RIP " + d, {}});

}

// INSEE COG départements (optional): each département's name and chef-lieu (préfecture).
void read_departements(Import& I) {
  if (I.files.insee_departements.empty()) return;
  const auto t = read_csv(I.files.insee_departements, ',', 0);
  I.region.provenance.files.push_back(t.file);
  const int c_dep = t.column("DEP"), c_chef = t.column("CHEFLIEU"), c_name = t.column("LIBELLE");
  for (const auto& row : t.rows)
    for (auto& d : I.region.departements)
      if (d.code == trim(t.cell(row, c_dep))) {
        const std::string chef = trim(t.cell(row, c_chef)), name = trim(t.cell(row, c_name));
        if (chef.empty()) throw InputError(t.file, row.line, "CHEFLIEU", "empty chef-lieu");
        if (!name.empty()) d.name = name;
        d.prefecture_commune = chef;
      }
}

// opendata.geography = "current": the 2018 communes merged into their current commune.
void merge_to_current_geography(Import& I) {
  const Parameters& P = I.P;
  const Projection& proj = I.proj;
  Region& region = I.region;
  auto& prov = I.region.provenance;
  auto& C = I.region.communes;
  auto& geoms = I.geoms;
  auto& current_code = I.current_code;
  auto& current_name = I.current_name;
  if (P.opendata.geography == param::Geography::Current) {
    if (current_code.empty())
      throw ValidationError("parameter opendata.geography", "opendata.geography",
                            "'current' needs the INSEE population and mergers files");
    // Merge the 2018 communes into their current commune: counts add up, the polygon is the
    // union, the zone and flags are those of the member with the most premises.
    std::map<std::string, std::vector<int>> groups;
    for (std::size_t i = 0; i < C.size(); ++i) groups[current_code[i]].push_back(int(i));
    std::vector<Commune> merged;
    std::unordered_map<std::string, std::string> remap;
    for (const auto& [code, mem] : groups) {
      int lead = mem.front();
      for (int i : mem) if (C[i].premises() > C[lead].premises()) lead = i;
      Commune m = C[lead];
      m.code = code;
      m.name = current_name.count(code) ? current_name.at(code) : C[lead].name;
      m.departement = (code.rfind("97", 0) == 0) ? code.substr(0, 3) : code.substr(0, 2);
      m.population = m.dwellings = m.business_sites = m.ftth_passed = 0;
      m.premises_by_band = {};
      std::unique_ptr<OGRGeometry> u;
      for (int i : mem) {
        m.population += C[i].population;
        m.dwellings += C[i].dwellings;
        m.business_sites += C[i].business_sites;
        m.ftth_passed += C[i].ftth_passed;
        for (int b = 0; b < kBandCount; ++b) m.premises_by_band[b] += C[i].premises_by_band[b];
        u.reset(u ? u->Union(geoms[i].get()) : geoms[i]->clone());
        remap[C[i].code] = code;
      }
      OGRPoint centroid;
      if (u && u->Centroid(&centroid) == OGRERR_NONE) m.centroid = proj.from_wgs84(centroid.getX(), centroid.getY());
      if (u) m.polygons = rings_of(u.get());
      merged.push_back(std::move(m));
    }
    C = std::move(merged);
    for (auto& h : region.high_points) h.commune = remap.at(h.commune);
    prov.geography = "current";
  }
}

}  // namespace

Region import_opendata(const OpenDataFiles& files, const Parameters& P) {
  static GdalInit gdal_init;
  Import I{files, P, {}, {}, {}, {}, {}, {}};
  I.region.name = "opendata";
  I.region.provenance.source = "opendata";
  I.region.provenance.geography = "2018";
  read_commune_polygons(I);
  read_arcep_communes(I);
  read_arcep_ftth(I);
  derive_bands(I);
  read_populations(I);
  read_mobile_sites(I);
  record_provenance_and_departements(I);
  read_departements(I);
  if (P.opendata.geography == param::Geography::Current) merge_to_current_geography(I);
  validate(I.region);
  return std::move(I.region);
}

}  // namespace dorsale::scenarios
