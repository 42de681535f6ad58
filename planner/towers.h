#pragma once
// `dorsale towers`: which high points to build (and fibre) to close the 4G white zones.
//
// Scenario mode: demand points are the region's premises grouped by commune; a site covers the
// points within the radius of its commune's environment class (urban, rural, mountain);
// existing 4G sites are locked in; candidates are the region's candidate high points, each
// costing its build cost plus its fibre backhaul (the interconnection routing, from the site to
// the Dorsale). Chooses K sites or sites within a budget, and a yearly programme.
// File mode: candidates and demand points from CSV files (id,x,y,weight), one radius.

#include <memory>
#include <string>
#include <vector>

#include "models/progress.h"
#include "models/region.h"
#include "models/towers.h"
#include "models/results.h"
#include "io/projection.h"
#include "io/xy_csv.h"
#include "io/scenario.h"
#include "solvers/max_coverage.h"

namespace dorsale::planner {

// How the K / budget choice is solved (the CLI's --method: heuristic, exact-glpk, exact-cbc).
enum class TowersMethod { Heuristic, ExactGlpk, ExactCbc };

struct TowersConfig {
  std::string scenario;             // empty: built-in bfc-2022
  int sites = -1;                   // K (default: towers.sites_per_year)
  double budget = -1;               // EUR, instead of K
  std::string candidates, demand;   // file mode
  double radius_m = -1;             // file mode
  TowersMethod method = TowersMethod::Heuristic;
  std::string out_dir = "out/towers";
  std::string dem;                  // optional DEM (any GDAL raster, projected CRS): line of sight
  ProgressSink* progress = nullptr; // one line per step, the candidates' backhaul and the programme's years counted
};

// Coordinates beyond scenarios::kMaxProjectedCoordinate (|x|, |y| <= 1e7 m) are errors; it
// also bounds the coverage radius.
using scenarios::kMaxProjectedCoordinate;
// The file mode's point / site tables (XYTable, read_xy_csv, kMaxDemandWeight): io/xy_csv.h.
using scenarios::kMaxDemandWeight;
using scenarios::read_xy_csv;
using scenarios::XYTable;

// File mode: returns the towers JSON (chosen ids, covered weight, bound, gap, status, time).
TowersFileResult towers_from_files(const TowersConfig& cfg);

// Scenario mode (also used by `dorsale run`): coverage, choice, backhaul, yearly programme.
// `rollout` (inside `dorsale run`): the plan whose collecte builds planned links; those are
// built and paid by the roll-out, the sites use them as owned links (BackhaulAccount::built_by_rollout).
TowersResult towers_for_region(const Region& region, const scenarios::Scenario& s, const TowersConfig& cfg,
                               const RolloutResults* rollout = nullptr);
// Its steps that do not need the roll-out (candidate and DEM files read, demand points, radius
// fit, existing coverage, candidates and what each covers), apart: `dorsale run` computes them
// while the roll-out runs. It keeps references to `region` and `s`, which must outlive it and
// stay where they are; cfg.candidates and cfg.dem are read here.
struct TowersPrefix;  // planner/towers.cpp
std::shared_ptr<TowersPrefix> towers_prefix(const Region& region, const scenarios::Scenario& s, const TowersConfig& cfg);
// The rest, from a prefix made on the same region and scenario (consumed).
TowersResult towers_for_region(const Region& region, const scenarios::Scenario& s, const TowersConfig& cfg,
                               const RolloutResults* rollout, std::shared_ptr<TowersPrefix> prefix);

// Scenario mode with outputs: <out_dir>/towers.json and towers.gpkg (atomically).
TowersResult towers(const TowersConfig& cfg);

}  // namespace dorsale::planner
