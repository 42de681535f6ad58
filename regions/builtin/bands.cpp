// Built-in region, how the premises are served in 2019: zones (AMII, AMEL, RIP) and phase 2,
// FttH plans and the FttH premises already passed, service bands, THD radio (RCube).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "models/error.h"
#include "regions/builtin/builtin.h"
#include "regions/builtin/reference_data.h"

namespace dorsale::scenarios::builtin {

namespace {

// Greedy fill to a premises target along an order; skips communes that would overshoot.
template <class Eligible, class Take>
double fill(const std::vector<Commune>& C, const std::vector<std::size_t>& order, double target, Eligible eligible,
            Take take) {
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
}

// FttH years spread evenly over [y0, y1] along `v` (most urban first), with their actor.
template <class Actor>
void plan_years(std::vector<Commune>& C, const std::vector<std::size_t>& v, int y0, int y1, Actor actor) {
  for (std::size_t k = 0; k < v.size(); ++k) {
    auto& c = C[v[k]];
    c.ftth_plan.year = y0 + int((y1 - y0 + 1) * k / std::max<std::size_t>(1, v.size()));
    c.ftth_plan.actor = actor(v[k]);
  }
}

// FttH already passed: the private share of AMII premises, spread in proportion; the public
// share on the earliest phase-1 RIP communes, whole communes first.
void pass_ftth_2019(Builder& b, const std::vector<std::size_t>& amii, const std::vector<std::size_t>& rip1) {
  auto& C = b.communes();
  std::int64_t amii_prem = 0, pub_prem = 0;
  for (auto i : amii) amii_prem += C[i].premises();
  pub_prem = b.P_total - amii_prem;
  std::vector<double> w;
  for (auto i : amii) w.push_back(double(C[i].premises()));
  const std::int64_t f_total = std::llround(b.P.bands.ftth_share * double(b.P_total));
  const std::int64_t f_public = std::llround(b.P.bands.ftth_share_public_zone * double(pub_prem));
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

// Target premises per non-FttH band (below 3, 3–8, 8–30, >= 30): the column margins.
std::array<double, 4> band_targets(const Builder& b) {
  std::int64_t ftth = 0;
  for (auto& c : b.region.communes) ftth += c.band(Band::Ftth);
  const double Pt = double(b.P_total);
  const auto& B = b.P.bands;
  std::array<double, 4> col{B.below3_share * Pt, (B.below8_share - B.below3_share) * Pt, 0, B.thd_share * Pt - double(ftth)};
  col[2] = Pt - double(ftth) - col[0] - col[1] - col[3];
  for (int k = 0; k < 4; ++k)
    if (col[k] < 0)
      throw ValidationError("parameter bands", "bands", "the band shares are inconsistent (a band would be negative)");
  return col;
}

}  // namespace

// Zones: the most urban communes are AMII up to the FttH shares' split, then AMEL calls in
// the AMEL départements; phase 2 of the RIP zone: Jura (model unknown), then DSP, most rural first.
void assign_zones(Builder& b) {
  auto& C = b.communes();
  const auto& W = b.W;
  const auto& P = b.P;
  b.by_urban.resize(b.size());
  std::iota(b.by_urban.begin(), b.by_urban.end(), 0);
  std::stable_sort(b.by_urban.begin(), b.by_urban.end(), [&](auto x, auto y) {
    if ((W[x].town >= 0) != (W[y].town >= 0)) return W[x].town >= 0;
    return W[x].urban > W[y].urban;
  });
  const double f_all = P.bands.ftth_share, f_priv = P.bands.ftth_share_private_zone,
               f_pub = P.bands.ftth_share_public_zone;
  if (!(f_priv > f_pub) || f_all < f_pub || f_all > f_priv)
    throw ValidationError("parameter bands.ftth_share", "bands.ftth_share",
                          "must lie between the public and private zone FttH shares");
  for (auto& c : C) c.zone = Zone::Rip;
  const double amii_target = double(b.P_total) * (f_all - f_pub) / (f_priv - f_pub);
  fill(C, b.by_urban, amii_target, [&](auto) { return true; }, [&](auto i) { C[i].zone = Zone::Amii; });
  fill(C, b.by_urban, double(P.phase2.amel_premises) * b.scale,
       [&](auto i) { return C[i].zone == Zone::Rip && kDeps[W[i].tmpl].amel; },
       [&](auto i) { C[i].zone = Zone::Amel; C[i].phase2 = Phase2::Amel; });
  b.by_rural.assign(b.by_urban.rbegin(), b.by_urban.rend());
  fill(C, b.by_rural, double(P.phase2.jura_premises) * b.scale,
       [&](auto i) { return C[i].zone == Zone::Rip && kDeps[W[i].tmpl].jura; },
       [&](auto i) { C[i].phase2 = Phase2::Unknown; });
  fill(C, b.by_rural, double(P.phase2.dsp_premises) * b.scale,
       [&](auto i) { return C[i].zone == Zone::Rip && !kDeps[W[i].tmpl].jura && C[i].phase2 == Phase2::None; },
       [&](auto i) { C[i].phase2 = Phase2::Dsp; });
  for (auto& c : C)
    if (c.phase2 != Phase2::None) c.phase2_premises = c.premises();
}

// FttH plans per zone and the FttH premises of 2019.
void plan_ftth(Builder& b) {
  auto& C = b.communes();
  const auto& W = b.W;
  std::vector<std::size_t> amii, amel, rip1, rip2;
  for (auto i : b.by_urban) {
    auto& c = C[i];
    if (c.zone == Zone::Amii) amii.push_back(i);
    else if (c.zone == Zone::Amel) amel.push_back(i);
    else if (c.phase2 == Phase2::None) rip1.push_back(i);
    else rip2.push_back(i);
  }
  plan_years(C, amii, 2019, 2022, [&](auto i) { return W[i].nearest_town % 2 ? std::string("SFR") : std::string("Orange"); });
  plan_years(C, amel, 2020, 2022,
             [&](auto i) { return W[i].nearest_town % 2 ? std::string("SFR (AMEL)") : std::string("Orange (AMEL)"); });
  plan_years(C, rip1, 2019, 2022, [&](auto i) {
    return b.region.departements[0].rip_name.empty() ? "" : fmt::format("RIP {} (phase 1)", C[i].departement);
  });
  std::vector<std::size_t> dsp2, jura2;
  for (auto i : rip2) (C[i].phase2 == Phase2::Dsp ? dsp2 : jura2).push_back(i);
  plan_years(C, dsp2, 2022, 2025, [&](auto i) { return fmt::format("RIP {} (DSP phase 2)", C[i].departement); });
  for (auto i : jura2) C[i].ftth_plan = FtthPlan{0, ""};  // model unknown (SCORAN)
  pass_ftth_2019(b, amii, rip1);
}

// Service bands of the non-FttH premises: iterative proportional fitting of a ruralness
// prior to the band targets (columns) and each commune's premises (rows).
void fit_service_bands(Builder& b) {
  auto& C = b.communes();
  const std::size_t N = b.size();
  const std::array<double, 4> col = band_targets(b);
  std::vector<std::array<double, 4>> m(N);
  std::vector<double> row(N);
  for (std::size_t i = 0; i < N; ++i) {
    const double r = b.W[i].rural, amii = C[i].zone == Zone::Amii ? 3.0 : 1.0;
    m[i] = {r * r * r + 0.005, r * r + 0.02, 1.0, amii * ((1 - r) * (1 - r) + 0.01)};
    row[i] = double(C[i].premises() - C[i].band(Band::Ftth));
  }
  for (int it = 0; it < 200; ++it) {
    for (std::size_t i = 0; i < N; ++i) {
      double s = m[i][0] + m[i][1] + m[i][2] + m[i][3];
      for (int k = 0; k < 4; ++k) m[i][k] = s > 0 ? m[i][k] * row[i] / s : 0;
    }
    std::array<double, 4> cs{};
    for (std::size_t i = 0; i < N; ++i)
      for (int k = 0; k < 4; ++k) cs[k] += m[i][k];
    for (std::size_t i = 0; i < N; ++i)
      for (int k = 0; k < 4; ++k) m[i][k] *= cs[k] > 0 ? col[k] / cs[k] : 0;
  }
  for (std::size_t i = 0; i < N; ++i) {
    std::vector<double> w(m[i].begin(), m[i].end());
    auto v = apportion(w, C[i].premises() - C[i].band(Band::Ftth));
    for (int k = 0; k < 4; ++k) C[i].premises_by_band[k] = v[k];
    C[i].ftth_passed = C[i].band(Band::Ftth);
  }
}

// THD radio (RCube): the rural communes of its départements with the most premises below
// 30 Mbit/s (radio serves villages), the premises per commune fitted to the target.
void place_thd_radio(Builder& b) {
  auto& C = b.communes();
  std::vector<std::size_t> cand;
  for (auto i : b.by_rural)
    if (kDeps[b.W[i].tmpl].thd_radio && C[i].zone == Zone::Rip && C[i].band(Band::Ftth) == 0) cand.push_back(i);
  auto below30 = [&](std::size_t i) {
    return C[i].band(Band::Below3) + C[i].band(Band::From3To8) + C[i].band(Band::From8To30);
  };
  std::stable_sort(cand.begin(), cand.end(), [&](auto x, auto y) { return below30(x) > below30(y); });
  const std::size_t n_radio = std::min<std::size_t>(cand.size(), std::llround(b.P.thd_radio.communes * b.scale));
  cand.resize(n_radio);
  const double target = double(b.P.thd_radio.premises) * b.scale;
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

}  // namespace dorsale::scenarios::builtin
