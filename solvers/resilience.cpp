#include "solvers/resilience.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/biconnected_components.hpp>

#include <algorithm>
#include <limits>
#include <iterator>
#include <map>
#include <random>
#include <stdexcept>
#include <utility>

namespace dorsale::solvers {

namespace {

using BglGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                       boost::property<boost::edge_index_t, std::size_t>>;

// The graph examined: nodes 0..n-1 plus the root n joined to every core node; parallel links
// collapsed into one edge each.
struct Collapsed {
  int n = 0, root = 0;
  std::vector<std::pair<int, int>> ends;        // per edge
  std::vector<std::vector<int>> links;          // per edge: the network links it stands for (root edges: none)
  std::vector<int> edge_of_link;                // per network link: its edge, -1 when not examined
  std::vector<std::vector<std::pair<int, int>>> adj;  // per node: (neighbour, network link); root edges: link -1
};

Collapsed collapse(const Network& net, const std::vector<int>& core, bool include_planned) {
  Collapsed c;
  c.n = int(net.nodes().size());
  c.root = c.n;
  c.adj.resize(std::size_t(c.n) + 1);
  c.edge_of_link.assign(net.links().size(), -1);
  std::map<std::pair<int, int>, int> by_pair;
  for (std::size_t j = 0; j < net.links().size(); ++j) {
    const Link& l = net.links()[j];
    if (l.status == LinkStatus::Planned && !include_planned) continue;
    const std::pair<int, int> key{std::min(l.a, l.b), std::max(l.a, l.b)};
    auto [it, fresh] = by_pair.emplace(key, int(c.ends.size()));
    if (fresh) {
      c.ends.push_back(key);
      c.links.emplace_back();
    }
    c.links[it->second].push_back(int(j));
    c.edge_of_link[j] = it->second;
    c.adj[l.a].emplace_back(l.b, int(j));
    c.adj[l.b].emplace_back(l.a, int(j));
  }
  std::vector<char> seen(c.n, 0);
  for (int v : core) {
    if (seen[v]) continue;
    seen[v] = 1;
    c.ends.emplace_back(c.root, v);
    c.links.emplace_back();
    c.adj[c.root].emplace_back(v, -1);
    c.adj[v].emplace_back(c.root, -1);
  }
  return c;
}

// Nodes reached from the root without the removed links and without the removed node.
std::vector<char> reach(const Collapsed& c, const std::vector<char>& link_removed, int node_removed) {
  std::vector<char> seen(std::size_t(c.n) + 1, 0);
  std::vector<int> stack{c.root};
  seen[c.root] = 1;
  while (!stack.empty()) {
    const int u = stack.back();
    stack.pop_back();
    for (const auto& [v, j] : c.adj[u]) {
      if (seen[v] || v == node_removed || (j >= 0 && link_removed[j])) continue;
      seen[v] = 1;
      stack.push_back(v);
    }
  }
  return seen;
}

// The block-cut tree rooted at the root: vertices 0..n (n = root), blocks n+1+b. `order` lists
// the nodes (root left out) in depth-first preorder; a tree vertex x covers order[tin[x], tout[x]).
struct BlockCutTree {
  std::vector<int> order;
  std::vector<int> tin, tout;  // -1: not reached from the root
};

BlockCutTree block_cut_tree(const Collapsed& c, const std::vector<std::size_t>& comp, std::size_t blocks) {
  const int V = c.n + 1;
  std::vector<std::vector<int>> block_nodes(blocks);
  for (std::size_t e = 0; e < c.ends.size(); ++e) {
    block_nodes[comp[e]].push_back(c.ends[e].first);
    block_nodes[comp[e]].push_back(c.ends[e].second);
  }
  std::vector<std::vector<int>> tree(std::size_t(V) + blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    auto& nodes = block_nodes[b];
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    for (int v : nodes) {
      tree[v].push_back(V + int(b));
      tree[V + b].push_back(v);
    }
  }
  BlockCutTree t;
  t.tin.assign(tree.size(), -1);
  t.tout.assign(tree.size(), -1);
  // iterative depth-first search: (tree vertex, next neighbour to look at)
  std::vector<std::pair<int, std::size_t>> stack{{c.root, 0}};
  t.tin[c.root] = 0;
  while (!stack.empty()) {
    auto& [x, k] = stack.back();
    if (k < tree[x].size()) {
      const int y = tree[x][k++];
      if (t.tin[y] >= 0) continue;
      t.tin[y] = int(t.order.size());
      if (y < V) t.order.push_back(y);
      stack.emplace_back(y, 0);
    } else {
      t.tout[x] = int(t.order.size());
      stack.pop_back();
    }
  }
  return t;
}

// Cut-space labels: a spanning tree of the root's part (a breadth-first search over the links
// and the root's edges); every other examined link there gets a random 64-bit label, a tree
// link the XOR of the labels of the links whose cycle crosses it. The labels of a set of links
// that is a cut (all the links between some node set and the rest) XOR to zero, since a cycle
// crosses a cut an even number of times; a set with no cut in it has linearly independent
// labels except with probability about 2^-64 per subset. So a group whose labels are
// independent cuts nothing; a dependent one is recounted by a search (exact either way). The
// generator's seed is fixed: the same input gives the same labels.
std::vector<std::uint64_t> cut_labels(const Collapsed& c, std::size_t link_count) {
  std::vector<std::uint64_t> label(link_count, 0), acc(std::size_t(c.n) + 1, 0);
  std::vector<int> parent_link(std::size_t(c.n) + 1, -2), order{c.root};
  std::vector<char> tree(link_count, 0);
  parent_link[c.root] = -1;
  for (std::size_t k = 0; k < order.size(); ++k)
    for (const auto& [v, j] : c.adj[order[k]]) {
      if (parent_link[v] != -2) continue;
      parent_link[v] = j;
      if (j >= 0) tree[j] = 1;
      order.push_back(v);
    }
  std::mt19937_64 rng(0x5e11e7ce5eedULL);
  for (const int u : order)
    for (const auto& [v, j] : c.adj[u])
      if (j >= 0 && !tree[j] && u < v && label[j] == 0) {
        label[j] = rng() | 1u;  // never zero
        acc[u] ^= label[j];
        acc[v] ^= label[j];
      }
  std::vector<int> parent(std::size_t(c.n) + 1, -1);
  for (const int u : order)
    for (const auto& [v, j] : c.adj[u])
      if (j >= 0 && j == parent_link[v] && parent[v] < 0 && v != c.root) parent[v] = u;
  for (std::size_t k = order.size(); k-- > 1;) {
    const int v = order[k];
    if (parent_link[v] >= 0) label[parent_link[v]] = acc[v];
    if (parent[v] >= 0) acc[parent[v]] ^= acc[v];
  }
  return label;
}

// Whether some non-empty subset of the labels XORs to zero (Gaussian elimination over GF(2)).
bool dependent(const std::vector<std::uint64_t>& labels) {
  if (labels.size() > 64) return true;
  std::uint64_t basis[64] = {};
  for (std::uint64_t x : labels) {
    for (int b = 63; b >= 0 && x; --b) {
      if (!((x >> b) & 1u)) continue;
      if (!basis[b]) {
        basis[b] = x;
        break;
      }
      x ^= basis[b];
    }
    if (x == 0) return true;
  }
  return false;
}

}  // namespace

ResilienceResult analyse_resilience(const Network& net, const ResilienceInput& in) {
  const int n = int(net.nodes().size());
  if (in.premises.size() != std::size_t(n) || in.high_points.size() != std::size_t(n))
    throw std::invalid_argument("analyse_resilience: premises and high_points need one entry per node");
  for (int v : in.core)
    if (v < 0 || v >= n) throw std::invalid_argument("analyse_resilience: core node index out of range");
  ResilienceResult r;
  r.include_planned = in.include_planned;
  r.nodes = n;
  for (int v = 0; v < n; ++v) {
    r.premises += in.premises[v];
    r.high_points += in.high_points[v];
  }
  for (int v : in.core) r.core.push_back(net.node(v).id);
  std::sort(r.core.begin(), r.core.end());
  r.core.erase(std::unique(r.core.begin(), r.core.end()), r.core.end());
  if (in.core.empty()) {
    r.status = ResilienceStatus::NoCore;
    return r;
  }
  const Collapsed c = collapse(net, in.core, in.include_planned);
  for (int e : c.edge_of_link) r.links += e >= 0;

  // the shared-risk groups of two examined links or more, by name
  std::map<std::string, std::vector<int>> groups;
  for (std::size_t j = 0; j < net.links().size(); ++j)
    if (c.edge_of_link[j] >= 0) net.links()[j].for_each_risk_group([&](const std::string& g) { groups[g].push_back(int(j)); });
  for (auto it = groups.begin(); it != groups.end();) {
    auto& ls = it->second;
    std::sort(ls.begin(), ls.end());
    ls.erase(std::unique(ls.begin(), ls.end()), ls.end());
    it = ls.size() < 2 ? groups.erase(it) : std::next(it);
  }
  r.groups = std::int64_t(groups.size());

  // Boost.Graph: blocks and articulation points
  BglGraph g(std::size_t(n) + 1);
  for (std::size_t e = 0; e < c.ends.size(); ++e) boost::add_edge(c.ends[e].first, c.ends[e].second, e, g);
  std::vector<std::size_t> comp(c.ends.size());
  auto comp_map = boost::make_iterator_property_map(comp.begin(), boost::get(boost::edge_index, g));
  std::vector<BglGraph::vertex_descriptor> arts;
  const std::size_t blocks = boost::biconnected_components(g, comp_map, std::back_inserter(arts)).first;
  std::vector<int> block_edges(blocks, 0);
  for (std::size_t e = 0; e < c.ends.size(); ++e) ++block_edges[comp[e]];
  auto is_bridge = [&](std::size_t e) { return c.links[e].size() == 1 && block_edges[comp[e]] == 1; };

  const BlockCutTree t = block_cut_tree(c, comp, blocks);
  const int V = n + 1;
  // baseline: nodes the tree does not reach
  for (int v = 0; v < n; ++v)
    if (t.tin[v] < 0) {
      r.baseline_cut_nodes.push_back(net.node(v).id);
      r.baseline_cut_premises += in.premises[v];
      r.baseline_cut_high_points += in.high_points[v];
    }

  const std::size_t cap = in.max_listed < 0 ? std::numeric_limits<std::size_t>::max() : std::size_t(in.max_listed);
  // the listed nodes of a cut: at most `cap` of them (the smallest indices), in index order
  auto list = [&](Failure& f, std::vector<int> cut) {
    if (cut.size() > cap) {
      std::nth_element(cut.begin(), cut.begin() + std::ptrdiff_t(cap), cut.end());
      cut.resize(cap);
    }
    std::sort(cut.begin(), cut.end());
    for (int v : cut) f.cut_nodes.push_back(net.node(v).id);
  };
  // a shared-risk group's cut, found by a search
  auto make = [&](std::string id, FailureKind kind, std::vector<int> cut) {
    Failure f;
    f.id = std::move(id);
    f.kind = kind;
    f.cut_node_count = std::int64_t(cut.size());
    for (int v : cut) {
      f.cut_premises += in.premises[v];
      f.cut_high_points += in.high_points[v];
      f.cut_nros += net.node(v).kind == NodeKind::Nro;
    }
    list(f, std::move(cut));
    return f;
  };
  // a link's or node's cut: the nodes t.order[from, to) below it, counted by prefix sums
  std::vector<std::int64_t> pre_premises(t.order.size() + 1, 0), pre_hp(t.order.size() + 1, 0), pre_nros(t.order.size() + 1, 0);
  for (std::size_t k = 0; k < t.order.size(); ++k) {
    const int v = t.order[k];
    pre_premises[k + 1] = pre_premises[k] + in.premises[std::size_t(v)];
    pre_hp[k + 1] = pre_hp[k] + in.high_points[std::size_t(v)];
    pre_nros[k + 1] = pre_nros[k] + (net.node(v).kind == NodeKind::Nro);
  }
  auto make_range = [&](std::string id, FailureKind kind, int from, int to) {
    Failure f;
    f.id = std::move(id);
    f.kind = kind;
    f.cut_node_count = to - from;
    f.cut_premises = pre_premises[std::size_t(to)] - pre_premises[std::size_t(from)];
    f.cut_high_points = pre_hp[std::size_t(to)] - pre_hp[std::size_t(from)];
    f.cut_nros = pre_nros[std::size_t(to)] - pre_nros[std::size_t(from)];
    // listed: the first `cap` nodes below the failure in the tree's depth-first order (O(cap):
    // a range scan for the smallest indices would make a chain quadratic again)
    const int last = int(std::min<std::size_t>(std::size_t(to - from), cap)) + from;
    list(f, std::vector<int>(t.order.begin() + from, t.order.begin() + last));
    return f;
  };

  // single links: the bridges
  for (std::size_t e = 0; e < c.ends.size(); ++e) {
    if (c.links[e].empty() || !is_bridge(e)) continue;
    ++r.bridges;
    const int b = V + int(comp[e]);
    if (t.tin[b] < 0) continue;  // in a part already cut off
    const int j = c.links[e].front();
    Failure f = make_range(net.links()[j].id, FailureKind::Link, t.tin[b], t.tout[b]);
    f.links = {net.links()[j].id};
    if (f.cut_node_count > 0) r.failures.push_back(std::move(f));
  }
  // single nodes: the articulation points (the root is not a node of the network)
  for (auto a : arts) {
    const int v = int(a);
    if (v == c.root) continue;
    ++r.articulation_points;
    if (t.tin[v] < 0) continue;
    Failure f = make_range(net.node(v).id, FailureKind::Node, t.tin[v] + 1, t.tout[v]);
    if (f.cut_node_count > 0) r.failures.push_back(std::move(f));
  }
  // shared-risk groups: the edges that disappear; a search only when they can cut something
  const std::vector<char> baseline = reach(c, std::vector<char>(net.links().size(), 0), -1);
  std::vector<char> removed(net.links().size(), 0);
  std::vector<int> gone(c.ends.size(), 0);
  const std::vector<std::uint64_t> labels = cut_labels(c, net.links().size());
  for (const auto& [name, ls] : groups) {
    std::vector<int> dead;
    for (int j : ls)
      if (++gone[c.edge_of_link[j]] == int(c.links[c.edge_of_link[j]].size())) dead.push_back(c.edge_of_link[j]);
    bool may_cut = false;
    std::vector<std::size_t> dead_blocks;
    for (int e : dead) {
      if (block_edges[comp[e]] == 1) may_cut = true;  // a bridge of the merged graph, whatever its multiplicity
      dead_blocks.push_back(comp[e]);
    }
    std::sort(dead_blocks.begin(), dead_blocks.end());
    if (std::adjacent_find(dead_blocks.begin(), dead_blocks.end()) != dead_blocks.end()) may_cut = true;
    if (may_cut) {  // two lost edges in one block, or a bridge: a cut only if the labels are dependent
      std::vector<std::uint64_t> ls_labels;
      for (int j : ls)
        if (baseline[net.links()[j].a]) ls_labels.push_back(labels[j]);
      may_cut = dependent(ls_labels);
    }
    if (may_cut) {
      for (int j : ls) removed[j] = 1;
      const std::vector<char> now = reach(c, removed, -1);
      for (int j : ls) removed[j] = 0;
      std::vector<int> cut;
      for (int v = 0; v < n; ++v)
        if (baseline[v] && !now[v]) cut.push_back(v);
      Failure f = make(name, FailureKind::Srg, std::move(cut));
      for (int j : ls) f.links.push_back(net.links()[j].id);
      if (f.cut_node_count > 0) r.failures.push_back(std::move(f));
    }
    for (int j : ls) gone[c.edge_of_link[j]] = 0;
  }
  std::sort(r.failures.begin(), r.failures.end(), worse_failure);
  return r;
}

}  // namespace dorsale::solvers
