#include "io/gpkg_writer.h"
#include "io/spelling.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "io/gpkg_util.h"
#include "io/interconnect_writer.h"
#include "io/resilience_writer.h"
#include "io/towers_writer.h"
#include "io/gdal_util.h"

namespace dorsale::viz {

namespace {

// Lon/lat (EPSG:4326) to Lambert-93 (EPSG:2154), for the imported commune polygons.
struct ToLambert93 {
  OGRSpatialReference wgs84;
  std::unique_ptr<OGRCoordinateTransformation> transform;

  ToLambert93() {
    io::set_up_wgs84(wgs84);
    transform = io::wgs84_lambert93_transform();
    if (!transform) throw std::runtime_error("OSR: no transformation EPSG:4326 -> EPSG:2154");
  }
};

OGRLineString* segment(const Position& a, const Position& b) {
  auto* ls = new OGRLineString();
  ls->addPoint(a.x, a.y);
  ls->addPoint(b.x, b.y);
  return ls;
}

// ---- communes ----

// The target years that are years of the results, each once: (year, index in the states).
std::vector<std::pair<int, std::size_t>> target_states(const ScenarioResults& res, const std::vector<int>& target_years) {
  std::vector<std::pair<int, std::size_t>> out;
  for (std::size_t y = 0; y < res.communes.years.size(); ++y)
    for (int t : target_years)
      if (res.communes.years[y] == t &&
          std::find_if(out.begin(), out.end(), [&](auto& p) { return p.first == t; }) == out.end())
        out.emplace_back(t, y);
  return out;
}

void add_commune_fields(OGRLayer* L, bool planned, const std::vector<std::pair<int, std::size_t>>& targets) {
  gpkg_field(L, "code", OFTString);
  gpkg_field(L, "name", OFTString);
  gpkg_field(L, "departement", OFTString);
  gpkg_field(L, "population", OFTInteger64);
  gpkg_field(L, "premises", OFTInteger64);
  gpkg_field(L, "dwellings", OFTInteger64);
  gpkg_field(L, "business_sites", OFTInteger64);
  for (int b = 0; b < kBandCount; ++b) gpkg_field(L, io::spell(Band(b)), OFTInteger64);
  gpkg_field(L, "ftth_passed", OFTInteger64);
  gpkg_field(L, "zone", OFTString);
  gpkg_field(L, "phase2", OFTString);
  gpkg_field(L, "ftth_year", OFTInteger);
  gpkg_field(L, "ftth_actor", OFTString);
  gpkg_field(L, "thd_radio_premises", OFTInteger64);
  gpkg_field(L, "white_zone_share", OFTReal);
  gpkg_field(L, "rural", OFTInteger);
  gpkg_field(L, "mountain", OFTInteger);
  gpkg_field(L, "nro", OFTString);
  if (!planned) return;
  // the plan: the year FttH arrives, and the state at each target year
  gpkg_field(L, "ftth_year_plan", OFTInteger);
  for (auto [t, y] : targets) {
    gpkg_field(L, fmt::format("pct_ge30_{}", t).c_str(), OFTReal);
    gpkg_field(L, fmt::format("pct_ftth_{}", t).c_str(), OFTReal);
    gpkg_field(L, fmt::format("technology_{}", t).c_str(), OFTString);
  }
}

// The commune's own fields; `baseline`: its premises by band in the first year of the results.
void set_commune_fields(OGRFeature& f, const Commune& c, const std::array<std::int64_t, kBandCount>& baseline) {
  f.SetField("code", c.code.c_str());
  f.SetField("name", c.name.c_str());
  f.SetField("departement", c.departement.c_str());
  f.SetField("population", GIntBig(c.population));
  f.SetField("premises", GIntBig(c.premises()));
  f.SetField("dwellings", GIntBig(c.dwellings));
  f.SetField("business_sites", GIntBig(c.business_sites));
  for (int b = 0; b < kBandCount; ++b) f.SetField(io::spell(Band(b)), GIntBig(baseline[b]));
  f.SetField("ftth_passed", GIntBig(c.ftth_passed));
  f.SetField("zone", io::spell(c.zone));
  f.SetField("phase2", phase2_key(c.phase2));
  f.SetField("ftth_year", c.ftth_plan.year);
  f.SetField("ftth_actor", c.ftth_plan.actor.c_str());
  f.SetField("thd_radio_premises", GIntBig(c.thd_radio_premises));
  if (c.white_zone_share) f.SetField("white_zone_share", *c.white_zone_share);
  f.SetField("rural", int(c.rural));
  f.SetField("mountain", int(c.mountain));
  f.SetField("nro", c.nro.c_str());
}

// The technology serving most premises of a commune in one year (ties: copper, then FttH,
// then the alternatives in their order).
std::string main_technology(const std::array<std::int64_t, kBandCount>& bands,
                            const std::array<std::int64_t, kTechnologyCount>& alternatives) {
  std::string tech = "copper";
  std::int64_t most = bands[0] + bands[1] + bands[2] + bands[3];
  for (int k = 0; k < kTechnologyCount; ++k) most -= alternatives[k];
  if (bands[4] >= most) {
    tech = "ftth";
    most = bands[4];
  }
  for (int k = 0; k < kTechnologyCount; ++k)
    if (alternatives[k] > most) {
      most = alternatives[k];
      tech = io::spell(Technology(k));
    }
  return tech;
}

// The plan's fields of commune i: the year FttH arrives, the shares and the main technology
// at each target year.
void set_plan_fields(OGRFeature& f, const Commune& c, std::size_t i, const ScenarioResults& res,
                     const std::vector<std::pair<int, std::size_t>>& targets) {
  f.SetField("ftth_year_plan", res.rollout.ftth_year[i]);
  for (auto [t, y] : targets) {
    const auto& b = res.communes.states[y][i];
    const double p = double(std::max<std::int64_t>(1, c.premises()));
    f.SetField(fmt::format("pct_ge30_{}", t).c_str(), 100.0 * double(b[3] + b[4]) / p);
    f.SetField(fmt::format("pct_ftth_{}", t).c_str(), 100.0 * double(b[4]) / p);
    f.SetField(fmt::format("technology_{}", t).c_str(), main_technology(b, res.rollout.alternatives[y][i]).c_str());
  }
}

// The commune's polygons projected to Lambert-93.
OGRGeometry* commune_polygons(const Commune& c, ToLambert93& proj) {
  auto mp = std::make_unique<OGRMultiPolygon>();
  for (const auto& rings : c.polygons) {
    auto poly = std::make_unique<OGRPolygon>();
    for (const auto& ring : rings) {
      OGRLinearRing r;
      for (const auto& p : ring) r.addPoint(p[0], p[1]);
      r.closeRings();
      poly->addRing(&r);
    }
    mp->addGeometryDirectly(poly.release());
  }
  mp->assignSpatialReference(&proj.wgs84);
  if (mp->transform(proj.transform.get()) != OGRERR_NONE)
    throw std::runtime_error(fmt::format("layer communes: cannot project commune {}", c.code));
  return mp.release();
}

void write_communes(GDALDataset* ds, const Region& region, const ScenarioResults& res,
                    const std::vector<int>& target_years, ToLambert93& proj) {
  const bool polygons = !region.communes.empty() && !region.communes.front().polygons.empty();
  OGRLayer* L = gpkg_layer(ds, "communes", polygons ? wkbMultiPolygon : wkbPoint);
  const bool planned = res.rollout.planned;
  const auto targets = planned ? target_states(res, target_years) : std::vector<std::pair<int, std::size_t>>{};
  add_commune_fields(L, planned, targets);
  const bool has_states = !res.communes.states.empty();
  gpkg_in_transaction(L, [&] {
    for (std::size_t i = 0; i < region.communes.size(); ++i) {
      const auto& c = region.communes[i];
      OGRFeature f(L->GetLayerDefn());
      set_commune_fields(f, c, has_states ? res.communes.states.front()[i] : c.premises_by_band);
      if (planned) set_plan_fields(f, c, i, res, targets);
      if (polygons)
        f.SetGeometryDirectly(commune_polygons(c, proj));
      else
        f.SetGeometryDirectly(new OGRPoint(c.centroid.x, c.centroid.y));
      gpkg_write(L, &f);
    }
  });
}

// ---- network, high points, collecte ----

void write_network_nodes(GDALDataset* ds, const Network& net) {
  OGRLayer* L = gpkg_layer(ds, "network_nodes", wkbPoint);
  for (const char* n : {"id", "name", "kind", "departement", "owner"}) gpkg_field(L, n, OFTString);
  gpkg_in_transaction(L, [&] {
    for (const auto& nd : net.nodes()) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", nd.id.c_str());
      f.SetField("name", nd.name.c_str());
      f.SetField("kind", io::spell(nd.kind));
      f.SetField("departement", nd.departement.c_str());
      f.SetField("owner", nd.owner.c_str());
      f.SetGeometryDirectly(new OGRPoint(nd.pos.x, nd.pos.y));
      gpkg_write(L, &f);
    }
  });
}

void write_network_links(GDALDataset* ds, const Network& net) {
  OGRLayer* L = gpkg_layer(ds, "network_links", wkbLineString);
  for (const char* n : {"id", "from", "to", "owner", "status", "srg", "corridor"}) gpkg_field(L, n, OFTString);
  gpkg_field(L, "dorsale", OFTInteger);
  gpkg_field(L, "length_km", OFTReal);
  gpkg_field(L, "pairs_total", OFTInteger);
  gpkg_field(L, "pairs_used", OFTInteger);
  gpkg_field(L, "pairs_free", OFTInteger);
  gpkg_field(L, "lease_eur_per_pair_km_year", OFTReal);
  gpkg_field(L, "build_eur_per_km", OFTReal);
  gpkg_field(L, "latency_ms", OFTReal);
  gpkg_in_transaction(L, [&] {
    for (const auto& l : net.links()) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", l.id.c_str());
      f.SetField("from", net.node(l.a).id.c_str());
      f.SetField("to", net.node(l.b).id.c_str());
      f.SetField("owner", l.owner.c_str());
      f.SetField("status", io::spell(l.status));
      std::string srg;  // several groups (a GraceTHD cable through several shared cheminements): ';'-separated
      l.for_each_risk_group([&](const std::string& g) { srg += (srg.empty() ? "" : ";") + g; });
      f.SetField("srg", srg.c_str());
      f.SetField("corridor", l.corridor.c_str());
      f.SetField("dorsale", int(l.dorsale));
      f.SetField("length_km", l.length_km);
      f.SetField("pairs_total", l.pairs_total);
      f.SetField("pairs_used", l.pairs_used);
      f.SetField("pairs_free", l.pairs_free());
      f.SetField("lease_eur_per_pair_km_year", l.lease_eur_per_pair_km_year);
      f.SetField("build_eur_per_km", l.build_eur_per_km);
      f.SetField("latency_ms", l.latency_ms);
      f.SetGeometryDirectly(segment(net.node(l.a).pos, net.node(l.b).pos));
      gpkg_write(L, &f);
    }
  });
}

