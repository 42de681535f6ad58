// ARCEP actuals of `dorsale track` / `dorsale calibrate --actuals FILE` (io/actuals.h): the
// barometre layout and the per-commune observatory, both read from the same bytes.
#include "fuzz/fuzz_common.h"
#include "io/actuals.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = dorsale_fuzz::write_input("actuals.csv", data, size);
  dorsale::io::ActualsScope scope{{"21", "25", "90"}, {{"21", 1000}, {"25", 1}, {"90", 0}}};
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::io::read_actuals(path, scope));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::io::read_actuals(path, {}));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::io::read_observatory_communes(path));
  return 0;
}
