// The open-data import's counts: ARCEP communes and FttH, the bands of the non-FttH premises,
// INSEE populations through the mergers since 2018 (io/opendata_import.h).
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

// The département of an INSEE commune code (3 characters overseas).
std::string departement_of_code(const std::string& code) { return code.rfind("97", 0) == 0 ? code.substr(0, 3) : code.substr(0, 2); }

// The départements the commune polygons cover: rows of the ARCEP files outside them are left out
// (a national or regional file used for part of it), rows inside them must name a known commune.
std::set<std::string> departements_of(const std::vector<Commune>& C) {
  std::set<std::string> deps;
  for (const auto& c : C) deps.insert(c.departement);
  return deps;
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

}  // namespace

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

}  // namespace dorsale::scenarios::opendata_import
