// Built-in region, mobile: 4G coverage per operator and white zones, the operators' existing
// sites on high points (shared towers, the most urban ones fibred), candidate high points in
// the white zones.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "models/error.h"
#include "models/random.h"
#include "regions/builtin/builtin.h"

namespace dorsale::scenarios::builtin {

namespace {

// White-zone share per commune: (ruralness^3, doubled in mountains) x k, k fitted by
// bisection so the white zones hold mobile.white_zone_share of the premises.
void fit_white_zones(Builder& b) {
  auto& C = b.communes();
  const std::size_t N = b.size();
  std::vector<double> base(N);
  for (std::size_t i = 0; i < N; ++i) base[i] = std::pow(b.W[i].rural, 3) * (C[i].mountain ? 2.0 : 1.0);
  const double target = b.P.mobile.white_zone_share * double(b.P_total);
  auto white_at = [&](double k) {
    double s = 0;
    for (std::size_t i = 0; i < N; ++i) s += std::min(1.0, k * base[i]) * double(C[i].premises());
    return s;
  };
  double lo = 0, hi = 1000;
  for (int it = 0; it < 100; ++it) (white_at(0.5 * (lo + hi)) < target ? lo : hi) = 0.5 * (lo + hi);
  for (std::size_t i = 0; i < N; ++i) C[i].white_zone_share = std::min(1.0, hi * base[i]);
}

// Existing sites: each operator's sites drawn in communes by sqrt(population) outside white
// zones, sharing a high point of the commune with another operator with probability
// mobile.site_sharing_share. Returns the commune of each high point.
std::vector<std::size_t> add_operator_sites(Builder& b) {
  const auto& C = b.region.communes;
  const auto& P = b.P;
  const std::size_t N = b.size();
  std::vector<double> weight(N), cum(N);
  double s = 0;
  for (std::size_t i = 0; i < N; ++i) {
    weight[i] = std::sqrt(double(C[i].population)) * (1.0 - *C[i].white_zone_share);
    s += weight[i];
    cum[i] = s;
  }
  const long sites[] = {P.mobile.sites_orange, P.mobile.sites_sfr, P.mobile.sites_bouygues, P.mobile.sites_free};
  std::vector<HighPoint>& H = b.region.high_points;
  std::unordered_map<std::size_t, std::vector<std::size_t>> in_commune;
  const double share = P.mobile.site_sharing_share;
  std::vector<std::size_t> hp_commune;
  for (int o = 0; o < kOperatorCount; ++o) {
    const std::int64_t n_sites = std::llround(double(sites[o]) * b.scale);
    for (std::int64_t k = 0; k < n_sites; ++k) {
      Rng rng(b.seed ^ 0x7031u, (std::uint64_t(o) << 32) | std::uint64_t(k));
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
      b.proj.fill_wgs84(hp.pos);
      hp.existing = true;
      hp.sites[o] = 1;
      hp.has_4g[o] = rng.uniform() < 0.9;
      hp.height_m = std::round(rng.uniform(20, 50));
      in_commune[i].push_back(H.size());
      hp_commune.push_back(i);
      H.push_back(hp);
    }
  }
  return hp_commune;
}

// The most urban existing high points are fibred.
void fibre_urban_sites(Builder& b, const std::vector<std::size_t>& hp_commune) {
  const auto& C = b.region.communes;
  std::vector<HighPoint>& H = b.region.high_points;
  std::vector<std::size_t> order(H.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) {
    return C[hp_commune[x]].population > C[hp_commune[y]].population;
  });
  const std::size_t n_fibred = std::size_t(std::llround(b.P.mobile.fibred_share * double(H.size())));
  for (std::size_t k = 0; k < n_fibred && k < order.size(); ++k) H[order[k]].fibred = true;
}

// Candidates: one per commune where more than 20 % of premises are in a white zone.
void add_candidates(Builder& b) {
  const auto& C = b.region.communes;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (*C[i].white_zone_share <= 0.2) continue;
    Rng rng(b.seed ^ 0xCA4Du, i);
    HighPoint hp;
    hp.id = fmt::format("hp:c{:06d}", i + 1);
    hp.commune = C[i].code;
    hp.pos = C[i].centroid;
    hp.pos.x += 1000 * rng.normal();
    hp.pos.y += 1000 * rng.normal();
    b.proj.fill_wgs84(hp.pos);
    hp.existing = false;
    hp.height_m = 40;
    hp.build_cost_eur = b.P.mobile.candidate_build_eur;
    b.region.high_points.push_back(hp);
  }
}

}  // namespace

// 4G coverage and white zones. Operator o covers (1 - white) x (1 - min(1, a_o x ruralness))
// of a commune's people; a_o is fitted by bisection so the population-weighted coverage meets
// its target.
void fit_mobile_coverage(Builder& b) {
  fit_white_zones(b);
  auto& C = b.communes();
  const std::size_t N = b.size();
  const auto& M = b.P.mobile;
  const char* keys[] = {"mobile.coverage_orange", "mobile.coverage_sfr", "mobile.coverage_bouygues",
                        "mobile.coverage_free"};  // for the message of a target above the coverage left
  const double coverage[] = {M.coverage_orange, M.coverage_sfr, M.coverage_bouygues, M.coverage_free};
  double pop = 0, covered = 0;
  for (std::size_t i = 0; i < N; ++i) {
    pop += double(C[i].population);
    covered += (1.0 - *C[i].white_zone_share) * double(C[i].population);
  }
  auto coverage_at = [&](double a) {
    double s = 0;
    for (std::size_t i = 0; i < N; ++i)
      s += (1.0 - *C[i].white_zone_share) * (1.0 - std::min(1.0, a * b.W[i].rural)) * double(C[i].population);
    return s;
  };
  std::array<double, kOperatorCount> a{};
  for (int o = 0; o < kOperatorCount; ++o) {
    const double target_o = coverage[o] * pop;
    if (target_o > covered + 1e-6 * pop)
      throw ValidationError("parameter " + std::string(keys[o]), keys[o], "above the coverage left by mobile.white_zone_share");
    double lo = 0, hi = 1e6;
    for (int it = 0; it < 200; ++it) (coverage_at(0.5 * (lo + hi)) > target_o ? lo : hi) = 0.5 * (lo + hi);
    a[o] = 0.5 * (lo + hi);
  }
  for (std::size_t i = 0; i < N; ++i) {
    std::array<double, kOperatorCount> cov{};
    for (int o = 0; o < kOperatorCount; ++o)
      cov[o] = (1.0 - *C[i].white_zone_share) * (1.0 - std::min(1.0, a[o] * b.W[i].rural));
    C[i].coverage_4g = cov;
  }
}

void add_high_points(Builder& b) {
  const std::vector<std::size_t> hp_commune = add_operator_sites(b);
  fibre_urban_sites(b, hp_commune);
  add_candidates(b);
}

}  // namespace dorsale::scenarios::builtin
