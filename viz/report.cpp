#include "viz/report.h"
#include "io/spelling.h"
#include "viz/report_plan.h"
#include "viz/tracking_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "models/error.h"
#include "io/compare_writer.h"
#include "io/guichet_writer.h"
#include "io/interconnect_writer.h"
#include "io/json_reader.h"
#include "io/quantities_writer.h"
#include "viz/quantities_report.h"
#include "io/towers_writer.h"
#include "io/resilience_writer.h"
#include "io/reasons.h"

namespace dorsale::viz {

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

namespace {

std::string trajectory_chart(const std::string& name, const std::vector<RunSummary::Year>& trajectory) {
  const double w = 420, h = 220, l = 40, b = 30, t = 10, r = 10;
  std::vector<int> years;
  for (const auto& y : trajectory) years.push_back(y.year);
  if (years.empty()) return "";
  const int y0 = years.front(), y1 = std::max(years.back(), y0 + 1);
  auto X = [&](int y) { return l + (w - l - r) * double(y - y0) / double(y1 - y0); };
  auto Y = [&](double pct) { return t + (h - t - b) * (1 - pct / 100.0); };
  std::string s = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"traj-{}\" class=\"trajectory\" viewBox=\"0 0 {} {}\">\n", html_escape(name), w, h);
  for (int p = 0; p <= 100; p += 25)
    s += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"axis\" x=\"4\" y=\"{:.1f}\">{}%</text>\n", l,
                     Y(p), w - r, Y(p), Y(p) + 3, p);
  for (int y : years) s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\">{}</text>\n", X(y) - 12, h - 10, y);
  struct Series {
    double ShareFigures::*pct;
    const char* cls;
    const char* label;
  } series[] = {{&ShareFigures::pct_ge8, "ge8", ">= 8 Mbit/s"}, {&ShareFigures::pct_ge30, "ge30", ">= 30 Mbit/s"}, {&ShareFigures::pct_ftth, "ftth", "FttH"}};
  int k = 0;
  for (const auto& se : series) {
    std::string pts;
    for (const auto& y : trajectory) pts += fmt::format("{:.1f},{:.1f} ", X(y.year), Y(y.figures.shares.*se.pct));
    s += fmt::format("<polyline class=\"{}\" points=\"{}\"><title>{}</title></polyline>\n", se.cls, pts, se.label);
    s += fmt::format("<text class=\"legend {}\" x=\"{}\" y=\"{}\">{}</text>\n", se.cls, l + 10 + 110 * k, t + 14, se.label);
    ++k;
  }
  s += "</svg>\n";
  return s;
}

std::string money(double eur) { return fmt::format("{:.1f} M€", eur / 1e6); }

