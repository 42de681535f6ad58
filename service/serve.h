#pragma once
// `dorsale serve`: the interconnection desk as a long-running service.
#include <string>

#include "models/gracethd.h"
#include "models/region.h"
#include "io/scenario.h"

namespace dorsale::service {

struct ServeConfig {
  std::string scenario;                 // scenario file; empty: the built-in bfc-2022
  std::string network;                  // a real network in place of the scenario's (GraceTHD folder or GeoPackage, or a layers.gpkg)
  std::string db;                       // SQLite file or postgresql:// URL; empty: next to the scenario
  std::string listen = "127.0.0.1:8080";  // host:port (port 0: any free port)
  std::string tokens;                   // TOML file of [[token]] tables
  std::string key_file;                 // the desk key (service/desk_key.h); empty: default_key_file
};

// The register's default place: beside the network given (its name + ".desk.sqlite"), else the
// scenario file with the extension ".desk.sqlite" (the built-in scenario: ./bfc-2022.desk.sqlite).
std::string default_db(const std::string& scenario, const std::string& network = "");

// The desk key's default place: <register>.key beside a SQLite register; for a PostgreSQL
// register (shared by several desks, which must share the key) <tokens>.key beside the tokens
// file; InputError naming --key-file when neither applies.
std::string default_key_file(const std::string& db, const std::string& tokens);

// The region the desk answers on: the scenario's, its network replaced by `cfg.network` when
// given (requests then name nodes by their GraceTHD nd_code). InputError naming the file when
// there is no network to route on. `fibres`: set to the network's known fibres (t_ropt).
Region desk_region(const ServeConfig& cfg, const scenarios::Scenario& s, gracethd::Fibres* fibres = nullptr);

// Loads the scenario, opens the register, listens, prints one line
// "dorsale serve: listening on http://HOST:PORT (register ...)" on stdout, and serves until
// SIGINT or SIGTERM. Throws InputError for a bad scenario, token file, register or --listen.
int serve(const ServeConfig& cfg);

}  // namespace dorsale::service
