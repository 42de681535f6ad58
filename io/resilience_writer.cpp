#include "io/resilience_writer.h"
#include "io/spelling.h"

#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <limits>
#include <sstream>
#include <unordered_map>

#include "io/gpkg_util.h"
#include "io/json_reader.h"

namespace dorsale::viz {

using json = nlohmann::json;

namespace {

json failure_json(const Failure& f) {
  return {{"id", f.id},
          {"kind", io::spell(f.kind)},
          {"links", f.links},
          {"cut_node_count", f.cut_node_count},
          {"cut_nodes", f.cut_nodes},
          {"cut_nros", f.cut_nros},
          {"cut_premises", f.cut_premises},
          {"cut_high_points", f.cut_high_points}};
}

std::vector<std::string> strings_at(const JsonReader& in, const json& o, const std::string& key, const std::string& where) {
  const std::string w = JsonReader::path(where, key);
  const json& a = in.array(in.at(o, key, where), w);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < a.size(); ++k) out.push_back(in.string(a[k], fmt::format("{}[{}]", w, k)));
  return out;
}

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

}  // namespace

namespace {

json head_json(const ResilienceResult& r, json failures) {
  return {{"status", io::spell(r.status)},
          {"core", r.core},
          {"include_planned", r.include_planned},
          {"nodes", r.nodes},
          {"links", r.links},
          {"shared_risk_groups", r.groups},
          {"articulation_points", r.articulation_points},
          {"bridges", r.bridges},
          {"premises", r.premises},
          {"high_points", r.high_points},
          {"high_points_unattached", r.high_points_unattached},
          {"baseline_cut", {{"nodes", r.baseline_cut_nodes}, {"premises", r.baseline_cut_premises}, {"high_points", r.baseline_cut_high_points}}},
          {"failures", std::move(failures)}};
}

}  // namespace

json resilience_json(const ResilienceResult& r) {
  json failures = json::array();
  for (const auto& f : r.failures) failures.push_back(failure_json(f));
  return head_json(r, std::move(failures));
}

void write_resilience_json(std::ostream& out, const ResilienceResult& r) {
  // the same bytes as resilience_json(r).dump(2), one failure at a time: no document tree of
  // every failure is built (100,000 failures)
  const std::string head = head_json(r, json::array()).dump(2);
  const std::string slot = "\"failures\": []";
  const auto at = head.find(slot);
  out << head.substr(0, at) << "\"failures\": [";
  for (std::size_t k = 0; k < r.failures.size(); ++k) {
    const std::string one = failure_json(r.failures[k]).dump(2);
    out << (k ? ",\n    " : "\n    ");
    for (char c : one) {
      out << c;
      if (c == '\n') out << "    ";
    }
  }
  out << (r.failures.empty() ? "]" : "\n  ]") << head.substr(at + slot.size()) << "\n";
}

std::string resilience_json_text(const ResilienceResult& r) {
  std::ostringstream out;
  write_resilience_json(out, r);
  return out.str();
}

ResilienceResult resilience_from_json(const json& j, const std::string& file) {
  const JsonReader in{file};
  in.object(j, "");
  ResilienceResult r;
  const std::string status = in.string_at(j, "status", "");
  const auto st = io::parse_spelling<ResilienceStatus>(status);
  if (!st) in.fail("status", fmt::format("'{}' is not complete or no_core", status));
  r.status = *st;
  r.core = strings_at(in, j, "core", "");
  r.include_planned = in.boolean(in.at(j, "include_planned", ""), "include_planned");
  r.nodes = in.integer_at(j, "nodes", "", 0, kMax);
  r.links = in.integer_at(j, "links", "", 0, kMax);
  r.groups = in.integer_at(j, "shared_risk_groups", "", 0, kMax);
  r.articulation_points = in.integer_at(j, "articulation_points", "", 0, kMax);
  r.bridges = in.integer_at(j, "bridges", "", 0, kMax);
  r.premises = in.integer_at(j, "premises", "", 0, kMax);
  r.high_points = in.integer_at(j, "high_points", "", 0, kMax);
  r.high_points_unattached = in.integer_at(j, "high_points_unattached", "", 0, kMax);
  const json& b = in.object(in.at(j, "baseline_cut", ""), "baseline_cut");
  r.baseline_cut_nodes = strings_at(in, b, "nodes", "baseline_cut");
  r.baseline_cut_premises = in.integer_at(b, "premises", "baseline_cut", 0, kMax);
  r.baseline_cut_high_points = in.integer_at(b, "high_points", "baseline_cut", 0, kMax);
  const json& fs = in.array(in.at(j, "failures", ""), "failures");
  for (std::size_t k = 0; k < fs.size(); ++k) {
    const std::string w = fmt::format("failures[{}]", k);
    Failure f;
    f.id = in.string_at(fs[k], "id", w);
    const std::string kind = in.string_at(fs[k], "kind", w);
    const auto fk = io::parse_spelling<FailureKind>(kind);
    if (!fk) in.fail(w + ".kind", fmt::format("'{}' is not link, srg or node", kind));
    f.kind = *fk;
    f.links = strings_at(in, fs[k], "links", w);
    f.cut_nodes = strings_at(in, fs[k], "cut_nodes", w);
    f.cut_node_count = in.has(fs[k], "cut_node_count") ? in.integer_at(fs[k], "cut_node_count", w, std::int64_t(f.cut_nodes.size()), kMax)
                                                       : std::int64_t(f.cut_nodes.size());
    f.cut_nros = in.integer_at(fs[k], "cut_nros", w, 0, kMax);
    f.cut_premises = in.integer_at(fs[k], "cut_premises", w, 0, kMax);
    f.cut_high_points = in.integer_at(fs[k], "cut_high_points", w, 0, kMax);
    r.failures.push_back(std::move(f));
  }
  return r;
}

