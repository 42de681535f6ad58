#pragma once
// How dorsale writes its CSV files (quantities.csv, cost_mc.csv; track.csv): RFC 4180 (a field
// holding the separator, a quote or a line break is quoted, its quotes doubled; CRLF line ends
// are not required by readers and not written), with ',' or ';' as separator. With ';' (French
// spreadsheets) the decimal separator is ',' so that LibreOffice / Excel in a French locale read
// the numbers as numbers (`--csv-sep ';'`). Numbers carry their precision: integers as
// integers, a fixed number of decimals otherwise (no 16-digit floats).
#include <fmt/format.h>

#include <string>

namespace dorsale::viz {

struct CsvFormat {
  char separator = ',';
  char decimal() const { return separator == ';' ? ',' : '.'; }
};

// A text field, quoted when it must be.
inline std::string csv_field(const std::string& s, const CsvFormat& f) {
  if (s.find_first_of(std::string(1, f.separator) + "\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A number with `digits` decimals ("-0" written "0"), the format's decimal separator.
inline std::string csv_number(double v, int digits, const CsvFormat& f) {
  std::string s = fmt::format("{:.{}f}", v, digits);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
  if (f.decimal() != '.')
    for (auto& c : s)
      if (c == '.') c = f.decimal();
  return s;
}


}  // namespace dorsale::viz
