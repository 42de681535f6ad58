// Webhooks (issue #25, item 4): every state change of a request reaches its requester
// organisation's receiver exactly once as acknowledged (a resend carries the same event id and
// bytes), in order per request, signed with HMAC-SHA256 of the body, through a receiver that is
// down, then slow, then refuses twice, then accepts; and across kill -9 of the desk. Both
// registers. The back-offs are shortened by parameters; every wait is bounded.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

using nlohmann::json;

const char* kSecret = "s3cret-for-the-acme-receiver";

// The signature as a receiver computes it (OpenSSL's HMAC, not the desk's code).
std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &n);
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

void quick_notices(Parameters& p) {
  p.desk.webhook_timeout_s = 0.5;
  p.desk.webhook_backoff_initial_s = 0.02;
  p.desk.webhook_backoff_max_s = 0.2;
  p.desk.webhook_poll_s = 0.05;
}

// A free loopback port, closed again (the receiver starts on it later: "down" until then).
int free_port() {
  service::ListenSocket s("127.0.0.1", 0);
  return s.port();
}

// The organisation's receiver: records every notice it answered 2xx in time; the first `slow`
// calls are answered after `slow_s` (after the desk gave up), the next `refuse` with 503.
class Receiver {
 public:
  struct Got {
    std::string event, body;
    json j;
  };
  Receiver(int port, int slow, double slow_s, int refuse, int refuse_every = 0)
      : slow_(slow), refuse_(refuse), refuse_every_(refuse_every), slow_s_(slow_s) {
    svr_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      int call;
      {
        std::lock_guard lock(mu_);
        call = ++calls_;
        if (req.get_header_value("X-Dorsale-Signature") != "sha256=" + hmac_hex(kSecret, req.body)) ++bad_signatures_;
      }
      if (call <= slow_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(int(slow_s_ * 1000)));
        res.status = 200;  // too late: the desk counts a failed attempt and sends it again
        return;
      }
      if (call <= slow_ + refuse_ || (refuse_every_ > 0 && call % refuse_every_ == 0)) {
        res.status = 503;
        return;
      }
      std::lock_guard lock(mu_);
      acked_.push_back({req.get_header_value("X-Dorsale-Event"), req.body, json::parse(req.body, nullptr, false)});
      res.status = 204;
    });
    if (!svr_.bind_to_port("127.0.0.1", port)) throw std::runtime_error("receiver: cannot bind its port");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    for (int k = 0; k < 2000 && !svr_.is_running(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    svr_.stop();
    thread_.join();
  }
  std::vector<Got> acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  int bad_signatures() {
    std::lock_guard lock(mu_);
    return bad_signatures_;
  }

 private:
  httplib::Server svr_;
  int slow_, refuse_, refuse_every_;
  double slow_s_;
  std::mutex mu_;
  int calls_ = 0, bad_signatures_ = 0;
  std::vector<Got> acked_;
  std::thread thread_;
};

// A state change as the desk answered it: request, old status ("" for a submission), new status.
struct Change {
  std::string id, from, to;
  bool operator<(const Change& o) const { return std::tie(id, from, to) < std::tie(o.id, o.from, o.to); }
  bool operator==(const Change& o) const { return std::tie(id, from, to) == std::tie(o.id, o.from, o.to); }
};

// The received notices checked: a repeated event id carries the same bytes; signed; per
// request, the distinct events in the order they were acknowledged chain from a submission
// (old_status null) through each change, with increasing event numbers. Returns the chains.
std::map<std::string, std::vector<Change>> check_received(const std::vector<Receiver::Got>& acked) {
  std::map<std::string, std::string> body_of;
  std::map<std::string, std::vector<Change>> chains;
  std::map<std::string, long long> last_n;
  for (const auto& g : acked) {
    EXPECT_TRUE(g.j.is_object()) << g.body;
    EXPECT_EQ(g.j.value("event_id", ""), g.event) << "the header names the body's event";
    auto [it, fresh] = body_of.emplace(g.event, g.body);
    if (!fresh) {
      EXPECT_EQ(it->second, g.body) << "a resent event carries the same bytes";
      continue;
    }
    const std::string id = g.j["request_id"];
    const long long n = std::stoll(g.event.substr(4));
    EXPECT_GT(n, last_n[id]) << "in order per request: " << g.body;
    last_n[id] = n;
    const std::string from = g.j["old_status"].is_null() ? "" : g.j["old_status"].get<std::string>();
    auto& chain = chains[id];
    EXPECT_EQ(from, chain.empty() ? "" : chain.back().to) << "each change follows the one before: " << g.body;
    chain.push_back({id, from, g.j["new_status"]});
  }
  return chains;
}

