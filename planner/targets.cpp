#include "planner/targets.h"

#include <algorithm>

namespace dorsale::planner {

std::vector<TargetAssessment> assess_targets(const CommuneStates& st, const param::Targets& targets) {
  enum class Short { Below8, Below30, NotFtth };
  struct T {
    const char* name;
    long year;
    Short measure;
  } ts[] = {{"good_broadband_ge8", targets.good_broadband_year, Short::Below8},
            {"thd_ge30", targets.thd_year, Short::Below30},
            {"ftth", targets.ftth_year, Short::NotFtth}};
  std::vector<TargetAssessment> out;
  for (const auto& t : ts) {
    TargetAssessment a;
    a.name = t.name;
    a.target_year = int(t.year);
    for (std::size_t y = 0; y < st.states.size(); ++y) {
      std::array<std::int64_t, kBandCount> b{};
      for (const auto& c : st.states[y])
        for (int k = 0; k < kBandCount; ++k) b[k] += c[k];
      const std::int64_t premises = b[0] + b[1] + b[2] + b[3] + b[4];
      const std::int64_t short_of = t.measure == Short::Below8    ? b[0] + b[1]
                                    : t.measure == Short::Below30 ? b[0] + b[1] + b[2]
                                                                  : premises - b[4];
      if (short_of == 0 && !a.met_year) a.met_year = st.years[y];
      if (st.years[y] == a.target_year) {
        a.premises_short_at_target_year = short_of;
        a.pct_short_at_target_year = 100.0 * double(short_of) / std::max<double>(1.0, double(premises));
      }
    }
    a.met = a.met_year && *a.met_year <= a.target_year;
    out.push_back(a);
  }
  return out;
}

}  // namespace dorsale::planner
