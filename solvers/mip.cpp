#include "solvers/mip.h"

#include "solvers/lemon_compat.h"  // first: LEMON under C++20
#include <lemon/glpk.h>
#include <glpk.h>
#include <coin/Cbc_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace dorsale::solvers {



namespace {

constexpr double kCoinInf = 1.7976931348623157e308;  // COIN_DBL_MAX

// The progress of one solve (solve_mip's contract): the larger of the share of the first gap
// closed and the share of the time limit used, counted up to kMipProgressTotal, never down.
class GapProgress {
 public:
  GapProgress(const ProgressCounter* counter, double time_limit_s)
      : counter_(counter), limit_s_(std::max(time_limit_s, 1e-9)), t0_(std::chrono::steady_clock::now()) {}
  // the clock alone
  void tick() { report(elapsed_share()); }
  // the best integer solution's objective and the best bound of the open subproblems
  void gap(double incumbent, double bound) {
    const double g = std::abs(bound - incumbent);
    if (!std::isfinite(g)) return tick();
    if (first_gap_ < 0) first_gap_ = g;
    const double closed = first_gap_ > 0 ? 1.0 - g / first_gap_ : 1.0;
    report(std::max(closed, elapsed_share()));
  }

 private:
  double elapsed_share() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count() / limit_s_;
  }
  void report(double share) {
    if (!counter_) return;
    // below the total until the solve ends (the counter's destructor completes it)
    const auto at = std::int64_t(std::floor(std::clamp(share, 0.0, 1.0) * double(kMipProgressTotal - 1)));
    std::lock_guard<std::mutex> lock(m_);
    if (at <= reported_) return;
    counter_->add(at - reported_);
    reported_ = at;
  }
  const ProgressCounter* counter_;
  double limit_s_;
  std::chrono::steady_clock::time_point t0_;
  double first_gap_ = -1;
  std::int64_t reported_ = 0;
  std::mutex m_;
};

// GLPK's branch-and-cut callback: the incumbent (once there is one) against the best open bound.
void glpk_progress(glp_tree* tree, void* info) {
  auto* progress = static_cast<GapProgress*>(info);
  glp_prob* P = glp_ios_get_prob(tree);
  const int best = glp_ios_best_node(tree);
  const int st = glp_mip_status(P);
  if (best != 0 && (st == GLP_FEAS || st == GLP_OPT)) progress->gap(glp_mip_obj_val(P), glp_ios_node_bound(tree, best));
  else progress->tick();
}

// A thread counting the share of the time limit used, every 0.1 s, until destroyed (CBC).
class ClockTicker {
 public:
  explicit ClockTicker(GapProgress& p, bool on) {
    if (on) thread_ = std::thread([this, &p] {
      std::unique_lock<std::mutex> lock(m_);
      while (!stop_) {
        p.tick();
        cv_.wait_for(lock, std::chrono::milliseconds(100));
      }
    });
  }
  ~ClockTicker() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
};

double inf_clip(double v) { return std::abs(v) >= 1e30 ? (v > 0 ? lemon::GlpkMip::INF : -lemon::GlpkMip::INF) : v; }

MipResult solve_glpk(const MipModel& m, double time_limit_s, GapProgress& progress, bool counted) {
  MipResult r;
  r.backend = MipBackend::Glpk;
  lemon::GlpkMip mip;
  mip.messageLevel(lemon::LpBase::MESSAGE_NOTHING);
  std::vector<lemon::GlpkMip::Col> cols(m.vars());
  lemon::GlpkMip::Expr obj;
  for (int j = 0; j < m.vars(); ++j) {
    cols[j] = mip.addCol();
    mip.colLowerBound(cols[j], inf_clip(m.lb[j]));
    mip.colUpperBound(cols[j], inf_clip(m.ub[j]));
    mip.colType(cols[j], m.integer[j] ? lemon::GlpkMip::INTEGER : lemon::GlpkMip::REAL);
    obj += m.obj[j] * cols[j];
  }
  mip.obj(obj);
  if (m.maximize) mip.max(); else mip.min();
  for (const auto& row : m.rows) {
    lemon::GlpkMip::Expr e;
    for (std::size_t k = 0; k < row.idx.size(); ++k) e += row.val[k] * cols[row.idx[k]];
    mip.addRow(inf_clip(row.lb), e, inf_clip(row.ub));
  }
  // LEMON's solve() has no time limit: run GLPK's simplex and branch and bound on its model.
  glp_prob* lp = static_cast<glp_prob*>(static_cast<void*>(mip.lpx()));
  glp_smcp smcp;
  glp_init_smcp(&smcp);
  smcp.msg_lev = GLP_MSG_OFF;
  smcp.tm_lim = int(std::min(2.0e9, time_limit_s * 1000.0));  // the relaxation counts in the limit too
  const auto t_start = std::chrono::steady_clock::now();
  const int simplex = glp_simplex(lp, &smcp);
  if (simplex != 0 || glp_get_status(lp) == GLP_NOFEAS || glp_get_status(lp) == GLP_UNDEF) {
    r.status = glp_get_status(lp) == GLP_NOFEAS ? MipStatus::Infeasible
               : simplex == GLP_ETMLIM         ? MipStatus::NoSolutionInTime
                                               : MipStatus::Error;
    return r;
  }
  const double relaxation = glp_get_obj_val(lp);
  glp_iocp iocp;
  glp_init_iocp(&iocp);
  iocp.msg_lev = GLP_MSG_OFF;
  const double left_s = std::max(1.0, time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count());
  iocp.tm_lim = int(std::min(2.0e9, left_s * 1000.0));
  iocp.mip_gap = 1e-9;
  if (counted) {
    progress.tick();
    iocp.cb_func = glpk_progress;
    iocp.cb_info = &progress;
  }
  const int ret = glp_intopt(lp, &iocp);
  const int st = glp_mip_status(lp);
  if (st == GLP_OPT) {
    r.status = MipStatus::Optimal;
  } else if (st == GLP_FEAS) {
    r.status = MipStatus::Feasible;
  } else if (st == GLP_NOFEAS) {
    r.status = MipStatus::Infeasible;
    return r;
  } else {
    r.status = ret == GLP_ETMLIM ? MipStatus::NoSolutionInTime : MipStatus::Error;
    r.bound = relaxation;
    return r;
  }
  r.objective = glp_mip_obj_val(lp);
  r.bound = r.status == MipStatus::Optimal ? r.objective : relaxation;
  r.x.resize(m.vars());
  for (int j = 0; j < m.vars(); ++j) r.x[j] = glp_mip_col_val(lp, j + 1);
  return r;
}