// Waits (bounded) until the desk reports every notice of `org` delivered; its counts.
json wait_delivered(const std::function<json()>& webhooks, const std::string& org, long long expected, int seconds = 60) {
  json row;
  for (int k = 0; k < seconds * 20; ++k) {
    const json all = webhooks();
    for (const auto& w : all)
      if (w["organisation"] == org) row = w;
    if (row.is_object() && row["pending"] == 0 && row["failing"] == 0 && (expected < 0 || row["delivered"] >= expected)) return row;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "notices not all delivered within " << seconds << " s: " << row.dump();
  return row;
}

class Webhooks : public ::testing::TestWithParam<std::string> {};

// Engineers set a webhook; anything but http(s) is refused naming the field and nothing is
// written; the secret is never answered back.
TEST_P(Webhooks, SetAndRefused) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("webhook-set", GetParam(), "", quick_notices);
  auto c = s.client();
  const auto put = [&](const std::string& org, const std::string& body, const char* token = kEng) {
    return reply_of(c.Put(("/api/webhooks/" + org).c_str(), bearer(token), body, "application/json"));
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {json{{"url", "ftp://receiver.example/hook"}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", "javascript:alert(1)"}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", "file:///etc/passwd"}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", "http://user:pw@receiver.example/hook"}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", "https://receiver.example/" + std::string(3000, 'a')}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", 5}, {"secret", kSecret}}.dump(), "url"},
      {json{{"url", "https://receiver.example/hook"}}.dump(), "secret"},
      {json{{"url", "https://receiver.example/hook"}, {"secret", "short"}}.dump(), "secret"},
      {json{{"url", "https://receiver.example/hook"}, {"secret", kSecret}, {"x", 1}}.dump(), "x"},
      {"", "body"},
      {"[1]", "body"}};
  for (const auto& [body, field] : bad) {
    const Reply r = put("acme", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 80) << ": " << r.text;
    EXPECT_EQ(r.body["error"]["field"], field) << body.substr(0, 80);
  }
  EXPECT_EQ(put("acme", json{{"url", "https://receiver.example/hook"}, {"secret", kSecret}}.dump(), kAlice).status, 403);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM webhooks"), 0) << "refused calls write nothing";

  const Reply ok = put("acme", json{{"url", "HTTPS://receiver.example:8443/hook?x=1"}, {"secret", kSecret}}.dump());
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["url"], "https://receiver.example:8443/hook?x=1");
  EXPECT_EQ(ok.text.find(kSecret), std::string::npos) << "the secret is not answered back";
  const Reply list = get(s, "/api/webhooks", kEng);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.size(), 1u);
  EXPECT_EQ(list.text.find(kSecret), std::string::npos);
  EXPECT_EQ(get(s, "/api/webhooks", kAlice).status, 403);
  EXPECT_EQ(s.sql(std::string("SELECT COUNT(*) FROM audit WHERE detail LIKE '%") + kSecret + "%'"), 0) << "nor written in the history";
}

