#include "solvers/guichet.h"

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <boost/math/distributions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "models/double_buffer.h"
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

}  // namespace

// The draws v[0..n) in draw order; reorders them (quantile selection in place).
Quantiles summarise_draws(double* v, std::size_t n) {
  Quantiles q;
  if (n == 0) return q;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += v[i];  // in draw order: deterministic
  q.mean = sum / double(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += (v[i] - q.mean) * (v[i] - q.mean);
  q.se = n > 1 ? std::sqrt(ss / double(n - 1)) / std::sqrt(double(n)) : 0;
  // nearest rank: the smallest value with at least p of the draws at or below it (selection,
  // not a full sort: the same values, in O(n)). The median first; P10 is then selected among
  // the values left of it and P90 among those right of it (half the work each).
  auto rank = [&](double p) { return std::min(n - 1, std::size_t(std::max(1.0, std::ceil(p * double(n)))) - 1); };
  const std::size_t k10 = rank(0.10), k50 = rank(0.50), k90 = rank(0.90);
  std::nth_element(v, v + k50, v + n);
  q.p50 = v[k50];
  if (k10 < k50) std::nth_element(v, v + k10, v + k50);
  q.p10 = v[k10];
  if (k90 > k50) std::nth_element(v + k50 + 1, v + k90, v + n);
  q.p90 = v[k90];
  return q;
}

namespace {

Quantiles summarise(double* v, std::size_t n) { return summarise_draws(v, n); }

// Beta(a, b) of a (mean, sd) pair, as beta_draw uses it.
std::pair<double, double> beta_shape(double mean, double sd) {
  const double var = std::min(sd * sd, 0.99 * mean * (1 - mean));
  const double nu = mean * (1 - mean) / var - 1;
  return {mean * nu, (1 - mean) * nu};
}

bool is_month(int m) { return m >= 190001 && m <= 299912 && m % 100 >= 1 && m % 100 <= 12; }

}  // namespace

double beta_draw(double mean, double sd, Rng& rng) {
  if (sd <= 0 || mean <= 0 || mean >= 1) return mean;
  const auto [a, b] = beta_shape(mean, sd);
  const double x = gamma_draw(a, rng), y = gamma_draw(b, rng);
  return x / (x + y);
}

bool guichet_eligible(const GuichetCommune& c, int year, int horizon_years) {
  return c.pool > 0 && (c.ftth_year == 0 || c.ftth_year > year + horizon_years);
}

void check_guichet_rules(const GuichetRules& r) {
  for (const auto& [name, m] : {std::pair<const char*, int>{"guichet.scheme_start", r.scheme_start},
                                {"guichet.all_communes_from", r.all_communes_from},
                                {"guichet.rules_2022_from", r.rules_2022_from},
                                {"guichet.scheme_end", r.scheme_end}})
    if (!is_month(m)) throw std::invalid_argument(std::string(name) + ": " + std::to_string(m) + " is not a yyyymm month");
  if (r.scheme_end < r.scheme_start) throw std::invalid_argument("guichet.scheme_end: before guichet.scheme_start");
  if (r.rules_2022_from > r.scheme_end) throw std::invalid_argument("guichet.rules_2022_from: after guichet.scheme_end");
  if (r.cap_2022_social < r.cap_2022) throw std::invalid_argument("guichet.cap_2022_social_eur: below guichet.cap_2022_eur");
}

GuichetYear guichet_year(const GuichetRules& r, int year) {
  double open = 0, under_2022 = 0;
  for (int m = 1; m <= 12; ++m) {
    const int ym = year * 100 + m;
    if (ym < r.scheme_start || ym > r.scheme_end) continue;
    const double w = ym < r.all_communes_from ? r.listed_share : 1.0;
    open += w;
    if (ym >= r.rules_2022_from) under_2022 += w;
  }
  GuichetYear g;
  g.take = open / 12.0;
  g.w2022 = open > 0 ? under_2022 / open : 0.0;
  return g;
}

namespace {

// Per département and year, sums over the communes eligible that year (fixed across draws):
// pool, pool x THD radio share, pool x 4G-fixe-capable share (before the satellite preference).
// Eligible years form a prefix (those before FttH - horizon), so the communes eligible in year
// y were eligible in every earlier year and all kept the share prod_{k<y} (1 - u a_k) of their
// pool: a draw's served premises of a département-year are these sums times one factor.
struct PoolSums {
  std::vector<double> pool, radio, fourg;  // [dep * Y + y]
};

PoolSums pool_sums(const GuichetInputs& in, const GuichetParams& p, int D, int Y) {
  PoolSums s;
  s.pool.assign(std::size_t(D) * Y, 0.0);
  s.radio.assign(std::size_t(D) * Y, 0.0);
  s.fourg.assign(std::size_t(D) * Y, 0.0);
  for (const auto& c : in.communes) {
    if (c.pool <= 0) continue;
    const double radio = std::min(1.0, c.radio_cap / c.pool);
    const double fourg = std::min(1.0 - radio, c.fourg_share);
    const int last = c.ftth_year == 0 ? Y : std::min(Y, c.ftth_year - p.horizon_years - in.first_year);
    for (int y = 0; y < last; ++y) {
      const std::size_t j = std::size_t(c.dep) * Y + std::size_t(y);
      s.pool[j] += c.pool;
      s.radio[j] += c.pool * radio;
      s.fourg[j] += c.pool * fourg;
    }
  }
  return s;
}

// Copula: the Beta quantile of Phi(x) is tabulated once per run on a grid of the normal scale
// (boost::math's quantile costs ~20 us; linear interpolation between 4,097 points over
// [-8, 8] is within ~1e-6 of it for take-up standard deviations up to 0.5).
constexpr int kCopulaPoints = 4097;
constexpr double kCopulaLo = -8.0, kCopulaStep = 16.0 / (kCopulaPoints - 1);

std::vector<double> uptake_quantile_table(double mean, double sd) {
  std::vector<double> t(kCopulaPoints, mean);
  if (sd <= 0 || mean <= 0 || mean >= 1) return t;
  const auto [a, b] = beta_shape(mean, sd);
  const boost::math::beta_distribution<double> beta(a, b);
  for (int i = 0; i < kCopulaPoints; ++i) {
    const double x = kCopulaLo + kCopulaStep * i;
    const double prob = 0.5 * std::erfc(-x / std::sqrt(2.0));
    t[std::size_t(i)] = boost::math::quantile(beta, std::clamp(prob, 1e-15, 1 - 1e-15));
  }
  return t;
}

// One Monte Carlo draw: its take-up per département, unit subsidies and satellite preference,
// then the premises paid and the subsidy of every département-year.
struct DrawModel {
  const GuichetParams& p;
  const PoolSums& sums;
  const std::vector<GuichetYear>& cal;
  const Eigen::MatrixXd* chol;  // lower Cholesky factor of the take-up correlation; null: independent
  const std::vector<double>* uptake_table;  // the take-up's Beta quantile at Phi(x), x on kCopulaGrid
  std::uint64_t seed, set_index;
  int D, Y;
  std::size_t stride;  // D x Y
  double cost_sigma;

  // The take-up of a correlated normal x: linear interpolation in the tabulated Beta quantile.
  double uptake_at(double x) const {
    const auto& t = *uptake_table;
    const double pos = std::clamp((x - kCopulaLo) / kCopulaStep, 0.0, double(kCopulaPoints - 1));
    const int i = std::min(int(pos), kCopulaPoints - 2);
    const double f = pos - double(i);
    return t[std::size_t(i)] + f * (t[std::size_t(i) + 1] - t[std::size_t(i)]);
  }

  void draw(int d, double* out_s, double* out_p) const {
    Rng rng(seed, (set_index << 32) | std::uint64_t(d));
    double u_stack[64];
    std::vector<double> u_heap(D > 64 ? D : 0);
    double* u = D > 64 ? u_heap.data() : u_stack;
    if (!chol) {
      for (int k = 0; k < D; ++k) u[k] = beta_draw(p.uptake_mean, p.uptake_sd, rng);
    } else {  // Gaussian copula: correlated normals -> uniforms -> the same Beta marginals
      Eigen::VectorXd z(D);
      for (int k = 0; k < D; ++k) z[k] = rng.normal();
      const Eigen::VectorXd x = chol->triangularView<Eigen::Lower>() * z;
      for (int k = 0; k < D; ++k) u[k] = uptake_at(x[k]);
    }
    std::array<double, kGuichetTechs> cost{};
    for (int t = 0; t < kGuichetTechs; ++t) {
      const double mult = p.cost_sd > 0 ? std::exp(cost_sigma * rng.normal() - 0.5 * cost_sigma * cost_sigma) : 1.0;
      cost[t] = p.equipment[t] * mult + p.rules.activation_eur;  // equipment, installation, activation: never the subscription
    }
    const double q = beta_draw(p.sat_pref_mean, p.sat_pref_sd, rng);
    // paid per applicant and share of applicants paid, under each rule, by technology
    const auto& R = p.rules;
    std::array<double, kGuichetTechs> pay19{}, pay22{}, ok19{}, ok22{};
    for (int t = 0; t < kGuichetTechs; ++t) {
      ok19[t] = p.speed[t] >= R.offer_2019_mbps ? 1.0 : 0.0;
      ok22[t] = p.speed[t] >= R.offer_2022_mbps ? 1.0 : 0.0;
      pay19[t] = ok19[t] * std::min({R.cap_2019, p.cap[t], cost[t]});
      pay22[t] = ok22[t] * ((1 - R.social_share) * std::min({R.cap_2022, p.cap[t], cost[t]}) +
                            R.social_share * std::min({R.cap_2022_social, p.cap[t], cost[t]}));
    }
    for (int k = 0; k < D; ++k) {
      double left = 1.0;  // share of an eligible commune's pool not served yet
      for (int y = 0; y < Y; ++y) {
        const GuichetYear& g = cal[std::size_t(y)];
        const double served = u[k] * g.take * left;
        left -= served;
        const std::size_t j = std::size_t(k) * Y + std::size_t(y);
        const double w = g.w2022;
        double U[kGuichetTechs], Q[kGuichetTechs];
        for (int t = 0; t < kGuichetTechs; ++t) {
          U[t] = (1 - w) * pay19[t] + w * pay22[t];
          Q[t] = (1 - w) * ok19[t] + w * ok22[t];
        }
        // pool x (radio U0 + 4G U1 + satellite U2), satellite = 1 - radio - 4G
        const double fourg = sums.fourg[j] * (1 - q);
        out_s[j] = served * (sums.pool[j] * U[2] + sums.radio[j] * (U[0] - U[2]) + fourg * (U[1] - U[2]));
        out_p[j] = served * (sums.pool[j] * Q[2] + sums.radio[j] * (Q[0] - Q[2]) + fourg * (Q[1] - Q[2]));
      }
    }
  }
};

// The draw matrices of a run, kept by the calling thread for its next run (a sweep runs set after
// set): fresh multi-megabyte buffers come from mmap, and their page faults on first touch cost
// the 2-thread run more than the 1-thread one (10,000 draws: 1.8x instead of 2.0x). Every element
// is written before it is read, so nothing is cleared. Slot k of 1..6 holds at least n doubles.
double* workspace(int slot, std::size_t n) {
  static thread_local std::array<DoubleBuffer, 7> buffers;
  DoubleBuffer& b = buffers[std::size_t(slot)];
  if (b.size() < n) {
    b = DoubleBuffer();
    b = DoubleBuffer(n);  // huge pages from 2 MB (models/double_buffer.h)
  }
  return b.data();
}

// A chunk's [draw][stat] scratch (DrawModel::draw writes every element), kept by each thread: a
// fresh vector per chunk of 256 draws was zero-filled, and under mpirun (Open MPI's memory hooks)
// its pages were faulted in again each time (~100,000 page faults a set of 100,000 draws).
double* chunk_scratch(std::size_t n) {
  static thread_local DoubleBuffer buffer;
  if (buffer.size() < n) buffer = DoubleBuffer(n);
  return buffer.data();
}

// Every draw, in parallel, into sub / prem laid out [stat][draw]: sub[(k * Y + y) * draws + d].
// Each chunk of draws fills a local [draw][stat] buffer, then copies it row by row (contiguous
// writes, no cache line shared between threads inside a chunk); every element is written by
// its draw's chunk, so no zero-filling (a serial pass) is needed.
void sample_draws(const DrawModel& m, int draws, double* sub, double* prem, const ProgressCounter* progress) {
  const std::size_t stride = m.stride;
  tbb::parallel_for(tbb::blocked_range<int>(0, draws, 256), [&](const tbb::blocked_range<int>& r) {
    const std::size_t n = std::size_t(r.end() - r.begin());
    double* const ls = chunk_scratch(2 * n * stride);
    double* const lp = ls + n * stride;
    for (int d = r.begin(); d != r.end(); ++d) m.draw(d, &ls[std::size_t(d - r.begin()) * stride], &lp[std::size_t(d - r.begin()) * stride]);
    for (std::size_t j = 0; j < stride; ++j)
      for (std::size_t k = 0; k < n; ++k) {
        sub[j * std::size_t(draws) + std::size_t(r.begin()) + k] = ls[k * stride + j];
        prem[j * std::size_t(draws) + std::size_t(r.begin()) + k] = lp[k * stride + j];
      }
    if (progress) progress->add(std::int64_t(n));
  });
}
// Reductions: each statistic is computed from the draws in draw order, so it is the same
// whatever thread computes it; the statistics themselves are computed in parallel.
void reduce_draws(double* sub, double* prem, int draws, int D, int Y, bool keep_draws, GuichetStats& st) {
  st.draws = draws;
  st.subsidy.assign(D, std::vector<Quantiles>(Y));
  st.premises.assign(D, std::vector<Quantiles>(Y));
  st.subsidy_by_year.assign(Y, Quantiles{});
  st.premises_by_year.assign(Y, Quantiles{});
  // per-draw region totals by year [year][draw] and over the years [draw], read before any
  // column is reordered; every element is written, so no zero-filling
  const std::size_t n = std::size_t(draws);
  double* const year_sub = workspace(1, n * Y);
  double* const year_prem = workspace(2, n * Y);
  double* const tot_sub = workspace(3, n);
  double* const tot_prem = workspace(4, n);
  tbb::parallel_for(tbb::blocked_range<int>(0, draws, 1024), [&](const tbb::blocked_range<int>& r) {
    for (int d = r.begin(); d != r.end(); ++d) {
      double ts = 0, tp = 0;
      for (int y = 0; y < Y; ++y) {
        double a = 0, b = 0;
        for (int k = 0; k < D; ++k) {
          a += sub[std::size_t(k * Y + y) * n + std::size_t(d)];
          b += prem[std::size_t(k * Y + y) * n + std::size_t(d)];
        }
        year_sub[std::size_t(y) * n + std::size_t(d)] = a;
        year_prem[std::size_t(y) * n + std::size_t(d)] = b;
        ts += a;
        tp += b;
      }
      tot_sub[std::size_t(d)] = ts;
      tot_prem[std::size_t(d)] = tp;
    }
  });
  if (keep_draws) {  // in draw order, before the quantile selection reorders them
    st.subsidy_total_draws.assign(tot_sub, tot_sub + n);
    st.premises_total_draws.assign(tot_prem, tot_prem + n);
  }
  // every statistic summarises its own contiguous column in place (no copy, no allocation)
  const int n_stats = 2 * (D * Y + Y + 1);
  tbb::parallel_for(0, n_stats, [&](int i) {
    const bool is_sub = i % 2 == 0;
    const int j = i / 2;
    if (j < D * Y) {
      const int k = j / Y, y = j % Y;
      double* col = (is_sub ? sub : prem) + std::size_t(k * Y + y) * n;
      (is_sub ? st.subsidy : st.premises)[k][y] = summarise(col, n);
    } else if (j < D * Y + Y) {
      const int y = j - D * Y;
      double* col = (is_sub ? year_sub : year_prem) + std::size_t(y) * n;
      (is_sub ? st.subsidy_by_year : st.premises_by_year)[y] = summarise(col, n);
    } else {
      (is_sub ? st.subsidy_total : st.premises_total) = summarise(is_sub ? tot_sub : tot_prem, n);
    }
  });
}

// Eligibility and technology split at the mean preference (deterministic); a year the scheme is
// closed has no eligible premises.
void eligibility_at_mean(const GuichetInputs& in, const GuichetParams& p, const std::vector<GuichetYear>& cal, GuichetStats& st) {
  for (int y = 0; y < in.years; ++y) {
    double e = 0;
    std::array<double, kGuichetTechs> t{};
    for (const auto& c : in.communes) {
      if (cal[std::size_t(y)].take <= 0 || !guichet_eligible(c, in.first_year + y, p.horizon_years)) continue;
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

namespace {

// What every draw of a set shares: the calendar, the pool sums, the take-up correlation's
// Cholesky factor and quantile table (checked here: the rules, the correlation).
struct Prepared {
  std::vector<GuichetYear> cal;
  PoolSums sums;
  Eigen::MatrixXd L;
  std::vector<double> table;
};

void prepare(const GuichetInputs& in, const GuichetParams& p, Prepared& pr) {
  const int D = int(in.deps.size()), Y = in.years;
  check_guichet_rules(p.rules);
  if (!(p.uptake_correlation >= 0 && p.uptake_correlation < 1))
    throw std::invalid_argument("guichet.uptake_correlation: must be in [0, 1)");
  for (int y = 0; y < Y; ++y) pr.cal.push_back(guichet_year(p.rules, in.first_year + y));
  pr.sums = pool_sums(in, p, D, Y);
  // take-up correlation: every pair of départements rho (1 on the diagonal), its Cholesky factor
  if (p.uptake_correlation > 0 && D > 1) {
    pr.table = uptake_quantile_table(p.uptake_mean, p.uptake_sd);
    Eigen::MatrixXd C = Eigen::MatrixXd::Constant(D, D, p.uptake_correlation);
    C.diagonal().setOnes();
    const Eigen::LLT<Eigen::MatrixXd> llt(C);
    if (llt.info() != Eigen::Success) throw std::invalid_argument("guichet.uptake_correlation: the correlation matrix is not positive definite");
    pr.L = llt.matrixL();
  }
}

DrawModel model_of(const Prepared& pr, const GuichetInputs& in, const GuichetParams& p, std::uint64_t seed, std::uint64_t set_index) {
  const int D = int(in.deps.size()), Y = in.years;
  return DrawModel{p, pr.sums, pr.cal, pr.L.size() > 0 ? &pr.L : nullptr, &pr.table, seed, set_index, D, Y, std::size_t(D) * Y,
                   std::sqrt(std::log(1 + p.cost_sd * p.cost_sd))};
}

}  // namespace

GuichetStats run_guichet(const GuichetInputs& in, const GuichetParams& p, int draws, std::uint64_t seed,
                         std::uint64_t set_index, int threads, const ProgressCounter* progress) {
  const int D = int(in.deps.size()), Y = in.years;
  const std::size_t stride = std::size_t(D) * Y;
  Prepared pr;
  prepare(in, p, pr);
  // one block for both matrices: guichet_workspace lends it whole between runs
  double* const sub = workspace(5, 2 * std::size_t(draws) * stride);
  double* const prem = sub + std::size_t(draws) * stride;
  const DrawModel model = model_of(pr, in, p, seed, set_index);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  sample_draws(model, draws, sub, prem, progress);
  GuichetStats st;
  reduce_draws(sub, prem, draws, D, Y, p.keep_draws, st);
  eligibility_at_mean(in, p, pr.cal, st);
  return st;
}

struct GuichetColumns::Impl {
  GuichetInputs in;
  GuichetParams p;
  Prepared pr;
  std::uint64_t seed, set_index;
};

GuichetColumns::GuichetColumns(const GuichetInputs& in, const GuichetParams& p, std::uint64_t seed, std::uint64_t set_index)
    : impl_(new Impl{in, p, {}, seed, set_index}) {
  try {
    prepare(impl_->in, impl_->p, impl_->pr);
  } catch (...) {
    delete impl_;
    throw;
  }
}

GuichetColumns::~GuichetColumns() { delete impl_; }

int GuichetColumns::columns() const { return guichet_columns(int(impl_->in.deps.size()), impl_->in.years); }

void GuichetColumns::sample(int d0, int d1, double* out, int threads, const ProgressCounter* progress) const {
  std::vector<double*> to(static_cast<std::size_t>(this->columns()));
  for (std::size_t c = 0; c < to.size(); ++c) to[c] = out + c * std::size_t(d1 - d0);
  sample(d0, d1, to.data(), threads, progress);
}

void GuichetColumns::sample(int d0, int d1, double* const* to, int threads, const ProgressCounter* progress) const {
  const auto& in = impl_->in;
  const int D = int(in.deps.size()), Y = in.years;
  const std::size_t stride = std::size_t(D) * Y;
  const DrawModel m = model_of(impl_->pr, in, impl_->p, impl_->seed, impl_->set_index);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  tbb::parallel_for(tbb::blocked_range<int>(d0, d1, 256), [&](const tbb::blocked_range<int>& r) {
    const std::size_t n = std::size_t(r.end() - r.begin());
    double* const ls = chunk_scratch(2 * n * stride);
    double* const lp = ls + n * stride;
    for (int d = r.begin(); d != r.end(); ++d) m.draw(d, &ls[std::size_t(d - r.begin()) * stride], &lp[std::size_t(d - r.begin()) * stride]);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t at = std::size_t(r.begin() - d0) + k;
      const double* a = &ls[k * stride];
      const double* b = &lp[k * stride];
      for (std::size_t j = 0; j < stride; ++j) {
        to[2 * j][at] = a[j];
        to[2 * j + 1][at] = b[j];
      }
      // the region's years and total, summed as reduce_draws sums them (départements in order,
      // then years in order): the same doubles
      double ts = 0, tp = 0;
      for (int y = 0; y < Y; ++y) {
        double ys = 0, yp = 0;
        for (int dep = 0; dep < D; ++dep) {
          ys += a[std::size_t(dep) * Y + std::size_t(y)];
          yp += b[std::size_t(dep) * Y + std::size_t(y)];
        }
        to[2 * (stride + std::size_t(y))][at] = ys;
        to[2 * (stride + std::size_t(y)) + 1][at] = yp;
        ts += ys;
        tp += yp;
      }
      to[2 * (stride + std::size_t(Y))][at] = ts;
      to[2 * (stride + std::size_t(Y)) + 1][at] = tp;
    }
    if (progress) progress->add(std::int64_t(n));
  });
}

double* guichet_workspace(std::size_t n) { return workspace(5, n); }

std::vector<Quantiles> summarise_draw_columns(double* columns, std::size_t count, std::size_t n, int threads) {
  std::vector<Quantiles> q(count);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  tbb::parallel_for(std::size_t(0), count, [&](std::size_t i) { q[i] = summarise_draws(columns + i * n, n); });
  return q;
}

std::vector<Quantiles> summarise_draw_columns(std::vector<std::vector<double>>& columns, int threads) {
  std::vector<Quantiles> q(columns.size());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::max(1, threads));
  tbb::parallel_for(std::size_t(0), columns.size(), [&](std::size_t i) { q[i] = summarise_draws(columns[i].data(), columns[i].size()); });
  return q;
}

std::vector<Quantiles> guichet_stats_columns(const GuichetStats& st) {
  const int D = int(st.subsidy.size()), Y = int(st.subsidy_by_year.size());
  std::vector<Quantiles> q(std::size_t(guichet_columns(D, Y)));
  for (int j = 0; j < D * Y + Y + 1; ++j) {
    Quantiles& s = q[std::size_t(2 * j)];
    Quantiles& pm = q[std::size_t(2 * j + 1)];
    if (j < D * Y) {
      s = st.subsidy.at(std::size_t(j / Y)).at(std::size_t(j % Y));
      pm = st.premises.at(std::size_t(j / Y)).at(std::size_t(j % Y));
    } else if (j < D * Y + Y) {
      s = st.subsidy_by_year[std::size_t(j - D * Y)];
      pm = st.premises_by_year[std::size_t(j - D * Y)];
    } else {
      s = st.subsidy_total;
      pm = st.premises_total;
    }
  }
  return q;
}

GuichetStats guichet_stats_from_columns(const GuichetInputs& in, const GuichetParams& p, const std::vector<Quantiles>& q, int draws) {
  const int D = int(in.deps.size()), Y = in.years;
  if (int(q.size()) != guichet_columns(D, Y)) throw std::invalid_argument("guichet: one summary per column expected");
  check_guichet_rules(p.rules);
  std::vector<GuichetYear> cal;
  for (int y = 0; y < Y; ++y) cal.push_back(guichet_year(p.rules, in.first_year + y));
  GuichetStats st;
  st.draws = draws;
  st.subsidy.assign(D, std::vector<Quantiles>(Y));
  st.premises.assign(D, std::vector<Quantiles>(Y));
  st.subsidy_by_year.assign(Y, Quantiles{});
  st.premises_by_year.assign(Y, Quantiles{});
  for (int j = 0; j < D * Y + Y + 1; ++j) {
    const Quantiles& s = q[std::size_t(2 * j)];
    const Quantiles& pm = q[std::size_t(2 * j + 1)];
    if (j < D * Y) {
      st.subsidy[j / Y][j % Y] = s;
      st.premises[j / Y][j % Y] = pm;
    } else if (j < D * Y + Y) {
      st.subsidy_by_year[j - D * Y] = s;
      st.premises_by_year[j - D * Y] = pm;
    } else {
      st.subsidy_total = s;
      st.premises_total = pm;
    }
  }
  eligibility_at_mean(in, p, cal, st);
  return st;
}

}  // namespace dorsale::solvers
