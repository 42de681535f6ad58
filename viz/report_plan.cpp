#include "viz/report_plan.h"
#include "io/spelling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace dorsale::viz {

const TechnologyColumn kTechnologyColumns[kTechColumns] = {
    {"ftth", "FttH", "#009E73"},
    {"cable_vdsl", "cable / VDSL in place", "#56B4E9"},
    {"copper_upgrade", "VDSL by copper upgrade", "#0072B2"},
    {"thd_radio", "THD radio", "#E69F00"},
    {"4g_fixe", "4G fixe", "#CC79A7"},
    {"satellite", "satellite", "#F0E442"},
    {"below_30", "below 30 Mbit/s", "#999999"},
};

std::array<std::int64_t, kTechColumns> technology_columns(const RunSummary::Year& y) {
  const auto& t = y.figures.premises_by_technology;
  std::int64_t alternatives = 0;
  for (auto v : t) alternatives += v;
  std::array<std::int64_t, kTechColumns> c{};
  c[0] = y.ftth;
  c[1] = std::max<std::int64_t>(0, y.premises - y.below_30 - y.ftth - alternatives);
  c[2] = t[int(Technology::CopperUpgrade)];
  c[3] = t[int(Technology::ThdRadio)];
  c[4] = t[int(Technology::FourGFixe)];
  c[5] = t[int(Technology::Satellite)];
  c[6] = y.premises - c[0] - c[1] - c[2] - c[3] - c[4] - c[5];
  return c;
}

namespace {

std::string money(double eur) { return fmt::format("{:.1f} M€", eur / 1e6); }

// 1 234 567 (narrow no-break spaces, as French and English typography both read)
std::string count_text(std::int64_t v) {
  std::string d = std::to_string(v < 0 ? -v : v), o;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) o += "\u202f";
    o += d[i];
  }
  return (v < 0 ? "−" : "") + o;
}

const RunSummary::Year* year_of(const RunSummary& s, int year) {
  for (const auto& y : s.trajectory)
    if (y.year == year) return &y;
  return nullptr;
}

std::string dep_label(const RunSummary& s, const std::string& code) {
  const auto it = s.departement_names.find(code);
  return it == s.departement_names.end() || it->second.empty() ? code : code + " " + it->second;
}

}  // namespace

std::string target_sentence(const TargetAssessment& t) {
  std::string what = t.name == "good_broadband_ge8" ? "100 % of premises ≥ 8 Mbit/s"
                     : t.name == "thd_ge30"         ? "100 % of premises ≥ 30 Mbit/s"
                     : t.name == "ftth"             ? "100 % of premises on FttH"
                                                    : t.name;
  std::string s = fmt::format("{} by {}: ", what, t.target_year);
  if (t.met) return s + fmt::format("met in {}", t.met_year.value_or(t.target_year));
  s += fmt::format("missed in {}", t.target_year);
  if (t.premises_short_at_target_year)
    s += fmt::format(" by {} premises ({:.2f} %)", count_text(*t.premises_short_at_target_year), t.pct_short_at_target_year.value_or(0.0));
  if (t.met_year) s += fmt::format(", met in {}", *t.met_year);
  else s += ", not met within the plan";
  return s;
}

std::vector<int> milestone_years(const RunSummary& s) {
  std::set<int> ys;
  if (s.trajectory.size() < 2) return {};
  for (const auto& t : s.targets)
    if (t.target_year > s.trajectory.front().year && t.target_year < s.trajectory.back().year && year_of(s, t.target_year)) ys.insert(t.target_year);
  return {ys.begin(), ys.end()};
}

