#pragma once
// The engine's evaluation as the desk's register keeps it (requests.evaluation_json): decision,
// reasons and the accepted option's routes, capex, opex, diversity and notes, as they were
// answered (so the export re-describes exactly that). What it builds and the free pairs after
// it are not kept: they are the register's at the time of reading.
#include <string>

#include "solvers/interconnect.h"

namespace dorsale::io {

std::string evaluation_text(const solvers::Evaluation& e);
solvers::Evaluation evaluation_from_text(const std::string& text);

}  // namespace dorsale::io
