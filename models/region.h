#pragma once
// A Region: everything a scenario plans on. Built by scenarios/ (built-in generator or
// open-data import), read by solvers/, planner/ and viz/.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/commune.h"
#include "models/high_point.h"
#include "models/network.h"

namespace dorsale {

struct Departement {
  std::string code;
  std::string name;
  std::string rip_name;  // the département's public-initiative network
  Position prefecture;
  std::string prefecture_commune;  // INSEE code of its chef-lieu when a file gives it ("" unknown)
};

// Where the region's figures come from, so outputs can say what is measured and what derived.
struct RegionProvenance {
  std::string source;     // "builtin:bfc", "synthetic", "opendata:<dir>"
  std::string geography;  // "2018", "current", "generated"
  std::uint64_t seed = 0;
  std::vector<std::string> files;    // input files read
  // Date of the FttH state the region starts from (YYYY-MM-DD): the ARCEP quarter of the open
  // data's FttH file; empty: not dated (the plan then starts on 31 December before its first year).
  std::string state_date;
  std::vector<std::string> derived;  // model fields derived by a documented rule
  // Where the network comes from when a rule laid it: "" (the region's own or none), else the
  // plan it was derived from ("builtin:bfc", "derived" for the rule-made plan, a plan file).
  std::string network_origin;
  std::vector<std::string> missing;  // fields the source cannot give (reported as null)
  // Mobile sites of the input file: rows read and rows left out (outside the communes).
  std::optional<std::int64_t> mobile_rows_read;
};

struct Region {
  std::string name;
  std::vector<Departement> departements;
  std::vector<Commune> communes;
  Network network;
  std::vector<HighPoint> high_points;
  RegionProvenance provenance;

  std::optional<int> find_commune(const std::string& code) const;
};

// The region's totals, as `dorsale region info` prints them. Optional fields are those the
// source cannot give: they are printed as null, never made up.
struct RegionTotals {
  std::int64_t communes = 0, population = 0, premises = 0, dwellings = 0, business_sites = 0;
  std::int64_t ftth_passed = 0;  // FttH premises passed as the source counts them
  std::array<std::int64_t, kBandCount> bands{};
  std::array<std::int64_t, kZoneCount> zones{};
  bool amel_known = true;  // false: the source cannot tell AMEL zones (printed null)
  std::optional<std::array<std::int64_t, 3>> phase2;  // amel, dsp, unknown
  std::optional<std::int64_t> thd_radio_communes, thd_radio_premises;
  std::array<std::int64_t, kOperatorCount> sites_by_operator{};
  bool sites_known = false;
  std::optional<std::array<double, kOperatorCount>> coverage_by_operator;  // % of population
  std::optional<std::int64_t> white_zone_premises;
  std::optional<double> dorsale_km;
  std::vector<std::string> external_hubs;
  std::int64_t communes_under_500 = 0;
  std::int64_t rural_population = 0;
  std::map<std::string, std::int64_t> premises_by_departement;
};

RegionTotals compute_totals(const Region& r);

// Validates every commune, the network and every high point, and the cross references
// (commune départements exist, NRO ids exist, high points stand in known communes).
void validate(const Region& r);

}  // namespace dorsale
