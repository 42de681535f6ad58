#include "solvers/guichet.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "models/random.h"

namespace dorsale::solvers {

namespace {

double gamma_draw(double shape, Rng& rng) {  // Marsaglia–Tsang
  if (shape < 1) return gamma_draw(shape + 1, rng) * std::pow(std::max(1e-300, rng.uniform()), 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(std::max(1e-300, u)) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

Quantiles summarise(std::vector<double> v) {
  Quantiles q;
  const std::size_t n = v.size();
  if (n == 0) return q;
  double sum = 0;
  for (double x : v) sum += x;  // in draw order: deterministic
  q.mean = sum / double(n);
  double ss = 0;
  for (double x : v) ss += (x - q.mean) * (x - q.mean);
  q.se = n > 1 ? std::sqrt(ss / double(n - 1)) / std::sqrt(double(n)) : 0;
  // nearest rank: the smallest value with at least p of the draws at or below it (selection,
  // not a full sort: the same values, in O(n))
  auto at = [&](double p) {
    const std::size_t k = std::min(n - 1, std::size_t(std::max(1.0, std::ceil(p * double(n)))) - 1);
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
  };
  q.p10 = at(0.10);
  q.p50 = at(0.50);
  q.p90 = at(0.90);
  return q;
}

}  // namespace

double beta_draw(double mean, double sd, Rng& rng) {
  if (sd <= 0 || mean <= 0 || mean >= 1) return mean;
  const double var = std::min(sd * sd, 0.99 * mean * (1 - mean));
  const double nu = mean * (1 - mean) / var - 1;
  const double x = gamma_draw(mean * nu, rng), y = gamma_draw((1 - mean) * nu, rng);
  return x / (x + y);
}

bool guichet_eligible(const GuichetCommune& c, int year, int horizon_years) {
  return c.pool > 0 && (c.ftth_year == 0 || c.ftth_year > year + horizon_years);
}

namespace {

// One Monte Carlo draw: its take-up per département, unit subsidies and satellite preference,
// then the premises served and the subsidy of every département-year.
struct DrawModel {
  const GuichetInputs& in;
  const GuichetParams& p;
  std::uint64_t seed, set_index;
  int D, Y;
  std::size_t stride;  // D x Y <= 512
  double cost_sigma;

  void draw(int d, double* out_s, double* out_p) const {
    Rng rng(seed, (set_index << 32) | std::uint64_t(d));
    double u_stack[64];
    std::vector<double> u_heap(D > 64 ? D : 0);
    double* u = D > 64 ? u_heap.data() : u_stack;
    for (int k = 0; k < D; ++k) u[k] = beta_draw(p.uptake_mean, p.uptake_sd, rng);
    std::array<double, kGuichetTechs> unit{};
    for (int t = 0; t < kGuichetTechs; ++t) {
      const double mult = p.cost_sd > 0 ? std::exp(cost_sigma * rng.normal() - 0.5 * cost_sigma * cost_sigma) : 1.0;
      unit[t] = std::min(p.cap[t], p.equipment[t] * mult);
    }
    const double q = beta_draw(p.sat_pref_mean, p.sat_pref_sd, rng);
    double S[512], P[512];  // this draw's [dep][year] sums
    std::fill(S, S + stride, 0.0);
    std::fill(P, P + stride, 0.0);
    for (const auto& c : in.communes) {
      if (c.pool <= 0) continue;
      const double radio = std::min(1.0, c.radio_cap / c.pool);
      const double fourg = std::min(1.0 - radio, c.fourg_share) * (1 - q);
      const double sat = 1.0 - radio - fourg;
      const double per_premises = radio * unit[0] + fourg * unit[1] + sat * unit[2];
      double remaining = c.pool;
      // eligible years form a prefix: those with FttH after y + horizon
      const int last = c.ftth_year == 0 ? Y : std::min(Y, c.ftth_year - p.horizon_years - in.first_year);
      for (int y = 0; y < last; ++y) {
        const double served = u[c.dep] * remaining;
        remaining -= served;
        P[c.dep * Y + y] += served;
        S[c.dep * Y + y] += served * per_premises;
      }
    }
    for (std::size_t j = 0; j < stride; ++j) {
      out_s[j] = S[j];
      out_p[j] = P[j];
    }
  }
};

// Every draw, in parallel, into sub / prem laid out [stat][draw]: sub[(k * Y + y) * draws + d].
// Each chunk of draws fills a local [draw][stat] buffer, then copies it row by row (contiguous
// writes, no cache line shared between threads inside a chunk); every element is written by
// its draw's chunk, so no zero-filling (a serial pass) is needed.
void sample_draws(const DrawModel& m, int draws, double* sub, double* prem) {
  const std::size_t stride = m.stride;
  tbb::parallel_for(tbb::blocked_range<int>(0, draws, 32), [&](const tbb::blocked_range<int>& r) {
    const std::size_t n = std::size_t(r.end() - r.begin());
    std::vector<double> ls(n * stride), lp(n * stride);
    for (int d = r.begin(); d != r.end(); ++d) m.draw(d, &ls[std::size_t(d - r.begin()) * stride], &lp[std::size_t(d - r.begin()) * stride]);
    for (std::size_t j = 0; j < stride; ++j)
      for (std::size_t k = 0; k < n; ++k) {
        sub[j * std::size_t(draws) + std::size_t(r.begin()) + k] = ls[k * stride + j];
        prem[j * std::size_t(draws) + std::size_t(r.begin()) + k] = lp[k * stride + j];
      }
  });
}

// Reductions: each statistic is computed from the draws in draw order, so it is the same
// whatever thread computes it; the statistics themselves are computed in parallel.
void reduce_draws(const double* sub, const double* prem, int draws, int D, int Y, GuichetStats& st) {
  st.draws = draws;
  st.subsidy.assign(D, std::vector<Quantiles>(Y));
  st.premises.assign(D, std::vector<Quantiles>(Y));
  st.subsidy_by_year.assign(Y, Quantiles{});
  st.premises_by_year.assign(Y, Quantiles{});
  // per-draw region totals by year, then over the years
  std::vector<double> year_sub(std::size_t(draws) * Y, 0), year_prem(std::size_t(draws) * Y, 0);
  tbb::parallel_for(tbb::blocked_range<int>(0, draws, 256), [&](const tbb::blocked_range<int>& r) {
    for (int d = r.begin(); d != r.end(); ++d)
      for (int y = 0; y < Y; ++y) {
        double a = 0, b = 0;
        for (int k = 0; k < D; ++k) {
          a += sub[std::size_t(k * Y + y) * std::size_t(draws) + std::size_t(d)];
          b += prem[std::size_t(k * Y + y) * std::size_t(draws) + std::size_t(d)];
        }
        year_sub[std::size_t(d) * Y + y] = a;
        year_prem[std::size_t(d) * Y + y] = b;
      }
  });
  const int n_stats = 2 * (D * Y + Y + 1);
  tbb::parallel_for(0, n_stats, [&](int i) {
    const bool is_sub = i % 2 == 0;
    const int j = i / 2;
    std::vector<double> v(draws);
    if (j < D * Y) {
      const int k = j / Y, y = j % Y;
      const double* src = is_sub ? sub : prem;
      const double* col = &src[std::size_t(k * Y + y) * std::size_t(draws)];
      std::copy(col, col + draws, v.begin());
      (is_sub ? st.subsidy : st.premises)[k][y] = summarise(std::move(v));
    } else if (j < D * Y + Y) {
      const int y = j - D * Y;
      const auto& src = is_sub ? year_sub : year_prem;
      for (int d = 0; d < draws; ++d) v[d] = src[std::size_t(d) * Y + y];
      (is_sub ? st.subsidy_by_year : st.premises_by_year)[y] = summarise(std::move(v));
    } else {
      const auto& src = is_sub ? year_sub : year_prem;
      for (int d = 0; d < draws; ++d) {
        double t = 0;
        for (int y = 0; y < Y; ++y) t += src[std::size_t(d) * Y + y];
        v[d] = t;
      }
      (is_sub ? st.subsidy_total : st.premises_total) = summarise(std::move(v));
    }
  });
}

// Eligibility and technology split at the mean preference (deterministic).
void eligibility_at_mean(const GuichetInputs& in, const GuichetParams& p, GuichetStats& st) {
  for (int y = 0; y < in.years; ++y) {
    double e = 0;
    std::array<double, kGuichetTechs> t{};
    for (const auto& c : in.communes) {
      if (!guichet_eligible(c, in.first_year + y, p.horizon_years)) continue;
      e += c.pool;
      const double radio = std::min(1.0, c.radio_cap / c.pool);
      const double fourg = std::min(1.0 - radio, c.fourg_share) * (1 - p.sat_pref_mean);
      t[0] += radio * c.pool;
      t[1] += fourg * c.pool;
      t[2] += (1 - radio - fourg) * c.pool;
    }
    st.eligible_by_year.push_back(e);
    st.tech_by_year_at_mean.push_back(t);
  }
}

}  // namespace

GuichetStats run_guichet(const GuichetInputs& in, const GuichetParams& p, int draws, std::uint64_t seed,
                         std::uint64_t set_index, int threads) {
  const int D = int(in.deps.size()), Y = in.years;
  const std::size_t stride = std::size_t(D) * Y;
  if (stride > 512) throw std::invalid_argument("run_guichet: at most 512 département-years");
  std::unique_ptr<double[]> sub(new double[std::size_t(draws) * stride]), prem(new double[std::size_t(draws) * stride]);
  const DrawModel model{in, p, seed, set_index, D, Y, stride, std::sqrt(std::log(1 + p.cost_sd * p.cost_sd))};
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  sample_draws(model, draws, sub.get(), prem.get());
  GuichetStats st;
  reduce_draws(sub.get(), prem.get(), draws, D, Y, st);
  eligibility_at_mean(in, p, st);
  return st;
}

}  // namespace dorsale::solvers
