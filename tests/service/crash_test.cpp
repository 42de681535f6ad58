// kill -9 of `dorsale serve` during a burst of submissions, at 10 random moments, each time
// restarted on the same register (a SQLite file; a PostgreSQL database): every request acknowledged with a 2xx before the kill is
// there with the status it was given, no pairs are held by a request that holds nothing, and
// no link is overbooked (checked with SQL on the register).
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

using nlohmann::json;

// A `dorsale serve` child process on a free loopback port.
struct ServeProcess {
  pid_t pid = -1;
  int port = 0;

  ServeProcess(const std::string& db, const std::filesystem::path& tokens) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(DORSALE_BIN, DORSALE_BIN, "serve", "--db", db.c_str(), "--tokens", tokens.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char ch;
    while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    close(out[0]);
    const auto at = line.find("http://127.0.0.1:");
    if (at == std::string::npos) throw std::runtime_error("dorsale serve did not start: '" + line + "'");
    port = std::stoi(line.substr(at + 17));
  }
  void kill9() {
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
  ~ServeProcess() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

std::filesystem::path write_tokens(const std::filesystem::path& dir) {
  const auto path = dir / "tokens.toml";
  std::ofstream f(path);
  f << "[[token]]\nname = \"alice\"\nrole = \"requester\"\nsha256 = \"" << service::sha256_hex_of(kAlice) << "\"\n";
  f << "[[token]]\nname = \"eng\"\nrole = \"engineer\"\nsha256 = \"" << service::sha256_hex_of(kEng) << "\"\n";
  return path;
}

// The register: a SQLite file or a postgresql:// URL.
long long sql_on(const std::string& db, const std::string& sql) {
  return db.rfind("postgresql://", 0) == 0 ? pg_scalar(db, sql) : sql_scalar(db, sql);
}

class DeskCrash : public ::testing::TestWithParam<std::string> {};

TEST_P(DeskCrash, KillDuringABurstLosesNoAcknowledgedRequest) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  const auto dir = fresh_dir("crash");
  const auto tokens = write_tokens(dir);
  const std::string db = GetParam() == "postgresql" ? PgCluster::instance().new_database() : (dir / "desk.sqlite").string();
  const std::vector<std::string> sites = {"nro:25-010", "nro:39-020", "pop:besancon", "nro:25-011", "nro:39-021"};
  std::random_device seed;
  std::mt19937 rng(seed());
  std::map<std::string, std::string> acked;  // every 2xx answer over all rounds: id -> status
  for (int round = 0; round < 10; ++round) {
    ServeProcess server(db, tokens);
    const int kill_after_ms = 20 + int(rng() % 600);
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", server.port);
        c.set_tcp_nodelay(true);
        for (int k = 0; !stop; ++k) {
          const json body = {{"site", sites[(t + k) % sites.size()]}, {"destination", "dorsale"}, {"pairs", 1 + (k % 3)}};
          // as the engineer: a requester's quotas (desk.quota_*) would refuse most of the burst
          auto r = c.Post("/api/requests", bearer(kEng, fmt::format("r{}-t{}-{}", round, t, k)), body.dump(), "application/json");
          if (!r) break;  // the server is gone
          if (r->status / 100 != 2) continue;
          const json j = json::parse(r->body);
          std::lock_guard lock(mu);
          acked[j["id"]] = j["status"];
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    server.kill9();
    stop = true;
    for (auto& th : clients) th.join();
    ServeProcess restarted(db, tokens);  // recovers the register
    const std::string trace = fmt::format("round {}, killed after {} ms, {} acknowledged so far", round, kill_after_ms, acked.size());
    std::cout << trace << "\n";
    SCOPED_TRACE(trace);
    httplib::Client c("127.0.0.1", restarted.port);
    auto health = c.Get("/api/health");
    ASSERT_TRUE(health);
    ASSERT_EQ(health->status, 200);
    EXPECT_EQ(sql_on(db, kOverbookedLinks), 0);
    EXPECT_EQ(sql_on(db, kStrayAllocations), 0);
    EXPECT_GE(sql_on(db, "SELECT COUNT(*) FROM requests"), (long long)acked.size());
    long long missing = 0;
    for (const auto& [id, status] : acked)
      missing += sql_on(db, "SELECT COUNT(*) FROM requests WHERE id = '" + id + "' AND status = '" + status + "'") != 1;
    EXPECT_EQ(missing, 0);
  }
  EXPECT_GT(acked.size(), 0u);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskCrash, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
