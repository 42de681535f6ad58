// Roll-out plans are proved: budgets respected every year, FttH once and never before the
// commune's NRO is connected, premises conserved, the collecte a tree reaching every opened
// NRO, and the heuristic within its certified gap of the exact optimum.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "models/error.h"
#include "planner/compare.h"
#include "planner/quantities.h"
#include "planner/rollout.h"
#include "planner/run.h"
#include "regions/builtin_region.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "solvers/deployment.h"
#include "test_support.h"

using namespace dorsale;

namespace {

struct Planned {
  scenarios::Scenario s;
  Region region;
  ScenarioResults res;
};

const Planned& planned(const std::string& name) {
  static std::map<std::string, Planned> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    Planned p;
    p.s = scenarios::builtin_scenario(name);
    p.region = scenarios::load_region(p.s);
    p.res = planner::compute_results(p.s, p.region);
    it = cache.emplace(name, std::move(p)).first;
  }
  return it->second;
}

}  // namespace

class RolloutPlan : public ::testing::TestWithParam<std::string> {};

TEST_P(RolloutPlan, PublicSpendNeverAboveBudget) {
  const auto& p = planned(GetParam());
  ASSERT_EQ(p.res.rollout.years.size(), 7u);
  for (const auto& y : p.res.rollout.years) EXPECT_LE(y.public_spend_eur, y.budget_eur * (1 + 1e-12) + 1e-6) << y.year;
}

TEST_P(RolloutPlan, PremisesAddUpEveryYear) {
  const auto& p = planned(GetParam());
  const auto& st = p.res.communes;
  for (std::size_t y = 0; y < st.years.size(); ++y)
    for (std::size_t i = 0; i < p.region.communes.size(); ++i) {
      std::int64_t sum = 0;
      for (auto v : st.states[y][i]) {
        EXPECT_GE(v, 0);
        sum += v;
      }
      ASSERT_EQ(sum, p.region.communes[i].premises()) << p.region.communes[i].code << " in " << st.years[y];
      std::int64_t alt = 0;
      for (auto v : p.res.rollout.alternatives[y][i]) alt += v;
      EXPECT_LE(alt, sum - st.states[y][i][int(Band::Ftth)]);
    }
}

TEST_P(RolloutPlan, FttHOnceAndNeverBeforeTheNroIsConnected) {
  const auto& p = planned(GetParam());
  const auto& st = p.res.communes;
  const auto& net = p.region.network;
  for (std::size_t i = 0; i < p.region.communes.size(); ++i) {
    const auto& c = p.region.communes[i];
    int first_full = 0;
    bool full = false;
    for (std::size_t y = 0; y < st.years.size(); ++y) {
      const bool now = st.states[y][i][int(Band::Ftth)] == c.premises();
      if (full) ASSERT_TRUE(now) << c.code << " loses FttH in " << st.years[y];  // once FttH, always
      if (now && !full) first_full = st.years[y];
      full = now;
    }
    if (!full) continue;
    EXPECT_EQ(p.res.rollout.ftth_year[i], first_full) << c.code;
    if (first_full >= p.s.first_year && !c.nro.empty()) {
      const int conn = p.res.rollout.nro_connected_year[*net.find_node(c.nro)];
      ASSERT_GE(conn, 0) << c.code << ": FttH but its NRO " << c.nro << " is never connected";
      EXPECT_LE(conn, first_full) << c.code << ": FttH in " << first_full << " before its NRO (" << conn << ")";
    }
  }
}

// Each collecte link of the plan carries the network link it builds (issue #22: no re-finding
// by ends and cost): a planned link between its ends, at its build cost, built once; a new
// link carries none.
TEST_P(RolloutPlan, CollecteCarriesTheLinkItBuilds) {
  const auto& p = planned(GetParam());
  const auto& net = p.region.network;
  std::set<int> built;
  for (const auto& c : p.res.rollout.collecte) {
    if (c.new_link) {
      EXPECT_EQ(c.link, -1) << c.a << "-" << c.b;
      continue;
    }
    ASSERT_GE(c.link, 0) << c.a << "-" << c.b;
    ASSERT_LT(std::size_t(c.link), net.links().size());
    const Link& l = net.links()[std::size_t(c.link)];
    EXPECT_EQ(l.status, LinkStatus::Planned) << l.id;
    EXPECT_EQ(std::minmax(net.node(l.a).id, net.node(l.b).id), std::minmax(c.a, c.b)) << l.id;
    EXPECT_NEAR(l.build_eur_per_km * l.length_km, c.cost, 1e-6 * std::max(1.0, c.cost)) << l.id;
    EXPECT_TRUE(built.insert(c.link).second) << l.id << " built twice";
    EXPECT_EQ(planner::collecte_planned_link(net, c), c.link);
  }
}

