#include "viz/interconnect_writer.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <memory>

#include "viz/gpkg_util.h"
#include <stdexcept>

namespace dorsale::viz {

using nlohmann::json;

json decisions_json(const InterconnectionResults& res) {
  json arr = json::array();
  for (std::size_t i = 0; i < res.decisions.size(); ++i) {
    const auto& d = res.decisions[i];
    const auto& r = res.requests[i];
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
              {"decision", decision_key(d.decision)},
              {"reasons", d.reasons},
              {"cost_eur", {{"capex", d.capex_eur}, {"opex", d.opex_eur}, {"total", d.total_eur}}},
              {"latency_ms", d.decision == Decision::Reject ? json(nullptr) : json(d.latency_ms)},
              {"routes", d.routes},
              {"route_links", links},
              {"new_build_km", d.new_build_km},
              {"builds", d.builds},
              {"pairs", r.pairs},
              {"protection", protection_key(r.protection)},
              {"submitted", r.submitted}};
    if (!d.diversity.empty()) o["diversity"] = d.diversity;
    arr.push_back(o);
  }
  return arr;
}

std::string queue_text(const InterconnectionResults& res) {
  std::string out;
  for (std::size_t i = 0; i < res.decisions.size(); ++i) out += decision_line(res.requests[i], res.decisions[i]) + "\n";
  int counts[3] = {0, 0, 0};
  for (const auto& d : res.decisions) counts[int(d.decision)]++;
  out += fmt::format("{} requests: {} accept, {} accept_with_works, {} reject; accepted value {} (first come: {})", res.decisions.size(),
                     counts[0], counts[1], counts[2], res.accepted_value, res.fcfs_value);
  if (res.mode == "optimal")
    out += fmt::format("; MILP {} {} over {} routes: objective {:.6g}, bound {:.6g}, gap {:.2e}, {:.2f} s; value bound over all routes {:.6g} "
                       "(gap {:.2e})",
                       res.mip_backend, res.mip_status, res.routes_considered, res.mip_objective, res.mip_bound, res.mip_gap,
                       res.mip_seconds, res.all_routes_bound, res.all_routes_gap);
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
  json j = {{"mode", res.mode},
            {"requests", res.decisions.size()},
            {"accept", counts[0]},
            {"accept_with_works", counts[1]},
            {"reject", counts[2]},
            {"accepted_value", res.accepted_value},
            {"fcfs_value", res.fcfs_value}};
  if (res.mode == "optimal") {
    j["mip"] = {{"backend", res.mip_backend}, {"status", res.mip_status}, {"objective", res.mip_objective},
                {"bound", res.mip_bound}, {"gap", res.mip_gap}};  // no timing: same inputs, same file
    // the MILP is optimal among routes_considered routes; the bound holds over every route
    j["all_routes"] = {{"routes_considered", res.routes_considered}, {"value_bound", res.all_routes_bound}, {"gap", res.all_routes_gap}};
  }
  return j;
}

std::string decision_line(const InterconnectionRequest& r, const InterconnectionDecision& d) {
  std::string s = fmt::format("{:<8} {:<18} {} pairs {:<7} ", d.id, decision_key(d.decision), r.pairs, protection_key(r.protection));
  if (d.decision != Decision::Reject) {
    s += fmt::format("{:>10.0f} EUR (capex {:.0f}, opex {:.0f}) {:.3f} ms", d.total_eur, d.capex_eur, d.opex_eur, d.latency_ms);
    if (!d.routes.empty()) s += fmt::format(" via {}", fmt::join(d.routes.front(), " > "));
  } else if (!d.reasons.empty()) {
    s += d.reasons.front();
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
        f.SetField("decision", decision_key(d.decision));
        f.SetField("pairs", r.pairs);
        f.SetField("protection", protection_key(r.protection));
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
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw std::runtime_error("GDAL has no GPKG driver");
  std::unique_ptr<GDALDataset> ds(drv->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create the GeoPackage", file.string()));
  add_routes_layer(ds.get(), region, res);
  gpkg_close(ds, file.string());
}

}  // namespace dorsale::viz