void write_high_points(GDALDataset* ds, const std::vector<HighPoint>& high_points) {
  static const char* const ops[] = {"orange", "sfr", "bouygues", "free"};
  OGRLayer* L = gpkg_layer(ds, "high_points", wkbPoint);
  gpkg_field(L, "id", OFTString);
  gpkg_field(L, "commune", OFTString);
  gpkg_field(L, "existing", OFTInteger);
  gpkg_field(L, "fibred", OFTInteger);
  for (const char* n : ops) gpkg_field(L, n, OFTInteger);
  gpkg_field(L, "height_m", OFTReal);
  gpkg_field(L, "build_cost_eur", OFTReal);
  gpkg_in_transaction(L, [&] {
    for (const auto& h : high_points) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", h.id.c_str());
      f.SetField("commune", h.commune.c_str());
      f.SetField("existing", int(h.existing));
      f.SetField("fibred", int(h.fibred));
      for (int o = 0; o < kOperatorCount; ++o) f.SetField(ops[o], h.sites[o]);
      f.SetField("height_m", h.height_m);
      f.SetField("build_cost_eur", h.build_cost_eur);
      f.SetGeometryDirectly(new OGRPoint(h.pos.x, h.pos.y));
      gpkg_write(L, &f);
    }
  });
}

void write_collecte(GDALDataset* ds, const Network& net, const RolloutResults& rollout) {
  OGRLayer* L = gpkg_layer(ds, "collecte", wkbLineString);
  gpkg_field(L, "year", OFTInteger);
  gpkg_field(L, "from", OFTString);
  gpkg_field(L, "to", OFTString);
  gpkg_field(L, "length_km", OFTReal);
  gpkg_field(L, "cost_eur", OFTReal);
  gpkg_field(L, "new_link", OFTInteger);
  gpkg_in_transaction(L, [&] {
    for (const auto& c : rollout.collecte) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("year", c.year);
      f.SetField("from", c.a.c_str());
      f.SetField("to", c.b.c_str());
      f.SetField("length_km", c.km);
      f.SetField("cost_eur", c.cost);
      f.SetField("new_link", int(c.new_link));
      f.SetGeometryDirectly(segment(net.node(*net.find_node(c.a)).pos, net.node(*net.find_node(c.b)).pos));
      gpkg_write(L, &f);
    }
  });
}

}  // namespace

