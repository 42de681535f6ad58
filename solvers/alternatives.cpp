#include "solvers/alternatives.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dorsale::solvers {

namespace {

constexpr int kBelow30Bands = 3;  // below 3, 3–8, 8–30
constexpr int kThd = 3;           // >= 30 without FttH

std::string invalid(const AlternativesProblem& p) {
  auto bad = [](double v) { return !std::isfinite(v) || v < 0; };
  for (std::size_t k = 0; k < p.options.size(); ++k) {
    const auto& o = p.options[k];
    if (bad(o.eur_per_premises) || bad(o.mbps) || bad(o.share)) return fmt::format("option {}: negative or not finite", k);
  }
  for (std::size_t i = 0; i < p.communes.size(); ++i) {
    const auto& c = p.communes[i];
    if (bad(c.coverage_4g) || c.radio_footprint < 0 || *std::min_element(c.bands.begin(), c.bands.end()) < 0)
      return fmt::format("commune {}: negative or not finite", i);
  }
  return "";
}

std::int64_t capacity(const AlternativeOption& o, const AlternativesProblem::Commune& c, std::int64_t below30) {
  double share = o.share;
  if (o.scaled_by_4g_coverage) share *= c.coverage_4g;
  std::int64_t cap = std::int64_t(std::floor(share * double(below30)));
  if (o.limited_to_radio_footprint) cap = std::min(cap, c.radio_footprint);
  return cap;
}

// The band an option lifts premises to, or -1 below 8 Mbit/s.
int target_band(const AlternativeOption& o) { return o.mbps >= 30 ? kThd : o.mbps >= 8 ? 2 : -1; }

}  // namespace

AlternativesPlan allocate_alternatives(const AlternativesProblem& p) {
  AlternativesPlan out;
  out.message = invalid(p);
  if (!out.message.empty()) {
    out.status = AlternativesStatus::InvalidInput;
    return out;
  }
  std::vector<std::size_t> by_cost(p.options.size());
  std::iota(by_cost.begin(), by_cost.end(), 0);
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) {
    return p.options[a].eur_per_premises < p.options[b].eur_per_premises;
  });
  out.bands.reserve(p.communes.size());
  out.premises.assign(p.communes.size(), std::vector<std::int64_t>(p.options.size(), 0));
  for (std::size_t i = 0; i < p.communes.size(); ++i) {
    const auto& c = p.communes[i];
    auto bands = c.bands;
    const std::int64_t below30 = bands[0] + bands[1] + bands[2];
    // premises of each band below 30 Mbit/s without an alternative yet: premises an 8–30
    // option lifted into the 8–30 band are not served a second time
    std::array<std::int64_t, kBelow30Bands> left{bands[0], bands[1], bands[2]};
    for (std::size_t k : by_cost) {
      if (below30 <= 0) break;
      const auto& o = p.options[k];
      std::int64_t cap = capacity(o, c, below30);
      const int to = target_band(o);
      for (int b = 0; b < kBelow30Bands && cap > 0; ++b) {
        if (to >= 0 && b >= to) break;  // no gain for this band
        const std::int64_t take = std::min(cap, left[b]);
        if (take <= 0) continue;
        bands[b] -= take;
        left[b] -= take;
        if (to >= 0) bands[to] += take;
        cap -= take;
        out.premises[i][k] += take;
        out.cost_eur += double(take) * o.eur_per_premises;
      }
    }
    out.bands.push_back(bands);
  }
  return out;
}

}  // namespace dorsale::solvers
