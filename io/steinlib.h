#pragma once
// Reader of the SteinLib STP format (version 1.0): sections Comment, Graph (Nodes, Edges,
// "E u v w"), Terminals (Terminals, "T v"); other sections (Coordinates, Presolve…) skipped.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/steiner_instance.h"

namespace dorsale::scenarios {

// Limits of what a file may announce (scenarios/README.md, "Input limits"): beyond them the
// file is refused before anything is allocated.
inline constexpr std::int64_t kMaxStpNodes = 10'000'000;
inline constexpr std::int64_t kMaxStpEdges = 50'000'000;

// Throws InputError naming the file, line and field on a malformed file: integers are parsed
// without overflow, node numbers must lie in 1..Nodes, weights be finite and >= 0, the edges
// and terminals read must match the counts announced, and the counts the limits above.
SteinerInstance read_stp(const std::string& path);

// The published optima of a SteinLib set: OPT.csv with a header then "instance,optimum" rows.
// Throws InputError naming the file and line on a missing file or a malformed row.
std::vector<std::pair<std::string, double>> read_steinlib_optima(const std::string& path);

}  // namespace dorsale::scenarios
