// Candidate and demand lists of `dorsale towers --candidates C.csv --demand D.csv`
// (id,x,y[,weight]): scenarios::read_xy_csv(path, weights_required), both modes.
#include "fuzz/fuzz_common.h"
#include "io/xy_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = dorsale_fuzz::write_input("points.csv", data, size);
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_xy_csv(path, false));  // candidates
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::scenarios::read_xy_csv(path, true));   // demand
  return 0;
}
