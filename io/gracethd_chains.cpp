// Where each cable ends (given nodes, drawn geometry snapped to nodes, the duct chain), the
// free fibres of each cable, and the route continuity: free fibres spliced end to end through
// closures grouped into logical links.
#include "io/gracethd_import.h"

namespace dorsale::scenarios::gracethd_import {

// The node nearest to p within gracethd.end_snap_m, or -1 (a grid of cells of that size).
int Importer::snap(const Position& p) {
  const double tol = P_.gracethd.end_snap_m, cell = std::max(tol, 1.0);
  auto key = [&](long i, long j) { return (std::uint64_t(std::uint32_t(i)) << 32) | std::uint32_t(j); };
  if (grid_.empty() && !nodes_.empty())
    for (std::size_t k = 0; k < nodes_.size(); ++k)
      grid_[key(long(std::floor(nodes_[k].pos.x / cell)), long(std::floor(nodes_[k].pos.y / cell)))].push_back(int(k));
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || std::fabs(p.x) > kMaxProjectedCoordinate || std::fabs(p.y) > kMaxProjectedCoordinate)
    return -1;
  const long ci = long(std::floor(p.x / cell)), cj = long(std::floor(p.y / cell));
  int best = -1;
  double best_d = tol;
  for (long i = ci - 1; i <= ci + 1; ++i)
    for (long j = cj - 1; j <= cj + 1; ++j) {
      const auto it = grid_.find(key(i, j));
      if (it == grid_.end()) continue;
      for (int k : it->second) {
        const double d = std::hypot(nodes_[k].pos.x - p.x, nodes_[k].pos.y - p.y);
        if (d <= best_d) {
          best_d = d;
          best = k;
        }
      }
    }
  return best;
}

// The nodes at the two ends of a cable's drawing: the piece ends no other piece's end meets
// (within gracethd.end_snap_m; one piece: its two ends), each snapped to a node.
bool Importer::drawn_ends(const CableIn& c, int& a, int& b) {
  const double tol = P_.gracethd.end_snap_m;
  const auto& e = c.line_ends;
  std::vector<const Position*> free;
  for (std::size_t i = 0; i < e.size(); ++i) {
    bool met = false;
    for (std::size_t j = 0; j < e.size() && !met; ++j)
      met = j != i && (j ^ 1) != i && std::hypot(e[i].x - e[j].x, e[i].y - e[j].y) <= tol;
    if (!met) free.push_back(&e[i]);
  }
  if (free.size() != 2) return false;
  a = snap(*free[0]);
  b = snap(*free[1]);
  return a >= 0 && b >= 0 && a != b;
}

// The two ends of a cable's duct chain: the nodes met an odd number of times by its
// cheminements' ends (cm_ndcode1/2), when they are exactly two.
bool Importer::chain_ends(const CableIn& c, int& a, int& b) const {
  std::map<int, int> degree;
  for (int k : c.cheminements)
    for (const auto* nd : {&chem_[k].nd1, &chem_[k].nd2}) {
      const auto it = node_ix_.find(*nd);
      if (it == node_ix_.end()) return false;
      ++degree[it->second];
    }
  std::vector<int> odd;
  for (const auto& [n, d] : degree)
    if (d % 2) odd.push_back(n);
  if (odd.size() != 2) return false;
  a = odd[0];
  b = odd[1];
  return true;
}

