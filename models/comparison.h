#pragma once
// `dorsale compare`: scenarios side by side, typed. A RunSummary (models/run_summary.h) is
// what compare needs of one run's summary.json; a Comparison is what compare.json holds.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/guichet.h"
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
  // The guichet cohésion numérique of each run that has a guichet.json (base set; both under
  // the rules in force each year): subsidy total and by year.
  struct GuichetSide {
    int draws = 0, first_year = 0;
    Quantiles subsidy_total, premises_total;
    std::vector<Quantiles> subsidy_by_year;
  };
  std::map<std::string, GuichetSide> guichet;  // by scenario
};

}  // namespace dorsale
