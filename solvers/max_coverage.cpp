#include "solvers/max_coverage.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
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

// The problem as the heuristic reads it. A point already covered never counts, so each
// candidate's cover list keeps only the others ("live" points, numbered in the order of their
// indices), and each live point lists the candidates covering it. Every sum below runs over a
// list in the order of p.covers and skips only what the plain code skips
// (max_coverage_reference.cpp), so it adds the same numbers in the same order: the same
// doubles, hence the same sites.
struct Live {
  std::vector<int> point;              // live position -> point index (ascending)
  std::vector<int> pos;                // point index -> live position, -1 when already covered
  std::vector<double> w;               // weight per live position
  std::vector<std::size_t> start;      // candidate j's live positions: entry[start[j] .. start[j + 1])
  std::vector<int> entry;
  std::vector<std::size_t> by_start;   // live position q's candidates: by_site[by_start[q] .. by_start[q + 1])
  std::vector<int> by_site;

  explicit Live(const CoverageProblem& p) {
    const std::size_t n = p.weight.size(), m = p.covers.size();
    pos.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i)
      if (!p.already_covered[i]) {
        pos[i] = int(point.size());
        point.push_back(int(i));
        w.push_back(p.weight[i]);
      }
    start.assign(m + 1, 0);
    for (std::size_t j = 0; j < m; ++j) {
      for (int i : p.covers[j])
        if (pos[i] >= 0) entry.push_back(pos[i]);
      start[j + 1] = entry.size();
    }
    by_start.assign(point.size() + 1, 0);
    for (int q : entry) by_start[std::size_t(q) + 1]++;
    std::partial_sum(by_start.begin(), by_start.end(), by_start.begin());
    by_site.resize(entry.size());
    std::vector<std::size_t> at(by_start.begin(), by_start.end() - 1);
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t e = start[j]; e < start[j + 1]; ++e) by_site[at[std::size_t(entry[e])]++] = int(j);
  }
  const int* begin(std::size_t j) const { return entry.data() + start[j]; }
  const int* end(std::size_t j) const { return entry.data() + start[j + 1]; }
  // number of candidates covering live point q (with repeats, as the plain code counts them)
  std::size_t degree(std::size_t q) const { return by_start[q + 1] - by_start[q]; }
};

// Weight newly covered by `open` (covered_weight on the live lists); `mark`: one char per live
// point, all 0, left so.
double live_covered(const Live& L, const std::vector<int>& open, std::vector<char>& mark) {
  double w = 0;
  for (int j : open)
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q)
      if (!mark[std::size_t(*q)]) {
        mark[std::size_t(*q)] = 1;
        w += L.w[std::size_t(*q)];
      }
  for (int j : open)
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q) mark[std::size_t(*q)] = 0;
  return w;
}

// The Lagrangian dual (coverage constraints relaxed) over the live points: its value for
// multipliers lambda (>= 0, one per live point), the subgradient at the live points and the
// squared norm of the whole subgradient (the points already covered take part through the
// sites the subproblem opens: their terms are summed in the order of the point indices, as
// the plain code does over every point).
class Dual {
 public:
  Dual(const CoverageProblem& p, const Live& L)
      : p_(p), L_(L), rho_(p.covers.size()), yj_(p.covers.size()), idx_(p.covers.size()), z_(L.point.size()),
        g_(p.weight.size(), 0.0), mark_(p.weight.size(), 0) {}

