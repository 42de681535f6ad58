// Scenario TOML: scenarios::parse_scenario(text, origin, base_dir).
#include "fuzz/fuzz_common.h"
#include "io/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = dorsale_fuzz::as_string(data, size);
  DORSALE_FUZZ_EXPECT_REJECTIONS(
      (void)dorsale::scenarios::parse_scenario(text, "fuzz.toml", dorsale_fuzz::work_dir().string()));
  return 0;
}
