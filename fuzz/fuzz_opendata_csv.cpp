// The open-data CSV tables (ARCEP, INSEE): scenarios::read_csv, then every cell through
// parse_count and parse_number, as the importer does. The first byte picks the separator and
// the lines skipped before the header (bit 0: ';' else ','; bits 1-3: lines skipped, 4 for ARCEP).
#include "fuzz/fuzz_common.h"
#include "io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const char separator = (data[0] & 1) ? ';' : ',';
  const int skip_lines = (data[0] >> 1) & 7;  // ARCEP files: 4
  const std::string path = dorsale_fuzz::write_input("table.csv", data + 1, size - 1);
  DORSALE_FUZZ_EXPECT_REJECTIONS({
    const auto t = dorsale::scenarios::read_csv(path, separator, skip_lines);
    if (!t.header.empty()) (void)t.column(t.header.front());
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.cells.size() && c < t.header.size(); ++c) {
        const std::string& cell = t.cell(row, int(c));
        DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::parse_count(cell, t.file, row.line, t.header[c]));
        DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::parse_number(cell, t.file, row.line, t.header[c], -1e7, 1e7));
      }
      (void)dorsale::scenarios::trim(row.cells.empty() ? std::string() : row.cells.front());
    }
  });
  return 0;
}
