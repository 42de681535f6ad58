#include "io/csv.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "models/error.h"
#include "io/text.h"

namespace dorsale::scenarios {

std::vector<std::string> split_csv_line(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == sep) {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

void check_unique_columns(const std::vector<std::string>& header, const std::string& file, long line) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = trim(header[i]);
    if (name.empty()) continue;
    if (auto [it, fresh] = seen.emplace(name, i); !fresh)
      throw InputError(file, line, name,
                       fmt::format("column '{}' appears twice in the header (columns {} and {}): which one to read is ambiguous",
                                   name, it->second + 1, i + 1));
  }
}

namespace {

bool blank(const std::vector<std::string>& cells) {
  for (const auto& c : cells)
    if (!trim(c).empty()) return false;
  return true;
}

}  // namespace

std::string trim(const std::string& s) {
  // Strips ASCII blanks and the UTF-8 no-break spaces U+00A0 and U+202F.
  std::size_t b = 0, e = s.size();
  auto space_at_begin = [&](std::size_t i) -> std::size_t {
    if (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) return 1;
    if (i + 1 < e && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) return 2;
    if (i + 2 < e && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0xAF)
      return 3;
    return 0;
  };
  while (std::size_t n = space_at_begin(b)) b += n;
  while (e > b) {
    if (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n') {
      --e;
    } else if (e - b >= 2 && (unsigned char)s[e - 2] == 0xC2 && (unsigned char)s[e - 1] == 0xA0) {
      e -= 2;
    } else if (e - b >= 3 && (unsigned char)s[e - 3] == 0xE2 && (unsigned char)s[e - 2] == 0x80 &&
               (unsigned char)s[e - 1] == 0xAF) {
      e -= 3;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

int CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trim(header[i]) == name) return static_cast<int>(i);
  throw InputError(file, 0, name, "column not found in the header");
}

const std::string& CsvTable::cell(const CsvRow& row, int col) const {
  if (col < 0 || col >= static_cast<int>(row.cells.size()))
    throw InputError(file, row.line, col >= 0 && col < (int)header.size() ? header[col] : "",
                     fmt::format("the row has {} fields, the header {}", row.cells.size(),
                                 header.size()));
  return row.cells[col];
}

CsvTable read_csv(const std::string& path, char separator, int skip_lines) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, "", "cannot open the file: it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "", "cannot open the file");
  CsvTable t;
  t.file = path;
  std::string line;
  long n = 0;
  bool have_header = false;
  while (read_line_capped(in, line, path, n + 1)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    check_utf8(line, path, n);
    if (n <= skip_lines) continue;
    auto cells = split_csv_line(line, separator);
    if (!have_header) {
      if (blank(cells)) throw InputError(path, n, "", "expected the header line, found a blank line");
      check_unique_columns(cells, path, n);
      t.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (blank(cells)) continue;
    t.rows.push_back({n, std::move(cells)});
  }
  if (!have_header) throw InputError(path, n, "", "the file has no header line");
  return t;
}

std::optional<std::int64_t> parse_count(const std::string& cell, const std::string& file,
                                        long line, const std::string& field) {
  std::string t = trim(cell);
  if (t.empty() || t == "-") return std::nullopt;
  std::string digits;
  bool negative = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    unsigned char ch = t[i];
    if (ch >= '0' && ch <= '9') {
      digits += char(ch);
    } else if (ch == ' ') {
    } else if (ch == 0xC2 && i + 1 < t.size() && (unsigned char)t[i + 1] == 0xA0) {
      ++i;
    } else if (ch == 0xE2 && i + 2 < t.size() && (unsigned char)t[i + 1] == 0x80 &&
               (unsigned char)t[i + 2] == 0xAF) {
      i += 2;
    } else if (ch == '-' && i == 0) {
      negative = true;
    } else {
      throw InputError(file, line, field, fmt::format("'{}' is not a count", t));
    }
  }
  if (digits.empty() || digits.size() > 15)
    throw InputError(file, line, field, fmt::format("'{}' is not a count", t));
  if (negative) throw InputError(file, line, field, fmt::format("negative value {}", t));
  return std::stoll(digits);
}

bool is_decimal_number(std::string_view t) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t b = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > b;
  };
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  if (!digits()) return false;
  if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

double parse_number(const std::string& cell, const std::string& file, long line,
                    const std::string& field, double lo, double hi) {
  std::string t = trim(cell);
  if (t.empty()) throw InputError(file, line, field, "empty value");
  if (!is_decimal_number(t))
    throw InputError(file, line, field, fmt::format("'{}' is not a decimal number", t));
  for (auto& ch : t)
    if (ch == ',') ch = '.';
  const char* b = t.data() + (t[0] == '+' ? 1 : 0);
  double v = 0;
  const auto [p, ec] = std::from_chars(b, t.data() + t.size(), v);  // locale-free, decimal only
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(v)) || (ec == std::errc() && (v < lo || v > hi)))
    throw InputError(file, line, field, fmt::format("{} is outside the range {} to {} of this field", t, lo, hi));
  if (ec != std::errc() || p != t.data() + t.size())
    throw InputError(file, line, field, fmt::format("'{}' is not a decimal number", t));
  return v;
}

}  // namespace dorsale::scenarios
