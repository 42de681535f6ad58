#pragma once
// A small mixed-integer programme and two exact back ends: GLPK through LEMON's Mip (the model
// is built with lemon::GlpkMip; the branch and bound runs with a time limit) and CBC through
// its C interface. Used by the interconnection queue, the roll-out optimiser and siting.
//
// Contract: solve_mip never throws on an infeasible or hard model: "no solution" is a status.
// The bound is valid for the objective's sense (an upper bound when maximising): the proven
// optimum when Optimal, the LP relaxation (GLPK) or CBC's best possible value otherwise.
//
// Progress (models/progress.h): a counter of kMipProgressTotal (100) rises with the larger of
// the share of the first gap closed (GLPK: the gap between the first integer solution and the
// best bound of the open subproblems, read in GLPK's branch-and-cut callback, glp_iocp.cb_func)
// and the share of the time limit used; CBC's C interface (2.10) gives no progress without
// printing its log on stdout, so a CBC solve counts the share of its time limit only (a clock
// thread), which bounds the wait from above. The counter reaches its total when the solve ends.
#include <string>
#include <vector>

#include "models/progress.h"
#include "models/solve.h"

namespace dorsale::solvers {

struct MipModel {
  bool maximize = true;
  std::vector<double> obj, lb, ub;
  std::vector<char> integer;
  struct Row {
    std::vector<int> idx;
    std::vector<double> val;
    double lb, ub;  // use +-1e30 for a free side
  };
  std::vector<Row> rows;
  int max_nodes = 0;  // CBC: stop after this many branch-and-bound nodes (0: none); unlike a time
                      // limit, the same answer on every machine

  int add_var(double lo, double hi, double cost, bool is_integer) {
    lb.push_back(lo);
    ub.push_back(hi);
    obj.push_back(cost);
    integer.push_back(is_integer);
    return int(obj.size()) - 1;
  }
  void add_row(std::vector<int> idx, std::vector<double> val, double lo, double hi) {
    rows.push_back({std::move(idx), std::move(val), lo, hi});
  }
  int vars() const { return int(obj.size()); }
};

// The status and back end (models/solve.h; spelled by io/spelling.h).
using dorsale::MipBackend;
using dorsale::MipStatus;

struct MipResult {
  MipStatus status = MipStatus::Error;
  double objective = 0;  // of the best solution found (valid when Optimal or Feasible)
  double bound = 0;      // valid bound on the optimum
  double gap = 0;        // |bound - objective| / max(1, |objective|)
  std::vector<double> x;
  double seconds = 0;
  MipBackend backend = MipBackend::Glpk;
};

inline constexpr std::int64_t kMipProgressTotal = 100;  // the counter's total: percent

MipResult solve_mip(const MipModel& model, MipBackend backend, double time_limit_s = 60.0, const ProgressCounter* progress = nullptr);

}  // namespace dorsale::solvers
