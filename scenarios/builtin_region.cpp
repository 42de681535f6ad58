#include "scenarios/builtin_region.h"

#include <fmt/format.h>
#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/kruskal.h>
#include <lemon/list_graph.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "models/error.h"
#include "models/random.h"
#include "scenarios/projection.h"

namespace dorsale::scenarios {

namespace {

// ---- real reference data --------------------------------------------------------------
struct DepTemplate {
  const char* code;
  const char* name;
  const char* rip;
  double area_km2;              // IGN
  double centre_lon, centre_lat;  // approximate geographic centre
  int communes_2018;            // ARCEP 2018 T1 file
  double premises_2018;         // ARCEP 2018 T1: dwellings + business sites
  double population;            // INSEE, order of magnitude 2016
  bool amel;                    // assumption: départements with AMEL calls in phase 2
  bool jura;                    // phase 2 model unknown (SCORAN)
  bool thd_radio;               // RCube footprint (SCORAN: Yonne, Côte-d'Or, Saône-et-Loire)
};

const DepTemplate kDeps[] = {
    {"21", "Côte-d'Or", "Côte-d'Or THD", 8763, 4.77, 47.42, 704, 295966, 533000, true, false, true},
    {"25", "Doubs", "Doubs THD", 5234, 6.36, 47.15, 576, 286894, 539000, false, false, false},
    {"39", "Jura", "Jura Numérique", 4999, 5.70, 46.73, 506, 154257, 260000, false, true, false},
    {"58", "Nièvre", "Nièvre Numérique", 6817, 3.50, 47.12, 309, 147350, 205000, true, false, false},
    {"70", "Haute-Saône", "Haute-Saône Numérique", 5360, 6.09, 47.64, 542, 130790, 236000, false, false, false},
    {"71", "Saône-et-Loire", "Saône-et-Loire THD", 8575, 4.54, 46.64, 567, 321646, 553000, true, false, true},
    {"89", "Yonne", "Yonne THD", 7427, 3.56, 47.84, 428, 203109, 338000, true, false, true},
    {"90", "Territoire de Belfort", "Territoire de Belfort THD", 609, 6.93, 47.63, 102, 73980, 142000, false, false, false},
};

struct TownTemplate {
  const char* code;  // INSEE
  const char* name;
  double lon, lat;   // approximate town centre
  double population;
  const char* pop_id;  // Dorsale point of presence hosted by the town, or nullptr
};

const TownTemplate kTowns[] = {
    {"21231", "Dijon", 5.0415, 47.3220, 156000, "pop:dijon"},
    {"21054", "Beaune", 4.8400, 47.0260, 21000, "pop:beaune"},
    {"21166", "Chenôve", 5.0047, 47.2918, 14000, nullptr},
    {"21617", "Talant", 5.0050, 47.3370, 11500, nullptr},
    {"21515", "Quetigny", 5.1060, 47.3140, 9600, nullptr},
    {"21425", "Montbard", 4.3375, 47.6238, 5300, nullptr},
    {"21038", "Auxonne", 5.3878, 47.1939, 7800, nullptr},
    {"21154", "Châtillon-sur-Seine", 4.5747, 47.8586, 5400, nullptr},
    {"21464", "Nuits-Saint-Georges", 4.9500, 47.1370, 5500, nullptr},
    {"25056", "Besançon", 6.0241, 47.2378, 116000, "pop:besancon"},
    {"25388", "Montbéliard", 6.7983, 47.5100, 25500, "pop:montbeliard"},
    {"25462", "Pontarlier", 6.3547, 46.9035, 17500, "pop:pontarlier"},
    {"25031", "Audincourt", 6.8400, 47.4830, 14000, nullptr},
    {"25580", "Valentigney", 6.8320, 47.4620, 11500, nullptr},
    {"25411", "Morteau", 6.6050, 47.0575, 7000, nullptr},
    {"25047", "Baume-les-Dames", 6.3610, 47.3520, 5200, nullptr},
    {"39198", "Dole", 5.4897, 47.0925, 23500, "pop:dole"},
    {"39300", "Lons-le-Saunier", 5.5547, 46.6744, 17000, "pop:lons-le-saunier"},
    {"39478", "Saint-Claude", 5.8636, 46.3872, 9500, nullptr},
    {"39097", "Champagnole", 5.9075, 46.7475, 7800, nullptr},
    {"39367", "Morez", 6.0250, 46.5230, 5000, nullptr},
    {"58194", "Nevers", 3.1590, 46.9910, 33000, "pop:nevers"},
    {"58086", "Cosne-Cours-sur-Loire", 2.9270, 47.4110, 10000, nullptr},
    {"58095", "Decize", 3.4620, 46.8280, 5600, nullptr},
    {"58079", "Clamecy", 3.5200, 47.4600, 4000, nullptr},
    {"70550", "Vesoul", 6.1550, 47.6220, 15000, "pop:vesoul"},
    {"70285", "Héricourt", 6.7617, 47.5775, 10500, nullptr},
    {"70310", "Lure", 6.4960, 47.6830, 8300, nullptr},
    {"70311", "Luxeuil-les-Bains", 6.3800, 47.8170, 7000, nullptr},
    {"70279", "Gray", 5.5910, 47.4450, 5600, nullptr},
    {"71076", "Chalon-sur-Saône", 4.8530, 46.7800, 45000, "pop:chalon-sur-saone"},
    {"71270", "Mâcon", 4.8320, 46.3070, 34000, "pop:macon"},
    {"71153", "Le Creusot", 4.4240, 46.8010, 22000, "pop:le-creusot"},
    {"71306", "Montceau-les-Mines", 4.3650, 46.6680, 18000, nullptr},
    {"71014", "Autun", 4.2990, 46.9510, 14000, "pop:autun"},
    {"71342", "Paray-le-Monial", 4.1200, 46.4510, 9000, nullptr},
    {"71176", "Digoin", 3.9800, 46.4810, 7800, nullptr},
    {"71263", "Louhans", 5.2240, 46.6270, 6400, nullptr},
    {"89024", "Auxerre", 3.5710, 47.7990, 35000, "pop:auxerre"},
    {"89387", "Sens", 3.2830, 48.1970, 27000, "pop:sens"},
    {"89206", "Joigny", 3.3970, 47.9820, 10000, nullptr},
    {"89025", "Avallon", 3.9080, 47.4900, 6900, "pop:avallon"},
    {"89257", "Migennes", 3.5180, 47.9650, 7100, nullptr},
    {"89418", "Tonnerre", 3.9740, 47.8560, 4800, nullptr},
    {"90010", "Belfort", 6.8630, 47.6380, 47000, "pop:belfort"},
    {"90033", "Delle", 6.9990, 47.5080, 5600, nullptr},
    {"90009", "Beaucourt", 6.9240, 47.4880, 5000, nullptr},
    {"90099", "Valdoie", 6.8430, 47.6690, 5300, nullptr},
};

struct HubTemplate {
  const char* id;
  const char* name;
  double lon, lat;
};
const HubTemplate kHubs[] = {{"hub:paris", "Paris", 2.3522, 48.8566},
                             {"hub:lyon", "Lyon", 4.8357, 45.7640},
                             {"hub:strasbourg", "Strasbourg", 7.7521, 48.5734}};

// Corridors of the Dorsale (motorway and road ducts, mostly leased) and the transit links
// to the external hubs (leased from national carriers; not counted in the Dorsale's km).
struct Corridor {
  const char* a;
  const char* b;
  const char* corridor;
  const char* duct;  // shared-risk group: links in the same duct fail together
  bool owned;
  bool transit;
};
const Corridor kCorridors[] = {
    {"pop:sens", "pop:auxerre", "A6", "duct:A6:sens-auxerre", false, false},
    {"pop:auxerre", "pop:avallon", "A6", "duct:A6:auxerre-avallon", false, false},
    {"pop:avallon", "pop:beaune", "A6", "duct:A6:avallon-beaune", false, false},
    {"pop:beaune", "pop:chalon-sur-saone", "A6", "duct:A6:beaune-chalon", false, false},
    {"pop:chalon-sur-saone", "pop:macon", "A6", "duct:A6:chalon-macon", false, false},
    {"pop:beaune", "pop:dijon", "A31", "duct:A31:beaune-dijon", false, false},
    {"pop:dijon", "pop:dole", "A39", "duct:A39:dijon-dole", false, false},
    {"pop:dole", "pop:besancon", "A36", "duct:A36:dole-besancon", false, false},
    {"pop:besancon", "pop:montbeliard", "A36", "duct:A36:besancon-montbeliard", false, false},
    {"pop:montbeliard", "pop:belfort", "A36", "duct:A36:montbeliard-belfort", false, false},
    {"pop:dole", "pop:lons-le-saunier", "A39", "duct:A39:dole-lons", false, false},
    {"pop:lons-le-saunier", "pop:macon", "A39/A40", "duct:A39:lons-macon", false, false},
    {"pop:besancon", "pop:vesoul", "N57", "duct:N57:besancon-vesoul", true, false},
    {"pop:vesoul", "pop:belfort", "N19", "duct:N19:vesoul-belfort", true, false},
    {"pop:dijon", "pop:vesoul", "D70", "duct:D70:dijon-vesoul", true, false},
    {"pop:auxerre", "pop:nevers", "N151", "duct:N151:auxerre-nevers", false, false},
    {"pop:nevers", "pop:autun", "N81", "duct:N81:nevers-autun", true, false},
    {"pop:autun", "pop:le-creusot", "RCEA", "duct:RCEA:autun-le-creusot", true, false},
    {"pop:le-creusot", "pop:chalon-sur-saone", "RCEA", "duct:RCEA:le-creusot-chalon", false, false},
    {"pop:besancon", "pop:pontarlier", "N57", "duct:N57:besancon-pontarlier", false, false},
    {"hub:paris", "pop:sens", "A5/A19", "duct:A5:paris-sens", false, true},
    {"hub:paris", "pop:auxerre", "A6", "duct:A6:paris-auxerre", false, true},
    {"pop:macon", "hub:lyon", "A6", "duct:A6:macon-lyon", false, true},
    {"pop:lons-le-saunier", "hub:lyon", "A39/A42", "duct:A42:lons-lyon", false, true},
    // Both Strasbourg links run in the A35 duct north of Mulhouse: link-disjoint, not
    // risk-disjoint.
    {"pop:belfort", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
    {"pop:montbeliard", "hub:strasbourg", "A36/A35", "duct:A35:mulhouse-strasbourg", false, true},
};

// Mountain massifs (approximate centre and radius): Jura, Morvan, Vosges saônoises.
struct Massif {
  double lon, lat, radius_km;
};
const Massif kMassifs[] = {{6.05, 46.75, 45}, {4.05, 47.20, 30}, {6.65, 47.85, 22}};

const double kDefaultPremises = 1700000.0;
const int kTemplateCommunes = 3734;

// ---- helpers ------------------------------------------------------------------------------

// Splits `total` into integers proportional to `weights` (largest remainder): the result
// sums to `total` exactly. Ties are broken by index, so the split is deterministic.
std::vector<std::int64_t> apportion(const std::vector<double>& weights, std::int64_t total) {
  std::vector<std::int64_t> out(weights.size(), 0);
  double sum = 0;
  for (double w : weights) sum += std::max(0.0, w);
  if (weights.empty() || total <= 0 || sum <= 0) return out;
  std::vector<std::pair<double, std::size_t>> rem;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double exact = double(total) * std::max(0.0, weights[i]) / sum;
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    given += out[i];
    rem.emplace_back(exact - double(out[i]), i);
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) out[rem[k % rem.size()].second] += 1;
  return out;
}

struct Work {
  std::string dep;    // département code
  int tmpl = 0;       // index of the département template
  int tile = 0;
  double urban = 0;   // urban score: closeness to towns, weighted by their size
  double rural = 0;   // ruralness in [0, 1]
  int town = -1;      // index in kTowns if the commune is a real town
  int nearest_town = 0;
};

}  // namespace

Region build_builtin_region(const Parameters& P, std::uint64_t seed) {
  Projection proj;
  Region region;
  region.name = "bfc";
  region.provenance.source = "builtin:bfc";
  region.provenance.geography = "generated";
  region.provenance.seed = seed;
  region.provenance.derived = {"all fields (generated, calibrated to the SCORAN 2019)"};

  const std::int64_t n_communes = P.calibration.communes;
  const std::int64_t total_pop = P.calibration.population;
  const std::int64_t total_premises = P.calibration.premises;
  const double scale = double(total_premises) / kDefaultPremises;  // for absolute targets
  const int tiles = std::max<int>(1, int(std::lround(double(n_communes) / kTemplateCommunes)));
  const int n_templates = int(std::size(kDeps));
  if (tiles * n_templates > 90)
    throw ValidationError("parameter calibration.communes", "calibration.communes",
                          "too many communes: at most 90 generated départements (~42,000 communes)");

  // ---- départements ---------------------------------------------------------------------
  std::vector<Position> tile_offset(tiles);
  for (int t = 0; t < tiles; ++t) {
    tile_offset[t].x = (t % 4) * 420000.0;
    tile_offset[t].y = -(t / 4) * 320000.0;
  }
  auto dep_code = [&](int tile, int tmpl) {
    return tiles == 1 ? std::string(kDeps[tmpl].code) : fmt::format("{}", 10 + tile * n_templates + tmpl);
  };
  auto shifted = [&](double lon, double lat, int tile) {
    Position p = proj.from_wgs84(lon, lat);
    if (tile > 0) {
      p.x += tile_offset[tile].x;
      p.y += tile_offset[tile].y;
      proj.fill_wgs84(p);
    }
    return p;
  };
  std::vector<double> dep_commune_w, dep_premises_w;
  for (int t = 0; t < tiles; ++t)
    for (int d = 0; d < n_templates; ++d) {
      Departement dep;
      dep.code = dep_code(t, d);
      dep.name = tiles == 1 ? kDeps[d].name : fmt::format("{} ({})", kDeps[d].name, t + 1);
      dep.rip_name = tiles == 1 ? kDeps[d].rip : fmt::format("{} ({})", kDeps[d].rip, t + 1);
      // the prefecture is the first town of the département in kTowns
      for (const auto& town : kTowns)
        if (std::string(town.code).rfind(kDeps[d].code, 0) == 0) {
          dep.prefecture = shifted(town.lon, town.lat, t);
          break;
        }
      region.departements.push_back(dep);
      dep_commune_w.push_back(kDeps[d].communes_2018);
      dep_premises_w.push_back(kDeps[d].premises_2018);
    }
  const auto communes_per_dep = apportion(dep_commune_w, n_communes);
  const auto premises_per_dep = apportion(dep_premises_w, total_premises);

  // ---- communes: towns first, then generated communes around them ------------------------
  std::vector<Commune>& C = region.communes;
  std::vector<Work> W;
  const double town_pop_scale = double(total_pop) / double(n_communes) / (2800000.0 / 3734.0);
  std::int64_t town_pop_total = 0;
  for (int t = 0; t < tiles; ++t)
    for (int d = 0; d < n_templates; ++d) {
      const int di = t * n_templates + d;
      const std::string dep = dep_code(t, d);
      const Position centre = shifted(kDeps[d].centre_lon, kDeps[d].centre_lat, t);
      const double radius_m = std::sqrt(kDeps[d].area_km2 / M_PI) * 1000.0;
      std::vector<int> towns;
      for (int k = 0; k < int(std::size(kTowns)); ++k)
        if (std::string(kTowns[k].code).rfind(kDeps[d].code, 0) == 0) towns.push_back(k);
      std::vector<double> town_w;
      for (int k : towns) town_w.push_back(std::sqrt(kTowns[k].population));
      const double town_w_sum = std::accumulate(town_w.begin(), town_w.end(), 0.0);
      std::vector<bool> used_number(1000, false);
      for (int k : towns) used_number[std::stoi(std::string(kTowns[k].code).substr(2))] = true;
      const std::int64_t n_dep = communes_per_dep[di];
      int next_number = 1;
      for (std::int64_t i = 0; i < n_dep; ++i) {
        Commune c;
        Work w;
        w.dep = dep;
        w.tmpl = d;
        w.tile = t;
        c.departement = dep;
        Rng rng(seed, (std::uint64_t(di) << 32) | std::uint64_t(i));
        if (i < std::int64_t(towns.size())) {
          const auto& town = kTowns[towns[i]];
          c.code = dep + std::string(town.code).substr(2);
          c.name = tiles == 1 ? town.name : fmt::format("{} ({})", town.name, t + 1);
          c.centroid = shifted(town.lon, town.lat, t);
          c.population = std::llround(town.population * town_pop_scale);
          town_pop_total += c.population;
          w.town = towns[i];
        } else {
          while (next_number <= 999 && used_number[next_number]) ++next_number;
          if (next_number > 999)
            throw ValidationError("parameter calibration.communes", "calibration.communes",
                                  fmt::format("more than 999 communes in département {}", dep));
          c.code = fmt::format("{}{:03d}", dep, next_number);
          used_number[next_number] = true;
          c.name = fmt::format("Commune {}-{:03d}", dep, next_number);
          // 55 % spread over the département, 45 % clustered around its towns
          double x, y;
          if (rng.uniform() < 0.55 || towns.empty()) {
            double r = radius_m * std::sqrt(rng.uniform()), a = 6.283185307179586 * rng.uniform();
            x = centre.x + r * std::cos(a);
            y = centre.y + r * std::sin(a);
          } else {
            double pick = rng.uniform() * town_w_sum;
            std::size_t k = 0;
            while (k + 1 < towns.size() && pick > town_w[k]) pick -= town_w[k++];
            Position tp = shifted(kTowns[towns[k]].lon, kTowns[towns[k]].lat, t);
            const double sigma = 9000.0;
            x = tp.x + sigma * rng.normal();
            y = tp.y + sigma * rng.normal();
            double dx = x - centre.x, dy = y - centre.y, dist = std::hypot(dx, dy);
            if (dist > radius_m) {  // keep it inside the département's disk
              x = centre.x + dx * radius_m / dist * 0.98;
              y = centre.y + dy * radius_m / dist * 0.98;
            }
          }
          c.centroid.x = x;
          c.centroid.y = y;
          proj.fill_wgs84(c.centroid);
        }
        C.push_back(std::move(c));
        W.push_back(w);
      }
    }
  const std::size_t N = C.size();

  // urban score: closeness to the towns of the same tile, weighted by town size
  std::vector<Position> town_pos(std::size(kTowns) * tiles);
  for (int t = 0; t < tiles; ++t)
    for (std::size_t k = 0; k < std::size(kTowns); ++k)
      town_pos[t * std::size(kTowns) + k] = shifted(kTowns[k].lon, kTowns[k].lat, t);
  for (std::size_t i = 0; i < N; ++i) {
    double s = 0, best = 1e300;
    for (std::size_t k = 0; k < std::size(kTowns); ++k) {
      double d = distance_km(C[i].centroid, town_pos[W[i].tile * std::size(kTowns) + k]);
      s += kTowns[k].population * std::exp(-d / 12.0);
      if (d < best) {
        best = d;
        W[i].nearest_town = int(k);
      }
    }
    Rng rng(seed ^ 0xA5A5u, i);
    W[i].urban = s * std::exp(0.8 * rng.normal());
  }

  // ---- populations: log-normal fitted to "share under 500" and the total -------------------
  {
    std::vector<std::size_t> gen;  // generated communes, most urban first
    for (std::size_t i = 0; i < N; ++i)
      if (W[i].town < 0) gen.push_back(i);
    std::stable_sort(gen.begin(), gen.end(), [&](auto a, auto b) { return W[a].urban > W[b].urban; });
    std::vector<double> z(gen.size());
    for (std::size_t k = 0; k < gen.size(); ++k) z[k] = Rng(seed ^ 0x5EEDu, k).normal();
    std::sort(z.begin(), z.end(), std::greater<>());
    const double remaining = double(total_pop - town_pop_total);
    if (remaining <= 0)
      throw ValidationError("parameter calibration.population", "calibration.population",
                            "smaller than the population of the real towns");
    const double target_under = P.calibration.share_under_500 * double(N);
    std::vector<double> pops(gen.size());
    auto fit = [&](double s) {  // returns the number of communes under 500
      double sum = 0;
      for (double v : z) sum += std::exp(s * v);
      const double mu = std::log(remaining / sum);
      int under = 0;
      for (std::size_t k = 0; k < z.size(); ++k) {
        pops[k] = std::exp(mu + s * z[k]);
        under += pops[k] < 500 ? 1 : 0;
      }
      return under;
    };
    double lo = 0.05, hi = 3.0;
    for (int it = 0; it < 60; ++it) {
      double mid = 0.5 * (lo + hi);
      if (fit(mid) < target_under) lo = mid; else hi = mid;
    }
    fit(0.5 * (lo + hi));
    auto ints = apportion(pops, std::int64_t(remaining));
    for (std::size_t k = 0; k < gen.size(); ++k) C[gen[k]].population = std::max<std::int64_t>(ints[k], 1);
  }
  for (std::size_t i = 0; i < N; ++i)
    W[i].rural = std::clamp(1.0 - std::log1p(double(C[i].population)) / std::log1p(50000.0), 0.0, 1.0);

  // rural flag: the smallest communes up to the rural share of the population
  {
    std::vector<std::size_t> idx(N);
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto b) { return C[a].population < C[b].population; });
    const double target = P.calibration.rural_population_share * double(total_pop);
    double cum = 0;
    for (auto i : idx) {
      if (cum + double(C[i].population) / 2 > target) break;
      cum += double(C[i].population);
      C[i].rural = true;
    }
  }
  for (std::size_t i = 0; i < N; ++i) {
    Position base = C[i].centroid;
    for (const auto& m : kMassifs) {
      Position mp = shifted(m.lon, m.lat, W[i].tile);
      if (distance_km(base, mp) <= m.radius_km) C[i].mountain = true;
    }
  }

  // ---- premises per commune, exact per département --------------------------------------------
  {
    const double bonus = P.calibration.premises_per_inhabitant_rural_bonus;
    for (int di = 0; di < tiles * n_templates; ++di) {
      std::vector<std::size_t> idx;
      std::vector<double> w;
      for (std::size_t i = 0; i < N; ++i)
        if (C[i].departement == region.departements[di].code) {
          idx.push_back(i);
          w.push_back(double(C[i].population) * (0.55 + bonus * W[i].rural));
        }
      auto p = apportion(w, premises_per_dep[di]);
      for (std::size_t k = 0; k < idx.size(); ++k) {
        auto& c = C[idx[k]];
        const std::int64_t prem = std::max<std::int64_t>(p[k], 1);
        c.business_sites = std::llround(double(prem) * P.calibration.business_share);
        c.dwellings = prem - c.business_sites;
      }
    }
  }
  std::int64_t P_total = 0;
  for (auto& c : C) P_total += c.premises();

  // ---- zones and phase 2 ---------------------------------------------------------------------
  std::vector<std::size_t> by_urban(N);
  std::iota(by_urban.begin(), by_urban.end(), 0);
  std::stable_sort(by_urban.begin(), by_urban.end(), [&](auto a, auto b) {
    if ((W[a].town >= 0) != (W[b].town >= 0)) return W[a].town >= 0;
    return W[a].urban > W[b].urban;
  });
  // Greedy fill to a premises target along an order; skips communes that would overshoot.
  auto fill = [&](const std::vector<std::size_t>& order, double target, auto eligible, auto take) {
    double cum = 0;
    for (auto i : order) {
      if (cum >= target * 0.999) break;
      if (!eligible(i)) continue;
      const double p = double(C[i].premises());
      if (cum + p > target * 1.002) continue;
      take(i);
      cum += p;
    }
    return cum;
  };
  const double f_all = P.bands.ftth_share, f_priv = P.bands.ftth_share_private_zone,
               f_pub = P.bands.ftth_share_public_zone;
  if (!(f_priv > f_pub) || f_all < f_pub || f_all > f_priv)
    throw ValidationError("parameter bands.ftth_share", "bands.ftth_share",
                          "must lie between the public and private zone FttH shares");
  for (auto& c : C) c.zone = Zone::Rip;
  const double amii_target = double(P_total) * (f_all - f_pub) / (f_priv - f_pub);
  fill(by_urban, amii_target, [&](auto) { return true; }, [&](auto i) { C[i].zone = Zone::Amii; });
  fill(by_urban, double(P.phase2.amel_premises) * scale,
       [&](auto i) { return C[i].zone == Zone::Rip && kDeps[W[i].tmpl].amel; },
       [&](auto i) { C[i].zone = Zone::Amel; C[i].phase2 = Phase2::Amel; });
  std::vector<std::size_t> by_rural(by_urban.rbegin(), by_urban.rend());
  fill(by_rural, double(P.phase2.jura_premises) * scale,
       [&](auto i) { return C[i].zone == Zone::Rip && kDeps[W[i].tmpl].jura; },
       [&](auto i) { C[i].phase2 = Phase2::Unknown; });
  fill(by_rural, double(P.phase2.dsp_premises) * scale,
       [&](auto i) { return C[i].zone == Zone::Rip && !kDeps[W[i].tmpl].jura && C[i].phase2 == Phase2::None; },
       [&](auto i) { C[i].phase2 = Phase2::Dsp; });
  for (auto& c : C)
    if (c.phase2 != Phase2::None) c.phase2_premises = c.premises();

  // ---- FttH plans and the FttH premises of 2019 --------------------------------------------------
  {
    std::vector<std::size_t> amii, amel, rip1, rip2;
    for (auto i : by_urban) {
      auto& c = C[i];
      if (c.zone == Zone::Amii) amii.push_back(i);
      else if (c.zone == Zone::Amel) amel.push_back(i);
      else if (c.phase2 == Phase2::None) rip1.push_back(i);
      else rip2.push_back(i);
    }
    auto plan = [&](const std::vector<std::size_t>& v, int y0, int y1, auto actor) {
      for (std::size_t k = 0; k < v.size(); ++k) {
        auto& c = C[v[k]];
        c.ftth_plan.year = y0 + int((y1 - y0 + 1) * k / std::max<std::size_t>(1, v.size()));
        c.ftth_plan.actor = actor(v[k]);
      }
    };
    plan(amii, 2019, 2022, [&](auto i) { return W[i].nearest_town % 2 ? std::string("SFR") : std::string("Orange"); });
    plan(amel, 2020, 2022, [&](auto i) { return W[i].nearest_town % 2 ? std::string("SFR (AMEL)") : std::string("Orange (AMEL)"); });
    plan(rip1, 2019, 2022, [&](auto i) { return region.departements[0].rip_name.empty() ? "" :
                                               fmt::format("RIP {} (phase 1)", C[i].departement); });
    std::vector<std::size_t> dsp2, jura2;
    for (auto i : rip2) (C[i].phase2 == Phase2::Dsp ? dsp2 : jura2).push_back(i);
    plan(dsp2, 2022, 2025, [&](auto i) { return fmt::format("RIP {} (DSP phase 2)", C[i].departement); });
    for (auto i : jura2) C[i].ftth_plan = FtthPlan{0, ""};  // model unknown (SCORAN)

    // FttH already passed: the private share of AMII premises, spread in proportion;
    // the public share on the earliest phase-1 RIP communes, whole communes first.
    std::int64_t amii_prem = 0, pub_prem = 0;
    for (auto i : amii) amii_prem += C[i].premises();
    pub_prem = P_total - amii_prem;
    std::vector<double> w;
    for (auto i : amii) w.push_back(double(C[i].premises()));
    const std::int64_t f_total = std::llround(f_all * double(P_total));
    const std::int64_t f_public = std::llround(f_pub * double(pub_prem));
    auto fa = apportion(w, f_total - f_public);
    for (std::size_t k = 0; k < amii.size(); ++k)
      C[amii[k]].premises_by_band[int(Band::Ftth)] = std::min(fa[k], C[amii[k]].premises());
    std::int64_t left = f_public;
    for (auto i : rip1) {
      if (left <= 0) break;
      const std::int64_t take = std::min(left, C[i].premises());
      C[i].premises_by_band[int(Band::Ftth)] = take;
      left -= take;
    }
  }

  // ---- service bands of the non-FttH premises: iterative proportional fitting ------------------
  {
    std::int64_t ftth = 0;
    for (auto& c : C) ftth += c.band(Band::Ftth);
    const double Pt = double(P_total);
    std::array<double, 4> col{P.bands.below3_share * Pt,
                              (P.bands.below8_share - P.bands.below3_share) * Pt, 0,
                              P.bands.thd_share * Pt - double(ftth)};
    col[2] = Pt - double(ftth) - col[0] - col[1] - col[3];
    for (int b = 0; b < 4; ++b)
      if (col[b] < 0)
        throw ValidationError("parameter bands", "bands", "the band shares are inconsistent (a band would be negative)");
    std::vector<std::array<double, 4>> m(N);
    std::vector<double> row(N);
    for (std::size_t i = 0; i < N; ++i) {
      const double r = W[i].rural, amii = C[i].zone == Zone::Amii ? 3.0 : 1.0;
      m[i] = {r * r * r + 0.005, r * r + 0.02, 1.0, amii * ((1 - r) * (1 - r) + 0.01)};
      row[i] = double(C[i].premises() - C[i].band(Band::Ftth));
    }
    for (int it = 0; it < 200; ++it) {
      for (std::size_t i = 0; i < N; ++i) {
        double s = m[i][0] + m[i][1] + m[i][2] + m[i][3];
        for (int b = 0; b < 4; ++b) m[i][b] = s > 0 ? m[i][b] * row[i] / s : 0;
      }
      std::array<double, 4> cs{};
      for (std::size_t i = 0; i < N; ++i)
        for (int b = 0; b < 4; ++b) cs[b] += m[i][b];
      for (std::size_t i = 0; i < N; ++i)
        for (int b = 0; b < 4; ++b) m[i][b] *= cs[b] > 0 ? col[b] / cs[b] : 0;
    }
    for (std::size_t i = 0; i < N; ++i) {
      std::vector<double> w(m[i].begin(), m[i].end());
      auto v = apportion(w, C[i].premises() - C[i].band(Band::Ftth));
      for (int b = 0; b < 4; ++b) C[i].premises_by_band[b] = v[b];
      C[i].ftth_passed = C[i].band(Band::Ftth);
    }
  }

  // ---- THD radio (RCube) ------------------------------------------------------------------------
  {
    std::vector<std::size_t> cand;
    for (auto i : by_rural)
      if (kDeps[W[i].tmpl].thd_radio && C[i].zone == Zone::Rip && C[i].band(Band::Ftth) == 0) cand.push_back(i);
    auto below30 = [&](std::size_t i) {
      return C[i].band(Band::Below3) + C[i].band(Band::From3To8) + C[i].band(Band::From8To30);
    };
    // the rural communes with the most premises below 30 Mbit/s (radio serves villages)
    std::stable_sort(cand.begin(), cand.end(), [&](auto a, auto b) { return below30(a) > below30(b); });
    const std::size_t n_radio = std::min<std::size_t>(cand.size(), std::llround(P.thd_radio.communes * scale));
    cand.resize(n_radio);
    const double target = double(P.thd_radio.premises) * scale;
    double lo = 0, hi = 1;
    auto total_at = [&](double s) {
      double t = 0;
      for (auto i : cand) t += std::min<double>(below30(i), std::max(1.0, s * double(below30(i))));
      return t;
    };
    for (int it = 0; it < 60; ++it) (total_at(0.5 * (lo + hi)) < target ? lo : hi) = 0.5 * (lo + hi);
    std::vector<double> w;
    for (auto i : cand) w.push_back(std::min<double>(below30(i), std::max(1.0, hi * double(below30(i)))));
    auto v = apportion(w, std::min<std::int64_t>(std::llround(target), std::llround(total_at(1.0))));
    for (std::size_t k = 0; k < cand.size(); ++k)
      C[cand[k]].thd_radio_premises = std::clamp<std::int64_t>(v[k], 1, below30(cand[k]));
  }

  // ---- 4G coverage and white zones --------------------------------------------------------------
  {
    std::vector<double> base(N);
    for (std::size_t i = 0; i < N; ++i)
      base[i] = std::pow(W[i].rural, 3) * (C[i].mountain ? 2.0 : 1.0);
    const double target = P.mobile.white_zone_share * double(P_total);
    auto white_at = [&](double k) {
      double s = 0;
      for (std::size_t i = 0; i < N; ++i) s += std::min(1.0, k * base[i]) * double(C[i].premises());
      return s;
    };
    double lo = 0, hi = 1000;
    for (int it = 0; it < 100; ++it) (white_at(0.5 * (lo + hi)) < target ? lo : hi) = 0.5 * (lo + hi);
    for (std::size_t i = 0; i < N; ++i) C[i].white_zone_share = std::min(1.0, hi * base[i]);
    const char* keys[] = {"mobile.coverage_orange", "mobile.coverage_sfr", "mobile.coverage_bouygues",
                          "mobile.coverage_free"};  // for the message of a target above the coverage left
    const double coverage[] = {P.mobile.coverage_orange, P.mobile.coverage_sfr, P.mobile.coverage_bouygues, P.mobile.coverage_free};
    // operator o covers (1 - white) x (1 - min(1, a_o x ruralness)) of a commune's people;
    // a_o is fitted by bisection so the population-weighted coverage meets its target.
    double pop = 0, covered = 0;
    for (std::size_t i = 0; i < N; ++i) {
      pop += double(C[i].population);
      covered += (1.0 - *C[i].white_zone_share) * double(C[i].population);
    }
    auto coverage_at = [&](double a) {
      double s = 0;
      for (std::size_t i = 0; i < N; ++i)
        s += (1.0 - *C[i].white_zone_share) * (1.0 - std::min(1.0, a * W[i].rural)) * double(C[i].population);
      return s;
    };
    std::array<double, kOperatorCount> a{};
    for (int o = 0; o < kOperatorCount; ++o) {
      const double target_o = coverage[o] * pop;
      if (target_o > covered + 1e-6 * pop)
        throw ValidationError("parameter " + std::string(keys[o]), keys[o],
                              "above the coverage left by mobile.white_zone_share");
      double lo = 0, hi = 1e6;
      for (int it = 0; it < 200; ++it) (coverage_at(0.5 * (lo + hi)) > target_o ? lo : hi) = 0.5 * (lo + hi);
      a[o] = 0.5 * (lo + hi);
    }
    for (std::size_t i = 0; i < N; ++i) {
      std::array<double, kOperatorCount> cov{};
      for (int o = 0; o < kOperatorCount; ++o)
        cov[o] = (1.0 - *C[i].white_zone_share) * (1.0 - std::min(1.0, a[o] * W[i].rural));
      C[i].coverage_4g = cov;
    }
  }

  // ---- network: Dorsale, transit links to hubs, data centres ------------------------------------
  Network& net = region.network;
  const double us_per_km = P.network.latency_us_per_km;
  const double lease = P.costs.lease_eur_per_pair_km_year;
  const double build = P.costs.build_eur_per_km;
  const int dorsale_pairs = int(P.network.dorsale_pairs);
  const int rip_pairs = int(P.network.rip_pairs);
  auto used_pairs = [&](int total, double share, Rng& rng) {
    return std::clamp(int(std::lround(total * share * rng.uniform(0.5, 1.5))), 0, total);
  };
  for (int t = 0; t < tiles; ++t) {
    const std::string pre = t == 0 ? "" : fmt::format("t{}:", t);
    const std::string suffix = t == 0 ? "" : fmt::format(" ({})", t + 1);
    for (const auto& h : kHubs) {
      Node n;
      n.id = pre + h.id;
      n.name = h.name + suffix;
      n.kind = NodeKind::ExternalHub;
      n.pos = shifted(h.lon, h.lat, t);
      n.owner = "national carriers";
      net.add_node(n);
    }
    for (std::size_t k = 0; k < std::size(kTowns); ++k) {
      if (!kTowns[k].pop_id) continue;
      Node n;
      n.id = pre + kTowns[k].pop_id;
      n.name = kTowns[k].name + suffix;
      n.kind = NodeKind::DorsalePop;
      n.pos = shifted(kTowns[k].lon, kTowns[k].lat, t);
      n.departement = dep_code(t, [&] {
        for (int d = 0; d < n_templates; ++d)
          if (std::string(kTowns[k].code).rfind(kDeps[d].code, 0) == 0) return d;
        return 0;
      }());
      n.owner = "Région";
      net.add_node(n);
    }
    double straight = 0;
    for (const auto& cr : kCorridors)
      if (!cr.transit)
        straight += distance_km(net.node(*net.find_node(pre + cr.a)).pos, net.node(*net.find_node(pre + cr.b)).pos);
    const double detour = P.network.dorsale_km / straight;  // per block of 8 départements
    int k = 0;
    for (const auto& cr : kCorridors) {
      Rng rng(seed ^ 0xD0125A1Eu, (std::uint64_t(t) << 16) | std::uint64_t(k++));
      Link l;
      l.id = fmt::format("{}{}:{}-{}", pre, cr.transit ? "transit" : "dorsale", std::string(cr.a).substr(cr.a[0] == 'h' ? 4 : 4),
                         std::string(cr.b).substr(4));
      const double d = distance_km(net.node(*net.find_node(pre + cr.a)).pos, net.node(*net.find_node(pre + cr.b)).pos);
      l.length_km = d * (cr.transit ? 1.25 : detour);
      l.owner = cr.transit ? "national carriers (leased)" : "Région";
      l.dorsale = !cr.transit;
      l.status = cr.owned ? LinkStatus::Owned : LinkStatus::Leased;
      l.pairs_total = dorsale_pairs;
      l.pairs_used = used_pairs(dorsale_pairs, P.network.dorsale_used_share, rng);
      l.lease_eur_per_pair_km_year = cr.owned ? 0.0 : lease;
      l.build_eur_per_km = build;
      l.srg = pre + cr.duct;
      l.latency_ms = l.length_km * us_per_km / 1000.0;
      l.corridor = cr.corridor;
      net.add_link(l, pre + cr.a, pre + cr.b);
    }
    // data centres next to the two largest PoPs
    for (const char* city : {"dijon", "besancon"}) {
      Node n;
      n.id = fmt::format("{}dc:{}", pre, city);
      const Node pop = net.node(*net.find_node(fmt::format("{}pop:{}", pre, city)));  // copy: add_node reallocates
      n.name = "Data centre " + pop.name;
      n.kind = NodeKind::DataCentre;
      n.pos = pop.pos;
      n.pos.x += 3000;
      proj.fill_wgs84(n.pos);
      n.departement = pop.departement;
      n.owner = "private";
      net.add_node(n);
      Link l;
      l.id = fmt::format("{}access:dc-{}", pre, city);
      l.length_km = 3.0 * P.network.rip_detour_factor;
      l.owner = "Région";
      l.status = LinkStatus::Owned;
      l.pairs_total = dorsale_pairs;
      l.build_eur_per_km = build;
      l.latency_ms = l.length_km * us_per_km / 1000.0;
      net.add_link(l, n.id, pop.id);
    }
    // a second cable of the Côte-d'Or RIP in the A31 duct beside the Dorsale (same risk)
    Link l;
    l.id = pre + "rip21:beaune-dijon-a31";
    const Node beaune = net.node(*net.find_node(pre + "pop:beaune"));
    const Node dijon = net.node(*net.find_node(pre + "pop:dijon"));
    l.length_km = distance_km(beaune.pos, dijon.pos) * detour;
    l.owner = region.departements[t * n_templates + 0].rip_name;
    l.status = LinkStatus::Owned;
    l.pairs_total = rip_pairs;
    l.build_eur_per_km = build;
    l.srg = pre + "duct:A31:beaune-dijon";
    l.latency_ms = l.length_km * us_per_km / 1000.0;
    l.corridor = "A31";
    net.add_link(l, beaune.id, dijon.id);
  }

  // ---- RIP networks: NROs at the larger communes, a minimum spanning tree per département -----
  {
    const double spacing = P.network.nro_spacing_km;
    const double rip_detour = P.network.rip_detour_factor;
    for (std::size_t di = 0; di < region.departements.size(); ++di) {
      const auto& dep = region.departements[di];
      std::vector<std::size_t> idx;
      for (std::size_t i = 0; i < N; ++i)
        if (C[i].departement == dep.code) idx.push_back(i);
      std::vector<std::size_t> by_pop = idx;
      std::stable_sort(by_pop.begin(), by_pop.end(), [&](auto a, auto b) { return C[a].population > C[b].population; });
      std::vector<std::size_t> nro_at;
      for (auto i : by_pop) {
        bool far = true;
        for (auto j : nro_at)
          if (distance_km(C[i].centroid, C[j].centroid) < spacing) { far = false; break; }
        if (far) nro_at.push_back(i);
      }
      std::vector<int> nro_node;
      for (std::size_t k = 0; k < nro_at.size(); ++k) {
        Node n;
        n.id = fmt::format("nro:{}-{:03d}", dep.code, k + 1);
        n.name = "NRO " + C[nro_at[k]].name;
        n.kind = NodeKind::Nro;
        n.pos = C[nro_at[k]].centroid;
        n.departement = dep.code;
        n.owner = dep.rip_name;
        nro_node.push_back(net.add_node(n));
      }
      std::vector<bool> nro_phase1(nro_at.size(), false);
      for (auto i : idx) {
        std::size_t best = 0;
        double bd = 1e300;
        for (std::size_t k = 0; k < nro_at.size(); ++k) {
          double d = distance_km(C[i].centroid, C[nro_at[k]].centroid);
          if (d < bd) { bd = d; best = k; }
        }
        C[i].nro = net.node(nro_node[best]).id;
        if (C[i].phase2 == Phase2::None) nro_phase1[best] = true;
      }
      // MST over the NROs and the département's PoPs (LEMON Kruskal on the complete graph)
      std::vector<int> members(nro_node.begin(), nro_node.end());
      for (std::size_t v = 0; v < net.nodes().size(); ++v)
        if (net.node(int(v)).kind == NodeKind::DorsalePop && net.node(int(v)).departement == dep.code)
          members.push_back(int(v));
      lemon::ListGraph g;
      std::vector<lemon::ListGraph::Node> gn;
      for (std::size_t k = 0; k < members.size(); ++k) gn.push_back(g.addNode());
      lemon::ListGraph::EdgeMap<double> cost(g);
      std::vector<std::pair<int, int>> ends;
      lemon::ListGraph::EdgeMap<int> eidx(g);
      const std::size_t n_pop_start = nro_node.size();
      for (std::size_t a = 0; a < members.size(); ++a)
        for (std::size_t b = a + 1; b < members.size(); ++b) {
          auto e = g.addEdge(gn[a], gn[b]);
          // PoP–PoP pairs are already joined by the Dorsale: free in the tree
          const bool both_pops = a >= n_pop_start && b >= n_pop_start;
          cost[e] = both_pops ? 0.0 : distance_km(net.node(members[a]).pos, net.node(members[b]).pos);
          eidx[e] = int(ends.size());
          ends.emplace_back(int(a), int(b));
        }
      lemon::ListGraph::EdgeMap<bool> tree(g, false);
      lemon::kruskal(g, cost, tree);
      int lk = 0;
      for (lemon::ListGraph::EdgeIt e(g); e != lemon::INVALID; ++e) {
        if (!tree[e]) continue;
        auto [a, b] = ends[eidx[e]];
        if (a >= int(n_pop_start) && b >= int(n_pop_start)) continue;
        const Node& na = net.node(members[a]);
        const Node& nb = net.node(members[b]);
        Rng rng(seed ^ 0x519u, (std::uint64_t(di) << 20) | std::uint64_t(lk));
        Link l;
        l.id = fmt::format("rip{}:{:03d}", dep.code, ++lk);
        l.length_km = std::max(0.5, distance_km(na.pos, nb.pos) * rip_detour);
        l.owner = dep.rip_name;
        const bool phase1 = (a < int(n_pop_start) && nro_phase1[a]) || (b < int(n_pop_start) && nro_phase1[b]);
        l.status = phase1 ? LinkStatus::Owned : LinkStatus::Planned;
        l.pairs_total = rip_pairs;
        l.pairs_used = phase1 ? used_pairs(rip_pairs, P.network.rip_used_share, rng) : 0;
        l.build_eur_per_km = build;
        l.latency_ms = l.length_km * us_per_km / 1000.0;
        net.add_link(l, na.id, nb.id);
      }
    }
  }

  // ---- high points: operator sites, shared towers, candidates in white zones ---------------------
  {
    std::vector<double> weight(N), cum(N);
    double s = 0;
    for (std::size_t i = 0; i < N; ++i) {
      weight[i] = std::sqrt(double(C[i].population)) * (1.0 - *C[i].white_zone_share);
      s += weight[i];
      cum[i] = s;
    }
    const long sites[] = {P.mobile.sites_orange, P.mobile.sites_sfr, P.mobile.sites_bouygues, P.mobile.sites_free};
    std::vector<HighPoint>& H = region.high_points;
    std::unordered_map<std::size_t, std::vector<std::size_t>> in_commune;
    const double share = P.mobile.site_sharing_share;
    std::vector<std::size_t> hp_commune;
    for (int o = 0; o < kOperatorCount; ++o) {
      const std::int64_t n_sites = std::llround(double(sites[o]) * scale);
      for (std::int64_t k = 0; k < n_sites; ++k) {
        Rng rng(seed ^ 0x7031u, (std::uint64_t(o) << 32) | std::uint64_t(k));
        const double pick = rng.uniform() * s;
        const std::size_t i = std::min<std::size_t>(N - 1, std::lower_bound(cum.begin(), cum.end(), pick) - cum.begin());
        bool placed = false;
        if (rng.uniform() < share)
          for (auto h : in_commune[i])
            if (!H[h].carries(o)) {
              H[h].sites[o] = 1;
              H[h].has_4g[o] = rng.uniform() < 0.9;
              placed = true;
              break;
            }
        if (placed) continue;
        HighPoint hp;
        hp.id = fmt::format("hp:{:06d}", H.size() + 1);
        hp.commune = C[i].code;
        hp.pos = C[i].centroid;
        hp.pos.x += 2500 * rng.normal();
        hp.pos.y += 2500 * rng.normal();
        proj.fill_wgs84(hp.pos);
        hp.existing = true;
        hp.sites[o] = 1;
        hp.has_4g[o] = rng.uniform() < 0.9;
        hp.height_m = std::round(rng.uniform(20, 50));
        in_commune[i].push_back(H.size());
        hp_commune.push_back(i);
        H.push_back(hp);
      }
    }
    // the most urban existing high points are fibred
    std::vector<std::size_t> order(H.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
      return C[hp_commune[a]].population > C[hp_commune[b]].population;
    });
    const std::size_t n_fibred = std::size_t(std::llround(P.mobile.fibred_share * double(H.size())));
    for (std::size_t k = 0; k < n_fibred && k < order.size(); ++k) H[order[k]].fibred = true;
    // candidates: one per commune where more than 20 % of premises are in a white zone
    for (std::size_t i = 0; i < N; ++i) {
      if (*C[i].white_zone_share <= 0.2) continue;
      Rng rng(seed ^ 0xCA4Du, i);
      HighPoint hp;
      hp.id = fmt::format("hp:c{:06d}", i + 1);
      hp.commune = C[i].code;
      hp.pos = C[i].centroid;
      hp.pos.x += 1000 * rng.normal();
      hp.pos.y += 1000 * rng.normal();
      proj.fill_wgs84(hp.pos);
      hp.existing = false;
      hp.height_m = 40;
      hp.build_cost_eur = P.mobile.candidate_build_eur;
      H.push_back(hp);
    }
  }

  validate(region);
  return region;
}

}  // namespace dorsale::scenarios