MipResult solve_cbc(const MipModel& m, double time_limit_s, GapProgress& progress, bool counted) {
  MipResult r;
  r.backend = MipBackend::Cbc;
  // column-major matrix
  const int n = m.vars(), nr = int(m.rows.size());
  std::vector<std::vector<std::pair<int, double>>> by_col(n);
  for (int i = 0; i < nr; ++i)
    for (std::size_t k = 0; k < m.rows[i].idx.size(); ++k) by_col[m.rows[i].idx[k]].push_back({i, m.rows[i].val[k]});
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value;
  for (int j = 0; j < n; ++j) {
    for (auto [i, v] : by_col[j]) {
      index.push_back(i);
      value.push_back(v);
    }
    start.push_back(CoinBigIndex(index.size()));
  }
  std::vector<double> rlb(nr), rub(nr), clb(m.lb), cub(m.ub);
  for (int i = 0; i < nr; ++i) {
    rlb[i] = m.rows[i].lb <= -1e30 ? -kCoinInf : m.rows[i].lb;
    rub[i] = m.rows[i].ub >= 1e30 ? kCoinInf : m.rows[i].ub;
  }
  for (int j = 0; j < n; ++j) {
    if (clb[j] <= -1e30) clb[j] = -kCoinInf;
    if (cub[j] >= 1e30) cub[j] = kCoinInf;
  }
  Cbc_Model* cbc = Cbc_newModel();
  Cbc_loadProblem(cbc, n, nr, start.data(), index.data(), value.data(), clb.data(), cub.data(), m.obj.data(), rlb.data(),
                  rub.data());
  for (int j = 0; j < n; ++j)
    if (m.integer[j]) Cbc_setInteger(cbc, j);
  Cbc_setObjSense(cbc, m.maximize ? -1.0 : 1.0);
  Cbc_setLogLevel(cbc, 0);
  Cbc_setMaximumSeconds(cbc, time_limit_s);
  if (m.max_nodes > 0) Cbc_setMaximumNodes(cbc, m.max_nodes);
  Cbc_setParameter(cbc, "threads", "1");  // same numbers whatever the machine
  Cbc_setParameter(cbc, "ratioGap", "1e-9");
  {
    const ClockTicker clock(progress, counted);
    Cbc_solve(cbc);
  }
  const bool has_solution = Cbc_getColSolution(cbc) != nullptr && Cbc_numberSavedSolutions(cbc) > 0;
  if (Cbc_isProvenOptimal(cbc)) {
    r.status = MipStatus::Optimal;
  } else if (Cbc_isProvenInfeasible(cbc)) {
    r.status = MipStatus::Infeasible;
  } else if (has_solution) {
    r.status = MipStatus::Feasible;
  } else {
    r.status = MipStatus::NoSolutionInTime;
  }
  if (r.status == MipStatus::Optimal || r.status == MipStatus::Feasible) {
    r.objective = Cbc_getObjValue(cbc);
    const double* x = Cbc_getColSolution(cbc);
    r.x.assign(x, x + n);
  }
  r.bound = r.status == MipStatus::Optimal ? r.objective : Cbc_getBestPossibleObjValue(cbc);
  Cbc_deleteModel(cbc);
  return r;
}

}  // namespace

MipResult solve_mip(const MipModel& model, MipBackend backend, double time_limit_s, const ProgressCounter* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  GapProgress gp(progress, time_limit_s);
  MipResult r = backend == MipBackend::Glpk ? solve_glpk(model, time_limit_s, gp, progress != nullptr)
                                            : solve_cbc(model, time_limit_s, gp, progress != nullptr);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.status == MipStatus::Optimal || r.status == MipStatus::Feasible)
    r.gap = std::abs(r.bound - r.objective) / std::max(1.0, std::abs(r.objective));
  return r;
}

}  // namespace dorsale::solvers
