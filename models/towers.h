#pragma once
// What the high-point siting produces: the summary written to towers.json and the geometry of
// its GeoPackage layers (Lambert-93).
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace dorsale {

struct TowersResult {
  nlohmann::json summary;  // what towers.json holds
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

}  // namespace dorsale