  double value(const std::vector<double>& lambda, std::vector<double>& grad, double& norm, std::vector<int>* chosen) {
    const std::size_t nl = L_.point.size(), m = p_.covers.size();
    double L = 0;
    // each candidate's price, summed in its list's order (one candidate per task: the same sum
    // whatever the thread count)
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, 512), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t j = r.begin(); j < r.end(); ++j) {
        double s = 0;
        for (const int* q = L_.begin(j); q != L_.end(j); ++q) s += lambda[std::size_t(*q)];
        rho_[j] = s;
      }
    });
    for (std::size_t q = 0; q < nl; ++q) {
      z_[q] = L_.w[q] - lambda[q] > 0;
      if (z_[q]) L += L_.w[q] - lambda[q];
    }
    // subproblem in y: K largest rho (and/or fractional knapsack on cost): an upper bound
    std::iota(idx_.begin(), idx_.end(), 0);
    std::fill(yj_.begin(), yj_.end(), 0.0);
    if (p_.budget >= 0) {
      std::sort(idx_.begin(), idx_.end(), [&](int a, int b) { return rho_[a] / ratio_den(p_, a) > rho_[b] / ratio_den(p_, b); });
      double left = p_.budget;
      int count = 0;
      for (int j : idx_) {
        if (rho_[j] <= 0) break;
        if (p_.max_sites >= 0 && count >= p_.max_sites) break;
        const double take = p_.cost[j] <= left ? 1.0 : (p_.cost[j] > 0 ? left / p_.cost[j] : 1.0);
        if (take <= 0) break;
        yj_[j] = take;
        L += take * rho_[j];
        left -= take * p_.cost[j];
        ++count;
      }
    } else {
      const int k = std::min<int>(p_.max_sites < 0 ? int(m) : p_.max_sites, int(m));
      std::partial_sort(idx_.begin(), idx_.begin() + k, idx_.end(), [&](int a, int b) { return rho_[a] > rho_[b]; });
      for (int t = 0; t < k; ++t)
        if (rho_[idx_[t]] > 0) {
          yj_[idx_[t]] = 1;
          L += rho_[idx_[t]];
        }
    }
    if (chosen) {
      chosen->clear();
      for (std::size_t j = 0; j < m; ++j)
        if (yj_[j] >= 1.0) chosen->push_back(int(j));  // whole sites only: a feasible primal guess
    }
    // subgradient: -z_i + sum_j y_j [i in N(j)], over every point i (g_ is 0 outside a call)
    for (std::size_t q = 0; q < nl; ++q) g_[std::size_t(L_.point[q])] = -double(z_[q]);
    extra_.clear();
    for (std::size_t j = 0; j < m; ++j)
      if (yj_[j] > 0)
        for (int i : p_.covers[j]) {
          if (L_.pos[std::size_t(i)] < 0 && !mark_[std::size_t(i)]) {
            mark_[std::size_t(i)] = 1;
            extra_.push_back(i);
          }
          g_[std::size_t(i)] += yj_[j];
        }
    std::sort(extra_.begin(), extra_.end());
    norm = 0;  // in the order of the point indices; every other term is 0
    for (std::size_t a = 0, b = 0; a < nl || b < extra_.size();) {
      const int i = b == extra_.size() || (a < nl && L_.point[a] < extra_[b]) ? L_.point[a++] : extra_[b++];
      norm += g_[std::size_t(i)] * g_[std::size_t(i)];
    }
    grad.resize(nl);
    for (std::size_t q = 0; q < nl; ++q) {
      grad[q] = g_[std::size_t(L_.point[q])];
      g_[std::size_t(L_.point[q])] = 0;
    }
    for (int i : extra_) {
      g_[std::size_t(i)] = 0;
      mark_[std::size_t(i)] = 0;
    }
    return L;
  }

 private:
  const CoverageProblem& p_;
  const Live& L_;
  std::vector<double> rho_, yj_;
  std::vector<int> idx_;
  std::vector<char> z_;
  std::vector<double> g_;
  std::vector<char> mark_;
  std::vector<int> extra_;
};

