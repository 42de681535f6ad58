#pragma once
// Reading the open-data CSV files (not geodata: tables of counts). Lines are numbered as in
// the file (1-based) so every error can name the line and the column.
#include <cstdint>
#include <optional>
#include <string>
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
// longer than kMaxLineBytes (scenarios/text.h).
CsvTable read_csv(const std::string& path, char separator, int skip_lines = 0);

// Parses a count as found in the open data: spaces, non-breaking and narrow non-breaking
// spaces as thousands separators; "-" or "" is empty (returns nullopt). Throws InputError
// (file, line, field) on anything else or a negative value.
std::optional<std::int64_t> parse_count(const std::string& cell, const std::string& file,
                                        long line, const std::string& field);
// A finite decimal number (point or comma as decimal separator). Throws InputError.
double parse_number(const std::string& cell, const std::string& file, long line,
                    const std::string& field);
std::string trim(const std::string& s);

}  // namespace dorsale::scenarios
