// The deployment optimiser's heuristic (solvers/deployment.h): greedy by year, bring-forward,
// the first-fit decoder with an iterated local search on its priority order, exchanges and MIP
// windows; its bound is the Lagrangian bound of solvers/deployment.cpp.
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

// Greedy, year by year: the units by value per euro (a not yet connected group's cost shared
// among its pending units), each taken when it and its group's connection fit in what is left.
void greedy_by_year(const DeploymentProblem& p, DeploymentPlan& plan) {
  const int Y = p.years;
  std::vector<char> open(p.groups.size(), 0);
  for (std::size_t g = 0; g < p.groups.size(); ++g) open[g] = p.groups[g].connected;
  std::vector<int> pending(p.groups.size(), 0);
  for (const auto& u : p.units)
    if (u.group >= 0) pending[u.group]++;
  for (int y = 0; y < Y; ++y) {
    double left = p.budget[y];
    std::vector<std::pair<double, int>> order;
    for (std::size_t u = 0; u < p.units.size(); ++u) {
      if (plan.unit_year[u] >= 0) continue;
      const auto& un = p.units[u];
      const double share = (un.group >= 0 && !open[un.group]) ? p.groups[un.group].cost / std::max(1, pending[un.group]) : 0;
      order.emplace_back(un.value[y] / std::max(1e-9, un.cost + share), int(u));
    }
    std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (auto [score, u] : order) {
      const auto& un = p.units[u];
      if (un.value[y] <= 0) continue;
      const double gcost = (un.group >= 0 && !open[un.group]) ? p.groups[un.group].cost : 0;
      if (un.cost + gcost > left + 1e-6) continue;
      left -= un.cost + gcost;
      plan.spend[y] += un.cost + gcost;
      plan.unit_year[u] = y;
      plan.objective += un.value[y];
      if (un.group >= 0) {
        pending[un.group]--;
        if (!open[un.group]) {
          open[un.group] = 1;
          plan.group_year[un.group] = y;
        }
      }
    }
  }
}

// Improvement: use what each year left unspent to bring units forward (or in), earliest year
// first, best value gain per euro first; a unit moves only where its group is connected.
void bring_forward(const DeploymentProblem& p, DeploymentPlan& plan) {
  const int Y = p.years;
  auto group_ready = [&](int g, int y) { return g < 0 || p.groups[g].connected || (plan.group_year[g] >= 0 && plan.group_year[g] <= y); };
  for (bool changed = true; changed;) {
    changed = false;
    for (int y = 0; y < Y; ++y) {
      double left = p.budget[y] - plan.spend[y];
      std::vector<std::pair<double, int>> gains;
      for (std::size_t u = 0; u < p.units.size(); ++u) {
        const int cur = plan.unit_year[u];
        if (cur >= 0 && cur <= y) continue;
        if (!group_ready(p.units[u].group, y) || p.units[u].cost > left + 1e-6) continue;
        const double gain = p.units[u].value[y] - (cur >= 0 ? p.units[u].value[cur] : 0.0);
        if (gain > 1e-12) gains.emplace_back(gain / std::max(1e-9, p.units[u].cost), int(u));
      }
      std::stable_sort(gains.begin(), gains.end(), [](auto& a, auto& b) { return a.first > b.first; });
      for (auto [ratio, u] : gains) {
        const auto& un = p.units[u];
        if (un.cost > left + 1e-6) continue;
        const int cur = plan.unit_year[u];
        if (cur >= 0) {
          plan.spend[cur] -= un.cost;
          plan.objective -= un.value[cur];
        }
        plan.unit_year[u] = y;
        plan.spend[y] += un.cost;
        plan.objective += un.value[y];
        left -= un.cost;
        changed = true;
      }
    }
  }
}

