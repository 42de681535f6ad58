// The plain max-coverage heuristic, kept as the tests' oracle: every gain and Lagrangian price
// summed afresh over the whole cover lists, one thread. max_coverage_heuristic
// (solvers/max_coverage.cpp) must give exactly its sites, objective and bound (the tests
// compare them bit for bit); it gets there with fewer sums, not other ones.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

#include "solvers/max_coverage.h"

namespace dorsale::solvers {

namespace {

bool fits(const CoverageProblem& p, int n_open, double spent, int j) {
  if (p.max_sites >= 0 && n_open + 1 > p.max_sites) return false;
  if (p.budget >= 0 && spent + p.cost[j] > p.budget + 1e-9) return false;
  return true;
}

double ratio_den(const CoverageProblem& p, int j) { return p.budget >= 0 ? std::max(1e-9, p.cost[j]) : 1.0; }

// Lagrangian dual value for multipliers lambda (>= 0), and the subgradient.
double lagrangian(const CoverageProblem& p, const std::vector<double>& lambda, std::vector<double>& grad,
                  std::vector<int>* chosen = nullptr) {
  const std::size_t n = p.weight.size(), m = p.covers.size();
  double L = 0;
  std::vector<double> rho(m, 0);
  for (std::size_t j = 0; j < m; ++j)
    for (int i : p.covers[j])
      if (!p.already_covered[i]) rho[j] += lambda[i];
  std::vector<char> zi(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (!p.already_covered[i] && p.weight[i] - lambda[i] > 0) {
      L += p.weight[i] - lambda[i];
      zi[i] = 1;
    }
  // subproblem in y: K largest rho (and/or fractional knapsack on cost): an upper bound
  std::vector<int> idx(m);
  std::iota(idx.begin(), idx.end(), 0);
  std::vector<double> yj(m, 0);
  if (p.budget >= 0) {
    std::sort(idx.begin(), idx.end(), [&](int a, int b) { return rho[a] / ratio_den(p, a) > rho[b] / ratio_den(p, b); });
    double left = p.budget;
    int count = 0;
    for (int j : idx) {
      if (rho[j] <= 0) break;
      if (p.max_sites >= 0 && count >= p.max_sites) break;
      const double take = p.cost[j] <= left ? 1.0 : (p.cost[j] > 0 ? left / p.cost[j] : 1.0);
      if (take <= 0) break;
      yj[j] = take;
      L += take * rho[j];
      left -= take * p.cost[j];
      ++count;
    }
  } else {
    const int k = std::min<int>(p.max_sites < 0 ? int(m) : p.max_sites, int(m));
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return rho[a] > rho[b]; });
    for (int t = 0; t < k; ++t)
      if (rho[idx[t]] > 0) {
        yj[idx[t]] = 1;
        L += rho[idx[t]];
      }
  }
  if (chosen) {
    chosen->clear();
    for (std::size_t j = 0; j < m; ++j)
      if (yj[j] >= 1.0) chosen->push_back(int(j));  // whole sites only: a feasible primal guess
  }
  // subgradient of L in lambda: d/dlambda_i = -z_i + sum_j y_j [i in N(j)]
  grad.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) grad[i] = -double(zi[i]);
  for (std::size_t j = 0; j < m; ++j)
    if (yj[j] > 0)
      for (int i : p.covers[j]) grad[i] += yj[j];
  return L;
}

// Also returns, in `primal`, the best feasible site set met along the way (the sites the
// Lagrangian subproblem opens are a feasible choice of at most K / within the budget).
double lagrangian_bound(const CoverageProblem& p, int iterations, double lower, std::vector<int>* primal, double* primal_value) {
  const std::size_t n = p.weight.size();
  std::vector<double> lambda(n), grad, best_lambda;
  // start: lambda_i = w_i / (number of candidates covering i), a balanced guess
  std::vector<int> deg(n, 0);
  for (const auto& c : p.covers)
    for (int i : c) deg[i]++;
  for (std::size_t i = 0; i < n; ++i) lambda[i] = deg[i] > 0 ? p.weight[i] / deg[i] : 0;
  double best = lagrangian(p, lambda, grad);
  best_lambda = lambda;
  double theta = 1.0;
  int stall = 0;
  std::vector<int> guess;
  for (int it = 0; it < iterations; ++it) {
    const double L = lagrangian(p, lambda, grad, primal ? &guess : nullptr);
    if (primal) {
      const double v = covered_weight(p, guess);
      if (v > *primal_value) {
        *primal_value = v;
        *primal = guess;
        lower = std::max(lower, v);
      }
    }
    if (L < best - 1e-12) {
      best = L;
      best_lambda = lambda;
      stall = 0;
    } else if (++stall >= 10) {
      theta *= 0.6;
      stall = 0;
      lambda = best_lambda;
    }
    double norm = 0;
    for (double g : grad) norm += g * g;
    if (norm <= 0 || theta < 1e-6) break;
    if (best - lower <= 5e-4 * best) break;  // certified within 0.05 %: good enough
    const double step = theta * std::max(1e-12, L - lower) / norm;
    // minimise L: move against the subgradient
    for (std::size_t i = 0; i < n; ++i) lambda[i] = std::max(0.0, lambda[i] - step * grad[i]);
  }
  return best;
}

