// The desk's HTTP front (`dorsale serve`) in-process: the input is the raw bytes a client
// sends on one connection (one request, or several kept-alive ones), served through
// HttpApi::serve_connection on one end of a socketpair -- cpp-httplib's request parsing, the
// desk's connection loop and edge checks (UTF-8, NUL), authentication, routing, JSON/CSV
// bodies, Idempotency-Key, and the Desk over a SQLite register in /dev/shm -- exactly the code
// a connection accepted by `serve` runs. Built-in bfc-2022 network, a fixed tokens file
// (alice, bob: requesters; eng: engineer; the tokens are "alice-token", "bob-token",
// "engineer-token"), a fixed clock. Every input starts from the same register (a template
// copied back): two requests of alice (ids A1 held, A2) and one of bob (B1).
//
// Checked: no crash, sanitizer report or unexpected exception, and every answer is an HTTP
// status line; a 5xx answer (500 internal error, 503 register unavailable) is a finding:
// bad input must get a 4xx.
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "fuzz/fuzz_common.h"
#include "models/region.h"
#include "io/scenario.h"
#include "regions/load_region.h"
#include "service/desk.h"
#include "service/http_api.h"
#include "io/register.h"
#include "service/tokens.h"

namespace fs = std::filesystem;
using namespace dorsale;

namespace {
const Region* region = nullptr;
Parameters* params = nullptr;
service::TokenStore* tokens = nullptr;
fs::path db, tmpl;
std::unique_ptr<service::Register> reg;
std::unique_ptr<service::Desk> desk;
std::unique_ptr<service::HttpApi> api;

service::Clock fixed_clock() {
  return [] { return std::int64_t(1780000000); };  // 2026-05-28
}

void remove_db(const fs::path& p) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix, ec);
}

// A fresh desk on a copy of the template register.
void reset_desk() {
  api.reset();
  desk.reset();
  reg.reset();
  remove_db(db);
  dorsale_fuzz::copy_file(tmpl, db);
  reg = service::make_sqlite_register(db.string());
  desk = std::make_unique<service::Desk>(*region, *params, *reg, fixed_clock());
  api = std::make_unique<service::HttpApi>(*desk, *tokens, std::size_t(1) << 20, 1);
}

[[noreturn]] void finding(const std::string& what, const std::string& answer) {
  std::fprintf(stderr, "fuzz_desk_http: %s\n--- answer (first 2000 bytes) ---\n%s\n", what.c_str(), answer.substr(0, 2000).c_str());
  std::abort();
}

// Every answer on the connection: a status line "HTTP/1.1 DDD", never 5xx. Answers are walked
// by their Content-Length (a HEAD answer has none of its body: the walk stops there).
void check_answers(const std::string& out) {
  std::size_t at = 0;
  bool first = true;
  while (at < out.size()) {
    if (out.compare(at, 9, "HTTP/1.1 ") != 0 || out.size() < at + 12 || !std::isdigit((unsigned char)out[at + 9]) ||
        !std::isdigit((unsigned char)out[at + 10]) || !std::isdigit((unsigned char)out[at + 11])) {
      if (first) finding("the answer is not an HTTP status line", out);
      return;
    }
    const int status = std::atoi(out.substr(at + 9, 3).c_str());
    if (status < 100 || status >= 500) finding("answer with status " + std::to_string(status), out.substr(at));
    const std::size_t end = out.find("\r\n\r\n", at);
    if (end == std::string::npos) return;
    const std::string head = out.substr(at, end - at);
    std::size_t len = 0;
    if (const auto k = head.find("\r\nContent-Length: "); k != std::string::npos) len = std::strtoull(head.c_str() + k + 18, nullptr, 10);
    at = end + 4 + len;
    first = false;
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto s = scenarios::builtin_scenario("bfc-2022");
  region = new Region(scenarios::load_region(s));
  params = new Parameters(s.params);
  const fs::path dir = dorsale_fuzz::work_dir();
  // the tokens file, as `dorsale serve --tokens` reads it
  const fs::path tok = dir / "tokens.toml";
  std::ofstream(tok) << ("[[token]]\nname = \"alice\"\nrole = \"requester\"\nsha256 = \"" + service::sha256_hex_of("alice-token") +
                             "\"\n\n[[token]]\nname = \"bob\"\nrole = \"requester\"\nsha256 = \"" + service::sha256_hex_of("bob-token") +
                             "\"\n\n[[token]]\nname = \"eng\"\nrole = \"engineer\"\nsha256 = \"" +
                             service::sha256_hex_of("engineer-token") + "\"\n");

  tokens = new service::TokenStore(service::TokenStore::load(tok.string()));
  // the template register: three requests
  tmpl = dir / "template.sqlite";
  db = dir / "desk.sqlite";
  {
    auto r = service::make_sqlite_register(tmpl.string());
    service::Desk d(*region, *params, *r, fixed_clock());
    const service::Caller alice{"alice", service::Role::Requester}, bob{"bob", service::Role::Requester};
    d.submit(alice, R"({"id": "A1", "site": "nro:25-010", "destination": "dorsale", "pairs": 2})", "key-a1");
    d.submit(alice, R"({"id": "A2", "site": "dc:dijon", "destination": "Paris", "pairs": 4, "protection": "diverse"})", "");
    d.submit(bob, R"({"id": "B1", "lon": 4.87, "lat": 46.33, "destination": "Lyon", "pairs": 2})", "");
  }
  remove_db(db);
  reset_desk();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::size_t served = 0;
  if (served++ > 0) reset_desk();  // every input on the same register
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    std::perror("socketpair");
    std::abort();
  }
  // the client: sends the input, closes its sending side, reads every answer
  std::string out;
  std::thread client([&] {
    std::size_t sent = 0;
    while (sent < size) {
      const ssize_t n = ::send(sv[1], data + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server closed (e.g. after an answer with Connection: close)
      sent += std::size_t(n);
    }
    ::shutdown(sv[1], SHUT_WR);
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(sv[1], buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, std::size_t(n));
    }
    ::close(sv[1]);
  });
  api->serve_connection(sv[0]);  // closes sv[0]
  client.join();
  check_answers(out);
  return 0;
}