// Exchanges on a plan: unit v (waiting, or deployed in another year) takes the place of unit u
// in year y, u going to another year where it fits (or out of the plan), when the plan's value
// rises and every year stays within its budget; first improvement, until no exchange improves
// or `evaluations` candidate exchanges have been tried (deterministic). A group connection
// whose units all leave stays paid (the plan stays feasible).
//
// The pairs are tried on flat copies of what the loop reads (costs, values, whether a unit's
// connection is ready in a year: exchange_pass moves no connection) and on what stays fixed until
// u moves: the same tests on the same numbers in the same order, so the same plan, with fewer
// memory reads and branches per pair. Each read is checked in the sanitizer build, where this
// loop was ~40 % of the CPU of a bfc-2022 run (perf), the costliest part of the test suite there.
void exchange_pass(const DeploymentProblem& p, DeploymentPlan& plan, long long evaluations) {
  const int Y = p.years, n = int(p.units.size());
  std::vector<double> cost(n), value(std::size_t(n) * Y);
  std::vector<char> ready(std::size_t(Y) * n);  // [year * n + unit]
  for (int u = 0; u < n; ++u) {
    const auto& un = p.units[u];
    const int g = un.group;
    cost[u] = un.cost;
    for (int y = 0; y < Y; ++y) {
      value[std::size_t(u) * Y + y] = un.value[y];
      ready[std::size_t(y) * n + u] = g < 0 || p.groups[g].connected || (plan.group_year[g] >= 0 && plan.group_year[g] <= y);
    }
  }
  int* const year_of = plan.unit_year.data();
  double* const spend = plan.spend.data();
  constexpr double kTol = 1e-6;
  for (bool improved = true; improved && evaluations > 0;) {
    improved = false;
    for (int u = 0; u < n && evaluations > 0; ++u) {
      const int y = year_of[u];
      if (y < 0) continue;
      const double* const uval = &value[std::size_t(u) * Y];
      const char* const ready_y = &ready[std::size_t(y) * n];
      const double ucost = cost[u], uval_y = uval[y];
      // spend[y] and the budget do not change before u moves (the loop then breaks)
      const double spend_less_u = spend[y] - ucost, limit = p.budget[y] + kTol;
      // where u can go instead (its best other year with room, or nowhere)
      for (int v = 0; v < n && evaluations > 0; ++v) {
        const int yv = year_of[v];
        if (v == u || yv == y || !ready_y[v]) continue;
        --evaluations;
        const double vcost = cost[v];
        if (spend_less_u + vcost > limit) continue;
        const double* const vval = &value[std::size_t(v) * Y];
        const double base = vval[y] - (yv >= 0 ? vval[yv] : 0.0) - uval_y;
        if (base + uval_y <= kTol) continue;  // even u's best elsewhere can't pay
        double best = 0;
        int best_y = -1;
        for (int z = 0; z < Y; ++z) {
          if (z == y || !ready[std::size_t(z) * n + u]) continue;
          double room = p.budget[z] - spend[z] + (z == yv ? vcost : 0.0);
          if (ucost <= room + kTol && uval[z] > best) best = uval[z], best_y = z;
        }
        if (base + best <= kTol) continue;
        if (yv >= 0) spend[yv] -= vcost;
        spend[y] += vcost - ucost;
        year_of[v] = y;
        year_of[u] = best_y;
        if (best_y >= 0) spend[best_y] += ucost;
        plan.objective += base + best;
        improved = true;
        break;  // u has moved: next u
      }
    }
  }
}

