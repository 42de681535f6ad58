#pragma once
// The build pace of a FttH roll-out, per département, and its fit to published actuals.
//
// A département has two zones: private (AMII/AMEL, the operators') and public (its RIP). In a
// span of time [a, b] (decimal years) a zone passes at most
//   private: private_share x zone premises x (b - a)                      (a flat pace)
//   public:  public_share x zone premises x integral of ramp(t) over [a, b],
//            ramp(t) = clamp((t - public_start) / ramp_years, 0, 1)        (a ramp-up)
// and at most remaining x min(1, (b - a) / tail_years) (the last premises go slower). The
// roll-out (planner/rollout.cpp) applies these capacities year by year, commune by commune,
// with the public part also within the year's budget; `pace_trajectory` is the same recursion
// on a département's totals, without budget, which is what `fit_pace` fits.
//
// fit_pace: least squares on the FttH rate (points of %) at the actuals' dates, the plan read
// between its year ends by linear interpolation (as `dorsale track` does); a grid over
// (private_share, public_share, public_start) then a pattern search (step halving) from the
// best grid point. Deterministic; a few milliseconds per département.
#include <vector>

namespace dorsale::solvers {

struct PaceRates {
  double private_share = 0;  // of the private zone's premises per year
  double public_share = 0;   // of the public zone's premises per year at full pace
  double public_start = 0;   // decimal year
  // The year by whose end the RIP's contract is to have passed its whole zone (0: none). From
  // each year on, the RIP's pace is at least the share that would finish what remains by then
  // on its ramp: the pace comes from what remains to build, not only from the past.
  double target_year = 0;
};

struct PaceShape {
  double ramp_years = 4;
  double tail_years = 2;
};

// Premises a zone of `premises` can pass in [a, b] (before the tail rule).
double private_capacity(const PaceRates& r, double premises, double a, double b);
double public_capacity(const PaceRates& r, const PaceShape& s, double premises, double a, double b);
// The public pace of [a, b] with the target: max(public_share, the share that passes
// `remaining` by the end of target_year on the ramp from a) x premises x integral of the ramp
// over [a, b]; past the target year, all that remains (the tail rule still applies).
double public_capacity_to_target(const PaceRates& r, const PaceShape& s, double premises, double remaining, double a, double b);
// The tail rule: the most a zone with `remaining` premises passes in [a, b].
double tail_capacity(const PaceShape& s, double remaining, double a, double b);

struct PaceDepartement {
  double private_premises = 0, private_passed = 0;  // at the start
  double public_premises = 0, public_passed = 0;
  double premises() const { return private_premises + public_premises; }
};

// The FttH rate (%) of a département at the start (`start`, a decimal year) and at the end of
// each year first_year..last_year: size last_year - first_year + 2.
std::vector<double> pace_trajectory(const PaceDepartement& d, const PaceRates& r, const PaceShape& s, double start,
                                    int first_year, int last_year);

// The rate at decimal year t read on a trajectory (linear between the start and the year
// ends); negative when t is outside [start, last year's end].
double rate_at(const std::vector<double>& trajectory, double start, int first_year, double t);

struct PaceObservation {
  double t = 0;    // decimal year
  double pct = 0;  // %
};

struct PaceFit {
  PaceRates rates;
  int points = 0;           // observations inside the plan's span (those fitted)
  double rmse_pts = 0;      // root mean square residual, points of %
  double max_abs_pts = 0;   // largest residual
  double mean_abs_pts = 0;
};

struct PaceBounds {
  double share_max = 0.6;
  double start_min = 2008, start_max = 2022;
  // A prior on the private pace (regularised least squares): adds
  // ((private_share - private_prior) / private_prior_sd)^2 points^2 to the squared residuals,
  // so growth a RIP's ramp explains as well is not put on the (smaller) private zone. sd <= 0: none.
  double private_prior = 0, private_prior_sd = 0;
};

PaceFit fit_pace(const PaceDepartement& d, const PaceShape& s, double start, int first_year, int last_year,
                 const std::vector<PaceObservation>& observations, const PaceBounds& bounds = {}, double target_year = 0);

}  // namespace dorsale::solvers
