// The GraceTHD importer on a GeoPackage delivery (`--network delivery.gpkg`): the 3-node,
// 3-cable delivery of fuzz_gracethd_import.cpp written once by the export's writer as
// gracethd.gpkg (GraceThdFormat::Gpkg) into /dev/shm. Each input replaces the rows of one
// layer, written with SQLite into a copy of that GeoPackage, so the importer meets the values
// a GeoPackage can hold and a CSV cannot: integers, reals (48.7 in an integer field, NaN,
// 1e308), text in a numeric field, NULLs, invalid UTF-8 text, any number of rows.
//
// Input: byte 0: bits 0-6 pick the layer (in the GeoPackage's order: t_noeud, t_cheminement,
// t_cableline, t_cable, ...), bit 7 runs `dorsale network check` (scenarios::check_network,
// noexcept: an unusable result must carry its error) instead of scenarios::read_network
// (InputError / ValidationError are its rejections). The rest: one row per line, cells
// separated by ';' in the layer's column order (the geometry and the feature id left out).
// A cell is stored as: "" -> NULL; a decimal integer -> INTEGER; another number strtod
// reads whole (1e308, nan, 0x10) -> REAL; "'" followed by anything -> that TEXT; anything
// else -> TEXT as it is. A spatial layer's row k takes the geometry of the written row
// k mod n (a line starting with '#' has none: NULL geometry). At most 64 rows.
//
// DORSALE_FUZZ_WRITE_SEEDS=DIR: Initialize also writes one seed per layer (its written rows
// in this format) into DIR (how fuzz/corpus/gracethd_gpkg/ was made).
#include <sqlite3.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "fuzz/gracethd_delivery.h"
#include "models/parameters.h"
#include "io/gracethd.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace fs = std::filesystem;

namespace {

struct Layer {
  std::string name;
  std::string geom;                   // geometry column ("" for an attribute table)
  std::vector<std::string> columns;   // the attribute columns, in order (no fid, no geometry)
  std::vector<std::string> geometries;  // the written rows' geometry blobs
};

fs::path tmpl, work;
std::vector<Layer> layers;

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  std::fprintf(stderr, "fuzz_gracethd_gpkg: %s: %s\n", what.c_str(), db ? sqlite3_errmsg(db) : "");
  std::abort();
}

void exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

std::string sql_id(const std::string& id) {
  std::string out = "\"";
  for (char c : id) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One cell as the input format writes it.
std::string cell_text(sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      return "";
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(st, col));
    case SQLITE_FLOAT: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, col));
      return buf;
    }
    default:
      return "'" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, col)), std::size_t(sqlite3_column_bytes(st, col)));
  }
}

