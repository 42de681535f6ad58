// The files of a run folder that `dorsale compare` reads back for its report (towers.json,
// decisions.json, resilience.json): the bytes are parsed as JSON (a syntax error is nlohmann's
// business and the reader reports it as InputError), then viz::towers_from_json,
// viz::decisions_from_json and viz::resilience_from_json, whose documented rejection is
// InputError naming the field; anything else is a finding.
#include <nlohmann/json.hpp>

#include "fuzz/fuzz_common.h"
#include "io/interconnect_writer.h"
#include "io/resilience_writer.h"
#include "io/towers_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::viz::towers_from_json(j, "towers.json"));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::viz::decisions_from_json(j, "decisions.json"));
  DORSALE_FUZZ_EXPECT_REJECTIONS((void)dorsale::viz::resilience_from_json(j, "resilience.json"));
  return 0;
}