TEST_P(RolloutPlan, CollecteIsATreeReachingEveryOpenedNro) {
  const auto& p = planned(GetParam());
  const auto& net = p.region.network;
  // year by year: the built network plus the collecte so far connects every NRO opened
  std::vector<std::vector<int>> adj(net.nodes().size());
  for (const auto& l : net.links())
    if (l.status != LinkStatus::Planned) {
      adj[l.a].push_back(l.b);
      adj[l.b].push_back(l.a);
    }
  for (const auto& ys : p.res.rollout.years) {
    // the year's new collecte edges form a forest (no cycle among themselves)
    std::map<std::string, std::string> parent;
    std::function<std::string(const std::string&)> find = [&](const std::string& x) {
      if (!parent.count(x)) parent[x] = x;
      return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    for (const auto& c : p.res.rollout.collecte) {
      if (c.year != ys.year) continue;
      const auto a = find(c.a), b = find(c.b);
      EXPECT_NE(a, b) << "collecte cycle in " << ys.year;
      parent[a] = b;
      const int u = *net.find_node(c.a), v = *net.find_node(c.b);
      adj[u].push_back(v);
      adj[v].push_back(u);
    }
    std::vector<char> seen(net.nodes().size(), 0);
    std::vector<int> stack;
    for (std::size_t i = 0; i < net.nodes().size(); ++i)
      if (net.node(int(i)).kind == NodeKind::DorsalePop) {
        seen[i] = 1;
        stack.push_back(int(i));
      }
    while (!stack.empty()) {
      int v = stack.back();
      stack.pop_back();
      for (int w : adj[v])
        if (!seen[w]) {
          seen[w] = 1;
          stack.push_back(w);
        }
    }
    for (std::size_t i = 0; i < net.nodes().size(); ++i)
      if (p.res.rollout.nro_connected_year[i] == ys.year && ys.nros_opened > 0 && net.node(int(i)).kind == NodeKind::Nro)
        EXPECT_TRUE(seen[i] || p.res.rollout.nro_connected_year[i] == ys.year) << net.node(int(i)).id;
    // every NRO whose communes got public FttH this year is reached
    for (std::size_t c = 0; c < p.region.communes.size(); ++c) {
      const auto& com = p.region.communes[c];
      if (p.res.rollout.ftth_year[c] != ys.year || com.zone == Zone::Amii || com.zone == Zone::Amel || com.nro.empty()) continue;
      EXPECT_TRUE(seen[*net.find_node(com.nro)]) << com.code << " gets public FttH in " << ys.year << " but " << com.nro
                                                 << " is not connected";
    }
  }
}

TEST_P(RolloutPlan, OptimiserReportsAValidBound) {
  const auto& ro = planned(GetParam()).res.rollout;
  EXPECT_GE(ro.bound + 1e-6, ro.objective);
  EXPECT_GE(ro.gap, 0);
  EXPECT_LE(ro.gap, 0.05);
}

INSTANTIATE_TEST_SUITE_P(BuiltinScenarios, RolloutPlan, ::testing::Values("bfc-2022", "bfc-2025"));

TEST(Rollout, AlternativesReachThdIn2022OnlyInThe2022Scenario) {
  const auto& a = planned("bfc-2022");
  const auto& b = planned("bfc-2025");
  auto below30_in = [](const Planned& p, int year) {
    std::int64_t n = 0;
    for (std::size_t y = 0; y < p.res.communes.years.size(); ++y)
      if (p.res.communes.years[y] == year)
        for (const auto& c : p.res.communes.states[y]) n += c[0] + c[1] + c[2];
    return n;
  };
  EXPECT_EQ(below30_in(a, 2022), 0);  // satellite is available everywhere
  EXPECT_GT(below30_in(b, 2022), 0);  // no alternatives in the FttH-only scenario
  std::int64_t alt = 0;
  for (const auto& c : a.res.rollout.alternatives.back()) alt += c[0] + c[1] + c[2] + c[3];
  EXPECT_GE(alt, 0);
}

TEST(Rollout, HeuristicIsWithinItsGapOfTheExactOptimumOnADepartement) {
  // the public deployment problem of the Territoire de Belfort (small enough for the MILP)
  auto s = scenarios::builtin_scenario("bfc-2022");
  Region full = scenarios::load_region(s);
  Region r = full;
  r.communes.clear();
  for (const auto& c : full.communes)
    if (c.departement == "90" && r.communes.size() < 30) r.communes.push_back(c);  // small enough for the MILP
  Parameters p = s.params;
  p.set_series("budgets.public_eur_per_year", {0.3e6, 0.4e6, 0.5e6, 0.5e6, 0.5e6, 0.4e6, 0.3e6});
  for (const char* opt : {"heuristic", "exact"}) {
    p.set_text("rollout.optimiser", opt);
    ScenarioResults res;
    planner::plan_rollout(planner::RolloutInput{r, p, 2019, 2025, "test"}, res);
    static double h_obj = 0, h_bound = 0;
    if (std::string(opt) == "heuristic") {
      h_obj = res.rollout.objective;
      h_bound = res.rollout.bound;
    } else {
      ASSERT_EQ(res.rollout.optimiser_status, MipStatus::Optimal);
      EXPECT_LE(h_obj, res.rollout.objective + 1e-6);
      EXPECT_GE(h_bound + 1e-6, res.rollout.objective) << "the Lagrangian bound is below the optimum";
    }
    for (const auto& y : res.rollout.years) EXPECT_LE(y.public_spend_eur, y.budget_eur + 1e-6);
  }
}

TEST(Deployment, RandomProblemsHeuristicValidAndExactBetweenObjectiveAndBound) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    solvers::DeploymentProblem dp;
    dp.years = 4;
    dp.budget = {100, 120, 90, 150};
    std::uint64_t x = seed * 2654435761u;
    auto rnd = [&]() { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return double(x % 1000) / 1000.0; };
    for (int g = 0; g < 4; ++g) dp.groups.push_back({10 + 30 * rnd(), g == 0});
    for (int u = 0; u < 14; ++u) {
      solvers::DeploymentProblem::Unit un;
      un.group = u % 5 == 4 ? -1 : u % 4;
      un.cost = 10 + 50 * rnd();
      const double w = 1 + 10 * rnd();
      for (int y = 0; y < 4; ++y) un.value.push_back(w * (4 - y));
      dp.units.push_back(un);
    }
    const auto h = solvers::plan_deployment_heuristic(dp);
    EXPECT_EQ(solvers::check_deployment(dp, h), "") << seed;
    for (auto backend : {solvers::MipBackend::Glpk, solvers::MipBackend::Cbc}) {
      const auto e = solvers::plan_deployment_exact(dp, backend, 30);
      ASSERT_EQ(e.status, MipStatus::Optimal) << seed;
      EXPECT_EQ(solvers::check_deployment(dp, e), "") << seed;
      EXPECT_LE(h.objective, e.objective + 1e-9) << seed;
      EXPECT_GE(h.bound + 1e-6, e.objective) << seed << ": Lagrangian bound below the optimum";
    }
  }
}

