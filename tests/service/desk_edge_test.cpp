// The desk at its edges (issue #21, "The desk"): calls that are not UTF-8 or hold a NUL are
// refused alone, without failing the other calls of their group commit (on both registers);
// status codes that do not tell which ids exist; slow clients that cannot take every worker;
// a register file deleted, replaced or truncated while serving is noticed (503, nothing more
// acknowledged).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;

class DeskEdge : public ::testing::TestWithParam<std::string> {};

std::string request_body(const std::string& id) {
  return R"({"id": ")" + id + R"(", "site": "nro:25-010", "destination": "dorsale", "pairs": 1})";
}

// Legitimate submissions race with calls carrying bytes the register cannot take (a path
// that is not UTF-8, an Idempotency-Key that is not UTF-8, a NUL in an id, bodies that are
// not UTF-8): every legitimate call is answered 201 and recorded; every bad one is refused
// with 400 / 404, never 500, and records nothing.
TEST_P(DeskEdge, BadBytesAreRefusedAloneAndDoNotFailOtherCallsOfTheBatch) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("edge-poison", GetParam());
  ASSERT_EQ(post(s, "/api/requests", kAlice, request_body("P1")).status, 201);
  constexpr int kWriters = 6, kPerWriter = 12, kPoisoners = 3, kRounds = 12;
  std::mutex mu;
  std::vector<Reply> legit, poison;
  std::vector<std::string> poison_what;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      for (int k = 0; k < kPerWriter; ++k) {
        const Reply r = post(s, "/api/requests", w % 2 ? kAlice : kBob, request_body(fmt::format("L{}-{}", w, k)), fmt::format("key-{}-{}", w, k));
        std::lock_guard lock(mu);
        legit.push_back(r);
      }
    });
  for (int p = 0; p < kPoisoners; ++p)
    threads.emplace_back([&] {
      for (int k = 0; k < kRounds; ++k) {
        auto c = s.client();
        std::vector<std::pair<std::string, Reply>> got;
        got.emplace_back("GET /api/requests/%FF", reply_of(c.Get("/api/requests/%FF", bearer(kAlice))));
        got.emplace_back("GET /api/requests/P1%00x", reply_of(c.Get("/api/requests/P1%00x", bearer(kAlice))));
        got.emplace_back("GET /api/requests/P1%FF/audit", reply_of(c.Get("/api/requests/P1%FF/audit", bearer(kEng))));
        got.emplace_back("POST /api/requests/%C3%28/confirm", reply_of(c.Post("/api/requests/%C3%28/confirm", bearer(kEng), "", "text/plain")));
        got.emplace_back("Idempotency-Key \\xFF",
                         reply_of(c.Post("/api/requests", bearer(kAlice, std::string("k\xff") + std::to_string(k)), request_body("X" + std::to_string(k)),
                                         "application/json")));
        got.emplace_back("body requester \\xFF",
                         reply_of(c.Post("/api/requests", bearer(kBob),
                                         R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 1, "requester": "B)" + std::string("\xff\xfe") + "\"}",
                                         "application/json")));
        got.emplace_back("import requester \\xFF",
                         reply_of(c.Post("/api/import", bearer(kBob),
                                         "id,requester,site,destination,pairs,submitted\nY" + std::to_string(k) + ",Or\xe9" "ane,nro:25-010,dorsale,1,2019-01-01\n",
                                         "text/csv")));
        got.emplace_back("status query \\xFF", reply_of(c.Get("/api/requests?status=held%FF", bearer(kEng))));
        // UTF-8 throughout, but the parser's error quotes half of its two-byte character (fuzz_desk_http)
        got.emplace_back("body whose parse error quotes half a character",
                         reply_of(c.Post("/api/requests", bearer(kAlice), "{\"id\":\"A9\",\xde\x96x}", "application/json")));
        // a query value quoted in its error cut at 40 bytes, inside the 20th 'é'
        std::string status_e = "/api/requests?status=a";
        for (int e = 0; e < 20; ++e) status_e += "%C3%A9";
        got.emplace_back("status query cut inside a character", reply_of(c.Get(status_e, bearer(kEng))));
        std::lock_guard lock(mu);
        for (auto& [what, r] : got) {
          poison_what.push_back(what);
          poison.push_back(std::move(r));
        }
      }
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(legit.size(), std::size_t(kWriters * kPerWriter));
  for (const auto& r : legit) EXPECT_EQ(r.status, 201) << r.text;
  for (std::size_t i = 0; i < poison.size(); ++i) {
    EXPECT_TRUE(poison[i].status == 400 || poison[i].status == 404) << poison_what[i] << " -> " << poison[i].status << " " << poison[i].text;
    EXPECT_TRUE(poison[i].body.contains("error")) << poison_what[i];
    EXPECT_EQ(poison[i].text.find("\"P1\""), std::string::npos) << poison_what[i] << ": a NUL must not cut the id to P1";
  }
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 1 + kWriters * kPerWriter) << "every legitimate call, nothing else";
  EXPECT_EQ(s.sql(kOverbookedLinks), 0);
  EXPECT_EQ(s.sql(kStrayAllocations), 0);
}

