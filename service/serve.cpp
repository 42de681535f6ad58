#include "service/serve.h"

#include <pthread.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "models/error.h"
#include "io/gracethd.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "service/desk.h"
#include "service/http_api.h"
#include "service/notifier.h"
#include "io/register.h"
#include "service/tokens.h"

namespace dorsale::service {

std::string default_db(const std::string& scenario, const std::string& network) {
  if (!network.empty()) {
    std::filesystem::path p(network);
    if (!p.has_filename()) p = p.parent_path();  // "delivery/" -> "delivery"
    return p.string() + ".desk.sqlite";
  }
  if (scenario.empty()) return "bfc-2022.desk.sqlite";
  return std::filesystem::path(scenario).replace_extension(".desk.sqlite").string();
}

std::string default_key_file(const std::string& db, const std::string& tokens) {
  if (db.rfind("postgresql://", 0) != 0 && db.rfind("postgres://", 0) != 0) return db + ".key";
  if (!tokens.empty()) return tokens + ".key";
  throw InputError("command line", 0, "--key-file",
                   "a PostgreSQL register needs --key-file (or --tokens, the key then beside it): every desk on the register uses the same key");
}

namespace {

std::pair<std::string, int> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw InputError("command line", 0, "--listen", "'" + listen + "' is not HOST:PORT");
  const std::string host = listen.substr(0, colon), port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    throw InputError("command line", 0, "--listen", "'" + port + "' is not a port (0-65535)");
  return {host, std::stoi(port)};
}

}  // namespace

Region desk_region(const ServeConfig& cfg, const scenarios::Scenario& s, gracethd::Fibres* fibres) {
  Region region = scenarios::load_region(s);
  if (!cfg.network.empty()) {
    auto imp = scenarios::read_network(cfg.network, s.params);
    if (fibres) *fibres = std::move(imp.fibres);
    scenarios::use_network(region, std::move(imp));
  }
  if (region.network.nodes().empty())
    throw InputError(cfg.network.empty() ? s.file : cfg.network, 0, "region", "the region has no network to route on");
  return region;
}

int serve(const ServeConfig& cfg) {
  const auto [host, port] = parse_listen(cfg.listen);
  // The address first, exclusively: a second desk on a busy address stops here, before it
  // reads anything or touches its register.
  std::optional<ListenSocket> sock;
  try {
    sock.emplace(host, port);
  } catch (const std::runtime_error& e) {
    throw InputError("command line", 0, "--listen", e.what());
  }
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  gracethd::Fibres fibres;
  const Region region = desk_region(cfg, s, &fibres);
  const TokenStore tokens = cfg.tokens.empty() ? TokenStore() : TokenStore::load(cfg.tokens);
  if (tokens.size() == 0) std::cerr << "dorsale serve: no --tokens file: every API call but /api/health is refused (401)\n";
  const std::string db = cfg.db.empty() ? default_db(cfg.scenario, cfg.network) : cfg.db;
  // the desk key before the register: a key file others may read stops the desk here
  const DeskKey key = DeskKey::load_or_create(cfg.key_file.empty() ? default_key_file(db, cfg.tokens) : cfg.key_file);
  auto reg = open_register(db);
  Desk desk(region, s.params, *reg);
  desk.use_key(key);
  HttpApi api(desk, tokens);
  api.set_fibres(std::move(fibres));
  Notifier notifier(desk);  // the webhooks' sender; stopped before the desk goes
  // SIGINT / SIGTERM are taken by one thread that stops the server (not in a signal handler).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const int bound = api.adopt(*sock);
  std::cout << "dorsale serve: listening on http://" << host << ":" << bound << " (register " << reg->describe() << ")" << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    api.stop();
  });
  api.run();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter when run() ended otherwise
  waiter.join();
  return 0;
}

}  // namespace dorsale::service
