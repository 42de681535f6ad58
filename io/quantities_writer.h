#pragma once
// quantities.csv (the bill of quantities of a scenario's plan: one row per year and
// département) and cost_mc.csv (P10 / P50 / P90 of the public, total and masts spends over the
// cost draws), their strict readers (InputError naming the file, line and column), and their
// section of report.html.
#include <string>
#include <vector>

#include "models/quantities.h"
#include "viz/csv_format.h"

namespace dorsale::viz {

// RFC 4180, ',' (default) or ';' separated (decimal comma); integers as integers, km with 3
// decimals, euros with 2. The readers take either separator (from the header line).
std::string quantities_csv(const std::vector<QuantitiesRow>& rows, const CsvFormat& format = {});
std::vector<QuantitiesRow> quantities_from_csv_text(const std::string& text, const std::string& file);

std::string cost_mc_csv(const CostMonteCarlo& mc, const CsvFormat& format = {});
// One terminal line per spend: plan, P10, P50, P90 in M EUR.
std::string cost_mc_text(const CostMonteCarlo& mc);
CostMonteCarlo cost_mc_from_csv_text(const std::string& text, const std::string& file);

// The report's section of one scenario: quantities by year (région) and by département (plan
// total), and the cost quantiles.
std::string quantities_section(const std::string& name, const std::vector<QuantitiesRow>& rows, const CostMonteCarlo* mc);

}  // namespace dorsale::viz
