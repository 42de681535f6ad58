#pragma once
// A desk served over loopback on a random port, in this process: the built-in bfc-2022
// network, a SQLite register in a fresh folder, a clock the test moves, three tokens
// (alice and bob: requesters; eng: engineer).
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "io/scenario.h"
#include "service/desk.h"
#include "service/http_api.h"
#include "service/notifier.h"
#include "io/register.h"
#include "service/tokens.h"
#include "pg_cluster.h"
#include "test_support.h"

namespace dorsale::test {

inline const scenarios::Scenario& bfc_scenario() {
  static const scenarios::Scenario s = scenarios::builtin_scenario("bfc-2022");
  return s;
}

inline const char* kAlice = "alice-token";
inline const char* kBob = "bob-token";
inline const char* kEng = "engineer-token";

inline service::TokenStore test_tokens() {
  service::TokenStore t;
  t.add("alice", service::Role::Requester, service::sha256_hex_of(kAlice));
  t.add("bob", service::Role::Requester, service::sha256_hex_of(kBob));
  t.add("eng", service::Role::Engineer, service::sha256_hex_of(kEng));
  return t;
}

inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("dorsale-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// One scalar of a SQL query on a register file (opened read-only, beside the server).
inline long long sql_scalar(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(h);
  long long v = -1;
  if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

// The register's invariant: on no link do held + committed pairs exceed the capacity.
inline const char* kOverbookedLinks =
    "SELECT COUNT(*) FROM links l JOIN (SELECT link, SUM(pairs) AS p FROM allocations GROUP BY link) a "
    "ON a.link = l.idx WHERE a.p > l.capacity";
// Allocations of a request that holds or commits nothing (or is not in the register).
inline const char* kStrayAllocations =
    "SELECT COUNT(*) FROM allocations a LEFT JOIN requests r ON r.id = a.request_id "
    "WHERE r.id IS NULL OR r.status NOT IN ('held', 'confirmed') "
    "OR (r.status = 'held') <> (a.state = 'held')";

// backend: "sqlite" (a file in a fresh folder) or "postgresql" (a fresh database on the
// test's own PostgreSQL server, pg_cluster.h).
class DeskServer {
 public:
  // pg_url: an existing PostgreSQL register to share (another instance of the desk).
  // tweak: changes the scenario's parameters for this desk (e.g. its connection limits).
  explicit DeskServer(const std::string& name, const std::string& backend = "sqlite", const std::string& pg_url = "",
                      const std::function<void(Parameters&)>& tweak = {})
      : dir_(fresh_dir(name)), tokens_(test_tokens()), params_(bfc_scenario().params) {
    // the requesters' quotas (desk.quota_*) are off unless a test sets them: the other tests
    // submit hundreds of requests in one minute of the test's clock
    params_.desk.quota_held_pairs = params_.desk.quota_open_holds = params_.desk.quota_submissions_per_minute = 1000000000;
    if (tweak) tweak(params_);
    if (backend == "postgresql") {
      pg_url_ = pg_url.empty() ? PgCluster::instance().new_database() : pg_url;
      reg_ = service::make_pg_register(pg_url_);
    } else {
      reg_ = service::make_sqlite_register((dir_ / "desk.sqlite").string());
    }
    desk_ = std::make_unique<service::Desk>(builtin_bfc(), params_, *reg_, [this] { return now.load(); });
    api_ = std::make_unique<service::HttpApi>(*desk_, tokens_);
    notifier_ = std::make_unique<service::Notifier>(*desk_);
    port_ = api_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { api_->run(); });
  }
  ~DeskServer() {
    api_->stop();
    thread_.join();
    notifier_.reset();
    std::filesystem::remove_all(dir_);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    c.set_tcp_nodelay(true);
    return c;
  }
  std::filesystem::path db() const { return dir_ / "desk.sqlite"; }
  // One scalar of a SQL query on the register, through its own connection.
  long long sql(const std::string& query) const { return pg_url_.empty() ? sql_scalar(db(), query) : pg_scalar(pg_url_, query); }
  int port() const { return port_; }
  const std::string& pg_url() const { return pg_url_; }
  std::atomic<std::int64_t> now{1780000000};  // 2026-05-28

 private:
  std::filesystem::path dir_;
  std::string pg_url_;
  service::TokenStore tokens_;
  Parameters params_;
  std::unique_ptr<service::Register> reg_;
  std::unique_ptr<service::Desk> desk_;
  std::unique_ptr<service::HttpApi> api_;
  std::unique_ptr<service::Notifier> notifier_;  // the webhooks' sender
  int port_ = 0;
  std::thread thread_;
};

// Skips (or, under CI, fails) a PostgreSQL test when the test cannot start its server.
#define DORSALE_REQUIRE_BACKEND(backend)                                                          \
  if (backend == "postgresql" && !PgCluster::instance().ok()) {                                  \
    if (std::getenv("CI")) FAIL() << "CI is set but PostgreSQL: " << PgCluster::instance().why(); \
    GTEST_SKIP() << "PostgreSQL: " << PgCluster::instance().why();                                \
  }

inline httplib::Headers bearer(const std::string& token, const std::string& idem = "") {
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  if (!idem.empty()) h.emplace("Idempotency-Key", idem);
  return h;
}

// A call's status and its JSON body (null when the body is not JSON).
struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string text;
};

inline Reply reply_of(const httplib::Result& r) {
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.text = r->body;
  out.body = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}

inline Reply post(const DeskServer& s, const std::string& path, const std::string& token, const std::string& body,
                  const std::string& idem = "") {
  auto c = s.client();
  return reply_of(c.Post(path.c_str(), bearer(token, idem), body, "application/json"));
}

inline Reply get(const DeskServer& s, const std::string& path, const std::string& token) {
  auto c = s.client();
  return reply_of(c.Get(path.c_str(), bearer(token)));
}

// An import (engineer) of `n` requests R<from>..R<from+n-1> with requesters, sites and
// destinations varied enough for searches.
inline void import_requests(const DeskServer& s, int from, int n) {
  static const char* requesters[] = {"Doubs THD", "Jura Fibre", "Nièvre Numérique", "Yonne Connect"};
  static const char* sites[] = {"nro:25-010", "nro:39-003", "nro:58-002", "nro:89-004", "nro:21-004"};
  std::string csv = "id,requester,site,destination,pairs,submitted\n";
  for (int k = from; k < from + n; ++k)
    csv += fmt::format("R{:03},{},{},{},1,2026-01-01\n", k, requesters[k % 4], sites[k % 5], k % 7 == 0 ? "Lyon" : "dorsale");
  const Reply r = post(s, "/api/import", kEng, csv);
  ASSERT_EQ(r.status, 201) << r.text;
}

// Every page of a list, following next_cursor; `between` runs after each page, `first` (if
// given) receives the first page's answer.
inline std::vector<nlohmann::json> all_pages(const DeskServer& s, const std::string& token, const std::string& query,
                                             const std::function<void()>& between = {}, nlohmann::json* first = nullptr) {
  std::vector<nlohmann::json> items;
  std::string cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    const Reply r = get(s, "/api/requests?" + query + (cursor.empty() ? "" : "&cursor=" + cursor), token);
    EXPECT_EQ(r.status, 200) << r.text;
    if (r.status != 200) break;
    if (first && guard == 0) *first = r.body;
    for (const auto& it : r.body["items"]) items.push_back(it);
    if (between) between();
    if (r.body["next_cursor"].is_null()) break;
    cursor = r.body["next_cursor"];
  }
  return items;
}

}  // namespace dorsale::test
