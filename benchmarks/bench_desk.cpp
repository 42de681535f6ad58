// Submissions per second and latency of the desk (dorsale serve) over loopback HTTP, on the
// built-in bfc network: C client threads (keep-alive connections) each submit N requests
// (random NRO sites, 1 pair, to the Dorsale); every answer is durable when it arrives.
// Usage: bench_desk --db FILE|postgresql://... --clients C [--requests N]
// The register should be new (scripts/bench-desk.sh makes one per run).
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "scenarios/scenario.h"
#include "service/desk.h"
#include "service/http_api.h"
#include "service/register.h"
#include "service/tokens.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string db;
  int clients = 8;
  int requests = 200;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) o.db = argv[i + 1];
    else if (!std::strcmp(argv[i], "--clients")) o.clients = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--requests")) o.requests = std::stoi(argv[i + 1]);
  }
  if (o.db.empty()) throw std::runtime_error("usage: bench_desk --db FILE|URL --clients C [--requests N]");
  return o;
}

// Latencies in ms of every submission of one client.
std::vector<double> client(int port, int id, int n, const std::vector<std::string>& sites) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  std::mt19937 rng(id);
  std::vector<double> ms;
  const httplib::Headers h = {{"Authorization", "Bearer bench-token"}};
  for (int k = 0; k < n; ++k) {
    const std::string body = fmt::format(R"({{"site": "{}", "destination": "dorsale", "pairs": 1}})", sites[rng() % sites.size()]);
    const auto t0 = Clock::now();
    auto r = c.Post("/api/requests", h, body, "application/json");
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r || r->status != 201) throw std::runtime_error("submission refused: " + (r ? r->body : "no answer: " + httplib::to_string(r.error())));
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto s = scenarios::builtin_scenario("bfc-2022");
  const Region region = scenarios::load_region(s);
  std::vector<std::string> sites;
  for (const auto& n : region.network.nodes())
    if (n.kind == NodeKind::Nro) sites.push_back(n.id);
  auto reg = service::open_register(o.db);
  Parameters params = s.params;
  params.desk.connections_per_address = 100000;  // every client of the bench comes from 127.0.0.1
  service::Desk desk(region, params, *reg);
  service::TokenStore tokens;
  tokens.add("bench", service::Role::Engineer, service::sha256_hex_of("bench-token"));  // engineers have no quotas (desk.quota_*)
  service::HttpApi api(desk, tokens);
  const int port = api.bind("127.0.0.1", 0);
  std::thread server([&] { api.run(); });
  std::vector<std::vector<double>> lat(o.clients);
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) threads.emplace_back([&, c] { lat[c] = client(port, c, o.requests, sites); });
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  api.stop();
  server.join();
  std::vector<double> all;
  for (const auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[std::min(all.size() - 1, std::size_t(p * double(all.size())))]; };
  std::cout << fmt::format("{} clients x {} submissions on {}: {:.0f} submissions/s, p50 {:.2f} ms, p99 {:.2f} ms\n", o.clients,
                           o.requests, reg->describe().substr(0, reg->describe().find(':')), double(all.size()) / secs, pct(0.5), pct(0.99));
  return 0;
}