void bind_cell(sqlite3_stmt* st, int i, const std::string& v) {
  if (v.empty()) {
    sqlite3_bind_null(st, i);
    return;
  }
  if (v[0] == '\'') {
    sqlite3_bind_text(st, i, v.data() + 1, int(v.size() - 1), SQLITE_TRANSIENT);
    return;
  }
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() + v.size() && errno == 0 && v.find('\0') == std::string::npos) {
    sqlite3_bind_int64(st, i, n);
    return;
  }
  const double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() + v.size() && v.find('\0') == std::string::npos) {
    sqlite3_bind_double(st, i, d);
    return;
  }
  sqlite3_bind_text(st, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fs::path dir = dorsale_fuzz::work_dir() / "gpkg";
  {
    dorsale::viz::OutputDir out(dir, "network");
    dorsale::viz::write_gracethd(out, dorsale_fuzz::small_network(), dorsale::viz::GraceThdFormat::Gpkg);
    out.commit();
  }
  tmpl = dir / "gracethd.gpkg";
  work = dorsale_fuzz::work_dir() / "delivery.gpkg";
  sqlite3* db = nullptr;
  if (sqlite3_open(tmpl.c_str(), &db) != SQLITE_OK) fail(db, "cannot open the written GeoPackage");
  // the R-tree triggers call GDAL's SQL functions (ST_IsEmpty...), which plain SQLite lacks;
  // the importer reads whole layers (no spatial filter), so the R-trees are not needed
  std::vector<std::string> triggers;
  {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) triggers.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
  }
  for (const auto& t : triggers) exec(db, "DROP TRIGGER " + sql_id(t));
  {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT c.table_name, coalesce(g.column_name, '') FROM gpkg_contents c "
                       "LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name ORDER BY c.rowid",
                       -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      layers.push_back({reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), {}, {}});
    sqlite3_finalize(st);
  }
  if (layers.empty()) fail(db, "the written GeoPackage has no layer");
  const char* seeds = std::getenv("DORSALE_FUZZ_WRITE_SEEDS");
  for (std::size_t k = 0; k < layers.size(); ++k) {
    Layer& L = layers[k];
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("PRAGMA table_info(" + sql_id(L.name) + ")").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      const std::string col = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      if (sqlite3_column_int(st, 5) == 0 && col != L.geom) L.columns.push_back(col);  // pk column: 5 > 0
    }
    sqlite3_finalize(st);
    std::string sel = "SELECT ";
    for (const auto& c : L.columns) sel += sql_id(c) + ", ";
    sel += (L.geom.empty() ? std::string("NULL") : sql_id(L.geom)) + " FROM " + sql_id(L.name) + " ORDER BY rowid";
    if (sqlite3_prepare_v2(db, sel.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(db, sel);
    std::string seed(1, char(k));
    const int n = int(L.columns.size());
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < n; ++i) seed += (i ? ";" : "") + cell_text(st, i);
      seed += "\n";
      if (!L.geom.empty())
        L.geometries.emplace_back(static_cast<const char*>(sqlite3_column_blob(st, n)), std::size_t(sqlite3_column_bytes(st, n)));
    }
    sqlite3_finalize(st);
    if (seeds) dorsale_fuzz::put(fs::path(seeds) / ("layer-" + std::to_string(k) + "-" + L.name), seed);
  }
  sqlite3_close(db);
  dorsale_fuzz::skip_spatialite(tmpl);  // SpatiaLite's SQL functions: the importer uses none
  dorsale_fuzz::keep_sqlite_lock(tmpl);  // one lock a connection, not one a statement
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dorsale::Parameters params;
  if (size < 1) return 0;
  const Layer& L = layers[(data[0] & 0x7f) % layers.size()];
  const bool check = data[0] & 0x80;
  dorsale_fuzz::copy_file(tmpl, work);
  sqlite3* db = nullptr;
  if (sqlite3_open(work.c_str(), &db) != SQLITE_OK) fail(db, "cannot open the copy");
  exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; BEGIN; DELETE FROM " + sql_id(L.name));
  std::string ins = "INSERT INTO " + sql_id(L.name) + " (";
  std::string vals;
  for (std::size_t i = 0; i < L.columns.size(); ++i) ins += (i ? ", " : "") + sql_id(L.columns[i]), vals += i ? ", ?" : "?";
  if (!L.geom.empty()) ins += ", " + sql_id(L.geom), vals += ", ?";
  ins += ") VALUES (" + vals + ")";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ins.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(db, ins);
  const std::string text = dorsale_fuzz::as_string(data + 1, size - 1);
  std::size_t row = 0;
  for (std::string line : split(text, '\n')) {
    if (row == 64) break;
    if (line.empty() && row > 0) continue;
    const bool no_geom = !line.empty() && line[0] == '#';
    if (no_geom) line.erase(0, 1);
    const auto cells = split(line, ';');
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (std::size_t i = 0; i < L.columns.size() && i < cells.size(); ++i) bind_cell(st, int(i + 1), cells[i]);
    if (!L.geom.empty() && !no_geom && !L.geometries.empty()) {
      const auto& g = L.geometries[row % L.geometries.size()];
      sqlite3_bind_blob(st, int(L.columns.size() + 1), g.data(), int(g.size()), SQLITE_TRANSIENT);
    }
    (void)sqlite3_step(st);  // a row a constraint of the layer refuses is simply not there
    ++row;
  }
  sqlite3_finalize(st);
  exec(db, "COMMIT");
  sqlite3_close(db);
  if (check) {
    const auto c = dorsale::scenarios::check_network(work.string(), params);
    if (!c.usable && c.error.empty()) std::abort();  // an unusable delivery always says why
    (void)dorsale::viz::network_check_json(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_network(work.string(), params));
  }
  return 0;
}