// The register's savepoints: a job whose statement fails (a duplicate id; on PostgreSQL, bytes
// that are not UTF-8) or that throws after writing is rolled back alone, and the jobs after it
// in the same transaction still commit.
TEST_P(DeskEdge, AFailedJobIsRolledBackAloneAndTheTransactionGoesOn) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  const auto dir = fresh_dir("edge-savepoint");
  auto reg = GetParam() == "postgresql" ? service::make_pg_register(PgCluster::instance().new_database())
                                        : service::make_sqlite_register((dir / "desk.sqlite").string());
  reg->open({{0, "L0", 10, 0, 0, ""}, {1, "L1", 10, 0, 0, ""}});
  auto stored = [](const std::string& id) {
    service::StoredRequest r;
    r.id = id;
    r.owner = "alice";
    r.body_sha256 = "x";
    r.request_json = "{}";
    r.status = service::RequestStatus::Held;
    r.decision = "accept";
    r.evaluation_json = "{}";
    return r;
  };
  int failures = 0;
  reg->write([&](service::RegisterTx& tx) {
    tx.isolated([&] { tx.insert(stored("A"), {{0, 2}}); });
    try {
      tx.isolated([&] { tx.insert(stored("A"), {}); });  // the same id: the database refuses it
    } catch (const std::exception&) {
      ++failures;
    }
    try {
      tx.isolated([&] {
        tx.insert(stored("C"), {{1, 3}});
        throw std::runtime_error("the job fails after writing");
      });
    } catch (const std::runtime_error&) {
      ++failures;
    }
    if (GetParam() == "postgresql") {
      try {
        tx.isolated([&] { tx.get(std::string("\xff\xfe")); });
      } catch (const std::exception&) {
        ++failures;
      }
    }
    tx.isolated([&] { tx.insert(stored("B"), {{1, 1}}); });
  });
  EXPECT_EQ(failures, GetParam() == "postgresql" ? 3 : 2);
  reg->read([&](service::RegisterTx& tx) {
    EXPECT_TRUE(tx.get("A"));
    EXPECT_TRUE(tx.get("B"));
    EXPECT_FALSE(tx.get("C")) << "what the failed job wrote is rolled back";
    const auto links = tx.links();
    EXPECT_EQ(links.at(0).held_pairs, 2);
    EXPECT_EQ(links.at(1).held_pairs, 1);
  });
  reg.reset();
  std::filesystem::remove_all(dir);
}

