#pragma once
// A small guichet run (2 départements, 2 years from 2019, 3 sets) and its shards, for the
// tests of guichet.json reading and of `dorsale merge`.
#include "models/guichet.h"

#include <fmt/format.h>

namespace dorsale::test {

// Shard i of n of a 3-set run: the sets k with k mod n = i - 1.
inline GuichetRun small_guichet_run(int i, int n, int years = 2, std::vector<std::string> deps = {"21", "25"}) {
  GuichetRun r;
  r.scenario = "bfc-2022";
  r.scenario_hash = "0123456789abcdef";
  r.seed = 2019;
  r.draws = 100;
  r.total_sets = 3;
  r.shard = fmt::format("{}/{}", i, n);
  r.first_year = 2019;
  r.deps = deps;
  for (int k = i - 1; k < r.total_sets; k += n) {
    GuichetSetResult s;
    s.index = k;
    s.name = fmt::format("uptake_mean={}", 0.1 * (k + 1));
    s.overrides["guichet.uptake_mean"] = 0.1 * (k + 1);
    auto& st = s.stats;
    st.draws = r.draws;
    auto q = [&](double base) { return Quantiles{base, 0.8 * base, base, 1.2 * base, 0.01 * base}; };
    st.subsidy_total = q(1000.0 * (k + 1));
    st.premises_total = q(10.0 * (k + 1));
    for (int y = 0; y < years; ++y) {
      st.subsidy_by_year.push_back(q(500.0 * (k + 1) + y));
      st.premises_by_year.push_back(q(5.0 * (k + 1) + y));
      st.eligible_by_year.push_back(100 + y);
      st.tech_by_year_at_mean.push_back({50.0 + y, 30.0, 20.0});
    }
    for (std::size_t d = 0; d < deps.size(); ++d) {
      std::vector<Quantiles> sub, prem;
      for (int y = 0; y < years; ++y) {
        sub.push_back(q(250.0 * (k + 1) + double(d) + y));
        prem.push_back(q(2.5 * (k + 1) + double(d) + y));
      }
      st.subsidy.push_back(sub);
      st.premises.push_back(prem);
    }
    r.sets.push_back(std::move(s));
  }
  return r;
}

}  // namespace dorsale::test