std::string page_head(const std::string& title) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // no request of any kind may leave the page
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  h += fmt::format("<title>{}</title>\n", html_escape(title));
  h += R"(<style>
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.5em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:1.5em}.card{flex:1 1 420px}
svg.map{width:100%;max-width:820px;height:auto;background:#eef3f7}
.commune{stroke:#fff;stroke-width:.05;fill-opacity:.9}.dorsale{stroke:#08306b;stroke-width:1.2}.transit{stroke:#08306b;stroke-width:.8;stroke-dasharray:3 2}
.hub{fill:#08306b}.pop{fill:#fff;stroke:#08306b;stroke-width:.6}.hp{fill:#555;opacity:.5}.label{font-size:7px}
svg.trajectory{width:100%;max-width:480px;height:auto}svg.technology-chart,svg.spend-chart{width:100%;max-width:560px;height:auto}ul.targets li.missed{color:#a33}.grid{stroke:#ddd}.axis{font-size:9px;fill:#555}
polyline{fill:none;stroke-width:2}polyline.ge8{stroke:#2c7bb6}polyline.ge30{stroke:#f46d43}polyline.ftth{stroke:#1a9850}
text.ge8{fill:#2c7bb6}text.ge30{fill:#f46d43}text.ftth{fill:#1a9850}
.legend{font-size:10px;stroke:none}.swatch{display:inline-block;width:1em;height:1em;vertical-align:middle}
</style>
<script>
window.addEventListener('error',function(e){document.documentElement.dataset.error='script: '+e.message;});
document.addEventListener('securitypolicyviolation',function(e){document.documentElement.dataset.error='blocked request: '+e.blockedURI;});
window.addEventListener('load',function(){document.documentElement.dataset.ok='1';});
</script>
</head>
<body>
)";
  h += fmt::format("<h1>{}</h1>\n", html_escape(title));
  return h;
}

std::string trajectories(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Trajectories 2019–2025</h2>\n<div class=\"row\">\n";
  for (const auto& sc : scenarios)
    if (sc.summary.planned)
      h += fmt::format("<div class=\"card\"><h3>{}</h3>\n{}</div>\n", html_escape(sc.name), trajectory_chart(sc.name, sc.summary.trajectory));
  return h + "</div>\n";
}

std::string maps(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Maps: year FttH arrives in each commune</h2>\n<p>Each map carries its legend (years in viridis, \"not planned\" in light "
                  "grey), the départements' outlines and names, the points of presence by name, a scale bar and a north arrow.</p>\n<div class=\"row\">\n";
  for (const auto& sc : scenarios)
    if (!sc.map.empty()) h += fmt::format("<div class=\"card\"><h3>{}</h3>\n{}</div>\n", html_escape(sc.name), sc.map);
  return h + "</div>\n";
}

std::string decisions_section(const std::string& name, const InterconnectionResults& ic) {
  std::string h = fmt::format("<h2>Interconnection requests – {}</h2>\n<table><tr><th>id</th><th>requester</th><th>decision</th><th>pairs</th><th>protection</th>"
                              "<th>total cost</th><th>latency</th><th>first reason</th></tr>\n", html_escape(name));
  for (std::size_t i = 0; i < ic.decisions.size(); ++i) {
    const auto& d = ic.decisions[i];
    const auto& r = ic.requests[i];
    const bool reject = d.decision == Decision::Reject;  // no cost, no latency
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(d.id),
                     html_escape(r.requester), io::spell(d.decision), r.pairs, io::spell(r.protection),
                     reject ? std::string("–") : money(d.total_eur), reject ? std::string("–") : fmt::format("{:.3f} ms", d.latency_ms),
                     d.reasons.empty() ? std::string("") : html_escape(io::reason_text(d.reasons[0])));
  }
  return h + "</table>\n";
}

std::string towers_section(const std::string& name, const TowersResult& t) {
  const auto& c = t.choice;
  std::string h = fmt::format("<h2>High points – {}</h2>\n<p>White zones (no operator's 4G): {:.0f} premises. Choice of {} sites: {:.0f} premises newly covered "
                              "(bound {:.0f}, gap {:.3f} %), {}.</p>\n<table><tr><th>year</th><th>sites</th><th>premises newly covered</th><th>white zones left</th><th>cost</th></tr>\n",
                              html_escape(name), t.white_zone_premises, c.chosen.size(), c.figures.objective, c.figures.bound, 100 * c.figures.gap,
                              money(c.total_cost_eur));
  std::size_t sites = 0;
  double newly = 0, cost = 0;
  for (const auto& y : t.programme) {
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.0f}</td><td>{:.0f}</td><td>{}</td></tr>\n", y.year, y.sites.size(), y.premises_newly_covered,
                     y.white_zone_premises_after, money(y.cost_eur));
    sites += y.sites.size();
    newly += y.premises_newly_covered;
    cost += y.cost_eur;
  }
  if (!t.programme.empty())
    h += fmt::format("<tr><th>programme</th><th>{}</th><th>{:.0f}</th><th>{:.0f}</th><th>{}</th></tr>\n", sites, newly, t.programme.back().white_zone_premises_after, money(cost));
  h += "</table>\n";
  if (!t.programme.empty())
    h += fmt::format("<p>Two figures on purpose: the choice of {} sites above is the best set under the site limit or budget, chosen once; the "
                     "programme ({} sites, {}) adds towers.sites_per_year sites each year of the plan, and is the figure the bill of "
                     "quantities and the cost Monte Carlo use.</p>\n",
                     c.chosen.size(), sites, money(cost));
  // who pays the planned links of the programme's backhaul: each once across the run
  const auto& a = t.programme_backhaul;
  if (!a.planned_links.empty() || !a.built_by_rollout.empty()) {
    double rollout_eur = 0;
    for (const auto& l : a.built_by_rollout) rollout_eur += l.cost_eur;
    h += fmt::format("<p>Programme backhaul: {} planned links built and paid by its sites ({}); {} planned links it uses are built and paid "
                     "by the roll-out's collecte ({}, in the roll-out's spend, not here).</p>\n",
                     a.planned_links.size(), money(a.planned_links_eur), a.built_by_rollout.size(), money(rollout_eur));
  }
  return h;
}

std::string guichet_section(const std::string& name, const GuichetRun& g) {
  const auto& st = g.sets[0].stats;
  std::string h = fmt::format("<h2>Guichet cohésion numérique – {} ({} draws)</h2>\n<table><tr><th>year</th><th>eligible premises</th><th>premises served (mean)</th>"
                              "<th>subsidy P10</th><th>P50</th><th>P90</th><th>mean (s.e.)</th></tr>\n", html_escape(name), g.draws);
  for (std::size_t y = 0; y < st.subsidy_by_year.size(); ++y) {
    const Quantiles& sub = st.subsidy_by_year[y];
    h += fmt::format("<tr><td>{}</td><td>{:.0f}</td><td>{:.0f}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({:.3f})</td></tr>\n", g.first_year + int(y),
                     st.eligible_by_year[y], st.premises_by_year[y].mean, money(sub.p10), money(sub.p50), money(sub.p90), money(sub.mean), sub.se / 1e6);
  }
  return h + "</table>\n";
}

// The ten worst single failures (resilience.json): what one cut cable, duct or node disconnects.
std::string resilience_section(const std::string& name, const ResilienceResult& r) {
  std::string h = fmt::format("<h2>Resilience – {}</h2>\n<p>Single failures of the network in service (a link, a shared-risk group failing as one, "
                              "a node) that cut nodes from the core ({} points of presence and hubs): {} in all, the ten worst below "
                              "(resilience.json lists them all; layer <code>resilience</code>).</p>\n"
                              "<table><tr><th>failure</th><th>kind</th><th>nodes cut</th><th>NROs cut</th><th>premises cut</th><th>high points cut</th></tr>\n",
                              html_escape(name), r.core.size(), r.failures.size());
  for (std::size_t k = 0; k < r.failures.size() && k < 10; ++k) {
    const Failure& f = r.failures[k];
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(f.id), io::spell(f.kind), f.cut_node_count,
                     f.cut_nros, f.cut_premises, f.cut_high_points);
  }
  return h + "</table>\n";
}

}  // namespace

