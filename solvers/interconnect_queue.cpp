#include "solvers/interconnect_impl.h"

// The queues: first come first served, the candidate options, the joint choice (MILP) and its replay.

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <fmt/format.h>
#include <lemon/dijkstra.h>
#include <lemon/list_graph.h>
#include <lemon/suurballe.h>

#include <lemon/glpk.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace dorsale::solvers {

using namespace interconnect_detail;

void accept_in_queue(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, int i, RouteOption o, QueueResult& q) {
  const auto& r = reqs[i];
  LinkState& s = q.final_state;
  if (q.builder.size() != s.free.size()) q.builder.assign(s.free.size(), -1);
  ic.price(o, r, s);
  Evaluation& e = q.evaluations[i];
  e.decision = o.needs_works(s) ? Decision::AcceptWithWorks : Decision::Accept;
  e.reasons = o.notes;
  for (auto& w : works_reasons(ic.network(), o, s)) e.reasons.push_back(std::move(w));
  e.builds.clear();
  for (const auto& route : o.routes)
    for (int l : route.links)
      if (!s.built[l] && q.builder[l] < 0) {
        q.builder[l] = i;
        e.builds.push_back(l);
      }
  ic.reserve(s, o, r.pairs);
  e.free_after.clear();
  for (const auto& route : o.routes) {
    e.free_after.emplace_back();
    for (int l : route.links) e.free_after.back().push_back(s.free[l]);
  }
  e.option = std::move(o);
  q.accepted_value += r.value;
}

QueueResult run_fcfs(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                     const LinkState& initial) {
  QueueResult q;
  q.final_state = initial;
  q.builder.assign(initial.free.size(), -1);
  q.evaluations.resize(reqs.size());
  for (int i : order) {
    Evaluation e = ic.evaluate(reqs[i], q.final_state);
    const bool accept = e.decision != Decision::Reject;
    q.evaluations[i] = std::move(e);
    if (accept) accept_in_queue(ic, reqs, i, *q.evaluations[i].option, q);
  }
  q.fcfs_value = q.accepted_value;
  return q;
}

std::vector<std::vector<RouteOption>> candidate_options(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                                                        const QueueResult& fcfs, const LinkState& initial, int route_options) {
  std::vector<std::vector<RouteOption>> opts(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    auto list = ic.options(reqs[i], initial, route_options);
    if (list.empty()) {  // the exact search of evaluate() may find what options() misses
      auto e = ic.evaluate(reqs[i], initial);
      if (e.decision != Decision::Reject) list.push_back(*e.option);
    }
    const auto& fe = fcfs.evaluations[i];
    if (fe.decision != Decision::Reject) {
      RouteOption f = *fe.option;
      ic.price(f, reqs[i], initial);
      list.insert(list.begin(), f);
    }
    std::set<std::vector<int>> seen;
    for (auto& o : list)
      if ((o.risk_disjoint || reqs[i].protection == Protection::None || ic.params().accept_link_only_diversity) &&
          seen.insert(option_key(o)).second)
        opts[i].push_back(o);
  }
  return opts;
}