// Also returns, in `primal`, the best feasible site set met along the way (the sites the
// Lagrangian subproblem opens are a feasible choice of at most K / within the budget).
double lagrangian_bound(const CoverageProblem& p, const Live& Lv, int iterations, double lower, std::vector<int>* primal,
                        double* primal_value) {
  const std::size_t nl = Lv.point.size();
  Dual dual(p, Lv);
  std::vector<double> lambda(nl), grad, best_lambda;
  std::vector<char> mark(nl, 0);
  // start: lambda_i = w_i / (number of candidates covering i), a balanced guess
  for (std::size_t q = 0; q < nl; ++q) lambda[q] = Lv.degree(q) > 0 ? Lv.w[q] / double(Lv.degree(q)) : 0;
  double norm = 0;
  double best = dual.value(lambda, grad, norm, nullptr);
  best_lambda = lambda;
  double theta = 1.0;
  int stall = 0;
  std::vector<int> guess;
  for (int it = 0; it < iterations; ++it) {
    const double L = dual.value(lambda, grad, norm, primal ? &guess : nullptr);
    if (primal) {
      const double v = live_covered(Lv, guess, mark);
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
    if (norm <= 0 || theta < 1e-6) break;
    if (best - lower <= 5e-4 * best) break;  // certified within 0.05 %: good enough
    const double step = theta * std::max(1e-12, L - lower) / norm;
    // minimise L: move against the subgradient (the multipliers of points already covered
    // are never read: they are not kept)
    for (std::size_t q = 0; q < nl; ++q) lambda[q] = std::max(0.0, lambda[q] - step * grad[q]);
  }
  return best;
}

// Local search on a feasible site set: 1-1 swaps (drop one, add the best other when it gains
// more than it loses), then fill any room left (fewer than K sites, or budget left). Stops at a
// local optimum or when p.local_search_work cover-list entries have been visited (a count:
// the result depends on the problem only, never on the machine's speed or load; `capped` is
// set when the count stopped it). A candidate's gain is summed again only when one of its
// points changed between covered by no open site and covered by some: otherwise it is the sum
// made before, the same number. The count is of the entries the plain search visits (a gain
// asked for costs its whole list), so the cap stops both at the same place.
void local_search(const CoverageProblem& p, const Live& L, std::vector<int>& open, bool& capped) {
  std::size_t work = 0;
  const std::size_t m = p.covers.size();
  std::vector<int> cnt(L.point.size(), 0);
  std::vector<char> op(m, 0), fresh(m, 0);
  std::vector<double> cached(m, 0.0);
  auto touch = [&](int q) {
    for (std::size_t e = L.by_start[std::size_t(q)]; e < L.by_start[std::size_t(q) + 1]; ++e) fresh[std::size_t(L.by_site[e])] = 0;
  };
  auto add = [&](int j) {
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q)
      if (cnt[std::size_t(*q)]++ == 0) touch(*q);
  };
  auto remove = [&](int j) {
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q)
      if (--cnt[std::size_t(*q)] == 0) touch(*q);
  };
  double spent = 0;
  for (int j : open) {
    op[j] = 1;
    spent += p.budget >= 0 ? p.cost[j] : 0;
    add(j);
  }
  auto gain = [&](int j) {
    work += p.covers[j].size() + 1;
    if (!fresh[std::size_t(j)]) {
      double g = 0;
      for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q)
        if (cnt[std::size_t(*q)] == 0) g += L.w[std::size_t(*q)];
      cached[std::size_t(j)] = g;
      fresh[std::size_t(j)] = 1;
    }
    return cached[std::size_t(j)];
  };
  for (int pass = 0; pass < 50 && work < p.local_search_work; ++pass) {
    bool improved = false;
    for (std::size_t k = 0; k < open.size(); ++k) {
      const int out = open[k];
      double loss = 0;
      for (const int* q = L.begin(std::size_t(out)); q != L.end(std::size_t(out)); ++q)
        if (cnt[std::size_t(*q)] == 1) loss += L.w[std::size_t(*q)];
      remove(out);
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
      add(in);
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
        add(best);
        added = improved = true;
      }
    }
    if (!improved) return;
  }
  capped = capped || work >= p.local_search_work;
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
  const std::size_t m = p.covers.size();
  const Live L(p);
  CoverageSolution s;
  s.method = SolveMethod::Heuristic;
  std::vector<int> cover_count(L.point.size(), 0);  // open sites covering each live point
  auto gain_of = [&](int j) {
    double g = 0;
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q)
      if (cover_count[std::size_t(*q)] == 0) g += L.w[std::size_t(*q)];
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
    spent += p.budget >= 0 ? p.cost[j] : 0;
    for (const int* q = L.begin(std::size_t(j)); q != L.end(std::size_t(j)); ++q) cover_count[std::size_t(*q)]++;
  }
  local_search(p, L, s.open, s.work_capped);
  std::vector<char> mark(L.point.size(), 0);
  s.objective = live_covered(L, s.open, mark);
  // Lagrangian bound; its subproblem's site sets are primal candidates: polish the best one
  // with the same swaps and keep it when it beats the greedy
  std::vector<int> lag_open;
  double lag_value = -1;
  s.bound = lagrangian_bound(p, L, iterations, s.objective, &lag_open, &lag_value);
  if (lag_value > 0) {
    local_search(p, L, lag_open, s.work_capped);
    if (const double v = live_covered(L, lag_open, mark); v > s.objective) {
      s.open = lag_open;
      s.objective = v;
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
  // the sites in parallel, each list built and sorted by one task (the grid is only read)
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, sx.size(), 256), [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t j = range.begin(); j < range.end(); ++j) {
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
  });
  return out;
}