std::string key_figures_section(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Key figures</h2>\n";
  for (const auto& sc : scenarios) {
    const auto& s = sc.summary;
    if (s.trajectory.empty()) continue;
    std::vector<int> years{s.trajectory.front().year};
    for (int y : milestone_years(s)) years.push_back(y);
    years.push_back(s.trajectory.back().year);
    h += fmt::format("<h3>{}</h3>\n<p>{} communes, {} premises. Spend over the plan's years: public {}, private {}, alternatives {}.</p>\n",
                     html_escape(sc.name), count_text(s.communes), count_text(s.premises), money(s.rollout.public_spend_eur),
                     money(s.rollout.private_spend_eur), money(s.rollout.alternatives_eur));
    h += fmt::format("<table class=\"key-figures\" data-scenario=\"{}\"><tr><th>share of premises</th>", html_escape(sc.name));
    for (std::size_t k = 0; k < years.size(); ++k)
      h += fmt::format("<th data-year=\"{}\">{}{}</th>", years[k], years[k], k == 0 ? " (start)" : k + 1 == years.size() ? " (end)" : "");
    h += "</tr>\n";
    struct Row {
      const char* label;
      double ShareFigures::*pct;
    } rows[] = {{"≥ 8 Mbit/s", &ShareFigures::pct_ge8}, {"≥ 30 Mbit/s", &ShareFigures::pct_ge30}, {"FttH", &ShareFigures::pct_ftth}};
    for (const auto& r : rows) {
      h += fmt::format("<tr><td>{}</td>", r.label);
      for (int y : years) h += fmt::format("<td>{:.1f} %</td>", year_of(s, y)->figures.shares.*r.pct);
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  return h;
}

std::string targets_section(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Targets</h2>\n";
  for (const auto& sc : scenarios) {
    if (sc.summary.targets.empty()) continue;
    auto ts = sc.summary.targets;
    std::sort(ts.begin(), ts.end(), [](const auto& a, const auto& b) { return a.target_year != b.target_year ? a.target_year < b.target_year : a.name < b.name; });
    h += fmt::format("<h3>{}</h3>\n<ul class=\"targets\">\n", html_escape(sc.name));
    for (const auto& t : ts) h += fmt::format("<li class=\"{}\">{}</li>\n", t.met ? "met" : "missed", html_escape(target_sentence(t)));
    h += "</ul>\n";
  }
  return h;
}

namespace {

std::string technology_chart(const std::string& name, const RunSummary& s) {
  const double w = 560, h = 260, l = 56, b = 24, t = 10, r = 150;
  const std::size_t n = s.trajectory.size();
  if (n == 0 || s.premises <= 0) return "";
  const double slot = (w - l - r) / double(n), bar = slot * 0.7;
  const double total = double(s.premises);
  auto Y = [&](double v) { return t + (h - t - b) * (1 - v / total); };
  std::string o = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"tech-{}\" class=\"technology-chart\" viewBox=\"0 0 {} {}\" role=\"img\">\n",
                              html_escape(name), w, h);
  for (int p = 0; p <= 100; p += 25)
    o += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"axis\" x=\"4\" y=\"{:.1f}\">{} %</text>\n", l,
                     Y(total * p / 100.0), w - r, Y(total * p / 100.0), Y(total * p / 100.0) + 3, p);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& y = s.trajectory[k];
    const auto cols = technology_columns(y);
    const double x = l + slot * double(k) + (slot - bar) / 2;
    double acc = 0;
    for (int c = 0; c < kTechColumns; ++c) {
      if (cols[c] <= 0) continue;
      const double y0 = Y(acc + double(cols[c])), y1 = Y(acc);
      o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.2f}\" width=\"{:.1f}\" height=\"{:.2f}\" fill=\"{}\"><title>{} {}: {} premises</title></rect>\n", x, y0, bar,
                       y1 - y0, kTechnologyColumns[c].colour, y.year, kTechnologyColumns[c].label, count_text(cols[c]));
      acc += double(cols[c]);
    }
    o += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\">{}</text>\n", x + bar / 2 - 10, h - 8, y.year);
  }
  for (int c = kTechColumns - 1, k = 0; c >= 0; --c, ++k)
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>\n", w - r + 10, t + 16 * k,
                     kTechnologyColumns[c].colour, w - r + 24, t + 16 * k + 9, kTechnologyColumns[c].label);
  return o + "</svg>\n";
}

}  // namespace

