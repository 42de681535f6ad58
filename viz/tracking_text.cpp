#include "viz/tracking_text.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

#include "models/error.h"
#include "viz/report.h"

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

namespace {

// One département's chart: the plan as a line (start, then year ends), the actuals as dots.
std::string departement_chart(const std::string& dep, const std::vector<std::pair<double, double>>& plan,
                              const std::vector<std::pair<double, double>>& actual, std::optional<double> mae) {
  const double w = 220, h = 150, l = 30, b = 22, t = 18, r = 20;
  double x0 = std::numeric_limits<double>::max(), x1 = std::numeric_limits<double>::lowest();
  for (const auto* v : {&plan, &actual})
    for (const auto& [x, y] : *v) x0 = std::min(x0, x), x1 = std::max(x1, x);
  if (!(x1 > x0)) x1 = x0 + 1;
  auto X = [&](double x) { return l + (w - l - r) * (x - x0) / (x1 - x0); };
  auto Y = [&](double p) { return t + (h - t - b) * (1 - p / 100.0); };
  std::string s = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"track\" data-departement=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n",
                              html_escape(dep), w, h, w, h);
  s += fmt::format("<text x=\"{}\" y=\"12\" font-size=\"11\">dép {}{}</text>\n", l, html_escape(dep),
                   mae ? fmt::format(" — mean gap {:.1f} pts", *mae) : std::string());
  for (int p = 0; p <= 100; p += 50)
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/><text x=\"2\" y=\"{:.1f}\" font-size=\"9\">{}%</text>\n",
                     l, Y(p), w - r, Y(p), Y(p) + 3, p);
  for (int y = int(std::ceil(x0)); y <= int(std::floor(x1)); y += 2)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"9\">{}</text>\n", X(y) - 10, h - 6, y);
  std::string pts;
  for (const auto& [x, y] : plan) pts += fmt::format("{:.1f},{:.1f} ", X(x), Y(y));
  s += fmt::format("<polyline class=\"plan\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"1.5\" points=\"{}\"><title>plan</title></polyline>\n", pts);
  for (const auto& [x, y] : actual)
    s += fmt::format("<circle class=\"actual\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"#d55e00\"><title>ARCEP {:.1f} %</title></circle>\n", X(x), Y(y), y);
  return s + "</svg>\n";
}

}  // namespace

std::string tracking_section(const std::string& name, const RunSummary& summary, const TrackResult* track) {
  std::string h;
  bool paced = false;
  for (const auto& y : summary.trajectory) paced = paced || !y.limit.empty();
  if (paced) {
    h += fmt::format("<h2>Build pace — {}</h2>\n<p>What bound each year's FttH: the works' pace (per département, the operators' and "
                     "the RIP's) or the public budget.</p>\n<table><tr><th>year</th><th>FttH</th><th>public spend</th><th>limit</th></tr>\n",
                     html_escape(name));
    for (const auto& y : summary.trajectory)
      if (!y.limit.empty())
        h += fmt::format("<tr><td>{}</td><td>{:.1f} %</td><td>{:.1f} M€</td><td>{}</td></tr>\n", y.year, y.figures.shares.pct_ftth,
                         y.figures.public_spend_eur / 1e6, html_escape(y.limit));
    h += "</table>\n";
  }
  if (!track || summary.trajectory.empty()) return h;
  const Date start = parse_date(track->start_date);
  h += fmt::format("<h2>Plan against ARCEP actuals — {}</h2>\n<p>FttH rate per département: the plan (line; its start is the state of {}, "
                   "year Y is 31 December of Y) and ARCEP's published rate (dots); mean absolute gap {}.</p>\n<div class=\"row\">\n",
                   html_escape(name), html_escape(track->start_date),
                   track->mae_pts ? fmt::format("{:.2f} points over {} dates", *track->mae_pts, track->compared) : std::string("—"));
  std::map<std::string, std::vector<std::pair<double, double>>> actual;
  std::map<std::string, std::pair<double, int>> gaps;
  for (const auto& r : track->rows) {
    actual[r.departement].emplace_back(decimal_year(r.date), r.actual_pct);
    if (r.gap_pts) gaps[r.departement].first += std::abs(*r.gap_pts), gaps[r.departement].second += 1;
  }
  for (const auto& [dep, dots] : actual) {
    std::vector<std::pair<double, double>> plan;
    for (std::size_t k = 0; k < summary.trajectory.size(); ++k) {
      const auto& y = summary.trajectory[k];
      auto it = y.by_departement.find(dep);
      if (it == y.by_departement.end()) continue;
      plan.emplace_back(k == 0 && is_valid(start) ? decimal_year(start) : double(y.year + 1), it->second.pct_ftth);
    }
    const auto g = gaps.find(dep);
    h += departement_chart(dep, plan, dots, g == gaps.end() ? std::nullopt : std::optional<double>(g->second.first / g->second.second));
  }
  return h + "</div>\n";
}

}  // namespace dorsale::viz