// Status codes: another requester's request is a 404 like a missing one (same message shape);
// bodies that are not UTF-8 are 400 "body"; an import over 8 KB sent with curl's default
// content type (application/x-www-form-urlencoded) is read like any other; a multipart form
// is 415; a body over the limit is 413 naming the limit.
TEST_P(DeskEdge, StatusCodesTellNothingAboutOthersAndNameTheProblem) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("edge-status", GetParam());
  ASSERT_EQ(post(s, "/api/requests", kAlice, request_body("A1")).status, 201);
  const Reply others = get(s, "/api/requests/A1", kBob), missing = get(s, "/api/requests/A2", kBob);
  EXPECT_EQ(others.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(others.body["error"]["field"], missing.body["error"]["field"]);
  EXPECT_EQ(others.body["error"]["message"].get<std::string>().find("another"), std::string::npos) << others.text;
  for (const char* action : {"cancel", "confirm"}) EXPECT_EQ(post(s, std::string("/api/requests/A1/") + action, kBob, "").status, 404) << action;
  EXPECT_EQ(get(s, "/api/requests/A1/audit", kBob).status, 404);
  EXPECT_EQ(get(s, "/api/requests/A1", kAlice).status, 200) << "its owner still sees it";

  const Reply bad_json = post(s, "/api/requests", kAlice, std::string(R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 1, "requester": ")") + "\xc3\"}");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.body["error"]["field"], "body") << bad_json.text;
  const Reply bad_csv = post(s, "/api/import", kAlice, "id,site,destination,pairs,submitted\nZ\xff,nro:25-010,dorsale,1,2019-01-01\n");
  EXPECT_EQ(bad_csv.status, 400);
  EXPECT_EQ(bad_csv.body["error"]["field"], "body") << bad_csv.text;

  std::string csv = "id,site,destination,pairs,submitted\n";
  int rows = 0;
  while (csv.size() <= 9000) csv += fmt::format("F{:04},nro:25-010,dorsale,1,2019-01-01\n", ++rows);
  auto c = s.client();
  const Reply form = reply_of(c.Post("/api/import", bearer(kEng), csv, "application/x-www-form-urlencoded"));
  ASSERT_EQ(form.status, 201) << form.text.substr(0, 300);
  EXPECT_EQ(form.body.size(), std::size_t(rows));
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests WHERE id LIKE 'F%'"), rows);

  httplib::MultipartFormDataItems items = {{"file", "id,site\n", "r.csv", "text/csv"}};
  const Reply multipart = reply_of(c.Post("/api/import", bearer(kEng), items));
  EXPECT_EQ(multipart.status, 415) << multipart.text;
  EXPECT_EQ(multipart.body["error"]["field"], "body");
  const Reply big = reply_of(c.Post("/api/import", bearer(kEng), std::string((1 << 20) + 1, 'x'), "application/x-www-form-urlencoded"));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body["error"]["message"].get<std::string>().find(std::to_string(1 << 20)), std::string::npos) << big.text;
}

// Quotas per requester (token name): open holds, submissions per minute and pairs held, each a
// parameter, each refused with 429 naming it and changing nothing; other requesters and
// engineers are not affected. An engineer declines every hold of a requester in one call, with
// a reason written into each request's audit log.
TEST_P(DeskEdge, QuotasPerRequesterAnd429AndOneCallDeclinesAllTheirHolds) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("edge-quota", GetParam(), "", [](Parameters& p) {
    p.desk.quota_open_holds = 3;
    p.desk.quota_submissions_per_minute = 5;
    p.desk.quota_held_pairs = 1000000;
  });
  std::vector<std::string> held;
  for (int k = 0; k < 3; ++k) {
    const Reply r = post(s, "/api/requests", kAlice, request_body("Q" + std::to_string(k)));
    ASSERT_EQ(r.status, 201) << r.text;
    ASSERT_EQ(r.body["status"], "held");
    held.push_back(r.body["id"]);
  }
  const Reply over = post(s, "/api/requests", kAlice, request_body("Q3"));
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.body["error"]["field"], "quota");
  EXPECT_NE(over.text.find("desk.quota_open_holds"), std::string::npos) << over.text;
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests WHERE owner = 'alice'"), 3) << "a refused call records nothing";
  EXPECT_EQ(post(s, "/api/requests", kBob, request_body("B0")).status, 201) << "another requester has their own quota";
  EXPECT_EQ(post(s, "/api/requests", kEng, request_body("E0")).status, 201) << "engineers have none";
  // the rate: 5 submissions a minute (alice made 3); a hold cancelled makes room for a hold, not for a submission
  ASSERT_EQ(post(s, "/api/requests/Q0/cancel", kAlice, "").status, 200);
  EXPECT_EQ(post(s, "/api/requests", kAlice, request_body("Q4")).status, 201);
  ASSERT_EQ(post(s, "/api/requests/Q1/cancel", kAlice, "").status, 200);
  EXPECT_EQ(post(s, "/api/requests", kAlice, request_body("Q5")).status, 201);
  ASSERT_EQ(post(s, "/api/requests/Q2/cancel", kAlice, "").status, 200);
  const Reply fast = post(s, "/api/requests", kAlice, request_body("Q6"));
  EXPECT_EQ(fast.status, 429);
  EXPECT_NE(fast.text.find("desk.quota_submissions_per_minute"), std::string::npos) << fast.text;
  s.now += 61;
  EXPECT_EQ(post(s, "/api/requests", kAlice, request_body("Q6")).status, 201) << "a minute later";

  // an engineer declines every hold of alice at once, with a reason; bob's hold stays
  EXPECT_EQ(post(s, "/api/requesters/alice/decline-holds", kAlice, R"({"reason": "x"})").status, 403);
  EXPECT_EQ(post(s, "/api/requesters/alice/decline-holds", kEng, "{}").body["error"]["field"], "reason");
  const Reply declined = post(s, "/api/requesters/alice/decline-holds", kEng, R"({"reason": "holds everything on the core"})");
  ASSERT_EQ(declined.status, 200) << declined.text;
  std::set<std::string> ids;
  for (const auto& id : declined.body["declined"]) ids.insert(id.get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"Q4", "Q5", "Q6"}));
  EXPECT_EQ(get(s, "/api/requests?status=held", kAlice).body["items"].size(), 0u);
  EXPECT_EQ(get(s, "/api/requests/B0", kBob).body["status"], "held");
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM allocations a JOIN requests r ON r.id = a.request_id WHERE r.owner = 'alice'"), 0);
  const Reply audit = get(s, "/api/requests/Q5/audit", kAlice);
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body.back()["actor"], "eng");
  EXPECT_NE(audit.body.back()["detail"].get<std::string>().find("holds everything on the core"), std::string::npos) << audit.text;

  // pairs held, summed over the route's links: 4 pairs exceed 3 on any route
  DeskServer t("edge-quota-pairs", GetParam(), "", [](Parameters& p) { p.desk.quota_held_pairs = 3; });
  const Reply pairs = post(t, "/api/requests", kAlice, R"({"id": "P4", "site": "nro:25-010", "destination": "dorsale", "pairs": 4})");
  EXPECT_EQ(pairs.status, 429) << pairs.text;
  EXPECT_NE(pairs.text.find("desk.quota_held_pairs"), std::string::npos) << pairs.text;
  EXPECT_EQ(t.sql("SELECT COUNT(*) FROM allocations"), 0);
}

