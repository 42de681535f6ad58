#include "io/actuals.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "models/error.h"
#include "io/csv.h"
#include "io/text.h"

namespace dorsale::io {

namespace {

using scenarios::CsvTable;
using scenarios::trim;

// A decimal number as published: digits, one '.' or ',' and digits; an optional sign.
double strict_decimal(const std::string& cell, const std::string& file, long line, const std::string& field) {
  const std::string s = trim(cell);
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  bool digits = false, sep = false, ok = i < s.size();
  for (; i < s.size() && ok; ++i) {
    if (s[i] >= '0' && s[i] <= '9') digits = true;
    else if ((s[i] == '.' || s[i] == ',') && !sep && digits) sep = true;
    else ok = false;
  }
  if (!ok || !digits || s.back() == '.' || s.back() == ',')
    throw InputError(file, line, field, fmt::format("'{}' is not a decimal number", s));
  return scenarios::parse_number(s, file, line, field, -1e12, 1e12);  // the caller checks the field's own range
}

std::string departement_of_commune(const std::string& code) {
  return code.rfind("97", 0) == 0 ? code.substr(0, 3) : code.substr(0, 2);
}

bool kept(const ActualsScope& scope, const std::string& dep) {
  return scope.departements.empty() ||
         std::find(scope.departements.begin(), scope.departements.end(), dep) != scope.departements.end();
}

void sort_points(Actuals& a) {
  std::sort(a.points.begin(), a.points.end(), [](const ActualPoint& x, const ActualPoint& y) {
    return std::tie(x.departement, x.date) < std::tie(y.departement, y.date);
  });
}

Actuals read_barometre(const std::string& path, const ActualsScope& scope) {
  const CsvTable t = scenarios::read_csv(path, ',', 0);
  Actuals a{t.file, "barometre", {}};
  const int c_dep = t.column("code_departement"), c_date = t.column("date"), c_val = t.column("valeur");
  const auto id_it = std::find(t.header.begin(), t.header.end(), "id_indicateur");
  const int c_id = id_it == t.header.end() ? -1 : int(id_it - t.header.begin());
  std::map<std::pair<std::string, Date>, long> seen;
  for (const auto& row : t.rows) {
    if (c_id >= 0 && trim(t.cell(row, c_id)) != kBarometreFtthId) continue;
    const std::string dep = trim(t.cell(row, c_dep));
    if (dep.empty()) throw InputError(t.file, row.line, "code_departement", "is empty");
    if (!kept(scope, dep)) continue;
    const std::string date_text = trim(t.cell(row, c_date));
    const Date date = parse_date(date_text);
    if (!is_valid(date)) throw InputError(t.file, row.line, "date", fmt::format("'{}' is not a date (YYYY-MM-DD)", date_text));
    const double v = strict_decimal(t.cell(row, c_val), t.file, row.line, "valeur");
    if (v < 0 || v > 100) throw InputError(t.file, row.line, "valeur", fmt::format("{} is not a percentage between 0 and 100", v));
    if (auto [it, fresh] = seen.emplace(std::pair{dep, date}, row.line); !fresh)
      throw InputError(t.file, row.line, "date",
                       fmt::format("département {} at {} was already given on line {}", dep, date_text, it->second));
    a.points.push_back({dep, date, v, Indicator::Ftth, row.line});
  }
  sort_points(a);
  return a;
}

ObservatoryCommunes read_communes(const std::string& path, int skip) {
  const CsvTable t = scenarios::read_csv(path, ',', skip);
  const int c_code = t.column("Code commune"), c_field = t.column("Champ");
  ObservatoryCommunes out;
  std::vector<int> cols;
  for (int c = 0; c < int(t.header.size()); ++c) {
    if (c == c_code || c == c_field || trim(t.header[c]).empty()) continue;
    const Date d = quarter_end_date(t.header[c]);
    if (!is_valid(d))
      throw InputError(t.file, skip + 1, t.header[c], "a quarter column is named 'T<1-4> <year>' (e.g. 'T1 2018')");
    out.quarters.push_back(d);
    cols.push_back(c);
  }
  if (cols.empty()) throw InputError(t.file, skip + 1, "T1 2018", "no quarter column");
  for (const auto& row : t.rows) {
    if (trim(t.cell(row, c_field)) != "Locaux Raccordables") continue;
    const std::string code = trim(t.cell(row, c_code));
    if (code.size() != 5) throw InputError(t.file, row.line, "Code commune", fmt::format("'{}' is not a commune code", code));
    auto [it, fresh] = out.passed.emplace(code, std::vector<std::int64_t>{});
    if (!fresh) throw InputError(t.file, row.line, "Code commune", fmt::format("commune {} appears twice", code));
    for (int c : cols) it->second.push_back(scenarios::parse_count(t.cell(row, c), t.file, row.line, trim(t.header[c])).value_or(0));
  }
  return out;
}

Actuals read_observatory(const std::string& path, int skip, const ActualsScope& scope) {
  const ObservatoryCommunes oc = read_communes(path, skip);
  Actuals a{path, "observatory", {}};
  std::map<std::string, std::vector<std::int64_t>> passed;
  for (const auto& [code, counts] : oc.passed) {
    const std::string dep = departement_of_commune(code);
    if (!kept(scope, dep)) continue;
    auto& sums = passed[dep];
    sums.resize(oc.quarters.size(), 0);
    for (std::size_t q = 0; q < counts.size(); ++q) sums[q] += counts[q];
  }
  for (const auto& [dep, sums] : passed) {
    const auto it = scope.premises_by_departement.find(dep);
    if (it == scope.premises_by_departement.end() || it->second <= 0)
      throw InputError(path, 0, "Code commune", fmt::format("département {} has no premises in the plan to divide by", dep));
    for (std::size_t q = 0; q < oc.quarters.size(); ++q)
      a.points.push_back({dep, oc.quarters[q], std::min(100.0, 100.0 * double(sums[q]) / double(it->second)), Indicator::Ftth, 0});
  }
  sort_points(a);
  return a;
}

// The observatory's header line (0-based), or -1 when the first lines do not hold one.
int observatory_header_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (int i = 0; i < 12 && scenarios::read_line_capped(in, line, path, i + 1); ++i)
    if (line.rfind("Code commune,", 0) == 0 || line.rfind("\xEF\xBB\xBF" "Code commune,", 0) == 0) return i;
  return -1;
}

}  // namespace

Actuals read_actuals(const std::string& path, const ActualsScope& scope) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw InputError(path, 0, "", "cannot open the actuals file");
  std::string first;
  scenarios::read_line_capped(probe, first, path, 1);
  if (first.find("code_departement") != std::string::npos) return read_barometre(path, scope);
  const int header = observatory_header_line(path);
  if (header >= 0) return read_observatory(path, header, scope);
  throw InputError(path, 1, "code_departement",
                   "neither the barometre layout (code_departement,date,valeur) nor ARCEP's per-commune observatory "
                   "(Code commune,Champ,T3 2017,...)");
}

ObservatoryCommunes read_observatory_communes(const std::string& path) {
  const int header = observatory_header_line(path);
  if (header < 0) throw InputError(path, 1, "Code commune", "not ARCEP's per-commune observatory (Code commune,Champ,T3 2017,...)");
  return read_communes(path, header);
}

}  // namespace dorsale::io
