#pragma once
// The answer of `dorsale steiner`: one JSON object or one line of text.
#include <nlohmann/json.hpp>
#include <string>

#include "models/steiner_instance.h"
#include "solvers/steiner.h"  // the plain result type

namespace dorsale::viz {

// `method`: heuristic, exact-glpk or exact-cbc; `status`: solvers::steiner_status_key(r.status).
nlohmann::json steiner_json(const SteinerInstance& inst, const solvers::SteinerResult& r, const std::string& method,
                            const std::string& status);
std::string steiner_text(const SteinerInstance& inst, const solvers::SteinerResult& r, const std::string& method,
                         const std::string& status);

}  // namespace dorsale::viz
