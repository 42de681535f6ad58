#include "viz/summary_json.h"

#include <fmt/format.h>

#include "models/run_summary.h"
#include "viz/interconnect_writer.h"
#include "io/spelling.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace dorsale::viz {

using nlohmann::json;

json region_json(const Region& r) {
  const RegionTotals t = compute_totals(r);
  const auto& prov = r.provenance;
  auto missing = [&](const char* f) { return std::find(prov.missing.begin(), prov.missing.end(), f) != prov.missing.end(); };
  json j;
  j["region"] = r.name;
  j["source"] = prov.source;
  j["geography"] = prov.geography;
  j["seed"] = prov.seed;
  j["communes"] = t.communes;
  j["departements"] = r.departements.size();
  j["population"] = missing("population") ? json(nullptr) : json(t.population);
  j["premises"] = t.premises;
  j["dwellings"] = t.dwellings;
  j["business_sites"] = t.business_sites;
  j["ftth_premises"] = missing("ftth_premises") ? json(nullptr) : json(t.ftth_passed);
  json bands;
  for (int b = 0; b < kBandCount; ++b) bands[band_key(Band(b))] = t.bands[b];
  j["bands"] = bands;
  json zones;
  for (int z = 0; z < kZoneCount; ++z) zones[zone_key(Zone(z))] = t.zones[z];
  if (!t.amel_known) zones["amel"] = nullptr;
  j["zones"] = zones;
  j["phase2"] = t.phase2 ? json{{"amel", (*t.phase2)[0]}, {"dsp", (*t.phase2)[1]}, {"unknown", (*t.phase2)[2]}}
                         : json{{"amel", nullptr}, {"dsp", nullptr}, {"unknown", nullptr}};
  j["thd_radio"] = {{"communes", t.thd_radio_communes ? json(*t.thd_radio_communes) : json(nullptr)},
                    {"premises", t.thd_radio_premises ? json(*t.thd_radio_premises) : json(nullptr)}};
  json sites, cov;
  for (int o = 0; o < kOperatorCount; ++o) {
    const char* name = operator_name(Operator(o));
    sites[name] = t.sites_known ? json(t.sites_by_operator[o]) : json(nullptr);
    cov[name] = t.coverage_by_operator ? json((*t.coverage_by_operator)[o]) : json(nullptr);
  }
  json mobile;
  mobile["sites_by_operator"] = sites;
  mobile["sites_total"] = t.sites_known ? json(std::accumulate(t.sites_by_operator.begin(), t.sites_by_operator.end(), std::int64_t{0}))
                                        : json(nullptr);
  mobile["high_points"] = std::count_if(r.high_points.begin(), r.high_points.end(), [](auto& h) { return h.existing; });
  mobile["candidate_high_points"] = std::count_if(r.high_points.begin(), r.high_points.end(), [](auto& h) { return !h.existing; });
  mobile["coverage_by_operator"] = cov;
  mobile["white_zone_premises"] = t.white_zone_premises ? json(*t.white_zone_premises) : json(nullptr);
  if (prov.mobile_rows_read) mobile["file_rows"] = *prov.mobile_rows_read;
  j["mobile"] = mobile;
  j["dorsale_km"] = t.dorsale_km ? json(*t.dorsale_km) : json(nullptr);
  j["external_hubs"] = t.external_hubs;
  j["network"] = {{"nodes", r.network.nodes().size()}, {"links", r.network.links().size()}};
  j["communes_under_500"] = missing("population") ? json(nullptr) : json(t.communes_under_500);
  j["rural_population"] = missing("population") ? json(nullptr) : json(t.rural_population);
  json deps = json::array();
  for (const auto& d : r.departements)
    deps.push_back({{"code", d.code}, {"name", d.name}, {"premises", t.premises_by_departement.count(d.code) ? t.premises_by_departement.at(d.code) : 0}});
  j["departements_list"] = deps;
  j["files"] = prov.files;
  j["derived"] = prov.derived;
  j["network_origin"] = prov.network_origin.empty() ? json(nullptr) : json(prov.network_origin);
  j["missing"] = prov.missing;
  return j;
}

