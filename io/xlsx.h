#pragma once
// results.xlsx: a run's tables as one workbook (libxlsxwriter), one sheet per table, numbers
// stored as numbers, each header naming its unit:
//   trajectory        per year: % of premises >= 8, >= 30 Mbit/s, FttH; spends (EUR)
//   by_technology     per year: premises on FttH, on another >= 30 Mbit/s line, and on each
//                     alternative (copper upgrade, THD radio, 4G fixe, satellite)
//   by_departement    per year and département: premises, % >= 8, >= 30, FttH
//   quantities        quantities.csv (per year and département)
//   towers            the high-point programme per year (sites, cost, premises covered)
//   guichet           the guichet quantiles (mean, P10, P50, P90, standard error) per set,
//                     measure, year and département ("region" for the sum)
//   interconnection   one row per request: decision, costs, latency, reasons
// Only typed results cross this module; the sheets are made by `results_sheets` (pure) and
// written by `write_xlsx` (to PATH.tmp, renamed to PATH at the end).
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "models/guichet.h"
#include "models/quantities.h"
#include "models/region.h"
#include "models/results.h"
#include "models/towers.h"

namespace dorsale::io {

using Cell = std::variant<std::monostate, double, std::int64_t, std::string>;  // monostate: an empty cell

struct Sheet {
  std::string name;                  // at most 31 characters
  std::vector<std::string> columns;  // headers, with the unit in brackets: "public_spend [EUR]"
  std::vector<std::vector<Cell>> rows;
};

// The sheets of one scenario's results (in the order listed above); `towers` may be null and
// the interconnection sheet is empty without requests.
std::vector<Sheet> results_sheets(const Region& region, const ScenarioResults& results, const std::vector<QuantitiesRow>& quantities,
                                  const TowersResult* towers, const GuichetRun& guichet);

// Writes the workbook; std::runtime_error naming the file when libxlsxwriter fails (nothing
// is left at `path` then).
void write_xlsx(const std::filesystem::path& path, const std::vector<Sheet>& sheets);

}  // namespace dorsale::io