// Local search on a feasible site set: 1-1 swaps (drop one, add the best other when it gains
// more than it loses), then fill any room left (fewer than K sites, or budget left). Stops at a
// local optimum or when p.local_search_work cover-list entries have been visited (a count:
// the result depends on the problem only, never on the machine's speed or load).
void local_search(const CoverageProblem& p, std::vector<int>& open, bool& capped) {
  std::size_t work = 0;
  const std::size_t n = p.weight.size(), m = p.covers.size();
  std::vector<int> cnt(n, 0);
  std::vector<char> op(m, 0);
  double spent = 0;
  for (int j : open) {
    op[j] = 1;
    spent += p.budget >= 0 ? p.cost[j] : 0;
    for (int i : p.covers[j]) cnt[i]++;
  }
  auto gain = [&](int j) {
    double g = 0;
    work += p.covers[j].size() + 1;
    for (int i : p.covers[j])
      if (!p.already_covered[i] && cnt[i] == 0) g += p.weight[i];
    return g;
  };
  for (int pass = 0; pass < 50 && work < p.local_search_work; ++pass) {
    bool improved = false;
    for (std::size_t k = 0; k < open.size(); ++k) {
      const int out = open[k];
      double loss = 0;
      for (int i : p.covers[out])
        if (!p.already_covered[i] && cnt[i] == 1) loss += p.weight[i];
      for (int i : p.covers[out]) cnt[i]--;
      op[out] = 0;
      const double spent_wo = spent - (p.budget >= 0 ? p.cost[out] : 0);
      int best = -1;
      double best_gain = loss + 1e-9;
      for (std::size_t j = 0; j < m; ++j) {
        if (op[j] || int(j) == out) continue;
        if (p.budget >= 0 && spent_wo + p.cost[j] > p.budget + 1e-9) continue;
        const double g = gain(int(j));
        if (g > best_gain) {
          best_gain = g;
          best = int(j);
        }
      }
      const int in = best >= 0 ? best : out;
      open[k] = in;
      op[in] = 1;
      for (int i : p.covers[in]) cnt[i]++;
      spent = spent_wo + (p.budget >= 0 ? p.cost[in] : 0);
      improved |= best >= 0;
    }
    for (bool added = true; added;) {
      added = false;
      int best = -1;
      double bg = 1e-12;
      for (std::size_t j = 0; j < m; ++j) {
        if (op[j] || !fits(p, int(open.size()), spent, int(j))) continue;
        const double g = gain(int(j)) / ratio_den(p, int(j));
        if (g > bg) {
          bg = g;
          best = int(j);
        }
      }
      if (best >= 0) {
        open.push_back(best);
        op[best] = 1;
        spent += p.budget >= 0 ? p.cost[best] : 0;
        for (int i : p.covers[best]) cnt[i]++;
        added = improved = true;
      }
    }
    if (!improved) return;
  }
  capped = capped || work >= p.local_search_work;
}

}  // namespace

CoverageSolution max_coverage_heuristic_reference(const CoverageProblem& p, int iterations) {
  const std::size_t n = p.weight.size(), m = p.covers.size();
  CoverageSolution s;
  s.method = SolveMethod::Heuristic;
  std::vector<int> cover_count(n, 0);  // open sites covering each point
  std::vector<char> is_open(m, 0);
  auto gain_of = [&](int j) {
    double g = 0;
    for (int i : p.covers[j])
      if (!p.already_covered[i] && cover_count[i] == 0) g += p.weight[i];
    return g;
  };
  // lazy greedy on gain (per euro in budget mode)
  std::priority_queue<std::pair<double, int>> pq;
  for (std::size_t j = 0; j < m; ++j) pq.push({gain_of(int(j)) / ratio_den(p, int(j)), -int(j)});
  double spent = 0;
  while (!pq.empty()) {
    auto [key, negj] = pq.top();
    pq.pop();
    const int j = -negj;
    if (key <= 0) break;
    const double fresh = gain_of(j) / ratio_den(p, j);
    if (fresh + 1e-12 < key) {
      pq.push({fresh, negj});
      continue;
    }
    if (!fits(p, int(s.open.size()), spent, j)) continue;
    s.open.push_back(j);
    is_open[j] = 1;
    spent += p.budget >= 0 ? p.cost[j] : 0;
    for (int i : p.covers[j]) cover_count[i]++;
  }
  local_search(p, s.open, s.work_capped);
  s.objective = covered_weight(p, s.open);
  // Lagrangian bound; its subproblem's site sets are primal candidates: polish the best one
  // with the same swaps and keep it when it beats the greedy
  std::vector<int> lag_open;
  double lag_value = -1;
  s.bound = lagrangian_bound(p, iterations, s.objective, &lag_open, &lag_value);
  if (lag_value > 0) {
    local_search(p, lag_open, s.work_capped);
    if (covered_weight(p, lag_open) > s.objective) {
      s.open = lag_open;
      s.objective = covered_weight(p, lag_open);
    }
  }
  s.bound = std::max(s.objective, s.bound);
  s.gap = s.bound > 0 ? (s.bound - s.objective) / s.bound : 0;
  s.status = s.gap <= 1e-9 ? MipStatus::Optimal : MipStatus::Feasible;
  return s;
}

}  // namespace dorsale::solvers
