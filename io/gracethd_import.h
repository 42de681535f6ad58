#pragma once
// Internal to the GraceTHD reader (io/gracethd*.cpp): the tables of a delivery as GDAL opens
// them, the rows refused with their reasons, and the Importer that reads the tables
// (io/gracethd_tables.cpp), resolves cable ends and fibre chains (io/gracethd_chains.cpp) and
// builds the network (io/gracethd.cpp). Not part of the io/ interface: io/gracethd.h is.
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "io/csv.h"
#include "io/gdal_util.h"
#include "io/gracethd.h"
#include "models/error.h"
#include "models/gracethd.h"
#include "io/projection.h"
#include "io/text.h"

namespace dorsale::scenarios::gracethd_import {

namespace fs = std::filesystem;

using io::DatasetPtr;

inline std::string trim(const char* s) {
  std::string t(s ? s : "");
  const auto b = t.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = t.find_last_not_of(" \t\r\n");
  return t.substr(b, e - b + 1);
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Lengths (cb_lgreel, cm_lgreel, cm_long, cl_long) and heights (se_haut) of a delivery: at
// most 1,000 km and 10 km (issue #21: cb_lgreel = 1e308 made a link of 1e305 km).
constexpr double kMaxLengthM = 1e6, kMaxHeightM = 1e4;

// A number of a text field: nullopt when empty; throws std::invalid_argument when not a
// decimal number (no C spellings: 0x10, inf, nan; scenarios::is_decimal_number) or above `hi`
// in magnitude.
inline std::optional<double> number(const std::string& s, double hi = 1e9) {
  if (s.empty()) return std::nullopt;
  if (!is_decimal_number(s)) throw std::invalid_argument("not a decimal number");
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', '.');  // "12,5": a French decimal comma
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0' || !std::isfinite(v) || std::fabs(v) > hi) throw std::invalid_argument("out of range");
  return v;
}

inline std::optional<long> whole(const std::string& s) {
  const auto v = number(s);
  if (!v) return std::nullopt;
  if (*v != std::floor(*v) || std::fabs(*v) > 1e9) throw std::invalid_argument("not a whole number");
  return long(*v);
}

// Made once and never destroyed: no OSR object outlives PROJ's context at exit.
inline const OGRSpatialReference& lambert93() {
  static const OGRSpatialReference* srs = [] {
    auto* s = new OGRSpatialReference;
    io::set_up_lambert93(*s);
    return s;
  }();
  return *srs;
}

// A row refused for what it holds: left out with its reason (kinds: models/network.h,
// DroppedRows), never an error that stops the import.
struct RowReject {
  std::string field, kind, why;
};
[[noreturn]] inline void reject(std::string field, std::string kind, std::string why) {
  throw RowReject{std::move(field), std::move(kind), std::move(why)};
}

inline bool valid_utf8(std::string_view s) {
  try {
    check_utf8(s, "");
    return true;
  } catch (const InputError&) {
    return false;
  }
}

// The records of a CSV file numbered as GDAL's CSV driver numbers its features (FID 1: the
// first record after the header; empty lines skipped; a quoted field may hold separators and
// line breaks), with the records GDAL would read silently wrong: more or fewer fields than the
// header, a line longer than kMaxLineBytes. (Bytes that are not UTF-8 are refused by
// TableIn::check_text in the fields read only: a latin-1 comment does not cost the row.) `lines` gets each record's first line.
std::unordered_map<long, RowReject> scan_csv(const std::string& file, std::vector<long>& lines);

// One table of the delivery, opened for reading.
struct TableIn {
  std::string table;  // "t_cable"
  std::string file;   // what errors name
  bool csv = false;   // rows are file lines after the header
  OGRLayer* layer = nullptr;
  std::unique_ptr<OGRCoordinateTransformation> to_l93;  // null when already Lambert-93
  std::unordered_map<std::string, int> index;
  std::unordered_map<long, RowReject> bad;  // by FID: rows refused before their fields are read
  std::vector<long> lines;                  // CSV: first line of each record
  std::vector<int> read;                    // the text fields read (only())
  std::string encoding;                     // what the text is decoded from

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
  void only(std::initializer_list<int> fields, bool geometry) {
    std::vector<std::string> ignored;
    OGRFeatureDefn* d = layer->GetLayerDefn();
    read.clear();
    for (int i = 0; i < d->GetFieldCount(); ++i)
      if (std::find(fields.begin(), fields.end(), i) == fields.end()) ignored.push_back(d->GetFieldDefn(i)->GetNameRef());
      else if (d->GetFieldDefn(i)->GetType() == OFTString) read.push_back(i);  // numbers need no decoding
    if (!geometry) ignored.push_back("OGR_GEOMETRY");
    std::vector<const char*> list;
    for (const auto& n : ignored) list.push_back(n.c_str());
    list.push_back(nullptr);
    layer->SetIgnoredFields(list.data());
  }
  long line(long row) const {
    if (!csv) return row;
    return row >= 1 && std::size_t(row) <= lines.size() ? lines[std::size_t(row) - 1] : row + 1;
  }
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
  // Every text field read is UTF-8 once decoded from the layer's declared encoding (GDAL
  // decodes a Shapefile by its .cpg or its LDID byte): otherwise the row is refused.
  void check_text(OGRFeature& f) const {
    for (int i : read)
      if (f.IsFieldSetAndNotNull(i) && !valid_utf8(f.GetFieldAsString(i)))
        reject(f.GetFieldDefnRef(i)->GetNameRef(), "encoding", fmt::format("text that is not UTF-8 once decoded from {}", encoding));
  }
};

inline std::string text(OGRFeature& f, int i) {
  if (i < 0 || !f.IsFieldSetAndNotNull(i)) return "";
  return trim(f.GetFieldAsString(i));
}

inline double line_length_m(const OGRGeometry* g) {
  if (!g) return 0;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbLineString: return g->toLineString()->get_Length();
    case wkbMultiLineString: return g->toMultiLineString()->get_Length();
    default: return 0;
  }
}

// First and last point of a line (of a multi-line: the first part's first, the last part's
// last); false when the geometry is not a line.
inline bool line_ends(const OGRGeometry* g, Position& a, Position& b) {
  if (!g) return false;
  const OGRLineString* first = nullptr;
  const OGRLineString* last = nullptr;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbLineString: first = last = g->toLineString(); break;
    case wkbMultiLineString: {
      const auto* m = g->toMultiLineString();
      if (m->getNumGeometries() < 1) return false;
      first = m->getGeometryRef(0);
      last = m->getGeometryRef(m->getNumGeometries() - 1);
      break;
    }
    default: return false;
  }
  if (first->getNumPoints() < 1 || last->getNumPoints() < 1) return false;
  a.x = first->getX(0);
  a.y = first->getY(0);
  b.x = last->getX(last->getNumPoints() - 1);
  b.y = last->getY(last->getNumPoints() - 1);
  return std::isfinite(a.x) && std::isfinite(a.y) && std::isfinite(b.x) && std::isfinite(b.y);
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