// A large import is evaluated and committed in chunks (desk.import_chunk_rows): calls made
// while it runs are answered between two chunks, so some see its first row and not yet its
// last (one transaction would show all or nothing); every row is there at the end.
TEST_P(DeskEdge, ALargeImportLetsOtherCallsThroughBetweenItsChunks) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("edge-import", GetParam(), "", [](Parameters& p) { p.desk.import_chunk_rows = 10; });
  constexpr int kRows = 300;
  std::string csv = "id,site,destination,pairs,submitted\n";
  const std::vector<std::string> sites = {"nro:25-010", "nro:39-020", "nro:25-011", "nro:39-021"};
  for (int k = 0; k < kRows; ++k) csv += fmt::format("I{:04},{},dorsale,1,2019-01-01\n", k, sites[std::size_t(k) % sites.size()]);
  std::atomic<bool> done{false};
  Reply imported;
  std::thread importer([&] {
    imported = post(s, "/api/import", kEng, csv);
    done = true;
  });
  int between = 0, calls = 0;
  auto c = s.client();
  while (!done) {
    const auto first = c.Get("/api/requests/I0000", bearer(kEng));
    const auto last = c.Get(fmt::format("/api/requests/I{:04}", kRows - 1).c_str(), bearer(kEng));
    if (!first || !last) break;
    ++calls;
    between += first->status == 200 && last->status == 404;
  }
  importer.join();
  ASSERT_EQ(imported.status, 201) << imported.text.substr(0, 300);
  EXPECT_EQ(imported.body.size(), std::size_t(kRows));
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), kRows);
  EXPECT_GT(between, 0) << calls << " calls during the import, none answered between two chunks";
  EXPECT_EQ(s.sql(kOverbookedLinks), 0);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskEdge, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

// A TCP connection to the desk from a given loopback address (all of 127/8 is loopback).
int connect_from(const char* source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &src.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) return ::close(fd), -1;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(std::uint16_t(port));
  ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) return ::close(fd), -1;
  return fd;
}

