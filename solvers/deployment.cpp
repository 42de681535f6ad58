#include "solvers/deployment.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>
#include <cstdint>

namespace dorsale::solvers {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// L(lambda) and the spend of its maximiser, exact per group.
double lagrangian(const DeploymentProblem& p, const std::vector<std::vector<int>>& members, const std::vector<double>& lambda,
                  std::vector<double>& spend) {
  const int Y = p.years;
  spend.assign(Y, 0);
  double L = 0;
  for (int y = 0; y < Y; ++y) L += lambda[y] * p.budget[y];
  std::vector<double> best_from(Y + 1);
  std::vector<int> arg_from(Y + 1);
  auto group_part = [&](const std::vector<int>& units, double gcost, bool connected) {
    // per unit: best net value for a start year y0 (suffix maximum over y >= y0)
    double best_total = 0;  // never connect: 0
    int best_y0 = -1;
    std::vector<double> total(Y, 0);
    for (int u : units) {
      const auto& un = p.units[u];
      best_from[Y] = 0;
      for (int y = Y - 1; y >= 0; --y) {
        const double v = un.value[y] - lambda[y] * un.cost;
        best_from[y] = std::max(best_from[y + 1], v);
      }
      for (int y0 = 0; y0 < Y; ++y0) total[y0] += best_from[y0];
    }
    const int first = 0;
    const int last = connected ? 0 : Y - 1;
    for (int y0 = first; y0 <= last; ++y0) {
      const double val = total[y0] - (connected ? 0 : lambda[y0] * gcost);
      if (val > best_total) {
        best_total = val;
        best_y0 = y0;
      }
    }
    if (best_y0 >= 0) {
      if (!connected) spend[best_y0] += gcost;
      for (int u : units) {
        const auto& un = p.units[u];
        double bv = 0;
        int by = -1;
        for (int y = best_y0; y < Y; ++y) {
          const double v = un.value[y] - lambda[y] * un.cost;
          if (v > bv) {
            bv = v;
            by = y;
          }
        }
        if (by >= 0) spend[by] += un.cost;
      }
    }
    return best_total;
  };
  for (std::size_t g = 0; g < members.size(); ++g) {
    const bool ungrouped = g + 1 == members.size();
    L += group_part(members[g], ungrouped ? 0 : p.groups[g].cost, ungrouped || p.groups[g].connected);
  }
  return L;
}

std::vector<std::vector<int>> group_members(const DeploymentProblem& p) {
  std::vector<std::vector<int>> m(p.groups.size() + 1);  // last: units without a group
  for (std::size_t u = 0; u < p.units.size(); ++u)
    m[p.units[u].group < 0 ? p.groups.size() : std::size_t(p.units[u].group)].push_back(int(u));
  return m;
}

}  // namespace

double deployment_lagrangian_bound(const DeploymentProblem& p, int iterations, double lower) {
  const auto members = group_members(p);
  const int Y = p.years;
  std::vector<double> lambda(Y, 0), spend, best_lambda = lambda;
  double best = lagrangian(p, members, lambda, spend);
  // start from the average value per euro, a better place than 0
  double vs = 0, cs = 0;
  for (const auto& u : p.units) {
    vs += *std::max_element(u.value.begin(), u.value.end());
    cs += u.cost;
  }
  if (cs > 0) {
    std::fill(lambda.begin(), lambda.end(), 0.5 * vs / cs);
    best = std::min(best, lagrangian(p, members, lambda, spend));
  }
  double theta = 1.0;
  int since_improvement = 0;
  for (int it = 0; it < iterations; ++it) {
    const double L = lagrangian(p, members, lambda, spend);
    if (L < best - 1e-9) {
      best = L;
      best_lambda = lambda;
      since_improvement = 0;
    } else if (++since_improvement >= 10) {
      theta *= 0.5;
      since_improvement = 0;
      lambda = best_lambda;
    }
    double norm = 0;
    std::vector<double> g(Y);
    for (int y = 0; y < Y; ++y) {
      g[y] = p.budget[y] - spend[y];
      norm += g[y] * g[y];
    }
    if (norm <= 0) break;  // the maximiser is feasible and complementary: optimal
    // Polyak step towards the best known feasible value
    const double step = theta * std::max(1e-9 * std::abs(L), L - lower) / norm;
    for (int y = 0; y < Y; ++y) lambda[y] = std::max(0.0, lambda[y] - step * g[y]);
    if (theta < 1e-6) break;
  }
  return best;
}

