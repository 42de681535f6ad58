#include "io/xy_csv.h"

#include <fmt/format.h>

#include <map>

#include "io/csv.h"
#include "models/error.h"

namespace dorsale::scenarios {

XYTable read_xy_csv(const std::string& path, bool weights_required) {
  auto t = read_csv(path, ',', 0);
  const int ci = t.column("id"), cx = t.column("x"), cy = t.column("y");
  int cw = -1;
  for (std::size_t k = 0; k < t.header.size(); ++k)
    if (trim(t.header[k]) == "weight") cw = int(k);
  if (weights_required && cw < 0) throw InputError(path, 0, "weight", "column not found in the header");
  XYTable out;
  std::map<std::string, long> ids;  // id -> line
  auto coordinate = [&](const CsvRow& r, int col, const char* field) {
    // a projected coordinate in metres, |v| <= kMaxProjectedCoordinate
    return parse_number(t.cell(r, col), path, r.line, field, -kMaxProjectedCoordinate, kMaxProjectedCoordinate);
  };
  for (const auto& r : t.rows) {
    const std::string id = trim(t.cell(r, ci));
    if (id.empty()) throw InputError(path, r.line, "id", "empty id");
    if (auto [it, fresh] = ids.emplace(id, r.line); !fresh)
      throw InputError(path, r.line, "id", fmt::format("id '{}' appears twice (also line {})", id, it->second));
    out.id.push_back(id);
    out.x.push_back(coordinate(r, cx, "x"));
    out.y.push_back(coordinate(r, cy, "y"));
    double w = 1;
    if (cw >= 0 && weights_required) {
      w = parse_number(t.cell(r, cw), path, r.line, "weight", 0, kMaxDemandWeight);
      if (!(w > 0)) throw InputError(path, r.line, "weight", fmt::format("{} is not a positive weight", w));
    }
    out.weight.push_back(w);
    out.line.push_back(r.line);
  }
  return out;
}

}  // namespace dorsale::scenarios