// Slowloris: 80 connections from one address, each sending a header line every second and
// never finishing. Over desk.connections_per_address they are answered 503 at once; the others
// are closed at desk.header_timeout_s; meanwhile a client from another address is answered at
// once, and one from the same address gets its 503 at once rather than waiting. A body that
// trickles in is cut at desk.body_timeout_s. Bounded: about 4 s.
TEST(DeskSlowClients, SlowConnectionsCannotTakeEveryWorker) {
  constexpr int kSlow = 80;
  constexpr double kHeaderTimeout = 2, kBodyTimeout = 1.5;
  DeskServer s("edge-slow", "sqlite", "", [&](Parameters& p) {
    p.desk.header_timeout_s = kHeaderTimeout;
    p.desk.body_timeout_s = kBodyTimeout;
  });
  const int cap = int(bfc_scenario().params.desk.connections_per_address);
  ASSERT_LT(cap, kSlow);
  struct Slow {
    int fd = -1;
    std::string got;
    bool closed = false;
  };
  std::vector<Slow> slow(kSlow);
  for (auto& c : slow) {
    c.fd = connect_from("127.0.0.2", s.port());
    ASSERT_GE(c.fd, 0) << std::strerror(errno);
    const std::string line = "GET /api/health HTTP/1.1\r\nHost: desk\r\n";
    ASSERT_EQ(::send(c.fd, line.data(), line.size(), MSG_NOSIGNAL), ssize_t(line.size()));
  }
  const int trickle = connect_from("127.0.0.3", s.port());
  ASSERT_GE(trickle, 0);
  const std::string head = "POST /api/requests HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
  ASSERT_EQ(::send(trickle, head.data(), head.size(), MSG_NOSIGNAL), ssize_t(head.size()));

  const auto start = Steady::now();
  const auto seconds_since = [&] { return std::chrono::duration<double>(Steady::now() - start).count(); };
  std::vector<int> answers;  // statuses of the normal clients
  std::vector<double> answer_delays;
  int same_address_status = 0;
  bool trickle_closed = false;
  double trickle_closed_at = 0, last_line = 0;
  char buf[4096];
  while (seconds_since() < kHeaderTimeout + 4) {
    // read what the server sent, note the connections it closed
    for (auto& c : slow) {
      if (c.closed) continue;
      pollfd p{c.fd, POLLIN, 0};
      while (::poll(&p, 1, 0) > 0) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          c.closed = true;
          break;
        }
        c.got.append(buf, std::size_t(n));
      }
    }
    if (!trickle_closed) {
      pollfd p{trickle, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0 && ::recv(trickle, buf, sizeof buf, 0) <= 0) trickle_closed = true, trickle_closed_at = seconds_since();
    }
    if (seconds_since() - last_line >= 0.5) {  // one more header line (and body byte) on every open connection
      last_line = seconds_since();
      for (auto& c : slow)
        if (!c.closed) ::send(c.fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
      if (!trickle_closed) ::send(trickle, " ", 1, MSG_NOSIGNAL);
    }
    if (answers.size() < 2 && seconds_since() > 0.5 + 1.0 * double(answers.size())) {
      auto client = s.client();
      client.set_read_timeout(5, 0);
      const auto t0 = Steady::now();
      auto r = client.Get("/api/whoami", bearer(kAlice));
      answer_delays.push_back(std::chrono::duration<double>(Steady::now() - t0).count());
      answers.push_back(r ? r->status : 0);
      if (!same_address_status) {  // a client from the busy address: refused at once, not left waiting
        const int fd = connect_from("127.0.0.2", s.port());
        const std::string get = "GET /api/health HTTP/1.1\r\nHost: desk\r\nConnection: close\r\n\r\n";
        ::send(fd, get.data(), get.size(), MSG_NOSIGNAL);
        pollfd p{fd, POLLIN, 0};
        std::string reply;
        while (::poll(&p, 1, 3000) > 0) {
          const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n <= 0) break;
          reply.append(buf, std::size_t(n));
        }
        ::close(fd);
        same_address_status = reply.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(reply.substr(9, 3)) : -1;
      }
    }
    if (std::all_of(slow.begin(), slow.end(), [](const Slow& c) { return c.closed; }) && trickle_closed && answers.size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int refused = 0, closed = 0;
  for (auto& c : slow) {
    if (c.got.rfind("HTTP/1.1 503", 0) == 0) ++refused;
    closed += c.closed;
    ::close(c.fd);
  }
  ::close(trickle);
  ASSERT_EQ(answers.size(), 2u);
  for (std::size_t i = 0; i < answers.size(); ++i) EXPECT_EQ(answers[i], 200) << "a client from another address is answered (call " << i << ")";
  EXPECT_EQ(refused, kSlow - cap) << "the connections over the cap are answered 503 at once";
  EXPECT_EQ(closed, kSlow) << "the others are closed at the header deadline";
  EXPECT_TRUE(same_address_status == 503 || same_address_status == 200) << same_address_status;
  EXPECT_TRUE(trickle_closed) << "a body trickling in is cut at the body deadline";
  EXPECT_GT(trickle_closed_at, 0.0);
}