// Down, then slow, then refusing twice, then accepting: every change arrives once as
// acknowledged, in order per request, signed; another organisation (no webhook) gets nothing.
TEST_P(Webhooks, DownSlowRefusingThenAccepting) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("webhook-deliver", GetParam(), "", quick_notices);
  const int port = free_port();
  ASSERT_EQ(reply_of(s.client().Put("/api/webhooks/acme", bearer(kEng),
                                    json{{"url", fmt::format("http://127.0.0.1:{}/hook", port)}, {"secret", kSecret}}.dump(),
                                    "application/json"))
                .status,
            200);
  std::set<Change> changes;  // as the desk answered them
  const auto submit = [&](const std::string& id, const std::string& requester) {
    const Reply r = post(s, "/api/requests", kEng,
                         json{{"id", id}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}, {"requester", requester}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    if (requester == "acme") changes.insert({id, "", r.body.value("status", "")});
  };
  const auto decide = [&](const std::string& id, const std::string& action, const std::string& body) {
    const std::string before = get(s, "/api/requests/" + id, kEng).body.value("status", "");
    const Reply r = post(s, "/api/requests/" + id + "/" + action, kEng, body);
    EXPECT_EQ(r.status, 200) << id << " " << action << ": " << r.text;
    changes.insert({id, before, r.body.value("status", "")});
  };
  for (int k = 1; k <= 6; ++k) submit(fmt::format("W{}", k), "acme");
  submit("OTHER1", "other-operator");
  decide("W1", "confirm", "");
  decide("W2", "confirm", R"({"reason": "order signed"})");
  decide("W2", "cancel", R"({"reason": "project moved"})");
  decide("W3", "decline", R"({"reason": "no <b>capacity</b> & no works planned"})");
  decide("W4", "cancel", "");
  s.now += 40 * 86400;  // past desk.hold_days: W5 and W6's holds expire at the next call
  ASSERT_EQ(get(s, "/api/requests/W5", kEng).body["status"], "expired");
  changes.insert({"W5", "held", "expired"});
  changes.insert({"W6", "held", "expired"});
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM outbox"), (long long)changes.size()) << "one notice per change, in the change's transaction";

  // down: the attempts fail and the desk says so
  json row;
  for (int k = 0; k < 200 && !(row.is_object() && row["failing"] > 0); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    for (const auto& w : get(s, "/api/webhooks", kEng).body) row = w;
  }
  EXPECT_GT(row["failing"].get<long long>(), 0) << row.dump();
  EXPECT_EQ(row["delivered"], 0);
  EXPECT_NE(row["last_error"].get<std::string>(), "");

  Receiver receiver(port, 2, 1.2, 2);
  const json done = wait_delivered([&] { return get(s, "/api/webhooks", kEng).body; }, "acme", (long long)changes.size());
  EXPECT_EQ(done["delivered"], (long long)changes.size());
  EXPECT_GE(receiver.calls(), (int)changes.size() + 4) << "the slow and refused calls were sent again";
  EXPECT_EQ(receiver.bad_signatures(), 0);

  const auto chains = check_received(receiver.acked());
  std::set<Change> got;
  for (const auto& [id, chain] : chains)
    for (const auto& ch : chain) EXPECT_TRUE(got.insert(ch).second) << "once: " << id << " " << ch.from << " -> " << ch.to;
  EXPECT_EQ(got, changes);
  EXPECT_EQ(chains.count("OTHER1"), 0u) << "an organisation without a webhook gets nothing";
  const Reply notices = get(s, "/api/requests/W2/notices", kEng);
  ASSERT_EQ(notices.status, 200) << notices.text;
  ASSERT_EQ(notices.body.size(), 3u);
  for (const auto& n : notices.body) EXPECT_EQ(n["state"], "delivered");
  EXPECT_EQ(notices.body[2]["reason"], "project moved");
}