// MIP windows on a plan (fix and optimise): for two consecutive years, the units deployed in
// them and the waiting units whose connection is ready are re-assigned to those years (or left
// waiting) by CBC, everything else fixed (connections included), with each year's budget less
// its fixed spend; the new assignment is kept when it is worth more. Each window's MIP stops
// after `max_nodes` nodes (never on time: the same plan on every machine). Windows sweep the
// years until a sweep improves nothing (at most `sweeps`).
void window_polish(const DeploymentProblem& p, DeploymentPlan& plan, int max_nodes, int sweeps) {
  const int Y = p.years, n = int(p.units.size());
  auto ready = [&](int g, int y) { return g < 0 || p.groups[g].connected || (plan.group_year[g] >= 0 && plan.group_year[g] <= y); };
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    bool improved = false;
    for (int y0 = 0; y0 + 1 < Y; ++y0) {
      const int W[2] = {y0, y0 + 1};
      MipModel m;
      m.maximize = true;
      m.max_nodes = max_nodes;
      std::vector<int> free_units;
      std::vector<std::array<int, 2>> var;
      double cap[2] = {p.budget[W[0]] - plan.spend[W[0]], p.budget[W[1]] - plan.spend[W[1]]};
      double current = 0;
      std::vector<int> row_idx[2];
      std::vector<double> row_val[2];
      for (int u = 0; u < n; ++u) {
        const int y = plan.unit_year[u];
        if (y >= 0 && y != W[0] && y != W[1]) continue;
        const auto& un = p.units[u];
        if (!ready(un.group, W[1])) continue;
        if (y >= 0) {
          cap[y - y0] += un.cost;
          current += un.value[y];
        }
        std::array<int, 2> v{-1, -1};
        std::vector<int> once;
        for (int k = 0; k < 2; ++k) {
          if (!ready(un.group, W[k])) continue;
          v[k] = m.add_var(0, 1, un.value[W[k]], true);
          once.push_back(v[k]);
          row_idx[k].push_back(v[k]);
          row_val[k].push_back(un.cost);
        }
        m.add_row(once, std::vector<double>(once.size(), 1.0), -1e30, 1);
        free_units.push_back(u);
        var.push_back(v);
      }
      if (free_units.empty()) continue;
      for (int k = 0; k < 2; ++k) m.add_row(row_idx[k], row_val[k], -1e30, cap[k]);
      const MipResult r = solve_mip(m, MipBackend::Cbc, 60.0);
      if ((r.status != MipStatus::Optimal && r.status != MipStatus::Feasible) || r.objective <= current + 1e-6) continue;
      for (std::size_t i = 0; i < free_units.size(); ++i) {
        const int u = free_units[i];
        const auto& un = p.units[u];
        const int old = plan.unit_year[u];
        if (old >= 0) plan.spend[old] -= un.cost, plan.objective -= un.value[old];
        plan.unit_year[u] = -1;
        for (int k = 0; k < 2; ++k)
          if (var[i][k] >= 0 && r.x[var[i][k]] > 0.5) {
            plan.unit_year[u] = W[k];
            plan.spend[W[k]] += un.cost;
            plan.objective += un.value[W[k]];
          }
      }
      improved = true;
    }
    if (!improved) break;
  }
}

// The serial first-fit decoder: the units in priority order, each deployed in its best year
// (largest value, earliest on ties) where it fits in what the units before it left; a unit
// whose group is not connected yet opens it in the latest year (at most the unit's) where the
// connection fits, and a connected group's opening moves earlier when a unit needs it.
class FirstFit {
 public:
  explicit FirstFit(const DeploymentProblem& p) : p_(p) {}

