#include "scenarios/gracethd.h"

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
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "models/error.h"
#include "models/gracethd.h"
#include "scenarios/csv.h"
#include "scenarios/projection.h"
#include "scenarios/text.h"

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

// Lengths (cb_lgreel, cm_lgreel, cm_long, cl_long) and heights (se_haut) of a delivery: at
// most 1,000 km and 10 km (issue #21: cb_lgreel = 1e308 made a link of 1e305 km).
constexpr double kMaxLengthM = 1e6, kMaxHeightM = 1e4;

// A number of a text field: nullopt when empty; throws std::invalid_argument when not a
// decimal number (no C spellings: 0x10, inf, nan; scenarios::is_decimal_number) or above `hi`
// in magnitude.
std::optional<double> number(const std::string& s, double hi = 1e9) {
  if (s.empty()) return std::nullopt;
  if (!is_decimal_number(s)) throw std::invalid_argument("not a decimal number");
  std::string t = s;
  std::replace(t.begin(), t.end(), ',', '.');  // "12,5": a French decimal comma
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0' || !std::isfinite(v) || std::fabs(v) > hi) throw std::invalid_argument("out of range");
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

// A row refused for what it holds: left out with its reason (kinds: models/network.h,
// DroppedRows), never an error that stops the import.
struct RowReject {
  std::string field, kind, why;
};
[[noreturn]] void reject(std::string field, std::string kind, std::string why) {
  throw RowReject{std::move(field), std::move(kind), std::move(why)};
}

bool valid_utf8(std::string_view s) {
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
std::unordered_map<long, RowReject> scan_csv(const std::string& file, std::vector<long>& lines) {
  std::unordered_map<long, RowReject> bad;
  std::ifstream in(file, std::ios::binary);
  if (!in) return bad;
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t n = data.size();
  const std::size_t eol = std::min(data.find('\n'), n);
  char sep = ';';
  {
    long best = 0;
    for (char c : {';', ',', '\t'}) {
      const long k = long(std::count(data.begin(), data.begin() + long(eol), c));
      if (k > best) best = k, sep = c;
    }
  }
  {
    // a column named twice: GDAL reads one of them, silently (cb_capafo;...;cb_capafo)
    std::string_view head(data.data(), eol);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    std::map<std::string, std::size_t> seen;
    std::size_t col = 0;
    for (std::size_t a = 0; a <= head.size(); ++col) {
      const std::size_t b = std::min(head.find(sep, a), head.size());
      std::string name = lower(trim(std::string(head.substr(a, b - a)).c_str()));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      if (!name.empty() && !seen.emplace(name, col).second)
        throw InputError(file, 1, name,
                         fmt::format("column '{}' appears twice in the header (columns {} and {}): which one to read is ambiguous", name,
                                     seen[name] + 1, col + 1));
      a = b + 1;
    }
  }
  long line = 1, record = -1, header_fields = 0;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t start = i;
    const long first_line = line;
    std::size_t line_start = i, longest = 0;
    long fields = 1;
    bool quoted = false;
    while (i < n) {
      const char c = data[i];
      if (c == '"') {
        if (quoted && i + 1 < n && data[i + 1] == '"') {
          i += 2;
          continue;
        }
        quoted = !quoted;
      } else if (c == '\n') {
        if (!quoted) break;
        longest = std::max(longest, i - line_start);
        line_start = i + 1;
        ++line;
      } else if (c == sep && !quoted) {
        ++fields;
      }
      ++i;
    }
    longest = std::max(longest, i - line_start);
    std::string_view rec(data.data() + start, i - start);
    if (i < n) ++i;
    ++line;
    while (!rec.empty() && (rec.back() == '\r' || rec.back() == ' ')) rec.remove_suffix(1);
    if (rec.empty()) continue;
    if (record < 0) {
      header_fields = fields;
      record = 0;
      continue;
    }
    ++record;
    lines.push_back(first_line);
    if (longest > kMaxLineBytes)
      bad[record] = {"", "malformed_row", fmt::format("a line longer than {} bytes", kMaxLineBytes)};
    else if (fields != header_fields)
      bad[record] = {"", "malformed_row", fmt::format("{} fields where the header has {}", fields, header_fields)};
  }
  return bad;
}

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

// First and last point of a line (of a multi-line: the first part's first, the last part's
// last); false when the geometry is not a line.
bool line_ends(const OGRGeometry* g, Position& a, Position& b) {
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

  void read_organisations() {
    TableIn T = d_.open("t_organisme", false);
    if (!T) return;
    have_orgs_ = true;
    const int code = T.field("or_code", true), name = T.field("or_nom", false);
    T.only({code, name}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, code);
      if (c.empty()) reject("or_code", "bad_value", "empty code");
      if (!org_.emplace(c, text(f, name)).second) reject("or_code", "duplicate_code", "duplicate or_code: the first row kept");
    });
  }

  void read_nodes() {
    TableIn T = d_.open("t_noeud", true);
    const int code = T.field("nd_code", true), name = T.field("nd_nom", false);
    T.only({code, name}, true);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      NodeIn n;
      n.code = c = text(f, code);
      if (n.code.empty()) reject("nd_code", "bad_value", "empty code");
      if (node_ix_.count(n.code)) reject("nd_code", "duplicate_code", "duplicate nd_code: the first row kept");
      n.name = text(f, name);
      const auto g = T.geometry(f);
      if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) reject("geometry", "bad_value", "no point: a node needs its position");
      const auto* p = g->toPoint();
      if (!std::isfinite(p->getX()) || !std::isfinite(p->getY()) || std::fabs(p->getX()) > kMaxProjectedCoordinate ||
          std::fabs(p->getY()) > kMaxProjectedCoordinate)
        reject("geometry", "bad_value", "not a Lambert-93 position");
      n.pos.x = p->getX();
      n.pos.y = p->getY();
      node_ix_.emplace(n.code, int(nodes_.size()));
      nodes_.push_back(std::move(n));
    });
  }

  void read_sites() {
    TableIn T = d_.open("t_sitetech", false);
    if (!T) return;
    const int code = T.field("st_code", true), nd = T.field("st_nd_code", true), type = T.field("st_typelog", true);
    const int name = T.field("st_nom", false), prop = T.field("st_prop", false), avct = T.field("st_avct", false);
    T.only({code, nd, type, name, prop, avct}, false);
    std::unordered_map<std::string, int> seen;
    each_row(T, [&](OGRFeature& f, long row, std::string& c) {
      c = text(f, code);
      if (c.empty()) reject("st_code", "bad_value", "empty code");
      if (seen.count(c)) reject("st_code", "duplicate_code", "duplicate st_code: the first row kept");
      NodeIn& n = nodes_[node_of("st_nd_code", text(f, nd))];
      const std::string t = upper(text(f, type));
      if (!gracethd::is_code(gracethd::site_type_log_codes(), t))
        reject("st_typelog", "value_list", "not a code of l_site_type_log (NRO, SRO, HEBERG, CLIENT, ...)");
      const std::string av = upper(text(f, avct));
      check_avancement("st_avct", av);
      seen.emplace(c, 1);
      if (av == "H" || av == "A") {
        dropped_.add("t_sitetech", av == "H" ? "out of service (st_avct H): its node gets no site kind"
                                             : "abandoned (st_avct A): its node gets no site kind", c);
        return;
      }
      const int rank = gracethd::site_type_rank(t);
      if (rank > n.rank) {
        n.rank = rank;
        n.kind = gracethd::kind_of_site_type(t);
      }
      if (n.name.empty()) n.name = text(f, name);
      if (n.owner.empty()) n.owner = organisation("t_sitetech", text(f, prop), label(T, row, c));
    });
  }

  void read_emission_sites() {
    TableIn T = d_.open("t_siteemission", false);
    if (!T) return;
    const int code = T.field("se_code", true), nd = T.field("se_nd_code", true);
    const int anfr = T.field("se_anfr", false), haut = T.field("se_haut", false), prop = T.field("se_prop", false);
    T.only({code, nd, anfr, haut, prop}, false);
    std::unordered_map<std::string, int> seen;
    each_row(T, [&](OGRFeature& f, long row, std::string& c) {
      c = text(f, code);
      if (c.empty()) reject("se_code", "bad_value", "empty code");
      if (seen.count(c)) reject("se_code", "duplicate_code", "duplicate se_code: the first row kept");
      const int ni = node_of("se_nd_code", text(f, nd));
      HighPoint h;
      h.id = text(f, anfr).empty() ? c : text(f, anfr);
      try {
        h.height_m = number(text(f, haut), kMaxHeightM).value_or(0);
      } catch (const std::invalid_argument&) {
        reject("se_haut", "bad_value", "not a height in metres (decimal, at most 10,000)");
      }
      if (h.height_m < 0) reject("se_haut", "bad_value", "negative height");
      seen.emplace(c, 1);
      NodeIn& n = nodes_[ni];
      h.pos = n.pos;
      h.existing = true;
      if (n.rank < 1) {  // a site of the access network or none: the mast defines the node
        n.rank = 0;
        n.kind = NodeKind::HighPoint;
      }
      if (n.owner.empty()) n.owner = organisation("t_siteemission", text(f, prop), label(T, row, c));
      hp_node_.push_back(ni);
      out_.high_points.push_back(std::move(h));
    });
  }

  static void check_avancement(const char* field, const std::string& v) {
    if (!v.empty() && !gracethd::is_code(gracethd::avancement_codes(), v))
      reject(field, "value_list", "not a code of l_avancement (E, C, T, S, H, A)");
  }

  void read_cables() {
    TableIn T = d_.open("t_cable", true);
    const int code = T.field("cb_code", true), nd1 = T.field("cb_nd1", true), nd2 = T.field("cb_nd2", true);
    const int capa = T.field("cb_capafo", true), util = T.field("cb_fo_util", false), disp = T.field("cb_fo_disp", false);
    const int avct = T.field("cb_avct", false), proptyp = T.field("cb_proptyp", false), prop = T.field("cb_prop", false);
    const int tech = T.field("cb_tech", false), lgreel = T.field("cb_lgreel", false), r1 = T.field("cb_r1_code", false);
    const int typephy = T.field("cb_typephy", false);
    T.only({code, nd1, nd2, capa, util, disp, avct, proptyp, prop, tech, lgreel, r1, typephy}, false);
    each_row(T, [&](OGRFeature& f, long row, std::string& cc) {
      CableIn c;
      c.code = cc = text(f, code);
      if (c.code.empty()) reject("cb_code", "bad_value", "empty code");
      if (cable_ix_.count(c.code)) reject("cb_code", "duplicate_code", "duplicate cb_code: the first row kept");
      c.label = label(T, row, c.code);
      c.nd1 = text(f, nd1);
      c.nd2 = text(f, nd2);
      const std::string av = upper(text(f, avct)), pt = upper(text(f, proptyp));
      check_avancement("cb_avct", av);
      if (!pt.empty() && !gracethd::is_code(gracethd::propriete_codes(), pt))
        reject("cb_proptyp", "value_list", "not a code of l_propriete_type (CST, RAC, CES, IRU, LOC, OCC)");
      const std::string tp = upper(text(f, typephy));
      if (!tp.empty() && tp != "C" && tp != "B" && tp != "J") reject("cb_typephy", "value_list", "not a code of l_cable_type (C, B, J)");
      auto count = [&](int col, const char* field) -> std::optional<long> {
        std::optional<long> v;
        try {
          v = whole(text(f, col));
        } catch (const std::invalid_argument&) {
          reject(field, "bad_value", "not a number of fibres");
        }
        if (v && *v < 0) reject(field, "bad_value", "negative capacity");
        return v;
      };
      const auto fibres = count(capa, "cb_capafo"), used = count(util, "cb_fo_util"), free = count(disp, "cb_fo_disp");
      if (fibres && used && *used > *fibres) reject("cb_fo_util", "bad_value", "more fibres used than the cable has (cb_capafo)");
      if (fibres && free && *free > *fibres) reject("cb_fo_disp", "bad_value", "more free fibres than the cable has (cb_capafo)");
      try {
        c.lgreel_m = number(text(f, lgreel), kMaxLengthM).value_or(0);
      } catch (const std::invalid_argument&) {
        reject("cb_lgreel", "bad_value", "not a length in metres (decimal, at most 1,000,000)");
      }
      if (c.lgreel_m < 0) reject("cb_lgreel", "bad_value", "negative length");
      const std::string te = upper(text(f, tech));
      // rows left out: checked after the fields, so a bad value is reported even on them
      std::string why;
      if (av == "H") why = "out of service (cb_avct H)";
      else if (av == "A") why = "abandoned (cb_avct A)";
      else if (tp == "J") why = "a jumper (cb_typephy J): a patch cord inside a site, not a link";
      else if (!te.empty() && te != "OPT") why = fmt::format("not an optical cable (cb_tech {})", te);
      else if (!fibres) why = "no capacity (cb_capafo empty)";
      cable_ix_.emplace(c.code, int(cables_.size()));
      if (!why.empty()) {
        dropped_.add("t_cable", why, c.code);
        c.kept = false;
        cables_.push_back(std::move(c));
        return;
      }
      long free_fibres = *fibres - used.value_or(0);
      if (free) free_fibres = std::min(free_fibres, *free);
      if (!used && !free) ++usage_unknown_;
      c.pairs_total = int(*fibres / 2);
      c.pairs_free = int(std::min<long>(c.pairs_total, free_fibres / 2));
      c.status = gracethd::avancement_planned(av) ? LinkStatus::Planned
                 : gracethd::propriete_leased(pt) ? LinkStatus::Leased
                                                  : LinkStatus::Owned;
      c.owner = organisation("t_cable", text(f, prop), c.label);
      c.dorsale = upper(text(f, r1)) == gracethd::kDorsaleNetworkCode;
      cables_.push_back(std::move(c));
    });
  }

  // t_fibre (fo_cb_code -> t_cable) and t_position (ps_1, ps_2 -> t_fibre): dangling references
  // and duplicate codes are refused rows.
  // t_ropt (rt_fo_code -> t_fibre): the fibres an optical route uses.
  void read_fibres() {
    std::unordered_map<std::string, int> fibre_ix;  // fo_code -> index in fibres_
    if (TableIn T = d_.open("t_fibre", false)) {
      have_fibres_ = true;
      const int code = T.field("fo_code", true), cb = T.field("fo_cb_code", true), etat = T.field("fo_etat", false);
      T.only({code, cb, etat}, false);
      each_row(T, [&](OGRFeature& f, long, std::string& c) {
        c = text(f, code);
        if (c.empty()) reject("fo_code", "bad_value", "empty code");
        if (fibre_ix.count(c)) reject("fo_code", "duplicate_code", "duplicate fo_code: the first row kept");
        FibreIn fo;
        fo.code = c;
        fo.cable = cable_of("fo_cb_code", text(f, cb));
        const std::string e = upper(text(f, etat));
        if (!e.empty() && e != "HS" && e != "ME" && e != "OK" && e != "NC") reject("fo_etat", "value_list", "not a code of l_etat_type (HS, ME, OK, NC)");
        fo.broken = e == "HS";
        fibre_ix.emplace(c, int(fibres_.size()));
        fibres_.push_back(fo);
      });
    }
    if (TableIn T = d_.open("t_ropt", false)) {
      const int code = T.field("rt_code", true), fo = T.field("rt_fo_code", true);
      T.only({code, fo}, false);
      each_row(T, [&](OGRFeature& f, long, std::string& c) {
        c = text(f, code);
        const auto it = fibre_ix.find(text(f, fo));
        if (it == fibre_ix.end()) reject("rt_fo_code", "dangling_reference", "names a fibre no t_fibre row has (fo_code)");
        fibres_[it->second].routed = true;
      });
    }
    TableIn T = d_.open("t_position", false);
    if (!T) return;
    have_positions_ = true;
    const int code = T.field("ps_code", true), p1 = T.field("ps_1", false), p2 = T.field("ps_2", false);
    const int fonct = T.field("ps_fonct", false), etat = T.field("ps_etat", false);
    T.only({code, p1, p2, fonct, etat}, false);
    std::unordered_map<std::string, int> seen;
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, code);
      if (c.empty()) reject("ps_code", "bad_value", "empty code");
      if (seen.count(c)) reject("ps_code", "duplicate_code", "duplicate ps_code: the first row kept");
      int fo[2] = {-1, -1};
      for (auto [col, field, k] : {std::tuple{p1, "ps_1", 0}, std::tuple{p2, "ps_2", 1}}) {
        const std::string code_fo = text(f, col);
        const auto it = fibre_ix.find(code_fo);
        if (!code_fo.empty() && it == fibre_ix.end()) reject(field, "dangling_reference", "names a fibre no t_fibre row has (fo_code)");
        if (it != fibre_ix.end()) fo[k] = it->second;
      }
      const std::string fn = upper(text(f, fonct)), et = upper(text(f, etat));
      if (!fn.empty() && fn != "CO" && fn != "EP" && fn != "PI" && fn != "AT" && fn != "PA")
        reject("ps_fonct", "value_list", "not a code of l_position_fonction (CO, EP, PI, AT, PA)");
      if (!et.empty() && et != "HS" && et != "ME" && et != "OK" && et != "NC") reject("ps_etat", "value_list", "not a code of l_etat_type (HS, ME, OK, NC)");
      seen.emplace(c, 1);
      // a position joining a fibre of one cable to a fibre of another: a splice (EP), a
      // connector (CO) or a passage (PA); a fibre waiting (AT) or a pigtail (PI) joins nothing
      if (fo[0] >= 0 && fo[1] >= 0 && fibres_[fo[0]].cable != fibres_[fo[1]].cable)
        splices_.push_back({fo[0], fo[1], fn != "AT" && fn != "PI", et == "HS"});
    });
  }

  // t_cab_cond -> t_conduite (and its parent ducts) -> t_cond_chem -> t_cheminement.
  void read_cheminements() {
    std::unordered_map<std::string, int> cm_ix;
    const double gap = P_.gracethd.length_gap_share;
    if (TableIn T = d_.open("t_cheminement", false)) {
      const int code = T.field("cm_code", true), lg = T.field("cm_long", false), reel = T.field("cm_lgreel", false);
      const int imp = T.field("cm_typ_imp", false), avct = T.field("cm_avct", false), voie = T.field("cm_voie", false);
      const int n1 = T.field("cm_ndcode1", false), n2 = T.field("cm_ndcode2", false);
      T.only({code, lg, reel, imp, avct, voie, n1, n2}, true);
      each_row(T, [&](OGRFeature& f, long row, std::string& c) {
        CheminementIn cm;
        cm.code = c = text(f, code);
        if (cm.code.empty()) reject("cm_code", "bad_value", "empty code");
        if (cm_ix.count(cm.code)) reject("cm_code", "duplicate_code", "duplicate cm_code: the first row kept");
        double m = 0;
        for (auto [col, field] : {std::pair{reel, "cm_lgreel"}, std::pair{lg, "cm_long"}}) {
          double v = 0;
          try {
            v = number(text(f, col), kMaxLengthM).value_or(0);
          } catch (const std::invalid_argument&) {
            reject(field, "bad_value", "not a length in metres (decimal, at most 1,000,000)");
          }
          if (v < 0) reject(field, "bad_value", "negative length");
          if (m <= 0) m = v;
        }
        const double drawn = line_length_m(T.geometry(f).get());
        if (m > 0 && drawn > 0 && std::fabs(m - drawn) > gap * std::max(m, drawn))
          warnings_.add("t_cheminement", fmt::format("declared length (cm_lgreel or cm_long) and geometry differ by more than {:g} % (gracethd.length_gap_share)", gap * 100),
                        label(T, row, cm.code), "length_gap");
        if (m <= 0) m = drawn;
        cm.length_m = m;
        const std::string ti = text(f, imp);
        if (!ti.empty() && !gracethd::is_code(gracethd::implantation_codes(), ti))
          reject("cm_typ_imp", "value_list", "not a code of l_implantation_type (0 to 9)");
        cm.aerial = gracethd::implantation_aerial(ti);
        const std::string av = upper(text(f, avct));
        check_avancement("cm_avct", av);
        cm.exists = !gracethd::avancement_planned(av);
        cm.voie = text(f, voie);
        cm.nd1 = text(f, n1);
        cm.nd2 = text(f, n2);
        cm_ix.emplace(cm.code, int(chem_.size()));
        chem_.push_back(std::move(cm));
      });
    }
    std::unordered_map<std::string, std::string> parent;  // cd_code -> cd_cd_code
    bool have_ducts = false;
    if (TableIn T = d_.open("t_conduite", false)) {
      have_ducts = true;
      const int cd = T.field("cd_code", true), up = T.field("cd_cd_code", false);
      T.only({cd, up}, false);
      each_row(T, [&](OGRFeature& f, long, std::string& c) {
        c = text(f, cd);
        if (c.empty()) reject("cd_code", "bad_value", "empty code");
        if (!parent.emplace(c, text(f, up)).second) reject("cd_code", "duplicate_code", "duplicate cd_code: the first row kept");
      });
    }
    std::unordered_map<std::string, std::vector<int>> in_duct;  // cd_code -> cheminements
    if (TableIn T = d_.open("t_cond_chem", false)) {
      const int cd = T.field("dm_cd_code", true), cm = T.field("dm_cm_code", true);
      T.only({cd, cm}, false);
      each_row(T, [&](OGRFeature& f, long, std::string& code) {
        const std::string d = code = text(f, cd), c = text(f, cm);
        const auto it = cm_ix.find(c);
        if (it == cm_ix.end()) reject("dm_cm_code", "dangling_reference", "names a cheminement no t_cheminement row has (cm_code)");
        if (have_ducts && !parent.count(d)) reject("dm_cd_code", "dangling_reference", "names a conduite no t_conduite row has (cd_code)");
        in_duct[d].push_back(it->second);
      });
    }
    TableIn T = d_.open("t_cab_cond", false);
    if (!T) return;
    const int cb = T.field("cc_cb_code", true), cd = T.field("cc_cd_code", true);
    T.only({cb, cd}, false);
    each_row(T, [&](OGRFeature& f, long, std::string& code) {
      const std::string b = code = text(f, cb);
      std::string d = text(f, cd);
      const int ci = cable_of("cc_cb_code", b);
      if (have_ducts && !parent.count(d)) reject("cc_cd_code", "dangling_reference", "names a conduite no t_conduite row has (cd_code)");
      auto& list = cables_[ci].cheminements;
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
    });
  }

  void read_cablelines() {
    TableIn T = d_.open("t_cableline", false);
    if (!T) return;
    const int code = T.field("cl_code", true), cb = T.field("cl_cb_code", true), lg = T.field("cl_long", false);
    T.only({code, cb, lg}, true);
    each_row(T, [&](OGRFeature& f, long, std::string& c) {
      c = text(f, code);
      const std::string b = text(f, cb);
      const int ci = cable_of("cl_cb_code", b);
      double m = 0;
      try {
        m = number(text(f, lg), kMaxLengthM).value_or(0);
      } catch (const std::invalid_argument&) {
        reject("cl_long", "bad_value", "not a length in metres (decimal, at most 1,000,000)");
      }
      if (m < 0) reject("cl_long", "bad_value", "negative length");
      const auto g = T.geometry(f);
      const double drawn = line_length_m(g.get());
      if (m <= 0) m = drawn;
      auto& cable = cables_[ci];
      cable.cableline_m += m;
      cable.geometry_m += drawn;
      Position a, b2;
      if (line_ends(g.get(), a, b2) && cable.line_ends.size() < 2000) {
        cable.line_ends.push_back(a);
        cable.line_ends.push_back(b2);
      }
    });
  }

  // The node nearest to p within gracethd.end_snap_m, or -1 (a grid of cells of that size).
  int snap(const Position& p) {
    const double tol = P_.gracethd.end_snap_m, cell = std::max(tol, 1.0);
    auto key = [&](long i, long j) { return (std::uint64_t(std::uint32_t(i)) << 32) | std::uint32_t(j); };
    if (grid_.empty() && !nodes_.empty())
      for (std::size_t k = 0; k < nodes_.size(); ++k)
        grid_[key(long(std::floor(nodes_[k].pos.x / cell)), long(std::floor(nodes_[k].pos.y / cell)))].push_back(int(k));
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || std::fabs(p.x) > kMaxProjectedCoordinate || std::fabs(p.y) > kMaxProjectedCoordinate)
      return -1;
    const long ci = long(std::floor(p.x / cell)), cj = long(std::floor(p.y / cell));
    int best = -1;
    double best_d = tol;
    for (long i = ci - 1; i <= ci + 1; ++i)
      for (long j = cj - 1; j <= cj + 1; ++j) {
        const auto it = grid_.find(key(i, j));
        if (it == grid_.end()) continue;
        for (int k : it->second) {
          const double d = std::hypot(nodes_[k].pos.x - p.x, nodes_[k].pos.y - p.y);
          if (d <= best_d) {
            best_d = d;
            best = k;
          }
        }
      }
    return best;
  }

  // The nodes at the two ends of a cable's drawing: the piece ends no other piece's end meets
  // (within gracethd.end_snap_m; one piece: its two ends), each snapped to a node.
  bool drawn_ends(const CableIn& c, int& a, int& b) {
    const double tol = P_.gracethd.end_snap_m;
    const auto& e = c.line_ends;
    std::vector<const Position*> free;
    for (std::size_t i = 0; i < e.size(); ++i) {
      bool met = false;
      for (std::size_t j = 0; j < e.size() && !met; ++j)
        met = j != i && (j ^ 1) != i && std::hypot(e[i].x - e[j].x, e[i].y - e[j].y) <= tol;
      if (!met) free.push_back(&e[i]);
    }
    if (free.size() != 2) return false;
    a = snap(*free[0]);
    b = snap(*free[1]);
    return a >= 0 && b >= 0 && a != b;
  }

  // The two ends of a cable's duct chain: the nodes met an odd number of times by its
  // cheminements' ends (cm_ndcode1/2), when they are exactly two.
  bool chain_ends(const CableIn& c, int& a, int& b) const {
    std::map<int, int> degree;
    for (int k : c.cheminements)
      for (const auto* nd : {&chem_[k].nd1, &chem_[k].nd2}) {
        const auto it = node_ix_.find(*nd);
        if (it == node_ix_.end()) return false;
        ++degree[it->second];
      }
    std::vector<int> odd;
    for (const auto& [n, d] : degree)
      if (d % 2) odd.push_back(n);
    if (odd.size() != 2) return false;
    a = odd[0];
    b = odd[1];
    return true;
  }

  // cb_nd1/cb_nd2 when both name nodes; else the ends of the t_cableline geometry snapped to
  // t_noeud within gracethd.end_snap_m; else the ends of the duct chain; else the cable is
  // left out with why.
  void resolve_ends() {
    long by_geometry = 0, by_ducts = 0;
    std::vector<std::string> geometry_examples, duct_examples;
    for (auto& c : cables_) {
      if (!c.kept) continue;
      const auto i1 = node_ix_.find(c.nd1), i2 = node_ix_.find(c.nd2);
      int a = -1, b = -1;
      if (i1 != node_ix_.end() && i2 != node_ix_.end()) {
        c.a = i1->second;
        c.b = i2->second;
        c.ends = EndsFrom::Given;
      } else if (drawn_ends(c, a, b)) {
        c.a = a;
        c.b = b;
        c.ends = EndsFrom::Geometry;
        ++by_geometry;
        if (geometry_examples.size() < 5) geometry_examples.push_back(c.code);
      } else if (chain_ends(c, a, b)) {
        c.a = a;
        c.b = b;
        c.ends = EndsFrom::Ducts;
        ++by_ducts;
        if (duct_examples.size() < 5) duct_examples.push_back(c.code);
      } else {
        const bool empty = c.nd1.empty() || c.nd2.empty();
        dropped_.add("t_cable",
                     fmt::format("ends not found: {}, no t_cableline with both ends within gracethd.end_snap_m of a node, "
                                 "no duct chain with two ends",
                                 empty ? "cb_nd1 or cb_nd2 empty" : "cb_nd1 or cb_nd2 names no t_noeud row"),
                     c.label, empty ? "unplaced" : "dangling_reference");
        c.kept = false;
        continue;
      }
      if (c.a == c.b) {
        dropped_.add("t_cable", "both ends on one node (a cable inside one site)", c.code);
        c.kept = false;
      }
    }
    if (by_geometry > 0)
      out_.info.derived.push_back(fmt::format("{} cables placed by their t_cableline geometry (no usable cb_nd1/cb_nd2; ends within "
                                              "gracethd.end_snap_m = {:g} m of a node), e.g. {}",
                                              by_geometry, P_.gracethd.end_snap_m, fmt::join(geometry_examples, ", ")));
    if (by_ducts > 0)
      out_.info.derived.push_back(fmt::format("{} cables placed by their duct chain (t_cab_cond -> t_cond_chem -> cm_ndcode1/2 ends), e.g. {}",
                                              by_ducts, fmt::join(duct_examples, ", ")));
  }

  // Length: cb_lgreel, else the cable's cheminements, else its cablelines, else the straight
  // line x network.rip_detour_factor. Build cost per km: the mean of the cheminements' rates.
  // With t_fibre, a cable listing its fibres has as free pairs its fibres no t_ropt route uses
  // and not out of order (fo_etat HS), / 2; a fibre without a row is not counted free.
  void fibre_capacity() {
    if (!have_fibres_) {
      out_.info.derived.push_back("free pairs by the cable-level rule (cb_fo_disp, or cb_capafo - cb_fo_util): the delivery has no t_fibre");
      return;
    }
    std::vector<long>& listed = listed_;
    listed.assign(cables_.size(), 0);
    std::vector<long> free(cables_.size(), 0);
    long routed = 0, broken = 0;
    for (const auto& fo : fibres_) {
      ++listed[fo.cable];
      if (!fo.routed && !fo.broken) ++free[fo.cable];
      routed += fo.routed;
      broken += fo.broken && !fo.routed;
    }
    long cables = 0, short_listed = 0, lowered = 0;
    for (std::size_t i = 0; i < cables_.size(); ++i) {
      auto& c = cables_[i];
      if (!c.kept || listed[i] == 0) continue;
      ++cables;
      if (listed[i] < 2L * c.pairs_total) ++short_listed;
      const int pairs = int(std::min<long>(c.pairs_total, free[i] / 2));
      lowered += pairs < c.pairs_free;
      c.pairs_free = pairs;
    }
    for (const auto& fo : fibres_)  // the free fibres of each kept cable, in t_fibre's order
      if (!fo.routed && !fo.broken && cables_[fo.cable].kept) out_.fibres.free[cables_[fo.cable].code].push_back(fo.code);
    out_.info.derived.push_back(fmt::format("free pairs of {} cables from their t_fibre rows ({} fibres used by a t_ropt route, {} out of order fo_etat HS; "
                                            "{} below what cb_fo_disp / cb_fo_util said); the other cables by the cable-level rule",
                                            cables, routed, broken, lowered));
    if (short_listed > 0)
      out_.info.derived.push_back(fmt::format("{} cables list fewer t_fibre rows than cb_capafo: their unlisted fibres are not counted free", short_listed));
  }

  // Route continuity by fibre chains (README "Real networks"). A splice closure is a node with
  // no site where t_position relates a fibre of one kept cable to a fibre of another, both ending
  // there. Every fibre end is spliced to at most one other (ps_fonct EP, CO, PA or empty; not AT,
  // PI, nor ps_etat HS; a second splice of one end is ignored, counted): the fibres form chains
  // that run through closures and end at a site or other node (patching: any free pair
  // continues) or at an end left unspliced in a closure (it goes nowhere: a new splice is works
  // the delivery does not record). The chains of free fibres through a closure, grouped by their
  // sequence of cables, become one logical link each between the chains' two end nodes: pairs =
  // chains / 2, length, latency and rates the sums (weighted means) of its cables', its
  // shared-risk groups the union of its cables' plus "cable <cb_code>" of each, which its cables'
  // own links also get (a cable's failure takes them all down). A cable ending at a closure keeps
  // its link (id cb_code) for its other fibres, with no free pair. A closure where a cable
  // without t_fibre rows or to build ends keeps the cable-level rule (said under derived).
  // `link_of`: each kept cable's link in `net`. O(fibres + positions) with ordered maps.
  void chains(Network& net, const std::vector<int>& link_of) {
    if (!have_positions_ || !have_fibres_) {
      out_.info.derived.push_back("route continuity: the cable-level rule at every node (the delivery has no t_position): "
                                  "a route's free pairs are its links'");
      return;
    }
    auto fibred = [&](int ci) { return cables_[ci].kept && cables_[ci].status != LinkStatus::Planned && listed_[ci] > 0; };
    std::set<int> closures;
    std::map<std::pair<int, int>, int> partner;  // (fibre, node of its end) -> the fibre spliced to that end
    long elsewhere = 0, second = 0;
    for (const auto& sp : splices_) {
      const int x = fibres_[sp.f1].cable, y = fibres_[sp.f2].cable;
      if (!cables_[x].kept || !cables_[y].kept) continue;
      int at = -1;
      for (int n : {cables_[x].a, cables_[x].b})
        if ((n == cables_[y].a || n == cables_[y].b) && nodes_[n].rank < 0) at = n;
      if (at < 0) {
        ++elsewhere;
        continue;
      }
      closures.insert(at);
      if (!sp.joins || sp.broken) continue;
      if (partner.count({sp.f1, at}) || partner.count({sp.f2, at})) {
        ++second;
        continue;
      }
      partner[{sp.f1, at}] = sp.f2;
      partner[{sp.f2, at}] = sp.f1;
    }
    // a closure where a cable without t_fibre rows or to build ends keeps the cable-level rule
    std::vector<std::vector<int>> ending(nodes_.size());
    for (std::size_t i = 0; i < cables_.size(); ++i)
      if (cables_[i].kept)
        for (int n : {cables_[i].a, cables_[i].b}) ending[n].push_back(int(i));
    long by_cable = 0;
    std::vector<std::string> by_cable_examples;
    for (auto it = closures.begin(); it != closures.end();) {
      bool all = true;
      for (int ci : ending[*it]) all = all && fibred(ci);
      if (all) {
        ++it;
        continue;
      }
      if (++by_cable <= 5) by_cable_examples.push_back(nodes_[*it].code);
      it = closures.erase(it);
    }
    // the chains: from each free fibre of a cable ending at a closure, back to the chain's start
    // then forward to its end
    auto other = [&](int f, int n) { return cables_[fibres_[f].cable].a == n ? cables_[fibres_[f].cable].b : cables_[fibres_[f].cable].a; };
    auto next = [&](int f, int n) -> int {  // the fibre continuing f at its end n, or -1
      if (!closures.count(n)) return -1;
      const auto it = partner.find({f, n});
      return it == partner.end() ? -1 : it->second;
    };
    struct Group {
      int from = -1, to = -1;
      std::vector<int> cables;
      std::vector<std::vector<int>> chains;
    };
    std::map<std::vector<int>, Group> groups;  // (from, cables..., to) -> chains
    std::vector<char> seen(fibres_.size(), 0);
    long dead = 0, used = 0;
    for (std::size_t f0 = 0; f0 < fibres_.size(); ++f0) {
      const auto& c0 = cables_[fibres_[f0].cable];
      if (seen[f0] || !fibred(fibres_[f0].cable) || !(closures.count(c0.a) || closures.count(c0.b))) continue;
      // back: from end b of f0's cable towards its end a, while spliced
      int f = int(f0), n = c0.a;
      for (std::size_t steps = 0; steps <= fibres_.size(); ++steps) {
        const int g = next(f, n);
        if (g < 0 || g == int(f0)) break;
        n = other(g, n), f = g;
      }
      // forward from (f, its end n)
      std::vector<int> chain, cables;
      const int from = n;
      bool ring = false;
      for (;;) {
        if (seen[f]) {
          ring = true;
          break;
        }
        seen[f] = 1;
        chain.push_back(f);
        cables.push_back(fibres_[f].cable);
        n = other(f, n);
        const int g = next(f, n);
        if (g < 0) break;
        f = g;
      }
      bool all_free = true;
      for (int g : chain) all_free = all_free && !fibres_[g].routed && !fibres_[g].broken;
      if (ring || chain.size() < 2 || closures.count(from) || closures.count(n)) {
        dead += !ring && all_free;
        continue;  // a ring, or an end left unspliced in a closure: goes nowhere
      }
      if (!all_free) {
        ++used;
        continue;
      }
      // one direction for every chain of the group: from the end whose cable comes first in t_cable
      if (cables.back() < cables.front() || (cables.back() == cables.front() && nodes_[n].code < nodes_[from].code)) {
        std::reverse(chain.begin(), chain.end());
        std::reverse(cables.begin(), cables.end());
        std::vector<int> key = {n};
        key.insert(key.end(), cables.begin(), cables.end());
        key.push_back(from);
        auto& gr = groups[key];
        gr.from = n, gr.to = from, gr.cables = cables;
        gr.chains.push_back(std::move(chain));
      } else {
        std::vector<int> key = {from};
        key.insert(key.end(), cables.begin(), cables.end());
        key.push_back(n);
        auto& gr = groups[key];
        gr.from = from, gr.to = n, gr.cables = cables;
        gr.chains.push_back(std::move(chain));
      }
    }
    // the cables' own links: no free pair once one of their ends is a closure
    std::vector<int> in_chains(cables_.size(), 0);  // pairs of each cable in logical links
    for (const auto& [key, g] : groups)
      for (int ci : g.cables) in_chains[ci] += int(g.chains.size() / 2);
    std::vector<char> touched(cables_.size(), 0);
    for (std::size_t i = 0; i < cables_.size(); ++i) {
      if (!fibred(int(i)) || !(closures.count(cables_[i].a) || closures.count(cables_[i].b))) continue;
      touched[i] = 1;
      Link& l = net.mutable_links()[link_of[i]];
      l.pairs_total = std::max(0, l.pairs_total - in_chains[i]);
      l.pairs_used = l.pairs_total;
      out_.fibres.free.erase(cables_[i].code);
    }
    std::unordered_set<std::string> taken;
    for (const auto& l : net.links()) taken.insert(l.id);
    long logical = 0, chains = 0;
    for (auto& [key, g] : groups) {
      if (g.chains.size() < 2) continue;  // one fibre is not a pair
      Link l;
      std::vector<std::string> codes, srgs;
      double km = 0, lease = 0, build = 0, aerial = 0, duct = 0;
      bool leased = false, dorsale = true;
      for (int ci : g.cables) {
        const Link& c = net.links()[link_of[ci]];
        codes.push_back(cables_[ci].code);
        km += c.length_km;
        lease += c.lease_eur_per_pair_km_year * c.length_km;
        build += c.build_eur_per_km * c.length_km;
        aerial += c.aerial_share * c.length_km;
        duct += c.duct_share * c.length_km;
        leased = leased || c.status == LinkStatus::Leased;
        dorsale = dorsale && c.dorsale;
        srgs.push_back("cable " + cables_[ci].code);
        c.for_each_risk_group([&](const std::string& s) { srgs.push_back(s); });
      }
      l.id = fmt::format("{}", fmt::join(codes, "+"));
      while (!taken.insert(l.id).second) l.id += "'";
      l.length_km = km;
      l.owner = cables_[g.cables.front()].owner;
      l.dorsale = dorsale;
      l.status = leased ? LinkStatus::Leased : LinkStatus::Owned;
      l.pairs_total = int(g.chains.size() / 2);
      // a cable leased, another owned: the leased rate priced on the whole at the mean of both rates, so
      // link_cost gives the sum of its cables' (README "Real networks")
      if (leased)
        for (int ci : g.cables)
          if (net.links()[link_of[ci]].status != LinkStatus::Leased) lease += P_.costs.owned_eur_per_pair_km_year * net.links()[link_of[ci]].length_km;
      l.lease_eur_per_pair_km_year = lease / km;
      l.build_eur_per_km = build / km;
      l.aerial_share = aerial / km;
      l.duct_share = duct / km;
      l.latency_ms = km * P_.network.latency_us_per_km / 1000.0;
      l.corridor = net.links()[link_of[g.cables.front()]].corridor;
      std::sort(srgs.begin(), srgs.end());
      srgs.erase(std::unique(srgs.begin(), srgs.end()), srgs.end());
      l.srg = srgs.front();
      l.extra_srgs.assign(srgs.begin() + 1, srgs.end());
      auto& out = out_.fibres.chains[l.id];
      out.from = nodes_[g.from].code;
      out.cables = codes;
      for (const auto& ch : g.chains) {
        out.fibres.emplace_back();
        for (int f : ch) out.fibres.back().push_back(fibres_[f].code);
      }
      ++logical;
      chains += long(g.chains.size());
      net.add_link(std::move(l), nodes_[g.from].code, nodes_[g.to].code);
    }
    for (std::size_t i = 0; i < cables_.size(); ++i)  // a cable's failure takes down every link through it
      if (touched[i] && in_chains[i] > 0) {
        Link& l = net.mutable_links()[link_of[i]];
        if (l.srg.empty())
          l.srg = "cable " + cables_[i].code;
        else
          l.extra_srgs.push_back("cable " + cables_[i].code);
      }
    out_.info.derived.push_back(fmt::format(
        "route continuity by fibre chains through {} splice closures (nodes with no site where t_position joins fibres of two cables): "
        "{} chains of free fibres spliced end to end (ps_fonct not AT/PI, ps_etat not HS) in {} logical links (one per sequence of cables, "
        "chains / 2 pairs); {} chains with a used or out-of-order fibre, {} free chains ending unspliced in a closure (they go nowhere); "
        "at sites and other nodes any free pair continues",
        closures.size(), chains, logical, used, dead));
    if (by_cable > 0)
      out_.info.derived.push_back(fmt::format(
          "{} splice closures keep the cable-level rule (a cable without t_fibre rows or to build ends there), e.g. {}", by_cable,
          fmt::join(by_cable_examples, ", ")));
    if (second > 0)
      out_.info.derived.push_back(fmt::format("{} t_position rows splice a fibre end already spliced: ignored", second));
    if (elsewhere > 0)
      out_.info.derived.push_back(fmt::format(
          "{} t_position rows join fibres of two cables with no closure (node with no site) in common: not used for continuity", elsewhere));
  }

  void build() {
    fibre_capacity();
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
      const double gap = P_.gracethd.length_gap_share;
      if (c.lgreel_m > 0 && c.geometry_m > 0 && std::fabs(c.lgreel_m - c.geometry_m) > gap * std::max(c.lgreel_m, c.geometry_m))
        warnings_.add("t_cable", fmt::format("cb_lgreel and its t_cableline geometry differ by more than {:g} % (gracethd.length_gap_share)", gap * 100),
                      c.label, "length_gap");
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
    std::vector<int> link_of(cables_.size(), -1);
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
      link_of[i] = net.add_link(std::move(l), nodes_[c.a].code, nodes_[c.b].code);
    }
    for (std::size_t k = 0; k < out_.high_points.size(); ++k) out_.high_points[k].fibred = in_service[hp_node_[k]];
    if (net.links().empty())
      throw InputError(out_.info.source, 0, "t_cable",
                       fmt::format("no cable of t_cable could be kept ({} rows left out; dorsale network check lists them with their reasons)",
                                   dropped_.total()));
    const NetworkTotals totals = network_totals(net);  // the cables, before chains regroup their fibres
    chains(net, link_of);
    validate(net);
    if (straight > 0)
      out_.info.derived.push_back(fmt::format(
          "{} cable lengths from the straight line x network.rip_detour_factor ({}): no cb_lgreel, cheminement or cableline", straight, detour));
    if (usage_unknown_ > 0)
      out_.info.derived.push_back(fmt::format("{} cables without cb_fo_util nor cb_fo_disp: all their fibres counted free", usage_unknown_));
    out_.info.dropped = dropped_.take();
    out_.info.warnings = warnings_.take();
    out_.info.totals = totals;
  }

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

