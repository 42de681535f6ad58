// The roll-out's idle-budget audit (planner/rollout.h): per year, the public budget left
// unspent while affordable communes waited, against the network as the plan built it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "models/actuals.h"
#include "models/error.h"
#include "solvers/alternatives.h"
#include "solvers/collecte.h"
#include "solvers/deployment.h"
#include "solvers/pace.h"
#include "io/spelling.h"
#include "planner/rollout_state.h"

namespace dorsale::planner {

using namespace rollout_state;

namespace {

// The network at the end of each year as the plan's collecte records left it: the built links
// (planned links the collecte built included) and the connected nodes.
class NetworkAtYearEnd {
 public:
  NetworkAtYearEnd(const Network& net, const CollecteState& start, const RolloutResults& ro)
      : net_(net), ro_(ro), start_(start) {
    for (std::size_t j = 0; j < net.links().size(); ++j)
      if (net.links()[j].status == LinkStatus::Planned) planned_[std::minmax(net.links()[j].a, net.links()[j].b)].push_back(int(j));
  }
  // (built, connected) at the end of `year`.
  std::pair<std::vector<char>, std::vector<char>> at(int year) const {
    std::vector<char> built = start_.built, ends(net_.nodes().size(), 0);
    for (const auto& c : ro_.collecte) {
      if (c.year > year) continue;
      const int a = *net_.find_node(c.a), b = *net_.find_node(c.b);
      ends[a] = ends[b] = 1;
      if (c.new_link) continue;
      if (auto it = planned_.find(std::minmax(a, b)); it != planned_.end())
        for (int j : it->second) built[j] = 1;
    }
    std::vector<char> connected = start_.designer.connected_nodes(built);
    for (std::size_t i = 0; i < connected.size(); ++i) connected[i] = connected[i] || start_.connected[i] || ends[i];
    return {built, connected};
  }

 private:
  const Network& net_;
  const RolloutResults& ro_;
  const CollecteState& start_;
  std::map<std::pair<int, int>, std::vector<int>> planned_;
};

}  // namespace

std::vector<IdleBudgetYear> idle_budget(const RolloutInput& in, const ScenarioResults& results) {
  const int Y = plan_years(in);
  const CollecteState start(in.region.network, in.params);
  const PublicDeployment pd = build_public_problem(in, Y, start);
  const NetworkAtYearEnd network(in.region.network, start, results.rollout);
  std::vector<IdleBudgetYear> out;
  for (const auto& ys : results.rollout.years) {
    IdleBudgetYear idle{ys.year, ys.budget_eur - ys.public_spend_eur};
    if (!(idle.unspent_eur > 1e-6)) continue;
    const auto [built, connected] = network.at(ys.year);
    const std::vector<double> marginal =
        start.has_network ? start.designer.connection_costs(connected, built) : std::vector<double>{};
    for (std::size_t u = 0; u < pd.dp.units.size(); ++u) {
      const int i = pd.commune_of_unit[u];
      const int done = results.rollout.ftth_year[i];
      if (done != 0 && done <= ys.year) continue;  // not waiting
      const int g = pd.dp.units[u].group;
      const int node = g < 0 ? -1 : pd.node_of_group[g];
      const double cost = pd.dp.units[u].cost + (node < 0 || connected[node] ? 0.0 : marginal[node]);
      if (!(cost <= idle.unspent_eur + 1e-6)) continue;
      const Commune& c = in.region.communes[i];
      idle.communes += 1;
      idle.premises += c.premises() - c.band(Band::Ftth);
      idle.cost_eur += cost;
    }
    if (idle.communes > 0) out.push_back(idle);
  }
  return out;
}

}  // namespace dorsale::planner
