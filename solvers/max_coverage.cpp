#include "solvers/max_coverage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <queue>
#include <unordered_map>

namespace dorsale::solvers {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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
void local_search(const CoverageProblem& p, std::vector<int>& open) {
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
    if (!improved) break;
  }
}

}  // namespace

double covered_weight(const CoverageProblem& p, const std::vector<int>& open) {
  std::vector<char> c(p.weight.size(), 0);
  double w = 0;
  for (int j : open)
    for (int i : p.covers[j])
      if (!p.already_covered[i] && !c[i]) {
        c[i] = 1;
        w += p.weight[i];
      }
  return w;
}

CoverageSolution max_coverage_heuristic(const CoverageProblem& p, int iterations) {
  const auto t0 = Clock::now();
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
  local_search(p, s.open);
  s.objective = covered_weight(p, s.open);
  // Lagrangian bound; its subproblem's site sets are primal candidates: polish the best one
  // with the same swaps and keep it when it beats the greedy
  std::vector<int> lag_open;
  double lag_value = -1;
  s.bound = lagrangian_bound(p, iterations, s.objective, &lag_open, &lag_value);
  if (lag_value > 0) {
    local_search(p, lag_open);
    if (covered_weight(p, lag_open) > s.objective) {
      s.open = lag_open;
      s.objective = covered_weight(p, lag_open);
    }
  }
  s.bound = std::max(s.objective, s.bound);
  s.gap = s.bound > 0 ? (s.bound - s.objective) / s.bound : 0;
  s.status = s.gap <= 1e-9 ? MipStatus::Optimal : MipStatus::Feasible;
  s.seconds = since(t0);
  return s;
}

CoverageSolution max_coverage_exact(const CoverageProblem& p, MipBackend backend, double time_limit_s, const ProgressCounter* progress) {
  const auto t0 = Clock::now();
  const std::size_t n = p.weight.size(), m = p.covers.size();
  MipModel mm;
  mm.maximize = true;
  std::vector<int> y(m), z(n, -1);
  for (std::size_t j = 0; j < m; ++j) y[j] = mm.add_var(0, 1, 0, true);
  std::vector<std::vector<int>> sites_of(n);
  for (std::size_t j = 0; j < m; ++j)
    for (int i : p.covers[j]) sites_of[i].push_back(int(j));
  for (std::size_t i = 0; i < n; ++i) {
    if (p.already_covered[i] || sites_of[i].empty()) continue;
    z[i] = mm.add_var(0, 1, p.weight[i], false);  // z <= sum y: integral at the optimum
    std::vector<int> idx{z[i]};
    std::vector<double> val{1};
    for (int j : sites_of[i]) {
      idx.push_back(y[j]);
      val.push_back(-1);
    }
    mm.add_row(idx, val, -1e30, 0);
  }
  if (p.max_sites >= 0) mm.add_row(y, std::vector<double>(m, 1.0), -1e30, p.max_sites);
  if (p.budget >= 0) mm.add_row(y, p.cost, -1e30, p.budget);
  CoverageSolution s;
  s.method = exact_method(backend);
  MipResult r = solve_mip(mm, backend, time_limit_s, progress);
  s.status = r.status;
  s.bound = r.bound;
  if (r.status == MipStatus::Optimal || r.status == MipStatus::Feasible) {
    for (std::size_t j = 0; j < m; ++j)
      if (r.x[y[j]] > 0.5) s.open.push_back(int(j));
    s.objective = covered_weight(p, s.open);
    s.gap = s.bound > 0 ? std::max(0.0, s.bound - s.objective) / s.bound : 0;
  }
  s.seconds = since(t0);
  return s;
}

std::vector<std::vector<int>> points_within(const std::vector<double>& sx, const std::vector<double>& sy, const std::vector<double>& px,
                                            const std::vector<double>& py, const std::vector<double>& radius) {
  std::vector<std::vector<int>> out(sx.size());
  if (px.empty() || sx.empty()) return out;
  double rmax = 0;
  for (double r : radius) rmax = std::max(rmax, r);
  const double cell = std::max(1.0, rmax);
  auto key = [&](long gx, long gy) { return (static_cast<long long>(gx) << 32) ^ (gy & 0xffffffffLL); };
  std::unordered_map<long long, std::vector<int>> grid;
  for (std::size_t i = 0; i < px.size(); ++i) grid[key(long(std::floor(px[i] / cell)), long(std::floor(py[i] / cell)))].push_back(int(i));
  for (std::size_t j = 0; j < sx.size(); ++j) {
    const long gx = long(std::floor(sx[j] / cell)), gy = long(std::floor(sy[j] / cell));
    const double r2 = radius[j] * radius[j];
    for (long dx = -1; dx <= 1; ++dx)
      for (long dy = -1; dy <= 1; ++dy) {
        auto it = grid.find(key(gx + dx, gy + dy));
        if (it == grid.end()) continue;
        for (int i : it->second) {
          const double ddx = px[i] - sx[j], ddy = py[i] - sy[j];
          if (ddx * ddx + ddy * ddy <= r2) out[j].push_back(i);
        }
      }
    std::sort(out[j].begin(), out[j].end());
  }
  return out;
}

void for_each_point_within(const std::vector<double>& sx, const std::vector<double>& sy, const std::vector<double>& px,
                           const std::vector<double>& py, const std::vector<double>& radius,
                           const std::function<void(std::size_t, const std::vector<int>&, double)>& cell_points) {
  if (px.empty() || sx.empty()) return;
  double rmax = 0;
  for (double r : radius) rmax = std::max(rmax, r);
  // cells of a quarter of the largest radius: a site scans the cells its own radius reaches
  // (a point within r lies within ceil(r / cell) cells of the site's), about half the area
  // of the 3 x 3 cells of size rmax, less for the smaller radii
  const double cell = std::max(1.0, rmax / 4 * (1 + 1e-6));
  auto key = [&](long gx, long gy) { return (static_cast<long long>(gx) << 32) ^ (gy & 0xffffffffLL); };
  std::unordered_map<long long, std::vector<int>> grid;
  for (std::size_t i = 0; i < px.size(); ++i) grid[key(long(std::floor(px[i] / cell)), long(std::floor(py[i] / cell)))].push_back(int(i));
  for (std::size_t j = 0; j < sx.size(); ++j) {
    const long gx = long(std::floor(sx[j] / cell)), gy = long(std::floor(sy[j] / cell));
    // |px - sx| <= r gives |floor(px / cell) - floor(sx / cell)| <= floor(r / cell) + 1 (the
    // 1e-9: the divisions' rounding); at most 4 with this cell
    const long reach = long(std::floor(radius[j] / cell + 1e-9)) + 1;
    for (long dx = -reach; dx <= reach; ++dx)
      for (long dy = -reach; dy <= reach; ++dy) {
        auto it = grid.find(key(gx + dx, gy + dy));
        if (it != grid.end()) cell_points(j, it->second, radius[j] * radius[j]);
      }
  }
}

}  // namespace dorsale::solvers
