#pragma once
// The report's sections that read like the plan (issue 26): the premises by technology per
// year (stacked chart and table), the targets in words with their year, the spend of each year
// against its budget, the départements by name with their coverage and spend; and the page of
// `dorsale compare` (key figures of two or more runs with a delta against the first).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/comparison.h"
#include "models/run_summary.h"
#include "viz/report.h"

namespace dorsale::viz {

// The columns of the technology table and chart, in stacking order (bottom first). Each year's
// columns sum to the region's premises.
inline constexpr int kTechColumns = 7;
struct TechnologyColumn {
  const char* key;     // data-tech attribute: "ftth", "cable_vdsl", "copper_upgrade", "thd_radio", "4g_fixe", "satellite", "below_30"
  const char* label;   // the name a reader knows
  const char* colour;  // Okabe-Ito (colour-blind safe)
};
extern const TechnologyColumn kTechnologyColumns[kTechColumns];

// The premises of one year in each column: FttH; cable / VDSL in place (>= 30 Mbit/s without
// FttH, less the alternatives' premises); each alternative (copper upgrade, THD radio, 4G fixe,
// satellite); the rest, below 30 Mbit/s.
std::array<std::int64_t, kTechColumns> technology_columns(const RunSummary::Year& y);

// "100 % of premises ≥ 30 Mbit/s by 2022: met in 2022" (the target as the plan words it).
std::string target_sentence(const TargetAssessment& t);

// The years the key figures show besides the start and the end: the targets' years inside the
// trajectory (2022 for the plan France Très Haut Débit's good broadband and THD targets).
std::vector<int> milestone_years(const RunSummary& s);

std::string key_figures_section(const std::vector<ReportScenario>& scenarios);
std::string targets_section(const std::vector<ReportScenario>& scenarios);
std::string technologies_section(const std::vector<ReportScenario>& scenarios);
std::string spend_section(const std::vector<ReportScenario>& scenarios);
std::string departements_section(const std::vector<ReportScenario>& scenarios);

// One figure per programme: after the bill of quantities, the high-point programme's sites and
// cost as the yearly table has them, what of it the cost Monte Carlo's "masts" line re-prices
// (the new masts' construction) and why the K / budget choice of the towers section is another
// figure; and, when the plan's prices sit below the Monte Carlo's P10, the reason.
std::string programme_note(const ReportScenario& sc);

// The page of `dorsale compare`: its own page (not the run report): per key figure one column
// per run and, from the second run on, the delta against the first (the reference); totals of
// the plan's years; the targets in words; the spend per year with deltas.
std::string compare_html(const Comparison& c, const std::vector<RunSummary>& runs);

// A key figure of a run as the compare page shows it (the test recomputes them from summary.json).
struct KeyFigure {
  std::string key, label, unit;  // unit: "%", "M€", "premises"
  double value = 0;
};
// The figures of `s` for each year of `years` (shares; NaN when the run does not plan the year)
// and its totals (spends, premises by technology in its last year).
std::vector<KeyFigure> key_figures_of(const RunSummary& s, const std::vector<int>& years);

}  // namespace dorsale::viz
