#include "scenarios/gracethd.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "models/error.h"
#include "models/gracethd.h"
#include "scenarios/projection.h"

namespace fs = std::filesystem;

namespace dorsale::scenarios {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

std::string trim(const char* s) {
  std::string t(s ? s : "");
  const auto b = t.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = t.find_last_not_of(" \t\r\n");
  return t.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A number of a text field: nullopt when empty; throws std::invalid_argument when not a number.
std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', '.');  // "12,5": a French decimal comma
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0' || !std::isfinite(v)) throw std::invalid_argument("not a number");
  return v;
}

std::optional<long> whole(const std::string& s) {
  const auto v = number(s);
  if (!v) return std::nullopt;
  if (*v != std::floor(*v) || std::fabs(*v) > 1e9) throw std::invalid_argument("not a whole number");
  return long(*v);
}

// Made once and never destroyed: no OSR object outlives PROJ's context at exit.
const OGRSpatialReference& lambert93() {
  static const OGRSpatialReference* srs = [] {
    auto* s = new OGRSpatialReference;
    s->importFromEPSG(2154);
    s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
  }();
  return *srs;
}

// One table of the delivery, opened for reading.
struct TableIn {
  std::string table;  // "t_cable"
  std::string file;   // what errors name
  bool csv = false;   // rows are file lines after the header
  OGRLayer* layer = nullptr;
  std::unique_ptr<OGRCoordinateTransformation> to_l93;  // null when already Lambert-93
  std::unordered_map<std::string, int> index;

  explicit operator bool() const { return layer != nullptr; }

  void prepare() {
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) index.emplace(lower(d->GetFieldDefn(i)->GetNameRef()), i);
  }
  int field(const std::string& name, bool required) const {
    const auto it = index.find(name);
    if (it != index.end()) return it->second;
    if (required)
      throw InputError(file, 0, name, fmt::format("table {} has no field {} (GraceTHD v2.0.1 field list)", table, name));
    return -1;
  }
  // Reads only these fields (and the geometry when `geometry`): GDAL then skips the others,
  // most of a GraceTHD record.
  void only(std::initializer_list<int> fields, bool geometry) const {
    std::vector<std::string> ignored;
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
      if (std::find(fields.begin(), fields.end(), i) == fields.end()) ignored.push_back(d->GetFieldDefn(i)->GetNameRef());
    if (!geometry) ignored.push_back("OGR_GEOMETRY");
    std::vector<const char*> list;
    for (const auto& n : ignored) list.push_back(n.c_str());
    list.push_back(nullptr);
    layer->SetIgnoredFields(list.data());
  }
  long line(long row) const { return csv ? row + 1 : row; }
  [[noreturn]] void fail(long row, const std::string& code, const std::string& field, const std::string& what) const {
    throw InputError(file, line(row), field,
                     fmt::format("table {}, row {}: {}", table, code.empty() ? std::string("with no code") : "'" + code + "'", what));
  }
  // Geometry in Lambert-93 (a clone), or null.
  std::unique_ptr<OGRGeometry> geometry(OGRFeature& f) const {
    const OGRGeometry* g = f.GetGeometryRef();
    if (!g || g->IsEmpty()) return nullptr;
    std::unique_ptr<OGRGeometry> c(g->clone());
    if (to_l93 && c->transform(to_l93.get()) != OGRERR_NONE) return nullptr;
    return c;
  }
};

std::string text(OGRFeature& f, int i) {
  if (i < 0 || !f.IsFieldSetAndNotNull(i)) return "";
  return trim(f.GetFieldAsString(i));
}

double line_length_m(const OGRGeometry* g) {
  if (!g) return 0;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbLineString: return g->toLineString()->get_Length();
    case wkbMultiLineString: return g->toMultiLineString()->get_Length();
    default: return 0;
  }
}

// The tables of a delivery folder or a GeoPackage.
class Delivery {
 public:
  explicit Delivery(const std::string& path) : path_(path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      format_ = "gracethd-shpcsv";
      for (const auto& e : fs::directory_iterator(path, ec)) {
        if (!e.is_regular_file(ec)) continue;
        const std::string ext = lower(e.path().extension().string());
        const std::string stem = lower(e.path().stem().string());
        if (ext != ".shp" && ext != ".csv") continue;
        auto it = files_.find(stem);
        if (it == files_.end() || ext == ".shp") files_[stem] = e.path();  // a Shapefile wins over a CSV
      }
      return;
    }
    format_ = "gracethd-gpkg";
    const char* drivers[] = {"GPKG", nullptr};
    gpkg_.reset(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
    if (!gpkg_) throw InputError(path, 0, "", "cannot be opened as a GeoPackage nor is it a delivery folder");
  }