namespace {

// The premises of a year by band, as counts and shares.
json shares_json(const std::array<std::int64_t, kBandCount>& b) {
  const ShareFigures f = share_figures(b);
  return json{{"premises", b[0] + b[1] + b[2] + b[3] + b[4]},
              {"below_8", b[0] + b[1]},
              {"below_30", b[0] + b[1] + b[2]},
              {"ftth", b[4]},
              {"pct_ge8", f.pct_ge8},
              {"pct_ge30", f.pct_ge30},
              {"pct_ftth", f.pct_ftth}};
}

}  // namespace

json trajectory_json(const Region& region, const ScenarioResults& res) {
  json years = json::array();
  std::map<std::string, std::size_t> dep_index;
  for (const auto& d : region.departements) dep_index.emplace(d.code, dep_index.size());
  const auto totals = year_totals(region, res);
  for (std::size_t y = 0; y < totals.size(); ++y) {
    const YearTotals& t = totals[y];
    json yj = shares_json(t.bands);
    yj["year"] = t.year;
    json techs;
    for (int k = 0; k < kTechnologyCount; ++k) techs[technology_key(Technology(k))] = t.technologies[k];
    yj["premises_by_technology"] = techs;
    if (y > 0 && res.rollout.planned && y - 1 < res.rollout.years.size()) {
      const auto& ys = res.rollout.years[y - 1];
      yj["public_spend_eur"] = ys.public_spend_eur;
      yj["budget_eur"] = ys.budget_eur;
      yj["collecte_eur"] = ys.collecte_eur;
      yj["collecte_km"] = ys.collecte_km;
      yj["nros_opened"] = ys.nros_opened;
      yj["private_spend_eur"] = ys.private_spend_eur;
      yj["alternatives_eur"] = ys.alternatives_eur;
      if (ys.pace_limited) {  // pace.model = ramp: what limited the year (scenarios/README.md "Build pace")
        yj["limit"] = year_limit(ys);
        yj["private_premises_added"] = ys.private_premises_added;
        yj["public_premises_added"] = ys.public_premises_added;
      }
    }
    json deps;
    for (const auto& d : region.departements) deps[d.code] = shares_json(t.bands_by_departement[dep_index.at(d.code)]);
    yj["by_departement"] = deps;
    years.push_back(yj);
  }
  return years;
}

json targets_json(const std::vector<TargetAssessment>& targets) {
  json out;
  for (const auto& t : targets) {
    json r = {{"target_year", t.target_year}, {"met_year", t.met_year ? json(*t.met_year) : json(nullptr)}, {"met", t.met}};
    if (t.premises_short_at_target_year) r["premises_short_at_target_year"] = *t.premises_short_at_target_year;
    if (t.pct_short_at_target_year) r["pct_short_at_target_year"] = *t.pct_short_at_target_year;
    out[t.name] = r;
  }
  return out;
}

json summary_json(const Region& region, const ScenarioResults& res, const Parameters& params) {
  json j;
  j["dorsale_version"] = res.info.version;
  j["scenario"] = {{"name", res.info.scenario}, {"file", res.info.scenario_file}, {"hash", res.info.scenario_hash},
                   {"seed", res.info.seed}, {"overridden_parameters", res.info.overridden_parameters}};
  j["years"] = res.communes.years;
  j["region"] = region_json(region);
  json states = json::array();
  for (std::size_t y = 0; y < res.communes.years.size(); ++y) {
    std::array<std::int64_t, kBandCount> tot{};
    for (const auto& c : res.communes.states[y])
      for (int b = 0; b < kBandCount; ++b) tot[b] += c[b];
    json band;
    for (int b = 0; b < kBandCount; ++b) band[band_key(Band(b))] = tot[b];
    states.push_back({{"year", res.communes.years[y]}, {"premises_by_band", band}});
  }
  j["premises_by_year"] = states;
  if (res.rollout.planned) {
    j["start_date"] = res.rollout.start_date;  // the state of year first_year - 1; year Y: 31 December of Y
    j["trajectory"] = trajectory_json(region, res);
    j["targets"] = targets_json(res.targets);
    const auto& ro = res.rollout;
    const RolloutTotals tot = rollout_totals(ro);
    j["rollout"] = {{"optimiser", io::spell(ro.optimiser)}, {"status", io::spell(ro.optimiser_status)}, {"objective", ro.objective},
                    {"bound", ro.bound}, {"gap", ro.gap},
                    {"public_spend_eur", tot.public_spend_eur}, {"private_spend_eur", tot.private_spend_eur},
                    {"alternatives_eur", tot.alternatives_eur}, {"collecte_eur", tot.collecte_eur}, {"collecte_km", tot.collecte_km}, {"collecte_links", ro.collecte.size()}};
  }
  j["outputs"] = {"summary.json", "results.h5", "results.xlsx", "layers.gpkg"};
  if (res.rollout.planned) {  // the bill of quantities and its cost Monte Carlo (planner/quantities.h)
    j["outputs"].push_back("quantities.csv");
    j["outputs"].push_back("cost_mc.csv");
  }
  if (!res.interconnection.decisions.empty()) {
    j["interconnection"] = queue_summary_json(res.interconnection);
    j["outputs"].push_back("decisions.json");
  }
  return j;
}

