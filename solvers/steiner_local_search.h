#pragma once
// The local search of solvers/steiner_local.h, shared by its two files: solvers/steiner_local.cpp
// (construction, pruning, key-path exchange, vertex insertion and elimination) and
// solvers/steiner_key_vertex.cpp (key-vertex elimination). Internal to solvers/.
#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <utility>
#include <vector>

#include "solvers/steiner_local.h"

namespace dorsale::solvers::steiner_ls {

constexpr double kInf = std::numeric_limits<double>::infinity();
using QItem = std::pair<double, int>;
using MinQueue = std::priority_queue<QItem, std::vector<QItem>, std::greater<QItem>>;

inline double improvement_eps(double cost) { return 1e-9 * std::max(1.0, cost); }

// Union-find over all nodes, reset in O(touched).
class Dsu {
 public:
  explicit Dsu(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  bool unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return false;
    touched_.push_back(a);
    parent_[a] = b;
    return true;
  }
  void reset() {
    for (int x : touched_) parent_[x] = x;
    touched_.clear();
  }

 private:
  std::vector<int> parent_, touched_;
};

using WEdge = std::pair<double, int>;  // (weight, edge), sorted: deterministic ties

std::vector<int> kruskal(const SteinerInstance& s, Dsu& dsu, const std::vector<WEdge>& sorted, int skip = -1);

std::vector<char> node_set(const SteinerInstance& s, int n, const std::vector<int>& edges);

// Edges of the subgraph induced by `in`, sorted by weight.
std::vector<WEdge> induced_edges(const SteinerInstance& s, const std::vector<char>& in);

std::vector<std::vector<int>> tree_incidence(const SteinerInstance& s, int n, const std::vector<int>& edges);

struct KeyPath {
  std::vector<int> edges, inner;
  double cost = 0;
  int a = -1;  // one end
};

// The key paths of a tree: maximal paths whose inner nodes are Steiner nodes of degree 2.
std::vector<KeyPath> key_paths(const SteinerInstance& s, const SteinerCsr& g, const std::vector<std::vector<int>>& at);

// Scratch arrays of the local search over one instance, reset in O(touched).
class Local {
 public:
  Local(const SteinerInstance& s, const SteinerCsr& g)
      : s_(s), g_(g), dsu_(g.n), deg_(g.n, 0), xr_(g.n, 0), d_(g.n, kInf), pred_(g.n, -1), side_(g.n, 0), comp_(g.n, -1),
        free_base_(g.n, -1), is_free_(g.n, 0) {
    dead_.assign(s.edges.size(), 0);
  }
  SteinerTree prune(const std::vector<int>& edges);
  std::vector<int> kruskal(const std::vector<WEdge>& sorted, int skip = -1) { return steiner_ls::kruskal(s_, dsu_, sorted, skip); }
  bool key_path_pass(SteinerTree& t);
  bool insertion_pass(SteinerTree& t);
  bool elimination_pass(SteinerTree& t);
  bool key_vertex_pass(SteinerTree& t);

 private:
  int other(int e, int x) const { return s_.edges[e].u == x ? s_.edges[e].v : s_.edges[e].u; }
  bool label_sides(const SteinerTree& t, const KeyPath& p, const std::vector<std::vector<int>>& at, std::vector<int>& part);
  std::vector<int> bounded_join(const std::vector<int>& sources, double limit);

  const SteinerInstance& s_;
  const SteinerCsr& g_;
  Dsu dsu_;
  std::vector<int> deg_, xr_;  // prune: degree and xor of the incident edges
  std::vector<int> stack_;
  std::vector<char> dead_;
  std::vector<double> d_;      // bounded Dijkstra
  std::vector<int> pred_, touched_;
  std::vector<char> side_;     // 1: the part searched from, 2: the other part, 0: neither
  // key-vertex elimination: Voronoi regions of the tree nodes, then of the freed nodes
  struct Voronoi {
    std::vector<double> d;
    std::vector<int> base, pred;
  };
  Voronoi tree_voronoi(const SteinerTree& t) const;
  void free_regions(const Voronoi& vo, const std::vector<int>& freed);
  std::vector<int> path_to_tree(const Voronoi& vo, int x) const;
  void label_parts(const std::vector<int>& ends, const std::vector<std::vector<int>>& at);
  std::vector<int> mst_of_parts(int k, const std::vector<std::pair<double, int>>& best, double& total) const;
  bool eliminate(SteinerTree& t, const Voronoi& vo, const std::vector<const KeyPath*>& paths, int v,
                 const std::vector<std::vector<int>>& at, const std::vector<std::vector<int>>& members,
                 const std::vector<std::pair<double, int>>& boundary);
  std::vector<int> comp_, free_base_;
  std::vector<char> is_free_;
};

}  // namespace dorsale::solvers::steiner_ls