namespace {

// The joint MILP: x_io (request i takes option o), y_l (planned link l is built, once,
// whoever uses it), maximising the accepted value. `cost` holds each variable's cost (each
// planned link at its build cost once, every other part at the option's own cost) for the
// second, lexicographic stage: least cost at that value (cost_model). A weighted tie-break
// (value - 1e-6 x cost) is not one: its cost term lies below the solvers' optimality
// tolerance, so CBC and GLPK returned different, dearer sets at the same value.
struct JointModel {
  MipModel m;
  std::vector<std::vector<int>> var;
  std::vector<double> cost;  // per variable, EUR
};

JointModel joint_model(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs,
                       const std::vector<std::vector<RouteOption>>& opts, const LinkState& initial) {
  JointModel j;
  j.m.maximize = true;
  LinkState all_built = initial;
  std::fill(all_built.built.begin(), all_built.built.end(), 1);
  std::vector<std::vector<double>> cost(reqs.size());
  std::map<int, std::set<std::size_t>> users;  // planned link -> the requests with an option on it
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (auto o : opts[i]) {
      ic.price(o, reqs[i], all_built);  // planned links as owned: their build is counted below
      cost[i].push_back(o.total());
      for (int l : links_of(o))
        if (!initial.built[l]) users[l].insert(i);
    }
  auto build = [&](int l) { return ic.network().links()[l].build_eur_per_km * ic.network().links()[l].length_km; };
  // a link one request alone may use is built iff its option is taken: its cost goes there;
  // a shared one is y_l, continuous (at any integer x the cost pulls it down to 0 or 1)
  std::map<int, int> y;
  for (const auto& [l, who] : users)
    if (who.size() > 1) y[l] = -1;
  for (auto& [l, var] : y) {
    var = j.m.add_var(0, 1, 0, false);
    j.cost.push_back(build(l));
  }
  std::map<int, std::pair<std::vector<int>, std::vector<double>>> by_link;
  j.var.resize(reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::map<int, std::vector<int>> on_shared;  // shared planned link -> this request's options on it
    for (std::size_t k = 0; k < opts[i].size(); ++k) {
      double c = cost[i][k];
      for (int l : links_of(opts[i][k]))
        if (!initial.built[l] && !y.count(l)) c += build(l);
      const int x = j.m.add_var(0, 1, reqs[i].value, true);
      j.cost.push_back(c);
      j.var[i].push_back(x);
      for (int l : links_of(opts[i][k])) {
        by_link[l].first.push_back(x);
        by_link[l].second.push_back(reqs[i].pairs);
        if (y.count(l)) on_shared[l].push_back(x);
      }
    }
    for (auto& [l, xs] : on_shared) {  // sum of i's options on l <= y_l (one option per request)
      std::vector<double> val(xs.size(), 1.0);
      xs.push_back(y[l]);
      val.push_back(-1);
      j.m.add_row(xs, val, -1e30, 0);
    }
    if (!j.var[i].empty()) j.m.add_row(j.var[i], std::vector<double>(j.var[i].size(), 1.0), -1e30, 1);
  }
  for (auto& [l, row] : by_link) j.m.add_row(row.first, row.second, -1e30, initial.free[l]);
  return j;
}

MipResult solve_joint(const JointModel& jm, MipBackend backend, double time_limit_s) {
  if (jm.m.vars() > 0) return solve_mip(jm.m, backend, time_limit_s);
  MipResult r;
  r.status = MipStatus::Optimal;
  return r;
}

// The second stage: the least cost among the solutions of value >= `value` (the first stage's
// optimum, less a rounding tolerance).
MipModel cost_model(const std::vector<InterconnectionRequest>& reqs, const JointModel& jm, double value) {
  MipModel m = jm.m;
  m.maximize = false;
  m.obj = jm.cost;
  std::vector<int> idx;
  std::vector<double> val;
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (int x : jm.var[i]) idx.push_back(x), val.push_back(reqs[i].value);
  m.add_row(idx, val, value - 1e-7 * std::max(1.0, std::abs(value)), 1e30);
  return m;
}

// The accepted value of a joint solution.
double joint_value(const std::vector<InterconnectionRequest>& reqs, const JointModel& jm, const MipResult& res) {
  double v = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i)
    for (int x : jm.var[i])
      if (res.x[x] > 0.5) v += reqs[i].value;
  return v;
}

// Gap closing: with the bound's duals (w, u_i = max(0, v_i - pairs_i pi_i)) every route has a
// reduced value <= 0, and a solution better than the incumbent z can only use routes whose
// reduced value is above z - bound. Adds every such route of each request to opts when they
// are few enough to list (kCap); complete = all were listed (the MILP over opts is then the
// optimum over every route).
struct Closing {
  bool added = false, complete = false;
};

Closing close_gap(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const LinkState& initial, const ColumnBound& cb,
                  const JointModel& jm, const MipResult& res, std::vector<std::vector<RouteOption>>& opts) {
  constexpr std::size_t kTotal = 3000;  // routes in all beyond which the gap stays open (MILP size)
  Closing c;
  if (res.status != MipStatus::Optimal || cb.w.empty()) return c;
  const double gap = cb.bound - joint_value(reqs, jm, res);
  if (gap <= 1e-9) return c;
  std::vector<std::vector<RouteOption>> more(reqs.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (!std::isfinite(cb.pi[i])) continue;  // no route at all
    const double u = std::max(0.0, reqs[i].value - reqs[i].pairs * cb.pi[i]);
    const double budget = (reqs[i].value - u + gap + 1e-9) / reqs[i].pairs;
    if (budget < 0) continue;
    if (!ic.enumerate_routes(reqs[i], initial, cb.w, budget, kTotal - total, more[i])) return c;  // too many to list
    total += more[i].size();
  }
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    std::set<std::vector<int>> seen;
    for (const auto& o : opts[i]) seen.insert(option_key(o));
    for (auto& o : more[i])
      if (seen.insert(option_key(o)).second) opts[i].push_back(std::move(o)), c.added = true;
  }
  c.complete = true;
  return c;
}

}  // namespace

