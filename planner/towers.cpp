#include "planner/towers.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "models/error.h"
#include "models/random.h"
#include "planner/interconnect.h"
#include "planner/quantities.h"
#include "planner/towers_backhaul.h"
#include "io/csv.h"
#include "io/projection.h"
#include "io/viewshed.h"
#include "solvers/interconnect.h"
#include "io/towers_writer.h"
#include "io/outline.h"
#include "io/output_dir.h"
#include "regions/load_region.h"

namespace dorsale::planner {


namespace {

CoverageFigures figures_of(const solvers::CoverageSolution& s) { return {s.objective, s.bound, s.gap, s.status, s.method}; }

const char* method_text(TowersMethod m) {
  return m == TowersMethod::Heuristic ? "heuristic" : m == TowersMethod::ExactGlpk ? "exact, GLPK" : "exact, CBC";
}

// An exact method counts its percent (solvers/mip.h: the share of the first gap closed or of the
// time limit used, whichever is further).
solvers::CoverageSolution solve(const solvers::CoverageProblem& p, TowersMethod method, ProgressSink* progress = nullptr) {
  switch (method) {
    case TowersMethod::ExactGlpk: {
      const ProgressCounter count(progress, "towers: exact MILP (GLPK) percent", solvers::kMipProgressTotal);
      return solvers::max_coverage_exact(p, solvers::MipBackend::Glpk, 600, &count);
    }
    case TowersMethod::ExactCbc: {
      const ProgressCounter count(progress, "towers: exact MILP (CBC) percent", solvers::kMipProgressTotal);
      return solvers::max_coverage_exact(p, solvers::MipBackend::Cbc, 600, &count);
    }
    case TowersMethod::Heuristic: break;
  }
  return solvers::max_coverage_heuristic(p);
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
  if (cfg.progress) cfg.progress->line(fmt::format("towers: choice ({}) among {} candidates", method_text(cfg.method), cand.x.size()));
  const auto s = solve(p, cfg.method, cfg.progress);
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

namespace {

using towers_detail::Backhaul;
using towers_detail::BackhaulLedger;
using towers_detail::SiteBackhaul;

// ---- the named steps of the siting -------------------------------------------------------------

// Demand: the premises of each commune grouped into points around its centre.
struct DemandPoints {
  std::vector<double> x, y, w;
  std::vector<int> commune;
};

// The points of a commune are drawn around its centre within towers.point_spread_m; when the
// commune has polygons, a draw outside them (at sea, across a border) is drawn again (up to
// kDraws times, then the commune's point on surface), so that demand and the candidate masts
// made from it stay on the commune's land.
DemandPoints demand_points(const Region& R, const param::Towers& T, std::uint64_t seed) {
  constexpr int kDraws = 64;
  DemandPoints d;
  const std::int64_t per_point = T.premises_per_point;
  for (std::size_t i = 0; i < R.communes.size(); ++i) {
    const auto& c = R.communes[i];
    if (c.premises() <= 0) continue;
    const int n = int(std::min<std::int64_t>(40, (c.premises() + per_point - 1) / per_point));
    Rng rng(seed ^ 0x70E5u, i);
    const dorsale::io::CommuneOutline outline(c);
    for (int k = 0; k < n; ++k) {
      double x = 0, y = 0;
      bool inside = false;
      for (int draw = 0; draw < (outline.empty() ? 1 : kDraws) && !inside; ++draw) {
        const double r = T.point_spread_m * std::sqrt(rng.uniform()), a = 6.283185307179586 * rng.uniform();
        x = c.centroid.x + r * std::cos(a);
        y = c.centroid.y + r * std::sin(a);
        inside = outline.empty() || outline.contains(x, y);
      }
      if (!inside) std::tie(x, y) = outline.inside_point();
      d.x.push_back(x);
      d.y.push_back(y);
      d.w.push_back(double(c.premises()) / n);
      d.commune.push_back(int(i));
    }
  }
  return d;
}

// The sites (existing, then candidates) and what each covers.
struct Sites {
  const Region& R;
  const Parameters& P;
  const DemandPoints& d;
  const scenarios::Dem* dem;  // line of sight, or none
  std::vector<HighPoint> hps = R.high_points;  // + new masts appended
  std::vector<int> existing, candidates;
  std::unordered_map<std::string, int> commune_at = index_communes(R);  // code -> index in R.communes

  double radius_scale = 1;  // fitted by fit_radius_scale

  static std::unordered_map<std::string, int> index_communes(const Region& r) {
    std::unordered_map<std::string, int> m;
    for (std::size_t i = 0; i < r.communes.size(); ++i) m.emplace(r.communes[i].code, int(i));
    return m;
  }

  // The radius given for a site of the commune, before the fit's scale.
  double base_radius_of(const std::string& code) const {
    const auto i = commune_at.find(code);
    if (i == commune_at.end()) return P.towers.radius_rural_m;
    const auto& c = R.communes[std::size_t(i->second)];
    if (c.mountain) return P.towers.radius_mountain_m;
    if (c.premises() >= P.rollout.dense_min_premises) return P.towers.radius_urban_m;
    return P.towers.radius_rural_m;
  }
  double radius_of(const std::string& code) const { return radius_scale * base_radius_of(code); }
  // An existing site that carries 4G for some operator.
  bool serves_4g(const HighPoint& h) const {
    for (int o = 0; o < kOperatorCount; ++o)
      if (h.carries(o) && h.has_4g[o]) return true;
    return false;
  }

  std::vector<std::vector<int>> coverage_lists(const std::vector<int>& ids) const {
    std::vector<double> sx, sy, rad;
    for (int h : ids) {
      sx.push_back(hps[h].pos.x);
      sy.push_back(hps[h].pos.y);
      rad.push_back(radius_of(hps[h].commune));
    }
    auto lists = solvers::points_within(sx, sy, d.x, d.y, rad);
    if (dem)  // keep only the points in the site's line of sight
      for (std::size_t k = 0; k < ids.size(); ++k)
        lists[k] = dem->visible(sx[k], sy[k], std::max(10.0, hps[ids[k]].height_m), rad[k], d.x, d.y, lists[k]);
    return lists;
  }
};

// One coverage truth (towers.radius_fit = white_zones): when every commune carries its
// calibrated white-zone share, the radii are scaled by the one factor k that leaves that many
// premises outside every existing 4G site's radius. A point is covered at scale k when
// min over sites of distance / base radius <= k, so the white zone is a step function of k:
// sorting the points by that ratio gives the k whose white zone is nearest the target, exactly.
// Line of sight (--dem) is not part of the fit.
void fit_radius_scale(Sites& S, TowersResult& out) {
  const auto& C = S.R.communes;
  if (S.P.towers.radius_fit != param::RadiusFit::WhiteZones || C.empty() ||
      std::any_of(C.begin(), C.end(), [](const Commune& c) { return !c.white_zone_share; }))
    return;
  double target = 0;
  for (const auto& c : C) target += *c.white_zone_share * double(std::max<std::int64_t>(0, c.premises()));
  const double kmax = S.P.towers.radius_fit_max_scale;
  std::vector<double> sx, sy, rad, base;
  for (int h : S.existing)
    if (S.serves_4g(S.hps[h])) {
      sx.push_back(S.hps[h].pos.x);
      sy.push_back(S.hps[h].pos.y);
      base.push_back(S.base_radius_of(S.hps[h].commune));
      rad.push_back(kmax * base.back());
    }
  const auto& d = S.d;
  // each point's smallest distance / base radius over the sites within their largest radius
  const std::vector<double> ratio = solvers::min_ratio_within(sx, sy, base, rad, d.x, d.y);
  std::vector<std::size_t> order(d.x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return ratio[a] > ratio[b]; });
  // white zone at scale k = weight of the points whose ratio is above k; walk down the ratios
  const std::size_t n = order.size();
  const double kmin = 1.0 / kmax;
  double white = 0;
  std::size_t j = 0;
  while (j < n && ratio[order[j]] > kmax) white += d.w[order[j++]];  // white whatever the scale
  double scale = kmax, best_err = std::abs(white - target);
  for (; j < n && ratio[order[j]] > kmin; ++j) {
    white += d.w[order[j]];  // the white zone for k in [next ratio, this ratio)
    const double next = j + 1 < n ? std::max(ratio[order[j + 1]], kmin) : kmin;
    if (next < ratio[order[j]] && std::abs(white - target) < best_err) {
      best_err = std::abs(white - target);
      scale = 0.5 * (ratio[order[j]] + next);
    }
  }
  S.radius_scale = scale;
  out.radius_scale = scale;
  out.white_zone_target_premises = target;
}

// Coverage of the existing sites per operator; fills the coverage figures and the white-zone
// points of `out`; returns which demand points some operator covers.
std::vector<char> existing_coverage(const Sites& S, TowersResult& out) {
  const auto& d = S.d;
  const auto ex_cov = S.coverage_lists(S.existing);
  std::vector<std::array<char, kOperatorCount>> op_cov(d.x.size(), std::array<char, kOperatorCount>{});
  std::vector<char> any(d.x.size(), 0);
  for (std::size_t k = 0; k < S.existing.size(); ++k) {
    const auto& h = S.R.high_points[S.existing[k]];
    for (int i : ex_cov[k])
      for (int o = 0; o < kOperatorCount; ++o)
        if (h.carries(o) && h.has_4g[o]) {
          op_cov[i][o] = 1;
          any[i] = 1;
        }
  }
  double total = 0, white = 0;
  std::array<double, kOperatorCount> by_op{};
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    total += d.w[i];
    for (int o = 0; o < kOperatorCount; ++o) by_op[o] += op_cov[i][o] ? d.w[i] : 0;
    if (!any[i]) {
      white += d.w[i];
      out.white_x.push_back(d.x[i]);
      out.white_y.push_back(d.y[i]);
      out.white_premises.push_back(d.w[i]);
    }
  }
  for (int o = 0; o < kOperatorCount; ++o) out.coverage_pct_of_premises[o] = total > 0 ? 100.0 * by_op[o] / total : 0.0;
  out.white_zone_premises = white;
  out.premises = total;
  return any;
}

HighPoint new_mast(std::string id, double x, double y, std::string commune, const Parameters& P) {
  HighPoint h;
  h.id = std::move(id);
  h.pos.x = x;
  h.pos.y = y;
  scenarios::Projection::for_this_thread().fill_wgs84(h.pos);
  h.commune = std::move(commune);
  h.existing = false;
  h.height_m = 40;
  h.build_cost_eur = P.mobile.candidate_build_eur;
  return h;
}

// Candidates: a new mast at each white-zone demand point (so a programme can keep closing white
// zones), then the user's own sites, each of which must stand in the region (within 20 km of a
// commune centre).
void add_candidates(Sites& S, const std::vector<char>& any, const XYTable* user, const std::string& user_file) {
  std::vector<HighPoint> extra;
  std::int64_t k = 0;
  for (std::size_t i = 0; i < S.d.x.size(); ++i)
    if (!any[i]) extra.push_back(new_mast(fmt::format("new:{:06d}", ++k), S.d.x[i], S.d.y[i], S.R.communes[S.d.commune[i]].code, S.P));
  for (std::size_t u = 0; user && u < user->x.size(); ++u) {
    double best = 1e300;
    std::size_t at = 0;
    for (std::size_t i = 0; i < S.R.communes.size(); ++i) {
      const double dist = std::hypot(S.R.communes[i].centroid.x - user->x[u], S.R.communes[i].centroid.y - user->y[u]);
      if (dist < best) {
        best = dist;
        at = i;
      }
    }
    if (best > 20000)
      throw InputError(user_file, user->line[u], "x/y",
                       fmt::format("site {} at ({:.0f}, {:.0f}) is outside the region ({:.1f} km from the nearest commune)", user->id[u],
                                   user->x[u], user->y[u], best / 1000));
    extra.push_back(new_mast("user:" + user->id[u], user->x[u], user->y[u], S.R.communes[at].code, S.P));
  }
  for (auto& h : extra) {
    S.candidates.push_back(int(S.hps.size()));
    S.hps.push_back(std::move(h));
  }
}

// The unfibred existing high points each RIP must connect, with cost: one plan over all RIPs,
// high points in the region's order, each planned link paid by the first that needs it.
void unfibred_backhaul(const Sites& S, const Backhaul& backhaul, TowersResult& out) {
  BackhaulLedger ledger(backhaul);
  std::vector<const HighPoint*> unfibred;
  for (int h : S.existing)
    if (!S.hps[h].fibred) unfibred.push_back(&S.hps[h]);
  for (const SiteBackhaul& b : ledger.charge_all(unfibred, 0)) {
    if (!b.reachable) continue;
    auto& rip = out.unfibred_existing_backhaul_by_rip[b.departement];
    rip.high_points += 1;
    rip.cost_eur += b.cost;
    rip.new_build_km += b.km;
    rip.planned_links_eur += b.planned_links_eur;
  }
  out.unfibred_existing_backhaul = ledger.account();
}

// The candidates' costs, each connected alone: build + backhaul. The choice ranks candidates by
// these (an upper bound on what a site pays once the plan shares planned links).
struct CandidateCosts {
  std::vector<double> total, backhaul, backhaul_km;
};

CandidateCosts candidate_costs(const Sites& S, const Backhaul& backhaul, ProgressSink* progress) {
  const std::size_t n = S.candidates.size();
  CandidateCosts c{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  const ProgressCounter count(progress, "towers: candidates' backhaul", std::int64_t(n));
  // the candidates in parallel, each routed alone on the same network state by its thread's
  // solver: the same numbers whatever the thread count
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const tbb::blocked_range<std::size_t>& r) {
    const solvers::Interconnect& ic = backhaul.solver();
    for (std::size_t k = r.begin(); k < r.end(); ++k) {
      count.add();
      auto [cost, km] = backhaul.alone(S.hps[S.candidates[k]], ic);
      c.backhaul[k] = cost < 0 ? 1e12 : cost;  // unreachable: practically never chosen in budget mode
      c.backhaul_km[k] = km;
      c.total[k] = S.hps[S.candidates[k]].build_cost_eur + c.backhaul[k];
    }
  });
  return c;
}

// The choice (K sites or a budget) and its sites with what each newly covers and pays, in the
// order the solver opened them (each planned link paid by the first site that needs it).
void record_choice(const Sites& S, const Backhaul& backhaul, const solvers::CoverageProblem& prob,
                   const solvers::CoverageSolution& sol, const std::vector<char>& any, TowersResult& out) {
  auto& choice = out.choice;
  choice.figures = figures_of(sol);
  choice.max_sites = prob.max_sites;
  if (prob.budget >= 0) choice.budget_eur = prob.budget;
  std::vector<char> cov_now = any;
  BackhaulLedger ledger(backhaul);
  for (int k : sol.open) {
    const auto& h = S.hps[S.candidates[k]];
    double newly = 0;
    for (int i : prob.covers[k])
      if (!cov_now[i]) {
        cov_now[i] = 1;
        newly += S.d.w[i];
      }
    SiteBackhaul b = ledger.charge(h, 0);
    out.chosen.push_back({h.id, h.pos.x, h.pos.y, 0, newly, b.cost, b.line, b.paid});
    choice.total_cost_eur += h.build_cost_eur + b.cost;
    choice.chosen.push_back({h.id, h.commune, h.pos.x, h.pos.y, h.pos.lon, h.pos.lat, newly, h.build_cost_eur, b.cost, b.km,
                             std::move(b.paid), std::move(b.used)});
  }
  choice.backhaul = ledger.account();
}

// The yearly programme: towers.sites_per_year sites each year, white zones shrinking; one
// backhaul plan over the years, each planned link paid by the first site that needs it.
void programme(const Sites& S, const Backhaul& backhaul, const solvers::CoverageProblem& prob, const std::vector<char>& any,
               int first_year, int last_year, TowersResult& out, ProgressSink* progress) {
  const ProgressCounter count(progress, "towers: programme years", std::int64_t(std::max(0, last_year - first_year + 1)));
  std::vector<char> covered = any;
  double white_left = out.white_zone_premises;
  BackhaulLedger ledger(backhaul);
  // one problem, updated each year: the points covered so far, the sites used so far emptied
  solvers::CoverageProblem py_prob = prob;
  py_prob.budget = -1;
  py_prob.max_sites = int(S.P.towers.sites_per_year);
  for (int year = first_year; year <= last_year; ++year) {
    py_prob.already_covered = covered;
    const auto ys = solvers::max_coverage_heuristic(py_prob, 50);
    if (ys.work_capped && progress)
      progress->line(fmt::format("towers: programme {}: a local search stopped at towers.local_search_work ({} entries), not at a local optimum",
                                 year, py_prob.local_search_work));
    TowersYear ty;
    ty.year = year;
    for (int k : ys.open) {
      py_prob.covers[k].clear();
      const auto& h = S.hps[S.candidates[k]];
      const SiteBackhaul b = ledger.charge(h, year);
      ty.sites.push_back(h.id);
      ty.site_communes.push_back(h.commune);
      ty.site_build_eur.push_back(h.existing ? 0.0 : h.build_cost_eur);
      ty.cost_eur += h.build_cost_eur + b.cost;
      ty.planned_links_eur += b.planned_links_eur;
      for (int i : prob.covers[k])
        if (!covered[i]) {
          covered[i] = 1;
          white_left -= S.d.w[i];
        }
    }
    ty.premises_newly_covered = ys.objective;
    ty.white_zone_premises_after = std::max(0.0, white_left);
    ty.gap = ys.gap;
    out.programme.push_back(std::move(ty));
    count.add();
  }
  out.programme_backhaul = ledger.account();
}

}  // namespace

