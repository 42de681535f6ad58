#pragma once
// A Steiner tree problem in a graph: connect every terminal at least total edge weight.
// Nodes are 0-based here (the SteinLib format numbers them from 1).
#include <string>
#include <vector>

namespace dorsale {

struct SteinerEdge {
  int u = 0, v = 0;
  double w = 0;
};

struct SteinerInstance {
  std::string name;
  int nodes = 0;
  std::vector<SteinerEdge> edges;
  std::vector<int> terminals;
};

// Throws ValidationError: node out of range, negative weight, self loop, duplicate terminal.
void validate(const SteinerInstance& s);

}  // namespace dorsale
