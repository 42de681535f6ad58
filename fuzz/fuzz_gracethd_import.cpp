// The GraceTHD importer (scenarios::read_network) on a small delivery written once by the
// export's writer into /dev/shm (3 nodes, 3 cables, two of them in one cheminement): the first
// byte picks which CSV table the rest of the input replaces (t_cable, t_cab_cond, t_conduite,
// t_cond_chem, t_sitetech, t_siteemission, t_organisme); the Shapefiles (t_noeud,
// t_cheminement, t_cableline) stay the written ones.
#include <array>

#include "fuzz/fuzz_common.h"
#include "models/parameters.h"
#include "scenarios/gracethd.h"
#include "scenarios/projection.h"
#include "viz/network_writer.h"
#include "viz/output_dir.h"

namespace fs = std::filesystem;

namespace {
fs::path folder;
const std::array<const char*, 7> kFiles = {"t_cable.csv",    "t_cab_cond.csv",     "t_conduite.csv", "t_cond_chem.csv",
                                           "t_sitetech.csv", "t_siteemission.csv", "t_organisme.csv"};
std::array<std::string, kFiles.size()> originals;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void put(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

dorsale::Network small_network() {
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
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  folder = dorsale_fuzz::work_dir() / "gracethd";
  fs::remove_all(folder);
  {
    dorsale::viz::OutputDir out(folder, "network");
    dorsale::viz::write_gracethd(out, small_network(), dorsale::viz::GraceThdFormat::ShpCsv);
    out.commit();
  }
  for (std::size_t k = 0; k < kFiles.size(); ++k) originals[k] = slurp(folder / kFiles[k]);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dorsale::Parameters params;
  if (size < 1) return 0;
  const std::size_t which = data[0] % kFiles.size();
  put(folder / kFiles[which], dorsale_fuzz::as_string(data + 1, size - 1));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_network(folder.string(), params));
  put(folder / kFiles[which], originals[which]);
  return 0;
}