// cb_nd1/cb_nd2 when both name nodes; else the ends of the t_cableline geometry snapped to
// t_noeud within gracethd.end_snap_m; else the ends of the duct chain; else the cable is
// left out with why.
void Importer::resolve_ends() {
  long by_geometry = 0, by_ducts = 0;
  std::vector<std::string> geometry_examples, duct_examples;
  for (auto& c : cables_) {
    if (!c.kept) continue;
    const auto i1 = node_ix_.find(c.nd1), i2 = node_ix_.find(c.nd2);
    int a = -1, b = -1;
    if (i1 != node_ix_.end() && i2 != node_ix_.end()) {
      c.a = i1->second;
      c.b = i2->second;
      c.ends = EndsFrom::Given;
    } else if (drawn_ends(c, a, b)) {
      c.a = a;
      c.b = b;
      c.ends = EndsFrom::Geometry;
      ++by_geometry;
      if (geometry_examples.size() < 5) geometry_examples.push_back(c.code);
    } else if (chain_ends(c, a, b)) {
      c.a = a;
      c.b = b;
      c.ends = EndsFrom::Ducts;
      ++by_ducts;
      if (duct_examples.size() < 5) duct_examples.push_back(c.code);
    } else {
      const bool empty = c.nd1.empty() || c.nd2.empty();
      dropped_.add("t_cable",
                   fmt::format("ends not found: {}, no t_cableline with both ends within gracethd.end_snap_m of a node, "
                               "no duct chain with two ends",
                               empty ? "cb_nd1 or cb_nd2 empty" : "cb_nd1 or cb_nd2 names no t_noeud row"),
                   c.label, empty ? "unplaced" : "dangling_reference");
      c.kept = false;
      continue;
    }
    if (c.a == c.b) {
      dropped_.add("t_cable", "both ends on one node (a cable inside one site)", c.code);
      c.kept = false;
    }
  }
  if (by_geometry > 0)
    out_.info.derived.push_back(fmt::format("{} cables placed by their t_cableline geometry (no usable cb_nd1/cb_nd2; ends within "
                                            "gracethd.end_snap_m = {:g} m of a node), e.g. {}",
                                            by_geometry, P_.gracethd.end_snap_m, fmt::join(geometry_examples, ", ")));
  if (by_ducts > 0)
    out_.info.derived.push_back(fmt::format("{} cables placed by their duct chain (t_cab_cond -> t_cond_chem -> cm_ndcode1/2 ends), e.g. {}",
                                            by_ducts, fmt::join(duct_examples, ", ")));
}

// Length: cb_lgreel, else the cable's cheminements, else its cablelines, else the straight
// line x network.rip_detour_factor. Build cost per km: the mean of the cheminements' rates.
// With t_fibre, a cable listing its fibres has as free pairs its fibres no t_ropt route uses
// and not out of order (fo_etat HS), / 2; a fibre without a row is not counted free.
void Importer::fibre_capacity() {
  if (!have_fibres_) {
    out_.info.derived.push_back("free pairs by the cable-level rule (cb_fo_disp, or cb_capafo - cb_fo_util): the delivery has no t_fibre");
    return;
  }
  std::vector<long>& listed = listed_;
  listed.assign(cables_.size(), 0);
  std::vector<long> free(cables_.size(), 0);
  long routed = 0, broken = 0;
  for (const auto& fo : fibres_) {
    ++listed[fo.cable];
    if (!fo.routed && !fo.broken) ++free[fo.cable];
    routed += fo.routed;
    broken += fo.broken && !fo.routed;
  }
  long cables = 0, short_listed = 0, lowered = 0;
  for (std::size_t i = 0; i < cables_.size(); ++i) {
    auto& c = cables_[i];
    if (!c.kept || listed[i] == 0) continue;
    ++cables;
    if (listed[i] < 2L * c.pairs_total) ++short_listed;
    const int pairs = int(std::min<long>(c.pairs_total, free[i] / 2));
    lowered += pairs < c.pairs_free;
    c.pairs_free = pairs;
  }
  for (const auto& fo : fibres_)  // the free fibres of each kept cable, in t_fibre's order
    if (!fo.routed && !fo.broken && cables_[fo.cable].kept) out_.fibres.free[cables_[fo.cable].code].push_back(fo.code);
  out_.info.derived.push_back(fmt::format("free pairs of {} cables from their t_fibre rows ({} fibres used by a t_ropt route, {} out of order fo_etat HS; "
                                          "{} below what cb_fo_disp / cb_fo_util said); the other cables by the cable-level rule",
                                          cables, routed, broken, lowered));
  if (short_listed > 0)
    out_.info.derived.push_back(fmt::format("{} cables list fewer t_fibre rows than cb_capafo: their unlisted fibres are not counted free", short_listed));
}

