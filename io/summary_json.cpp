#include "io/summary_json.h"

#include <fmt/format.h>

#include "models/error.h"
#include "models/run_summary.h"
#include "io/interconnect_writer.h"
#include "io/json_reader.h"
#include "io/spelling.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
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
  for (int b = 0; b < kBandCount; ++b) bands[io::spell(Band(b))] = t.bands[b];
  j["bands"] = bands;
  json zones;
  for (int z = 0; z < kZoneCount; ++z) zones[io::spell(Zone(z))] = t.zones[z];
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
    for (int k = 0; k < kTechnologyCount; ++k) techs[io::spell(Technology(k))] = t.technologies[k];
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
    for (int b = 0; b < kBandCount; ++b) band[io::spell(Band(b))] = tot[b];
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

// ---- summary.json read back (dorsale compare, track and the report of a run folder) ----

namespace {

ShareFigures shares_of(const JsonReader& rd, const json& o, const std::string& w) {
  return {rd.number_at(o, "pct_ge8", w), rd.number_at(o, "pct_ge30", w), rd.number_at(o, "pct_ftth", w)};
}

// An optional number of an object (absent: 0), as the first year of a trajectory has no spends.
double number_or_zero(const JsonReader& rd, const json& o, const std::string& key, const std::string& w) {
  return rd.has(o, key) ? rd.number_at(o, key, w) : 0.0;
}

TargetAssessment target_of(const JsonReader& rd, const std::string& name, const json& v, const std::string& w) {
  TargetAssessment t;
  t.name = name;
  t.target_year = int(rd.integer_at(v, "target_year", w, 0, 9999));
  if (const json& met = rd.at(v, "met_year", w); !met.is_null()) t.met_year = int(rd.integer(met, w + ".met_year", 0, 9999));
  if (rd.has(v, "premises_short_at_target_year"))
    t.premises_short_at_target_year = rd.integer_at(v, "premises_short_at_target_year", w, std::numeric_limits<std::int64_t>::min(),
                                                    std::numeric_limits<std::int64_t>::max());
  if (rd.has(v, "pct_short_at_target_year")) t.pct_short_at_target_year = rd.number_at(v, "pct_short_at_target_year", w);
  t.met = rd.boolean(rd.at(v, "met", w), w + ".met");
  return t;
}

RunSummary::Year year_of(const JsonReader& rd, const json& y, const std::string& w) {
  RunSummary::Year ry;
  ry.year = int(rd.integer_at(y, "year", w, 0, 9999));
  ry.figures.shares = shares_of(rd, y, w);
  ry.figures.public_spend_eur = number_or_zero(rd, y, "public_spend_eur", w);
  ry.figures.private_spend_eur = number_or_zero(rd, y, "private_spend_eur", w);
  ry.figures.alternatives_eur = number_or_zero(rd, y, "alternatives_eur", w);
  if (rd.has(y, "limit")) ry.limit = rd.string_at(y, "limit", w);
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  ry.premises = rd.integer_at(y, "premises", w, 0, kMax);
  ry.below_8 = rd.integer_at(y, "below_8", w, 0, kMax);
  ry.below_30 = rd.integer_at(y, "below_30", w, 0, kMax);
  ry.ftth = rd.integer_at(y, "ftth", w, 0, kMax);
  ry.budget_eur = number_or_zero(rd, y, "budget_eur", w);
  const json& techs = rd.at(y, "premises_by_technology", w);
  for (int t = 0; t < kTechnologyCount; ++t)
    ry.figures.premises_by_technology[t] =
        rd.integer_at(techs, io::spell(Technology(t)), w + ".premises_by_technology", 0, std::numeric_limits<std::int64_t>::max());
  for (const auto& [code, d] : rd.object(rd.at(y, "by_departement", w), w + ".by_departement").items())
    ry.by_departement[code] = shares_of(rd, d, w + ".by_departement." + code);
  return ry;
}

}  // namespace

RunSummary read_run_summary(const std::filesystem::path& file) {
  std::string text;
  if (!read_text_file(file.string(), text)) throw InputError(file.string(), 0, "", "cannot open (is this an output folder of dorsale run?)");
  const json j = parse_json_document(text, file.string(), "a summary.json of dorsale run");
  const JsonReader rd{file.string()};
  if (!j.is_object() || !j.contains("trajectory") || !j.contains("targets"))
    throw InputError(file.string(), 0, "trajectory", "not a roll-out run (no trajectory)");
  RunSummary s;
  s.name = rd.string_at(rd.at(j, "scenario", ""), "name", "scenario");
  const json& region = rd.at(j, "region", "");
  s.communes = rd.integer_at(region, "communes", "region", 0, std::numeric_limits<std::int64_t>::max());
  s.premises = rd.integer_at(region, "premises", "region", 0, std::numeric_limits<std::int64_t>::max());
  s.planned = true;
  if (rd.has(region, "departements_list"))
    for (const auto& d : rd.array(region.at("departements_list"), "region.departements_list")) {
      const std::string code = rd.string_at(d, "code", "region.departements_list");
      s.premises_by_departement[code] = rd.integer_at(d, "premises", "region.departements_list", 0, std::numeric_limits<std::int64_t>::max());
      s.departement_names[code] = rd.string_at(d, "name", "region.departements_list");
    }
  if (rd.has(j, "start_date")) s.start_date = rd.string_at(j, "start_date", "");
  if (rd.has(j, "rollout")) {
    const json& ro = rd.at(j, "rollout", "");
    s.rollout = {number_or_zero(rd, ro, "public_spend_eur", "rollout"), number_or_zero(rd, ro, "private_spend_eur", "rollout"),
                 number_or_zero(rd, ro, "alternatives_eur", "rollout"), number_or_zero(rd, ro, "collecte_eur", "rollout"),
                 number_or_zero(rd, ro, "collecte_km", "rollout")};
  }
  const json& trajectory = rd.array(j.at("trajectory"), "trajectory");
  for (std::size_t k = 0; k < trajectory.size(); ++k) s.trajectory.push_back(year_of(rd, trajectory[k], fmt::format("trajectory[{}]", k)));
  for (const auto& [name, v] : rd.object(j.at("targets"), "targets").items()) s.targets.push_back(target_of(rd, name, v, "targets." + name));
  return s;
}

}  // namespace dorsale::viz
