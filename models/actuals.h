#pragma once
// Published indicators to follow a plan against (seed, enjeu n°1 "Indicateurs"): ARCEP's FttH
// deployment rate ("taux de locaux raccordables") per département and date, as read from the
// barometre or the per-commune observatory (io/actuals.h). Dates are calendar days; a plan's
// year Y is the state on 31 December of Y, its start the source file's date.
#include <compare>
#include <string>
#include <vector>

namespace dorsale {

struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
};

// "YYYY-MM-DD" (a real calendar day) or nullopt-like {0,0,0} when it is not one.
Date parse_date(const std::string& text);
bool is_valid(const Date& d);
std::string to_string(const Date& d);  // "YYYY-MM-DD"
// Years since 0000-01-01 as a decimal (day of year / days in year): 2020-12-31 -> 2021.0,
// 2018-03-31 -> 2018.2466. The end of a day, so 31 December is the start of the next year.
double decimal_year(const Date& d);

// The last day of an ARCEP quarter label: "T1 2018" -> 2018-03-31; {} when not one.
Date quarter_end_date(const std::string& label);

// Indicators the readers know (others are ignored).
enum class Indicator { Ftth };  // spelled by io/spelling.h

struct ActualPoint {
  std::string departement;  // code
  Date date;
  double pct = 0;            // % of premises
  Indicator indicator = Indicator::Ftth;
  long line = 0;             // where it was read
};

struct Actuals {
  std::string file;
  std::string layout;  // "barometre" or "observatory"
  std::vector<ActualPoint> points;  // sorted by (département, date)
};

// The points dated on or before `until` (all when until is {}).
Actuals actuals_until(const Actuals& a, const Date& until);

}  // namespace dorsale
