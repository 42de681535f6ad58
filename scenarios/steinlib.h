#pragma once
// Reader of the SteinLib STP format (version 1.0): sections Comment, Graph (Nodes, Edges,
// "E u v w"), Terminals (Terminals, "T v"); other sections (Coordinates, Presolve…) skipped.
#include <string>
#include <utility>
#include <vector>

#include "models/steiner_instance.h"

namespace dorsale::scenarios {

// Throws InputError naming the file, line and field on a malformed file.
SteinerInstance read_stp(const std::string& path);

// The published optima of a SteinLib set: OPT.csv with a header then "instance,optimum" rows.
// Throws InputError naming the file and line on a missing file or a malformed row.
std::vector<std::pair<std::string, double>> read_steinlib_optima(const std::string& path);

}  // namespace dorsale::scenarios
