#pragma once
// What the high-point siting produces (typed): the figures written to towers.json by
// viz::towers_json, and the geometry of its GeoPackage layers (Lambert-93).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/high_point.h"
#include "models/solve.h"

namespace dorsale {

// Objective, bound and gap of one max-coverage solve, with its status and method.
struct CoverageFigures {
  double objective = 0, bound = 0, gap = 0;
  MipStatus status = MipStatus::Optimal;
  SolveMethod method = SolveMethod::Heuristic;
};

// A planned RIP link that a towers plan builds for a site's backhaul. Within one plan (the
// choice, the programme, the unfibred existing sites) each planned link is built once and paid
// once, by the first site in the plan's order whose backhaul needs it (`paid_by`); later sites
// use it as owned (its operating cost only).
struct PlannedLinkBuild {
  std::string link;     // network link id
  std::string paid_by;  // site id
  int year = 0;         // programme year; 0 in the choice and the unfibred existing sites
  double km = 0, cost_eur = 0;
  std::vector<std::pair<double, double>> line;  // Lambert-93, from one end to the other
};

// The backhaul account of one plan: the planned links it builds (each once), what the sites
// pay in all, and what they would pay if each site were connected alone (planned links charged
// again to every site behind them, as the programme was priced before each link was built once).
struct BackhaulAccount {
  std::vector<PlannedLinkBuild> planned_links;
  double planned_links_eur = 0;    // sum of the distinct planned links built
  double backhaul_eur = 0;         // everything the sites pay for backhaul (includes planned_links_eur)
  double backhaul_each_alone_eur = 0;
  double planned_links_each_alone_eur = 0;  // planned links charged to every site behind them
  int unreachable_sites = 0;       // sites no route reaches (no backhaul cost counted)
  // Inside `dorsale run`: the planned links the sites use that the roll-out's collecte builds;
  // the roll-out pays them (paid_by "collecte", year: the collecte's), the sites their operating
  // cost only, so a link is paid once across the run. Not in planned_links_eur.
  std::vector<PlannedLinkBuild> built_by_rollout;
};

// A site of the K / budget choice.
struct ChosenSite {
  std::string id, commune;
  double x = 0, y = 0, lon = 0, lat = 0;  // Lambert-93 metres, WGS84 degrees
  double premises_newly_covered = 0, build_cost_eur = 0, backhaul_cost_eur = 0, backhaul_new_build_km = 0;
  std::vector<std::string> planned_links_paid;  // planned links this site builds (and pays)
  std::vector<std::string> planned_links_used;  // planned links an earlier site of the plan built
};

// Unfibred existing high points of one RIP (département) and the cost of their backhaul.
struct RipBackhaul {
  int high_points = 0;
  double cost_eur = 0, new_build_km = 0;
  double planned_links_eur = 0;  // part of cost_eur: planned links this RIP's sites build first
};

// One year of the programme.
struct TowersYear {
  int year = 0;
  std::vector<std::string> sites;  // ids
  double cost_eur = 0, premises_newly_covered = 0, white_zone_premises_after = 0, gap = 0;
  double planned_links_eur = 0;  // part of cost_eur: planned links first needed this year
  // per site, in the order of `sites` (in memory only, not in towers.json; the bills of
  // quantities read them): its commune and its build cost (0: an existing high point)
  std::vector<std::string> site_communes;
  std::vector<double> site_build_eur;
};

struct TowersResult {
  std::array<double, kOperatorCount> coverage_pct_of_premises{};  // by Operator
  double white_zone_premises = 0, premises = 0;
  // The factor applied to the coverage radii (towers.radius_fit) and the white-zone premises it
  // was fitted to (absent: no fit, the radii as given).
  double radius_scale = 1;
  std::optional<double> white_zone_target_premises;
  std::size_t existing_sites = 0, candidate_sites = 0;
  std::map<std::string, RipBackhaul> unfibred_existing_backhaul_by_rip;  // by département code
  BackhaulAccount unfibred_existing_backhaul;  // all RIPs, high points in the region's order
  struct Choice {
    CoverageFigures figures;
    int max_sites = -1;
    std::optional<double> budget_eur;
    std::vector<ChosenSite> chosen;
    double total_cost_eur = 0;     // builds + backhaul, each planned link once
    BackhaulAccount backhaul;      // sites in the choice's order
  } choice;
  std::vector<TowersYear> programme;
  BackhaulAccount programme_backhaul;  // sites in programme order (year, then choice order)

  // geometry for the GeoPackage (Lambert-93)
  std::vector<double> white_x, white_y, white_premises;   // demand points in no operator's 4G coverage
  struct Chosen {
    std::string id;
    double x, y;
    int year;  // 0: the K / budget choice; otherwise the programme year
    double newly_covered, backhaul_cost;
    std::vector<std::pair<double, double>> backhaul;  // route polyline
    std::vector<std::string> planned_links_paid;     // planned links this site builds
  };
  std::vector<Chosen> chosen;
};

// The file mode: your own candidate and demand lists.
struct TowersFileResult {
  CoverageFigures figures;
  double seconds = 0;
  std::size_t candidates = 0, demand_points = 0;
  double radius_m = 0;
  int sites = -1;
  struct Site {
    std::string id;
    double x = 0, y = 0;
  };
  std::vector<Site> chosen;
  double total_weight = 0;
};

}  // namespace dorsale
