#include "viz/towers_writer.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "viz/gpkg_util.h"

#include <stdexcept>

namespace dorsale::viz {

void add_towers_layers(GDALDataset* ds, const Region& region, const TowersResult& res) {
  // existing sites, chosen sites, backhaul routes, white-zone premises (Lambert-93)
  auto layer = [&](const char* name, OGRwkbGeometryType t) { return gpkg_layer(ds, name, t); };
  auto field = [](OGRLayer* L, const char* n, OGRFieldType t) { gpkg_field(L, n, t); };
  {
    OGRLayer* L = layer("existing_sites", wkbPoint);
    field(L, "id", OFTString);
    field(L, "fibred", OFTInteger);
    field(L, "operators", OFTString);
    if (L->StartTransaction() != OGRERR_NONE) throw std::runtime_error("GeoPackage: cannot start a transaction");
    for (const auto& h : region.high_points) {
      if (!h.existing) continue;
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", h.id.c_str());
      f.SetField("fibred", int(h.fibred));
      std::vector<std::string> ops;
      for (int o = 0; o < kOperatorCount; ++o)
        if (h.carries(o)) ops.push_back(operator_name(Operator(o)));
      f.SetField("operators", fmt::format("{}", fmt::join(ops, ",")).c_str());
      f.SetGeometryDirectly(new OGRPoint(h.pos.x, h.pos.y));
      gpkg_write(L, &f);
    }
    if (L->CommitTransaction() != OGRERR_NONE) throw std::runtime_error("GeoPackage: cannot commit a layer");
  }
  {
    OGRLayer* L = layer("chosen_sites", wkbPoint);
    OGRLayer* B = layer("backhaul_routes", wkbLineString);
    for (OGRLayer* X : {L, B}) {
      field(X, "id", OFTString);
      field(X, "premises_newly_covered", OFTReal);
      field(X, "backhaul_cost_eur", OFTReal);
    }
    for (const auto& c : res.chosen) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("id", c.id.c_str());
      f.SetField("premises_newly_covered", c.newly_covered);
      f.SetField("backhaul_cost_eur", c.backhaul_cost);
      f.SetGeometryDirectly(new OGRPoint(c.x, c.y));
      gpkg_write(L, &f);
      if (c.backhaul.size() >= 2) {
        OGRFeature g(B->GetLayerDefn());
        g.SetField("id", c.id.c_str());
        g.SetField("premises_newly_covered", c.newly_covered);
        g.SetField("backhaul_cost_eur", c.backhaul_cost);
        auto* ls = new OGRLineString();
        for (auto [x, y] : c.backhaul) ls->addPoint(x, y);
        g.SetGeometryDirectly(ls);
        gpkg_write(B, &g);
      }
    }
  }
  {
    OGRLayer* L = layer("white_zone_premises", wkbPoint);
    field(L, "premises", OFTReal);
    if (L->StartTransaction() != OGRERR_NONE) throw std::runtime_error("GeoPackage: cannot start a transaction");
    for (std::size_t i = 0; i < res.white_x.size(); ++i) {
      OGRFeature f(L->GetLayerDefn());
      f.SetField("premises", res.white_premises[i]);
      f.SetGeometryDirectly(new OGRPoint(res.white_x[i], res.white_y[i]));
      gpkg_write(L, &f);
    }
    if (L->CommitTransaction() != OGRERR_NONE) throw std::runtime_error("GeoPackage: cannot commit a layer");
  }
}

}  // namespace dorsale::viz
