#pragma once
// The technologies that bring a premises to good or very high speed without FttH (DOMAIN.md),
// and their one table: key, speed, unit cost, guichet subsidy cap and capacity rule. The
// roll-out alternatives, the guichet and the report all read this table; every figure in it is
// a named parameter (alternatives.*, guichet.*_cap_eur).
#include <array>
#include <optional>

namespace dorsale {

struct Parameters;

// In the order of every per-technology array: copper upgrade (montée en débit), THD radio,
// 4G fixe, satellite.
enum class Technology : int { CopperUpgrade = 0, ThdRadio = 1, FourGFixe = 2, Satellite = 3 };
inline constexpr int kTechnologyCount = 4;
// (spelled by io/spelling.h)

struct TechnologyRow {
  Technology technology = Technology::Satellite;
  double speed_mbps = 0;
  double unit_cost_eur = 0;                // equipment and installation per premises
  std::optional<double> subsidy_cap_eur;   // guichet cohésion numérique; none: not a guichet technology
  // capacity rule: at most `share` of a commune's premises below 30 Mbit/s, times the commune's
  // best 4G coverage when scaled_by_4g_coverage, and at most its THD radio footprint when
  // limited_to_radio_footprint
  double share = 1.0;
  bool scaled_by_4g_coverage = false;
  bool limited_to_radio_footprint = false;
};

using TechnologyTable = std::array<TechnologyRow, kTechnologyCount>;

// The table of the parameters, indexed by Technology.
TechnologyTable technology_table(const Parameters& p);

}  // namespace dorsale
