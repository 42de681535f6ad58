#pragma once
// What an optimiser reports, typed: the status of a solve, the MILP back end, and the method
// (a heuristic, or an exact MILP on a back end). Spelled in files by io/spelling.h only.
namespace dorsale {

// The status of a solve. A heuristic is Optimal when its bound proves it, else Feasible.
enum class MipStatus { Optimal, Feasible, Infeasible, NoSolutionInTime, Error };
enum class MipBackend { Glpk, Cbc };
// How a plan was made: a heuristic, or an exact MILP (GLPK or CBC).
enum class SolveMethod { Heuristic, ExactGlpk, ExactCbc };
inline SolveMethod exact_method(MipBackend b) { return b == MipBackend::Glpk ? SolveMethod::ExactGlpk : SolveMethod::ExactCbc; }

}  // namespace dorsale