std::vector<double> min_ratio_within(const std::vector<double>& sx, const std::vector<double>& sy, const std::vector<double>& base,
                                     const std::vector<double>& radius, const std::vector<double>& px, const std::vector<double>& py) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<double> ratio(px.size(), inf);
  if (px.empty() || sx.empty()) return ratio;
  double rmax = 0, bmax = 0, x0 = sx[0], y0 = sy[0], x1 = sx[0], y1 = sy[0];
  for (std::size_t k = 0; k < sx.size(); ++k) {
    rmax = std::max(rmax, radius[k]);
    bmax = std::max(bmax, base[k]);
    x0 = std::min(x0, sx[k]);
    y0 = std::min(y0, sy[k]);
    x1 = std::max(x1, sx[k]);
    y1 = std::max(y1, sy[k]);
  }
  // the sites in square cells of a quarter of the largest base radius over their bounding box
  // (cells widened so that there are at most ~4 M of them)
  double cell = std::max(1.0, bmax / 4);
  cell = std::max(cell, std::sqrt((x1 - x0 + cell) * (y1 - y0 + cell) / 4e6));
  const long nx = long(std::floor((x1 - x0) / cell)) + 1, ny = long(std::floor((y1 - y0) / cell)) + 1;
  std::vector<std::size_t> start(std::size_t(nx * ny) + 1, 0);
  auto cell_of = [&](double x, double y) { return std::pair<long, long>{long(std::floor((x - x0) / cell)), long(std::floor((y - y0) / cell))}; };
  std::vector<std::size_t> site_cell(sx.size());
  for (std::size_t k = 0; k < sx.size(); ++k) {
    const auto [cx, cy] = cell_of(sx[k], sy[k]);
    site_cell[k] = std::size_t(std::clamp(cy, 0L, ny - 1) * nx + std::clamp(cx, 0L, nx - 1));
    start[site_cell[k] + 1]++;
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<int> site(sx.size());
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (std::size_t k = 0; k < sx.size(); ++k) site[at[site_cell[k]]++] = int(k);  // sites in index order per cell
  }
  // a site within radius r lies within floor(r / cell) + 1 cells of the point's (the 1e-9: the
  // divisions' rounding); a site d cells away (Chebyshev) is more than (d - 1) cells away
  const long reach = long(std::floor(rmax / cell + 1e-9)) + 1;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, px.size(), 2048), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i < r.end(); ++i) {
      double best = inf;
      const auto [gx, gy] = cell_of(px[i], py[i]);
      auto scan = [&](long cx, long cy) {
        if (cx < 0 || cy < 0 || cx >= nx || cy >= ny) return;
        const std::size_t c = std::size_t(cy * nx + cx);
        for (std::size_t e = start[c]; e < start[c + 1]; ++e) {
          const std::size_t k = std::size_t(site[e]);
          const double ddx = px[i] - sx[k], ddy = py[i] - sy[k], d2 = ddx * ddx + ddy * ddy;
          if (d2 > radius[k] * radius[k]) continue;
          // no hypot when it cannot lower the ratio (a margin far above hypot's rounding)
          const double bound = best * base[k];
          if (d2 > bound * bound * (1 + 1e-9)) continue;
          best = std::min(best, std::hypot(ddx, ddy) / base[k]);
        }
      };
      for (long d = 0; d <= reach; ++d) {
        // every site of ring d is more than (d - 1) cells away: none can give a smaller ratio
        if (d >= 2 && double(d - 1) * cell * (1 - 1e-9) > best * bmax) break;
        if (d == 0) {
          scan(gx, gy);
          continue;
        }
        for (long dx = -d; dx <= d; ++dx) {
          scan(gx + dx, gy - d);
          scan(gx + dx, gy + d);
        }
        for (long dy = -d + 1; dy <= d - 1; ++dy) {
          scan(gx - d, gy + dy);
          scan(gx + d, gy + dy);
        }
      }
      ratio[i] = best;
    }
  });
  return ratio;
}

}  // namespace dorsale::solvers
