#include "solvers/cost_mc.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "models/random.h"

namespace dorsale::solvers {

double triangular_quantile(double a, double c, double b, double u) {
  if (!(b > a)) return c;
  const double fc = (c - a) / (b - a);
  if (u < fc) return a + std::sqrt(u * (b - a) * (c - a));
  return b - std::sqrt((1 - u) * (b - a) * (b - c));
}

namespace {

// Type-7 quantile of sorted values.
double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = p * double(sorted.size() - 1);
  const auto lo = std::size_t(std::floor(h));
  const auto hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

CostMcResult run_cost_mc(const CostMcInput& in, const ProgressCounter* progress) {
  CostMcResult r;
  auto refuse = [&](std::string why) {
    r.status = CostMcStatus::BadInput;
    r.message = std::move(why);
    return r;
  };
  if (in.draws < 1) return refuse("draws must be at least 1");
  std::map<std::string, int> index;
  for (std::size_t k = 0; k < in.ranges.size(); ++k) {
    const auto& g = in.ranges[k];
    if (!(std::isfinite(g.value) && std::isfinite(g.low) && std::isfinite(g.high)) || g.low > g.high || g.value < 0)
      return refuse(fmt::format("parameter {}: range [{}, {}] around {} is not valid", g.parameter, g.low, g.high, g.value));
    if (!index.emplace(g.parameter, int(k)).second) return refuse("parameter " + g.parameter + " is given twice");
  }
  std::vector<int> param_of(in.components.size());
  for (std::size_t c = 0; c < in.components.size(); ++c) {
    const auto it = index.find(in.components[c].parameter);
    if (it == index.end()) return refuse("no range for parameter " + in.components[c].parameter);
    param_of[c] = it->second;
  }
  const std::size_t D = std::size_t(in.draws), K = in.ranges.size();
  std::vector<double> pub(D), total(D), masts(D);
  const bool tri = in.distribution == param::McDistribution::Triangular;
  tbb::parallel_for(std::size_t(0), D, [&](std::size_t d) {
    Rng rng(in.seed, d);
    std::vector<double> factor(K, 1.0);
    for (std::size_t k = 0; k < K; ++k) {  // always K numbers drawn, in the ranges' order
      const auto& g = in.ranges[k];
      const double a = std::min(g.low, g.value), b = std::max(g.high, g.value), u = rng.uniform();
      const double x = tri ? triangular_quantile(a, g.value, b, u) : a + (b - a) * u;
      factor[k] = g.value > 0 ? x / g.value : 1.0;
    }
    double p = 0, t = 0, m = 0;
    for (std::size_t c = 0; c < in.components.size(); ++c) {
      const double eur = in.components[c].eur * factor[param_of[c]];
      switch (in.components[c].kind) {
        case SpendKind::Public: p += eur; t += eur; break;
        case SpendKind::Private:
        case SpendKind::Alternatives: t += eur; break;
        case SpendKind::Masts: m += eur; break;
      }
    }
    pub[d] = p;
    total[d] = t;
    masts[d] = m;
    if (progress) progress->add();
  });
  double plan_p = 0, plan_t = 0, plan_m = 0;
  for (const auto& c : in.components) {
    if (c.kind == SpendKind::Public) plan_p += c.eur;
    if (c.kind != SpendKind::Masts) plan_t += c.eur;
    else plan_m += c.eur;
  }
  r.figures.distribution = in.distribution;
  r.figures.draws = in.draws;
  r.figures.seed = in.seed;
  for (auto [name, v, plan] : {std::tuple{"public", &pub, plan_p}, std::tuple{"total", &total, plan_t}, std::tuple{"masts", &masts, plan_m}}) {
    std::sort(v->begin(), v->end());
    r.figures.spends.push_back({name, plan, quantile(*v, 0.1), quantile(*v, 0.5), quantile(*v, 0.9)});
  }
  return r;
}

}  // namespace dorsale::solvers