  const std::string& format() const { return format_; }

  TableIn open(const std::string& table, bool required) {
    TableIn t;
    t.table = table;
    if (gpkg_) {
      t.file = path_;
      t.layer = gpkg_->GetLayerByName(table.c_str());
    } else {
      const auto it = files_.find(table);
      if (it != files_.end()) {
        t.file = it->second.string();
        t.csv = lower(it->second.extension().string()) == ".csv";
        const char* shp[] = {"ESRI Shapefile", nullptr};
        const char* csv[] = {"CSV", nullptr};
        DatasetPtr ds(static_cast<GDALDataset*>(
            GDALOpenEx(t.file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, t.csv ? csv : shp, nullptr, nullptr)));
        if (!ds || ds->GetLayerCount() < 1) throw InputError(t.file, 0, "", fmt::format("table {}: cannot be read: {}", table, CPLGetLastErrorMsg()));
        t.layer = ds->GetLayer(0);
        opened_.push_back(std::move(ds));
      }
    }
    if (!t.layer) {
      if (required)
        throw InputError(path_, 0, table,
                         gpkg_ ? fmt::format("missing required table {}: the GeoPackage has no layer {}", table, table)
                               : fmt::format("missing required table {}: the folder has neither {}.shp nor {}.csv", table, table, table));
      return t;
    }
    t.prepare();
    const auto& spec = gracethd::table(table);
    if (spec.shapefile()) {
      const OGRSpatialReference* srs = t.layer->GetSpatialRef();
      if (!srs)
        throw InputError(t.file, 0, gpkg_ ? "srs" : ".prj",
                         gpkg_ ? fmt::format("table {}: the layer has no coordinate system; GraceTHD geometries are Lambert-93 (EPSG:2154)", table)
                               : fmt::format("table {}: the Shapefile has no .prj, so its coordinates cannot be placed; GraceTHD "
                                             "deliveries are in Lambert-93 (EPSG:2154): add the .prj",
                                             table));
      const char* same[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
      if (!srs->IsSame(&lambert93(), same)) {
        OGRSpatialReference from(*srs);
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        t.to_l93.reset(OGRCreateCoordinateTransformation(&from, &lambert93()));
        if (!t.to_l93)
          throw InputError(t.file, 0, gpkg_ ? "srs" : ".prj", fmt::format("table {}: its coordinate system cannot be converted to Lambert-93", table));
      }
    }
    return t;
  }

 private:
  std::string path_, format_;
  std::map<std::string, fs::path> files_;  // table name (lower case) -> .shp or .csv
  DatasetPtr gpkg_;
  std::vector<DatasetPtr> opened_;
};

// Rows left out, grouped by table and reason.
class Dropped {
 public:
  void add(const std::string& table, const std::string& why, const std::string& code) {
    const std::string key = table + '\n' + why;
    auto it = index_.find(key);
    if (it == index_.end()) {
      it = index_.emplace(key, rows_.size()).first;
      rows_.push_back({table, why, 0, {}});
    }
    auto& r = rows_[it->second];
    ++r.count;
    if (r.examples.size() < 5) r.examples.push_back(code);
  }
  std::vector<DroppedRows> take() { return std::move(rows_); }

 private:
  std::vector<DroppedRows> rows_;
  std::unordered_map<std::string, std::size_t> index_;
};

struct NodeIn {
  std::string code, name, owner;
  Position pos;
  NodeKind kind = NodeKind::Junction;
  int rank = -1;  // site_type_rank of the site that gave the kind; -1: no site
  bool used = false;
  int index = -1;  // in the network
};

struct CableIn {
  std::string code, owner, corridor;
  int a = -1, b = -1;
  int pairs_total = 0, pairs_free = 0;
  LinkStatus status = LinkStatus::Owned;
  bool dorsale = false;
  double lgreel_m = 0, cableline_m = 0;
  std::vector<int> cheminements;
  bool kept = true;
};

struct CheminementIn {
  std::string code, voie;
  double length_m = 0;
  bool aerial = false, exists = true;
  int carriers = 0;
};

class Importer {
 public:
  Importer(const std::string& path, const Parameters& P) : d_(path), P_(P) { out_.info.source = path; out_.info.format = d_.format(); }