std::string technologies_section(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Premises by technology</h2>\n<p>At the end of each year: FttH, cable and VDSL already in place (premises at ≥ 30 Mbit/s without "
                  "FttH, less those the plan serves by an alternative), the plan's alternatives (copper upgrade, THD radio, 4G fixe, "
                  "satellite) and the premises still below 30 Mbit/s. Each row sums to the region's premises.</p>\n";
  for (const auto& sc : scenarios) {
    const auto& s = sc.summary;
    if (!s.planned || s.trajectory.empty()) continue;
    h += fmt::format("<h3>{}</h3>\n<div class=\"row\"><div class=\"card\">{}</div><div class=\"card\">\n", html_escape(sc.name), technology_chart(sc.name, s));
    h += fmt::format("<table class=\"technologies\" data-scenario=\"{}\"><tr><th>year</th>", html_escape(sc.name));
    for (const auto& c : kTechnologyColumns) h += fmt::format("<th>{}</th>", c.label);
    h += "<th>premises</th></tr>\n";
    for (const auto& y : s.trajectory) {
      const auto cols = technology_columns(y);
      h += fmt::format("<tr data-year=\"{}\"><td>{}</td>", y.year, y.year);
      for (int c = 0; c < kTechColumns; ++c)
        h += fmt::format("<td data-tech=\"{}\" data-value=\"{}\">{}</td>", kTechnologyColumns[c].key, cols[c], count_text(cols[c]));
      h += fmt::format("<td>{}</td></tr>\n", count_text(y.premises));
    }
    h += "</table></div></div>\n";
  }
  return h;
}

namespace {

std::string spend_chart(const std::string& name, const RunSummary& s) {
  std::vector<const RunSummary::Year*> ys;
  double top = 0;
  for (const auto& y : s.trajectory)
    if (y.budget_eur > 0 || y.figures.public_spend_eur > 0) {
      ys.push_back(&y);
      top = std::max({top, y.budget_eur, y.figures.public_spend_eur});
    }
  if (ys.empty() || top <= 0) return "";
  top *= 1.1;
  const double w = 460, h = 220, l = 50, b = 24, t = 22, r = 10;
  const double slot = (w - l - r) / double(ys.size()), bar = slot * 0.55;
  auto Y = [&](double v) { return t + (h - t - b) * (1 - v / top); };
  std::string o = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"spend-{}\" class=\"spend-chart\" viewBox=\"0 0 {} {}\" role=\"img\">\n", html_escape(name), w, h);
  const double step = std::pow(10.0, std::floor(std::log10(top / 4)));
  const double tick = top / step > 20 ? step * 5 : top / step > 8 ? step * 2 : step;
  for (double v = 0; v <= top; v += tick)
    o += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"axis\" x=\"2\" y=\"{:.1f}\">{:.0f} M€</text>\n", l, Y(v), w - r, Y(v),
                     Y(v) + 3, v / 1e6);
  for (std::size_t k = 0; k < ys.size(); ++k) {
    const auto& y = *ys[k];
    const double x = l + slot * double(k) + (slot - bar) / 2;
    o += fmt::format("<rect class=\"spend\" x=\"{:.1f}\" y=\"{:.2f}\" width=\"{:.1f}\" height=\"{:.2f}\" fill=\"#0072B2\"><title>{} public spend {}</title></rect>\n", x,
                     Y(y.figures.public_spend_eur), bar, Y(0) - Y(y.figures.public_spend_eur), y.year, money(y.figures.public_spend_eur));
    o += fmt::format("<line class=\"budget\" x1=\"{:.1f}\" y1=\"{:.2f}\" x2=\"{:.1f}\" y2=\"{:.2f}\" stroke=\"#D55E00\" stroke-width=\"2\"><title>{} budget {}</title></line>\n",
                     x - 4, Y(y.budget_eur), x + bar + 4, Y(y.budget_eur), y.year, money(y.budget_eur));
    o += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\">{}</text>\n", x + bar / 2 - 10, h - 8, y.year);
  }
  o += fmt::format("<rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#0072B2\"/><text class=\"legend\" x=\"{}\" y=\"13\">public spend</text>"
                   "<line x1=\"{}\" y1=\"9\" x2=\"{}\" y2=\"9\" stroke=\"#D55E00\" stroke-width=\"2\"/><text class=\"legend\" x=\"{}\" y=\"13\">the year's budget</text>\n",
                   l, l + 14, l + 100, l + 114, l + 118);
  return o + "</svg>\n";
}

}  // namespace