void write_gpkg(const std::filesystem::path& file, const Region& region, const ScenarioResults& res,
                const std::vector<int>& target_years) {
  dorsale::io::register_gdal_drivers();
  GDALDriver* drv = gpkg_driver();
  io::DatasetPtr ds(drv->Create(file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error(fmt::format("{}: cannot create the GeoPackage", file.string()));
  ToLambert93 proj;
  write_communes(ds.get(), region, res, target_years, proj);
  write_network_nodes(ds.get(), region.network);
  write_network_links(ds.get(), region.network);
  write_high_points(ds.get(), region.high_points);
  if (res.rollout.planned) write_collecte(ds.get(), region.network, res.rollout);
  if (!res.interconnection.decisions.empty()) add_routes_layer(ds.get(), region, res.interconnection);
  gpkg_close(ds, file.string());
}

void add_run_layers(const std::filesystem::path& file, const Region& region, const TowersResult* towers,
                    const ResilienceResult* resilience) {
  if (!towers && !resilience) return;
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  if (!ds) throw std::runtime_error("cannot reopen layers.gpkg");
  if (towers) add_towers_layers(ds.get(), region, *towers);
  if (resilience) add_resilience_layer(ds.get(), region, *resilience);
  gpkg_close(ds, file.string());
}

}  // namespace dorsale::viz
