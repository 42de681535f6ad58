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
#include "io/opendata_import.h"

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

using namespace opendata_import;

namespace {

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
  io::register_gdal_drivers();
  Import I{files, P, Projection::for_this_thread(), {}, {}, {}, {}, {}};
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