TEST(RolloutBadInput, BudgetSeriesShorterThanTheYears) {
  // the loader checks the series against the scenario's years and names the TOML line
  try {
    scenarios::parse_scenario("[scenario]\nname = \"x\"\n[budgets]\npublic_eur_per_year = [1e8, 1e8]\n", "x.toml", "");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "budgets.public_eur_per_year");
    EXPECT_EQ(e.file(), "x.toml");
    EXPECT_EQ(e.line(), 4);
  }
  // parameters set in code are checked again when planning
  auto s = scenarios::parse_scenario("[scenario]\nname = \"x\"\n", "x.toml", "");
  s.params.set_series("budgets.public_eur_per_year", {1e8, 1e8});
  Region r = scenarios::load_region(s);
  ScenarioResults res;
  try {
    planner::plan_rollout(planner::RolloutInput{r, s.params, s.first_year, s.last_year, s.file}, res);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "budgets.public_eur_per_year");
  }
}

TEST(RolloutBadInput, CommitmentForAnUnknownCommune) {
  auto s = scenarios::parse_scenario("[scenario]\nname = \"x\"\n\n[[commitments]]\ncommune = \"21999\"\nyear = 2021\n", "x.toml", "");
  try {
    scenarios::load_region(s);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "commitments.commune");
    EXPECT_EQ(e.line(), 4);
  }
}

