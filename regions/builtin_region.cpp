#include "regions/builtin_region.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/error.h"
#include "regions/builtin/builtin.h"
#include "regions/builtin/reference_data.h"

namespace dorsale::scenarios {

namespace builtin {

Builder::Builder(const Parameters& params, std::uint64_t seed_) : P(params), seed(seed_) {
  region.name = "bfc";
  region.provenance.source = "builtin:bfc";
  region.provenance.geography = "generated";
  region.provenance.seed = seed;
  region.provenance.derived = {"all fields (generated, calibrated to the SCORAN 2019)"};

  n_communes = P.calibration.communes;
  total_pop = P.calibration.population;
  total_premises = P.calibration.premises;
  scale = double(total_premises) / kDefaultPremises;
  tiles = std::max<int>(1, int(std::lround(double(n_communes) / kTemplateCommunes)));
  n_templates = int(std::size(kDeps));
  if (tiles * n_templates > 90)
    throw ValidationError("parameter calibration.communes", "calibration.communes",
                          "too many communes: at most 90 generated départements (~42,000 communes)");
  tile_offset.resize(tiles);
  for (int t = 0; t < tiles; ++t) {
    tile_offset[t].x = (t % 4) * 420000.0;
    tile_offset[t].y = -(t / 4) * 320000.0;
  }
}

std::string Builder::dep_code(int tile, int tmpl) const {
  return tiles == 1 ? std::string(kDeps[tmpl].code) : fmt::format("{}", 10 + tile * n_templates + tmpl);
}

Position Builder::shifted(double lon, double lat, int tile) const {
  Position p = proj.from_wgs84(lon, lat);
  if (tile > 0) {
    p.x += tile_offset[tile].x;
    p.y += tile_offset[tile].y;
    proj.fill_wgs84(p);
  }
  return p;
}

std::vector<std::int64_t> apportion(const std::vector<double>& weights, std::int64_t total) {
  std::vector<std::int64_t> out(weights.size(), 0);
  double sum = 0;
  for (double w : weights) sum += std::max(0.0, w);
  if (weights.empty() || total <= 0 || sum <= 0) return out;
  std::vector<std::pair<double, std::size_t>> rem;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double exact = double(total) * std::max(0.0, weights[i]) / sum;
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    given += out[i];
    rem.emplace_back(exact - double(out[i]), i);
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto& x, auto& y) { return x.first > y.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) out[rem[k % rem.size()].second] += 1;
  return out;
}

}  // namespace builtin

Region build_builtin_region(const Parameters& P, std::uint64_t seed) {
  builtin::Builder b(P, seed);
  // the communes, their people and premises
  builtin::add_departements(b);
  builtin::add_communes(b);
  builtin::score_urban(b);
  builtin::fit_populations(b);
  builtin::flag_rural_and_mountain(b);
  builtin::spread_premises(b);
  // how they are served in 2019 and the FttH plans
  builtin::assign_zones(b);
  builtin::plan_ftth(b);
  builtin::fit_service_bands(b);
  builtin::place_thd_radio(b);
  builtin::fit_mobile_coverage(b);
  // the networks and the high points
  builtin::add_dorsale(b);
  builtin::add_rip_networks(b);
  builtin::add_high_points(b);
  validate(b.region);
  return std::move(b.region);
}

}  // namespace dorsale::scenarios
