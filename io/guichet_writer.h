#pragma once
// guichet.json and results.h5 of `dorsale guichet` / `dorsale merge`. The JSON holds every
// number exactly (shortest round-trip decimal), so merged shards rebuild the same run and the
// same files as a single run.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "models/guichet.h"

namespace dorsale::viz {

nlohmann::json guichet_json(const GuichetRun& run);
// Most sets a guichet.json may announce (= scenarios::kMaxSweepSets).
inline constexpr long long kMaxGuichetSets = 10'000'000;

// Inverse of guichet_json. Checks every field's type and every array's shape against the
// header (years from first_year, départements, sets of the shard); throws
// InputError(file, 0, field, ...) naming the field (e.g. "sets[2].by_departement.21").
GuichetRun guichet_from_json(const nlohmann::json& j, const std::string& file);
// The same from the text of a guichet.json (a syntax error: InputError naming the file).
GuichetRun guichet_from_json_text(const std::string& text, const std::string& file);
// "i/n" with 1 <= i <= n -> (i, n); (0, 0) otherwise.
std::pair<int, int> parse_guichet_shard(const std::string& text);
void write_guichet_hdf5(const std::filesystem::path& file, const GuichetRun& run);

}  // namespace dorsale::viz