json region_info_json(const Region& region, const std::vector<std::string>& cut_off_from_dorsale) {
  json j = region_json(region);
  if (!region.network.nodes().empty()) j["network"]["cut_off_from_dorsale"] = cut_off_from_dorsale;
  return j;
}

std::string run_text(const Region& region, const ScenarioResults& res, const Parameters& params) {
  std::string s;
  if (!res.rollout.planned) return s;
  const RunSummary sum = summarize_run(region, res);
  s += "  year  >=8 Mbit/s  >=30 Mbit/s   FttH    public M EUR  private M EUR  alternatives M EUR\n";
  for (const auto& y : sum.trajectory)
    s += fmt::format("  {}  {:9.1f} %  {:9.1f} %  {:6.1f} %  {:12.1f}  {:13.1f}  {:18.1f}\n", y.year, y.figures.shares.pct_ge8,
                     y.figures.shares.pct_ge30, y.figures.shares.pct_ftth, y.figures.public_spend_eur / 1e6,
                     y.figures.private_spend_eur / 1e6, y.figures.alternatives_eur / 1e6);
  auto targets = res.targets;  // by name, as summary.json lists them
  std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& t : targets) {
    if (t.met)
      s += fmt::format("  target {}: met in {} (target {})\n", t.name, *t.met_year, t.target_year);
    else
      s += fmt::format("  target {}: missed in {} by {} premises ({:.2f} %){}\n", t.name, t.target_year,
                       t.premises_short_at_target_year.value_or(0), t.pct_short_at_target_year.value_or(0.0),
                       t.met_year ? fmt::format(", met in {}", *t.met_year) : std::string());
  }
  const auto& ro = res.rollout;
  s += fmt::format("  public deployments: {} {} objective {:.4g}, bound {:.4g}, gap {:.3f} %\n", io::spell(ro.optimiser), io::spell(ro.optimiser_status),
                   ro.objective, ro.bound, 100 * ro.gap);
  return s;
}

std::string region_text(const Region& r) {
  const RegionTotals t = compute_totals(r);
  auto pct = [&](std::int64_t v) { return t.premises ? 100.0 * double(v) / double(t.premises) : 0.0; };
  const std::int64_t thd = t.bands[int(Band::ThdNonFtth)] + t.bands[int(Band::Ftth)];
  const std::int64_t below8 = t.bands[int(Band::Below3)] + t.bands[int(Band::From3To8)];
  std::string s = fmt::format("region {} ({}, geography {}): {} communes, {} départements, {} inhabitants, {} premises\n",
                              r.name, r.provenance.source, r.provenance.geography, t.communes, r.departements.size(),
                              t.population, t.premises);
  s += fmt::format("  >= 30 Mbit/s {:.1f} %, FttH {:.1f} %, below 8 Mbit/s {:.1f} %\n", pct(thd),
                   pct(t.bands[int(Band::Ftth)]), pct(below8));
  s += fmt::format("  network: {} nodes, {} links, Dorsale {:.0f} km, hubs: {}\n", r.network.nodes().size(),
                   r.network.links().size(), t.dorsale_km.value_or(0.0), fmt::join(t.external_hubs, ", "));
  // What a rule laid or fitted rather than the inputs gave (the network, the budgets), in full.
  for (const auto& d : r.provenance.derived)
    if (d.rfind("network:", 0) == 0 || d.rfind("budgets:", 0) == 0) s += "  derived " + d + "\n";
  return s;
}

}  // namespace dorsale::viz