DeploymentPlan plan_deployment_exact(const DeploymentProblem& p, MipBackend backend, double time_limit_s, const ProgressCounter* progress) {
  const auto t0 = Clock::now();
  const int Y = p.years;
  MipModel m;
  m.maximize = true;
  std::vector<std::vector<int>> x(p.units.size(), std::vector<int>(Y)), z(p.groups.size(), std::vector<int>(Y, -1));
  std::vector<std::vector<int>> row_idx(Y);
  std::vector<std::vector<double>> row_val(Y);
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    if (p.groups[g].connected) continue;
    std::vector<int> once;
    for (int y = 0; y < Y; ++y) {
      z[g][y] = m.add_var(0, 1, 0, true);
      once.push_back(z[g][y]);
      row_idx[y].push_back(z[g][y]);
      row_val[y].push_back(p.groups[g].cost);
    }
    m.add_row(once, std::vector<double>(Y, 1.0), -1e30, 1);
  }
  for (std::size_t u = 0; u < p.units.size(); ++u) {
    const auto& un = p.units[u];
    std::vector<int> once;
    for (int y = 0; y < Y; ++y) {
      x[u][y] = m.add_var(0, 1, un.value[y], true);
      once.push_back(x[u][y]);
      row_idx[y].push_back(x[u][y]);
      row_val[y].push_back(un.cost);
      if (un.group >= 0 && !p.groups[un.group].connected) {
        // x[u][y] <= sum_{y' <= y} z[g][y']
        std::vector<int> idx{x[u][y]};
        std::vector<double> val{1};
        for (int y2 = 0; y2 <= y; ++y2) {
          idx.push_back(z[un.group][y2]);
          val.push_back(-1);
        }
        m.add_row(idx, val, -1e30, 0);
      }
    }
    m.add_row(once, std::vector<double>(Y, 1.0), -1e30, 1);
  }
  for (int y = 0; y < Y; ++y) m.add_row(row_idx[y], row_val[y], -1e30, p.budget[y]);
  MipResult r = solve_mip(m, backend, time_limit_s, progress);
  DeploymentPlan plan;
  plan.method = exact_method(backend);
  plan.status = r.status;
  plan.unit_year.assign(p.units.size(), -1);
  plan.group_year.assign(p.groups.size(), -1);
  plan.spend.assign(Y, 0);
  plan.bound = r.bound;
  if (r.status == MipStatus::Optimal || r.status == MipStatus::Feasible) {
    for (std::size_t g = 0; g < p.groups.size(); ++g)
      for (int y = 0; y < Y; ++y)
        if (z[g][y] >= 0 && r.x[z[g][y]] > 0.5) {
          plan.group_year[g] = y;
          plan.spend[y] += p.groups[g].cost;
        }
    for (std::size_t u = 0; u < p.units.size(); ++u)
      for (int y = 0; y < Y; ++y)
        if (r.x[x[u][y]] > 0.5) {
          plan.unit_year[u] = y;
          plan.spend[y] += p.units[u].cost;
          plan.objective += p.units[u].value[y];
        }
    plan.gap = plan.bound > 0 ? std::max(0.0, plan.bound - plan.objective) / plan.bound : 0;
  }
  plan.seconds = since(t0);
  return plan;
}

std::string check_deployment(const DeploymentProblem& p, const DeploymentPlan& plan) {
  std::vector<double> spend(p.years, 0);
  for (std::size_t g = 0; g < p.groups.size(); ++g)
    if (plan.group_year[g] >= 0) {
      if (p.groups[g].connected) return fmt::format("group {} connected twice", g);
      spend[plan.group_year[g]] += p.groups[g].cost;
    }
  for (std::size_t u = 0; u < p.units.size(); ++u) {
    const int y = plan.unit_year[u];
    if (y < 0) continue;
    const int g = p.units[u].group;
    if (g >= 0 && !p.groups[g].connected && (plan.group_year[g] < 0 || plan.group_year[g] > y))
      return fmt::format("unit {} deployed in year {} before its group {} is connected", u, y, g);
    spend[y] += p.units[u].cost;
  }
  for (int y = 0; y < p.years; ++y)
    if (spend[y] > p.budget[y] * (1 + 1e-9) + 1e-6) return fmt::format("year {} spends {} over its budget {}", y, spend[y], p.budget[y]);
  return "";
}

}  // namespace dorsale::solvers
