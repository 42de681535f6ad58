#pragma once
// Scenario files (TOML): which region, which years, and overrides of the named parameters.
// Every key is documented in scenarios/README.md; an unknown or mistyped key is an error
// naming the file and line.
#include <cstdint>
#include <string>
#include <vector>

#include "models/parameters.h"
#include "models/region.h"
#include "io/gracethd.h"
#include "io/opendata.h"

namespace dorsale::scenarios {

struct RegionSource {
  enum class Kind { Builtin, OpenData } kind = Kind::Builtin;
  std::string builtin = "bfc";
  std::string opendata_dir;  // resolved path; empty when files are named one by one
  OpenDataFiles files;       // resolved paths
  // Open data only: the plan of the network derived over the real communes
  // (regions/network_rules.h): "auto" (default: the BFC plan when all its PoP communes are in
  // the region, else "derived"), "builtin:bfc", "derived" (a plan made by rule from the region),
  // a resolved path to a plan file, or "none" (no network: no interconnection queue, collecte or
  // towers).
  struct NetworkPlanChoice {
    enum class Kind { Auto, BuiltinBfc, Derived, File, None } kind = Kind::Auto;
    std::string path;  // Kind::File: the plan file, resolved
  } network_plan;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // path of the TOML file; "builtin:<name>" for the embedded ones
  std::string hash;  // FNV-1a 64 of the file's bytes, hex: identifies the inputs in outputs
  std::uint64_t seed = 2019;
  int first_year = 2019;
  int last_year = 2025;
  RegionSource region;
  // Interconnection requests answered by `dorsale run` (first come, first served); empty:
  // none. "builtin:requests-example.csv" is the example compiled into the binary.
  std::string requests;
  // ARCEP actuals the run is tracked against (dorsale track's file; resolved path; empty: none):
  // track.json in the scenario's folder and the plan-vs-actuals chart in the report.
  std::string actuals;
  // Private FttH commitments (L.33-13 / AMEL) added by the scenario: the commune becomes
  // private (AMEL when it was public) with this year and actor.
  struct Commitment {
    std::string commune;
    int year = 0;
    std::string actor;
    long line = 0;
  };
  std::vector<Commitment> commitments;
  // A real network in place of the region's own ([network] source = "gracethd" or "gpkg",
  // path = ...): "gracethd" a GraceTHD delivery folder or GeoPackage, "gpkg" any GeoPackage
  // read_network knows (GraceTHD or a dorsale layers.gpkg). Empty path: the region's network.
  struct NetworkFile {
    std::string source, path;  // path resolved against the scenario's folder
    long line = 0;
  } network;
  Parameters params;
  // The scenario gives budgets.public_eur_per_year itself (then fit_budgets leaves them).
  bool budgets_given = false;
};

// Reads a scenario file. Paths inside are relative to the file's directory.
// Throws InputError (file, line, key) on a syntax error, an unknown key, a wrong type or an
// out-of-range value.
Scenario load_scenario(const std::string& path);
// Parses scenario text; `origin` names it in errors, `base_dir` resolves relative paths.
Scenario parse_scenario(const std::string& text, const std::string& origin, const std::string& base_dir);

// The scenarios shipped in the binary: the text of scenarios/<name>.toml at build time.
std::vector<std::string> builtin_scenario_names();  // {"bfc-2022", "bfc-2025"}
Scenario builtin_scenario(const std::string& name);  // throws InputError if unknown
std::string builtin_scenario_text(const std::string& name);  // its TOML text; InputError if unknown

// The region a scenario asks for, and its budgets fitted to it: regions/load_region.h.

// Hex FNV-1a 64-bit hash of bytes.
std::string fnv1a64_hex(const std::string& bytes);

// The real network a scenario names ([network] source and path), read and checked against its
// source: InputError naming the scenario's line when a "gracethd" source is a dorsale
// layers.gpkg, or a "gpkg" source a delivery folder.
NetworkImport read_scenario_network(const Scenario& s);

}  // namespace dorsale::scenarios
