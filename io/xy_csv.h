#pragma once
// The towers file mode's point and site tables (`dorsale towers --candidates/--demand`): CSV
// with id, x, y (Lambert-93 metres) and, for demand, weight. One reader, its limits here.
#include <string>
#include <vector>

#include "io/projection.h"  // kMaxProjectedCoordinate

namespace dorsale::scenarios {

// Largest demand weight of a towers demand row (premises or people at a point).
inline constexpr double kMaxDemandWeight = 1e9;

// A point / site table of the file mode. Throws InputError (file, line, field) on a missing
// column, a coordinate that is not finite or beyond kMaxProjectedCoordinate, a weight that is
// not a decimal number in (0, kMaxDemandWeight] (when weights are read), an empty or repeated id.
struct XYTable {
  std::vector<std::string> id;
  std::vector<double> x, y, weight;
  std::vector<long> line;  // line in the file
};
XYTable read_xy_csv(const std::string& path, bool weights_required);

}  // namespace dorsale::scenarios
