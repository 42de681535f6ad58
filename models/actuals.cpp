#include "models/actuals.h"

#include <fmt/format.h>

#include <algorithm>

namespace dorsale {

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}
}  // namespace

bool is_valid(const Date& d) {
  return d.year >= 1900 && d.year <= 2200 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

Date parse_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return {};
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return {};
  Date d{std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2))};
  return is_valid(d) ? d : Date{};
}

std::string to_string(const Date& d) { return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day); }

double decimal_year(const Date& d) {
  int doy = d.day;
  for (int m = 1; m < d.month; ++m) doy += days_in_month(d.year, m);
  return d.year + double(doy) / (leap(d.year) ? 366.0 : 365.0);
}

Date quarter_end_date(const std::string& label) {
  std::string s = label;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  if (s.size() != 7 || s[0] != 'T' || s[1] < '1' || s[1] > '4' || s[2] != ' ') return {};
  const Date year_only = parse_date(s.substr(3, 4) + "-01-01");
  if (!is_valid(year_only)) return {};
  static const int end_day[] = {31, 30, 30, 31};
  const int q = s[1] - '0';
  return Date{year_only.year, 3 * q, end_day[q - 1]};
}

Actuals actuals_until(const Actuals& a, const Date& until) {
  Actuals out{a.file, a.layout, {}};
  for (const auto& p : a.points)
    if (!is_valid(until) || p.date <= until) out.points.push_back(p);
  return out;
}

}  // namespace dorsale