// One HTTP response on a raw socket (headers and Content-Length body); "" when the server
// closed the connection first or nothing came within 3 s.
std::string read_response(int fd) {
  std::string got;
  char buf[4096];
  std::size_t need = std::string::npos;
  for (;;) {
    const auto end = got.find("\r\n\r\n");
    if (end != std::string::npos && need == std::string::npos) {
      const auto at = got.find("Content-Length: ");
      need = end + 4 + (at != std::string::npos && at < end ? std::stoul(got.substr(at + 16)) : 0);
    }
    if (need != std::string::npos && got.size() >= need) return got.substr(0, need);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) return "";
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    got.append(buf, std::size_t(n));
  }
}

bool closed_by_server(int fd) {
  char ch;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 3000) > 0 && ::recv(fd, &ch, 1, 0) <= 0;
}

// Keep-alive limits: a connection serves desk.keepalive_max_requests requests (the last
// answered "Connection: close", then closed), and an idle one is closed after
// desk.keepalive_timeout_s.
TEST(DeskSlowClients, KeptAliveConnectionsAreLimitedInRequestsAndIdleTime) {
  DeskServer s("edge-keepalive", "sqlite", "", [](Parameters& p) {
    p.desk.keepalive_max_requests = 3;
    p.desk.keepalive_timeout_s = 0.5;
  });
  const std::string get = "GET /api/health HTTP/1.1\r\nHost: desk\r\n\r\n";
  const int fd = connect_from("127.0.0.1", s.port());
  ASSERT_GE(fd, 0);
  for (int k = 1; k <= 3; ++k) {
    ASSERT_EQ(::send(fd, get.data(), get.size(), MSG_NOSIGNAL), ssize_t(get.size()));
    const std::string r = read_response(fd);
    ASSERT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << "request " << k << ": " << r;
    EXPECT_EQ(r.find("Connection: close") != std::string::npos, k == 3) << "request " << k << ": " << r;
  }
  EXPECT_TRUE(closed_by_server(fd)) << "closed after the third request";
  ::close(fd);
  const int idle = connect_from("127.0.0.1", s.port());
  ASSERT_EQ(::send(idle, get.data(), get.size(), MSG_NOSIGNAL), ssize_t(get.size()));
  ASSERT_EQ(read_response(idle).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_TRUE(closed_by_server(idle)) << "an idle kept-alive connection is closed (keepalive_timeout_s = 0.5 s, waited at most 3 s)";
  ::close(idle);
}

// The register file deleted, replaced by another file, or truncated while the desk serves: the
// next call is 503 (field "register"), so is every later one, and /api/health says so.
TEST(DeskRegisterFile, ADeletedReplacedOrTruncatedRegisterStopsTheDeskAcknowledging) {
  for (const std::string how : {"deleted", "replaced", "truncated"}) {
    SCOPED_TRACE(how);
    DeskServer s("edge-file-" + how);
    ASSERT_EQ(post(s, "/api/requests", kAlice, request_body("R1")).status, 201);
    ASSERT_EQ(get(s, "/api/health", "").status, 200);
    if (how == "deleted") {
      std::filesystem::remove(s.db());
    } else if (how == "replaced") {
      const auto other = s.db().string() + ".other";
      std::ofstream(other) << "not a register";
      std::filesystem::rename(other, s.db());
    } else {
      std::filesystem::resize_file(s.db(), 0);
    }
    const Reply r = post(s, "/api/requests", kAlice, request_body("R2"));
    EXPECT_EQ(r.status, 503) << r.text;
    EXPECT_EQ(r.body["error"]["field"], "register") << r.text;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find(how), std::string::npos) << r.text;
    EXPECT_EQ(get(s, "/api/requests/R1", kAlice).status, 503) << "every later call";
    const Reply health = get(s, "/api/health", "");
    EXPECT_EQ(health.status, 503);
    EXPECT_EQ(health.body["status"], "unavailable");
  }
}

}  // namespace
}  // namespace dorsale::test
