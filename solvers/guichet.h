#pragma once
// Monte Carlo sizing of the guichet cohésion numérique (GCN).
//
// Each commune holds a pool of eligible premises (below the speed threshold, FttH not yet in
// the commune). Every year it stays eligible, a share u x a_y of the premises still eligible
// applies: u drawn per département and draw (Beta, optionally correlated between départements
// through a Gaussian copula), a_y the year's share of months the scheme is open to the
// commune (GuichetCalendar). Each applicant gets exactly one technology: THD radio within the
// commune's radio capacity, else 4G fixe within the 4G-covered spare share (a drawn share q
// still prefers satellite), else satellite. The subsidy of a premises is, under the rule in
// force that month, min(tier cap, technology cap, equipment and installation cost x a drawn
// cost factor + activation) when the technology's speed reaches the rule's minimum offer, else
// nothing; the subscription is never paid. A year under two rules is paid pro rata of its
// months under each.
//
// Determinism: draw d of set s uses its own random stream Rng(seed, s << 32 | d), so results do
// not depend on the thread count or on how sets are split between machines. Reductions run in
// draw order after the parallel loop.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/guichet.h"

namespace dorsale {
class Rng;
}
#include "models/progress.h"

namespace dorsale::solvers {

struct GuichetCommune {
  int dep = 0;
  int ftth_year = 0;       // 0: no FttH within the plan
  double pool = 0;         // premises below the threshold at the start
  double radio_cap = 0;    // premises THD radio can serve
  double fourg_share = 0;  // share of the pool 4G fixe can serve (coverage x spare capacity)
};

struct GuichetInputs {
  int first_year{}, years{};
  std::vector<std::string> deps;
  std::vector<GuichetCommune> communes;
};

// The scheme's rules by date (ANCT "Cohésion numérique des territoires"): months as yyyymm.
struct GuichetRules {
  int scheme_start{};       // first month open (201907)
  int all_communes_from{};  // from this month every commune of the zone is open (202007); before: listed ones
  int rules_2022_from{};    // first month of the 2022 rules (202204)
  int scheme_end{};         // last month open (202512)
  double listed_share{};    // share of the eligible premises in communes listed before all_communes_from
  double cap_2019{}, offer_2019_mbps{};                      // up to 150 EUR for an offer >= 8 Mbit/s
  double cap_2022{}, cap_2022_social{}, offer_2022_mbps{};  // up to 300 / 600 EUR for an offer >= 30 Mbit/s
  double social_share{};    // share of applicants on social minima (600 EUR tier)
  double activation_eur{};  // activation / mise en service, paid with the equipment
};

// Filled from the parameters by planner::guichet_params: no defaults of its own.
struct GuichetParams {
  int horizon_years{};
  double uptake_mean{}, uptake_sd{};
  double uptake_correlation{};  // pairwise correlation of the départements' take-up (Gaussian copula)
  double cost_sd{};
  double sat_pref_mean{}, sat_pref_sd{};
  std::array<double, kGuichetTechs> equipment{};
  std::array<double, kGuichetTechs> cap{};    // technology caps, on top of the rule's tier
  std::array<double, kGuichetTechs> speed{};  // Mbit/s of each technology's offer
  GuichetRules rules;
  bool keep_draws = false;  // not a parameter (`guichet --keep-draws`): keep each draw's totals in GuichetStats
};

// What the rules give a calendar year (months pro rata): `take` = share of the year's take-up
// that happens (months open x the listed share before all_communes_from, / 12); `w2022` = share
// of those applications paid under the 2022 rules (the rest under the 2019 ones).
struct GuichetYear {
  double take = 0, w2022 = 0;
};
GuichetYear guichet_year(const GuichetRules& r, int year);

// Eligible premises of a commune in calendar year `year` (the commune leaves the scheme the year
// FttH reaches it, `horizon_years` earlier if set).
bool guichet_eligible(const GuichetCommune& c, int year, int horizon_years);

// Throws std::invalid_argument when the rule months are not yyyymm months or out of order (the
// 2022 rules after the scheme's end included), or the social-minima cap is below the standard one.
void check_guichet_rules(const GuichetRules& r);

// What a guichet run takes from the region and its roll-out plan, before any guichet
// parameter: built once per scenario (the region and the plan are most of a run's fixed cost),
// cached in the output folder (io/guichet_cache.h) or broadcast by MPI rank 0, and turned into
// the GuichetInputs of each parameter set by planner::guichet_inputs.
struct GuichetBaseCommune {
  int dep = 0;        // index in GuichetBase::deps
  int ftth_year = 0;  // the plan's FttH year (0: none)
  double below3 = 0, from3to8 = 0, from8to30 = 0, thd_non_ftth = 0;  // premises by band
  double thd_radio = 0;    // premises THD radio can serve
  double coverage_4g = 0;  // best operator's 4G coverage share (0: none known)
  bool operator==(const GuichetBaseCommune&) const = default;
};
struct GuichetBase {
  std::vector<std::string> deps;  // département codes, in the region's order
  std::vector<GuichetBaseCommune> communes;
  bool operator==(const GuichetBase&) const = default;
};

// `progress` (may be null) counts the draws as they are made.
GuichetStats run_guichet(const GuichetInputs& in, const GuichetParams& p, int draws, std::uint64_t seed,
                         std::uint64_t set_index, int threads, const ProgressCounter* progress = nullptr);

// The statistics of a set as columns of draws, for runs whose draws of one set are made in
// several places (MPI ranks, planner/distributed.cpp): column 2j is the subsidy and 2j + 1 the
// premises of statistic j: j = dep * years + year for j < D x Y, then the region's years, then
// the total over the years. Draw d of set s gives in every place the values run_guichet gives it.
class GuichetColumns {
 public:
  GuichetColumns(const GuichetInputs& in, const GuichetParams& p, std::uint64_t seed, std::uint64_t set_index);
  ~GuichetColumns();
  GuichetColumns(const GuichetColumns&) = delete;
  GuichetColumns& operator=(const GuichetColumns&) = delete;
  int columns() const;
  // Draws [d0, d1) into out[c * (d1 - d0) + (d - d0)] for every column c.
  void sample(int d0, int d1, double* out, int threads, const ProgressCounter* progress = nullptr) const;
  // The same into to[c][d - d0]: each column where its reader wants it (columns() pointers), so
  // an MPI rank writes the columns it summarises straight into place and the others where they
  // are sent from (planner/distributed.cpp).
  void sample(int d0, int d1, double* const* to, int threads, const ProgressCounter* progress = nullptr) const;

