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

namespace dorsale {

// Objective, bound and gap of one max-coverage solve, with its status and method.
struct CoverageFigures {
  double objective = 0, bound = 0, gap = 0;
  std::string status, method;
};

// A site of the K / budget choice.
struct ChosenSite {
  std::string id, commune;
  double x = 0, y = 0, lon = 0, lat = 0;  // Lambert-93 metres, WGS84 degrees
  double premises_newly_covered = 0, build_cost_eur = 0, backhaul_cost_eur = 0, backhaul_new_build_km = 0;
};

// Unfibred existing high points of one RIP (département) and the cost of their backhaul.
struct RipBackhaul {
  int high_points = 0;
  double cost_eur = 0, new_build_km = 0;
};

// One year of the programme.
struct TowersYear {
  int year = 0;
  std::vector<std::string> sites;  // ids
  double cost_eur = 0, premises_newly_covered = 0, white_zone_premises_after = 0, gap = 0;
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
  struct Choice {
    CoverageFigures figures;
    int max_sites = -1;
    std::optional<double> budget_eur;
    std::vector<ChosenSite> chosen;
    double total_cost_eur = 0;
  } choice;
  std::vector<TowersYear> programme;

  // geometry for the GeoPackage (Lambert-93)
  std::vector<double> white_x, white_y, white_premises;   // demand points in no operator's 4G coverage
  struct Chosen {
    std::string id;
    double x, y;
    int year;  // 0: the K / budget choice; otherwise the programme year
    double newly_covered, backhaul_cost;
    std::vector<std::pair<double, double>> backhaul;  // route polyline
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
