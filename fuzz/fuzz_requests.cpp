// Interconnection requests, CSV (fuzz_requests_csv) or JSON (fuzz_requests_json, built with
// DORSALE_FUZZ_REQUESTS_JSON=1): scenarios::parse_requests(text, origin, json, network) on the
// network of the built-in region (bfc-2022), built once.
#include "fuzz/fuzz_common.h"
#include "models/region.h"
#include "io/requests.h"
#include "io/scenario.h"
#include "regions/load_region.h"

namespace {
const dorsale::Region* region = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto s = dorsale::scenarios::builtin_scenario("bfc-2022");
  region = new dorsale::Region(dorsale::scenarios::load_region(s));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = dorsale_fuzz::as_string(data, size);
  const bool json = DORSALE_FUZZ_REQUESTS_JSON != 0;
  DORSALE_FUZZ_EXPECT_REJECTIONS(
      (void)dorsale::scenarios::parse_requests(text, json ? "fuzz.json" : "fuzz.csv", json, region->network));
  return 0;
}