  // The tables (files or layers) present, by name.
  std::vector<std::string> present() const {
    std::vector<std::string> out;
    if (gpkg_)
      for (auto* L : gpkg_->GetLayers()) out.push_back(L->GetName());
    else
      for (const auto& [stem, p] : files_) out.push_back(p.filename().string());
    return out;
  }
  std::string file_of(const std::string& table) const {
    if (gpkg_) return table;
    const auto it = files_.find(table);
    return it == files_.end() ? "" : it->second.filename().string();
  }

  TableIn open(const std::string& table, bool required) {
    TableIn t;
    t.table = table;
    if (gpkg_) {
      t.file = path_;
      t.layer = gpkg_->GetLayerByName(table.c_str());
      t.encoding = "UTF-8 (GeoPackage)";
    } else {
      const auto it = files_.find(table);
      if (it != files_.end()) {
        t.file = it->second.string();
        const std::string ext = lower(it->second.extension().string());
        t.csv = ext == ".csv";
        const char* shp[] = {"ESRI Shapefile", nullptr};
        const char* csv[] = {"CSV", nullptr};
        DatasetPtr ds(static_cast<GDALDataset*>(
            GDALOpenEx(t.file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, t.csv ? csv : shp, nullptr, nullptr)));
        if (!ds || ds->GetLayerCount() < 1) throw InputError(t.file, 0, "", fmt::format("table {}: cannot be read: {}", table, CPLGetLastErrorMsg()));
        t.layer = ds->GetLayer(0);
        if (t.csv) {
          t.encoding = "UTF-8 (GraceTHD CSV)";
          t.bad = scan_csv(t.file, t.lines);
        } else {
          const char* enc = t.layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
          t.encoding = enc && *enc ? fmt::format("{} (the .cpg or the .dbf's code page)", enc) : "no declared encoding (no .cpg)";
        }
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
    if (gpkg_) scan_gpkg_types(t);
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
  // A GeoPackage is SQLite: a column holds any type whatever its declaration, and GDAL reads
  // 48.7 in an INTEGER column as 48 and the text 'NaN' in a REAL one as 0. The rows whose
  // numeric fields (of the v2.0.1 schema) hold another type are refused, as the CSV form
  // refuses them.
  void scan_gpkg_types(TableIn& t) {
    const char* fid = t.layer->GetFIDColumn();
    if (!fid || !*fid) return;
    for (const auto& f : gracethd::table(t.table).fields) {
      if ((f.type != 'I' && f.type != 'R') || !t.index.count(f.name)) continue;
      const std::string col = t.layer->GetLayerDefn()->GetFieldDefn(t.index.at(f.name))->GetNameRef();
      const std::string ok = f.type == 'I' ? "typeof(\"{1}\") = 'integer' OR (typeof(\"{1}\") = 'real' AND \"{1}\" = CAST(\"{1}\" AS INTEGER))"
                                           : "typeof(\"{1}\") IN ('integer', 'real')";
      const std::string sql = fmt::format(fmt::runtime("SELECT \"{0}\", typeof(\"{1}\") AS t, CAST(\"{1}\" AS TEXT) AS v FROM \"{2}\" WHERE \"{1}\" IS NOT NULL "
                                                       "AND NOT (typeof(\"{1}\") = 'text' AND trim(\"{1}\") = '') AND NOT (" + ok + ")"),
                                          fid, col, t.table);
      OGRLayer* r = gpkg_->ExecuteSQL(sql.c_str(), nullptr, nullptr);
      if (!r) continue;
      // the FID column of the result is the row's FID (GDAL takes it as the result's FID)
      const int ti = r->GetLayerDefn()->GetFieldIndex("t"), vi = r->GetLayerDefn()->GetFieldIndex("v");
      for (auto& row : *r) {
        const long id = long(row->GetFID());
        if (ti < 0 || vi < 0) break;
        if (!t.bad.count(id))
          t.bad[id] = {f.name, "bad_value",
                       fmt::format("a {} value ('{}') where the field is {}", row->GetFieldAsString(ti), row->GetFieldAsString(vi),
                                   f.type == 'I' ? "a whole number" : "a number")};
      }
      gpkg_->ReleaseResultSet(r);
    }
  }

  std::string path_, format_;
  std::map<std::string, fs::path> files_;  // table name (lower case) -> .shp or .csv
  DatasetPtr gpkg_;
  std::vector<DatasetPtr> opened_;
};

// Rows left out (or kept with a warning), grouped by table, kind and reason.
class Dropped {
 public:
  void add(const std::string& table, const std::string& why, const std::string& code, const std::string& kind = "") {
    const std::string key = table + '\n' + kind + '\n' + why;
    auto it = index_.find(key);
    if (it == index_.end()) {
      it = index_.emplace(key, rows_.size()).first;
      rows_.push_back({table, why, 0, {}, kind});
    }
    auto& r = rows_[it->second];
    ++r.count;
    if (r.examples.size() < 5) r.examples.push_back(code);
  }
  std::int64_t total() const {
    std::int64_t n = 0;
    for (const auto& r : rows_) n += r.count;
    return n;
  }
  std::vector<DroppedRows> take() { return std::move(rows_); }
  const std::vector<DroppedRows>& rows() const { return rows_; }

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

// How a cable's ends were found (README "Real networks").
enum class EndsFrom { Given, Geometry, Ducts };

struct CableIn {
  std::string code, owner, corridor, nd1, nd2, label;
  int a = -1, b = -1;
  EndsFrom ends = EndsFrom::Given;
  int pairs_total = 0, pairs_free = 0;
  LinkStatus status = LinkStatus::Owned;
  bool dorsale = false;
  double lgreel_m = 0, cableline_m = 0, geometry_m = 0;
  std::vector<Position> line_ends;  // the ends of each piece of its t_cableline geometry (Lambert-93)
  std::vector<int> cheminements;
  bool kept = true;
};

struct FibreIn {
  std::string code;
  int cable = -1;
  bool broken = false;  // fo_etat HS
  bool routed = false;  // named by a t_ropt route
};

// A t_position row naming fibres of two cables (ps_1, ps_2).
struct SpliceIn {
  int f1 = -1, f2 = -1;  // in fibres_
  bool joins = true;     // ps_fonct EP, CO, PA or empty (not AT, PI)
  bool broken = false;   // ps_etat HS
};

struct CheminementIn {
  std::string code, voie, nd1, nd2;
  double length_m = 0;
  bool aerial = false, exists = true;
  int carriers = 0;
};

class Importer {
 public:
  Importer(const std::string& path, const Parameters& P, ProgressSink* progress = nullptr) : d_(path), P_(P), progress_(progress) {
    out_.info.source = path;
    out_.info.format = d_.format();
  }

  NetworkImport run() {
    read_organisations();
    read_nodes();
    read_sites();
    read_emission_sites();
    read_cables();
    read_fibres();
    read_cheminements();
    read_cablelines();
    resolve_ends();
    build();
    return std::move(out_);
  }

  // What was found before an import stopped on an error.
  NetworkInfo info_so_far() const {
    NetworkInfo i = out_.info;
    i.dropped = dropped_.rows();
    i.warnings = warnings_.rows();
    return i;
  }

  // The tables read, with their rows, and those present and not read.
  const std::vector<TableRead>& tables_read() const { return read_; }
  std::vector<std::string> tables_ignored() const {
    std::vector<std::string> out;
    for (const auto& name : d_.present()) {
      const std::string stem = lower(fs::path(name).stem().string());
      const bool seen = std::any_of(read_.begin(), read_.end(), [&](const TableRead& t) { return t.table == stem; });
      if (!seen) out.push_back(name);
    }
    return out;
  }

 private:
  std::string organisation(const std::string& table, const std::string& code, const std::string& label) {
    const auto it = org_.find(code);
    if (it == org_.end()) {
      if (!code.empty() && have_orgs_)
        warnings_.add(table, "names an organisation no t_organisme row has (or_code): owner kept as the code", label, "unknown_organisation");
      return code;
    }
    return it->second.empty() ? code : it->second;
  }

  static std::string label(const TableIn& T, long row, const std::string& code) {
    return fmt::format("{} (line {})", code.empty() ? std::string("no code") : code, T.line(row));
  }

  // Each feature of T through `body(feature, row, code)`; a row refused (RowReject, or found
  // bad by the file's scan) is left out with its reason and the next one read.
  template <class Body>
  void each_row(TableIn& T, Body&& body) {
    long row = 0;
    // the rows of a table as one counted stage (a CSV's records are known from its scan)
    const std::int64_t rows = T.csv ? std::int64_t(T.lines.size()) : std::int64_t(std::max<GIntBig>(0, T.layer->GetFeatureCount(FALSE)));
    const ProgressCounter count(progress_, fmt::format("network: {} rows", T.table), rows);
    for (auto& f : *T.layer) {
      ++row;
      count.add();
      std::string code;
      try {
        const auto bad = T.bad.find(long(f->GetFID()));
        if (bad != T.bad.end()) throw bad->second;
        T.check_text(*f);
        body(*f, row, code);
      } catch (const RowReject& r) {
        if (code.empty() && f->GetFieldCount() > 0 && f->IsFieldSetAndNotNull(0)) {
          // the first field of a GraceTHD table names the row (cb_code, nd_code, cc_cb_code...)
          const std::string first = f->GetFieldAsString(0);
          if (first.size() <= 254 && valid_utf8(first)) code = trim(first.c_str());
        }
        if (!code.empty()) refused_[T.table].insert(code);
        dropped_.add(T.table, r.field.empty() ? r.why : fmt::format("{}: {}", r.field, r.why), label(T, row, code), r.kind);
      }
    }
    // GDAL stops at a record it cannot read: say how many the header announced (a Shapefile's
    // count includes its deleted records)
    const GIntBig announced = T.csv ? -1 : T.layer->GetFeatureCount(FALSE);
    if (announced > row)
      warnings_.add(T.table, "rows the file announces but GDAL could not read (deleted records or a damaged file)",
                    fmt::format("{} of {} read", row, announced), "unread_rows");
    read_.push_back({T.table, d_.file_of(T.table), row});
  }

  // The cable a row of t_cab_cond, t_cableline or t_fibre names; a cable refused in t_cable
  // leaves the row out with it, a code no row has is a dangling reference.
  int cable_of(const std::string& field, const std::string& cb) const {
    const auto it = cable_ix_.find(cb);
    if (it != cable_ix_.end()) return it->second;
    const auto r = refused_.find("t_cable");
    if (r != refused_.end() && r->second.count(cb)) reject(field, "", "its cable was refused (t_cable lists why)");
    reject(field, "dangling_reference", "names a cable no t_cable row has (cb_code)");
  }

  int node_of(const std::string& field, const std::string& nd) const {
    const auto it = node_ix_.find(nd);
    if (it == node_ix_.end())
      reject(field, nd.empty() ? "bad_value" : "dangling_reference", nd.empty() ? "no node given" : "names a node no t_noeud row has (nd_code)");
    return it->second;
  }

  void read_organisations();
  void read_nodes();
  void read_sites();
  void read_emission_sites();

  static void check_avancement(const char* field, const std::string& v) {
    if (!v.empty() && !gracethd::is_code(gracethd::avancement_codes(), v))
      reject(field, "value_list", "not a code of l_avancement (E, C, T, S, H, A)");
  }

  void read_cables();
  void read_fibres();
  void read_cheminements();
  void read_cablelines();
  int snap(const Position& p);
  bool drawn_ends(const CableIn& c, int& a, int& b);

  bool chain_ends(const CableIn& c, int& a, int& b) const;

  void resolve_ends();
  void fibre_capacity();
  void chains(Network& net, const std::vector<int>& link_of);
  void build();

  Delivery d_;
  const Parameters& P_;
  ProgressSink* progress_ = nullptr;
  NetworkImport out_;
  Dropped dropped_, warnings_;
  std::vector<TableRead> read_;
  std::unordered_map<std::string, std::unordered_set<std::string>> refused_;  // codes of refused rows, by table
  bool have_orgs_ = false;
  std::unordered_map<std::uint64_t, std::vector<int>> grid_;  // snap(): nodes by cell
  std::unordered_map<std::string, std::string> org_;
  std::vector<NodeIn> nodes_;
  std::unordered_map<std::string, int> node_ix_;
  std::vector<int> hp_node_;  // node of each high point
  std::vector<CableIn> cables_;
  std::unordered_map<std::string, int> cable_ix_;
  std::vector<CheminementIn> chem_;
  std::vector<FibreIn> fibres_;
  std::vector<SpliceIn> splices_;
  std::vector<long> listed_;  // t_fibre rows of each cable (fibre_capacity)
  bool have_fibres_ = false, have_positions_ = false;
  long usage_unknown_ = 0;
};

}  // namespace dorsale::scenarios::gracethd_import
