// SteinLib STP files (`dorsale steiner FILE.stp`): scenarios::read_stp(path); the same bytes
// also go through the optima reader (OPT.csv), scenarios::read_steinlib_optima(path).
#include "fuzz/fuzz_common.h"
#include "io/steinlib.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = dorsale_fuzz::write_input("instance.stp", data, size);
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_stp(path));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_steinlib_optima(path));
  return 0;
}