struct TowersPrefix {
  const Region& R;
  const scenarios::Scenario& s;
  std::optional<XYTable> user;
  std::unique_ptr<scenarios::Dem> dem;
  DemandPoints demand;
  std::unique_ptr<Sites> S;  // refers to demand and dem above: the prefix never moves (shared_ptr)
  TowersResult out;
  std::vector<char> any;  // demand points some operator covers
  std::vector<std::vector<int>> candidate_covers;
};

std::shared_ptr<TowersPrefix> towers_prefix(const Region& R, const scenarios::Scenario& s, const TowersConfig& cfg) {
  const Parameters& P = s.params;
  auto p = std::shared_ptr<TowersPrefix>(new TowersPrefix{R, s, {}, {}, {}, {}, {}, {}, {}});
  // the user's own candidate sites are read first, before any computation
  if (!cfg.candidates.empty()) p->user = read_xy_csv(cfg.candidates, false);
  if (!cfg.dem.empty()) p->dem = std::make_unique<scenarios::Dem>(cfg.dem);
  if (cfg.progress) cfg.progress->line("towers: demand points and coverage");
  p->demand = demand_points(R, P.towers, s.seed);
  p->S.reset(new Sites{R, P, p->demand, p->dem.get()});
  Sites& S = *p->S;
  for (std::size_t h = 0; h < S.hps.size(); ++h) (S.hps[h].existing ? S.existing : S.candidates).push_back(int(h));
  fit_radius_scale(S, p->out);
  p->any = existing_coverage(S, p->out);
  add_candidates(S, p->any, p->user ? &*p->user : nullptr, cfg.candidates);
  p->out.existing_sites = S.existing.size();
  p->out.candidate_sites = S.candidates.size();
  p->candidate_covers = S.coverage_lists(S.candidates);
  return p;
}