std::string spend_section(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Spend by year against the budget</h2>\n";
  for (const auto& sc : scenarios) {
    const auto& s = sc.summary;
    if (!s.planned) continue;
    h += fmt::format("<h3>{}</h3>\n<div class=\"row\"><div class=\"card\">{}</div><div class=\"card\">\n", html_escape(sc.name), spend_chart(sc.name, s));
    h += fmt::format("<table class=\"spend\" data-scenario=\"{}\"><tr><th>year</th><th>public budget</th><th>public spend</th><th>unspent</th><th>private spend</th>"
                     "<th>alternatives</th></tr>\n", html_escape(sc.name));
    double budget = 0, pub = 0, priv = 0, alt = 0;
    for (const auto& y : s.trajectory) {
      if (y.budget_eur <= 0 && y.figures.public_spend_eur <= 0 && y.figures.private_spend_eur <= 0 && y.figures.alternatives_eur <= 0) continue;
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", y.year, money(y.budget_eur), money(y.figures.public_spend_eur),
                       money(y.budget_eur - y.figures.public_spend_eur), money(y.figures.private_spend_eur), money(y.figures.alternatives_eur));
      budget += y.budget_eur;
      pub += y.figures.public_spend_eur;
      priv += y.figures.private_spend_eur;
      alt += y.figures.alternatives_eur;
    }
    h += fmt::format("<tr><th>all years</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n</table>\n"
                     "<p>Public spend: FttH works and collecte paid from the year's public budget; alternatives are paid outside it.</p></div></div>\n",
                     money(budget), money(pub), money(budget - pub), money(priv), money(alt));
  }
  return h;
}