 private:
  struct Impl;
  Impl* impl_;
};

// The calling thread's draw matrices (run_guichet keeps them from set to set), lent as at least
// n doubles of unspecified content until the thread's next run_guichet or guichet_workspace:
// pages touched already cost ~10x less than fresh ones (~0.4 ms a MB on the project's virtual
// machine), so an MPI rank makes its pieces of split sets there after its whole sets.
double* guichet_workspace(std::size_t n);

// Columns of a set with D départements and Y years: 2 (D Y + Y + 1).
inline int guichet_columns(int D, int Y) { return 2 * (D * Y + Y + 1); }
// A set's statistics as one summary per column, and back: the summaries (summarise_draws over
// all the set's draws, in draw order) with the set's deterministic eligibility (computed from
// `in` and `p`, checked as run_guichet checks them). std::invalid_argument on a wrong count.
std::vector<Quantiles> guichet_stats_columns(const GuichetStats& st);
GuichetStats guichet_stats_from_columns(const GuichetInputs& in, const GuichetParams& p, const std::vector<Quantiles>& summaries,
                                        int draws);

// Mean, standard error and nearest-rank P10/P50/P90 of v[0..n) given in draw order (reorders v):
// the summary run_guichet makes of each statistic.
Quantiles summarise_draws(double* v, std::size_t n);
// summarise_draws of each column (reordered), on up to `threads` threads.
std::vector<Quantiles> summarise_draw_columns(std::vector<std::vector<double>>& columns, int threads);
// The same over `count` contiguous columns of n draws each: columns[c * n .. (c + 1) * n).
std::vector<Quantiles> summarise_draw_columns(double* columns, std::size_t count, std::size_t n, int threads);

// Beta(mean, sd) draw (mean when sd == 0); exposed for tests.
double beta_draw(double mean, double sd, dorsale::Rng& rng);

}  // namespace dorsale::solvers
