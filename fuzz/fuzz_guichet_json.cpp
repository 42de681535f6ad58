// Guichet shard files (guichet.json, read back by `dorsale merge`): the bytes are parsed as
// JSON (a syntax error is nlohmann's business and `merge` reports it), then
// viz::guichet_from_json, whose documented rejection is InputError naming the field (it checks
// every field's type and every array's shape); anything else is a finding.
#include <nlohmann/json.hpp>

#include "fuzz/fuzz_common.h"
#include "io/guichet_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::viz::guichet_from_json(j, "guichet.json"));
  return 0;
}