  // The plan's value; fills `plan` (unit_year, group_year, spend, objective) when not null.
  double decode(const std::vector<int>& order, DeploymentPlan* plan) {
    const int Y = p_.years;
    rem_ = p_.budget;
    open_.assign(p_.groups.size(), -1);
    if (plan) plan->unit_year.assign(p_.units.size(), -1);
    double obj = 0;
    const int n = int(p_.units.size());
    used_.assign(p_.groups.size(), 0);
    for (int u : order) {
      if (u >= n) {  // a group's token: connect it now, in the earliest year where it fits
        const int g = u - n;
        if (p_.groups[g].connected || open_[g] >= 0) continue;
        for (int y = 0; y < Y; ++y)
          if (rem_[y] >= p_.groups[g].cost - kEps) {
            rem_[y] -= p_.groups[g].cost;
            open_[g] = y;
            break;
          }
        continue;
      }
      const auto& un = p_.units[u];
      const int g = un.group;
      const bool free = g < 0 || p_.groups[g].connected;
      const double c = un.cost;
      int best_y = -1, best_open = -1;
      double best_v = 0;
      if (free) {
        for (int y = 0; y < Y; ++y)
          if (un.value[y] > best_v + 1e-12 && rem_[y] >= c - kEps) best_v = un.value[y], best_y = y;
      } else {
        const double C = p_.groups[g].cost;
        const int o = open_[g];
        int latest = -1;  // the latest year before y where the connection fits
        for (int y = 0; y < Y; ++y) {
          int opening = -2;  // -2: the unit cannot go in year y
          if (o >= 0 && y >= o) {
            if (rem_[y] >= c - kEps) opening = o;
          } else if (rem_[y] >= C + c - kEps) {
            opening = y;
          } else if (latest >= 0 && rem_[y] >= c - kEps) {
            opening = latest;
          }
          if (opening != -2 && un.value[y] > best_v + 1e-12) best_v = un.value[y], best_y = y, best_open = opening;
          if (rem_[y] >= C - kEps) latest = y;
        }
        if (best_y >= 0 && best_open != o) {
          if (o >= 0) rem_[o] += C;
          rem_[best_open] -= C;
          open_[g] = best_open;
        }
      }
      if (best_y < 0) continue;
      if (g >= 0) used_[g] = 1;
      rem_[best_y] -= c;
      obj += best_v;
      if (plan) plan->unit_year[u] = best_y;
    }
    for (std::size_t g = 0; g < open_.size(); ++g)  // a connection no unit uses is not made
      if (open_[g] >= 0 && !used_[g]) {
        rem_[open_[g]] += p_.groups[g].cost;
        open_[g] = -1;
      }
    if (plan) {
      plan->group_year = open_;
      plan->spend.assign(Y, 0);
      for (int y = 0; y < Y; ++y) plan->spend[y] = p_.budget[y] - rem_[y];
      plan->objective = obj;
    }
    return obj;
  }

 private:
  static constexpr double kEps = 1e-6;
  const DeploymentProblem& p_;
  std::vector<double> rem_;
  std::vector<int> open_;
  std::vector<char> used_;
};

// A small deterministic generator (xorshift64*), so the search is the same on every machine.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
  }
  int below(int n) { return int(next() % std::uint64_t(n)); }
};

// Priority orders for the decoder: value per euro with each group's connection shared among
// its units (the greedy's rule); and the same order with the units sorted by their year in
// `plan` first (those it leaves out last), which decodes to about that plan.
std::vector<std::vector<int>> priority_orders(const DeploymentProblem& p, const DeploymentPlan& plan) {
  std::vector<int> size(p.groups.size(), 0);
  for (const auto& u : p.units)
    if (u.group >= 0) size[u.group]++;
  std::vector<std::pair<double, int>> key;
  for (std::size_t u = 0; u < p.units.size(); ++u) {
    const auto& un = p.units[u];
    const double v = un.value.empty() ? 0.0 : *std::max_element(un.value.begin(), un.value.end());
    const double share = un.group >= 0 && !p.groups[un.group].connected ? p.groups[un.group].cost / std::max(1, size[un.group]) : 0.0;
    key.emplace_back(v / std::max(1e-9, un.cost + share), int(u));
  }
  std::stable_sort(key.begin(), key.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int> by_ratio;
  for (const auto& k : key) by_ratio.push_back(k.second);
  std::vector<int> by_year = by_ratio;
  auto year = [&](int u) { return plan.unit_year[u] < 0 ? p.years : plan.unit_year[u]; };
  std::stable_sort(by_year.begin(), by_year.end(), [&](int a, int b) { return year(a) < year(b); });
  for (std::size_t g = 0; g < p.groups.size(); ++g) {  // the groups' tokens, last: no effect until moved
    by_year.push_back(int(p.units.size() + g));
    by_ratio.push_back(int(p.units.size() + g));
  }
  return {by_year, by_ratio};
}

// Iterated local search on the decoder's priority order: a unit moved ahead of others
// (insertion) or two units exchanged, kept when the decoded plan is not worse; after `stall`
// moves without improvement, the search restarts from the best order with a few random
// exchanges. `moves` decodes in all; returns the best order and its value in `value`.
std::vector<int> improve_order(FirstFit& ff, std::vector<int> order, double& value, int moves, std::uint64_t seed) {
  const int n = int(order.size());
  if (n < 2) return order;
  Rng rng{seed | 1};
  std::vector<int> trial, best = order;
  double current = value;
  const int stall = std::max(100, 20 * n);
  int since_best = 0;
  for (int m = 0; m < moves; ++m) {
    trial = order;
    const int i = 1 + rng.below(n - 1);
    const int kind = rng.below(3);
    if (kind < 2) {  // insertion ahead, near (kind 0) or anywhere (kind 1)
      const int span = kind == 0 ? std::min(i, 8) : i;
      const int j = i - 1 - rng.below(span);
      const int u = trial[i];
      trial.erase(trial.begin() + i);
      trial.insert(trial.begin() + j, u);
    } else {
      const int j = rng.below(n);
      std::swap(trial[i], trial[j]);
    }
    const double v = ff.decode(trial, nullptr);
    if (v >= current - 1e-9) {
      current = v;
      order.swap(trial);
    }
    if (current > value + 1e-9) {
      value = current;
      best = order;
      since_best = 0;
    } else if (++since_best >= stall) {  // perturb the best order
      order = best;
      for (int k = 0; k < 3; ++k) std::swap(order[rng.below(n)], order[rng.below(n)]);
      current = ff.decode(order, nullptr);
      since_best = 0;
    }
  }
  return best;
}

}  // namespace

