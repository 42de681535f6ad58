#pragma once
// What `dorsale resilience` finds (typed): which single failure (a link, a shared-risk group
// failing as one, a node) cuts which nodes, premises and high points from the core (the
// Dorsale's points of presence and the external hubs, or one node given by --from). Written by
// viz/resilience_writer (resilience.json, the text table, the `resilience` layer, the report).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dorsale {

enum class FailureKind : int { Link = 0, Srg = 1, Node = 2 };
// (FailureKind, ResilienceStatus: spelled by io/spelling.h)

struct Failure {
  std::string id;  // the link id, the shared-risk group's name or the node id
  FailureKind kind = FailureKind::Link;
  std::vector<std::string> links;      // the links that fail (one for a link, the group's for an srg, none for a node)
  // Nodes that lose every path to the core (the failed node itself left out): how many, and
  // at most ResilienceInput::max_listed of them in node index order (all of them when the cap
  // allows; else, for a link or node, the first below it depth-first from the core, for a
  // shared-risk group the smallest indices): a long chain cuts O(n) nodes at each of its n
  // articulation points, so full lists would grow with n².
  std::int64_t cut_node_count = 0;
  std::vector<std::string> cut_nodes;
  std::int64_t cut_premises = 0;       // premises of the communes whose NRO is a cut node
  std::int64_t cut_high_points = 0;    // fibred high points attached to a cut node
  std::int64_t cut_nros = 0;           // NROs among cut_nodes
};

// Worst first: cut_premises desc, then cut_high_points desc, then kind (link, srg, node),
// then id. Every failure listed cuts at least one node.
bool worse_failure(const Failure& a, const Failure& b);

enum class ResilienceStatus : int {
  Complete = 0,  // every link, group and node examined
  NoCore = 1     // the network has no core node: nothing examined
};

struct ResilienceResult {
  ResilienceStatus status = ResilienceStatus::Complete;
  std::vector<std::string> core;  // node ids the connectivity is counted to
  bool include_planned = false;   // planned links counted as built
  std::int64_t nodes = 0, links = 0;  // in the graph examined (links: in service, or all with planned)
  std::int64_t groups = 0;            // shared-risk groups of two links or more among them
  std::int64_t articulation_points = 0, bridges = 0;  // of the graph with the core joined into one
  // Cut off before any failure (no path to the core over the links examined): not attributed
  // to any failure.
  std::vector<std::string> baseline_cut_nodes;
  std::int64_t baseline_cut_premises = 0, baseline_cut_high_points = 0;
  std::int64_t premises = 0;            // premises attached to a node (communes with an NRO of the network)
  std::int64_t high_points = 0;         // fibred high points attached to a node
  std::int64_t high_points_unattached = 0;  // fibred high points farther than the attachment distance from any node
  std::vector<Failure> failures;        // worst first (worse_failure)
};

}  // namespace dorsale
