#pragma once
// Reading a real network through GDAL/OGR: a GraceTHD v2.0.1 delivery (a folder of Shapefiles
// and `;` CSV files), the same tables in one GeoPackage (as GraceTHD v3 ships them), or the
// network layers of a dorsale layers.gpkg. The mapping onto the model is in models/gracethd.h
// and README "Real networks".
//
// An import stops, with one InputError naming the file and the table, only when a table it
// needs is missing or unreadable: no t_noeud or t_cable, a required field missing, a
// Shapefile without a .prj, no cable left to keep. A row refused for what it holds (a code
// outside its value list, a code naming no row, a duplicate code, a bad number, a malformed
// CSV line, text not UTF-8 in the declared encoding, a cable whose ends cannot be found) is
// left out and counted in `dropped` with its kind, reason, code and line; rows the model
// leaves out (abandoned or out-of-service cables, jumpers, cables inside one site, chambers no
// kept cable ends at) are counted there too, without a kind. Cable ends: cb_nd1/cb_nd2, else
// the t_cableline geometry's ends within gracethd.end_snap_m of a node, else the duct chain.
// With t_fibre, a cable's free pairs are its free fibres'; with t_position, the free fibres
// spliced end to end through closures form chains, grouped into one logical link per sequence
// of cables (README "Real networks", route continuity).
//
// Complexity: one pass over each table, hash maps on the codes; 100,000 cables import in about
// a second (benchmarks/BENCHMARKS.md).
#include <map>
#include <string>
#include <vector>

#include "models/gracethd.h"
#include "models/high_point.h"
#include "models/network.h"
#include "models/parameters.h"
#include "models/progress.h"
#include "models/region.h"

namespace dorsale::scenarios {

struct NetworkImport {
  Network network;
  std::vector<HighPoint> high_points;  // one per t_siteemission row (id: se_anfr, else se_code)
  NetworkInfo info;                    // source, format, totals, dropped rows, derived values
  // With t_fibre: the free fibres (fo_code) of each cable link (cb_code), in the table's order;
  // with t_position: each logical link's cables and free fibre chains.
  gracethd::Fibres fibres;
};

// A delivery folder, a GraceTHD GeoPackage (a layer t_noeud) or a dorsale layers.gpkg (layers
// network_nodes and network_links), told apart by what the path holds. Costs of the links
// come from `P` (costs.*, gracethd.*), latencies from network.latency_us_per_km, lengths no
// table gives from the straight line x network.rip_detour_factor.
// `progress` (may be null) counts the rows read, one counted stage per GraceTHD table.
NetworkImport read_network(const std::string& path, const Parameters& P, ProgressSink* progress = nullptr);

// The same for a path known to be a GraceTHD delivery (folder or GeoPackage).
NetworkImport read_gracethd(const std::string& path, const Parameters& P, ProgressSink* progress = nullptr);

// `dorsale network check`: the import of PATH, reporting instead of failing: the tables read
// (rows) and those present and not read, the rows left out with their reasons, the warnings,
// the totals; `usable` is false, with the import's one error, when a table it needs is
// missing or unreadable or no cable can be kept. Never throws, on any input.
NetworkCheck check_network(const std::string& path, const Parameters& P, ProgressSink* progress = nullptr) noexcept;

// Puts an imported network in place of the region's: each commune is attached to the network's
// NRO nearest to its centroid (no NRO: none), the region's high points stay, the provenance
// records the file, its format and the rows left out. Validates the region.
void use_network(Region& r, NetworkImport imp);

}  // namespace dorsale::scenarios
