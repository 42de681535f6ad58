#pragma once
// Collecte network design: connect the NROs a plan opens to the network already built, at
// least cost, over a candidate graph: planned RIP links at their build cost and new links
// between nodes closer than a distance at build cost x straight line x detour. Built links
// cost nothing: the built part of the network is contracted into one root, and the design is
// a Steiner tree (solvers/steiner.h) from that root to the NROs.
#include <string>
#include <vector>

#include "models/network.h"
#include "solvers/steiner.h"

namespace dorsale::solvers {

// Filled from the parameters (rollout.collecte_candidate_km, network.rip_detour_factor,
// costs.build_eur_per_km): no defaults of its own.
struct CollecteParams {
  double candidate_km{};      // straight-line reach of a candidate new link
  double detour_factor{};
  double build_eur_per_km{};
};

class CollecteDesigner {
 public:
  // `built[j]`: link j exists. The Network must outlive the designer.
  CollecteDesigner(const Network& net, CollecteParams params);

  // Nodes joined to a Dorsale point of presence by built links.
  std::vector<char> connected_nodes(const std::vector<char>& built) const;
  // Cheapest cost of connecting each node alone to the connected set (0 when connected,
  // +inf when impossible).
  std::vector<double> connection_costs(const std::vector<char>& connected, const std::vector<char>& built) const;

  struct Edge {
    int a, b;        // network node indices
    int link;        // network link index, or -1 for a new link
    double km, cost;
  };
  struct Design {
    std::vector<Edge> edges;
    double cost = 0, km = 0;
    SteinerResult steiner;
  };
  // A tree joining every terminal node to the connected set. Terminals already connected are
  // ignored. status Infeasible when one cannot be reached.
  Design connect(const std::vector<char>& connected, const std::vector<char>& built, const std::vector<int>& terminals) const;

 private:
  struct Candidate {
    int a, b, link;
    double km, cost;
  };
  const Network& net_;
  CollecteParams p_;
  std::vector<Candidate> candidates_;  // planned links and new links
};

}  // namespace dorsale::solvers
