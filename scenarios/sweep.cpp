#include "scenarios/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <toml.hpp>

#include "models/error.h"

namespace dorsale::scenarios {

namespace {

double number_of(const toml::value& v, const std::string& file, const std::string& key) {
  if (v.is_integer()) return double(v.as_integer());
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

}  // namespace

std::vector<SweepSet> read_sweep(const std::string& path, const Parameters& base) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const toml::syntax_error& e) {
    throw InputError(path, long(e.location().line()), "", std::string("TOML syntax error: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(path, 0, "", e.what());
  }
  std::vector<SweepSet> sets;
  for (const auto& [k, v] : root.as_table())
    if (k != "grid" && k != "set") throw InputError(path, long(v.location().line()), k, "unknown table (grid or [[set]])");
  if (root.contains("grid")) {
    const auto& g = root.at("grid");
    if (!g.is_table()) throw InputError(path, long(g.location().line()), "grid", "expects a table");
    std::map<std::string, std::vector<double>> axes;  // sorted keys: a deterministic order
    for (const auto& [k, v] : g.as_table()) {
      if (!v.is_array() || v.as_array().empty()) throw InputError(path, long(v.location().line()), k, "expects a non-empty list of values");
      for (const auto& e : v.as_array()) {
        const double x = number_of(e, path, k);
        check_key(k, x, e, path, base);
        axes[k].push_back(x);
      }
    }
    std::vector<std::size_t> pos(axes.size(), 0);
    for (;;) {
      SweepSet s;
      std::size_t i = 0;
      std::vector<std::string> parts;
      for (const auto& [k, vals] : axes) {
        s.overrides.emplace_back(k, vals[pos[i]]);
        parts.push_back(fmt::format("{}={}", k.substr(8), vals[pos[i]]));
        ++i;
      }
      s.name = fmt::format("{}", fmt::join(parts, ","));
      sets.push_back(std::move(s));
      std::size_t k = 0;
      auto it = axes.begin();
      while (k < pos.size() && ++pos[k] == it->second.size()) {
        pos[k] = 0;
        ++k;
        ++it;
      }
      if (k == pos.size()) break;
    }
  }
  if (root.contains("set")) {
    const auto& arr = root.at("set");
    if (!arr.is_array()) throw InputError(path, long(arr.location().line()), "set", "expects [[set]] tables");
    for (const auto& t : arr.as_array()) {
      SweepSet s;
      s.name = fmt::format("set{}", sets.size() + 1);
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
      sets.push_back(std::move(s));
    }
  }
  if (sets.empty()) throw InputError(path, 0, "", "the sweep defines no set ([grid] or [[set]])");
  return sets;
}

}  // namespace dorsale::scenarios
