#include "planner/towers.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/error.h"
#include "models/random.h"
#include "planner/interconnect.h"
#include "scenarios/csv.h"
#include "scenarios/projection.h"
#include "scenarios/viewshed.h"
#include "solvers/interconnect.h"
#include "viz/towers_writer.h"
#include "viz/gpkg_util.h"
#include "viz/output_dir.h"

namespace dorsale::planner {


XYTable read_xy_csv(const std::string& path, bool weights_required) {
  auto t = scenarios::read_csv(path, ',', 0);
  const int ci = t.column("id"), cx = t.column("x"), cy = t.column("y");
  int cw = -1;
  for (std::size_t k = 0; k < t.header.size(); ++k)
    if (scenarios::trim(t.header[k]) == "weight") cw = int(k);
  if (weights_required && cw < 0) throw InputError(path, 0, "weight", "column not found in the header");
  XYTable out;
  std::map<std::string, long> ids;  // id -> line
  auto coordinate = [&](const scenarios::CsvRow& r, int col, const char* field) {
    const double v = scenarios::parse_number(t.cell(r, col), path, r.line, field);
    if (std::abs(v) > kMaxProjectedCoordinate)
      throw InputError(path, r.line, field,
                       fmt::format("{} is not a projected coordinate in metres (|{}| <= {:.0e})", v, field, kMaxProjectedCoordinate));
    return v;
  };
  for (const auto& r : t.rows) {
    const std::string id = scenarios::trim(t.cell(r, ci));
    if (id.empty()) throw InputError(path, r.line, "id", "empty id");
    if (auto [it, fresh] = ids.emplace(id, r.line); !fresh)
      throw InputError(path, r.line, "id", fmt::format("id '{}' appears twice (also line {})", id, it->second));
    out.id.push_back(id);
    out.x.push_back(coordinate(r, cx, "x"));
    out.y.push_back(coordinate(r, cy, "y"));
    double w = 1;
    if (cw >= 0 && weights_required) {
      w = scenarios::parse_number(t.cell(r, cw), path, r.line, "weight");  // finite
      if (!(w > 0)) throw InputError(path, r.line, "weight", fmt::format("{} is not a positive weight", w));
    }
    out.weight.push_back(w);
    out.line.push_back(r.line);
  }
  return out;
}

namespace {

CoverageFigures figures_of(const solvers::CoverageSolution& s) { return {s.objective, s.bound, s.gap, s.status, s.method}; }

solvers::CoverageSolution solve(const solvers::CoverageProblem& p, const std::string& method) {
  if (method == "heuristic") return solvers::max_coverage_heuristic(p);
  if (method == "exact-glpk") return solvers::max_coverage_exact(p, solvers::MipBackend::Glpk, 600);
  if (method == "exact-cbc") return solvers::max_coverage_exact(p, solvers::MipBackend::Cbc, 600);
  throw InputError("command line", 0, "--method", fmt::format("'{}' is not heuristic, exact-glpk or exact-cbc", method));
}

}  // namespace

TowersFileResult towers_from_files(const TowersConfig& cfg) {
  if (!(cfg.radius_m > 0 && cfg.radius_m <= kMaxProjectedCoordinate))
    throw InputError("command line", 0, "--radius-m",
                     fmt::format("{} is not a coverage radius: give a number of metres > 0 and <= {:.0e}", cfg.radius_m, kMaxProjectedCoordinate));
  if (cfg.sites < 0 && cfg.budget < 0) throw InputError("command line", 0, "--sites", "give --sites K");
  if (!std::isfinite(cfg.budget)) throw InputError("command line", 0, "--budget", "a budget is a finite number of EUR");
  const auto cand = read_xy_csv(cfg.candidates, false);
  const auto dem = read_xy_csv(cfg.demand, true);
  solvers::CoverageProblem p;
  p.weight = dem.weight;
  p.already_covered.assign(dem.x.size(), 0);
  p.covers = solvers::points_within(cand.x, cand.y, dem.x, dem.y, std::vector<double>(cand.x.size(), cfg.radius_m));
  if (!cfg.dem.empty()) {
    scenarios::Dem relief(cfg.dem);
    for (std::size_t k = 0; k < cand.x.size(); ++k)
      p.covers[k] = relief.visible(cand.x[k], cand.y[k], 30.0, cfg.radius_m, dem.x, dem.y, p.covers[k]);
  }
  p.max_sites = cfg.sites;
  const auto s = solve(p, cfg.method);
  TowersFileResult r;
  r.figures = figures_of(s);
  r.seconds = s.seconds;
  r.candidates = cand.x.size();
  r.demand_points = dem.x.size();
  r.radius_m = cfg.radius_m;
  r.sites = cfg.sites;
  for (int k : s.open) r.chosen.push_back({cand.id[k], cand.x[k], cand.y[k]});
  for (double w : dem.weight) r.total_weight += w;
  return r;
}

TowersResult towers_for_region(const Region& R, const scenarios::Scenario& s, const TowersConfig& cfg) {
  const Parameters& P = s.params;
  TowersResult out;
  // ---- demand points: premises of each commune grouped into points around its centre --------
  std::vector<double> px, py, pw;
  std::vector<int> pcommune;
  const std::int64_t per_point = P.towers.premises_per_point;
  const double spread = P.towers.point_spread_m;
  for (std::size_t i = 0; i < R.communes.size(); ++i) {
    const auto& c = R.communes[i];
    if (c.premises() <= 0) continue;
    const int n = int(std::min<std::int64_t>(40, (c.premises() + per_point - 1) / per_point));
    Rng rng(s.seed ^ 0x70E5u, i);
    for (int k = 0; k < n; ++k) {
      const double r = spread * std::sqrt(rng.uniform()), a = 6.283185307179586 * rng.uniform();
      px.push_back(c.centroid.x + r * std::cos(a));
      py.push_back(c.centroid.y + r * std::sin(a));
      pw.push_back(double(c.premises()) / n);
      pcommune.push_back(int(i));
    }
  }
  auto radius_of = [&](const std::string& code) {
    auto i = R.find_commune(code);
    if (!i) return P.towers.radius_rural_m;
    const auto& c = R.communes[*i];
    if (c.mountain) return P.towers.radius_mountain_m;
    if (c.premises() >= P.rollout.dense_min_premises) return P.towers.radius_urban_m;
    return P.towers.radius_rural_m;
  };
  // ---- coverage of the existing sites, per operator and for "no operator" ----------------------
  std::vector<HighPoint> hps = R.high_points;  // + new masts appended below
  std::vector<int> existing, candidates;
  for (std::size_t h = 0; h < hps.size(); ++h) (hps[h].existing ? existing : candidates).push_back(int(h));
  std::unique_ptr<scenarios::Dem> dem;
  if (!cfg.dem.empty()) dem = std::make_unique<scenarios::Dem>(cfg.dem);
  auto coverage_lists = [&](const std::vector<int>& ids) {
    std::vector<double> sx, sy, rad;
    for (int h : ids) {
      sx.push_back(hps[h].pos.x);
      sy.push_back(hps[h].pos.y);
      rad.push_back(radius_of(hps[h].commune));
    }
    auto lists = solvers::points_within(sx, sy, px, py, rad);
    if (dem)  // keep only the points in the site's line of sight
      for (std::size_t k = 0; k < ids.size(); ++k)
        lists[k] = dem->visible(sx[k], sy[k], std::max(10.0, hps[ids[k]].height_m), rad[k], px, py, lists[k]);
    return lists;
  };
  const auto ex_cov = coverage_lists(existing);
  std::vector<std::array<char, kOperatorCount>> op_cov(px.size(), std::array<char, kOperatorCount>{});
  std::vector<char> any(px.size(), 0);
  for (std::size_t k = 0; k < existing.size(); ++k) {
    const auto& h = R.high_points[existing[k]];
    for (int i : ex_cov[k])
      for (int o = 0; o < kOperatorCount; ++o)
        if (h.carries(o) && h.has_4g[o]) {
          op_cov[i][o] = 1;
          any[i] = 1;
        }
  }
  double total = 0, white = 0;
  std::array<double, kOperatorCount> by_op{};
  for (std::size_t i = 0; i < px.size(); ++i) {
    total += pw[i];
    for (int o = 0; o < kOperatorCount; ++o) by_op[o] += op_cov[i][o] ? pw[i] : 0;
    if (!any[i]) {
      white += pw[i];
      out.white_x.push_back(px[i]);
      out.white_y.push_back(py[i]);
      out.white_premises.push_back(pw[i]);
    }
  }
  for (int o = 0; o < kOperatorCount; ++o) out.coverage_pct_of_premises[o] = total > 0 ? 100.0 * by_op[o] / total : 0.0;
  out.white_zone_premises = white;
  out.premises = total;
  // Candidates: the region's candidate high points, plus a new mast at each white-zone demand
  // point (where no high point stands yet), so a programme can keep closing white zones.
  std::vector<HighPoint> extra;
  {
    std::int64_t k = 0;
    for (std::size_t i = 0; i < px.size(); ++i) {
      if (any[i]) continue;
      HighPoint h;
      h.id = fmt::format("new:{:06d}", ++k);
      h.pos.x = px[i];
      h.pos.y = py[i];
      scenarios::Projection::for_this_thread().fill_wgs84(h.pos);
      h.commune = R.communes[pcommune[i]].code;
      h.existing = false;
      h.height_m = 40;
      h.build_cost_eur = P.mobile.candidate_build_eur;
      extra.push_back(h);
    }
  }
  // Candidates of the user's own list (scenario mode with --candidates): each must stand in
  // the region, i.e. within 20 km of a commune centre (inside a commune polygon when known).
  if (!cfg.candidates.empty()) {
    const auto t = read_xy_csv(cfg.candidates, false);
    for (std::size_t k = 0; k < t.x.size(); ++k) {
      double best = 1e300;
      std::size_t at = 0;
      for (std::size_t i = 0; i < R.communes.size(); ++i) {
        const double d = std::hypot(R.communes[i].centroid.x - t.x[k], R.communes[i].centroid.y - t.y[k]);
        if (d < best) {
          best = d;
          at = i;
        }
      }
      if (best > 20000)
        throw InputError(cfg.candidates, t.line[k], "x/y",
                         fmt::format("site {} at ({:.0f}, {:.0f}) is outside the region ({:.1f} km from the nearest commune)", t.id[k], t.x[k],
                                     t.y[k], best / 1000));
      HighPoint h;
      h.id = "user:" + t.id[k];
      h.pos.x = t.x[k];
      h.pos.y = t.y[k];
      scenarios::Projection::for_this_thread().fill_wgs84(h.pos);
      h.commune = R.communes[at].code;
      h.existing = false;
      h.height_m = 40;
      h.build_cost_eur = P.mobile.candidate_build_eur;
      extra.push_back(h);
    }
  }
  for (auto& h : extra) {
    candidates.push_back(int(hps.size()));
    hps.push_back(std::move(h));
  }
  out.existing_sites = existing.size();
  out.candidate_sites = candidates.size();
  // ---- backhaul of candidates and of unfibred existing sites (interconnection routing) ----------
  solvers::Interconnect ic(R.network, interconnect_params(P));
  const auto state = solvers::LinkState::of(R.network);
  auto backhaul = [&](const HighPoint& h, std::vector<std::pair<double, double>>* line, std::string* dep) {
    InterconnectionRequest r;
    r.id = h.id;
    r.site_pos = h.pos;
    r.destination = {Destination::Kind::AnyDorsalePop, ""};
    r.pairs = 1;
    r.horizon_years = int(P.towers.backhaul_horizon_years);
    r.submitted = "2019-01-01";
    auto e = ic.evaluate(r, state);
    if (e.decision == Decision::Reject || !e.option) return std::pair<double, double>{-1, 0};
    const auto& route = e.option->routes.front();
    if (line) {
      line->push_back({h.pos.x, h.pos.y});
      for (std::size_t k = 1; k < route.nodes.size(); ++k)
        line->push_back({R.network.node(route.nodes[k]).pos.x, R.network.node(route.nodes[k]).pos.y});
    }
    if (dep && route.attach_node >= 0) *dep = R.network.node(route.attach_node).departement;
    return std::pair<double, double>{e.option->total(), route.attach_km};
  };
  std::vector<double> cost(candidates.size());
  std::vector<double> bh_cost(candidates.size()), bh_km(candidates.size());
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    auto [c, km] = backhaul(hps[candidates[k]], nullptr, nullptr);
    bh_cost[k] = c < 0 ? 1e12 : c;  // unreachable: practically never chosen in budget mode
    bh_km[k] = km;
    cost[k] = hps[candidates[k]].build_cost_eur + bh_cost[k];
  }
  for (int h : existing) {
    if (hps[h].fibred) continue;
    std::string dep;
    auto [c, km] = backhaul(hps[h], nullptr, &dep);
    if (c < 0) continue;
    auto& rip = out.unfibred_existing_backhaul_by_rip[dep];
    rip.high_points += 1;
    rip.cost_eur += c;
    rip.new_build_km += km;
  }
  // ---- the choice: K sites or a budget -------------------------------------------------------------
  solvers::CoverageProblem prob;
  prob.weight = pw;
  prob.already_covered = any;
  prob.covers = coverage_lists(candidates);
  prob.cost = cost;
  if (cfg.budget >= 0) prob.budget = cfg.budget;
  else prob.max_sites = cfg.sites >= 0 ? cfg.sites : int(P.towers.sites_per_year);
  const auto sol = solve(prob, cfg.method);
  auto& choice = out.choice;
  choice.figures = figures_of(sol);
  choice.max_sites = prob.max_sites;
  if (prob.budget >= 0) choice.budget_eur = prob.budget;
  std::vector<char> cov_now = any;
  double spent = 0;
  for (int k : sol.open) {
    const auto& h = hps[candidates[k]];
    double newly = 0;
    for (int i : prob.covers[k])
      if (!cov_now[i]) {
        cov_now[i] = 1;
        newly += pw[i];
      }
    TowersResult::Chosen c{h.id, h.pos.x, h.pos.y, 0, newly, bh_cost[k], {}};
    backhaul(h, &c.backhaul, nullptr);
    out.chosen.push_back(c);
    spent += cost[k];
    choice.chosen.push_back({h.id, h.commune, h.pos.x, h.pos.y, h.pos.lon, h.pos.lat, newly, h.build_cost_eur, bh_cost[k], bh_km[k]});
  }
  choice.total_cost_eur = spent;
  // ---- yearly programme: sites_per_year each year, white zones shrinking --------------------------
  std::vector<char> covered = any;
  std::vector<char> used(candidates.size(), 0);
  const int per_year = int(P.towers.sites_per_year);
  double white_left = white;
  for (int year = s.first_year; year <= s.last_year; ++year) {
    solvers::CoverageProblem py_prob = prob;
    py_prob.budget = -1;
    py_prob.max_sites = per_year;
    py_prob.already_covered = covered;
    for (std::size_t k = 0; k < candidates.size(); ++k)
      if (used[k]) py_prob.covers[k].clear();
    const auto ys = solvers::max_coverage_heuristic(py_prob, 50);
    TowersYear ty;
    ty.year = year;
    for (int k : ys.open) {
      used[k] = 1;
      ty.sites.push_back(hps[candidates[k]].id);
      ty.cost_eur += cost[k];
      for (int i : prob.covers[k])
        if (!covered[i]) {
          covered[i] = 1;
          white_left -= pw[i];
        }
    }
    ty.premises_newly_covered = ys.objective;
    ty.white_zone_premises_after = std::max(0.0, white_left);
    ty.gap = ys.gap;
    out.programme.push_back(std::move(ty));
  }
  return out;
}

TowersResult towers(const TowersConfig& cfg) {
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  if (cfg.sites < -1) throw InputError("command line", 0, "--sites", "a number of sites is >= 0");
  if (!std::isfinite(cfg.budget)) throw InputError("command line", 0, "--budget", "a budget is a finite number of EUR");
  const Region region = scenarios::load_region(s);
  if (region.high_points.empty()) throw InputError(s.file, 0, "region", "the region has no high points");
  auto res = towers_for_region(region, s, cfg);
  viz::OutputDir dir(cfg.out_dir, "towers");
  viz::write_file(dir.entry("towers.json"), viz::towers_json_text(res));
  const auto gpkg = dir.entry("towers.gpkg");
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  std::unique_ptr<GDALDataset> ds(drv->Create(gpkg.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create", gpkg.string()));
  viz::add_towers_layers(ds.get(), region, res);
  viz::gpkg_close(ds, gpkg.string());
  dir.commit();
  return res;
}

}  // namespace dorsale::planner