QueueResult run_optimal(const Interconnect& ic, const std::vector<InterconnectionRequest>& reqs, const std::vector<int>& order,
                        const LinkState& initial, int route_options, MipBackend backend, double time_limit_s) {
  const QueueResult fcfs = run_fcfs(ic, reqs, order, initial);
  auto opts = candidate_options(ic, reqs, fcfs, initial, route_options);
  QueueResult q;
  const ColumnBound cb = grow_columns(ic, reqs, initial, opts, time_limit_s);
  q.all_routes_bound = cb.bound;
  q.pricing_rounds = cb.rounds;
  JointModel jm = joint_model(ic, reqs, opts, initial);
  MipResult res = solve_joint(jm, backend, time_limit_s);
  const Closing closing = close_gap(ic, reqs, initial, cb, jm, res, opts);
  if (closing.added) {  // the incumbent stays feasible: the new solution is at least as good
    jm = joint_model(ic, reqs, opts, initial);
    res = solve_joint(jm, backend, time_limit_s);
  }
  if (closing.complete && res.status == MipStatus::Optimal)  // every route that could do better was a candidate
    q.all_routes_bound = std::min(q.all_routes_bound, joint_value(reqs, jm, res));
  // lexicographic: at the value found, the least cost (the first stage's set stays feasible;
  // when the second stage finds no solution in its time, the first stage's set is kept)
  if ((res.status == MipStatus::Optimal || res.status == MipStatus::Feasible) && jm.m.vars() > 0) {
    double first_cost = 0;
    for (int v = 0; v < jm.m.vars(); ++v) first_cost += jm.cost[std::size_t(v)] * res.x[std::size_t(v)];
    MipResult c = solve_mip(cost_model(reqs, jm, joint_value(reqs, jm, res)), backend, time_limit_s);
    if ((c.status == MipStatus::Optimal || c.status == MipStatus::Feasible) && c.objective <= first_cost + 1e-6) {
      for (int v = 0; v < jm.m.vars(); ++v) res.x[std::size_t(v)] = c.x[std::size_t(v)];
    } else {
      c.objective = first_cost;  // kept: the first stage's set, with the bound the second stage proved
      c.bound = std::min(c.bound, first_cost);
      if (c.status != MipStatus::Optimal && c.status != MipStatus::Feasible) c.bound = 0;
      c.status = MipStatus::Feasible;
    }
    c.gap = std::max(0.0, c.objective - c.bound) / std::max(1.0, std::abs(c.objective));
    q.cost_mip = c;
  }
  for (const auto& v : opts) q.routes_considered += int(v.size());
  q.mip = res;
  q.fcfs_value = fcfs.accepted_value;
  q.final_state = initial;
  q.builder.assign(initial.free.size(), -1);
  q.evaluations.resize(reqs.size());
  const bool have = res.status == MipStatus::Optimal || res.status == MipStatus::Feasible;
  // replay the chosen set in queue order: the first that uses a planned link builds it
  for (int i : order) {
    int chosen = -1;
    if (have)
      for (std::size_t o = 0; o < jm.var[i].size(); ++o)
        if (res.x[jm.var[i][o]] > 0.5) chosen = int(o);
    if (!have && fcfs.evaluations[i].decision != Decision::Reject) chosen = 0;  // fall back on first-come
    if (chosen >= 0) {
      accept_in_queue(ic, reqs, i, opts[i][chosen], q);
      continue;
    }
    Evaluation& e = q.evaluations[i];
    e.decision = Decision::Reject;
    e.reasons = opts[i].empty() ? ic.evaluate(reqs[i], initial).reasons
                                : Reasons{Reason{ReasonKind::JointChoice}};
  }
  return q;
}

}  // namespace dorsale::solvers
