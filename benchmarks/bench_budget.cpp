// Budget left idle by the roll-out plan (issue #12, item 7), with and without the repair pass:
// per year the public budget unspent, the waiting public communes it could have paid (each
// alone, FttH + the collecte it needs then) and their premises; the final spend and the years
// the targets are met. Run: ./build/benchmarks/bench_budget [scenario.toml ...]
#include <fmt/format.h>

#include "planner/rollout.h"
#include "planner/run.h"
#include "planner/targets.h"
#include "io/scenario.h"
#include "regions/load_region.h"

using namespace dorsale;

static void report(const scenarios::Scenario& s, const Region& region, bool repair) {
  planner::RolloutInput in{region, s.params, s.first_year, s.last_year, s.file};
  in.repair = repair;
  ScenarioResults res;
  planner::plan_rollout(in, res);
  fmt::print("\n{} — repair pass {}\n\n| year | budget M€ | public spend M€ | unspent M€ | waiting communes it could pay | their premises | their cost M€ |\n|---|---|---|---|---|---|---|\n",
             s.name, repair ? "on" : "off");
  const auto idle = planner::idle_budget(in, res);
  double spend = 0, collecte = 0;
  for (const auto& y : res.rollout.years) {
    spend += y.public_spend_eur;
    collecte += y.collecte_eur;
    planner::IdleBudgetYear found{};
    for (const auto& i : idle)
      if (i.year == y.year) found = i;
    fmt::print("| {} | {:.2f} | {:.2f} | {:.2f} | {} | {} | {:.2f} |\n", y.year, y.budget_eur / 1e6, y.public_spend_eur / 1e6,
               (y.budget_eur - y.public_spend_eur) / 1e6, found.communes, found.premises, found.cost_eur / 1e6);
  }
  const auto targets = planner::assess_targets(res.communes, s.params.targets);
  std::string met;
  for (const auto& t : targets)
    met += fmt::format("{} {} ", t.name,
                       t.met_year ? fmt::format("met {}", *t.met_year) : std::string("not met")) +
           (t.premises_short_at_target_year ? fmt::format("(short {} in {}); ", *t.premises_short_at_target_year, t.target_year) : "; ");
  // coverage: FttH share at the end of each year, and the FttH premises-years over the plan
  std::string pct;
  double premises_years = 0;
  for (std::size_t y = 1; y < res.communes.years.size(); ++y) {
    std::int64_t ftth = 0, all = 0;
    for (const auto& c : res.communes.states[y]) {
      ftth += c[int(Band::Ftth)];
      for (auto v : c) all += v;
    }
    premises_years += double(ftth);
    pct += fmt::format("{} {:.2f} %, ", res.communes.years[y], 100.0 * double(ftth) / double(all));
  }
  fmt::print("\nFttH at year end: {}FttH premises-years {:.0f}\n", pct, premises_years);
  fmt::print("public spend {:.2f} M€ (collecte {:.2f} M€); optimiser objective {:.0f}, bound {:.0f}, gap {:.3f} %; {}\n", spend / 1e6,
             collecte / 1e6, res.rollout.objective, res.rollout.bound, 100 * res.rollout.gap, met);
}

int main(int argc, char** argv) {
  std::vector<scenarios::Scenario> list;
  for (int k = 1; k < argc; ++k) list.push_back(scenarios::load_scenario(argv[k]));
  if (list.empty()) list = {scenarios::builtin_scenario("bfc-2022"), scenarios::builtin_scenario("bfc-2025")};
  for (const auto& s : list) {
    const Region region = scenarios::load_region(s);
    for (bool repair : {false, true}) report(s, region, repair);
  }
}