  NetworkImport run() {
    read_organisations();
    read_nodes();
    read_sites();
    read_emission_sites();
    read_cables();
    read_cheminements();
    read_cablelines();
    build();
    return std::move(out_);
  }

 private:
  std::string organisation(const std::string& code) const {
    const auto it = org_.find(code);
    return it == org_.end() || it->second.empty() ? code : it->second;
  }

  int node_of(const TableIn& T, long row, const std::string& code, const std::string& field, const std::string& nd) const {
    const auto it = node_ix_.find(nd);
    if (it == node_ix_.end())
      T.fail(row, code, field, nd.empty() ? "no node given" : fmt::format("unknown node '{}' (no t_noeud row has this nd_code)", nd));
    return it->second;
  }

  void read_organisations() {
    TableIn T = d_.open("t_organisme", false);
    if (!T) return;
    const int code = T.field("or_code", true), name = T.field("or_nom", false);
    T.only({code, name}, false);
    for (auto& f : *T.layer) org_.emplace(text(*f, code), text(*f, name));
  }

  void read_nodes() {
    TableIn T = d_.open("t_noeud", true);
    const int code = T.field("nd_code", true), name = T.field("nd_nom", false);
    T.only({code, name}, true);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      NodeIn n;
      n.code = text(*f, code);
      if (n.code.empty()) T.fail(row, "", "nd_code", "empty code");
      if (!node_ix_.emplace(n.code, int(nodes_.size())).second) T.fail(row, n.code, "nd_code", "duplicate nd_code");
      n.name = text(*f, name);
      const auto g = T.geometry(*f);
      if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) T.fail(row, n.code, "geometry", "no point: a node needs its position");
      const auto* p = g->toPoint();
      if (!std::isfinite(p->getX()) || !std::isfinite(p->getY()) || std::fabs(p->getX()) > kMaxProjectedCoordinate ||
          std::fabs(p->getY()) > kMaxProjectedCoordinate)
        T.fail(row, n.code, "geometry", fmt::format("({}, {}) is not a Lambert-93 position", p->getX(), p->getY()));
      n.pos.x = p->getX();
      n.pos.y = p->getY();
      nodes_.push_back(std::move(n));
    }
  }

  void read_sites() {
    TableIn T = d_.open("t_sitetech", false);
    if (!T) return;
    const int code = T.field("st_code", true), nd = T.field("st_nd_code", true), type = T.field("st_typelog", true);
    const int name = T.field("st_nom", false), prop = T.field("st_prop", false), avct = T.field("st_avct", false);
    T.only({code, nd, type, name, prop, avct}, false);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      const std::string c = text(*f, code);
      NodeIn& n = nodes_[node_of(T, row, c, "st_nd_code", text(*f, nd))];
      const std::string t = upper(text(*f, type));
      if (!gracethd::is_code(gracethd::site_type_log_codes(), t))
        T.fail(row, c, "st_typelog", fmt::format("'{}' is not a code of l_site_type_log (NRO, SRO, HEBERG, CLIENT, ...)", t));
      const std::string av = upper(text(*f, avct));
      check_avancement(T, row, c, "st_avct", av);
      if (av == "H" || av == "A") {
        dropped_.add("t_sitetech", av == "H" ? "out of service (st_avct H): its node gets no site kind"
                                             : "abandoned (st_avct A): its node gets no site kind", c);
        continue;
      }
      const int rank = gracethd::site_type_rank(t);
      if (rank > n.rank) {
        n.rank = rank;
        n.kind = gracethd::kind_of_site_type(t);
      }
      if (n.name.empty()) n.name = text(*f, name);
      if (n.owner.empty()) n.owner = organisation(text(*f, prop));
    }
  }

  void read_emission_sites() {
    TableIn T = d_.open("t_siteemission", false);
    if (!T) return;
    const int code = T.field("se_code", true), nd = T.field("se_nd_code", true);
    const int anfr = T.field("se_anfr", false), haut = T.field("se_haut", false), prop = T.field("se_prop", false);
    T.only({code, nd, anfr, haut, prop}, false);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      const std::string c = text(*f, code);
      const int ni = node_of(T, row, c, "se_nd_code", text(*f, nd));
      NodeIn& n = nodes_[ni];
      HighPoint h;
      h.id = text(*f, anfr).empty() ? c : text(*f, anfr);
      try {
        h.height_m = number(text(*f, haut)).value_or(0);
      } catch (const std::invalid_argument&) {
        T.fail(row, c, "se_haut", fmt::format("'{}' is not a height in metres", text(*f, haut)));
      }
      if (h.height_m < 0) T.fail(row, c, "se_haut", "negative height");
      h.pos = n.pos;
      h.existing = true;
      if (n.rank < 1) {  // a site of the access network or none: the mast defines the node
        n.rank = 0;
        n.kind = NodeKind::HighPoint;
      }
      if (n.owner.empty()) n.owner = organisation(text(*f, prop));
      hp_node_.push_back(ni);
      out_.high_points.push_back(std::move(h));
    }
  }

  static void check_avancement(const TableIn& T, long row, const std::string& code, const char* field, const std::string& v) {
    if (!v.empty() && !gracethd::is_code(gracethd::avancement_codes(), v))
      T.fail(row, code, field, fmt::format("'{}' is not a code of l_avancement (E, C, T, S, H, A)", v));
  }

  void read_cables() {
    TableIn T = d_.open("t_cable", true);
    const int code = T.field("cb_code", true), nd1 = T.field("cb_nd1", true), nd2 = T.field("cb_nd2", true);
    const int capa = T.field("cb_capafo", true), util = T.field("cb_fo_util", false), disp = T.field("cb_fo_disp", false);
    const int avct = T.field("cb_avct", false), proptyp = T.field("cb_proptyp", false), prop = T.field("cb_prop", false);
    const int tech = T.field("cb_tech", false), lgreel = T.field("cb_lgreel", false), r1 = T.field("cb_r1_code", false);
    T.only({code, nd1, nd2, capa, util, disp, avct, proptyp, prop, tech, lgreel, r1}, false);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      CableIn c;
      c.code = text(*f, code);
      if (c.code.empty()) T.fail(row, "", "cb_code", "empty code");
      if (!cable_ix_.emplace(c.code, int(cables_.size())).second) T.fail(row, c.code, "cb_code", "duplicate cb_code");
      c.a = node_of(T, row, c.code, "cb_nd1", text(*f, nd1));
      c.b = node_of(T, row, c.code, "cb_nd2", text(*f, nd2));
      const std::string av = upper(text(*f, avct)), pt = upper(text(*f, proptyp));
      check_avancement(T, row, c.code, "cb_avct", av);
      if (!pt.empty() && !gracethd::is_code(gracethd::propriete_codes(), pt))
        T.fail(row, c.code, "cb_proptyp", fmt::format("'{}' is not a code of l_propriete_type (CST, RAC, CES, IRU, LOC, OCC)", pt));
      auto count = [&](int col, const char* field) -> std::optional<long> {
        try {
          const auto v = whole(text(*f, col));
          if (v && *v < 0) T.fail(row, c.code, field, fmt::format("negative capacity ({} fibres)", *v));
          return v;
        } catch (const std::invalid_argument&) {
          T.fail(row, c.code, field, fmt::format("'{}' is not a number of fibres", text(*f, col)));
        }
      };
      const auto fibres = count(capa, "cb_capafo"), used = count(util, "cb_fo_util"), free = count(disp, "cb_fo_disp");
      if (fibres && used && *used > *fibres)
        T.fail(row, c.code, "cb_fo_util", fmt::format("{} fibres used is above the {} fibres of the cable (cb_capafo)", *used, *fibres));
      if (fibres && free && *free > *fibres)
        T.fail(row, c.code, "cb_fo_disp", fmt::format("{} free fibres is above the {} fibres of the cable (cb_capafo)", *free, *fibres));
      try {
        c.lgreel_m = number(text(*f, lgreel)).value_or(0);
      } catch (const std::invalid_argument&) {
        T.fail(row, c.code, "cb_lgreel", fmt::format("'{}' is not a length in metres", text(*f, lgreel)));
      }
      if (c.lgreel_m < 0) T.fail(row, c.code, "cb_lgreel", "negative length");
      const std::string te = upper(text(*f, tech));
      // rows left out: checked after the fields, so a bad value is reported even on them
      std::string why;
      if (av == "H") why = "out of service (cb_avct H)";
      else if (av == "A") why = "abandoned (cb_avct A)";
      else if (!te.empty() && te != "OPT") why = fmt::format("not an optical cable (cb_tech {})", te);
      else if (!fibres) why = "no capacity (cb_capafo empty)";
      else if (c.a == c.b) why = "both ends on one node (a cable inside one site)";
      if (!why.empty()) {
        dropped_.add("t_cable", why, c.code);
        c.kept = false;
        cables_.push_back(std::move(c));
        continue;
      }
      long free_fibres = *fibres - used.value_or(0);
      if (free) free_fibres = std::min(free_fibres, *free);
      if (!used && !free) ++usage_unknown_;
      c.pairs_total = int(*fibres / 2);
      c.pairs_free = int(std::min<long>(c.pairs_total, free_fibres / 2));
      c.status = gracethd::avancement_planned(av) ? LinkStatus::Planned
                 : gracethd::propriete_leased(pt) ? LinkStatus::Leased
                                                  : LinkStatus::Owned;
      c.owner = organisation(text(*f, prop));
      c.dorsale = upper(text(*f, r1)) == gracethd::kDorsaleNetworkCode;
      cables_.push_back(std::move(c));
    }
  }

  // t_cab_cond -> t_conduite (and its parent ducts) -> t_cond_chem -> t_cheminement.
  void read_cheminements() {
    std::unordered_map<std::string, int> cm_ix;
    if (TableIn T = d_.open("t_cheminement", false)) {
      const int code = T.field("cm_code", true), lg = T.field("cm_long", false), reel = T.field("cm_lgreel", false);
      const int imp = T.field("cm_typ_imp", false), avct = T.field("cm_avct", false), voie = T.field("cm_voie", false);
      T.only({code, lg, reel, imp, avct, voie}, true);
      long row = 0;
      for (auto& f : *T.layer) {
        ++row;
        CheminementIn cm;
        cm.code = text(*f, code);
        if (cm.code.empty()) T.fail(row, "", "cm_code", "empty code");
        if (!cm_ix.emplace(cm.code, int(chem_.size())).second) T.fail(row, cm.code, "cm_code", "duplicate cm_code");
        double m = 0;
        for (auto [col, field] : {std::pair{reel, "cm_lgreel"}, std::pair{lg, "cm_long"}}) {
          try {
            const double v = number(text(*f, col)).value_or(0);
            if (v < 0) T.fail(row, cm.code, field, "negative length");
            if (m <= 0) m = v;
          } catch (const std::invalid_argument&) {
            T.fail(row, cm.code, field, fmt::format("'{}' is not a length in metres", text(*f, col)));
          }
        }
        if (m <= 0) m = line_length_m(T.geometry(*f).get());
        cm.length_m = m;
        const std::string ti = text(*f, imp);
        if (!ti.empty() && !gracethd::is_code(gracethd::implantation_codes(), ti))
          T.fail(row, cm.code, "cm_typ_imp", fmt::format("'{}' is not a code of l_implantation_type (0 to 9)", ti));
        cm.aerial = gracethd::implantation_aerial(ti);
        const std::string av = upper(text(*f, avct));
        check_avancement(T, row, cm.code, "cm_avct", av);
        cm.exists = !gracethd::avancement_planned(av);
        cm.voie = text(*f, voie);
        chem_.push_back(std::move(cm));
      }
    }
    std::unordered_map<std::string, std::vector<int>> in_duct;  // cd_code -> cheminements
    if (TableIn T = d_.open("t_cond_chem", false)) {
      const int cd = T.field("dm_cd_code", true), cm = T.field("dm_cm_code", true);
      T.only({cd, cm}, false);
      long row = 0;
      for (auto& f : *T.layer) {
        ++row;
        const std::string d = text(*f, cd), c = text(*f, cm);
        const auto it = cm_ix.find(c);
        if (it == cm_ix.end()) T.fail(row, d, "dm_cm_code", fmt::format("unknown cheminement '{}' (no t_cheminement row has this cm_code)", c));
        in_duct[d].push_back(it->second);
      }
    }
    std::unordered_map<std::string, std::string> parent;  // cd_code -> cd_cd_code
    bool have_ducts = false;
    if (TableIn T = d_.open("t_conduite", false)) {
      have_ducts = true;
      const int cd = T.field("cd_code", true), up = T.field("cd_cd_code", false);
      T.only({cd, up}, false);
      for (auto& f : *T.layer) parent.emplace(text(*f, cd), text(*f, up));
    }
    TableIn T = d_.open("t_cab_cond", false);
    if (!T) return;
    const int cb = T.field("cc_cb_code", true), cd = T.field("cc_cd_code", true);
    T.only({cb, cd}, false);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      const std::string b = text(*f, cb);
      std::string d = text(*f, cd);
      const auto it = cable_ix_.find(b);
      if (it == cable_ix_.end()) T.fail(row, b, "cc_cb_code", fmt::format("unknown cable '{}' (no t_cable row has this cb_code)", b));
      if (have_ducts && !parent.count(d))
        T.fail(row, b, "cc_cd_code", fmt::format("unknown conduite '{}' (no t_conduite row has this cd_code)", d));
      auto& list = cables_[it->second].cheminements;
      // a sub-duct without cheminements of its own runs in its parent duct's
      for (int depth = 0; depth < 8 && !d.empty(); ++depth) {
        const auto dc = in_duct.find(d);
        if (dc != in_duct.end()) {
          for (int c : dc->second)
            if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
          break;
        }
        const auto p = parent.find(d);
        d = p == parent.end() ? "" : p->second;
      }
    }
  }

  void read_cablelines() {
    TableIn T = d_.open("t_cableline", false);
    if (!T) return;
    const int code = T.field("cl_code", true), cb = T.field("cl_cb_code", true), lg = T.field("cl_long", false);
    T.only({code, cb, lg}, true);
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      const std::string c = text(*f, code), b = text(*f, cb);
      const auto it = cable_ix_.find(b);
      if (it == cable_ix_.end()) T.fail(row, c, "cl_cb_code", fmt::format("unknown cable '{}' (no t_cable row has this cb_code)", b));
      double m = 0;
      try {
        m = number(text(*f, lg)).value_or(0);
      } catch (const std::invalid_argument&) {
        T.fail(row, c, "cl_long", fmt::format("'{}' is not a length in metres", text(*f, lg)));
      }
      if (m < 0) T.fail(row, c, "cl_long", "negative length");
      if (m <= 0) m = line_length_m(T.geometry(*f).get());
      cables_[it->second].cableline_m += m;
    }
  }

  // Length: cb_lgreel, else the cable's cheminements, else its cablelines, else the straight
  // line x network.rip_detour_factor. Build cost per km: the mean of the cheminements' rates.
  void build() {
    const double detour = P_.network.rip_detour_factor;
    std::vector<double> km(cables_.size(), 0), build_rate(cables_.size(), P_.costs.build_eur_per_km);
    std::vector<double> aerial_share(cables_.size(), 0), duct_share(cables_.size(), 0);
    long straight = 0;
    for (std::size_t i = 0; i < cables_.size(); ++i) {
      auto& c = cables_[i];
      if (!c.kept) continue;
      double chem_m = 0, cost = 0;
      for (int k : c.cheminements) {
        const auto& cm = chem_[k];
        chem_m += cm.length_m;
        cost += cm.length_m * (cm.aerial ? P_.gracethd.aerial_build_eur_per_km
                               : cm.exists ? P_.gracethd.duct_pull_eur_per_km
                                           : P_.costs.build_eur_per_km);
      }
      if (chem_m > 0) {
        build_rate[i] = cost / chem_m;
        double aerial_m = 0, duct_m = 0;
        for (int k : c.cheminements) {
          if (chem_[k].aerial) aerial_m += chem_[k].length_m;
          else if (chem_[k].exists) duct_m += chem_[k].length_m;
        }
        aerial_share[i] = aerial_m / chem_m;
        duct_share[i] = duct_m / chem_m;
      }
      double m = c.lgreel_m > 0 ? c.lgreel_m : chem_m > 0 ? chem_m : c.cableline_m;
      if (m <= 0) {
        m = distance_km(nodes_[c.a].pos, nodes_[c.b].pos) * 1000 * detour;
        if (m > 0) ++straight;
      }
      if (m <= 0) {
        dropped_.add("t_cable", "zero length (no cb_lgreel, cheminement or cableline, and both ends at one place)", c.code);
        c.kept = false;
        continue;
      }
      km[i] = m / 1000;
      for (int k : c.cheminements) ++chem_[k].carriers;
      nodes_[c.a].used = nodes_[c.b].used = true;
    }
    auto& proj = Projection::for_this_thread();
    Network& net = out_.network;
    long left_out = 0;
    for (auto& n : nodes_) {
      if (!n.used && n.rank < 0) {
        dropped_.add("t_noeud", "no kept cable ends at it and it carries no site (a chamber, a pole or a point on a cable's way)",
                     n.code);
        ++left_out;
        continue;
      }
      Node node;
      node.id = n.code;
      node.name = n.name.empty() ? n.code : n.name;
      node.kind = n.kind;
      node.pos = n.pos;
      proj.fill_wgs84(node.pos);
      node.owner = n.owner;
      n.index = net.add_node(std::move(node));
    }
    std::vector<char> in_service(nodes_.size(), 0);
    for (std::size_t i = 0; i < cables_.size(); ++i) {
      const auto& c = cables_[i];
      if (!c.kept) continue;
      Link l;
      l.id = c.code;
      l.length_km = km[i];
      l.owner = c.owner;
      l.dorsale = c.dorsale;
      l.status = c.status;
      l.pairs_total = c.pairs_total;
      l.pairs_used = c.pairs_total - c.pairs_free;
      l.lease_eur_per_pair_km_year = c.status == LinkStatus::Leased ? P_.costs.lease_eur_per_pair_km_year : 0.0;
      l.build_eur_per_km = build_rate[i];
      l.aerial_share = aerial_share[i];
      l.duct_share = duct_share[i];
      l.latency_ms = l.length_km * P_.network.latency_us_per_km / 1000.0;
      std::vector<std::string> groups;
      for (int k : c.cheminements) {
        if (chem_[k].carriers >= 2) groups.push_back(chem_[k].code);
        if (l.corridor.empty()) l.corridor = chem_[k].voie;
      }
      std::sort(groups.begin(), groups.end());
      if (!groups.empty()) {
        l.srg = groups.front();
        l.extra_srgs.assign(groups.begin() + 1, groups.end());
      }
      if (c.status != LinkStatus::Planned) in_service[c.a] = in_service[c.b] = 1;
      net.add_link(std::move(l), nodes_[c.a].code, nodes_[c.b].code);
    }
    for (std::size_t k = 0; k < out_.high_points.size(); ++k) out_.high_points[k].fibred = in_service[hp_node_[k]];
    validate(net);
    if (straight > 0)
      out_.info.derived.push_back(fmt::format(
          "{} cable lengths from the straight line x network.rip_detour_factor ({}): no cb_lgreel, cheminement or cableline", straight, detour));
    if (usage_unknown_ > 0)
      out_.info.derived.push_back(fmt::format("{} cables without cb_fo_util nor cb_fo_disp: all their fibres counted free", usage_unknown_));
    out_.info.dropped = dropped_.take();
    out_.info.totals = network_totals(net);
  }

  Delivery d_;
  const Parameters& P_;
  NetworkImport out_;
  Dropped dropped_;
  std::unordered_map<std::string, std::string> org_;
  std::vector<NodeIn> nodes_;
  std::unordered_map<std::string, int> node_ix_;
  std::vector<int> hp_node_;  // node of each high point
  std::vector<CableIn> cables_;
  std::unordered_map<std::string, int> cable_ix_;
  std::vector<CheminementIn> chem_;
  long usage_unknown_ = 0;
};