NetworkImport read_gracethd(const std::string& path, const Parameters& P, ProgressSink* progress) {
  GDALAllRegister();
  return Importer(path, P, progress).run();
}

NetworkCheck check_network(const std::string& path, const Parameters& P, ProgressSink* progress) noexcept {
  NetworkCheck out;
  try {
    out.info.source = path;
    GDALAllRegister();
    std::error_code ec;
    bool gracethd = fs::is_directory(path, ec);
    if (!gracethd) {
      if (!fs::exists(path, ec)) throw InputError(path, 0, "", "no such file or folder");
      const char* drivers[] = {"GPKG", nullptr};
      DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
      if (!ds) throw InputError(path, 0, "", "is neither a GraceTHD delivery folder nor a GeoPackage");
      gracethd = ds->GetLayerByName("t_noeud") != nullptr;
      if (!gracethd) {
        out.info = read_network(path, P).info;  // a dorsale layers.gpkg: no tables to report
        out.usable = true;
        return out;
      }
    }
    std::optional<Importer> imp;
    try {
      imp.emplace(path, P, progress);
      out.info = imp->run().info;
      out.usable = true;
    } catch (const std::exception&) {
      if (imp) out.info = imp->info_so_far();
      if (imp) out.read = imp->tables_read(), out.ignored = imp->tables_ignored();
      throw;
    }
    out.read = imp->tables_read();
    out.ignored = imp->tables_ignored();
  } catch (const std::exception& e) {
    out.usable = false;
    out.error = e.what();
  } catch (...) {
    out.usable = false;
    out.error = "unknown failure";
  }
  return out;
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

NetworkImport read_network(const std::string& path, const Parameters& P, ProgressSink* progress) {
  GDALAllRegister();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, 0, "", "no such file or folder");
  if (fs::is_directory(path, ec)) return read_gracethd(path, P, progress);
  const char* drivers[] = {"GPKG", nullptr};
  DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
  if (!ds) throw InputError(path, 0, "", "is neither a GraceTHD delivery folder nor a GeoPackage");
  if (ds->GetLayerByName("t_noeud")) {
    ds.reset();
    return read_gracethd(path, P, progress);
  }
  if (ds->GetLayerByName("network_nodes")) return read_layers(path, ds.get());
  throw InputError(path, 0, "", "a GeoPackage with neither GraceTHD tables (t_noeud, t_cable) nor dorsale network layers (network_nodes)");
}

}  // namespace dorsale::scenarios
