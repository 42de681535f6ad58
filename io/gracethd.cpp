#include "io/gracethd.h"
#include "io/spelling.h"

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
#include "io/csv.h"
#include "io/gdal_util.h"
#include "io/projection.h"
#include "io/text.h"

#include "io/gracethd_import.h"

namespace dorsale::scenarios {

namespace gracethd_import {

void Importer::build() {
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

}  // namespace gracethd_import

namespace {

using namespace gracethd_import;

// ---- the network layers of a dorsale layers.gpkg (io/gpkg_writer.cpp) ----

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
      const auto k = io::parse_spelling<NodeKind>(text(*f, kind));
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
    const auto st = io::parse_spelling<LinkStatus>(text(*f, col["status"]));
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
  dorsale::io::register_gdal_drivers();
  return Importer(path, P, progress).run();
}

NetworkCheck check_network(const std::string& path, const Parameters& P, ProgressSink* progress) noexcept {
  NetworkCheck out;
  try {
    out.info.source = path;
    dorsale::io::register_gdal_drivers();
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
  dorsale::io::register_gdal_drivers();
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
