// Submissions per second and latency of the desk (dorsale serve) over loopback HTTP, on the
// built-in bfc network: C client threads (keep-alive connections) each submit N requests
// (random NRO sites, 1 pair, to the Dorsale); every answer is durable when it arrives.
// Usage: bench_desk --db FILE|postgresql://... --clients C [--requests N]
//        bench_desk --db FILE|postgresql://... --list ROWS [--calls K]
// The register should be new (scripts/bench-desk.sh makes one per run). --list: the register is
// filled with ROWS requests (copies of real answers, ids, requesters op000x..op099x, closed
// statuses, in one transaction; not when it holds ROWS already), then K + 1 pages of 50 are asked over HTTP per query (no search,
// a search matching 1 % of the requests, one matching 10 %, an id, 2 characters), each timed:
// p50 and p99 of the last K, the first apart (on SQLite it brings the search index up to date).
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "io/scenario.h"
#include "regions/load_region.h"
#include "service/desk.h"
#include "service/http_api.h"
#include "io/register.h"
#include "service/tokens.h"

using namespace dorsale;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string db;
  int clients = 8;
  int requests = 200;
  int list = 0;  // > 0: the listing benchmark on a register of this many requests
  int calls = 60;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) o.db = argv[i + 1];
    else if (!std::strcmp(argv[i], "--clients")) o.clients = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--requests")) o.requests = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--list")) o.list = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--calls")) o.calls = std::stoi(argv[i + 1]);
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

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

// The listing benchmark (see the usage above).
void list_bench(const Options& o, service::Register& reg, service::Desk& desk, int port, const std::vector<std::string>& sites) {
  std::int64_t have = 0;
  reg.read([&](service::RegisterTx& tx) { have = tx.count({.owner = "", .status = std::nullopt, .q = "", .limit = 0}); });
  if (have >= o.list) {  // a register filled by an earlier run (e.g. then VACUUM ANALYZE-d): asked as it is
    std::cout << fmt::format("register already holds {} requests: not filled again\n", have);
  } else {
  std::vector<service::StoredRequest> models;
  for (int k = 0; k < 4; ++k) {
    const auto a = desk.submit({"bench", service::Role::Engineer},
                               fmt::format(R"({{"id": "M{}", "site": "{}", "destination": "dorsale", "pairs": 1}})", k, sites[std::size_t(k) % sites.size()]), "");
    reg.read([&](service::RegisterTx& tx) { models.push_back(*tx.get(a.answer.request.id)); });
  }
  const service::RequestStatus closed[] = {service::RequestStatus::Rejected, service::RequestStatus::Declined,
                                           service::RequestStatus::Cancelled, service::RequestStatus::Expired};
  const auto f0 = Clock::now();
  reg.write([&](service::RegisterTx& tx) {
    for (int k = 0; k < o.list; ++k) {
      service::StoredRequest r = models[std::size_t(k) % models.size()];
      r.id = fmt::format("L{:07}", k);
      auto j = nlohmann::json::parse(r.request_json);
      j["id"] = r.id;
      j["requester"] = fmt::format("op{:03}x", k % 100);
      r.request_json = j.dump();
      r.status = closed[k % 4];
      r.hold_expires = 0;
      r.idem_key.clear();
      r.created = r.updated = 1780000000 + k;
      tx.insert(r, {});
    }
  });
  std::cout << fmt::format("filled {} requests in {:.1f} s\n", o.list, std::chrono::duration<double>(Clock::now() - f0).count());
  }
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  const httplib::Headers h = {{"Authorization", "Bearer bench-token"}};
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"newest 50, no search", "/api/requests"},
      {"search matching 1 % (q=op042x)", "/api/requests?q=op042x"},
      {"search matching 10 % (q=op04)", "/api/requests?q=op04"},
      {"search of an id (q=L0054321)", "/api/requests?q=L0054321"},
      {"2-character search (q=p0, every row)", "/api/requests?q=p0"}};
  for (const auto& [what, path] : queries) {
    std::vector<double> ms;
    for (int k = 0; k <= o.calls; ++k) {  // call 0 apart: the first search of a filled SQLite register indexes it
      const auto t0 = Clock::now();
      auto r = c.Get(path.c_str(), h);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!r || r->status != 200) throw std::runtime_error("list refused: " + (r ? r->body : std::string("no answer")));
    }
    const double first = ms.front();
    ms.erase(ms.begin());
    std::cout << fmt::format("{} requests, {}: p50 {:.2f} ms, p99 {:.2f} ms ({} calls; the first before them {:.1f} ms)\n", o.list, what,
                             percentile(ms, 0.5), percentile(ms, 0.99), o.calls, first);
  }
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
  if (o.list > 0) {
    list_bench(o, *reg, desk, port, sites);
    api.stop();
    server.join();
    return 0;
  }
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
