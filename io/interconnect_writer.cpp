#include "io/interconnect_writer.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <limits>
#include <map>
#include <memory>

#include "io/csv_format.h"
#include "io/gpkg_util.h"
#include "io/json_reader.h"
#include "io/spelling.h"
#include <stdexcept>

namespace dorsale::viz {

using nlohmann::json;

json decision_json(const InterconnectionRequest& r, const InterconnectionDecision& d) {
  json links = json::array();
  for (const auto& route : d.route_links) {
    json l = json::array();
    for (const auto& rl : route) {
      json one = {{"id", rl.id}, {"free_pairs_after", rl.free_pairs_after < 0 ? json(nullptr) : json(rl.free_pairs_after)}};
      if (!rl.built_by.empty()) one["built_by"] = rl.built_by;  // a planned link: the request that builds it
      l.push_back(one);
    }
    links.push_back(l);
  }
  json o = {{"id", d.id},
            {"requester", r.requester},
            {"decision", io::spell(d.decision)},
            {"reasons", io::reason_texts(d.reasons)},
            {"cost_eur", {{"capex", d.capex_eur}, {"opex", d.opex_eur}, {"total", d.total_eur}}},
            {"latency_ms", d.decision == Decision::Reject ? json(nullptr) : json(d.latency_ms)},
            {"routes", d.routes},
            {"route_links", links},
            {"new_build_km", d.new_build_km},
            {"builds", d.builds},
            {"pairs", r.pairs},
            {"protection", io::spell(r.protection)},
            {"submitted", r.submitted}};
  if (d.diversity != Diversity::None) o["diversity"] = io::spell(d.diversity);
  return o;
}

json decisions_json(const InterconnectionResults& res) {
  json arr = json::array();
  for (std::size_t i = 0; i < res.decisions.size(); ++i) arr.push_back(decision_json(res.requests[i], res.decisions[i]));
  return arr;
}

namespace {

template <class E, int N>
E enum_of(const JsonReader& rd, const std::string& key, const std::string& where, const char* (*key_of)(E)) {
  for (int k = 0; k < N; ++k)
    if (key == key_of(E(k))) return E(k);
  rd.fail(where, fmt::format("unknown value '{}'", key));
}

std::vector<std::string> strings_of(const JsonReader& rd, const json& a, const std::string& w) {
  std::vector<std::string> out;
  rd.array(a, w);
  for (std::size_t k = 0; k < a.size(); ++k) out.push_back(rd.string(a[k], fmt::format("{}[{}]", w, k)));
  return out;
}

std::vector<std::vector<RouteLink>> route_links_of(const JsonReader& rd, const json& a, const std::string& w) {
  std::vector<std::vector<RouteLink>> out;
  rd.array(a, w);
  for (std::size_t r = 0; r < a.size(); ++r) {
    const std::string wr = fmt::format("{}[{}]", w, r);
    std::vector<RouteLink> route;
    for (std::size_t k = 0; k < rd.array(a[r], wr).size(); ++k) {
      const std::string wl = fmt::format("{}[{}]", wr, k);
      const json& free = rd.at(a[r][k], "free_pairs_after", wl);
      route.push_back({rd.string_at(a[r][k], "id", wl),
                       free.is_null() ? -1 : int(rd.integer(free, wl + ".free_pairs_after", 0, std::numeric_limits<int>::max())),
                       rd.has(a[r][k], "built_by") ? rd.string_at(a[r][k], "built_by", wl) : std::string()});
    }
    out.push_back(std::move(route));
  }
  return out;
}

// One element of decisions.json: the request (id, requester, pairs, protection, submitted)
// and its answer.
void decision_of(const JsonReader& rd, const json& o, const std::string& w, InterconnectionResults& res) {
  InterconnectionRequest r;
  InterconnectionDecision d;
  d.id = r.id = rd.string_at(o, "id", w);
  r.requester = rd.string_at(o, "requester", w);
  d.decision = enum_of<Decision, 3>(rd, rd.string_at(o, "decision", w), w + ".decision", io::spell<Decision>);
  d.reasons = strings_of(rd, rd.at(o, "reasons", w), w + ".reasons");
  const json& cost = rd.at(o, "cost_eur", w);
  d.capex_eur = rd.number_at(cost, "capex", w + ".cost_eur");
  d.opex_eur = rd.number_at(cost, "opex", w + ".cost_eur");
  d.total_eur = rd.number_at(cost, "total", w + ".cost_eur");
  const json& latency = rd.at(o, "latency_ms", w);
  if (!latency.is_null()) d.latency_ms = rd.number(latency, w + ".latency_ms");
  const json& routes = rd.array(rd.at(o, "routes", w), w + ".routes");
  for (std::size_t k = 0; k < routes.size(); ++k) d.routes.push_back(strings_of(rd, routes[k], fmt::format("{}.routes[{}]", w, k)));
  d.route_links = route_links_of(rd, rd.at(o, "route_links", w), w + ".route_links");
  d.new_build_km = rd.number_at(o, "new_build_km", w);
  d.builds = strings_of(rd, rd.at(o, "builds", w), w + ".builds");
  r.pairs = int(rd.integer_at(o, "pairs", w, 1, std::numeric_limits<int>::max()));
  r.protection = enum_of<Protection, 2>(rd, rd.string_at(o, "protection", w), w + ".protection", io::spell<Protection>);
  r.submitted = rd.string_at(o, "submitted", w);
  if (rd.has(o, "diversity")) d.diversity = enum_of<Diversity, 3>(rd, rd.string_at(o, "diversity", w), w + ".diversity", io::spell<Diversity>);
  res.requests.push_back(std::move(r));
  res.decisions.push_back(std::move(d));
}

}  // namespace

InterconnectionResults decisions_from_json(const json& j, const std::string& file) {
  const JsonReader rd{file};
  InterconnectionResults res;
  rd.array(j, "");
  for (std::size_t k = 0; k < j.size(); ++k) decision_of(rd, j[k], fmt::format("[{}]", k), res);
  return res;
}

InterconnectionResults decisions_from_json_text(const std::string& text, const std::string& file) {
  return decisions_from_json(parse_json_document(text, file, "a decisions.json document"), file);
}

std::string queue_text(const InterconnectionResults& res) {
  std::string out;
  for (std::size_t i = 0; i < res.decisions.size(); ++i) out += decision_line(res.requests[i], res.decisions[i]) + "\n";
  int counts[3] = {0, 0, 0};
  for (const auto& d : res.decisions) counts[int(d.decision)]++;
  out += fmt::format("{} requests: {} accept, {} accept_with_works, {} reject; accepted value {} (first come: {})", res.decisions.size(),
                     counts[0], counts[1], counts[2], res.accepted_value, res.fcfs_value);
  if (res.mode == QueueMode::Optimal)
    out += fmt::format("; MILP {} {} over {} routes: objective {:.6g}, bound {:.6g}, gap {:.2e}, {:.2f} s; value bound over all routes {:.6g} "
                       "(gap {:.2e})",
                       io::spell(res.mip_backend), io::spell(res.mip_status), res.routes_considered, res.mip_objective, res.mip_bound, res.mip_gap,
                       res.mip_seconds, res.all_routes_bound, res.all_routes_gap);
  if (res.mode == QueueMode::Optimal && res.cost_status)
    out += fmt::format("; at that value, least cost {}: {:.0f} EUR (bound {:.0f} EUR, cost gap {:.2e})", io::spell(*res.cost_status), res.cost_eur,
                       res.cost_bound_eur, res.cost_gap);
  std::map<std::string, std::string> built;  // each planned link once, with who builds it
  double build_capex = 0;
  for (const auto& d : res.decisions)
    for (const auto& route : d.route_links)
      for (const auto& rl : route)
        if (!rl.built_by.empty()) built[rl.id] = rl.built_by;
  for (const auto& d : res.decisions) build_capex += d.capex_eur;
  out += fmt::format("\n{} planned links built, each by one request (decisions.json: builds, built_by); capex {:.0f} EUR "
                     "(planned links and new-build attachments)",
                     built.size(), build_capex);
  return out + "\n";
}

json queue_summary_json(const InterconnectionResults& res) {
  int counts[3] = {0, 0, 0};
  for (const auto& d : res.decisions) counts[int(d.decision)]++;
  json j = {{"mode", io::spell(res.mode)},
            {"requests", res.decisions.size()},
            {"accept", counts[0]},
            {"accept_with_works", counts[1]},
            {"reject", counts[2]},
            {"accepted_value", res.accepted_value},
            {"fcfs_value", res.fcfs_value}};
  if (res.mode == QueueMode::Optimal) {
    j["mip"] = {{"backend", io::spell(res.mip_backend)}, {"status", io::spell(res.mip_status)}, {"objective", res.mip_objective},
                {"bound", res.mip_bound}, {"gap", res.mip_gap}};  // no timing: same inputs, same file
    // the MILP is optimal among routes_considered routes; the bound holds over every route
    j["all_routes"] = {{"routes_considered", res.routes_considered}, {"value_bound", res.all_routes_bound}, {"gap", res.all_routes_gap}};
    // lexicographic second stage: the least cost at that value (over the candidate routes)
    if (res.cost_status)
      j["cost"] = {{"status", io::spell(*res.cost_status)}, {"eur", res.cost_eur}, {"bound_eur", res.cost_bound_eur}, {"gap", res.cost_gap}};
  }
  return j;
}

std::string decision_line(const InterconnectionRequest& r, const InterconnectionDecision& d) {
  std::string s = fmt::format("{:<8} {:<18} {} pairs {:<7} ", d.id, io::spell(d.decision), r.pairs, io::spell(r.protection));
  if (d.decision != Decision::Reject) {
    s += fmt::format("{:>10.0f} EUR (capex {:.0f}, opex {:.0f}) {:.3f} ms", d.total_eur, d.capex_eur, d.opex_eur, d.latency_ms);
    if (!d.routes.empty()) s += fmt::format(" via {}", fmt::join(d.routes.front(), " > "));
  } else if (!d.reasons.empty()) {
    s += io::reason_text(d.reasons.front());
  }
  return s;
}

void add_routes_layer(GDALDataset* ds, const Region& region, const InterconnectionResults& res) {
  OGRLayer* L = gpkg_layer(ds, "routes", wkbLineString);
  auto field = [&](const char* n, OGRFieldType t) { gpkg_field(L, n, t); };
  field("request_id", OFTString);
  field("requester", OFTString);
  field("route", OFTInteger);
  field("decision", OFTString);
  field("pairs", OFTInteger);
  field("protection", OFTString);
  field("capex_eur", OFTReal);
  field("opex_eur", OFTReal);
  field("total_eur", OFTReal);
  field("latency_ms", OFTReal);
  field("new_build_km", OFTReal);
  field("links", OFTString);
  gpkg_in_transaction(L, [&] {
    const auto& net = region.network;
    for (std::size_t i = 0; i < res.decisions.size(); ++i) {
      const auto& d = res.decisions[i];
      const auto& r = res.requests[i];
      for (std::size_t k = 0; k < d.routes.size(); ++k) {
        OGRFeature f(L->GetLayerDefn());
        f.SetField("request_id", d.id.c_str());
        f.SetField("requester", r.requester.c_str());
        f.SetField("route", int(k + 1));
        f.SetField("decision", io::spell(d.decision));
        f.SetField("pairs", r.pairs);
        f.SetField("protection", io::spell(r.protection));
        f.SetField("capex_eur", d.capex_eur);
        f.SetField("opex_eur", d.opex_eur);
        f.SetField("total_eur", d.total_eur);
        f.SetField("latency_ms", d.latency_ms);
        f.SetField("new_build_km", d.new_build_km);
        std::vector<std::string> ids;
        for (const auto& rl : d.route_links[k]) ids.push_back(rl.id);
        f.SetField("links", fmt::format("{}", fmt::join(ids, ",")).c_str());
        auto* ls = new OGRLineString();
        for (const auto& id : d.routes[k]) {
          if (auto n = net.find_node(id)) ls->addPoint(net.node(*n).pos.x, net.node(*n).pos.y);
          else if (r.site_pos) ls->addPoint(r.site_pos->x, r.site_pos->y);
        }
        f.SetGeometryDirectly(ls);
        gpkg_write(L, &f);
      }
    }
  });
}

void write_routes_gpkg(const std::filesystem::path& file, const Region& region, const InterconnectionResults& res) {
  dorsale::io::register_gdal_drivers();
  GDALDriver* drv = gpkg_driver();
  std::unique_ptr<GDALDataset> ds(drv->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create the GeoPackage", file.string()));
  add_routes_layer(ds.get(), region, res);
  gpkg_close(ds, file.string());
}

std::string decisions_csv(const InterconnectionResults& res, char separator) {
  const CsvFormat f{separator};
  const std::string sep(1, separator);
  std::map<std::string, const InterconnectionRequest*> req;
  for (const auto& r : res.requests) req.emplace(r.id, &r);
  const auto destination = [](const Destination& d) -> std::string {
    switch (d.kind) {
      case Destination::Kind::Node: return d.id;
      case Destination::Kind::Hub: return "hub:" + d.id;
      case Destination::Kind::AnyDorsalePop: return "dorsale";
    }
    return "";
  };
  std::string out;
  const std::vector<std::string> head = {"id", "requester", "site", "destination", "pairs", "protection", "decision", "capex_eur",
                                         "opex_eur", "total_eur", "latency_ms", "new_build_km", "builds", "reasons"};
  for (std::size_t i = 0; i < head.size(); ++i) out += (i ? sep : "") + head[i];
  out += "\n";
  for (const auto& d : res.decisions) {
    const auto it = req.find(d.id);
    const InterconnectionRequest* r = it == req.end() ? nullptr : it->second;
    const std::vector<std::string> cells = {csv_field(d.id, f),
                                            r ? csv_field(r->requester, f) : "",
                                            r ? csv_field(r->site_node, f) : "",
                                            r ? csv_field(destination(r->destination), f) : "",
                                            r ? fmt::format("{}", r->pairs) : "",
                                            r ? csv_field(io::spell(r->protection), f) : "",
                                            io::spell(d.decision),
                                            csv_number(d.capex_eur, 2, f),
                                            csv_number(d.opex_eur, 2, f),
                                            csv_number(d.total_eur, 2, f),
                                            csv_number(d.latency_ms, 3, f),
                                            csv_number(d.new_build_km, 3, f),
                                            csv_field(fmt::format("{}", fmt::join(d.builds, " ")), f),
                                            csv_field(fmt::format("{}", fmt::join(io::reason_texts(d.reasons), "; ")), f)};
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? sep : "") + cells[i];
    out += "\n";
  }
  return out;
}

}  // namespace dorsale::viz
