#include "viz/quantities_writer.h"

#include "viz/report.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "models/error.h"
#include "io/spelling.h"

namespace dorsale::viz {

namespace {

const char* const kQuantitiesHeader =
    "year,departement,premises_passed_public,premises_passed_private,premises_alternatives,trench_km,aerial_km,duct_km,nros_in_service,pms,"
    "cable_km_le24f,cable_km_25_144f,cable_km_gt144f,masts,public_ftth_eur,collecte_eur,private_ftth_eur,alternatives_eur,masts_eur,"
    "eur_per_premises_passed,eur_per_premises_connected";
const char* const kCostMcHeader = "measure,plan_eur,p10_eur,p50_eur,p90_eur,distribution,draws,seed";
// The decimals written: km to the metre, euros to the cent (README "Bills of quantities").
constexpr int kKmDigits = 3, kEurDigits = 2;

// The fields of one line (RFC 4180 quotes; a quoted field holds no line break here).
std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += c, ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') quoted = true;
    else if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// The header with the format's separator.
std::string header_of(const char* header, const CsvFormat& f) {
  std::string h = header;
  for (auto& c : h)
    if (c == ',') c = f.separator;
  return h;
}

// The format of a file: ';' when its header is ';'-separated.
CsvFormat format_of(const std::string& text) {
  const auto eol = text.find('\n');
  return CsvFormat{text.substr(0, eol).find(';') != std::string::npos ? ';' : ','};
}

// The lines of a CSV text (LF or CRLF), the header checked.
std::vector<std::string> lines_of(const std::string& text, const std::string& file, const std::string& header) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  if (lines.empty() || lines.front() != header) throw InputError(file, 1, "header", fmt::format("expected '{}'", header));
  lines.erase(lines.begin());
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

class Fields {
 public:
  Fields(const std::string& file, long line, const std::string& text, const std::vector<std::string>& names, const CsvFormat& fmt = {})
      : file_(file), line_(line), names_(names), f_(split(text, fmt.separator)), decimal_(fmt.decimal()) {
    if (f_.size() != names.size())
      throw InputError(file, line, "", fmt::format("{} columns, expected {}", f_.size(), names.size()));
  }
  const std::string& text(std::size_t k) const { return f_[k]; }
  double number(std::size_t k) const {
    double v = 0;
    std::string s = f_[k];
    if (decimal_ != '.')  // a decimal comma (';'-separated files)
      for (auto& c : s)
        if (c == decimal_) c = '.';
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) throw InputError(file_, line_, names_[k], "'" + f_[k] + "' is not a number");
    return v;
  }
  std::uint64_t unsigned_integer(std::size_t k) const {
    std::uint64_t v = 0;
    const auto& s = f_[k];
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) throw InputError(file_, line_, names_[k], "'" + s + "' is not an integer");
    return v;
  }
  std::int64_t integer(std::size_t k) const {
    std::int64_t v = 0;
    const auto& s = f_[k];
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) throw InputError(file_, line_, names_[k], "'" + s + "' is not an integer");
    return v;
  }

 private:
  const std::string& file_;
  long line_;
  const std::vector<std::string>& names_;
  std::vector<std::string> f_;
  char decimal_;
};

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

std::string quantities_csv(const std::vector<QuantitiesRow>& rows, const CsvFormat& f) {
  std::string out = header_of(kQuantitiesHeader, f) + "\n";
  const auto km = [&](double v) { return csv_number(v, kKmDigits, f); };
  const auto eur = [&](double v) { return csv_number(v, kEurDigits, f); };
  for (const auto& r : rows) {
    const std::vector<std::string> fields = {
        std::to_string(r.year), csv_field(r.departement, f), std::to_string(r.premises_passed_public), std::to_string(r.premises_passed_private),
        std::to_string(r.premises_alternatives), km(r.trench_km), km(r.aerial_km), km(r.duct_km), std::to_string(r.nros), std::to_string(r.pms),
        km(r.cable_km[0]), km(r.cable_km[1]), km(r.cable_km[2]), std::to_string(r.masts), eur(r.public_ftth_eur), eur(r.collecte_eur),
        eur(r.private_ftth_eur), eur(r.alternatives_eur), eur(r.masts_eur), eur(r.eur_per_premises_passed()), eur(r.eur_per_premises_connected())};
    out += fmt::format("{}\n", fmt::join(fields, std::string(1, f.separator)));
  }
  return out;
}

std::vector<QuantitiesRow> quantities_from_csv_text(const std::string& text, const std::string& file) {
  const auto names = split(kQuantitiesHeader);
  const CsvFormat fmt = format_of(text);
  const auto lines = lines_of(text, file, header_of(kQuantitiesHeader, fmt));
  std::vector<QuantitiesRow> rows;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const Fields f(file, long(n) + 2, lines[n], names, fmt);
    QuantitiesRow r;
    r.year = int(f.integer(0));
    r.departement = f.text(1);
    r.premises_passed_public = f.integer(2);
    r.premises_passed_private = f.integer(3);
    r.premises_alternatives = f.integer(4);
    r.trench_km = f.number(5);
    r.aerial_km = f.number(6);
    r.duct_km = f.number(7);
    r.nros = int(f.integer(8));
    r.pms = int(f.integer(9));
    for (int k = 0; k < kCableClassCount; ++k) r.cable_km[k] = f.number(10 + std::size_t(k));
    r.masts = int(f.integer(13));
    r.public_ftth_eur = f.number(14);
    r.collecte_eur = f.number(15);
    r.private_ftth_eur = f.number(16);
    r.alternatives_eur = f.number(17);
    r.masts_eur = f.number(18);
    f.number(19);  // derived columns: checked, recomputed
    f.number(20);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string cost_mc_csv(const CostMonteCarlo& mc, const CsvFormat& f) {
  std::string out = header_of(kCostMcHeader, f) + "\n";
  const auto eur = [&](double v) { return csv_number(v, kEurDigits, f); };
  for (const auto& s : mc.spends) {
    const std::vector<std::string> fields = {csv_field(s.measure, f), eur(s.plan_eur), eur(s.p10), eur(s.p50), eur(s.p90),
                                             csv_field(io::spell(mc.distribution), f), std::to_string(mc.draws), std::to_string(mc.seed)};
    out += fmt::format("{}\n", fmt::join(fields, std::string(1, f.separator)));
  }
  return out;
}

std::string cost_mc_text(const CostMonteCarlo& mc) {
  std::string out;
  for (const auto& s : mc.spends)
    out += fmt::format("  cost Monte Carlo ({} draws, {}): {} spend {:.1f} M EUR at the plan's prices, P10 {:.1f}, P50 {:.1f}, P90 {:.1f}\n",
                       mc.draws, io::spell(mc.distribution), s.measure, s.plan_eur / 1e6, s.p10 / 1e6, s.p50 / 1e6, s.p90 / 1e6);
  return out;
}

CostMonteCarlo cost_mc_from_csv_text(const std::string& text, const std::string& file) {
  const auto names = split(kCostMcHeader);
  const CsvFormat fmt = format_of(text);
  const auto lines = lines_of(text, file, header_of(kCostMcHeader, fmt));
  CostMonteCarlo mc;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const Fields f(file, long(n) + 2, lines[n], names, fmt);
    mc.spends.push_back({f.text(0), f.number(1), f.number(2), f.number(3), f.number(4)});
    mc.distribution = io::parse_or_throw<param::McDistribution>(f.text(5), file, long(n) + 2, "distribution");
    mc.draws = long(f.integer(6));
    mc.seed = f.unsigned_integer(7);
  }
  return mc;
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
