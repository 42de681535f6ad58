// The generated delivery of bench_gracethd and bench_queue_scale: a grid of side x side nodes
// 2 km apart (one NRO in 25, one point of presence in 400, the rest plain junctions), a cable on
// every grid edge (1 in 10 leased, 1 in 50 to build, 1 in 20 pairs of neighbours sharing a duct,
// 36 pairs of which c % 36 are used).
#pragma once
#include <fmt/format.h>

#include "models/network.h"
#include "models/parameters.h"
#include "io/projection.h"

namespace dorsale::bench {

inline Network grid_delivery(int side, const Parameters& P) {
  Network net;
  const auto& proj = scenarios::Projection::for_this_thread();
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      Node n;
      n.id = fmt::format("ND{:03d}{:03d}", i, j);
      const int k = i * side + j;
      n.kind = k % 400 == 0 ? NodeKind::DorsalePop : k % 25 == 0 ? NodeKind::Nro : NodeKind::Junction;
      n.name = n.id;
      n.pos = proj.from_l93(600000 + 2000.0 * i, 6500000 + 2000.0 * j);
      n.owner = "RIP";
      net.add_node(n);
    }
  int c = 0;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j)
      for (int dir = 0; dir < 2; ++dir) {
        const int ni = i + (dir == 0), nj = j + (dir == 1);
        if (ni >= side || nj >= side) continue;
        Link l;
        l.id = fmt::format("CB{:06d}", c);
        l.length_km = 2.4;
        l.owner = c % 10 == 0 ? "operator" : "RIP";
        l.status = c % 50 == 1 ? LinkStatus::Planned : c % 10 == 0 ? LinkStatus::Leased : LinkStatus::Owned;
        l.pairs_total = 36;
        l.pairs_used = c % 36;
        l.lease_eur_per_pair_km_year = l.status == LinkStatus::Leased ? P.costs.lease_eur_per_pair_km_year : 0;
        l.build_eur_per_km = P.costs.build_eur_per_km;
        l.latency_ms = l.length_km * P.network.latency_us_per_km / 1000;
        if (c % 20 == 0 || c % 20 == 1) l.srg = fmt::format("CM-SHARED-{:06d}", c / 20);
        net.add_link(l, fmt::format("ND{:03d}{:03d}", i, j), fmt::format("ND{:03d}{:03d}", ni, nj));
        ++c;
      }
  return net;
}

}  // namespace dorsale::bench