ResilienceResult resilience_from_json_text(const std::string& text, const std::string& file) {
  return resilience_from_json(parse_json_document(text, file, "a resilience.json document"), file);
}

std::string resilience_text(const ResilienceResult& r, std::size_t max_rows) {
  std::string s;
  if (r.status == ResilienceStatus::NoCore)
    return "no core: the network has no Dorsale point of presence nor external hub (name one with --from)\n";
  s += fmt::format("core: {} ({} nodes); {} nodes, {} links{}, {} shared-risk groups; {} articulation points, {} bridges\n",
                   r.core.size() <= 4 ? fmt::format("{}", fmt::join(r.core, ", ")) : fmt::format("{}, ...", fmt::join(r.core.begin(), r.core.begin() + 4, ", ")),
                   r.core.size(), r.nodes, r.links, r.include_planned ? " (planned ones counted as built)" : " in service",
                   r.groups, r.articulation_points, r.bridges);
  s += fmt::format("premises attached: {}; fibred high points attached: {} ({} farther than interconnect.attach_max_km)\n", r.premises,
                   r.high_points, r.high_points_unattached);
  if (!r.baseline_cut_nodes.empty())
    s += fmt::format("already cut off before any failure: {} nodes, {} premises, {} high points\n", r.baseline_cut_nodes.size(),
                     r.baseline_cut_premises, r.baseline_cut_high_points);
  s += fmt::format("{} single failures cut something (worst first):\n", r.failures.size());
  s += fmt::format("  {:<32} {:<5} {:>9} {:>5} {:>12} {:>11}  {}\n", "failure", "kind", "cut_nodes", "nros", "premises", "high_points", "first cut nodes");
  const std::size_t rows = max_rows == 0 ? r.failures.size() : std::min(max_rows, r.failures.size());
  for (std::size_t k = 0; k < rows; ++k) {
    const auto& f = r.failures[k];
    const std::size_t show = std::min<std::size_t>(3, f.cut_nodes.size());
    s += fmt::format("  {:<32} {:<5} {:>9} {:>5} {:>12} {:>11}  {}{}\n", f.id, io::spell(f.kind), f.cut_node_count, f.cut_nros,
                     f.cut_premises, f.cut_high_points, fmt::join(f.cut_nodes.begin(), f.cut_nodes.begin() + std::ptrdiff_t(show), ", "),
                     f.cut_node_count > std::int64_t(show) ? ", ..." : "");
  }
  if (rows < r.failures.size()) s += fmt::format("  ... {} more (--json lists them all)\n", r.failures.size() - rows);
  return s;
}

void add_resilience_layer(GDALDataset* ds, const Region& region, const ResilienceResult& r) {
  const Network& net = region.network;
  std::unordered_map<std::string, int> link_of;
  for (std::size_t j = 0; j < net.links().size(); ++j) link_of.emplace(net.links()[j].id, int(j));
  OGRLayer* L = gpkg_layer(ds, "resilience", wkbUnknown);
  for (const char* n : {"id", "kind", "cut_nodes"}) gpkg_field(L, n, OFTString);
  for (const char* n : {"cut_node_count", "cut_nros", "cut_premises", "cut_high_points"}) gpkg_field(L, n, OFTInteger64);
  gpkg_in_transaction(L, [&] {
    for (const auto& f : r.failures) {
      OGRFeature feat(L->GetLayerDefn());
      feat.SetField("id", f.id.c_str());
      feat.SetField("kind", io::spell(f.kind));
      feat.SetField("cut_nodes", fmt::format("{}", fmt::join(f.cut_nodes, ",")).c_str());
      feat.SetField("cut_node_count", GIntBig(f.cut_node_count));
      feat.SetField("cut_nros", GIntBig(f.cut_nros));
      feat.SetField("cut_premises", GIntBig(f.cut_premises));
      feat.SetField("cut_high_points", GIntBig(f.cut_high_points));
      if (f.kind == FailureKind::Node) {
        if (const auto v = net.find_node(f.id)) feat.SetGeometryDirectly(new OGRPoint(net.node(*v).pos.x, net.node(*v).pos.y));
      } else {
        auto* ml = new OGRMultiLineString();
        for (const auto& id : f.links) {
          const auto it = link_of.find(id);
          if (it == link_of.end()) continue;
          const Link& l = net.links()[it->second];
          OGRLineString ls;
          ls.addPoint(net.node(l.a).pos.x, net.node(l.a).pos.y);
          ls.addPoint(net.node(l.b).pos.x, net.node(l.b).pos.y);
          ml->addGeometry(&ls);
        }
        feat.SetGeometryDirectly(ml);
      }
      gpkg_write(L, &feat);
    }
  });
}

}  // namespace dorsale::viz
