#pragma once
// What a run produces, independent of how it was computed: viz/ writes it, tests check it.
// Nothing here refers to a solver type.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/commune.h"
#include "models/interconnection.h"

namespace dorsale {

struct RunInfo {
  std::string scenario;       // scenario name (also the output folder's name)
  std::string scenario_file;  // path, or builtin:<name>
  std::string scenario_hash;  // FNV-1a 64 of the scenario text
  std::uint64_t seed = 0;
  std::string version = DORSALE_VERSION;
  std::vector<std::string> overridden_parameters;
};

// Premises of each commune by band, for each year of the results. The foundation's run writes
// the baseline (the first year); the roll-out planner adds the following years.
struct CommuneStates {
  std::vector<int> years;
  // states[y][i][b]: premises of commune i in band b at the end of years[y]
  std::vector<std::vector<std::array<std::int64_t, kBandCount>>> states;
};

// The interconnection queue of a run (its requests and the answers, in input order).
struct InterconnectionResults {
  std::string mode;  // "fcfs" or "optimal"
  std::vector<InterconnectionRequest> requests;
  std::vector<InterconnectionDecision> decisions;
  double accepted_value = 0, fcfs_value = 0;
  // joint MILP (mode optimal): status, objective, bound, gap, backend, seconds
  std::string mip_status, mip_backend;
  double mip_objective = 0, mip_bound = 0, mip_gap = 0, mip_seconds = 0;
};

struct ScenarioResults {
  RunInfo info;
  CommuneStates communes;
  InterconnectionResults interconnection;
};

}  // namespace dorsale
