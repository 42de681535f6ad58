#include "solvers/pace.h"

#include <algorithm>
#include <cmath>

namespace dorsale::solvers {

namespace {

// Integral of ramp(t) from -inf to t.
double ramp_integral(double t, double start, double ramp) {
  if (t <= start) return 0;
  if (ramp <= 0) return t - start;
  if (t <= start + ramp) return (t - start) * (t - start) / (2 * ramp);
  return ramp / 2 + (t - start - ramp);
}

}  // namespace

double private_capacity(const PaceRates& r, double premises, double a, double b) {
  return b > a ? r.private_share * premises * (b - a) : 0.0;
}

double public_capacity(const PaceRates& r, const PaceShape& s, double premises, double a, double b) {
  if (!(b > a)) return 0.0;
  return r.public_share * premises * (ramp_integral(b, r.public_start, s.ramp_years) - ramp_integral(a, r.public_start, s.ramp_years));
}

double public_capacity_to_target(const PaceRates& r, const PaceShape& s, double premises, double remaining, double a, double b) {
  const double base = public_capacity(r, s, premises, a, b);
  if (r.target_year <= 0 || remaining <= 0 || premises <= 0 || !(b > a)) return base;
  const double end = r.target_year + 1;  // the end of the target year
  if (a >= end - 1e-9) return std::max(base, remaining);
  const double room = ramp_integral(end, r.public_start, s.ramp_years) - ramp_integral(a, r.public_start, s.ramp_years);
  if (room <= 1e-12) return base;  // the ramp has not started by the target: nothing to pace on
  const double needed = remaining / (premises * room);
  return std::max(base, needed * premises * (ramp_integral(b, r.public_start, s.ramp_years) - ramp_integral(a, r.public_start, s.ramp_years)));
}

double tail_capacity(const PaceShape& s, double remaining, double a, double b) {
  if (!(b > a) || remaining <= 0) return 0.0;
  return remaining * std::min(1.0, (b - a) / s.tail_years);
}

std::vector<double> pace_trajectory(const PaceDepartement& d, const PaceRates& r, const PaceShape& s, double start,
                                    int first_year, int last_year) {
  std::vector<double> out;
  const double total = d.premises();
  double priv = d.private_passed, pub = d.public_passed;
  auto pct = [&] { return total > 0 ? 100.0 * (priv + pub) / total : 0.0; };
  out.push_back(pct());
  for (int y = first_year; y <= last_year; ++y) {
    const double a = std::max(start, double(y)), b = double(y + 1);
    const double rem_priv = d.private_premises - priv, rem_pub = d.public_premises - pub;
    priv += std::min({private_capacity(r, d.private_premises, a, b), tail_capacity(s, rem_priv, a, b), rem_priv});
    pub += std::min({public_capacity_to_target(r, s, d.public_premises, rem_pub, a, b), tail_capacity(s, rem_pub, a, b), rem_pub});
    out.push_back(pct());
  }
  return out;
}

double rate_at(const std::vector<double>& traj, double start, int first_year, double t) {
  const double end = double(first_year) + double(traj.size()) - 1;
  if (traj.empty() || t < start - 1e-9 || t > end + 1e-9) return -1;
  // knots: start, first_year + 1, first_year + 2, ...
  double t0 = start, v0 = traj[0];
  for (std::size_t k = 1; k < traj.size(); ++k) {
    const double t1 = double(first_year) + double(k);
    if (t <= t1 + 1e-12) return t1 > t0 ? v0 + (traj[k] - v0) * (t - t0) / (t1 - t0) : traj[k];
    t0 = t1;
    v0 = traj[k];
  }
  return traj.back();
}

namespace {

struct Objective {
  const PaceDepartement& d;
  const PaceShape& s;
  double start;
  int first_year, last_year;
  const std::vector<PaceObservation>& obs;
  const PaceBounds& b;
  double operator()(const PaceRates& r) const {
    const auto traj = pace_trajectory(d, r, s, start, first_year, last_year);
    double sse = 0;
    if (b.private_prior_sd > 0 && d.private_premises > 0) {
      const double z = (r.private_share - b.private_prior) / b.private_prior_sd;
      sse += z * z;
    }
    for (const auto& o : obs) {
      const double p = rate_at(traj, start, first_year, o.t);
      if (p >= 0) sse += (p - o.pct) * (p - o.pct);
    }
    return sse;
  }
};

PaceRates clamp(PaceRates r, const PaceBounds& b) {
  r.private_share = std::clamp(r.private_share, 0.0, b.share_max);
  r.public_share = std::clamp(r.public_share, 0.0, b.share_max);
  r.public_start = std::clamp(r.public_start, b.start_min, b.start_max);
  return r;
}

}  // namespace

PaceFit fit_pace(const PaceDepartement& d, const PaceShape& s, double start, int first_year, int last_year,
                 const std::vector<PaceObservation>& observations, const PaceBounds& bounds, double target_year) {
  const Objective f{d, s, start, first_year, last_year, observations, bounds};
  // grid: shares by 0.02, start by a quarter; the 8 best points start a pattern search each
  // (halving the steps when no move improves); the best end point wins (ties: the first)
  std::vector<std::pair<double, PaceRates>> top;
  for (double ps = 0; ps <= bounds.share_max + 1e-9; ps += 0.02)
    for (double qs = 0; qs <= bounds.share_max + 1e-9; qs += 0.02)
      for (double t0 = bounds.start_min; t0 <= bounds.start_max + 1e-9; t0 += 0.25) {
        const PaceRates r{ps, qs, t0, target_year};
        const double v = f(r);
        if (top.size() < 8 || v < top.back().first - 1e-12) {
          top.emplace_back(v, r);
          std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
          if (top.size() > 8) top.pop_back();
        }
      }
  PaceRates best = top.front().second;
  double best_v = top.front().first;
  for (const auto& [v0, r0] : top) {
    PaceRates cur = r0;
    double cur_v = v0;
    double step[3] = {0.01, 0.01, 0.125};
    for (int iter = 0; iter < 400 && step[0] > 1e-6; ++iter) {
      bool moved = false;
      for (int k = 0; k < 3; ++k)
        for (int sign : {+1, -1}) {
          PaceRates r = cur;
          (k == 0 ? r.private_share : k == 1 ? r.public_share : r.public_start) += sign * step[k];
          r = clamp(r, bounds);
          const double v = f(r);
          if (v < cur_v - 1e-12) {
            cur_v = v;
            cur = r;
            moved = true;
          }
        }
      if (!moved)
        for (double& st : step) st /= 2;
    }
    if (cur_v < best_v - 1e-12) {
      best_v = cur_v;
      best = cur;
    }
  }
  PaceFit fit;
  fit.rates = best;
  const auto traj = pace_trajectory(d, best, s, start, first_year, last_year);
  double sse = 0, sae = 0;
  for (const auto& o : observations) {
    const double p = rate_at(traj, start, first_year, o.t);
    if (p < 0) continue;
    const double e = p - o.pct;
    ++fit.points;
    sse += e * e;
    sae += std::abs(e);
    fit.max_abs_pts = std::max(fit.max_abs_pts, std::abs(e));
  }
  if (fit.points > 0) {
    fit.rmse_pts = std::sqrt(sse / fit.points);
    fit.mean_abs_pts = sae / fit.points;
  }
  return fit;
}

}  // namespace dorsale::solvers
