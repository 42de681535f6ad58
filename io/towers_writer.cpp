#include "io/towers_writer.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "io/gpkg_util.h"
#include "io/json_reader.h"
#include "io/spelling.h"

#include <limits>
#include <memory>
#include <stdexcept>

namespace dorsale::viz {

namespace {

nlohmann::json figures_json(const CoverageFigures& f) {
  return {{"objective", f.objective}, {"bound", f.bound}, {"gap", f.gap}, {"status", io::spell(f.status)}, {"method", io::spell(f.method)}};
}

nlohmann::json strings_json(const std::vector<std::string>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : v) a.push_back(x);
  return a;
}

// Who pays which planned link in one plan, and the plan's backhaul totals.
nlohmann::json account_json(const BackhaulAccount& a) {
  nlohmann::json links = nlohmann::json::array();
  for (const auto& l : a.planned_links)
    links.push_back({{"link", l.link}, {"paid_by", l.paid_by}, {"year", l.year}, {"km", l.km}, {"cost_eur", l.cost_eur}});
  nlohmann::json rollout = nlohmann::json::array();  // used by the sites, built and paid by the roll-out's collecte
  for (const auto& l : a.built_by_rollout)
    rollout.push_back({{"link", l.link}, {"paid_by", l.paid_by}, {"year", l.year}, {"km", l.km}, {"cost_eur", l.cost_eur}});
  return {{"planned_links", links},
          {"planned_links_built_by_rollout", rollout},
          {"planned_links_eur", a.planned_links_eur},
          {"backhaul_eur", a.backhaul_eur},
          {"backhaul_each_alone_eur", a.backhaul_each_alone_eur},
          {"planned_links_each_alone_eur", a.planned_links_each_alone_eur},
          {"unreachable_sites", a.unreachable_sites}};
}

}  // namespace

nlohmann::json towers_json(const TowersResult& res) {
  using nlohmann::json;
  json j;
  json cov;
  for (int o = 0; o < kOperatorCount; ++o) cov[operator_name(Operator(o))] = res.coverage_pct_of_premises[o];
  j["coverage_pct_of_premises"] = cov;
  j["white_zone_premises"] = res.white_zone_premises;
  j["white_zone_target_premises"] = res.white_zone_target_premises ? json(*res.white_zone_target_premises) : json(nullptr);
  j["radius_scale"] = res.radius_scale;
  j["premises"] = res.premises;
  j["existing_sites"] = res.existing_sites;
  j["candidate_sites"] = res.candidate_sites;
  json rip = json::object();
  for (const auto& [dep, r] : res.unfibred_existing_backhaul_by_rip)
    rip[dep] = {{"high_points", r.high_points}, {"cost_eur", r.cost_eur}, {"new_build_km", r.new_build_km},
                {"planned_links_eur", r.planned_links_eur}};
  j["unfibred_existing_backhaul_by_rip"] = rip;
  j["unfibred_existing_backhaul"] = account_json(res.unfibred_existing_backhaul);
  const auto& c = res.choice;
  json choice = figures_json(c.figures);
  choice["max_sites"] = c.max_sites;
  choice["budget_eur"] = c.budget_eur ? json(*c.budget_eur) : json(nullptr);
  json chosen = json::array();
  for (const auto& h : c.chosen)
    chosen.push_back({{"id", h.id}, {"commune", h.commune}, {"x", h.x}, {"y", h.y}, {"lon", h.lon}, {"lat", h.lat},
                      {"premises_newly_covered", h.premises_newly_covered}, {"build_cost_eur", h.build_cost_eur},
                      {"backhaul_cost_eur", h.backhaul_cost_eur}, {"backhaul_new_build_km", h.backhaul_new_build_km},
                      {"planned_links_paid", strings_json(h.planned_links_paid)},
                      {"planned_links_used", strings_json(h.planned_links_used)}});
  choice["chosen"] = chosen;
  choice["total_cost_eur"] = c.total_cost_eur;
  choice["backhaul"] = account_json(c.backhaul);
  j["choice"] = choice;
  json prog = json::array();
  for (const auto& y : res.programme) {
    json ids = json::array();
    for (const auto& id : y.sites) ids.push_back(id);
    prog.push_back({{"year", y.year}, {"sites", ids}, {"cost_eur", y.cost_eur}, {"planned_links_eur", y.planned_links_eur},
                    {"premises_newly_covered", y.premises_newly_covered},
                    {"white_zone_premises_after", y.white_zone_premises_after}, {"gap", y.gap}});
  }
  j["programme"] = prog;
  j["programme_backhaul"] = account_json(res.programme_backhaul);
  return j;
}