TEST(RolloutBadInput, NegativeCostIsRejectedAtParse) {
  EXPECT_THROW(scenarios::parse_scenario("[costs]\nftth_rural_eur_per_premises = -10\n", "x.toml", ""), InputError);
}

TEST(RolloutBadInput, NothingWrittenWhenPlanningFails) {
  test::TempDir tmp;
  const auto f = tmp.path() / "short.toml";
  std::ofstream(f) << "[scenario]\nname = \"short\"\n[budgets]\npublic_eur_per_year = [1e8]\n";
  planner::RunConfig cfg;
  cfg.scenario_files = {f.string()};
  cfg.out_dir = (tmp.path() / "out").string();
  EXPECT_THROW(planner::run(cfg, {}), InputError);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out" / "short"));
}

TEST(Compare, SideBySideWithTargets) {
  test::TempDir tmp;
  planner::RunConfig cfg;
  cfg.out_dir = tmp.path().string();
  planner::run(cfg, {});
  auto c = planner::compare_runs({(tmp.path() / "bfc-2022").string(), (tmp.path() / "bfc-2025").string()});
  EXPECT_EQ(c.scenarios.size(), 2u);
  EXPECT_EQ(c.by_year.size(), 8u);
  EXPECT_EQ(c.by_departement.size(), 8u);
  bool thd_met = false;
  for (const auto& t : c.targets.at("bfc-2022"))
    if (t.name == "thd_ge30") thd_met = t.met;
  EXPECT_TRUE(thd_met);
  EXPECT_THROW(planner::compare_runs({(tmp.path() / "bfc-2022").string(), (tmp.path() / "nowhere").string()}), InputError);
}

// ---- budget left idle (issue #12, item 7) -----------------------------------------------------

namespace {

// A small region where the optimiser's standalone collecte estimates over-count: one Dorsale
// point of presence, a long planned link to a hub, and two NROs behind the hub, each serving
// one rural public commune. Each NRO alone costs the long link + its spur; both together cost
// the long link once. NROs and the PoP stand farther apart than rollout.collecte_candidate_km,
// so the planned links are the only way in.
struct IdleRegion {
  Region region;
  Parameters params;
  double unit = 0, trunk = 0, spur = 0;  // EUR: one commune's FttH, the long link, one spur

  IdleRegion() {
    params = scenarios::builtin_scenario("bfc-2025").params;  // no alternatives year
    auto node = [&](const std::string& id, NodeKind kind, double x_km, double y_km) {
      Node n;
      n.id = n.name = id;
      n.kind = kind;
      n.pos.x = 700000 + x_km * 1000;
      n.pos.y = 6700000 + y_km * 1000;
      n.departement = "21";
      region.network.add_node(n);
    };
    auto link = [&](const std::string& a, const std::string& b, double km, double eur_per_km) {
      Link l;
      l.id = a + "-" + b;
      l.length_km = km;
      l.build_eur_per_km = eur_per_km;
      l.status = LinkStatus::Planned;
      l.pairs_total = 12;
      region.network.add_link(l, a, b);
    };
    node("pop:a", NodeKind::DorsalePop, 0, 0);
    node("hub:h", NodeKind::Junction, 100, 0);
    node("nro:1", NodeKind::Nro, 100, 30);
    node("nro:2", NodeKind::Nro, 100, -30);
    link("pop:a", "hub:h", 100, 100000);
    link("hub:h", "nro:1", 30, 10000);
    link("hub:h", "nro:2", 30, 10000);
    trunk = 100 * 100000.0;
    spur = 30 * 10000.0;
    for (int k = 1; k <= 2; ++k) {
      Commune c;
      c.code = fmt::format("2100{}", k);
      c.name = c.code;
      c.departement = "21";
      c.dwellings = 250;
      c.premises_by_band[int(Band::Below3)] = 250;
      c.zone = Zone::Rip;
      c.nro = fmt::format("nro:{}", k);
      c.centroid.x = 800000;
      c.centroid.y = 6700000 + (k == 1 ? 30000 : -30000);
      region.communes.push_back(c);
    }
    unit = 250 * params.costs.ftth_rural_eur_per_premises;
    // the first year pays both communes and the shared tree, with a spur to spare, but not a
    // second trunk: planned with standalone estimates, the second commune waits a year
    const double first = 2 * unit + trunk + 3 * spur;
    params.set_series("budgets.public_eur_per_year", {first, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8});
  }
  planner::RolloutInput input(bool repair) const {
    planner::RolloutInput in{region, params, 2019, 2025, "idle-region"};
    in.repair = repair;
    return in;
  }
};

}  // namespace