std::string departements_section(const std::vector<ReportScenario>& scenarios) {
  std::string h = "<h2>Départements</h2>\n";
  for (const auto& sc : scenarios) {
    const auto& s = sc.summary;
    if (!s.planned || s.trajectory.empty()) continue;
    std::vector<int> years = milestone_years(s);
    years.push_back(s.trajectory.back().year);
    std::map<std::string, QuantitiesRow> spend;
    if (sc.quantities)
      for (const auto& r : *sc.quantities) spend[r.departement] += r;
    h += fmt::format("<h3>{}</h3>\n<table class=\"departements\" data-scenario=\"{}\"><tr><th>département</th><th>premises</th>", html_escape(sc.name),
                     html_escape(sc.name));
    for (int y : years) h += fmt::format("<th>≥ 30 Mbit/s {}</th><th>FttH {}</th>", y, y);
    h += sc.quantities ? "<th>public spend (FttH + collecte)</th><th>private FttH</th><th>alternatives and masts</th></tr>\n" : "</tr>\n";
    for (const auto& [code, premises] : s.premises_by_departement) {
      h += fmt::format("<tr><td>{}</td><td>{}</td>", html_escape(dep_label(s, code)), count_text(premises));
      for (int y : years) {
        const auto* yr = year_of(s, y);
        const auto it = yr->by_departement.find(code);
        if (it == yr->by_departement.end()) h += "<td>–</td><td>–</td>";
        else h += fmt::format("<td>{:.1f} %</td><td>{:.1f} %</td>", it->second.pct_ge30, it->second.pct_ftth);
      }
      if (sc.quantities) {
        const QuantitiesRow& q = spend[code];
        h += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", money(q.public_ftth_eur + q.collecte_eur), money(q.private_ftth_eur), money(q.alternatives_eur + q.masts_eur));
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
    if (sc.quantities && spend.count("")) {
      const QuantitiesRow& q = spend.at("");
      h += fmt::format("<p>Outside every département (network nodes beyond the region): public {}.</p>\n", money(q.public_ftth_eur + q.collecte_eur));
    }
  }
  return h;
}

std::string programme_note(const ReportScenario& sc) {
  std::string h;
  if (sc.towers && !sc.towers->programme.empty()) {
    const auto& t = *sc.towers;
    std::size_t sites = 0;
    double cost = 0;
    for (const auto& y : t.programme) {
      sites += y.sites.size();
      cost += y.cost_eur;
    }
    int masts = 0;
    double masts_eur = 0;
    if (sc.quantities)
      for (const auto& r : *sc.quantities) {
        masts += r.masts;
        masts_eur += r.masts_eur;
      }
    h += fmt::format("<p class=\"programme\" data-scenario=\"{}\">The high-point programme of {}: {} sites over {}–{}, {} in all with their backhaul "
                     "(the yearly table of the high points section)",
                     html_escape(sc.name), html_escape(sc.name), sites, t.programme.front().year, t.programme.back().year, money(cost));
    if (sc.quantities)
      h += fmt::format("; {} of them new masts, {} to build (quantities.csv){}; the rest, {}, {}, is not in the cost Monte Carlo, whose "
                       "\"masts\" line re-prices the mast builds only",
                       masts, money(masts_eur), std::size_t(masts) < sites ? fmt::format(", {} existing high points", sites - std::size_t(masts)) : std::string(),
                       money(cost - masts_eur), std::size_t(masts) < sites ? "the sites' backhaul and the existing high points" : "the sites' backhaul");
    h += fmt::format(". The choice of {} sites ({}) at the head of that section answers another question: the best sites under the towers' site "
                     "limit or budget, chosen once, not the programme built year by year.</p>\n",
                     t.choice.chosen.size(), money(t.choice.total_cost_eur));
  }
  if (sc.cost_mc)
    for (const auto& s : sc.cost_mc->spends)
      if (s.plan_eur < s.p10)
        h += fmt::format("<p class=\"mc-reason\" data-measure=\"{}\">The {} spend at the plan's prices ({}) is below the Monte Carlo's P10 ({}; P50 {}): each cost "
                         "parameter is drawn between its low and high values ({}), and these ranges reach further above "
                         "the plan's prices than below them, so the draws centre above the plan. The plan is the point estimate; P50 is the "
                         "central estimate over the ranges.</p>\n",
                         html_escape(s.measure), html_escape(s.measure), money(s.plan_eur), money(s.p10), money(s.p50),
                         sc.cost_mc->distribution == param::McDistribution::Triangular ? "triangular, its mode at the plan's price"
                                                                                       : html_escape(io::spell(sc.cost_mc->distribution)));
  return h;
}

std::vector<KeyFigure> key_figures_of(const RunSummary& s, const std::vector<int>& years) {
  std::vector<KeyFigure> out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.push_back({"premises", "premises", "premises", double(s.premises)});
  for (int y : years) {
    const auto* yr = year_of(s, y);
    out.push_back({fmt::format("pct_ge8_{}", y), fmt::format("≥ 8 Mbit/s in {}", y), "%", yr ? yr->figures.shares.pct_ge8 : nan});
    out.push_back({fmt::format("pct_ge30_{}", y), fmt::format("≥ 30 Mbit/s in {}", y), "%", yr ? yr->figures.shares.pct_ge30 : nan});
    out.push_back({fmt::format("pct_ftth_{}", y), fmt::format("FttH in {}", y), "%", yr ? yr->figures.shares.pct_ftth : nan});
  }
  if (!s.trajectory.empty()) {
    const auto cols = technology_columns(s.trajectory.back());
    for (int c = 0; c < kTechColumns; ++c)
      out.push_back({fmt::format("premises_{}_end", kTechnologyColumns[c].key), fmt::format("{} at the end ({})", kTechnologyColumns[c].label, s.trajectory.back().year),
                     "premises", double(cols[c])});
  }
  const auto& r = s.rollout;
  out.push_back({"public_spend_eur", "public spend, all years", "M€", r.public_spend_eur});
  out.push_back({"private_spend_eur", "private spend, all years", "M€", r.private_spend_eur});
  out.push_back({"alternatives_eur", "alternatives, all years", "M€", r.alternatives_eur});
  out.push_back({"total_spend_eur", "total spend (public + private + alternatives)", "M€", r.public_spend_eur + r.private_spend_eur + r.alternatives_eur});
  out.push_back({"collecte_km", "collecte built", "km", r.collecte_km});
  return out;
}

namespace {

std::string figure_text(const KeyFigure& f, double v, bool delta) {
  if (std::isnan(v)) return "–";
  const std::string sign = delta && v > 0 ? "+" : "";
  if (f.unit == "%") return fmt::format("{}{:.1f} {}", sign, v, delta ? "pts" : "%");
  if (f.unit == "M€") return sign + money(v);
  if (f.unit == "km") return fmt::format("{}{:.1f} km", sign, v);
  return sign + count_text(std::int64_t(std::llround(v)));
}

}  // namespace

std::string compare_html(const Comparison& c, const std::vector<RunSummary>& runs) {
  std::string title = "dorsale – comparison of ";
  for (std::size_t k = 0; k < runs.size(); ++k) title += (k ? ", " : "") + runs[k].name;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n";
  h += fmt::format("<title>{}</title>\n", html_escape(title));
  h += R"(<style>
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.5em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}td.delta{color:#555;font-style:italic}tr.total td,tr.total th{font-weight:bold;border-top:2px solid #888}
</style>
<script>
window.addEventListener('error',function(e){document.documentElement.dataset.error='script: '+e.message;});
document.addEventListener('securitypolicyviolation',function(e){document.documentElement.dataset.error='blocked request: '+e.blockedURI;});
window.addEventListener('load',function(){document.documentElement.dataset.ok='1';});
</script>
</head>
<body>
)";
  h += fmt::format("<h1>{}</h1>\n<p class=\"reference\">Reference: <b>{}</b> ({}). Each other run shows its figure and, beside it, "
                   "its difference from the reference (Δ).</p>\n",
                   html_escape(title), html_escape(runs.front().name), html_escape(c.runs.empty() ? std::string() : c.runs.front()));
  // the reference's start, milestone and end years
  std::vector<int> years;
  if (!runs.front().trajectory.empty()) {
    years.push_back(runs.front().trajectory.front().year);
    for (int y : milestone_years(runs.front())) years.push_back(y);
    years.push_back(runs.front().trajectory.back().year);
  }
  std::vector<std::vector<KeyFigure>> figs;
  for (const auto& r : runs) figs.push_back(key_figures_of(r, years));
  h += "<h2>Key figures</h2>\n<table class=\"compare\"><tr><th>figure</th>";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    h += fmt::format("<th>{}{}</th>", html_escape(runs[k].name), k == 0 ? " (reference)" : "");
    if (k) h += fmt::format("<th>Δ {}</th>", html_escape(runs[k].name));
  }
  h += "</tr>\n";
  for (std::size_t f = 0; f < figs.front().size(); ++f) {
    const KeyFigure& ref = figs.front()[f];
    const bool total = ref.unit == "M€" || ref.unit == "km";
    h += fmt::format("<tr data-key=\"{}\"{}><td>{}</td>", ref.key, total ? " class=\"total\"" : "", html_escape(ref.label));
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const double v = figs[k][f].value;
      h += fmt::format("<td data-run=\"{}\" data-value=\"{}\">{}</td>", k, v, figure_text(ref, v, false));
      if (k) {
        const double d = v - ref.value;
        h += fmt::format("<td class=\"delta\" data-run=\"{}\" data-delta=\"{}\">{}</td>", k, d, figure_text(ref, d, true));
      }
    }
    h += "</tr>\n";
  }
  h += "</table>\n<h2>Targets</h2>\n<table class=\"targets\"><tr><th>run</th><th>targets, in words</th></tr>\n";
  for (const auto& r : runs) {
    auto ts = r.targets;
    std::sort(ts.begin(), ts.end(), [](const auto& a, const auto& b) { return a.target_year != b.target_year ? a.target_year < b.target_year : a.name < b.name; });
    std::string cell;
    for (const auto& t : ts) cell += (cell.empty() ? "" : "<br>") + html_escape(target_sentence(t));
    h += fmt::format("<tr><td>{}</td><td style=\"text-align:left\">{}</td></tr>\n", html_escape(r.name), cell);
  }
  h += "</table>\n<h2>Public spend by year</h2>\n<table class=\"spend-by-year\"><tr><th>year</th>";
  for (std::size_t k = 0; k < runs.size(); ++k) h += fmt::format("<th>{}</th>{}", html_escape(runs[k].name), k ? fmt::format("<th>Δ {}</th>", html_escape(runs[k].name)) : "");
  h += "</tr>\n";
  std::vector<double> sums(runs.size(), 0.0);
  for (const auto& row : c.by_year) {
    const auto ref = row.by_scenario.find(runs.front().name);
    if (ref == row.by_scenario.end()) continue;
    h += fmt::format("<tr><td>{}</td>", row.year);
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const auto it = row.by_scenario.find(runs[k].name);
      const double v = it == row.by_scenario.end() ? std::numeric_limits<double>::quiet_NaN() : it->second.public_spend_eur;
      if (!std::isnan(v)) sums[k] += v;
      h += std::isnan(v) ? "<td>–</td>" : "<td>" + money(v) + "</td>";
      if (k) h += std::isnan(v) ? "<td class=\"delta\">–</td>" : fmt::format("<td class=\"delta\">{}{}</td>", v > ref->second.public_spend_eur ? "+" : "", money(v - ref->second.public_spend_eur));
    }
    h += "</tr>\n";
  }
  h += "<tr class=\"total\"><td>all years</td>";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    h += "<td>" + money(sums[k]) + "</td>";
    if (k) h += fmt::format("<td class=\"delta\">{}{}</td>", sums[k] > sums[0] ? "+" : "", money(sums[k] - sums[0]));
  }
  h += "</tr>\n</table>\n<p>dorsale compare — figures from each run's summary.json; the run reports (report.html in each run's output folder) hold the maps, "
       "the technology charts and the other sections.</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace dorsale::viz
