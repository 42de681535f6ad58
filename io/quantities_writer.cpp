#include "io/quantities_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
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

}  // namespace dorsale::viz
