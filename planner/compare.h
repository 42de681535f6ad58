#pragma once
// `dorsale compare out/A out/B ...`: scenarios side by side, from their summary.json: per year
// and per département, % premises >= 8, >= 30 and FttH, public and private spend, premises per
// technology, and the year each target is met or by how much it is missed.
#include <string>
#include <vector>

#include "models/comparison.h"

namespace dorsale::planner {

struct CompareConfig {
  std::vector<std::string> runs;  // output folders of `dorsale run`
  std::string out_dir = "out/compare";
};

// Reads the runs (InputError naming the file if a summary is missing or not a roll-out run).
Comparison compare_runs(const std::vector<std::string>& runs);
// compare_runs + writes <out_dir>/compare.json and report.html (one commit).
Comparison compare(const CompareConfig& cfg);

}  // namespace dorsale::planner
