#pragma once
// `dorsale compare`: scenarios side by side, typed. A RunSummary is what compare needs of one
// run's summary.json; a Comparison is what compare.json holds.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/results.h"

namespace dorsale {

struct ShareFigures {  // % of premises
  double pct_ge8 = 0, pct_ge30 = 0, pct_ftth = 0;
};

struct RunYearFigures {
  ShareFigures shares;
  double public_spend_eur = 0, private_spend_eur = 0, alternatives_eur = 0;
  std::array<std::int64_t, kTechnologyCount> premises_by_technology{};
};

// One run, as compare reads it from its summary.json.
struct RunSummary {
  std::string name;
  struct Year {
    int year = 0;
    RunYearFigures figures;
    std::map<std::string, ShareFigures> by_departement;  // by code
  };
  std::vector<Year> trajectory;
  std::vector<TargetAssessment> targets;
};

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
