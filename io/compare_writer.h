#pragma once
// The formats of `dorsale compare`: reading a run's summary.json back (typed), writing
// compare.json and the terminal table.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/comparison.h"

namespace dorsale::viz {

// Reads what compare and the report need of <run>/summary.json (models/run_summary.h).
// InputError naming the file (and the field)
// when it is missing, malformed or not a roll-out run.
RunSummary read_run_summary(const std::filesystem::path& summary_json);

nlohmann::json comparison_json(const Comparison& c);
std::string comparison_text(const Comparison& c);

}  // namespace dorsale::viz
