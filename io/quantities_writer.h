#pragma once
// quantities.csv (the bill of quantities of a scenario's plan: one row per year and
// département) and cost_mc.csv (P10 / P50 / P90 of the public, total and masts spends over the
// cost draws), their strict readers (InputError naming the file, line and column). Their
// report section and terminal line: viz/quantities_report.h.
#include <string>
#include <vector>

#include "models/quantities.h"
#include "io/csv_format.h"

namespace dorsale::viz {

// RFC 4180, ',' (default) or ';' separated (decimal comma); integers as integers, km with 3
// decimals, euros with 2. The readers take either separator (from the header line).
std::string quantities_csv(const std::vector<QuantitiesRow>& rows, const CsvFormat& format = {});
std::vector<QuantitiesRow> quantities_from_csv_text(const std::string& text, const std::string& file);

std::string cost_mc_csv(const CostMonteCarlo& mc, const CsvFormat& format = {});
CostMonteCarlo cost_mc_from_csv_text(const std::string& text, const std::string& file);

}  // namespace dorsale::viz
