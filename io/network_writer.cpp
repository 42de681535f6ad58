#include "io/network_writer.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "models/gracethd.h"
#include "io/spelling.h"
#include "io/gpkg_util.h"

namespace fs = std::filesystem;

namespace dorsale::viz {

// ---- GraceTHD export ---------------------------------------------------------------------

namespace {

using Point = std::array<double, 2>;

// One table's rows as text (the CSV form), with their geometry.
struct TableData {
  const gracethd::Table& spec;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<Point>> geoms;

  explicit TableData(const std::string& name) : spec(gracethd::table(name)) {}
  std::vector<std::string>& add(std::vector<Point> g = {}) {
    rows.emplace_back(spec.fields.size());
    geoms.push_back(std::move(g));
    return rows.back();
  }
  void set(std::vector<std::string>& row, const char* field, std::string v) const {
    const int i = spec.index(field);
    if (i < 0) throw std::logic_error(fmt::format("{} has no field {}", spec.name, field));
    row[i] = std::move(v);
  }
};

std::string metres(double km) { return fmt::format("{:.2f}", km * 1000.0); }

// The tables of a network (models/gracethd.h for the mapping), filled step by step: nodes with
// their sites, then each link as a cable in its cheminements, then the organisations.
class NetworkTables {
 public:
  NetworkTables(const Network& net, const std::vector<HighPoint>& high_points) : net_(net), high_points_(high_points) {}

  std::vector<TableData> tables() {
    for (const auto& n : net_.nodes()) add_node(n);
    for (const auto& h : high_points_) add_high_point(h);
    count_risk_groups();
    for (const auto& l : net_.links()) add_link(l);
    for (const auto& owner : org_order_) {
      auto& o = org_.add();
      org_.set(o, "or_code", org_code_[owner]);
      org_.set(o, "or_nom", owner);
    }
    std::vector<TableData> out;
    for (auto* t : {&noeud_, &chem_, &cline_, &cable_, &cabcond_, &conduite_, &condchem_, &site_, &emission_, &org_})
      out.push_back(std::move(*t));
    return out;
  }

 private:
  // The or_code of an owner, in order of first use.
  std::string organisation(const std::string& owner) {
    if (owner.empty()) return "";
    auto it = org_code_.find(owner);
    if (it == org_code_.end()) {
      it = org_code_.emplace(owner, fmt::format("OR{:04d}", org_code_.size() + 1)).first;
      org_order_.push_back(owner);
    }
    return it->second;
  }

  void add_node(const Node& n) {
    const std::string type = gracethd::site_type_of(n.kind);
    auto& r = noeud_.add({{n.pos.x, n.pos.y}});
    noeud_.set(r, "nd_code", n.id);
    noeud_.set(r, "nd_nom", n.name);
    noeud_.set(r, "nd_type", !type.empty() ? "ST" : n.kind == NodeKind::HighPoint ? "SE" : "PT");
    if (!type.empty()) {
      auto& s = site_.add();
      site_.set(s, "st_code", "st:" + n.id);
      site_.set(s, "st_nd_code", n.id);
      site_.set(s, "st_nom", n.name);
      site_.set(s, "st_prop", organisation(n.owner));
      site_.set(s, "st_statut", "REC");
      site_.set(s, "st_etat", "OK");
      site_.set(s, "st_avct", "E");
      site_.set(s, "st_typephy", n.kind == NodeKind::Nro ? "SHE" : "BAT");
      site_.set(s, "st_typelog", type);
    } else if (n.kind == NodeKind::HighPoint) {
      auto& s = emission_.add();
      emission_.set(s, "se_code", "se:" + n.id);
      emission_.set(s, "se_nd_code", n.id);
      emission_.set(s, "se_prop", organisation(n.owner));
      emission_.set(s, "se_statut", "REC");
      emission_.set(s, "se_etat", "OK");
      emission_.set(s, "se_type", "TEL");
    }
  }