TEST(RolloutIdleBudget, WithoutTheRepairPassTheSmallRegionLeavesBudgetIdleWhileACommuneWaits) {
  // the defect the repair pass fixes, and the audit that sees it
  const IdleRegion r;
  ScenarioResults res;
  planner::plan_rollout(r.input(false), res);
  const auto idle = planner::idle_budget(r.input(false), res);
  ASSERT_EQ(idle.size(), 1u);
  EXPECT_EQ(idle[0].year, 2019);
  EXPECT_EQ(idle[0].communes, 1);
  EXPECT_EQ(idle[0].premises, 250);
  EXPECT_NEAR(idle[0].unspent_eur, r.unit + 2 * r.spur, 1e-3);  // the budget less trunk + spur + one commune
  EXPECT_NEAR(idle[0].cost_eur, r.unit + r.spur, 1e-3);  // the waiting commune: FttH + its spur only
}

TEST(RolloutIdleBudget, NoYearEndsWithUnspentBudgetWhileAnAffordableCommuneWaits) {
  const IdleRegion r;
  ScenarioResults res;
  planner::plan_rollout(r.input(true), res);
  EXPECT_TRUE(planner::idle_budget(r.input(true), res).empty());
  // both communes get FttH in the first year, the trunk built once
  EXPECT_EQ(res.rollout.ftth_year[0], 2019);
  EXPECT_EQ(res.rollout.ftth_year[1], 2019);
  const auto& y0 = res.rollout.years[0];
  EXPECT_NEAR(y0.collecte_eur, r.trunk + 2 * r.spur, 1e-3);
  EXPECT_NEAR(y0.public_spend_eur, 2 * r.unit + r.trunk + 2 * r.spur, 1e-3);
  for (const auto& y : res.rollout.years) EXPECT_LE(y.public_spend_eur, y.budget_eur + 1e-6) << y.year;
  // every planned link built once over the years
  std::map<std::pair<std::string, std::string>, int> built;
  for (const auto& c : res.rollout.collecte) ++built[std::minmax(c.a, c.b)];
  EXPECT_EQ(built.size(), 3u);
  for (const auto& [l, n] : built) EXPECT_EQ(n, 1) << l.first << "-" << l.second;
}

TEST(RolloutIdleBudget, NoIdleBudgetWhileAffordableCommunesWaitInTheBuiltinScenarios) {
  for (const char* name : {"bfc-2022", "bfc-2025"}) {
    const auto& p = planned(name);
    const planner::RolloutInput in{p.region, p.s.params, p.s.first_year, p.s.last_year, p.s.file};
    for (const auto& y : planner::idle_budget(in, p.res))
      ADD_FAILURE() << name << " " << y.year << ": " << y.unspent_eur << " EUR unspent while " << y.communes
                    << " affordable communes wait";
  }
}

TEST(RolloutIdleBudget, TheReportedBoundHoldsAgainstTheExactOptimumOfThePlanningModel) {
  // the optimiser's model (standalone collecte estimates) solved exactly by CBC: the heuristic's
  // Lagrangian bound is above that optimum, the repair pass changes neither
  IdleRegion r;
  ScenarioResults h, e;
  planner::plan_rollout(r.input(true), h);
  r.params.set_text("rollout.optimiser", "exact");
  planner::plan_rollout(r.input(true), e);
  ASSERT_EQ(e.rollout.optimiser_status, MipStatus::Optimal);
  EXPECT_GE(h.rollout.bound + 1e-6, e.rollout.objective);
  EXPECT_LE(h.rollout.objective, e.rollout.objective + 1e-6);
  ScenarioResults off;
  r.params.set_text("rollout.optimiser", "heuristic");
  planner::plan_rollout(r.input(false), off);
  EXPECT_DOUBLE_EQ(off.rollout.bound, h.rollout.bound);
  EXPECT_DOUBLE_EQ(off.rollout.objective, h.rollout.objective);
}
