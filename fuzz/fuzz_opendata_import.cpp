// The open-data importer on a tiny folder (a copy of tests/data/mini in /dev/shm): the first
// byte picks which CSV file the rest of the input replaces (ARCEP communes, ARCEP FttH,
// INSEE populations, INSEE mergers, ARCEP mobile sites); then locate_opendata +
// import_opendata with the default parameters. The commune polygons (GeoJSON, read by GDAL)
// stay the fixed ones.
#include <array>

#include "fuzz/fuzz_common.h"
#include "models/parameters.h"
#include "io/opendata.h"

#ifndef DORSALE_FUZZ_MINI_DATA
#error "DORSALE_FUZZ_MINI_DATA (tests/data/mini) must be defined"
#endif

namespace fs = std::filesystem;

namespace {
fs::path folder;
const std::array<const char*, 5> kFiles = {
    "arcep-ftth-2020T1/communes-mini.csv",       "arcep-ftth-2020T1/ftthCommunes-mini.csv",
    "insee-population/donnees_communes-mini.csv", "insee-population/mouvements-communes-mini.csv",
    "arcep-sites-mobiles-2020-01/sites_mobiles_mini.csv"};
std::array<std::string, kFiles.size()> originals;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void put(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  folder = dorsale_fuzz::work_dir() / "mini";
  fs::remove_all(folder);
  fs::copy(DORSALE_FUZZ_MINI_DATA, folder, fs::copy_options::recursive);
  for (std::size_t k = 0; k < kFiles.size(); ++k) originals[k] = slurp(folder / kFiles[k]);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dorsale::Parameters params;
  if (size < 1) return 0;
  const std::size_t which = data[0] % kFiles.size();
  put(folder / kFiles[which], dorsale_fuzz::as_string(data + 1, size - 1));
  DORSALE_FUZZ_EXPECT_REJECTIONS({
    const auto files = dorsale::scenarios::locate_opendata(folder.string());
    (void)dorsale::scenarios::import_opendata(files, params);
  });
  put(folder / kFiles[which], originals[which]);
  return 0;
}
