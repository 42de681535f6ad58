#include "viz/quantities_report.h"

#include <fmt/format.h>

#include <map>

#include "io/spelling.h"
#include "viz/report.h"

namespace dorsale::viz {

namespace {

std::string money(double eur) { return fmt::format("{:.1f} M€", eur / 1e6); }

std::string table_row(const std::string& label, const QuantitiesRow& r) {
  return fmt::format(
      "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td><td>{}</td><td>{}</td>"
      "<td>{:.1f} / {:.1f} / {:.1f}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0f} €</td><td>{:.0f} €</td></tr>\n",
      html_escape(label), r.premises_passed_public, r.premises_passed_private, r.premises_alternatives, r.trench_km, r.aerial_km, r.duct_km, r.nros,
      r.pms, r.cable_km[0], r.cable_km[1], r.cable_km[2], r.masts, money(r.public_ftth_eur + r.collecte_eur),
      money(r.private_ftth_eur + r.alternatives_eur + r.masts_eur), r.eur_per_premises_passed(), r.eur_per_premises_connected());
}

}  // namespace

std::string cost_mc_text(const CostMonteCarlo& mc) {
  std::string out;
  for (const auto& s : mc.spends)
    out += fmt::format("  cost Monte Carlo ({} draws, {}): {} spend {:.1f} M EUR at the plan's prices, P10 {:.1f}, P50 {:.1f}, P90 {:.1f}\n",
                       mc.draws, io::spell(mc.distribution), s.measure, s.plan_eur / 1e6, s.p10 / 1e6, s.p50 / 1e6, s.p90 / 1e6);
  return out;
}

std::string quantities_section(const std::string& name, const std::vector<QuantitiesRow>& rows, const CostMonteCarlo* mc) {
  std::string h = fmt::format("<h2>Bill of quantities – {}</h2>\n", html_escape(name));
  const std::string head =
      "<table><tr><th></th><th>premises passed public</th><th>private</th><th>alternatives</th><th>trench km</th><th>aerial km</th>"
      "<th>reused duct km</th><th>NROs in service</th><th>PMs</th><th>cable km ≤24 / 25–144 / &gt;144 fibres</th><th>masts</th>"
      "<th>public spend</th><th>private, alternatives, masts</th><th>per premises passed</th><th>per premises connected</th></tr>\n";
  std::map<int, QuantitiesRow> by_year;
  std::map<std::string, QuantitiesRow> by_dep;
  QuantitiesRow all;
  for (const auto& r : rows) {
    by_year[r.year] += r;
    by_dep[r.departement] += r;
    all += r;
  }
  h += head;
  for (const auto& [year, r] : by_year) h += table_row(std::to_string(year), r);
  h += table_row("all years", all) + "</table>\n" + head;
  for (const auto& [dep, r] : by_dep) h += table_row(dep.empty() ? std::string("(none)") : dep, r);
  h += "</table>\n<p>Per year and département in quantities.csv; \"connected\": given a &gt;= 30 Mbit/s service (FttH passed or an "
       "alternative installed), the plan models no subscriptions.</p>\n";
  if (mc && !mc->spends.empty()) {
    h += fmt::format("<table><tr><th>spend ({} draws, {}, cost parameters over their ranges)</th><th>plan</th><th>P10</th><th>P50</th>"
                     "<th>P90</th></tr>\n",
                     mc->draws, html_escape(io::spell(mc->distribution)));
    for (const auto& s : mc->spends)
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(s.measure), money(s.plan_eur), money(s.p10),
                       money(s.p50), money(s.p90));
    h += "</table>\n";
  }
  return h;
}

}  // namespace dorsale::viz
