// The GraceTHD importer (scenarios::read_network) on a small delivery written once by the
// export's writer into /dev/shm (3 nodes, 3 cables, two of them in one cheminement): the first
// byte picks which CSV table the rest of the input replaces (t_cable, t_cab_cond, t_conduite,
// t_cond_chem, t_sitetech, t_siteemission, t_organisme); the Shapefiles (t_noeud,
// t_cheminement, t_cableline) stay the written ones.
#include <array>

#include "fuzz/fuzz_common.h"
#include "fuzz/gracethd_delivery.h"
#include "models/parameters.h"
#include "io/gracethd.h"
#include "io/projection.h"
#include "io/network_writer.h"
#include "io/output_dir.h"

namespace fs = std::filesystem;

namespace {
fs::path folder;
const std::array<const char*, 7> kFiles = {"t_cable.csv",    "t_cab_cond.csv",     "t_conduite.csv", "t_cond_chem.csv",
                                           "t_sitetech.csv", "t_siteemission.csv", "t_organisme.csv"};
std::array<std::string, kFiles.size()> originals;

using dorsale_fuzz::put;
using dorsale_fuzz::slurp;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  folder = dorsale_fuzz::work_dir() / "gracethd";
  dorsale_fuzz::write_small_delivery(folder);
  for (std::size_t k = 0; k < kFiles.size(); ++k) originals[k] = slurp(folder / kFiles[k]);
  dorsale_fuzz::skip_prj_identification(folder);  // the fixed .prj files: identified once
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
