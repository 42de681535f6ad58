// Built-in region, first steps: départements, communes (the real towns, then generated
// communes around them), urban score, populations, rural and mountain flags, premises.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/error.h"
#include "models/random.h"
#include "regions/builtin/builtin.h"
#include "regions/builtin/reference_data.h"

namespace dorsale::scenarios::builtin {

namespace {

// Mountain massifs (approximate centre and radius): Jura, Morvan, Vosges saônoises.
struct Massif {
  double lon, lat, radius_km;
};
const Massif kMassifs[] = {{6.05, 46.75, 45}, {4.05, 47.20, 30}, {6.65, 47.85, 22}};

bool in_departement(const TownTemplate& town, const DepTemplate& dep) {
  return std::string(town.code).rfind(dep.code, 0) == 0;
}

// The towns of a template département and where generated communes cluster around them.
struct DepartementTowns {
  std::vector<int> towns;       // indices in kTowns
  std::vector<double> weight;   // sqrt(population): how many communes cluster around each
  double weight_sum = 0;
};

DepartementTowns towns_of(int d) {
  DepartementTowns out;
  for (int k = 0; k < int(std::size(kTowns)); ++k)
    if (in_departement(kTowns[k], kDeps[d])) out.towns.push_back(k);
  for (int k : out.towns) out.weight.push_back(std::sqrt(kTowns[k].population));
  out.weight_sum = std::accumulate(out.weight.begin(), out.weight.end(), 0.0);
  return out;
}

// A generated commune: 55 % spread over the département, 45 % clustered around its towns.
Position generated_position(const Builder& b, const DepartementTowns& dt, int t, const Position& centre,
                            double radius_m, Rng& rng) {
  double x, y;
  if (rng.uniform() < 0.55 || dt.towns.empty()) {
    double r = radius_m * std::sqrt(rng.uniform()), a = 6.283185307179586 * rng.uniform();
    x = centre.x + r * std::cos(a);
    y = centre.y + r * std::sin(a);
  } else {
    double pick = rng.uniform() * dt.weight_sum;
    std::size_t k = 0;
    while (k + 1 < dt.towns.size() && pick > dt.weight[k]) pick -= dt.weight[k++];
    Position tp = b.shifted(kTowns[dt.towns[k]].lon, kTowns[dt.towns[k]].lat, t);
    const double sigma = 9000.0;
    x = tp.x + sigma * rng.normal();
    y = tp.y + sigma * rng.normal();
    double dx = x - centre.x, dy = y - centre.y, dist = std::hypot(dx, dy);
    if (dist > radius_m) {  // keep it inside the département's disk
      x = centre.x + dx * radius_m / dist * 0.98;
      y = centre.y + dy * radius_m / dist * 0.98;
    }
  }
  Position p;
  p.x = x;
  p.y = y;
  b.proj.fill_wgs84(p);
  return p;
}

// The communes of département `d` of tile `t`: its real towns first, then generated ones
// numbered from 001 on, skipping the towns' numbers.
void add_departement_communes(Builder& b, int t, int d) {
  const int di = t * b.n_templates + d;
  const std::string dep = b.dep_code(t, d);
  const Position centre = b.shifted(kDeps[d].centre_lon, kDeps[d].centre_lat, t);
  const double radius_m = std::sqrt(kDeps[d].area_km2 / M_PI) * 1000.0;
  const DepartementTowns dt = towns_of(d);
  const double town_pop_scale = double(b.total_pop) / double(b.n_communes) / (2800000.0 / 3734.0);
  std::vector<bool> used_number(1000, false);
  for (int k : dt.towns) used_number[std::stoi(std::string(kTowns[k].code).substr(2))] = true;
  const std::int64_t n_dep = b.communes_per_dep[di];
  int next_number = 1;
  for (std::int64_t i = 0; i < n_dep; ++i) {
    Commune c;
    CommuneWork w;
    w.dep = dep;
    w.tmpl = d;
    w.tile = t;
    c.departement = dep;
    Rng rng(b.seed, (std::uint64_t(di) << 32) | std::uint64_t(i));
    if (i < std::int64_t(dt.towns.size())) {
      const auto& town = kTowns[dt.towns[i]];
      c.code = dep + std::string(town.code).substr(2);
      c.name = b.tiles == 1 ? town.name : fmt::format("{} ({})", town.name, t + 1);
      c.centroid = b.shifted(town.lon, town.lat, t);
      c.population = std::llround(town.population * town_pop_scale);
      b.town_pop_total += c.population;
      w.town = dt.towns[i];
    } else {
      while (next_number <= 999 && used_number[next_number]) ++next_number;
      if (next_number > 999)
        throw ValidationError("parameter calibration.communes", "calibration.communes",
                              fmt::format("more than 999 communes in département {}", dep));
      c.code = fmt::format("{}{:03d}", dep, next_number);
      used_number[next_number] = true;
      c.name = fmt::format("Commune {}-{:03d}", dep, next_number);
      c.centroid = generated_position(b, dt, t, centre, radius_m, rng);
    }
    b.communes().push_back(std::move(c));
    b.W.push_back(w);
  }
}

}  // namespace

void add_departements(Builder& b) {
  std::vector<double> dep_commune_w, dep_premises_w;
  for (int t = 0; t < b.tiles; ++t)
    for (int d = 0; d < b.n_templates; ++d) {
      Departement dep;
      dep.code = b.dep_code(t, d);
      dep.name = b.tiles == 1 ? kDeps[d].name : fmt::format("{} ({})", kDeps[d].name, t + 1);
      dep.rip_name = b.tiles == 1 ? kDeps[d].rip : fmt::format("{} ({})", kDeps[d].rip, t + 1);
      // the prefecture is the first town of the département in kTowns
      for (const auto& town : kTowns)
        if (in_departement(town, kDeps[d])) {
          dep.prefecture = b.shifted(town.lon, town.lat, t);
          break;
        }
      b.region.departements.push_back(dep);
      dep_commune_w.push_back(kDeps[d].communes_2018);
      dep_premises_w.push_back(kDeps[d].premises_2018);
    }
  b.communes_per_dep = apportion(dep_commune_w, b.n_communes);
  b.premises_per_dep = apportion(dep_premises_w, b.total_premises);
}

void add_communes(Builder& b) {
  for (int t = 0; t < b.tiles; ++t)
    for (int d = 0; d < b.n_templates; ++d) add_departement_communes(b, t, d);
}

// Urban score: closeness to the towns of the same tile, weighted by town size.
void score_urban(Builder& b) {
  const auto& C = b.communes();
  const std::size_t n_towns = std::size(kTowns);
  std::vector<Position> town_pos(n_towns * b.tiles);
  for (int t = 0; t < b.tiles; ++t)
    for (std::size_t k = 0; k < n_towns; ++k) town_pos[t * n_towns + k] = b.shifted(kTowns[k].lon, kTowns[k].lat, t);
  for (std::size_t i = 0; i < b.size(); ++i) {
    auto& w = b.W[i];
    double s = 0, best = 1e300;
    for (std::size_t k = 0; k < n_towns; ++k) {
      double d = distance_km(C[i].centroid, town_pos[w.tile * n_towns + k]);
      s += kTowns[k].population * std::exp(-d / 12.0);
      if (d < best) {
        best = d;
        w.nearest_town = int(k);
      }
    }
    Rng rng(b.seed ^ 0xA5A5u, i);
    w.urban = s * std::exp(0.8 * rng.normal());
  }
}

// Populations of the generated communes: log-normal fitted to "share under 500" and the
// total, the most urban communes the most populated; then the ruralness of every commune.
void fit_populations(Builder& b) {
  auto& C = b.communes();
  const std::size_t N = b.size();
  std::vector<std::size_t> gen;  // generated communes, most urban first
  for (std::size_t i = 0; i < N; ++i)
    if (b.W[i].town < 0) gen.push_back(i);
  std::stable_sort(gen.begin(), gen.end(), [&](auto x, auto y) { return b.W[x].urban > b.W[y].urban; });
  std::vector<double> z(gen.size());
  for (std::size_t k = 0; k < gen.size(); ++k) z[k] = Rng(b.seed ^ 0x5EEDu, k).normal();
  std::sort(z.begin(), z.end(), std::greater<>());
  const double remaining = double(b.total_pop - b.town_pop_total);
  if (remaining <= 0)
    throw ValidationError("parameter calibration.population", "calibration.population",
                          "smaller than the population of the real towns");
  const double target_under = b.P.calibration.share_under_500 * double(N);
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
  for (std::size_t i = 0; i < N; ++i)
    b.W[i].rural = std::clamp(1.0 - std::log1p(double(C[i].population)) / std::log1p(50000.0), 0.0, 1.0);
}

// Rural flag: the smallest communes up to the rural share of the population. Mountain flag:
// within a massif.
void flag_rural_and_mountain(Builder& b) {
  auto& C = b.communes();
  const std::size_t N = b.size();
  std::vector<std::size_t> idx(N);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](auto x, auto y) { return C[x].population < C[y].population; });
  const double target = b.P.calibration.rural_population_share * double(b.total_pop);
  double cum = 0;
  for (auto i : idx) {
    if (cum + double(C[i].population) / 2 > target) break;
    cum += double(C[i].population);
    C[i].rural = true;
  }
  for (std::size_t i = 0; i < N; ++i) {
    Position base = C[i].centroid;
    for (const auto& m : kMassifs) {
      Position mp = b.shifted(m.lon, m.lat, b.W[i].tile);
      if (distance_km(base, mp) <= m.radius_km) C[i].mountain = true;
    }
  }
}

// Premises per commune, exact per département; then the region's total.
void spread_premises(Builder& b) {
  auto& C = b.communes();
  const std::size_t N = b.size();
  const double bonus = b.P.calibration.premises_per_inhabitant_rural_bonus;
  for (int di = 0; di < b.tiles * b.n_templates; ++di) {
    std::vector<std::size_t> idx;
    std::vector<double> w;
    for (std::size_t i = 0; i < N; ++i)
      if (C[i].departement == b.region.departements[di].code) {
        idx.push_back(i);
        w.push_back(double(C[i].population) * (0.55 + bonus * b.W[i].rural));
      }
    auto p = apportion(w, b.premises_per_dep[di]);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      auto& c = C[idx[k]];
      const std::int64_t prem = std::max<std::int64_t>(p[k], 1);
      c.business_sites = std::llround(double(prem) * b.P.calibration.business_share);
      c.dwellings = prem - c.business_sites;
    }
  }
  b.P_total = 0;
  for (auto& c : C) b.P_total += c.premises();
}

}  // namespace dorsale::scenarios::builtin
