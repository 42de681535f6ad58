#pragma once
// The fibre network as a graph: the regional backbone (Dorsale), the RIP networks of the
// départements, external hubs. Links are undirected fibre cables counted in pairs.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/geo.h"

namespace dorsale {

enum class NodeKind : int {
  DorsalePop = 0,   // point of presence of the regional backbone
  ExternalHub = 1,  // Paris, Lyon, Strasbourg: where the region meets national networks
  Nro = 2,          // nœud de raccordement optique (FttH central office)
  HighPoint = 3,    // mobile tower / mast, when attached to the network
  DataCentre = 4,
  Junction = 5      // splice or branching point
};
inline constexpr int kNodeKindCount = 6;  // (NodeKind, LinkStatus: spelled by io/spelling.h)

enum class LinkStatus : int { Leased = 0, Owned = 1, Planned = 2 };

struct Node {
  std::string id;  // stable, user-facing ("pop:dijon", "hub:paris", "nro:21-004")
  std::string name;
  NodeKind kind = NodeKind::Junction;
  Position pos;
  std::string departement;  // empty for hubs outside the region
  std::string owner;        // "Région", "RIP 21", ...
};

struct Link {
  std::string id;
  int a = -1, b = -1;  // node indices; the link is undirected
  double length_km = 0;
  std::string owner;       // "Région" for the Dorsale, the RIP's name otherwise
  bool dorsale = false;    // part of the regional backbone
  LinkStatus status = LinkStatus::Leased;
  int pairs_total = 0;     // fibre pairs in the cable available to the network
  int pairs_used = 0;
  double lease_eur_per_pair_km_year = 0;  // what one pair costs per km per year (leased)
  double build_eur_per_km = 0;            // what building this link costs (planned links)
  std::string srg;  // shared-risk group: links in the same duct/trench; empty = its own
  // Further shared-risk groups of a link that runs through several shared trenches (a GraceTHD
  // cable through several cheminements each carried by other cables too); `srg` is the first.
  std::vector<std::string> extra_srgs;
  double latency_ms = 0;  // one-way propagation delay
  std::string corridor;   // motorway / road corridor ("A36"), informational
  // Shares of the length built aerial and pulled in a reused duct (a GraceTHD cable's
  // cheminements); the rest is trench. For the bills of quantities of the links a plan builds.
  double aerial_share = 0, duct_share = 0;

  int pairs_free() const { return pairs_total - pairs_used; }
  bool in_risk_group(const std::string& g) const;  // srg or one of extra_srgs
  template <class F>
  void for_each_risk_group(F&& f) const {  // srg then extra_srgs, non-empty ones
    if (!srg.empty()) f(srg);
    for (const auto& g : extra_srgs)
      if (!g.empty()) f(g);
  }
};

class Network {
 public:
  // Adds a node; throws ValidationError if the id is empty or already present.
  int add_node(Node n);
  // Adds a link between two existing node ids; throws ValidationError on unknown ids.
  int add_link(Link l, const std::string& from_id, const std::string& to_id);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Link>& links() const { return links_; }
  std::vector<Link>& mutable_links() { return links_; }
  std::optional<int> find_node(const std::string& id) const;
  const Node& node(int i) const { return nodes_.at(i); }

  double dorsale_km() const;
  std::vector<std::string> external_hub_names() const;

 private:
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::unordered_map<std::string, int> index_;
};

// What `dorsale network info` counts (README "Real networks"). Fibres are counted as two per
// pair (GraceTHD capacities are in fibres; the model keeps pairs, an odd fibre is not a pair).
struct NetworkTotals {
  std::int64_t nodes = 0, links = 0;
  double km = 0;                       // sum of link lengths
  std::int64_t fibres = 0;             // sum of capacities, 2 x pairs_total
  std::int64_t free_pairs = 0;         // free pairs of the links in service (planned ones left out)
  std::int64_t shared_risk_groups = 0; // distinct groups carrying two links or more
  std::map<NodeKind, std::int64_t> by_kind;  // kind -> nodes (kinds present only)
  double leased_km = 0, planned_km = 0;
};
NetworkTotals network_totals(const Network& n);

// A row of an input table left out of the model, and why (an abandoned cable, a chamber no
// cable ends at): reported, never silently dropped. Rows are grouped by (table, kind, why).
// `kind` is empty for rows the model's rules leave out; for a row refused because of what it
// holds: "value_list" (a code outside its l_* list), "dangling_reference" (a code naming no
// row), "duplicate_code", "bad_value" (not a number, negative, above the capacity...),
// "malformed_row" (a CSV line with too many or too few fields, too long), "encoding" (text
// not UTF-8 in the declared encoding), "unplaced" (a cable whose ends cannot be found).
// The same struct lists rows kept with a warning (NetworkInfo::warnings: "length_gap",
// "unknown_organisation", "unread_rows": GDAL read fewer rows than the file announces).
struct DroppedRows {
  std::string table;
  std::string why;
  std::int64_t count = 0;
  std::vector<std::string> examples;  // the first few codes (with the line for refused rows)
  std::string kind;
};

// `dorsale network info`: where the network comes from and what it holds.
struct NetworkInfo {
  std::string source;  // the path read
  std::string format;  // "gracethd-shpcsv", "gracethd-gpkg", "dorsale-layers"
  NetworkTotals totals;
  std::vector<DroppedRows> dropped;
  std::vector<DroppedRows> warnings;  // rows kept, with something a checker reports
  std::vector<std::string> derived;  // values derived by a documented rule, with counts
};

// `dorsale network check`: what a GraceTHD checker tells before anyone uses a delivery.
struct TableRead {
  std::string table;  // "t_cable"
  std::string file;   // the file (or GeoPackage) it was read from
  std::int64_t rows = 0;
};
struct NetworkCheck {
  bool usable = false;
  std::string error;                 // why not usable (the import's one error), or empty
  std::vector<TableRead> read;       // tables present and read
  std::vector<std::string> ignored;  // tables (files or layers) present and not read
  NetworkInfo info;                  // source, format, totals, dropped rows, warnings
};

// Throws ValidationError naming the link or node and the field: negative lengths or
// capacities, used above total, self-loops, non-finite positions.
void validate(const Network& n);

}  // namespace dorsale
