#pragma once
// Reduction tests for the Steiner tree problem in graphs (Duin & Volgenant; Polzin & Vahdati
// Daneshmand, "Improved algorithms for the Steiner problem in networks"), used by the heuristic
// and the exact mode of solvers/steiner.h:
//  - degree tests: non-terminals of degree 0/1 go, degree-2 non-terminals become one edge standing
//    for the two, a terminal of degree 1 takes its edge (contraction), parallel edges keep the
//    cheapest;
//  - nearest vertex (NV): the cheapest edge (z,v1) at a terminal z is in an optimum when the second
//    cheapest costs at least c(z,v1) + d(v1, z') for another terminal z' (Voronoi distance);
//  - special distance (SD): an edge longer than an upper bound of the bottleneck Steiner distance
//    of its ends goes; the bound comes from the terminals' Voronoi regions and the bottleneck of
//    the Mehlhorn MST of the terminals (strict test, so deletions made at once stay valid);
//  - reduced-cost fixing: with Wong's dual ascent (lower bound L, reduced arc costs) and an upper
//    bound U, a node or an edge every solution through which costs more than U goes.
// Invariant of ReducedGraph: opt(original) = opt(reduced) + fixed_cost, and a tree of the reduced
// graph spanning its terminals maps back (map_back) to a tree of the original graph spanning the
// original terminals, of cost = reduced cost + fixed_cost.
#include <vector>

#include "models/steiner_instance.h"

namespace dorsale::solvers {

// Wong's dual ascent on the bidirected graph from `root` (a terminal): a lower bound and the
// reduced arc costs (arc 2e runs u->v, 2e+1 v->u), a feasible dual of the directed cut relaxation.
struct DualAscent {
  double lb = 0;
  std::vector<double> rc;
};
DualAscent dual_ascent(const SteinerInstance& s, int root);

class ReducedGraph {
 public:
  struct Edge {
    int u = 0, v = 0;
    double w = 0;
    bool alive = true;
    std::vector<int> orig;  // original edges this edge stands for (a path)
  };

  explicit ReducedGraph(const SteinerInstance& s);

  int nodes_alive() const;
  int edges_alive() const;
  int terminals() const;
  bool infeasible() const { return infeasible_; }
  double fixed_cost() const { return fixed_cost_; }
  const std::vector<int>& fixed() const { return fixed_; }

  // The alive part as a compact instance (nodes renumbered); edge_of[k] = reduced edge of edge k,
  // node_of[i] = reduced node of node i.
  SteinerInstance compact(std::vector<int>& edge_of, std::vector<int>& node_of) const;
  // The original edges of a set of reduced edges plus the fixed ones, sorted.
  std::vector<int> map_back(const std::vector<int>& reduced_edges) const;

  // Reductions; each returns how many nodes or edges it removed.
  int degree_tests();
  int nearest_vertex_test();
  int special_distance_test();
  // lb and rc from dual_ascent on compact(edge_of, node_of), root the compact node `root`.
  // `c` = compact(edge_of, node_of), `da` its dual ascent from the compact node `root`, `ub` the
  // cost of a tree of the reduced graph (without fixed_cost).
  int reduced_cost_test(const SteinerInstance& c, const DualAscent& da, int root, double ub,
                        const std::vector<int>& edge_of, const std::vector<int>& node_of);
  // All tests but the reduced-cost one until they remove less than 1 % of the edges.
  void reduce(int max_rounds = 8);

  const std::vector<Edge>& edges() const { return edges_; }
  bool node_alive(int v) const { return alive_[v]; }
  bool is_terminal(int v) const { return terminal_[v]; }

 private:
  struct Voronoi {
    std::vector<double> d;  // distance to the nearest terminal
    std::vector<int> base;  // that terminal (-1: none reachable)
  };
  Voronoi voronoi();
  int other(int e, int v) const { return edges_[e].u == v ? edges_[e].v : edges_[e].u; }
  int clean_degree(int v);  // drops dead and parallel edges of v, returns its degree
  void kill_edge(int e);
  void kill_node(int v);
  void contract(int e, int keep);

  std::vector<Edge> edges_;
  std::vector<std::vector<int>> adj_;
  std::vector<char> terminal_, alive_;
  std::vector<int> fixed_;
  std::vector<int> mark_;  // scratch: neighbour -> edge
  double fixed_cost_ = 0;
  int n_term_ = 0;
  bool infeasible_ = false;
};


}  // namespace dorsale::solvers
