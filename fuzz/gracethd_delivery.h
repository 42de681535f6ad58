#pragma once
// The small GraceTHD delivery of the GraceTHD fuzz targets (fuzz_gracethd_import,
// fuzz_gracethd_check): 3 nodes, 3 cables (two of them in one cheminement), written by the
// export's writer; and the file helpers they share.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "models/network.h"
#include "io/projection.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace dorsale_fuzz {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
inline void put(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline dorsale::Network small_network() {
  using namespace dorsale;
  Network net;
  const auto& proj = scenarios::Projection::for_this_thread();
  const char* ids[] = {"A", "B", "C"};
  const NodeKind kinds[] = {NodeKind::Nro, NodeKind::DorsalePop, NodeKind::HighPoint};
  for (int i = 0; i < 3; ++i) {
    Node n;
    n.id = ids[i];
    n.name = ids[i];
    n.kind = kinds[i];
    n.pos = proj.from_l93(850000 + 5000.0 * i, 6700000 + 3000.0 * (i % 2));
    n.owner = i ? "RIP 21" : "Region";
    net.add_node(n);
  }
  const char* ends[][2] = {{"A", "B"}, {"B", "C"}, {"A", "C"}};
  for (int k = 0; k < 3; ++k) {
    Link l;
    l.id = std::string("L") + char('1' + k);
    l.length_km = 5 + k;
    l.status = k == 2 ? LinkStatus::Planned : k == 1 ? LinkStatus::Leased : LinkStatus::Owned;
    l.pairs_total = 12;
    l.pairs_used = 2 * k;
    l.srg = k < 2 ? "CM-SHARED" : "";
    l.owner = "RIP 21";
    net.add_link(l, ends[k][0], ends[k][1]);
  }
  return net;
}

// Writes the delivery into `folder` (emptied first).
inline void write_small_delivery(const fs::path& folder) {
  fs::remove_all(folder);
  dorsale::viz::OutputDir out(folder, "network");
  dorsale::viz::write_gracethd(out, small_network(), dorsale::viz::GraceThdFormat::ShpCsv);
  out.commit();
}

}  // namespace dorsale_fuzz
