#include "io/xlsx.h"
#include "io/spelling.h"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <map>
#include <stdexcept>
#include <system_error>

#include "models/run_summary.h"
#include "models/technology.h"
#include "io/reasons.h"

namespace dorsale::io {

namespace {

using I = std::int64_t;

Sheet trajectory_sheet(const RunSummary& s) {
  Sheet t{"trajectory",
          {"year", "premises_ge8 [%]", "premises_ge30 [%]", "premises_ftth [%]", "public_spend [EUR]", "private_spend [EUR]",
           "alternatives_spend [EUR]", "limit"},
          {}};
  for (const auto& y : s.trajectory) {
    const auto& f = y.figures;
    t.rows.push_back({I(y.year), f.shares.pct_ge8, f.shares.pct_ge30, f.shares.pct_ftth, f.public_spend_eur, f.private_spend_eur,
                      f.alternatives_eur, y.limit.empty() ? Cell{} : Cell{y.limit}});
  }
  return t;
}

Sheet technology_sheet(const std::vector<YearTotals>& years) {
  Sheet t{"by_technology", {"year", "ftth [premises]", "ge30_not_ftth [premises]"}, {}};
  for (int k = 0; k < kTechnologyCount; ++k) t.columns.push_back(fmt::format("{} [premises]", io::spell(Technology(k))));
  for (const auto& y : years) {
    std::vector<Cell> row{I(y.year), I(y.bands[int(Band::Ftth)]), I(y.bands[int(Band::ThdNonFtth)])};
    for (int k = 0; k < kTechnologyCount; ++k) row.push_back(I(y.technologies[k]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Sheet departement_sheet(const Region& region, const std::vector<YearTotals>& years) {
  Sheet t{"by_departement",
          {"year", "departement", "name", "premises [premises]", "premises_ge8 [%]", "premises_ge30 [%]", "premises_ftth [%]"},
          {}};
  for (const auto& y : years)
    for (std::size_t d = 0; d < region.departements.size(); ++d) {
      const auto& b = y.bands_by_departement[d];
      I premises = 0;
      for (auto v : b) premises += v;
      const auto sh = share_figures(b);
      t.rows.push_back({I(y.year), region.departements[d].code, region.departements[d].name, premises, sh.pct_ge8, sh.pct_ge30, sh.pct_ftth});
    }
  return t;
}

Sheet quantities_sheet(const std::vector<QuantitiesRow>& rows) {
  Sheet t{"quantities",
          {"year", "departement", "premises_passed_public [premises]", "premises_passed_private [premises]",
           "premises_alternatives [premises]", "trench [km]", "aerial [km]", "duct [km]", "nros_in_service [NROs]", "pms [PMs]",
           "cable_le24f [km]", "cable_25_144f [km]", "cable_gt144f [km]", "masts [masts]", "public_ftth [EUR]", "collecte [EUR]",
           "private_ftth [EUR]", "alternatives [EUR]", "masts [EUR]", "per_premises_passed [EUR]", "per_premises_connected [EUR]"},
          {}};
  for (const auto& r : rows)
    t.rows.push_back({I(r.year), r.departement, r.premises_passed_public, r.premises_passed_private, r.premises_alternatives, r.trench_km,
                      r.aerial_km, r.duct_km, I(r.nros), I(r.pms), r.cable_km[0], r.cable_km[1], r.cable_km[2], I(r.masts),
                      r.public_ftth_eur, r.collecte_eur, r.private_ftth_eur, r.alternatives_eur, r.masts_eur, r.eur_per_premises_passed(),
                      r.eur_per_premises_connected()});
  return t;
}

Sheet towers_sheet(const TowersResult* towers) {
  Sheet t{"towers",
          {"year", "sites [sites]", "site_ids", "cost [EUR]", "planned_links [EUR]", "premises_newly_covered [premises]",
           "white_zone_premises_after [premises]"},
          {}};
  if (!towers) return t;
  for (const auto& y : towers->programme)
    t.rows.push_back({I(y.year), I(y.sites.size()), fmt::format("{}", fmt::join(y.sites, " ")), y.cost_eur, y.planned_links_eur,
                      y.premises_newly_covered, y.white_zone_premises_after});
  return t;
}

Sheet guichet_sheet(const GuichetRun& g) {
  Sheet t{"guichet",
          {"set", "measure", "unit", "year", "departement", "mean", "p10", "p50", "p90", "standard_error"},
          {}};
  auto add = [&](const std::string& set, const char* measure, const char* unit, int year, const std::string& dep, const Quantiles& q) {
    t.rows.push_back({set, std::string(measure), std::string(unit), I(year), dep, q.mean, q.p10, q.p50, q.p90, q.se});
  };
  for (const auto& set : g.sets) {
    const auto& st = set.stats;
    for (int m = 0; m < 2; ++m) {
      const char* measure = m == 0 ? "subsidy" : "premises";
      const char* unit = m == 0 ? "EUR" : "premises";
      const auto& by_year = m == 0 ? st.subsidy_by_year : st.premises_by_year;
      const auto& by_dep = m == 0 ? st.subsidy : st.premises;
      for (std::size_t y = 0; y < by_year.size(); ++y) {
        const int year = g.first_year + int(y);
        add(set.name, measure, unit, year, "region", by_year[y]);
        for (std::size_t d = 0; d < by_dep.size() && d < g.deps.size(); ++d)
          if (y < by_dep[d].size()) add(set.name, measure, unit, year, g.deps[d], by_dep[d][y]);
      }
    }
  }
  return t;
}

std::string destination_text(const Destination& d) {
  switch (d.kind) {
    case Destination::Kind::Node: return d.id;
    case Destination::Kind::Hub: return "hub:" + d.id;
    case Destination::Kind::AnyDorsalePop: return "dorsale";
  }
  return "";
}

Sheet interconnection_sheet(const InterconnectionResults& ic) {
  Sheet t{"interconnection",
          {"id", "requester", "site", "destination", "pairs [pairs]", "protection", "decision", "capex [EUR]", "opex [EUR]", "total [EUR]",
           "latency [ms]", "new_build [km]", "builds", "reasons"},
          {}};
  std::map<std::string, const InterconnectionRequest*> req;
  for (const auto& r : ic.requests) req.emplace(r.id, &r);
  for (const auto& d : ic.decisions) {
    const auto it = req.find(d.id);
    const InterconnectionRequest* r = it == req.end() ? nullptr : it->second;
    t.rows.push_back({d.id, r ? Cell{r->requester} : Cell{}, r ? Cell{r->site_node} : Cell{}, r ? Cell{destination_text(r->destination)} : Cell{},
                      r ? Cell{I(r->pairs)} : Cell{}, r ? Cell{std::string(io::spell(r->protection))} : Cell{},
                      std::string(io::spell(d.decision)), d.capex_eur, d.opex_eur, d.total_eur, d.latency_ms, d.new_build_km,
                      fmt::format("{}", fmt::join(d.builds, " ")), fmt::format("{}", fmt::join(reason_texts(d.reasons), "; "))});
  }
  return t;
}

void check(lxw_error e, const std::filesystem::path& path, const char* what) {
  if (e != LXW_NO_ERROR) throw std::runtime_error(fmt::format("{}: {}: {}", path.string(), what, lxw_strerror(e)));
}

}  // namespace

std::vector<Sheet> results_sheets(const Region& region, const ScenarioResults& results, const std::vector<QuantitiesRow>& quantities,
                                  const TowersResult* towers, const GuichetRun& guichet) {
  const auto years = year_totals(region, results);
  return {trajectory_sheet(summarize_run(region, results)), technology_sheet(years), departement_sheet(region, years),
          quantities_sheet(quantities),                      towers_sheet(towers),     guichet_sheet(guichet),
          interconnection_sheet(results.interconnection)};
}

void write_xlsx(const std::filesystem::path& path, const std::vector<Sheet>& sheets) {
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  std::filesystem::remove(tmp);
  lxw_workbook* wb = workbook_new(tmp.string().c_str());
  if (!wb) throw std::runtime_error(fmt::format("{}: cannot create the workbook", path.string()));
  try {
    // a fixed creation date (2000-01-01): the same results give the same bytes (an MPI run's
    // folder equals the single process's)
    lxw_doc_properties props{};
    props.title = const_cast<char*>("dorsale results");
    props.created = 946684800;
    check(workbook_set_properties(wb, &props), path, "properties");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (const auto& s : sheets) {
      lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
      if (!ws) throw std::runtime_error(fmt::format("{}: cannot add the sheet '{}'", path.string(), s.name));
      for (std::size_t c = 0; c < s.columns.size(); ++c)
        check(worksheet_write_string(ws, 0, lxw_col_t(c), s.columns[c].c_str(), bold), path, "header");
      for (std::size_t r = 0; r < s.rows.size(); ++r)
        for (std::size_t c = 0; c < s.rows[r].size(); ++c) {
          const auto row = lxw_row_t(r + 1);
          const auto col = lxw_col_t(c);
          const auto& v = s.rows[r][c];
          if (const auto* d = std::get_if<double>(&v)) check(worksheet_write_number(ws, row, col, *d, nullptr), path, s.name.c_str());
          else if (const auto* i = std::get_if<std::int64_t>(&v)) check(worksheet_write_number(ws, row, col, double(*i), nullptr), path, s.name.c_str());
          else if (const auto* t = std::get_if<std::string>(&v)) {
            if (!t->empty()) check(worksheet_write_string(ws, row, col, t->c_str(), nullptr), path, s.name.c_str());
          }
        }
      worksheet_freeze_panes(ws, 1, 0);
    }
  } catch (...) {
    workbook_close(wb);
    std::filesystem::remove(tmp);
    throw;
  }
  const lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    std::filesystem::remove(tmp);
    check(e, path, "closing the workbook");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("{}: {}", path.string(), ec.message()));
  }
}

}  // namespace dorsale::io
