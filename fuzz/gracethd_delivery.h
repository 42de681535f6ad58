#pragma once
// The small GraceTHD delivery of the GraceTHD fuzz targets (fuzz_gracethd_import,
// fuzz_gracethd_check): 3 nodes, 3 cables (two of them in one cheminement), written by the
// export's writer; and the file helpers they share.
#include <cpl_conv.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "models/network.h"
#include "models/parameters.h"
#include "io/gracethd.h"
#include "io/projection.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace dorsale_fuzz {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
inline void put(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline dorsale::Network small_network() {
  using namespace dorsale;
  Network net;
  const auto& proj = scenarios::Projection::for_this_thread();
  const char* ids[] = {"A", "B", "C"};
  const NodeKind kinds[] = {NodeKind::Nro, NodeKind::DorsalePop, NodeKind::HighPoint};
  for (int i = 0; i < 3; ++i) {
    Node n;
    n.id = ids[i];
    n.name = ids[i];
    n.kind = kinds[i];
    n.pos = proj.from_l93(850000 + 5000.0 * i, 6700000 + 3000.0 * (i % 2));
    n.owner = i ? "RIP 21" : "Region";
    net.add_node(n);
  }
  const char* ends[][2] = {{"A", "B"}, {"B", "C"}, {"A", "C"}};
  for (int k = 0; k < 3; ++k) {
    Link l;
    l.id = std::string("L") + char('1' + k);
    l.length_km = 5 + k;
    l.status = k == 2 ? LinkStatus::Planned : k == 1 ? LinkStatus::Leased : LinkStatus::Owned;
    l.pairs_total = 12;
    l.pairs_used = 2 * k;
    l.srg = k < 2 ? "CM-SHARED" : "";
    l.owner = "RIP 21";
    net.add_link(l, ends[k][0], ends[k][1]);
  }
  return net;
}

// Writes the delivery into `folder` (emptied first).
inline void write_small_delivery(const fs::path& folder) {
  fs::remove_all(folder);
  dorsale::viz::OutputDir out(folder, "network");
  dorsale::viz::write_gracethd(out, small_network(), dorsale::viz::GraceThdFormat::ShpCsv);
  out.commit();
}

// Turns GDAL work that does not depend on the fuzzed bytes off (GDAL config option `option` =
// `value`) once it has checked that the unchanged delivery at `path` imports to exactly the same
// network either way (else abort: the target would no longer test what users run).
inline void skip_gdal_work(const fs::path& path, const char* option, const char* value) {
  const dorsale::Parameters params;
  const auto before = dorsale::scenarios::read_network(path.string(), params);
  CPLSetConfigOption(option, value);
  const auto after = dorsale::scenarios::read_network(path.string(), params);
  const auto& a = before.network;
  const auto& b = after.network;
  bool same = a.nodes().size() == b.nodes().size() && a.links().size() == b.links().size() && !a.nodes().empty();
  for (std::size_t i = 0; same && i < a.nodes().size(); ++i) {
    const auto &p = a.nodes()[i], &q = b.nodes()[i];
    same = p.id == q.id && p.pos.x == q.pos.x && p.pos.y == q.pos.y && p.pos.lon == q.pos.lon && p.pos.lat == q.pos.lat;
  }
  for (std::size_t i = 0; same && i < a.links().size(); ++i) {
    const auto &l = a.links()[i], &m = b.links()[i];
    same = l.id == m.id && l.a == m.a && l.b == m.b && l.length_km == m.length_km;
  }
  if (!same) {
    std::fprintf(stderr, "dorsale fuzz: %s=%s changes the imported delivery: keep GDAL's default\n", option, value);
    std::abort();
  }
}

// GDAL's Shapefile driver identifies each layer's .prj against PROJ's database
// (OGRSpatialReference::FindBestMatch: two thirds of an input's CPU in build-fuzz-fast/,
// FUZZING.md "Two builds"). The .prj files are the ones written at start-up and never fuzzed,
// so the targets turn that identification off (the .prj is then read by importFromESRI and
// AutoIdentifyEPSG instead).
inline void skip_prj_identification(const fs::path& folder) { skip_gdal_work(folder, "USE_OSR_FIND_MATCHES", "NO"); }

// GDAL loads SpatiaLite into every GeoPackage connection (registering its SQL functions: ~30 %
// of an input's CPU in fuzz_gracethd_gpkg). The importer's SQL uses SQLite's own functions only
// (typeof, CAST, trim: Delivery::scan_gpkg_types), so the GeoPackage target turns it off.
inline void skip_spatialite(const fs::path& gpkg) { skip_gdal_work(gpkg, "SPATIALITE_LOAD", "NO"); }

// SQLite takes and drops its shared lock around every statement GDAL runs outside a
// transaction (a stat of the journal, two fcntl locks: ~20 % of an input's CPU in
// fuzz_gracethd_gpkg). Nothing else opens the target's copy, so its connection keeps the lock
// (SQLite's locking_mode=EXCLUSIVE, through GDAL's OGR_SQLITE_PRAGMA).
inline void keep_sqlite_lock(const fs::path& gpkg) { skip_gdal_work(gpkg, "OGR_SQLITE_PRAGMA", "locking_mode=EXCLUSIVE"); }

}  // namespace dorsale_fuzz