DeploymentPlan plan_deployment_heuristic(const DeploymentProblem& p, int iterations, long long search_steps, int window_max_units,
                                         int window_max_nodes, const ProgressCounter* progress) {
  const auto t0 = Clock::now();
  const auto step = [progress] {
    if (progress) progress->add();
  };
  DeploymentPlan plan;
  plan.method = SolveMethod::Heuristic;
  plan.unit_year.assign(p.units.size(), -1);
  plan.group_year.assign(p.groups.size(), -1);
  plan.spend.assign(p.years, 0);
  greedy_by_year(p, plan);
  bring_forward(p, plan);
  step();
  // the first-fit decoder from two priority orders (the greedy plan's, value per euro), each
  // improved by local search, then by exchanges (exchange_pass); the best plan found (the
  // greedy's included) is kept. The search makes search_steps / (units x years) decodes per
  // order (200 to 20,000) and tries at most search_steps exchanges: deterministic.
  FirstFit ff(p);
  const int n = int(p.units.size());
  const long long per_decode = std::max<long long>(1, (long long)n * std::max(1, p.years));
  const int moves = int(std::clamp<long long>(search_steps / per_decode, 200, 20000));
  std::uint64_t seed = 0x9E3779B97F4A7C15ull;
  for (auto order : priority_orders(p, plan)) {
    double v = ff.decode(order, nullptr);
    order = improve_order(ff, std::move(order), v, moves, seed++);
    DeploymentPlan cand = plan;
    ff.decode(order, &cand);
    bring_forward(p, cand);
    exchange_pass(p, cand, search_steps);
    bring_forward(p, cand);
    if (cand.objective > plan.objective + 1e-9) plan = std::move(cand);
    step();
  }
  exchange_pass(p, plan, search_steps);
  bring_forward(p, plan);
  if (int(p.units.size()) <= window_max_units) {
    window_polish(p, plan, window_max_nodes, 3);
    bring_forward(p, plan);
  }
  step();
  plan.bound = std::max(plan.objective, deployment_lagrangian_bound(p, iterations, plan.objective));
  step();
  plan.gap = plan.bound > 0 ? (plan.bound - plan.objective) / plan.bound : 0;
  plan.status = plan.gap <= 1e-9 ? MipStatus::Optimal : MipStatus::Feasible;
  plan.seconds = since(t0);
  return plan;
}

}  // namespace dorsale::solvers