// A `dorsale serve` child process with short back-offs, on a free loopback port.
struct ServeChild {
  pid_t pid = -1;
  int port = 0;
  // key_file: the desk key (--key-file); empty: the default (beside the register or the tokens)
  ServeChild(const std::string& db, const std::filesystem::path& tokens, const std::filesystem::path& scenario,
             const std::string& key_file = "") {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (key_file.empty())
        execl(DORSALE_BIN, DORSALE_BIN, "serve", "--scenario", scenario.c_str(), "--db", db.c_str(), "--tokens", tokens.c_str(),
              "--listen", "127.0.0.1:0", static_cast<char*>(nullptr));
      else
        execl(DORSALE_BIN, DORSALE_BIN, "serve", "--scenario", scenario.c_str(), "--db", db.c_str(), "--tokens", tokens.c_str(),
              "--listen", "127.0.0.1:0", "--key-file", key_file.c_str(), static_cast<char*>(nullptr));
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
  ~ServeChild() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

long long sql_on(const std::string& db, const std::string& sql) {
  return db.rfind("postgresql://", 0) == 0 ? pg_scalar(db, sql) : sql_scalar(db, sql);
}

// kill -9 of the desk while requests change and notices go out (the receiver refuses every
// third call): after the restarts, every change the desk acknowledged arrived, each event
// acknowledged with one body, in order per request, and the outbox holds nothing undelivered.
TEST_P(Webhooks, KillNineLosesNoNotice) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  const auto dir = fresh_dir("webhook-kill");
  const auto tokens = dir / "tokens.toml";
  {
    std::ofstream f(tokens);
    f << "[[token]]\nname = \"eng\"\nrole = \"engineer\"\nsha256 = \"" << service::sha256_hex_of(kEng) << "\"\n";
  }
  const auto scenario = dir / "desk.toml";
  {
    std::ofstream f(scenario);
    f << "[scenario]\nname = \"webhooks\"\nseed = 1\nfirst_year = 2019\nlast_year = 2025\n\n[region]\nsource = \"builtin\"\nbuiltin = \"bfc\"\n\n"
         "[desk]\nwebhook_timeout_s = 0.5\nwebhook_backoff_initial_s = 0.02\nwebhook_backoff_max_s = 0.2\nwebhook_poll_s = 0.05\n";
  }
  const std::string db = GetParam() == "postgresql" ? PgCluster::instance().new_database() : (dir / "desk.sqlite").string();
  const int port = free_port();
  Receiver receiver(port, 0, 0, 0, 3);
  std::set<Change> acked;  // changes the desk answered 2xx
  std::mutex mu;
  std::random_device seed;
  std::mt19937 rng(seed());
  for (int round = 0; round < 4; ++round) {
    ServeChild server(db, tokens, scenario);
    httplib::Client admin("127.0.0.1", server.port);
    if (round == 0) {
      ASSERT_EQ(admin.Put("/api/webhooks/acme", bearer(kEng), json{{"url", fmt::format("http://127.0.0.1:{}/hook", port)}, {"secret", kSecret}}.dump(),
                          "application/json")->status,
                200);
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 2; ++t)
      clients.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", server.port);
        for (int k = 0; !stop; ++k) {
          const std::string id = fmt::format("K{}-{}-{}", round, t, k);
          const json body = {{"id", id}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}, {"requester", "acme"}};
          auto r = c.Post("/api/requests", bearer(kEng), body.dump(), "application/json");
          if (!r) break;
          if (r->status != 201) continue;
          const std::string status = json::parse(r->body)["status"];
          {
            std::lock_guard lock(mu);
            acked.insert({id, "", status});
          }
          if (status != "held") continue;
          const std::string action = k % 2 ? "confirm" : "cancel";
          auto d = c.Post(("/api/requests/" + id + "/" + action).c_str(), bearer(kEng), "", "application/json");
          if (!d) break;
          if (d->status == 200) {
            std::lock_guard lock(mu);
            acked.insert({id, "held", json::parse(d->body)["status"]});
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + int(rng() % 400)));
    server.kill9();
    stop = true;
    for (auto& th : clients) th.join();
  }
  ServeChild last(db, tokens, scenario);  // recovers, and sends what is left
  httplib::Client c("127.0.0.1", last.port);
  const auto webhooks = [&] {
    auto r = c.Get("/api/webhooks", bearer(kEng));
    return r ? json::parse(r->body, nullptr, false) : json::array();
  };
  wait_delivered(webhooks, "acme", -1);
  EXPECT_EQ(sql_on(db, "SELECT COUNT(*) FROM outbox WHERE delivered = 0"), 0);
  EXPECT_EQ(receiver.bad_signatures(), 0);
  const auto chains = check_received(receiver.acked());
  std::set<Change> got;
  long long events = 0;
  for (const auto& [id, chain] : chains)
    for (const auto& ch : chain) {
      got.insert(ch);
      ++events;
    }
  long long missing = 0;
  for (const auto& ch : acked) missing += !got.count(ch);
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " changes acknowledged by the desk";
  EXPECT_GT(acked.size(), 0u);
  // every notice the register holds was acknowledged once (duplicates only with the same id)
  EXPECT_EQ(sql_on(db, "SELECT COUNT(*) FROM outbox"), events);
  // and the outbox holds every state change the register recorded (audit, same transactions)
  EXPECT_EQ(sql_on(db, "SELECT COUNT(*) FROM audit WHERE action IN ('submit', 'confirm', 'cancel', 'decline', 'expire')"), events);
  std::filesystem::remove_all(dir);
}

// The files a `dorsale serve` child needs: an engineer's token and a scenario with short back-offs.
std::pair<std::filesystem::path, std::filesystem::path> serve_files(const std::filesystem::path& dir) {
  const auto tokens = dir / "tokens.toml";
  {
    std::ofstream f(tokens);
    f << "[[token]]\nname = \"eng\"\nrole = \"engineer\"\nsha256 = \"" << service::sha256_hex_of(kEng) << "\"\n";
  }
  const auto scenario = dir / "desk.toml";
  {
    std::ofstream f(scenario);
    f << "[scenario]\nname = \"webhooks\"\nseed = 1\nfirst_year = 2019\nlast_year = 2025\n\n[region]\nsource = \"builtin\"\nbuiltin = \"bfc\"\n\n"
         "[desk]\nwebhook_timeout_s = 0.5\nwebhook_backoff_initial_s = 0.02\nwebhook_backoff_max_s = 0.2\nwebhook_poll_s = 0.05\n";
  }
  return {tokens, scenario};
}

