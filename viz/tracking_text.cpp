#include "viz/tracking_text.h"

#include <fmt/format.h>

namespace dorsale::viz {

std::string track_text(const TrackResult& t) {
  std::string s = fmt::format("run {} (plan from its state of {}; year Y = 31 December of Y) against ARCEP actuals ({} layout)\n",
                              t.run, t.start_date, t.actuals_layout);
  s += "  dép  date        planned FttH   actual FttH   gap (pts)\n";
  for (const auto& r : t.rows)
    s += fmt::format("  {:<3}  {}  {:>12}  {:>10.1f} %  {:>10}\n", r.departement, to_string(r.date),
                     r.planned_pct ? fmt::format("{:.1f} %", *r.planned_pct) : std::string("outside plan"), r.actual_pct,
                     r.gap_pts ? fmt::format("{:+.1f}", *r.gap_pts) : std::string("-"));
  s += t.mae_pts ? fmt::format("  mean absolute gap {:.2f} points over {} dates\n", *t.mae_pts, t.compared)
                 : std::string("  no actual falls inside the plan's span\n");
  return s;
}

std::string calibration_text(const CalibrationResult& c) {
  std::string s = fmt::format("calibrated {} -> {} on actuals from {} to {} ({} points; {} before the start left out)\n", c.scenario,
                              c.calibrated_name, c.start_date, c.until, c.points_used, c.points_before_start);
  s += fmt::format("  shape: RIP ramp-up {} years, tail {} years\n", c.ramp_years, c.tail_years);
  s += "  dép  private share/yr  public share/yr  public start  fit mean|max (pts)  run mean|max (pts)\n";
  for (const auto& d : c.departements)
    s += fmt::format("  {:<3}  {:>16.3f}  {:>15.3f}  {:>12.2f}  {:>8.2f} | {:<6.2f}  {:>8.2f} | {:.2f}\n", d.code, d.private_share_per_year,
                     d.public_share_per_year, d.public_start_year, d.fit_mean_abs_pts, d.fit_max_abs_pts, d.run_mean_abs_pts,
                     d.run_max_abs_pts);
  s += "  money: " + c.money_note + "\n";
  if (!c.budget_raised_years.empty()) {
    s += "  budgets.public_eur_per_year (M EUR):";
    for (std::size_t y = 0; y < c.budget_after.size(); ++y)
      s += fmt::format(" {:.0f}{}", c.budget_after[y] / 1e6, c.budget_after[y] > c.budget_before[y] ? fmt::format(" (was {:.0f})", c.budget_before[y] / 1e6) : "");
    s += "\n";
  }
  return s;
}

}  // namespace dorsale::viz