// ---- the network layers of a dorsale layers.gpkg (viz/gpkg_writer.cpp) ----

NetworkImport read_layers(const std::string& path, GDALDataset* ds) {
  NetworkImport out;
  out.info.source = path;
  out.info.format = "dorsale-layers";
  auto open = [&](const char* name) {
    TableIn t;
    t.table = name;
    t.file = path;
    t.layer = ds->GetLayerByName(name);
    if (!t.layer) throw InputError(path, 0, name, fmt::format("missing layer {} (a dorsale layers.gpkg has network_nodes and network_links)", name));
    t.prepare();
    return t;
  };
  Network& net = out.network;
  {
    TableIn T = open("network_nodes");
    const int id = T.field("id", true), name = T.field("name", true), kind = T.field("kind", true);
    const int dep = T.field("departement", false), owner = T.field("owner", false);
    auto& proj = Projection::for_this_thread();
    long row = 0;
    for (auto& f : *T.layer) {
      ++row;
      Node n;
      n.id = text(*f, id);
      n.name = text(*f, name);
      const auto k = node_kind_from_key(text(*f, kind));
      if (!k) T.fail(row, n.id, "kind", fmt::format("'{}' is not a node kind", text(*f, kind)));
      n.kind = *k;
      n.departement = text(*f, dep);
      n.owner = text(*f, owner);
      const auto g = T.geometry(*f);
      if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) T.fail(row, n.id, "geometry", "no point");
      n.pos.x = g->toPoint()->getX();
      n.pos.y = g->toPoint()->getY();
      proj.fill_wgs84(n.pos);
      if (net.find_node(n.id)) T.fail(row, n.id, "id", "duplicate node id");
      if (n.id.empty()) T.fail(row, n.id, "id", "empty id");
      net.add_node(std::move(n));
    }
  }
  TableIn T = open("network_links");
  std::map<std::string, int> col;
  for (const char* c : {"id", "from", "to", "owner", "status", "srg", "corridor", "dorsale", "length_km", "pairs_total", "pairs_used",
                        "lease_eur_per_pair_km_year", "build_eur_per_km", "latency_ms"})
    col[c] = T.field(c, true);
  long row = 0;
  for (auto& f : *T.layer) {
    ++row;
    Link l;
    l.id = text(*f, col["id"]);
    l.owner = text(*f, col["owner"]);
    const auto st = link_status_from_key(text(*f, col["status"]));
    if (!st) T.fail(row, l.id, "status", fmt::format("'{}' is not leased, owned or planned", text(*f, col["status"])));
    l.status = *st;
    const std::string srg = text(*f, col["srg"]);
    for (std::size_t pos = 0; pos < srg.size();) {
      std::size_t end = srg.find(';', pos);
      if (end == std::string::npos) end = srg.size();
      const std::string g = srg.substr(pos, end - pos);
      if (!g.empty()) (l.srg.empty() ? l.srg : l.extra_srgs.emplace_back()) = g;
      pos = end + 1;
    }
    l.corridor = text(*f, col["corridor"]);
    l.dorsale = f->GetFieldAsInteger(col["dorsale"]) != 0;
    l.length_km = f->GetFieldAsDouble(col["length_km"]);
    l.pairs_total = f->GetFieldAsInteger(col["pairs_total"]);
    l.pairs_used = f->GetFieldAsInteger(col["pairs_used"]);
    l.lease_eur_per_pair_km_year = f->GetFieldAsDouble(col["lease_eur_per_pair_km_year"]);
    l.build_eur_per_km = f->GetFieldAsDouble(col["build_eur_per_km"]);
    l.latency_ms = f->GetFieldAsDouble(col["latency_ms"]);
    const std::string a = text(*f, col["from"]), b = text(*f, col["to"]);
    if (!net.find_node(a)) T.fail(row, l.id, "from", fmt::format("unknown node '{}'", a));
    if (!net.find_node(b)) T.fail(row, l.id, "to", fmt::format("unknown node '{}'", b));
    net.add_link(std::move(l), a, b);
  }
  try {
    validate(net);
  } catch (const ValidationError& e) {
    throw InputError(path, 0, e.field(), fmt::format("layer network_links or network_nodes: {}", e.what()));
  }
  out.info.totals = network_totals(net);
  return out;
}

}  // namespace

