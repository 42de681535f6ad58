#include "models/network.h"

#include <fmt/format.h>

#include <cmath>

#include "models/error.h"

namespace dorsale {

int Network::add_node(Node n) {
  if (n.id.empty()) throw ValidationError("node", "id", "empty");
  if (index_.count(n.id)) throw ValidationError("node " + n.id, "id", "duplicate node id");
  const int i = static_cast<int>(nodes_.size());
  index_.emplace(n.id, i);
  nodes_.push_back(std::move(n));
  return i;
}

int Network::add_link(Link l, const std::string& from_id, const std::string& to_id) {
  auto a = find_node(from_id), b = find_node(to_id);
  const std::string who = "link " + l.id;
  if (!a) throw ValidationError(who, "from", fmt::format("unknown node '{}'", from_id));
  if (!b) throw ValidationError(who, "to", fmt::format("unknown node '{}'", to_id));
  l.a = *a;
  l.b = *b;
  links_.push_back(std::move(l));
  return static_cast<int>(links_.size()) - 1;
}

std::optional<int> Network::find_node(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

double Network::dorsale_km() const {
  double km = 0;
  for (const auto& l : links_)
    if (l.dorsale) km += l.length_km;
  return km;
}

std::vector<std::string> Network::external_hub_names() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_)
    if (n.kind == NodeKind::ExternalHub) out.push_back(n.name);
  return out;
}

bool Link::in_risk_group(const std::string& g) const {
  if (g.empty()) return false;
  if (srg == g) return true;
  for (const auto& e : extra_srgs)
    if (e == g) return true;
  return false;
}

NetworkTotals network_totals(const Network& net) {
  NetworkTotals t;
  t.nodes = std::int64_t(net.nodes().size());
  t.links = std::int64_t(net.links().size());
  for (const auto& n : net.nodes()) ++t.by_kind[n.kind];
  std::unordered_map<std::string, int> members;
  for (const auto& l : net.links()) {
    t.km += l.length_km;
    t.fibres += 2 * std::int64_t(l.pairs_total);
    if (l.status != LinkStatus::Planned) t.free_pairs += l.pairs_free();
    if (l.status == LinkStatus::Leased) t.leased_km += l.length_km;
    if (l.status == LinkStatus::Planned) t.planned_km += l.length_km;
    l.for_each_risk_group([&](const std::string& g) { ++members[g]; });
  }
  for (const auto& [g, n] : members) t.shared_risk_groups += n >= 2;
  return t;
}

void validate(const Network& net) {
  for (const auto& n : net.nodes()) {
    if (!std::isfinite(n.pos.lon) || !std::isfinite(n.pos.lat) || !std::isfinite(n.pos.x))
      throw ValidationError("node " + n.id, "position", "not a finite position");
  }
  std::unordered_map<std::string, int> ids;
  for (const auto& l : net.links()) {
    const std::string who = "link " + l.id;
    if (l.id.empty()) throw ValidationError("link", "id", "empty");
    if (!ids.emplace(l.id, 1).second) throw ValidationError(who, "id", "duplicate link id");
    if (l.a < 0 || l.b < 0 || l.a >= (int)net.nodes().size() || l.b >= (int)net.nodes().size())
      throw ValidationError(who, "from/to", "node index out of range");
    if (l.a == l.b) throw ValidationError(who, "to", "a link cannot join a node to itself");
    if (!(l.length_km > 0) || !std::isfinite(l.length_km))
      throw ValidationError(who, "length_km", fmt::format("{} is not a positive length", l.length_km));
    if (l.pairs_total < 0) throw ValidationError(who, "pairs_total", "negative capacity");
    if (l.pairs_used < 0) throw ValidationError(who, "pairs_used", "negative");
    if (l.pairs_used > l.pairs_total)
      throw ValidationError(who, "pairs_used",
                            fmt::format("{} used is above the {} pairs of the cable", l.pairs_used,
                                        l.pairs_total));
    if (l.lease_eur_per_pair_km_year < 0)
      throw ValidationError(who, "lease_eur_per_pair_km_year", "negative cost");
    if (l.build_eur_per_km < 0) throw ValidationError(who, "build_eur_per_km", "negative cost");
    if (l.latency_ms < 0) throw ValidationError(who, "latency_ms", "negative");
  }
}

}  // namespace dorsale
