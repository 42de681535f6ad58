#pragma once
// Reading the open-data CSV files (not geodata: tables of counts). Lines are numbered as in
// the file (1-based) so every error can name the line and the column.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dorsale::scenarios {

struct CsvRow {
  long line = 0;  // 1-based line number in the file
  std::vector<std::string> cells;
};

struct CsvTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Index of a column by header name; throws InputError naming the file if absent.
  int column(const std::string& name) const;
  // The cell of a row; throws InputError (file, line, column name) if the row is too short.
  const std::string& cell(const CsvRow& row, int col) const;
};

// Reads a delimited file: skips `skip_lines` lines before the header, accepts CRLF and a UTF-8
// BOM, handles double-quoted cells. Blank lines (only separators) are skipped. Throws
// InputError if the file cannot be opened or has no header, at a line that is not UTF-8 or
// longer than kMaxLineBytes (io/text.h), and when the header names a column twice.
CsvTable read_csv(const std::string& path, char separator, int skip_lines = 0);

// The cells of one delimited line: double-quoted cells may hold the separator, "" is a quote.
std::vector<std::string> split_csv_line(const std::string& line, char separator);
// Throws InputError(file, line, name, "column appears twice ...") when two header cells have
// the same (trimmed) name: a reader would silently read one of them.
void check_unique_columns(const std::vector<std::string>& header, const std::string& file, long line);

// Parses a count as found in the open data: spaces, non-breaking and narrow non-breaking
// spaces as thousands separators; "-" or "" is empty (returns nullopt). Throws InputError
// (file, line, field) on anything else or a negative value.
std::optional<std::int64_t> parse_count(const std::string& cell, const std::string& file,
                                        long line, const std::string& field);
// A decimal number: an optional sign, digits, an optional point or comma and digits, an optional
// decimal exponent (e5, E-3). Hexadecimal (0x10), inf, nan, ".5" and "5." are refused; so is a
// value outside [lo, hi] (each field documents its range: scenarios/README.md, "Input limits").
// Throws InputError (file, line, field).
double parse_number(const std::string& cell, const std::string& file, long line,
                    const std::string& field, double lo, double hi);
// The text is a decimal number in the grammar above (no range).
bool is_decimal_number(std::string_view text);
std::string trim(const std::string& s);

}  // namespace dorsale::scenarios