  // An existing high point that is not a node of the network: a t_noeud row (nd_code = its id)
  // and a t_siteemission row (se_anfr: its id when it is an ANFR number, se_haut: its height).
  void add_high_point(const HighPoint& h) {
    if (!h.existing || net_.find_node(h.id)) return;
    auto& r = noeud_.add({{h.pos.x, h.pos.y}});
    noeud_.set(r, "nd_code", h.id);
    noeud_.set(r, "nd_type", "SE");
    noeud_.set(r, "nd_r3_code", h.commune);
    auto& s = emission_.add();
    emission_.set(s, "se_code", "se:" + h.id);
    emission_.set(s, "se_nd_code", h.id);
    const bool anfr = !h.id.empty() && std::all_of(h.id.begin(), h.id.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (anfr) emission_.set(s, "se_anfr", h.id);
    emission_.set(s, "se_statut", "REC");
    emission_.set(s, "se_etat", "OK");
    emission_.set(s, "se_type", "TEL");
    if (h.height_m > 0) emission_.set(s, "se_haut", fmt::format("{:.2f}", h.height_m));
  }

  // Shared-risk groups of two links or more become shared cheminements (in service when one of
  // their links is); every other link runs in a cheminement of its own.
  void count_risk_groups() {
    for (const auto& l : net_.links())
      l.for_each_risk_group([&](const std::string& g) {
        ++members_[g];
        group_in_service_[g] |= l.status != LinkStatus::Planned;
      });
  }

  std::vector<Point> segment(const Link& l) const {
    return {{net_.node(l.a).pos.x, net_.node(l.a).pos.y}, {net_.node(l.b).pos.x, net_.node(l.b).pos.y}};
  }

  void add_cheminement(const std::string& code, const Link& l, bool in_service) {
    auto& c = chem_.add(segment(l));
    chem_.set(c, "cm_code", code);
    chem_.set(c, "cm_ndcode1", net_.node(l.a).id);
    chem_.set(c, "cm_ndcode2", net_.node(l.b).id);
    chem_.set(c, "cm_voie", l.corridor);
    chem_.set(c, "cm_statut", in_service ? "REC" : "PRO");
    chem_.set(c, "cm_avct", in_service ? "E" : "C");
    chem_.set(c, "cm_typelog", "CO");
    chem_.set(c, "cm_typ_imp", "7");
    chem_.set(c, "cm_long", metres(l.length_km));
    auto& d = conduite_.add();
    conduite_.set(d, "cd_code", "cd:" + code);
    conduite_.set(d, "cd_statut", in_service ? "REC" : "PRO");
    conduite_.set(d, "cd_avct", in_service ? "E" : "C");
    conduite_.set(d, "cd_type", "NC");
    auto& m = condchem_.add();
    condchem_.set(m, "dm_cd_code", "cd:" + code);
    condchem_.set(m, "dm_cm_code", code);
  }

  // The cheminements a link runs in (written once each), with its t_cab_cond rows.
  void add_route_of(const Link& l) {
    std::vector<std::string> groups;
    l.for_each_risk_group([&](const std::string& g) {
      if (members_[g] >= 2 && std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    });
    if (groups.empty()) {
      add_cheminement("cm:" + l.id, l, l.status != LinkStatus::Planned);
      groups.push_back("cm:" + l.id);
    } else {
      for (const auto& g : groups)
        if (written_.emplace(g, 1).second) add_cheminement(g, l, group_in_service_[g]);
    }
    for (const auto& g : groups) {
      auto& cc = cabcond_.add();
      cabcond_.set(cc, "cc_cb_code", l.id);
      cabcond_.set(cc, "cc_cd_code", "cd:" + g);
    }
  }

  void add_link(const Link& l) {
    const bool planned = l.status == LinkStatus::Planned;
    add_route_of(l);
    auto& c = cable_.add();
    cable_.set(c, "cb_code", l.id);
    cable_.set(c, "cb_nd1", net_.node(l.a).id);
    cable_.set(c, "cb_nd2", net_.node(l.b).id);
    cable_.set(c, "cb_r1_code", l.dorsale ? gracethd::kDorsaleNetworkCode : "");
    cable_.set(c, "cb_prop", organisation(l.owner));
    cable_.set(c, "cb_proptyp", l.status == LinkStatus::Leased ? "LOC" : "CST");
    cable_.set(c, "cb_statut", planned ? "PRO" : "REC");
    cable_.set(c, "cb_etat", planned ? "" : "OK");
    cable_.set(c, "cb_avct", planned ? "C" : "E");
    cable_.set(c, "cb_tech", "OPT");
    cable_.set(c, "cb_typephy", "C");
    cable_.set(c, "cb_typelog", l.dorsale ? "CT" : "CO");
    cable_.set(c, "cb_capafo", std::to_string(2 * l.pairs_total));
    cable_.set(c, "cb_fo_disp", std::to_string(2 * l.pairs_free()));
    cable_.set(c, "cb_fo_util", std::to_string(2 * l.pairs_used));
    cable_.set(c, "cb_lgreel", metres(l.length_km));
    auto& cl = cline_.add(segment(l));
    cline_.set(cl, "cl_code", "cl:" + l.id);
    cline_.set(cl, "cl_cb_code", l.id);
    cline_.set(cl, "cl_long", metres(l.length_km));
  }

  const Network& net_;
  const std::vector<HighPoint>& high_points_;
  TableData noeud_{"t_noeud"}, chem_{"t_cheminement"}, cline_{"t_cableline"}, cable_{"t_cable"}, cabcond_{"t_cab_cond"},
      conduite_{"t_conduite"}, condchem_{"t_cond_chem"}, site_{"t_sitetech"}, emission_{"t_siteemission"}, org_{"t_organisme"};
  std::map<std::string, std::string> org_code_;
  std::vector<std::string> org_order_;
  std::unordered_map<std::string, int> members_;
  std::unordered_map<std::string, char> group_in_service_, written_;
};

std::vector<TableData> network_tables(const Network& net, const std::vector<HighPoint>& high_points) {
  return NetworkTables(net, high_points).tables();
}

// GDAL 3.6's CreateLayer takes a non-const reference system: one per thread, made once and
// never destroyed (no OSR object outlives PROJ's context at exit).
OGRSpatialReference* lambert93() {
  thread_local OGRSpatialReference* srs = [] {
    auto* s = new OGRSpatialReference;
    io::set_up_lambert93(*s);
    return s;
  }();
  return srs;
}

using io::DatasetPtr;

// Fills a layer with the table's fields (typed, or all text for a CSV file) and rows.
void fill_layer(OGRLayer* L, const TableData& t, bool all_text) {
  for (const auto& f : t.spec.fields) {
    OGRFieldDefn d(f.name.c_str(), OFTString);
    if (!all_text) {
      switch (f.type) {
        case 'S': d.SetWidth(f.width); break;
        case 'I': d.SetType(OFTInteger64); d.SetWidth(11); break;
        case 'R': d.SetType(OFTReal); d.SetWidth(32); d.SetPrecision(10); break;
        case 'D': d.SetType(OFTDate); d.SetWidth(10); break;
      }
    }
    if (L->CreateField(&d) != OGRERR_NONE) throw std::runtime_error(fmt::format("{}: cannot create field {}", t.spec.name, f.name));
  }
  gpkg_in_transaction(L, [&] {
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      OGRFeature f(L->GetLayerDefn());
      for (std::size_t i = 0; i < t.rows[r].size(); ++i)
        if (!t.rows[r][i].empty()) f.SetField(int(i), t.rows[r][i].c_str());
      const auto& g = t.geoms[r];
      if (t.spec.geom == gracethd::Geom::Point && !g.empty()) {
        f.SetGeometryDirectly(new OGRPoint(g[0][0], g[0][1]));
      } else if (t.spec.geom == gracethd::Geom::LineString && !g.empty()) {
        auto* ls = new OGRLineString;
        for (const auto& p : g) ls->addPoint(p[0], p[1]);
        f.SetGeometryDirectly(ls);
      }
      if (L->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error(fmt::format("{}: cannot write row {}", t.spec.name, r + 1));
    }
  });
}

OGRwkbGeometryType geometry_type(const gracethd::Table& t) {
  return t.geom == gracethd::Geom::Point ? wkbPoint : t.geom == gracethd::Geom::LineString ? wkbLineString : wkbNone;
}

GDALDriver* driver(const char* name) {
  dorsale::io::register_gdal_drivers();
  GDALDriver* d = GetGDALDriverManager()->GetDriverByName(name);
  if (!d) throw std::runtime_error(fmt::format("GDAL has no {} driver", name));
  return d;
}

// GeoPackage and DBF headers carry a date: a fixed one keeps the same network's files identical.
struct FixedDate {
  FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z"); }
  ~FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

// Writes the tables as Shapefiles and CSV files into `folder`; returns the files' names (the
// Shapefiles' companions included), sorted.
std::vector<std::string> write_shpcsv(const fs::path& folder, const std::vector<TableData>& tables) {
  for (const auto& t : tables) {
    const bool shp = t.spec.shapefile();
    const fs::path file = folder / (t.spec.name + (shp ? ".shp" : ".csv"));
    DatasetPtr ds(driver(shp ? "ESRI Shapefile" : "CSV")->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw std::runtime_error(fmt::format("{}: cannot create {}", t.spec.name, file.string()));
    char** opts = nullptr;
    if (shp) {
      opts = CSLSetNameValue(opts, "ENCODING", "UTF-8");
      opts = CSLSetNameValue(opts, "DBF_DATE_LAST_UPDATE", "2000-01-01");
    } else {
      opts = CSLSetNameValue(opts, "SEPARATOR", "SEMICOLON");
      opts = CSLSetNameValue(opts, "STRING_QUOTING", "IF_NEEDED");
    }
    OGRLayer* L = ds->CreateLayer(t.spec.name.c_str(), shp ? lambert93() : nullptr, geometry_type(t.spec), opts);
    CSLDestroy(opts);
    if (!L) throw std::runtime_error(fmt::format("{}: cannot create the table", t.spec.name));
    fill_layer(L, t, !shp);
    gpkg_close(ds, file.string());
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("t_", 0) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void write_gpkg(const fs::path& file, const std::vector<TableData>& tables) {
  DatasetPtr ds(driver("GPKG")->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create the GeoPackage", file.string()));
  for (const auto& t : tables) {
    OGRLayer* L = ds->CreateLayer(t.spec.name.c_str(), t.spec.shapefile() ? lambert93() : nullptr, geometry_type(t.spec), nullptr);
    if (!L) throw std::runtime_error(fmt::format("{}: cannot create the table in {}", t.spec.name, file.string()));
    fill_layer(L, t, false);
  }
  gpkg_close(ds, file.string());
}

// Copies the files of `folder` named in `names` into a new zip archive (GDAL's /vsizip/
// writer: deflate, one member per file).
void write_zip(const fs::path& zip, const fs::path& folder, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    std::ifstream in(folder / name, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw std::runtime_error(fmt::format("{}: cannot be read back for the archive", name));
    const std::string member = "/vsizip/" + zip.string() + "/" + name;
    VSILFILE* out = VSIFOpenL(member.c_str(), "wb");
    if (!out) throw std::runtime_error(fmt::format("{}: cannot add {} to the archive: {}", zip.string(), name, CPLGetLastErrorMsg()));
    const bool ok = VSIFWriteL(bytes.data(), 1, bytes.size(), out) == bytes.size();
    if (VSIFCloseL(out) != 0 || !ok) throw std::runtime_error(fmt::format("{}: cannot write {} into the archive", zip.string(), name));
  }
}

// A temporary folder removed on scope exit.
struct TempFolder {
  fs::path path;
  TempFolder() {
    static std::atomic<unsigned> counter{0};
    path = fs::temp_directory_path() / fmt::format("dorsale-gracethd-{}-{}", ::getpid(), counter++);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

namespace {

// The t_ropt rows of the accepted requests (README "Real networks"). Per route and link: a
// logical link of fibre chains gives, per cable in the route's direction, one row per fibre of
// the request's next 2 x pairs chains (each fibre runs end to end through the closures); a
// cable whose free fibres t_fibre lists gives its next 2 x pairs free fibres (at a node any free
// fibre continues); else one row for the link with rt_fo_code empty and a comment. A fibre is
// never given twice. rt_fo_ordr: the cable's rank on the route.
class RoptRows {
 public:
  RoptRows(const InterconnectionResults& res, const gracethd::Fibres& fibres) : res_(res), fibres_(fibres), t_("t_ropt") {}

  TableData table() {
    for (std::size_t i = 0; i < res_.decisions.size() && i < res_.requests.size(); ++i) {
      const auto& d = res_.decisions[i];
      if (d.decision == Decision::Reject) continue;
      for (std::size_t r = 0; r < d.route_links.size(); ++r)
        route(d.id, fmt::format("{}-{}", d.id, r + 1), d.route_links[r], r < d.routes.size() ? d.routes[r] : std::vector<std::string>{},
              res_.requests[i].pairs);
    }
    return std::move(t_);
  }

 private:
  void row(const std::string& code, const std::string& request, const std::string& fibre, std::size_t order, const std::string& comment) {
    auto& r = t_.add();
    t_.set(r, "rt_id", std::to_string(++id_));
    t_.set(r, "rt_code", code);
    t_.set(r, "rt_code_ext", request);
    t_.set(r, "rt_fo_code", fibre);
    t_.set(r, "rt_fo_ordr", std::to_string(order));
    t_.set(r, "rt_comment", comment);
  }

  void route(const std::string& request, const std::string& code, const std::vector<RouteLink>& links, const std::vector<std::string>& nodes,
             int pairs) {
    const std::size_t n = 2 * std::size_t(pairs);
    std::size_t order = 0;
    for (std::size_t k = 0; k < links.size(); ++k) {
      const std::string& link = links[k].id;
      const auto ch = fibres_.chains.find(link);
      if (ch != fibres_.chains.end()) {
        const auto& c = ch->second;
        std::size_t& from = next_[link];
        // the route enters the link at its end b when it does not come from its end a
        const bool reverse = k < nodes.size() && nodes[k] != c.from;
        if (c.fibres.size() < from + n) {
          for (std::size_t j = 0; j < c.cables.size(); ++j)
            row(code, request, "", ++order,
                fmt::format("cb_code {}: {} pairs, fibres not known (no free chains left in {})", c.cables[reverse ? c.cables.size() - 1 - j : j],
                            pairs, link));
          continue;
        }
        for (std::size_t j = 0; j < c.cables.size(); ++j) {
          const std::size_t cj = reverse ? c.cables.size() - 1 - j : j;
          ++order;
          for (std::size_t q = 0; q < n; ++q)
            row(fmt::format("{}-{}{}", code, q / 2 + 1, q % 2 ? "b" : "a"), request, c.fibres[from + q][cj], order, "cb_code " + c.cables[cj]);
        }
        from += n;
        continue;
      }
      ++order;
      const auto it = fibres_.free.find(link);
      std::size_t& from = next_[link];
      if (it == fibres_.free.end() || it->second.size() < from + n) {
        row(code, request, "", order,
            link.rfind("new:", 0) == 0 ? fmt::format("{}: {} pairs on a cable to lay", link, pairs)
                                        : fmt::format("cb_code {}: {} pairs, fibres not known (no free t_fibre rows left)", link, pairs));
        continue;
      }
      for (std::size_t q = 0; q < n; ++q)
        row(fmt::format("{}-{}{}", code, q / 2 + 1, q % 2 ? "b" : "a"), request, it->second[from++], order, "cb_code " + link);
    }
  }

  const InterconnectionResults& res_;
  const gracethd::Fibres& fibres_;
  TableData t_;
  long id_ = 0;
  std::map<std::string, std::size_t> next_;  // link -> its first free fibre / chain not yet given
};

}  // namespace

long write_ropt(OutputDir& dir, const InterconnectionResults& res, const gracethd::Fibres& fibres) {
  TableData t = RoptRows(res, fibres).table();
  const fs::path staging = dir.entry("t_ropt.csv").parent_path();
  write_shpcsv(staging, {t});
  return long(t.rows.size());
}

std::string ropt_csv(const InterconnectionResults& res, const gracethd::Fibres& fibres) {
  TableData t = RoptRows(res, fibres).table();
  TempFolder tmp;
  write_shpcsv(tmp.path, {t});
  std::ifstream in(tmp.path / "t_ropt.csv", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw std::runtime_error("t_ropt.csv: cannot read back the table written");
  return bytes;
}

std::vector<std::string> write_gracethd(OutputDir& dir, const Network& net, GraceThdFormat format, const std::vector<HighPoint>& high_points,
                                        bool archive) {
  const auto tables = network_tables(net, high_points);
  FixedDate fixed;
  if (archive) {
    TempFolder tmp;
    std::vector<std::string> names;
    if (format == GraceThdFormat::ShpCsv) {
      names = write_shpcsv(tmp.path, tables);
    } else {
      write_gpkg(tmp.path / "gracethd.gpkg", tables);
      names = {"gracethd.gpkg"};
    }
    write_zip(dir.entry("gracethd.zip"), tmp.path, names);
    return {"gracethd.zip"};
  }
  if (format == GraceThdFormat::ShpCsv) {
    const fs::path staging = dir.entry(tables.front().spec.name + ".shp").parent_path();
    auto names = write_shpcsv(staging, tables);
    for (const auto& n : names) dir.entry(n);  // the Shapefiles' companions are entries too
    return names;
  }
  write_gpkg(dir.entry("gracethd.gpkg"), tables);
  return {"gracethd.gpkg"};
}

}  // namespace dorsale::viz
