#pragma once
// Network plan files (TOML): where the Dorsale of a region runs (hubs, PoPs, corridors, data
// centres). The rules that lay a network from a plan: regions/network_rules.h.
#include <string>
#include <vector>

namespace dorsale::scenarios {

// Where the Dorsale runs: a small table per region (the BFC one is built in; other regions give
// a TOML file, see read_network_plan).
struct NetworkPlan {
  struct Hub {
    std::string id, name;
    double lon = 0, lat = 0;  // WGS84, the hub's real position (outside the region)
  };
  struct Pop {
    std::string id;       // "pop:dijon"
    std::string commune;  // INSEE code of the commune hosting it (placed at its centroid)
  };
  struct Corridor {
    std::string a, b;      // PoP or hub ids
    std::string corridor;  // "A6", informational
    std::string duct;      // shared-risk group
    bool owned = false;    // owned by the Région (else leased)
    bool transit = false;  // link to an external hub, leased from national carriers
  };
  struct DataCentre {
    std::string id, name;
    std::string pop;  // PoP it stands beside
  };
  std::string origin;  // "builtin:bfc", the file read, or "derived" (derived_network_plan)
  // Dorsale corridor lengths: straight distances scaled so that the Dorsale measures
  // network.dorsale_km (a plan drawn for its region), or straight × network.corridor_detour_factor
  // (a plan derived by rule, whose length nobody gave).
  bool scale_to_dorsale_km = true;
  std::vector<Hub> hubs;
  std::vector<Pop> pops;
  std::vector<Corridor> corridors;
  std::vector<DataCentre> data_centres;
};

// Reads a plan: [[hub]] id, name, lon, lat; [[pop]] id, commune; [[corridor]] a, b, corridor,
// duct, owned, transit; [[data_centre]] id, name, pop. Throws InputError (file, line, key).
NetworkPlan read_network_plan(const std::string& path);

}  // namespace dorsale::scenarios
