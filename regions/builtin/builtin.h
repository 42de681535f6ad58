#pragma once
// Internal to the built-in region generator (regions/builtin_region.cpp): the working state
// its steps share and the steps themselves, in the order build_builtin_region calls them.
// Every step reads what the earlier ones left in the state and adds its part; the random
// streams are keyed by (seed, step, index), so a step's draws do not depend on the others.
#include <cstdint>
#include <string>
#include <vector>

#include "models/parameters.h"
#include "models/region.h"
#include "io/projection.h"

namespace dorsale::scenarios::builtin {

// What the generator knows about a commune beyond the Commune itself.
struct CommuneWork {
  std::string dep;    // département code
  int tmpl = 0;       // index of the département template
  int tile = 0;
  double urban = 0;   // urban score: closeness to towns, weighted by their size
  double rural = 0;   // ruralness in [0, 1]
  int town = -1;      // index in kTowns if the commune is a real town
  int nearest_town = 0;
};

struct Builder {
  Builder(const Parameters& params, std::uint64_t seed);

  const Parameters& P;
  const std::uint64_t seed;
  Projection proj;
  Region region;

  // sizes: the 8 template départements are tiled `tiles` times
  std::int64_t n_communes = 0, total_pop = 0, total_premises = 0;
  double scale = 1;  // for absolute targets: premises / 1.7 M
  int tiles = 1;
  int n_templates = 0;
  std::vector<Position> tile_offset;

  // filled by the steps
  std::vector<std::int64_t> communes_per_dep, premises_per_dep;  // per generated département
  std::vector<CommuneWork> W;                                   // per commune
  std::int64_t town_pop_total = 0;
  std::int64_t P_total = 0;                    // premises of the region
  std::vector<std::size_t> by_urban, by_rural;  // towns first, then most urban first; reversed

  std::vector<Commune>& communes() { return region.communes; }
  std::size_t size() const { return region.communes.size(); }
  // Code of the département generated from template `tmpl` in tile `tile`.
  std::string dep_code(int tile, int tmpl) const;
  // Lambert-93 position of a WGS84 point of the templates, moved to its tile.
  Position shifted(double lon, double lat, int tile) const;
};

// Splits `total` into integers proportional to `weights` (largest remainder): the result
// sums to `total` exactly. Ties are broken by index, so the split is deterministic.
std::vector<std::int64_t> apportion(const std::vector<double>& weights, std::int64_t total);

// communes.cpp: départements, communes and their positions, populations, premises
void add_departements(Builder& b);
void add_communes(Builder& b);
void score_urban(Builder& b);
void fit_populations(Builder& b);
void flag_rural_and_mountain(Builder& b);
void spread_premises(Builder& b);

// bands.cpp: zones and phase 2, FttH plans, service bands, THD radio
void assign_zones(Builder& b);
void plan_ftth(Builder& b);
void fit_service_bands(Builder& b);
void place_thd_radio(Builder& b);

// high_points.cpp: 4G coverage and white zones, operator sites, candidates
void fit_mobile_coverage(Builder& b);
void add_high_points(Builder& b);

// network.cpp: the Dorsale and its transit links, data centres, RIP networks
void add_dorsale(Builder& b);
void add_rip_networks(Builder& b);

}  // namespace dorsale::scenarios::builtin
