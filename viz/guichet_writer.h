#pragma once
// guichet.json and results.h5 of `dorsale guichet` / `dorsale merge`. The JSON holds every
// number exactly (shortest round-trip decimal), so merged shards rebuild the same run and the
// same files as a single run.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/guichet.h"

namespace dorsale::viz {

nlohmann::json guichet_json(const GuichetRun& run);
// Inverse of guichet_json; throws std::runtime_error on a malformed document.
GuichetRun guichet_from_json(const nlohmann::json& j);
void write_guichet_hdf5(const std::filesystem::path& file, const GuichetRun& run);

}  // namespace dorsale::viz
