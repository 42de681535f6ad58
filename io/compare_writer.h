#pragma once
// The formats of `dorsale compare`: compare.json and the terminal table (a run's summary.json
// is read back by read_run_summary, io/summary_json.h).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "io/summary_json.h"  // read_run_summary
#include "models/comparison.h"

namespace dorsale::viz {

nlohmann::json comparison_json(const Comparison& c);
std::string comparison_text(const Comparison& c);

}  // namespace dorsale::viz
