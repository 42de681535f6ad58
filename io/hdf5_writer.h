#pragma once
// results.h5: one group per scenario, datasets with units as attributes, provenance
// attributes. The schema is documented in io/README.md. Object timestamps are off, so the
// same inputs give identical datasets (and identical bytes).
#include <filesystem>

#include "models/region.h"
#include "models/results.h"

namespace dorsale::viz {

// Writes (creates or truncates) `file` with the group /<scenario>. Throws std::runtime_error.
void write_hdf5(const std::filesystem::path& file, const Region& region, const ScenarioResults& results);

}  // namespace dorsale::viz
