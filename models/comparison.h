#pragma once
// `dorsale compare`: scenarios side by side, typed. A RunSummary (models/run_summary.h) is
// what compare needs of one run's summary.json; a Comparison is what compare.json holds.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/results.h"
#include "models/run_summary.h"

namespace dorsale {

struct Comparison {
  std::vector<std::string> scenarios, runs;  // names, and the folders they come from
  struct YearRow {
    int year = 0;
    std::map<std::string, RunYearFigures> by_scenario;  // the scenarios that plan that year
  };
  std::vector<YearRow> by_year;  // the years of the first run
  struct DepRow {
    int year = 0;
    std::map<std::string, ShareFigures> by_scenario;
  };
  std::map<std::string, std::vector<DepRow>> by_departement;  // by code
  std::map<std::string, std::vector<TargetAssessment>> targets;  // by scenario
};

}  // namespace dorsale
