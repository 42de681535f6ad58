// Sweep TOML of `dorsale guichet --sweep`: scenarios::read_sweep(path, parameters).
#include "fuzz/fuzz_common.h"
#include "models/parameters.h"
#include "io/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dorsale::Parameters base;
  const std::string path = dorsale_fuzz::write_input("sweep.toml", data, size);
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_sweep(path, base));
  return 0;
}