NetworkImport read_gracethd(const std::string& path, const Parameters& P) {
  GDALAllRegister();
  return Importer(path, P).run();
}

void use_network(Region& r, NetworkImport imp) {
  r.network = std::move(imp.network);
  std::vector<int> nros;
  for (std::size_t i = 0; i < r.network.nodes().size(); ++i)
    if (r.network.node(int(i)).kind == NodeKind::Nro) nros.push_back(int(i));
  for (auto& c : r.communes) {
    c.nro.clear();
    double best = 1e300;
    for (int i : nros) {
      const double d = distance_km(c.centroid, r.network.node(i).pos);
      if (d < best) {
        best = d;
        c.nro = r.network.node(i).id;
      }
    }
  }
  r.provenance.files.push_back(imp.info.source);
  std::int64_t dropped = 0;
  for (const auto& d : imp.info.dropped) dropped += d.count;
  r.provenance.derived.push_back(fmt::format("network: {} ({}), {} rows left out (dorsale network info lists them); communes attached to the nearest NRO",
                                             imp.info.source, imp.info.format, dropped));
  for (const auto& d : imp.info.derived) r.provenance.derived.push_back("network: " + d);
  validate(r);
}

NetworkImport read_network(const std::string& path, const Parameters& P) {
  GDALAllRegister();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, 0, "", "no such file or folder");
  if (fs::is_directory(path, ec)) return read_gracethd(path, P);
  const char* drivers[] = {"GPKG", nullptr};
  DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
  if (!ds) throw InputError(path, 0, "", "is neither a GraceTHD delivery folder nor a GeoPackage");
  if (ds->GetLayerByName("t_noeud")) {
    ds.reset();
    return read_gracethd(path, P);
  }
  if (ds->GetLayerByName("network_nodes")) return read_layers(path, ds.get());
  throw InputError(path, 0, "", "a GeoPackage with neither GraceTHD tables (t_noeud, t_cable) nor dorsale network layers (network_nodes)");
}

}  // namespace dorsale::scenarios