// Every byte of a SQLite register (its file, WAL and shared memory), as one string.
std::string register_bytes(const std::filesystem::path& db) {
  std::string all;
  for (const std::string suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::filesystem::path p = db.string() + suffix;
    if (std::filesystem::exists(p)) all += slurp(p);
  }
  return all;
}

// The secret is sealed at rest (AES-256-GCM with the desk key): neither the SQLite file's bytes
// (WAL included) nor the PostgreSQL column nor the history hold it; the register holds the sealed
// form; two settings of the same secret seal differently (fresh nonces). The signatures still
// verify (DownSlowRefusingThenAccepting, KillNineLosesNoNotice).
TEST_P(Webhooks, TheSecretIsSealedAtRest) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("webhook-sealed", GetParam(), "", quick_notices);
  auto c = s.client();
  for (const char* org : {"acme", "other-operator"}) {
    const Reply r = reply_of(c.Put((std::string("/api/webhooks/") + org).c_str(), bearer(kEng),
                                   json{{"url", "https://receiver.example/hook"}, {"secret", kSecret}}.dump(), "application/json"));
    ASSERT_EQ(r.status, 200) << r.text;
  }
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM webhooks"), 2);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM webhooks WHERE secret LIKE 'aes256gcm:%'"), 2) << "sealed";
  EXPECT_EQ(s.sql(std::string("SELECT COUNT(*) FROM webhooks WHERE secret LIKE '%") + kSecret + "%'"), 0);
  EXPECT_EQ(s.sql("SELECT COUNT(DISTINCT secret) FROM webhooks"), 2) << "one secret, two sealed forms (fresh nonces)";
  EXPECT_EQ(s.sql(std::string("SELECT COUNT(*) FROM audit WHERE detail LIKE '%") + kSecret + "%'"), 0);
  if (GetParam() == "sqlite") {
    const std::string bytes = register_bytes(s.db());
    ASSERT_GT(bytes.size(), 0u);
    EXPECT_NE(bytes.find("receiver.example"), std::string::npos) << "the scan reads the register's rows";
    EXPECT_EQ(bytes.find(kSecret), std::string::npos) << "the secret is in the register's bytes";
    EXPECT_EQ(bytes.find("s3cret-for"), std::string::npos);
  } else {
    EXPECT_EQ(s.sql(std::string("SELECT COUNT(*) FROM webhooks WHERE position('s3cret-for' in secret) > 0")), 0);
  }
}

// The key file: made on first start (32 bytes, mode 0600, the same key read back); refused with
// an error naming the file when group or others may read it or its size is wrong.
TEST(DeskKey, MadeOnceReadBackAndRefusedWhenOpen) {
  TempDir tmp;
  const std::string path = (tmp.path() / "desk.key").string();
  const service::DeskKey made = service::DeskKey::load_or_create(path);
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const service::DeskKey again = service::DeskKey::load_or_create(path);
  const std::string sealed = made.seal(kSecret, "acme");
  std::string plain, why;
  EXPECT_TRUE(again.open(sealed, "acme", plain, why)) << why;
  EXPECT_EQ(plain, kSecret);
  EXPECT_FALSE(again.open(sealed, "other-operator", plain, why)) << "bound to its organisation";
  EXPECT_FALSE(service::DeskKey::random().open(sealed, "acme", plain, why));
  EXPECT_EQ(why, "cannot decrypt the secret: wrong desk key");
  EXPECT_EQ(plain, "");
  std::string tampered = sealed;
  tampered[tampered.size() - 40] = tampered[tampered.size() - 40] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(made.open(tampered, "acme", plain, why)) << "the tag checks the ciphertext";
  EXPECT_FALSE(made.open(kSecret, "acme", plain, why)) << "a secret in clear is not taken as sealed";

  std::filesystem::permissions(path, std::filesystem::perms::group_read | std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  InputError e = input_error_of([&] { service::DeskKey::load_or_create(path); });
  EXPECT_EQ(e.field(), "--key-file");
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("0644"), std::string::npos) << e.what();
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, std::filesystem::perm_options::replace);
  std::filesystem::resize_file(path, 31);
  e = input_error_of([&] { service::DeskKey::load_or_create(path); });
  EXPECT_NE(std::string(e.what()).find("31 bytes"), std::string::npos) << e.what();
}