TowersResult towers_for_region(const Region& R, const scenarios::Scenario& s, const TowersConfig& cfg, const RolloutResults* rollout) {
  return towers_for_region(R, s, cfg, rollout, towers_prefix(R, s, cfg));
}

TowersResult towers_for_region(const Region& R, const scenarios::Scenario& s, const TowersConfig& cfg, const RolloutResults* rollout,
                               std::shared_ptr<TowersPrefix> prefix) {
  if (&prefix->R != &R || &prefix->s != &s) throw std::logic_error("towers_for_region: a prefix made on another region or scenario");
  const Parameters& P = s.params;
  const Sites& S = *prefix->S;
  const std::vector<char>& any = prefix->any;
  TowersResult out = std::move(prefix->out);
  Backhaul backhaul{R, P};
  if (rollout) backhaul.built_by(*rollout);
  const CandidateCosts cost = candidate_costs(S, backhaul, cfg.progress);
  unfibred_backhaul(S, backhaul, out);
  solvers::CoverageProblem prob;
  prob.weight = prefix->demand.w;
  prob.already_covered = any;
  prob.covers = std::move(prefix->candidate_covers);
  prob.cost = cost.total;
  prob.local_search_work = std::size_t(P.towers.local_search_work);
  if (cfg.budget >= 0) prob.budget = cfg.budget;
  else prob.max_sites = cfg.sites >= 0 ? cfg.sites : int(P.towers.sites_per_year);
  if (cfg.progress) cfg.progress->line(fmt::format("towers: choice ({}) among {} candidates", method_text(cfg.method), S.candidates.size()));
  const auto chosen = solve(prob, cfg.method, cfg.progress);
  if (chosen.work_capped && cfg.progress)
    cfg.progress->line(fmt::format("towers: choice: a local search stopped at towers.local_search_work ({} entries), not at a local optimum",
                                   prob.local_search_work));
  record_choice(S, backhaul, prob, chosen, any, out);
  programme(S, backhaul, prob, any, s.first_year, s.last_year, out, cfg.progress);
  return out;
}

TowersResult towers(const TowersConfig& cfg) {
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  if (cfg.sites < -1) throw InputError("command line", 0, "--sites", "a number of sites is >= 0");
  if (!std::isfinite(cfg.budget)) throw InputError("command line", 0, "--budget", "a budget is a finite number of EUR");
  const Region region = scenarios::load_region(s);
  if (region.high_points.empty()) throw InputError(s.file, 0, "region", "the region has no high points");
  auto res = towers_for_region(region, s, cfg);
  if (cfg.progress) cfg.progress->line("towers: writing");
  viz::OutputDir dir(cfg.out_dir, "towers");
  viz::write_file(dir.entry("towers.json"), viz::towers_json_text(res));
  viz::write_towers_gpkg(dir.entry("towers.gpkg"), region, res);
  dir.commit();
  return res;
}

}  // namespace dorsale::planner
