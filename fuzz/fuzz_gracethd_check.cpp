// `dorsale network check` (scenarios::check_network) on the 3-node, 3-cable delivery of
// fuzz_gracethd_import.cpp, written once by the export's writer into /dev/shm, plus a t_fibre
// and a t_position table: the first byte picks which file the rest of the input replaces
// (the CSV tables, or t_noeud.dbf / t_cableline.dbf). check_network is noexcept and reports
// every rejection in its result: any exception, crash, hang or sanitizer report is a finding.
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
const std::array<const char*, 11> kFiles = {"t_cable.csv",    "t_cab_cond.csv",     "t_conduite.csv",  "t_cond_chem.csv",
                                            "t_sitetech.csv", "t_siteemission.csv", "t_organisme.csv", "t_fibre.csv",
                                            "t_position.csv", "t_noeud.dbf",        "t_cableline.dbf"};
std::array<std::string, kFiles.size()> originals;

using dorsale_fuzz::put;
using dorsale_fuzz::slurp;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  folder = dorsale_fuzz::work_dir() / "gracethd-check";
  dorsale_fuzz::write_small_delivery(folder);
  put(folder / "t_fibre.csv",
      "fo_code;fo_code_ext;fo_cb_code;fo_nincab;fo_numtub;fo_nintub;fo_type;fo_etat;fo_color;fo_reper;fo_proptyp;fo_comment;"
      "fo_creadat;fo_majdate;fo_majsrc;fo_abddate;fo_abdsrc\nF1;;L1;1;1;1;G652D;OK;;;;;;;;;\nF2;;L2;1;1;1;G652D;OK;;;;;;;;;\n");
  put(folder / "t_position.csv",
      "ps_code;ps_numero;ps_1;ps_2;ps_cs_code;ps_ti_code;ps_type;ps_fonct;ps_etat;ps_preaff;ps_comment;ps_creadat;ps_majdate;"
      "ps_majsrc;ps_abddate;ps_abdsrc\nP1;1;F1;F2;;;SFU;EP;OK;;;;;;;\n");
  for (std::size_t k = 0; k < kFiles.size(); ++k) originals[k] = slurp(folder / kFiles[k]);
  dorsale_fuzz::skip_prj_identification(folder);  // the fixed .prj files: identified once
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dorsale::Parameters params;
  if (size < 1) return 0;
  const std::size_t which = data[0] % kFiles.size();
  put(folder / kFiles[which], dorsale_fuzz::as_string(data + 1, size - 1));
  const auto c = dorsale::scenarios::check_network(folder.string(), params);
  if (!c.usable && c.error.empty()) std::abort();  // an unusable delivery always says why
  (void)dorsale::viz::network_check_json(c).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  put(folder / kFiles[which], originals[which]);
  return 0;
}
