// Guichet shard files (guichet.json, read back by `dorsale merge`): the bytes are parsed as
// JSON (a syntax error is nlohmann's business and `merge` reports it), then
// viz::guichet_from_json. Its documented rejection is std::runtime_error ("throws
// std::runtime_error on a malformed document"; `merge` turns any std::exception into an
// InputError naming the file), so std::runtime_error and its subclasses are expected here
// too; anything else (nlohmann type/out-of-range errors, std::length_error, ...) is a finding.
#include <nlohmann/json.hpp>

#include "fuzz/fuzz_common.h"
#include "viz/guichet_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    (void)dorsale::viz::guichet_from_json(j);
  } catch (const std::runtime_error&) {  // includes InputError, ValidationError
  }
  return 0;
}