// Route continuity by fibre chains (README "Real networks"). A splice closure is a node with
// no site where t_position relates a fibre of one kept cable to a fibre of another, both ending
// there. Every fibre end is spliced to at most one other (ps_fonct EP, CO, PA or empty; not AT,
// PI, nor ps_etat HS; a second splice of one end is ignored, counted): the fibres form chains
// that run through closures and end at a site or other node (patching: any free pair
// continues) or at an end left unspliced in a closure (it goes nowhere: a new splice is works
// the delivery does not record). The chains of free fibres through a closure, grouped by their
// sequence of cables, become one logical link each between the chains' two end nodes: pairs =
// chains / 2, length, latency and rates the sums (weighted means) of its cables', its
// shared-risk groups the union of its cables' plus "cable <cb_code>" of each, which its cables'
// own links also get (a cable's failure takes them all down). A cable ending at a closure keeps
// its link (id cb_code) for its other fibres, with no free pair. A closure where a cable
// without t_fibre rows or to build ends keeps the cable-level rule (said under derived).
// `link_of`: each kept cable's link in `net`. O(fibres + positions) with ordered maps.
void Importer::chains(Network& net, const std::vector<int>& link_of) {
  if (!have_positions_ || !have_fibres_) {
    out_.info.derived.push_back("route continuity: the cable-level rule at every node (the delivery has no t_position): "
                                "a route's free pairs are its links'");
    return;
  }
  auto fibred = [&](int ci) { return cables_[ci].kept && cables_[ci].status != LinkStatus::Planned && listed_[ci] > 0; };
  std::set<int> closures;
  std::map<std::pair<int, int>, int> partner;  // (fibre, node of its end) -> the fibre spliced to that end
  long elsewhere = 0, second = 0;
  for (const auto& sp : splices_) {
    const int x = fibres_[sp.f1].cable, y = fibres_[sp.f2].cable;
    if (!cables_[x].kept || !cables_[y].kept) continue;
    int at = -1;
    for (int n : {cables_[x].a, cables_[x].b})
      if ((n == cables_[y].a || n == cables_[y].b) && nodes_[n].rank < 0) at = n;
    if (at < 0) {
      ++elsewhere;
      continue;
    }
    closures.insert(at);
    if (!sp.joins || sp.broken) continue;
    if (partner.count({sp.f1, at}) || partner.count({sp.f2, at})) {
      ++second;
      continue;
    }
    partner[{sp.f1, at}] = sp.f2;
    partner[{sp.f2, at}] = sp.f1;
  }
  // a closure where a cable without t_fibre rows or to build ends keeps the cable-level rule
  std::vector<std::vector<int>> ending(nodes_.size());
  for (std::size_t i = 0; i < cables_.size(); ++i)
    if (cables_[i].kept)
      for (int n : {cables_[i].a, cables_[i].b}) ending[n].push_back(int(i));
  long by_cable = 0;
  std::vector<std::string> by_cable_examples;
  for (auto it = closures.begin(); it != closures.end();) {
    bool all = true;
    for (int ci : ending[*it]) all = all && fibred(ci);
    if (all) {
      ++it;
      continue;
    }
    if (++by_cable <= 5) by_cable_examples.push_back(nodes_[*it].code);
    it = closures.erase(it);
  }
  // the chains: from each free fibre of a cable ending at a closure, back to the chain's start
  // then forward to its end
  auto other = [&](int f, int n) { return cables_[fibres_[f].cable].a == n ? cables_[fibres_[f].cable].b : cables_[fibres_[f].cable].a; };
  auto next = [&](int f, int n) -> int {  // the fibre continuing f at its end n, or -1
    if (!closures.count(n)) return -1;
    const auto it = partner.find({f, n});
    return it == partner.end() ? -1 : it->second;
  };
  struct Group {
    int from = -1, to = -1;
    std::vector<int> cables;
    std::vector<std::vector<int>> chains;
  };
  std::map<std::vector<int>, Group> groups;  // (from, cables..., to) -> chains
  std::vector<char> seen(fibres_.size(), 0);
  long dead = 0, used = 0;
  for (std::size_t f0 = 0; f0 < fibres_.size(); ++f0) {
    const auto& c0 = cables_[fibres_[f0].cable];
    if (seen[f0] || !fibred(fibres_[f0].cable) || !(closures.count(c0.a) || closures.count(c0.b))) continue;
    // back: from end b of f0's cable towards its end a, while spliced
    int f = int(f0), n = c0.a;
    for (std::size_t steps = 0; steps <= fibres_.size(); ++steps) {
      const int g = next(f, n);
      if (g < 0 || g == int(f0)) break;
      n = other(g, n), f = g;
    }
    // forward from (f, its end n)
    std::vector<int> chain, cables;
    const int from = n;
    bool ring = false;
    for (;;) {
      if (seen[f]) {
        ring = true;
        break;
      }
      seen[f] = 1;
      chain.push_back(f);
      cables.push_back(fibres_[f].cable);
      n = other(f, n);
      const int g = next(f, n);
      if (g < 0) break;
      f = g;
    }
    bool all_free = true;
    for (int g : chain) all_free = all_free && !fibres_[g].routed && !fibres_[g].broken;
    if (ring || chain.size() < 2 || closures.count(from) || closures.count(n)) {
      dead += !ring && all_free;
      continue;  // a ring, or an end left unspliced in a closure: goes nowhere
    }
    if (!all_free) {
      ++used;
      continue;
    }
    // one direction for every chain of the group: from the end whose cable comes first in t_cable
    if (cables.back() < cables.front() || (cables.back() == cables.front() && nodes_[n].code < nodes_[from].code)) {
      std::reverse(chain.begin(), chain.end());
      std::reverse(cables.begin(), cables.end());
      std::vector<int> key = {n};
      key.insert(key.end(), cables.begin(), cables.end());
      key.push_back(from);
      auto& gr = groups[key];
      gr.from = n, gr.to = from, gr.cables = cables;
      gr.chains.push_back(std::move(chain));
    } else {
      std::vector<int> key = {from};
      key.insert(key.end(), cables.begin(), cables.end());
      key.push_back(n);
      auto& gr = groups[key];
      gr.from = from, gr.to = n, gr.cables = cables;
      gr.chains.push_back(std::move(chain));
    }
  }
  // the cables' own links: no free pair once one of their ends is a closure
  std::vector<int> in_chains(cables_.size(), 0);  // pairs of each cable in logical links
  for (const auto& [key, g] : groups)
    for (int ci : g.cables) in_chains[ci] += int(g.chains.size() / 2);
  std::vector<char> touched(cables_.size(), 0);
  for (std::size_t i = 0; i < cables_.size(); ++i) {
    if (!fibred(int(i)) || !(closures.count(cables_[i].a) || closures.count(cables_[i].b))) continue;
    touched[i] = 1;
    Link& l = net.mutable_links()[link_of[i]];
    l.pairs_total = std::max(0, l.pairs_total - in_chains[i]);
    l.pairs_used = l.pairs_total;
    out_.fibres.free.erase(cables_[i].code);
  }
  std::unordered_set<std::string> taken;
  for (const auto& l : net.links()) taken.insert(l.id);
  long logical = 0, chains = 0;
  for (auto& [key, g] : groups) {
    if (g.chains.size() < 2) continue;  // one fibre is not a pair
    Link l;
    std::vector<std::string> codes, srgs;
    double km = 0, lease = 0, build = 0, aerial = 0, duct = 0;
    bool leased = false, dorsale = true;
    for (int ci : g.cables) {
      const Link& c = net.links()[link_of[ci]];
      codes.push_back(cables_[ci].code);
      km += c.length_km;
      lease += c.lease_eur_per_pair_km_year * c.length_km;
      build += c.build_eur_per_km * c.length_km;
      aerial += c.aerial_share * c.length_km;
      duct += c.duct_share * c.length_km;
      leased = leased || c.status == LinkStatus::Leased;
      dorsale = dorsale && c.dorsale;
      srgs.push_back("cable " + cables_[ci].code);
      c.for_each_risk_group([&](const std::string& s) { srgs.push_back(s); });
    }
    l.id = fmt::format("{}", fmt::join(codes, "+"));
    while (!taken.insert(l.id).second) l.id += "'";
    l.length_km = km;
    l.owner = cables_[g.cables.front()].owner;
    l.dorsale = dorsale;
    l.status = leased ? LinkStatus::Leased : LinkStatus::Owned;
    l.pairs_total = int(g.chains.size() / 2);
    // a cable leased, another owned: the leased rate priced on the whole at the mean of both rates, so
    // link_cost gives the sum of its cables' (README "Real networks")
    if (leased)
      for (int ci : g.cables)
        if (net.links()[link_of[ci]].status != LinkStatus::Leased) lease += P_.costs.owned_eur_per_pair_km_year * net.links()[link_of[ci]].length_km;
    l.lease_eur_per_pair_km_year = lease / km;
    l.build_eur_per_km = build / km;
    l.aerial_share = aerial / km;
    l.duct_share = duct / km;
    l.latency_ms = km * P_.network.latency_us_per_km / 1000.0;
    l.corridor = net.links()[link_of[g.cables.front()]].corridor;
    std::sort(srgs.begin(), srgs.end());
    srgs.erase(std::unique(srgs.begin(), srgs.end()), srgs.end());
    l.srg = srgs.front();
    l.extra_srgs.assign(srgs.begin() + 1, srgs.end());
    auto& out = out_.fibres.chains[l.id];
    out.from = nodes_[g.from].code;
    out.cables = codes;
    for (const auto& ch : g.chains) {
      out.fibres.emplace_back();
      for (int f : ch) out.fibres.back().push_back(fibres_[f].code);
    }
    ++logical;
    chains += long(g.chains.size());
    net.add_link(std::move(l), nodes_[g.from].code, nodes_[g.to].code);
  }
  for (std::size_t i = 0; i < cables_.size(); ++i)  // a cable's failure takes down every link through it
    if (touched[i] && in_chains[i] > 0) {
      Link& l = net.mutable_links()[link_of[i]];
      if (l.srg.empty())
        l.srg = "cable " + cables_[i].code;
      else
        l.extra_srgs.push_back("cable " + cables_[i].code);
    }
  out_.info.derived.push_back(fmt::format(
      "route continuity by fibre chains through {} splice closures (nodes with no site where t_position joins fibres of two cables): "
      "{} chains of free fibres spliced end to end (ps_fonct not AT/PI, ps_etat not HS) in {} logical links (one per sequence of cables, "
      "chains / 2 pairs); {} chains with a used or out-of-order fibre, {} free chains ending unspliced in a closure (they go nowhere); "
      "at sites and other nodes any free pair continues",
      closures.size(), chains, logical, used, dead));
  if (by_cable > 0)
    out_.info.derived.push_back(fmt::format(
        "{} splice closures keep the cable-level rule (a cable without t_fibre rows or to build ends there), e.g. {}", by_cable,
        fmt::join(by_cable_examples, ", ")));
  if (second > 0)
    out_.info.derived.push_back(fmt::format("{} t_position rows splice a fibre end already spliced: ignored", second));
  if (elsewhere > 0)
    out_.info.derived.push_back(fmt::format(
        "{} t_position rows join fibres of two cables with no closure (node with no site) in common: not used for continuity", elsewhere));
}

}  // namespace dorsale::scenarios::gracethd_import