std::string report_html(const std::string& title, const std::vector<ReportScenario>& scenarios) {
  std::string h = page_head(title) + key_figures_section(scenarios) + targets_section(scenarios) + technologies_section(scenarios) +
                  trajectories(scenarios) + spend_section(scenarios) + departements_section(scenarios) + maps(scenarios);
  for (const auto& sc : scenarios)
    if (sc.interconnection && !sc.interconnection->decisions.empty()) h += decisions_section(sc.name, *sc.interconnection);
  for (const auto& sc : scenarios)
    if (sc.towers) h += towers_section(sc.name, *sc.towers);
  for (const auto& sc : scenarios)
    if (sc.guichet && !sc.guichet->sets.empty()) h += guichet_section(sc.name, *sc.guichet);
  for (const auto& sc : scenarios)
    if (sc.resilience) h += resilience_section(sc.name, *sc.resilience);
  for (const auto& sc : scenarios)
    if (sc.summary.planned) h += tracking_section(sc.name, sc.summary, sc.track ? &*sc.track : nullptr);
  for (const auto& sc : scenarios)
    if (sc.quantities) h += quantities_section(sc.name, *sc.quantities, sc.cost_mc ? &*sc.cost_mc : nullptr) + programme_note(sc);
  h += "<p>dorsale — all figures come from the run's summary.json, decisions.json, towers.json, guichet.json, resilience.json, quantities.csv and cost_mc.csv.</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace dorsale::viz