// `dorsale serve` with a key file of mode 0644 exits 1 naming the file, before it creates its
// register; a PostgreSQL register with neither --key-file nor --tokens is refused naming --key-file.
TEST_P(Webhooks, ServeRefusesAKeyFileOthersMayRead) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  TempDir tmp;
  const std::string db = GetParam() == "postgresql" ? PgCluster::instance().new_database() : (tmp.path() / "desk.sqlite").string();
  const auto key = tmp.path() / "desk.key";
  {
    std::ofstream f(key, std::ios::binary);
    f << std::string(32, 'k');
  }
  std::filesystem::permissions(key, std::filesystem::perms(0644), std::filesystem::perm_options::replace);
  const auto log = tmp.path() / "serve.log";
  EXPECT_EQ(run_cli({"serve", "--listen", "127.0.0.1:0", "--db", db, "--key-file", key.string()}, log), 1) << slurp(log);
  EXPECT_NE(slurp(log).find(key.string()), std::string::npos) << slurp(log);
  EXPECT_NE(slurp(log).find("mode 0644"), std::string::npos) << slurp(log);
  const auto no_register = [&] {
    if (GetParam() == "postgresql")
      EXPECT_EQ(pg_scalar(db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"), 0) << "the register was made";
    else
      EXPECT_FALSE(std::filesystem::exists(db)) << "the register was made";
  };
  no_register();
  if (GetParam() == "postgresql") {
    EXPECT_EQ(run_cli({"serve", "--listen", "127.0.0.1:0", "--db", db}, log), 1) << slurp(log);
    EXPECT_NE(slurp(log).find("--key-file"), std::string::npos) << slurp(log);
    no_register();
  }
}

// A desk started with another key than the one that sealed a secret: its notices fail with
// "cannot decrypt the secret: wrong desk key" (shown in the webhooks' status; nothing sent, no
// crash); started again with the right key, they are delivered, signed with the secret.
TEST_P(Webhooks, AWrongKeyFailsClearly) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  const auto dir = fresh_dir("webhook-key");
  const auto [tokens, scenario] = serve_files(dir);
  const std::string db = GetParam() == "postgresql" ? PgCluster::instance().new_database() : (dir / "desk.sqlite").string();
  const std::string right = (dir / "right.key").string(), wrong = (dir / "wrong.key").string();
  const int port = free_port();
  Receiver receiver(port, 0, 0, 0);
  const auto webhooks = [](httplib::Client& c) {
    auto r = c.Get("/api/webhooks", bearer(kEng));
    return r ? json::parse(r->body, nullptr, false) : json::array();
  };
  {
    ServeChild first(db, tokens, scenario, right);
    httplib::Client c("127.0.0.1", first.port);
    ASSERT_EQ(c.Put("/api/webhooks/acme", bearer(kEng), json{{"url", fmt::format("http://127.0.0.1:{}/hook", port)}, {"secret", kSecret}}.dump(),
                    "application/json")->status,
              200);
  }
  {
    ServeChild other(db, tokens, scenario, wrong);
    httplib::Client c("127.0.0.1", other.port);
    const json body = {{"id", "KEY1"}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}, {"requester", "acme"}};
    auto r = c.Post("/api/requests", bearer(kEng), body.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    json row;
    for (int k = 0; k < 400 && !(row.is_object() && row.value("failing", 0) > 0); ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      for (const auto& w : webhooks(c)) row = w;
    }
    EXPECT_GT(row.value("failing", 0), 0) << row.dump();
    EXPECT_EQ(row.value("last_error", ""), "cannot decrypt the secret: wrong desk key") << row.dump();
    EXPECT_EQ(receiver.calls(), 0) << "nothing is sent unsigned";
    auto health = c.Get("/api/health");
    ASSERT_TRUE(health) << "the desk keeps serving";
  }
  ServeChild again(db, tokens, scenario, right);
  httplib::Client c("127.0.0.1", again.port);
  wait_delivered([&] { return webhooks(c); }, "acme", 1);
  EXPECT_EQ(receiver.acked().size(), 1u);
  EXPECT_EQ(receiver.bad_signatures(), 0);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Register, Webhooks, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
