#pragma once
// The figures of one run a reader sees (report, compare, terminal): per year the shares of
// premises >= 8, >= 30 Mbit/s and FttH (region and départements), the spends and the premises
// per technology; the targets as the planner assessed them; the region's size and the roll-out
// totals. Made from the results in memory (summarize_run) or read back from a run's
// summary.json (viz::read_run_summary): both give the same struct.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/region.h"
#include "models/results.h"

namespace dorsale {

struct ShareFigures {  // % of premises
  double pct_ge8 = 0, pct_ge30 = 0, pct_ftth = 0;
};

// The shares of premises by band (0 when there are no premises).
ShareFigures share_figures(const std::array<std::int64_t, kBandCount>& premises_by_band);

struct RunYearFigures {
  ShareFigures shares;
  double public_spend_eur = 0, private_spend_eur = 0, alternatives_eur = 0;
  std::array<std::int64_t, kTechnologyCount> premises_by_technology{};
};

// Premises by band of one year of the results: the region's, each département's (in the
// region's order) and by technology (0 without a plan).
struct YearTotals {
  int year = 0;
  std::array<std::int64_t, kBandCount> bands{};
  std::vector<std::array<std::int64_t, kBandCount>> bands_by_departement;
  std::array<std::int64_t, kTechnologyCount> technologies{};
};
std::vector<YearTotals> year_totals(const Region& region, const ScenarioResults& results);

// The sums of the plan's years.
struct RolloutTotals {
  double public_spend_eur = 0, private_spend_eur = 0, alternatives_eur = 0, collecte_eur = 0, collecte_km = 0;
};
RolloutTotals rollout_totals(const RolloutResults& rollout);

// One run, as the report and compare read it.
struct RunSummary {
  std::string name;
  std::int64_t communes = 0, premises = 0;  // the region's
  std::map<std::string, std::int64_t> premises_by_departement;  // by code
  std::map<std::string, std::string> departement_names;        // by code ("" in runs before it was written)
  std::string start_date;  // the plan's start state (YYYY-MM-DD); empty in runs before it was written
  bool planned = false;                     // a roll-out was planned (summary.json has a trajectory)
  struct Year {
    int year = 0;
    std::string limit;  // pace.model = ramp: what bound the year ("pace", "budget", "pace and budget", "none"); else empty
    RunYearFigures figures;
    // premises of the region at the end of the year: all, below 8 and below 30 Mbit/s, FttH
    std::int64_t premises = 0, below_8 = 0, below_30 = 0, ftth = 0;
    double budget_eur = 0;  // the public budget of the year (0 for the start year)
    std::map<std::string, ShareFigures> by_departement;  // by code
  };
  std::vector<Year> trajectory;
  std::vector<TargetAssessment> targets;
  RolloutTotals rollout;  // public, private and alternatives spends (0 without a plan)
};

// The summary of results in memory (what summary.json holds of them).
RunSummary summarize_run(const Region& region, const ScenarioResults& results);

}  // namespace dorsale
