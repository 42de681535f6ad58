#include "io/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "models/error.h"
#include "io/text.h"
#include "io/toml_input.h"

namespace dorsale::scenarios {

namespace {

double number_of(const toml::value& v, const std::string& file, const std::string& key) {
  if (v.is_integer()) return double(toml_integer(v, file, key));
  if (v.is_floating()) return v.as_floating();
  throw InputError(file, long(v.location().line()), key, "expects a number");
}

void check_key(const std::string& key, double value, const toml::value& where, const std::string& file, const Parameters& base) {
  const auto* spec = Parameters::find_spec(key);
  const long line = long(where.location().line());
  if (!spec) throw InputError(file, line, key, "unknown parameter (see scenarios/README.md)");
  if (key.rfind("guichet.", 0) != 0) throw InputError(file, line, key, "only guichet.* parameters can be swept");
  Parameters p = base;
  try {
    p.set_number(key, value);
  } catch (const ValidationError& e) {
    throw InputError(file, line, key, e.what());
  }
}

[[noreturn]] void too_many(const std::string& path, long line) {
  throw InputError(path, line, "",
                   fmt::format("the sweep defines more than {} sets (the grid's value counts multiply): split it into "
                               "several sweep files",
                               kMaxSweepSets));
}

}  // namespace

Sweep Sweep::single(std::string name) {
  Sweep s;
  s.explicit_.push_back({std::move(name), {}});
  return s;
}

SweepSet Sweep::set(std::int64_t k) const {
  if (k < 0 || k >= size()) throw std::out_of_range(fmt::format("sweep set {} of {}", k, size()));
  if (k >= grid_size_) return explicit_[std::size_t(k - grid_size_)];
  SweepSet s;
  std::vector<std::string> parts;
  std::int64_t rest = k;  // mixed radix, the first axis the lowest digit
  for (const auto& [key, vals] : axes_) {
    const auto n = std::int64_t(vals.size());
    const double v = vals[std::size_t(rest % n)];
    rest /= n;
    s.overrides.emplace_back(key, v);
    parts.push_back(fmt::format("{}={}", key.substr(8), v));
  }
  s.name = fmt::format("{}", fmt::join(parts, ","));
  return s;
}

Sweep read_sweep(const std::string& path, const Parameters& base) {
  const toml::value root = parse_toml_text(read_text_file(path, "the sweep file"), path);
  Sweep sweep;
  for (const auto& [k, v] : root.as_table())
    if (k != "grid" && k != "set") throw InputError(path, long(v.location().line()), k, "unknown table (grid or [[set]])");
  if (root.contains("grid")) {
    const auto& g = root.at("grid");
    if (!g.is_table()) throw InputError(path, long(g.location().line()), "grid", "expects a table");
    std::map<std::string, std::vector<double>> axes;  // sorted keys: a deterministic order
    sweep.grid_size_ = 1;
    for (const auto& [k, v] : g.as_table()) {
      if (!v.is_array() || v.as_array().empty()) throw InputError(path, long(v.location().line()), k, "expects a non-empty list of values");
      if (std::int64_t(v.as_array().size()) > kMaxSweepSets / sweep.grid_size_) too_many(path, long(v.location().line()));
      sweep.grid_size_ *= std::int64_t(v.as_array().size());
      for (const auto& e : v.as_array()) {
        const double x = number_of(e, path, k);
        check_key(k, x, e, path, base);
        axes[k].push_back(x);
      }
    }
    sweep.axes_.assign(axes.begin(), axes.end());
  }
  if (root.contains("set")) {
    const auto& arr = root.at("set");
    if (!arr.is_array()) throw InputError(path, long(arr.location().line()), "set", "expects [[set]] tables");
    for (const auto& t : arr.as_array()) {
      if (!t.is_table()) throw InputError(path, long(t.location().line()), "set", "expects [[set]] tables");
      if (sweep.size() >= kMaxSweepSets) too_many(path, long(t.location().line()));
      SweepSet s;
      s.name = fmt::format("set{}", sweep.size() + 1);
      std::map<std::string, double> sorted;
      for (const auto& [k, v] : t.as_table()) {
        if (k == "name") {
          if (!v.is_string()) throw InputError(path, long(v.location().line()), "name", "expects a string");
          s.name = v.as_string().str;
          continue;
        }
        const double x = number_of(v, path, k);
        check_key(k, x, v, path, base);
        sorted[k] = x;
      }
      for (const auto& [k, x] : sorted) s.overrides.emplace_back(k, x);
      sweep.explicit_.push_back(std::move(s));
    }
  }
  if (sweep.size() == 0) throw InputError(path, 0, "", "the sweep defines no set ([grid] or [[set]])");
  return sweep;
}

}  // namespace dorsale::scenarios
