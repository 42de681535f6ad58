#include "io/network_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <set>

#include "io/text.h"
#include "io/toml_input.h"
#include "models/error.h"

namespace dorsale::scenarios {

// ---------------------------------------------------------------------------------------------
// Reading a plan file

namespace {

struct PlanReader {
  const std::string& origin;
  [[noreturn]] void fail(const toml::value& v, const std::string& key, const std::string& what) const {
    throw InputError(origin, long(v.location().line()), key, what);
  }
  const toml::value& field(const toml::value& row, const std::string& table, const std::string& k) const {
    if (!row.contains(k)) fail(row, table + "." + k, "missing");
    return row.at(k);
  }
  std::string text(const toml::value& row, const std::string& table, const std::string& k) const {
    const auto& v = field(row, table, k);
    if (!v.is_string() || v.as_string().str.empty()) fail(v, table + "." + k, "expects a non-empty string");
    return v.as_string().str;
  }
  double number(const toml::value& row, const std::string& table, const std::string& k, double lo, double hi) const {
    const auto& v = field(row, table, k);
    if (!v.is_floating() && !v.is_integer()) fail(v, table + "." + k, "expects a number");
    const double x = v.is_floating() ? v.as_floating() : double(v.as_integer());
    if (!std::isfinite(x) || x < lo || x > hi) fail(v, table + "." + k, fmt::format("{} is outside [{}, {}]", x, lo, hi));
    return x;
  }
  bool flag(const toml::value& row, const std::string& table, const std::string& k) const {
    if (!row.contains(k)) return false;
    const auto& v = row.at(k);
    if (!v.is_boolean()) fail(v, table + "." + k, "expects true or false");
    return v.as_boolean();
  }
  void only(const toml::value& row, const std::string& table, std::initializer_list<const char*> keys) const {
    if (!row.is_table()) fail(row, table, "expects an array of tables [[" + table + "]]");
    for (const auto& kv : row.as_table()) {
      const std::string& k = kv.first;  // a named reference: clang 14 cannot capture a structured binding
      if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; }))
        fail(kv.second, table + "." + k, "unknown key (see scenarios/README.md, \"Derived network\")");
    }
  }
  const toml::array& rows(const toml::value& doc, const std::string& table) const {
    static const toml::array none;
    if (!doc.contains(table)) return none;
    const auto& v = doc.at(table);
    if (!v.is_array()) fail(v, table, "expects an array of tables [[" + table + "]]");
    return v.as_array();
  }
};

// Every corridor end and data centre PoP is a declared node; ids are unique.
void check_plan(const PlanReader& rd, const toml::value& doc, const NetworkPlan& plan) {
  std::set<std::string> ids;
  for (const auto& h : plan.hubs) ids.insert(h.id);
  for (const auto& p : plan.pops) ids.insert(p.id);
  if (ids.size() != plan.hubs.size() + plan.pops.size()) rd.fail(doc, "pop.id", "two hubs or PoPs share an id");
  const auto& cs = rd.rows(doc, "corridor");
  for (std::size_t i = 0; i < plan.corridors.size(); ++i)
    for (const char* end : {"a", "b"}) {
      const std::string& id = cs[i].at(end).as_string().str;
      if (!ids.count(id))
        rd.fail(cs[i].at(end), std::string("corridor.") + end, fmt::format("'{}' is not a declared [[hub]] or [[pop]]", id));
    }
  const auto& ds = rd.rows(doc, "data_centre");
  for (std::size_t i = 0; i < plan.data_centres.size(); ++i)
    if (!ids.count(plan.data_centres[i].pop))
      rd.fail(ds[i].at("pop"), "data_centre.pop", fmt::format("'{}' is not a declared [[pop]]", plan.data_centres[i].pop));
}

}  // namespace

NetworkPlan read_network_plan(const std::string& path) {
  const toml::value doc = parse_toml_text(read_text_file(path, "network plan"), path);
  const PlanReader rd{path};
  for (const auto& [k, v] : doc.as_table())
    if (k != "hub" && k != "pop" && k != "corridor" && k != "data_centre")
      rd.fail(v, k, "unknown table (known: [[hub]], [[pop]], [[corridor]], [[data_centre]])");
  NetworkPlan plan;
  plan.origin = path;
  for (const auto& r : rd.rows(doc, "hub")) {
    rd.only(r, "hub", {"id", "name", "lon", "lat"});
    plan.hubs.push_back({rd.text(r, "hub", "id"), rd.text(r, "hub", "name"), rd.number(r, "hub", "lon", -180, 180),
                         rd.number(r, "hub", "lat", -90, 90)});
  }
  for (const auto& r : rd.rows(doc, "pop")) {
    rd.only(r, "pop", {"id", "commune"});
    plan.pops.push_back({rd.text(r, "pop", "id"), rd.text(r, "pop", "commune")});
  }
  for (const auto& r : rd.rows(doc, "corridor")) {
    rd.only(r, "corridor", {"a", "b", "corridor", "duct", "owned", "transit"});
    plan.corridors.push_back({rd.text(r, "corridor", "a"), rd.text(r, "corridor", "b"), rd.text(r, "corridor", "corridor"),
                              rd.text(r, "corridor", "duct"), rd.flag(r, "corridor", "owned"), rd.flag(r, "corridor", "transit")});
  }
  for (const auto& r : rd.rows(doc, "data_centre")) {
    rd.only(r, "data_centre", {"id", "name", "pop"});
    plan.data_centres.push_back({rd.text(r, "data_centre", "id"), rd.text(r, "data_centre", "name"), rd.text(r, "data_centre", "pop")});
  }
  if (plan.pops.empty()) rd.fail(doc, "pop", "a network plan needs at least one [[pop]]");
  check_plan(rd, doc, plan);
  return plan;
}

}  // namespace dorsale::scenarios
