// `dorsale network info` and `network check`: the text and the JSON (keys in io/README.md);
// split from io/network_writer.cpp (the export and t_ropt.csv).
#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/network_writer.h"
#include "io/spelling.h"

namespace dorsale::viz {

namespace {

// The nodes by kind, in the order of the kinds' spellings (the files list them so).
std::map<std::string, std::int64_t> by_kind_spelled(const NetworkTotals& t) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [k, n] : t.by_kind) out[io::spell(k)] = n;
  return out;
}

}  // namespace

// ---- network info ------------------------------------------------------------------------

nlohmann::json network_info_json(const NetworkInfo& info) {
  const auto& t = info.totals;
  nlohmann::json j;
  j["source"] = info.source;
  j["format"] = info.format;
  j["nodes"] = t.nodes;
  j["links"] = t.links;
  j["km"] = t.km;
  j["fibres"] = t.fibres;
  j["free_pairs"] = t.free_pairs;
  j["shared_risk_groups"] = t.shared_risk_groups;
  j["by_kind"] = nlohmann::json::object();
  for (const auto& [k, n] : by_kind_spelled(t)) j["by_kind"][k] = n;
  j["leased_km"] = t.leased_km;
  j["planned_km"] = t.planned_km;
  auto rows = [](const std::vector<DroppedRows>& list) {
    auto a = nlohmann::json::array();
    for (const auto& d : list) {
      nlohmann::json r = {{"table", d.table}, {"why", d.why}, {"count", d.count}, {"examples", d.examples}};
      if (!d.kind.empty()) r["kind"] = d.kind;
      a.push_back(std::move(r));
    }
    return a;
  };
  j["dropped"] = rows(info.dropped);
  j["warnings"] = rows(info.warnings);
  j["derived"] = info.derived;
  return j;
}

std::string network_info_text(const NetworkInfo& info) {
  const auto& t = info.totals;
  std::string s = fmt::format("network {} ({})\n", info.source, info.format);
  s += fmt::format("  nodes {}, links {}, {:.1f} km, {} fibres, {} free pairs in service, {} shared-risk groups\n", t.nodes, t.links,
                   t.km, t.fibres, t.free_pairs, t.shared_risk_groups);
  std::string kinds;
  for (const auto& [k, n] : by_kind_spelled(t)) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, k);
  s += fmt::format("  by kind: {}\n", kinds.empty() ? "none" : kinds);
  s += fmt::format("  leased {:.1f} km, planned {:.1f} km\n", t.leased_km, t.planned_km);
  std::int64_t dropped = 0;
  for (const auto& d : info.dropped) dropped += d.count;
  s += fmt::format("  dropped {} rows{}\n", dropped, dropped ? ":" : "");
  for (const auto& d : info.dropped)
    s += fmt::format("    {} {}: {} (e.g. {})\n", d.count, d.table, d.why, fmt::join(d.examples, ", "));
  for (const auto& d : info.warnings)
    s += fmt::format("  warning: {} {}: {} (e.g. {})\n", d.count, d.table, d.why, fmt::join(d.examples, ", "));
  for (const auto& d : info.derived) s += fmt::format("  derived: {}\n", d);
  return s;
}

// ---- network check -----------------------------------------------------------------------

namespace {
// Rows of `list` with this kind, as counts.
std::int64_t count_kind(const std::vector<DroppedRows>& list, const std::string& kind) {
  std::int64_t n = 0;
  for (const auto& d : list)
    if (d.kind == kind) n += d.count;
  return n;
}
const char* const kCheckKinds[] = {"value_list", "dangling_reference", "duplicate_code", "bad_value",
                                   "malformed_row", "encoding",           "unplaced"};
}  // namespace

nlohmann::json network_check_json(const NetworkCheck& c) {
  nlohmann::json j;
  j["usable"] = c.usable;
  j["error"] = c.error;
  j["tables_read"] = nlohmann::json::array();
  for (const auto& t : c.read) j["tables_read"].push_back({{"table", t.table}, {"file", t.file}, {"rows", t.rows}});
  j["tables_ignored"] = c.ignored;
  nlohmann::json counts = nlohmann::json::object();
  for (const char* k : kCheckKinds) counts[k] = count_kind(c.info.dropped, k);
  counts["left_out_by_rule"] = count_kind(c.info.dropped, "");
  counts["length_gap"] = count_kind(c.info.warnings, "length_gap");
  counts["unknown_organisation"] = count_kind(c.info.warnings, "unknown_organisation");
  counts["unread_rows"] = count_kind(c.info.warnings, "unread_rows");
  j["counts"] = counts;
  j["network"] = network_info_json(c.info);
  return j;
}

std::string network_check_text(const NetworkCheck& c) {
  std::string s = fmt::format("check {}: {}\n", c.info.source, c.usable ? "usable" : "NOT usable");
  if (!c.error.empty()) s += fmt::format("  error: {}\n", c.error);
  for (const auto& t : c.read) s += fmt::format("  read {} ({} rows, {})\n", t.table, t.rows, t.file);
  if (!c.ignored.empty()) s += fmt::format("  present, not read: {}\n", fmt::join(c.ignored, ", "));
  for (const char* k : kCheckKinds)
    if (const auto n = count_kind(c.info.dropped, k)) s += fmt::format("  {} rows refused: {}\n", n, k);
  if (c.usable) s += network_info_text(c.info);
  else
    for (const auto& d : c.info.dropped)
      s += fmt::format("    {} {}: {} (e.g. {})\n", d.count, d.table, d.why, fmt::join(d.examples, ", "));
  return s;
}

std::string network_info_json_text(const NetworkInfo& info) {
  return network_info_json(info).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string network_check_json_text(const NetworkCheck& check) {
  return network_check_json(check).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dorsale::viz