std::string towers_json_text(const TowersResult& res) { return towers_json(res).dump(2) + "\n"; }


namespace {

using nlohmann::json;

CoverageFigures figures_of(const JsonReader& rd, const json& o, const std::string& w) {
  auto spelled = [&](const char* key, auto e) {  // one of the enum's spellings (io/spelling.h)
    const std::string text = rd.string_at(o, key, w);
    const auto v = io::parse_spelling<decltype(e)>(text);
    if (!v) rd.fail(w + "." + key, "'" + text + "' is not one of: " + io::allowed_spellings<decltype(e)>());
    return v.value_or(e);
  };
  return {rd.number_at(o, "objective", w), rd.number_at(o, "bound", w), rd.number_at(o, "gap", w), spelled("status", MipStatus{}),
          spelled("method", SolveMethod{})};
}

std::vector<std::string> strings_of(const JsonReader& rd, const json& a, const std::string& w) {
  std::vector<std::string> out;
  const json& arr = rd.array(a, w);
  for (std::size_t k = 0; k < arr.size(); ++k) out.push_back(rd.string(arr[k], fmt::format("{}[{}]", w, k)));
  return out;
}

std::vector<PlannedLinkBuild> link_builds_of(const JsonReader& rd, const json& o, const std::string& w, const char* key) {
  std::vector<PlannedLinkBuild> out;
  const json& links = rd.array(rd.at(o, key, w), w + "." + key);
  for (std::size_t k = 0; k < links.size(); ++k) {
    const std::string wl = fmt::format("{}.{}[{}]", w, key, k);
    PlannedLinkBuild l;
    l.link = rd.string_at(links[k], "link", wl);
    l.paid_by = rd.string_at(links[k], "paid_by", wl);
    l.year = int(rd.integer_at(links[k], "year", wl, 0, 2100));
    l.km = rd.number_at(links[k], "km", wl);
    l.cost_eur = rd.number_at(links[k], "cost_eur", wl);
    out.push_back(std::move(l));
  }
  return out;
}

BackhaulAccount account_of(const JsonReader& rd, const json& o, const std::string& w) {
  BackhaulAccount a;
  a.planned_links = link_builds_of(rd, o, w, "planned_links");
  if (rd.has(o, "planned_links_built_by_rollout")) a.built_by_rollout = link_builds_of(rd, o, w, "planned_links_built_by_rollout");
  a.planned_links_eur = rd.number_at(o, "planned_links_eur", w);
  a.backhaul_eur = rd.number_at(o, "backhaul_eur", w);
  a.backhaul_each_alone_eur = rd.number_at(o, "backhaul_each_alone_eur", w);
  a.planned_links_each_alone_eur = rd.number_at(o, "planned_links_each_alone_eur", w);
  a.unreachable_sites = int(rd.integer_at(o, "unreachable_sites", w, 0, std::numeric_limits<int>::max()));
  return a;
}

ChosenSite chosen_of(const JsonReader& rd, const json& o, const std::string& w) {
  ChosenSite h;
  h.id = rd.string_at(o, "id", w);
  h.commune = rd.string_at(o, "commune", w);
  h.x = rd.number_at(o, "x", w);
  h.y = rd.number_at(o, "y", w);
  h.lon = rd.number_at(o, "lon", w);
  h.lat = rd.number_at(o, "lat", w);
  h.premises_newly_covered = rd.number_at(o, "premises_newly_covered", w);
  h.build_cost_eur = rd.number_at(o, "build_cost_eur", w);
  h.backhaul_cost_eur = rd.number_at(o, "backhaul_cost_eur", w);
  h.backhaul_new_build_km = rd.number_at(o, "backhaul_new_build_km", w);
  h.planned_links_paid = strings_of(rd, rd.at(o, "planned_links_paid", w), w + ".planned_links_paid");
  h.planned_links_used = strings_of(rd, rd.at(o, "planned_links_used", w), w + ".planned_links_used");
  return h;
}

TowersResult::Choice choice_of(const JsonReader& rd, const json& o) {
  TowersResult::Choice c;
  c.figures = figures_of(rd, o, "choice");
  c.max_sites = int(rd.integer_at(o, "max_sites", "choice", -1, 1'000'000'000));
  const json& budget = rd.at(o, "budget_eur", "choice");
  if (!budget.is_null()) c.budget_eur = rd.number(budget, "choice.budget_eur");
  const json& chosen = rd.array(rd.at(o, "chosen", "choice"), "choice.chosen");
  for (std::size_t k = 0; k < chosen.size(); ++k) c.chosen.push_back(chosen_of(rd, chosen[k], fmt::format("choice.chosen[{}]", k)));
  c.total_cost_eur = rd.number_at(o, "total_cost_eur", "choice");
  c.backhaul = account_of(rd, rd.at(o, "backhaul", "choice"), "choice.backhaul");
  return c;
}

TowersYear programme_year_of(const JsonReader& rd, const json& o, const std::string& w) {
  TowersYear y;
  y.year = int(rd.integer_at(o, "year", w, 2000, 2100));
  const json& sites = rd.array(rd.at(o, "sites", w), w + ".sites");
  for (std::size_t k = 0; k < sites.size(); ++k) y.sites.push_back(rd.string(sites[k], fmt::format("{}.sites[{}]", w, k)));
  y.cost_eur = rd.number_at(o, "cost_eur", w);
  y.planned_links_eur = rd.number_at(o, "planned_links_eur", w);
  y.premises_newly_covered = rd.number_at(o, "premises_newly_covered", w);
  y.white_zone_premises_after = rd.number_at(o, "white_zone_premises_after", w);
  y.gap = rd.number_at(o, "gap", w);
  return y;
}

}  // namespace

TowersResult towers_from_json(const nlohmann::json& j, const std::string& file) {
  const JsonReader rd{file};
  rd.object(j, "");
  TowersResult r;
  const json& cov = rd.at(j, "coverage_pct_of_premises", "");
  for (int o = 0; o < kOperatorCount; ++o) r.coverage_pct_of_premises[o] = rd.number_at(cov, operator_name(Operator(o)), "coverage_pct_of_premises");
  r.white_zone_premises = rd.number_at(j, "white_zone_premises", "");
  const json& target = rd.at(j, "white_zone_target_premises", "");
  if (!target.is_null()) r.white_zone_target_premises = rd.number(target, "white_zone_target_premises");
  r.radius_scale = rd.number_at(j, "radius_scale", "");
  r.premises = rd.number_at(j, "premises", "");
  r.existing_sites = std::size_t(rd.integer_at(j, "existing_sites", "", 0, std::numeric_limits<std::int64_t>::max()));
  r.candidate_sites = std::size_t(rd.integer_at(j, "candidate_sites", "", 0, std::numeric_limits<std::int64_t>::max()));
  const std::string wr = "unfibred_existing_backhaul_by_rip";
  for (const auto& [dep, v] : rd.object(rd.at(j, wr, ""), wr).items())
    r.unfibred_existing_backhaul_by_rip[dep] = {int(rd.integer_at(v, "high_points", wr + "." + dep, 0, std::numeric_limits<int>::max())),
                                                rd.number_at(v, "cost_eur", wr + "." + dep), rd.number_at(v, "new_build_km", wr + "." + dep),
                                                rd.number_at(v, "planned_links_eur", wr + "." + dep)};
  r.unfibred_existing_backhaul = account_of(rd, rd.at(j, "unfibred_existing_backhaul", ""), "unfibred_existing_backhaul");
  r.choice = choice_of(rd, rd.at(j, "choice", ""));
  const json& prog = rd.array(rd.at(j, "programme", ""), "programme");
  for (std::size_t k = 0; k < prog.size(); ++k) r.programme.push_back(programme_year_of(rd, prog[k], fmt::format("programme[{}]", k)));
  r.programme_backhaul = account_of(rd, rd.at(j, "programme_backhaul", ""), "programme_backhaul");
  return r;
}

TowersResult towers_from_json_text(const std::string& text, const std::string& file) {
  return towers_from_json(parse_json_document(text, file, "a towers.json document"), file);
}

namespace {

// One line per plan: its planned links, each built once and paid by the first site needing it.
std::string account_text(const char* plan, const BackhaulAccount& a) {
  std::string s = fmt::format("  {} backhaul {:.1f} M EUR, of which {} planned links built once for {:.1f} M EUR "
                              "(each site alone: {:.1f} M EUR, {:.1f} M EUR of it planned links)\n",
                              plan, a.backhaul_eur / 1e6, a.planned_links.size(), a.planned_links_eur / 1e6,
                              a.backhaul_each_alone_eur / 1e6, a.planned_links_each_alone_eur / 1e6);
  // who pays which link, one line per paying site, in the plan's order
  std::vector<std::pair<std::string, std::vector<std::string>>> by_site;
  for (const auto& l : a.planned_links) {
    if (by_site.empty() || by_site.back().first != l.paid_by) by_site.push_back({l.paid_by, {}});
    by_site.back().second.push_back(l.link);
  }
  for (const auto& [site, links] : by_site) s += fmt::format("    {} pays {}\n", site, fmt::join(links, ", "));
  if (!a.built_by_rollout.empty()) {
    double eur = 0;
    std::vector<std::string> ids;
    for (const auto& l : a.built_by_rollout) eur += l.cost_eur, ids.push_back(fmt::format("{} ({})", l.link, l.year));
    s += fmt::format("    the roll-out's collecte pays {} planned links the sites use ({:.1f} M EUR, not counted above): {}\n", ids.size(), eur / 1e6,
                     fmt::join(ids, ", "));
  }
  if (a.unreachable_sites > 0) s += fmt::format("    {} sites no route reaches (no backhaul counted)\n", a.unreachable_sites);
  return s;
}

}  // namespace

std::string towers_text(const TowersResult& r) {
  const auto& c = r.choice;
  std::string out;
  if (r.white_zone_target_premises)
    out += fmt::format("coverage radii x {:.3f}, fitted so the existing sites leave the region's {:.0f} white-zone premises "
                       "(towers.radius_fit)\n",
                       r.radius_scale, *r.white_zone_target_premises);
  out += fmt::format("white zones: {:.0f} premises of {:.0f}; {} sites chosen cover {:.0f} of them for {:.1f} M EUR "
                                "(bound {:.0f}, gap {:.3f} %, {})\n",
                                r.white_zone_premises, r.premises, c.chosen.size(), c.figures.objective, c.total_cost_eur / 1e6,
                                c.figures.bound, 100 * c.figures.gap, io::spell(c.figures.status));
  for (const auto& y : r.programme)
    out += fmt::format("  {}: {} sites, {:.0f} premises newly covered, white zones left {:.0f}\n", y.year, y.sites.size(),
                       y.premises_newly_covered, y.white_zone_premises_after);
  out += account_text("choice", c.backhaul);
  out += account_text("programme", r.programme_backhaul);
  int unfibred = 0;
  for (const auto& [dep, rip] : r.unfibred_existing_backhaul_by_rip) unfibred += rip.high_points;
  out += fmt::format("unfibred existing high points: {}, backhaul {:.1f} M EUR\n", unfibred,
                     r.unfibred_existing_backhaul.backhaul_eur / 1e6);
  out += account_text("unfibred existing", r.unfibred_existing_backhaul);
  return out;
}

std::string towers_file_text(const TowersFileResult& r) {
  return fmt::format("{} of {} candidates chosen: weight covered {:.6g} of {:.6g}, bound {:.6g}, gap {:.3f} %, {} ({}), {:.3f} s\n",
                     r.chosen.size(), r.candidates, r.figures.objective, r.total_weight, r.figures.bound, 100 * r.figures.gap,
                     io::spell(r.figures.status), io::spell(r.figures.method), r.seconds);
}

nlohmann::json towers_file_json(const TowersFileResult& r) {
  using nlohmann::json;
  json j = figures_json(r.figures);
  j["seconds"] = r.seconds;
  j["candidates"] = r.candidates;
  j["demand_points"] = r.demand_points;
  j["radius_m"] = r.radius_m;
  j["sites"] = r.sites;
  json chosen = json::array();
  for (const auto& c : r.chosen) chosen.push_back({{"id", c.id}, {"x", c.x}, {"y", c.y}});
  j["chosen"] = chosen;
  j["total_weight"] = r.total_weight;
  return j;
}

namespace {

void field(OGRLayer* L, const char* n, OGRFieldType t) { gpkg_field(L, n, t); }

void existing_sites_layer(GDALDataset* ds, const Region& region) {
  {
    OGRLayer* L = gpkg_layer(ds, "existing_sites", wkbPoint);
    field(L, "id", OFTString);
    field(L, "fibred", OFTInteger);
    field(L, "operators", OFTString);
    gpkg_in_transaction(L, [&] {
      for (const auto& h : region.high_points) {
        if (!h.existing) continue;
        OGRFeature f(L->GetLayerDefn());
        f.SetField("id", h.id.c_str());
        f.SetField("fibred", int(h.fibred));
        std::vector<std::string> ops;
        for (int o = 0; o < kOperatorCount; ++o)
          if (h.carries(o)) ops.push_back(operator_name(Operator(o)));
        f.SetField("operators", fmt::format("{}", fmt::join(ops, ",")).c_str());
        f.SetGeometryDirectly(new OGRPoint(h.pos.x, h.pos.y));
        gpkg_write(L, &f);
      }
    });
  }
}

void chosen_sites_layers(GDALDataset* ds, const TowersResult& res) {
  {
    OGRLayer* L = gpkg_layer(ds, "chosen_sites", wkbPoint);
    OGRLayer* B = gpkg_layer(ds, "backhaul_routes", wkbLineString);
    for (OGRLayer* X : {L, B}) {
      field(X, "id", OFTString);
      field(X, "premises_newly_covered", OFTReal);
      field(X, "backhaul_cost_eur", OFTReal);
      field(X, "planned_links_paid", OFTString);
    }
    for (const auto& c : res.chosen) {
      const std::string paid = fmt::format("{}", fmt::join(c.planned_links_paid, ","));
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", c.id.c_str());
      f.SetField("planned_links_paid", paid.c_str());
      f.SetField("premises_newly_covered", c.newly_covered);
      f.SetField("backhaul_cost_eur", c.backhaul_cost);
      f.SetGeometryDirectly(new OGRPoint(c.x, c.y));
      gpkg_write(L, &f);
      if (c.backhaul.size() >= 2) {
        OGRFeature g(B->GetLayerDefn());
        g.SetField("id", c.id.c_str());
        g.SetField("premises_newly_covered", c.newly_covered);
        g.SetField("backhaul_cost_eur", c.backhaul_cost);
        g.SetField("planned_links_paid", paid.c_str());
        auto* ls = new OGRLineString();
        for (auto [x, y] : c.backhaul) ls->addPoint(x, y);
        g.SetGeometryDirectly(ls);
        gpkg_write(B, &g);
      }
    }
  }
}

// Every planned link a plan builds, once, with the site that pays it.
void planned_links_layer(GDALDataset* ds, const TowersResult& res) {
  {
    OGRLayer* L = gpkg_layer(ds, "backhaul_planned_links", wkbLineString);
    for (const char* n : {"link", "plan", "paid_by"}) field(L, n, OFTString);
    field(L, "year", OFTInteger);
    for (const char* n : {"km", "cost_eur"}) field(L, n, OFTReal);
    const std::pair<const char*, const BackhaulAccount*> plans[] = {
        {"choice", &res.choice.backhaul}, {"programme", &res.programme_backhaul}, {"unfibred_existing", &res.unfibred_existing_backhaul}};
    gpkg_in_transaction(L, [&] {
      for (const auto& [plan, account] : plans)
        for (const auto& l : account->planned_links) {
          OGRFeature f(L->GetLayerDefn());
          f.SetField("link", l.link.c_str());
          f.SetField("plan", plan);
          f.SetField("paid_by", l.paid_by.c_str());
          f.SetField("year", l.year);
          f.SetField("km", l.km);
          f.SetField("cost_eur", l.cost_eur);
          auto* ls = new OGRLineString();
          for (auto [x, y] : l.line) ls->addPoint(x, y);
          f.SetGeometryDirectly(ls);
          gpkg_write(L, &f);
        }
    });
  }
}

void white_zone_layer(GDALDataset* ds, const TowersResult& res) {
  {
    OGRLayer* L = gpkg_layer(ds, "white_zone_premises", wkbPoint);
    field(L, "premises", OFTReal);
    gpkg_in_transaction(L, [&] {
      for (std::size_t i = 0; i < res.white_x.size(); ++i) {
        OGRFeature f(L->GetLayerDefn());
        f.SetField("premises", res.white_premises[i]);
        f.SetGeometryDirectly(new OGRPoint(res.white_x[i], res.white_y[i]));
        gpkg_write(L, &f);
      }
    });
  }
}

}  // namespace

void add_towers_layers(GDALDataset* ds, const Region& region, const TowersResult& res) {
  // existing sites, chosen sites, backhaul routes, planned links, white-zone premises (Lambert-93)
  existing_sites_layer(ds, region);
  chosen_sites_layers(ds, res);
  planned_links_layer(ds, res);
  white_zone_layer(ds, res);
}

void write_towers_gpkg(const std::filesystem::path& file, const Region& region, const TowersResult& res) {
  dorsale::io::register_gdal_drivers();
  GDALDriver* drv = gpkg_driver();
  std::unique_ptr<GDALDataset> ds(drv->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create", file.string()));
  add_towers_layers(ds.get(), region, res);
  gpkg_close(ds, file.string());
}

}  // namespace dorsale::viz
