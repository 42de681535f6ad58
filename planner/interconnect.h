#pragma once
// `dorsale interconnect`: answer a file of interconnection requests on a scenario's network.
#include <string>

#include "models/parameters.h"
#include "models/region.h"
#include "models/results.h"
#include "solvers/interconnect.h"

namespace dorsale::planner {

struct InterconnectConfig {
  std::string requests;           // CSV or JSON file
  std::string scenario;           // scenario file; empty: the built-in bfc-2022
  std::string network;            // a real network in place of the scenario's (read_network); empty: none
  solvers::QueueMode mode = solvers::QueueMode::FirstCome;  // --mode fcfs | optimal
  solvers::MipBackend backend = solvers::MipBackend::Glpk;  // MILP back end of --mode optimal: --backend glpk | cbc
  std::string out_dir = "out/interconnect";
  char csv_separator = ',';       // decisions.csv: ',' or ';' (decimal comma), io/csv_format.h
};

solvers::InterconnectParams interconnect_params(const Parameters& p);

// Evaluates requests (already validated against the network) in submission order (stable on
// the file order). No I/O.
InterconnectionResults evaluate_requests(const Region& region, const Parameters& params,
                                         std::vector<InterconnectionRequest> requests, solvers::QueueMode mode,
                                         solvers::MipBackend backend);

// Loads, evaluates, writes <out_dir>/decisions.json, decisions.csv and routes.gpkg (atomically).
// Throws InputError (bad request file, unknown node...) before anything is evaluated or written.
InterconnectionResults interconnect(const InterconnectConfig& cfg);

}  // namespace dorsale::planner
