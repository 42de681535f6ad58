// The desk as the register a RIP runs every day (issue #25): one desk per address and per
// register file; paging, sorting and search of the list; reasons, comments and history; the
// export filtered like the list; the OpenAPI description against the real answers. On both
// registers where it applies, over loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <map>
#include <set>

#include "desk_fixture.h"
#include "io/register_sql.h"

namespace dorsale::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class DeskExclusive : public ::testing::TestWithParam<std::string> {};

std::string request_body(const std::string& id, const std::string& site = "nro:25-010") {
  return json{{"id", id}, {"site", site}, {"destination", "dorsale"}, {"pairs", 1}}.dump();
}

// A second `dorsale serve` on the address of a running desk exits 1 naming the address, before
// it creates or opens its own register; the first desk keeps answering every call, and every
// submission lands in its register.
TEST_P(DeskExclusive, ASecondServeOnABusyAddressExitsAndTheFirstKeepsServing) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("excl-addr", GetParam());
  TempDir tmp;
  const std::string other_db = GetParam() == "postgresql" ? PgCluster::instance().new_database() : (tmp.path() / "other.sqlite").string();
  const auto log = tmp.path() / "second.log";
  const int rc = run_cli({"serve", "--listen", "127.0.0.1:" + std::to_string(s.port()), "--db", other_db}, log);
  EXPECT_EQ(rc, 1) << slurp(log);
  EXPECT_NE(slurp(log).find("address already in use"), std::string::npos) << slurp(log);
  EXPECT_NE(slurp(log).find("--listen"), std::string::npos) << slurp(log);
  if (GetParam() == "postgresql")
    EXPECT_EQ(pg_scalar(other_db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"), 0)
        << "the second desk created its register";
  else
    EXPECT_FALSE(fs::exists(other_db)) << "the second desk created its register";
  for (int k = 0; k < 8; ++k) EXPECT_EQ(post(s, "/api/requests", kAlice, request_body("X" + std::to_string(k))).status, 201);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 8) << "every submission in the first desk's register";
}

// A second desk on the same SQLite register file is refused (a lock held while the register is
// open), in this process and from the command line; the lock goes with the first desk.
TEST(DeskExclusiveFile, TwoDesksOnOneRegisterFileAreRefused) {
  TempDir tmp;
  const std::string db = (tmp.path() / "desk.sqlite").string();
  {
    auto first = service::make_sqlite_register(db);
    const InputError e = input_error_of([&] { service::make_sqlite_register(db); });
    EXPECT_EQ(e.field(), "db");
    EXPECT_NE(std::string(e.what()).find("already in use by another desk"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(::getpid())), std::string::npos) << "names the holder: " << e.what();
  }
  EXPECT_NO_THROW(service::make_sqlite_register(db)) << "the lock is released with the register";

  DeskServer s("excl-file");
  ASSERT_EQ(post(s, "/api/requests", kAlice, request_body("F1")).status, 201);
  const auto log = tmp.path() / "second.log";
  EXPECT_EQ(run_cli({"serve", "--listen", "127.0.0.1:0", "--db", s.db().string()}, log), 1) << slurp(log);
  EXPECT_NE(slurp(log).find("already in use by another desk"), std::string::npos) << slurp(log);
  EXPECT_EQ(post(s, "/api/requests", kAlice, request_body("F2")).status, 201) << "the first desk keeps serving";
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 2);
}

class DeskList : public ::testing::TestWithParam<std::string> {};

std::vector<std::string> ids_of(const std::vector<json>& items) {
  std::vector<std::string> out;
  for (const auto& it : items) out.push_back(it["id"]);
  return out;
}

// The cursor pages give every request present when paging started exactly once, newest first,
// while new requests arrive between two pages; offset pages too when nothing arrives.
TEST_P(DeskList, PagingGivesEveryRequestOnceWhileNewOnesArrive) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-paging", GetParam());
  import_requests(s, 0, 60);
  int arrived = 0;
  const auto items = all_pages(s, kEng, "limit=7", [&] {
    EXPECT_EQ(post(s, "/api/requests", kAlice, request_body(fmt::format("N{:03}", arrived++))).status, 201);
  });
  const auto ids = ids_of(items);
  std::map<std::string, int> seen;
  for (const auto& id : ids) ++seen[id];
  for (int k = 0; k < 60; ++k) EXPECT_EQ(seen[fmt::format("R{:03}", k)], 1) << k;
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " seen twice";
  EXPECT_GT(arrived, 8);
  std::vector<std::string> old;
  for (const auto& id : ids)
    if (id[0] == 'R') old.push_back(id);
  EXPECT_TRUE(std::is_sorted(old.rbegin(), old.rend())) << "newest first";
  const Reply first = get(s, "/api/requests", kEng);
  EXPECT_EQ(first.body["limit"], 50) << "desk.list_default_limit";
  EXPECT_EQ(first.body["items"].size(), 50u);
  EXPECT_EQ(first.body["total"], 60 + arrived);
  EXPECT_EQ(first.body["items"][0]["id"], fmt::format("N{:03}", arrived - 1)) << "the newest first";
  // offsets, nothing arriving: the same requests, once each
  std::vector<std::string> by_offset;
  for (int off = 0; off < 60 + arrived; off += 25) {
    const Reply page = get(s, fmt::format("/api/requests?limit=25&offset={}", off), kEng);
    EXPECT_EQ(page.body["offset"], off);
    for (const auto& it : page.body["items"]) by_offset.push_back(it["id"]);
  }
  EXPECT_EQ(std::set<std::string>(by_offset.begin(), by_offset.end()).size(), std::size_t(60 + arrived));
  EXPECT_EQ(by_offset.size(), std::size_t(60 + arrived));
  // a requester pages through their own only
  const auto mine = all_pages(s, kAlice, "limit=4");
  EXPECT_EQ(mine.size(), std::size_t(arrived));
  for (const auto& it : mine) EXPECT_EQ(it["owner"], "alice");
}

// Sorts order the whole list (across pages); a search keeps exactly the requests whose id,
// requester, site or destination holds the text (case aside); filters combine.
TEST_P(DeskList, SortAndSearch) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-sort", GetParam());
  import_requests(s, 0, 40);
  std::string last_confirmed;
  for (int k = 0; k < 40; k += 3) {
    s.now += 60;
    const std::string id = fmt::format("R{:03}", k);
    const Reply r = post(s, "/api/requests/" + id + "/confirm", kEng, "");
    ASSERT_TRUE(r.status == 200 || r.status == 409) << r.text;  // 409: rejected at submission
    if (r.status == 200) last_confirmed = id;
  }
  ASSERT_FALSE(last_confirmed.empty());
  const auto all = all_pages(s, kEng, "limit=9&sort=submitted&order=asc");
  ASSERT_EQ(all.size(), 40u);
  const auto by_id = ids_of(all_pages(s, kEng, "limit=9&sort=id"));
  EXPECT_TRUE(std::is_sorted(by_id.begin(), by_id.end()));
  EXPECT_EQ(by_id.size(), 40u);
  const auto by_status = all_pages(s, kEng, "limit=9&sort=status&order=desc");
  ASSERT_EQ(by_status.size(), 40u);
  for (std::size_t i = 1; i < by_status.size(); ++i) EXPECT_GE(by_status[i - 1]["status"], by_status[i]["status"]) << i;
  const auto by_updated = all_pages(s, kEng, "limit=9&sort=updated");
  ASSERT_EQ(by_updated.size(), 40u);
  for (std::size_t i = 1; i < by_updated.size(); ++i) EXPECT_GE(by_updated[i - 1]["updated"], by_updated[i]["updated"]) << i;
  EXPECT_EQ(by_updated[0]["id"], last_confirmed) << "the last confirmed first";

  const auto lower = [](std::string v) {
    for (char& ch : v) ch = char(std::tolower((unsigned char)ch));
    return v;
  };
  for (const std::string q : {"jura", "JURA", "25-010", "lyon", "R01", "numérique", "no such thing", "50%_", "25", "e", "a\"b", "R0"}) {
    std::set<std::string> expected;
    for (const auto& it : all) {
      const json& r = it["request"];
      for (const std::string& f : {it["id"].get<std::string>(), r["requester"].get<std::string>(), r["site"].get<std::string>(),
                                  r["destination"].get<std::string>()})
        if (lower(f).find(lower(q)) != std::string::npos) expected.insert(it["id"]);
    }
    std::string enc;
    for (unsigned char ch : q) enc += std::isalnum(ch) || ch == '-' ? std::string(1, char(ch)) : fmt::format("%{:02X}", ch);
    const auto found = ids_of(all_pages(s, kEng, "limit=5&q=" + enc));
    EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), expected) << q;
    EXPECT_EQ(found.size(), expected.size()) << q;
    EXPECT_EQ(get(s, "/api/requests?limit=5&q=" + enc, kEng).body["total"], expected.size()) << q;
  }
  EXPECT_GT(ids_of(all_pages(s, kEng, "q=jura")).size(), 0u);
  // requests submitted after a search are found by the next one (the index catches up)
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(get(s, "/api/requests?q=zzyzx", kEng).body["total"], k);
    ASSERT_EQ(post(s, "/api/requests", kAlice,
                   json{{"id", fmt::format("Z{}", k)}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}, {"requester", "Zzyzx Telecom"}}.dump())
                  .status,
              201);
  }
  EXPECT_EQ(ids_of(all_pages(s, kEng, "q=ZZYZX&sort=id")), (std::vector<std::string>{"Z0", "Z1", "Z2"}));
  if (GetParam() == "postgresql")  // the test's server has pg_trgm (Debian's postgresql)
    EXPECT_EQ(s.sql("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'requests_search_trgm'"), 1);
  for (const auto& it : all_pages(s, kEng, "q=jura&status=confirmed")) {
    EXPECT_EQ(it["status"], "confirmed");
    EXPECT_EQ(it["request"]["requester"], "Jura Fibre");
  }
}

// Paging parameters out of range, unknown ones, a malformed cursor: each 400 naming the
// parameter; the register is unchanged.
TEST_P(DeskList, BadListParametersAreRefusedNamingThem) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-bad", GetParam());
  import_requests(s, 0, 3);
  const long long before = s.sql("SELECT (SELECT COUNT(*) FROM requests) * 1000 + (SELECT COUNT(*) FROM audit)");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"limit=0", "limit"},          {"limit=1001", "limit"},      {"limit=-1", "limit"},  {"limit=ten", "limit"},
      {"limit=1e3", "limit"},        {"offset=-1", "offset"},      {"offset=x", "offset"}, {"offset=99999999999", "offset"},
      {"sort=price", "sort"},        {"order=up", "order"},        {"status=open", "status"},
      {"cursor=abc", "cursor"},      {"cursor=id~asc~1~R000&sort=submitted", "cursor"},
      {"cursor=submitted~desc~x~", "cursor"},
      {"cursor=submitted~desc~2~&offset=1", "offset"},       {"q=" + std::string(201, 'a'), "q"},
      {"lmit=5", "lmit"},            {"limit=5&limit=6", "limit"}};
  for (const auto& [query, field] : bad) {
    const Reply r = get(s, "/api/requests?" + query, kEng);
    EXPECT_EQ(r.status, 400) << query << ": " << r.text;
    EXPECT_EQ(r.body["error"]["field"], field) << query << ": " << r.text;
  }
  EXPECT_EQ(get(s, "/api/export/requests.json?limit=5", kEng).body["error"]["field"], "limit");
  EXPECT_EQ(get(s, "/api/export/requests.csv?sort=x", kEng).body["error"]["field"], "sort");
  EXPECT_EQ(get(s, "/api/requests?limit=1000", kEng).status, 200) << "desk.list_max_limit itself";
  EXPECT_EQ(s.sql("SELECT (SELECT COUNT(*) FROM requests) * 1000 + (SELECT COUNT(*) FROM audit)"), before);
}

// The export (JSON and CSV) holds what every page of the list holds, in the same order, for
// the same filters; a requester's only their own.
TEST_P(DeskList, TheExportEqualsTheList) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-export", GetParam());
  import_requests(s, 0, 30);
  for (int k = 0; k < 5; ++k) ASSERT_EQ(post(s, "/api/requests", kAlice, request_body(fmt::format("A{}", k))).status, 201);
  ASSERT_EQ(post(s, "/api/requests/R004/decline", kEng, R"({"reason": "a \"quoted\", comma'd reason"})").status, 200);
  for (const std::string query : {"sort=submitted", "sort=id&q=jura", "status=held&sort=updated", "q=25-010&order=asc"}) {
    const auto pages = ids_of(all_pages(s, kEng, "limit=4&" + query));
    const Reply j = get(s, "/api/export/requests.json?" + query, kEng);
    ASSERT_EQ(j.status, 200) << j.text;
    EXPECT_EQ(ids_of(std::vector<json>(j.body["items"].begin(), j.body["items"].end())), pages) << query;
    EXPECT_EQ(j.body["total"], pages.size());
    auto c = s.client();
    const auto csv = c.Get(("/api/export/requests.csv?" + query).c_str(), bearer(kEng));
    ASSERT_TRUE(csv);
    EXPECT_EQ(csv->get_header_value("Content-Type").rfind("text/csv", 0), 0u);
    std::vector<std::string> rows, csv_ids;
    std::istringstream in(csv->body);
    for (std::string line; std::getline(in, line);) rows.push_back(line);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].rfind("id,status,decision,owner,requester,site,destination,pairs", 0), 0u) << rows[0];
    for (std::size_t i = 1; i < rows.size(); ++i) csv_ids.push_back(rows[i].substr(0, rows[i].find(',')));
    EXPECT_EQ(csv_ids, pages) << query;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const json& it = j.body["items"][i - 1];
      EXPECT_EQ(rows[i].find(it["status"].get<std::string>()), csv_ids[i - 1].size() + 1) << rows[i];
    }
  }
  const Reply mine = get(s, "/api/export/requests.json", kAlice);
  EXPECT_EQ(mine.body["total"], 5);
  for (const auto& it : mine.body["items"]) EXPECT_EQ(it["owner"], "alice");
}

// A POST with no body at all (no Content-Length: curl -X POST), over a raw socket.
std::string raw_post(int port, const std::string& path, const std::string& token) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(std::uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "";
  const std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, std::size_t(n));
  ::close(fd);
  return out;
}

// Decline, cancel and confirm take an optional reason (a decline requires one); comments; the
// history says who, when, what and why, a requester sees their own; bad reasons and comments
// are refused naming the field and write nothing.
TEST_P(DeskList, ReasonsCommentsAndHistory) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-history", GetParam());
  for (const char* id : {"H1", "H2", "H3"}) ASSERT_EQ(post(s, "/api/requests", kAlice, request_body(id)).status, 201);
  const auto writes = [&] { return s.sql("SELECT (SELECT COUNT(*) FROM audit) * 1000 + (SELECT COUNT(*) FROM requests WHERE status = 'held')"); };
  const long long before = writes();
  const Reply no_reason = post(s, "/api/requests/H1/decline", kEng, "");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.body["error"]["field"], "reason");
  EXPECT_EQ(post(s, "/api/requests/H1/decline", kEng, R"({"reason": "   "})").body["error"]["field"], "reason");
  EXPECT_EQ(post(s, "/api/requests/H1/decline", kEng, json{{"reason", std::string(1001, 'x')}}.dump()).body["error"]["field"], "reason");
  EXPECT_EQ(post(s, "/api/requests/H1/decline", kEng, R"({"reason": "x", "because": 1})").body["error"]["field"], "because");
  EXPECT_EQ(post(s, "/api/requests/H1/decline", kEng, R"({"reason": 5})").body["error"]["field"], "reason");
  EXPECT_EQ(post(s, "/api/requests/H1/comments", kAlice, json{{"text", std::string(4001, 'c')}}.dump()).body["error"]["field"], "text");
  EXPECT_EQ(post(s, "/api/requests/H1/comments", kAlice, R"({"text": ""})").body["error"]["field"], "text");
  const Reply huge = post(s, "/api/requests/H1/comments", kAlice, json{{"text", std::string(10 << 20, 'c')}}.dump());
  EXPECT_EQ(huge.status, 400) << "a 10 MB comment: a comment too long, said so before its body is read";
  EXPECT_EQ(huge.body["error"]["field"], "text") << huge.text;
  const Reply huge_reason = post(s, "/api/requests/H1/decline", kEng, json{{"reason", std::string(10 << 20, 'r')}}.dump());
  EXPECT_EQ(huge_reason.status, 400) << "a 10 MB reason";
  EXPECT_EQ(huge_reason.body["error"]["field"], "reason") << huge_reason.text;
  EXPECT_EQ(post(s, "/api/requests/H1/comments", kBob, R"({"text": "mine?"})").status, 404) << "another requester's";
  EXPECT_EQ(writes(), before) << "refused calls write nothing";

  const std::string html = "<img src=x onerror=alert(1)> not on this route & \"that\"";
  const Reply declined = post(s, "/api/requests/H1/decline", kEng, json{{"reason", html}}.dump());
  ASSERT_EQ(declined.status, 200) << declined.text;
  EXPECT_EQ(declined.body["status"], "declined");
  // a confirm and a cancel with an empty body (no Content-Length at all), and with a reason
  s.now += 10;
  const std::string raw = raw_post(s.port(), "/api/requests/H2/confirm", kEng);
  EXPECT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw;
  EXPECT_EQ(raw_post(s.port(), "/api/requests/H3/cancel", kAlice).rfind("HTTP/1.1 200", 0), 0u);
  s.now += 10;
  ASSERT_EQ(post(s, "/api/requests/H2/cancel", kAlice, R"({"reason": "project moved to 2027"})").status, 200);
  ASSERT_EQ(post(s, "/api/requests/H2/comments", kAlice, R"({"text": "we will come back\nnext year"})").status, 201);
  ASSERT_EQ(post(s, "/api/requests/H2/comments", kEng, R"({"text": "noted"})").status, 201);

  const Reply h1 = get(s, "/api/requests/H1/history", kAlice);
  ASSERT_EQ(h1.status, 200) << h1.text;
  ASSERT_EQ(h1.body["events"].size(), 2u);
  EXPECT_EQ(h1.body["events"][1]["action"], "decline");
  EXPECT_EQ(h1.body["events"][1]["actor"], "eng");
  EXPECT_EQ(h1.body["events"][1]["reason"], html) << "kept as written (the page escapes it)";
  const Reply h2 = get(s, "/api/requests/H2/history", kAlice);
  ASSERT_EQ(h2.status, 200);
  std::vector<std::string> actions;
  for (const auto& e : h2.body["events"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"submit", "confirm", "cancel", "comment", "comment"}));
  EXPECT_EQ(h2.body["status"], "cancelled");
  EXPECT_EQ(h2.body["events"][1]["reason"], "");
  EXPECT_EQ(h2.body["events"][2]["reason"], "project moved to 2027");
  EXPECT_EQ(h2.body["events"][2]["actor"], "alice");
  EXPECT_LT(h2.body["events"][0]["at"].get<std::string>(), h2.body["events"][2]["at"].get<std::string>());
  const Reply comments = get(s, "/api/requests/H2/comments", kEng);
  ASSERT_EQ(comments.body["events"].size(), 2u);
  EXPECT_EQ(comments.body["events"][0]["reason"], "we will come back\nnext year");
  EXPECT_EQ(comments.body["events"][1]["actor"], "eng");
  EXPECT_EQ(get(s, "/api/requests/H2/history", kBob).status, 404);
  EXPECT_EQ(get(s, "/api/requests/H3/history", kAlice).body["events"][1]["action"], "cancel");
}

// The OpenAPI description served at /api/openapi.json (no token) describes every answer the
// desk gives: routes, statuses, content types and JSON bodies checked by python3-jsonschema
// (tests/service/openapi_check.py) against a run of real calls on both registers. Every POST
// action answers an empty body (no Content-Length at all) with a described status and, when it
// refuses it, a named field.
TEST_P(DeskList, OpenApiDescribesTheRealAnswers) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  if (std::system("python3 -c 'import jsonschema' > /dev/null 2>&1") != 0) {
    if (std::getenv("CI")) FAIL() << "CI is set but python3-jsonschema is missing";
    GTEST_SKIP() << "python3-jsonschema is missing (scripts/install-deps.sh installs it)";
  }
  DeskServer s("list-openapi", GetParam());
  auto c = s.client();
  const auto doc = c.Get("/api/openapi.json");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->status, 200);
  const json spec = json::parse(doc->body);
  EXPECT_EQ(spec["openapi"].get<std::string>().substr(0, 2), "3.");
  json samples = json::array();
  std::set<std::string> routes_seen;
  const auto add = [&](const std::string& method, const std::string& tpl, const httplib::Result& r) {
    ASSERT_TRUE(r) << method << " " << tpl;
    const std::string type = r->get_header_value("Content-Type");
    json body = type.rfind("application/json", 0) == 0 ? json::parse(r->body, nullptr, false) : json("(not JSON)");
    samples.push_back({{"method", method}, {"path", tpl}, {"status", r->status}, {"type", type}, {"body", body}});
    routes_seen.insert(method + " " + tpl);
  };
  const auto g = [&](const std::string& tpl, const std::string& path, const std::string& token) {
    add("get", tpl, token.empty() ? c.Get(path.c_str()) : c.Get(path.c_str(), bearer(token)));
  };
  const auto p = [&](const std::string& tpl, const std::string& path, const std::string& token, const std::string& body,
                     const char* type = "application/json") { add("post", tpl, c.Post(path.c_str(), bearer(token), body, type)); };
  g("/api/health", "/api/health", "");
  g("/api/openapi.json", "/api/openapi.json", "");
  g("/api/whoami", "/api/whoami", kAlice);
  g("/api/whoami", "/api/whoami", "bad-token");
  g("/api/network", "/api/network", kAlice);
  g("/api/map", "/api/map", kAlice);
  g("/api/map", "/api/map", "bad-token");
  p("/api/requests", "/api/requests", kAlice, request_body("O1"));
  p("/api/requests", "/api/requests", kAlice, R"({"id": "O2", "site": "nro:25-010", "destination": "dorsale", "pairs": 3, "protection": "diverse"})");
  p("/api/requests", "/api/requests", kAlice, R"({"id": "O3", "lon": 4.87, "lat": 46.33, "destination": "Lyon", "pairs": 1})");
  p("/api/requests", "/api/requests", kAlice, R"({"id": "O4", "site": "nro:25-010", "destination": "dorsale", "pairs": 100000})");
  p("/api/requests", "/api/requests", kAlice, request_body("O1"));
  p("/api/requests", "/api/requests", kAlice, R"({"site": "nro:25-010", "pairs": 0})");
  p("/api/requests", "/api/requests", kAlice, "");
  p("/api/import", "/api/import", kEng, "id,site,destination,pairs,submitted\nI1,nro:25-010,dorsale,1,2026-01-01\n", "text/csv");
  p("/api/import", "/api/import", kEng, "", "text/csv");
  g("/api/links", "/api/links", kEng);
  g("/api/links", "/api/links?sort=load&limit=10", kEng);
  g("/api/links", "/api/links?sort=x", kEng);
  g("/api/requests", "/api/requests?limit=2", kEng);
  g("/api/requests", "/api/requests?limit=2000", kEng);
  g("/api/requests/{id}", "/api/requests/O2", kAlice);
  g("/api/requests/{id}", "/api/requests/O2", kBob);
  p("/api/requests/{id}/confirm", "/api/requests/O1/confirm", kEng, "");
  p("/api/requests/{id}/confirm", "/api/requests/O1/confirm", kEng, "");
  p("/api/requests/{id}/confirm", "/api/requests/O2/confirm", kAlice, "");
  p("/api/requests/{id}/decline", "/api/requests/O2/decline", kEng, "");
  p("/api/requests/{id}/decline", "/api/requests/O2/decline", kEng, R"({"reason": "no"})");
  p("/api/requests/{id}/cancel", "/api/requests/O1/cancel", kAlice, R"({"reason": "moved"})");
  p("/api/requests/{id}/cancel", "/api/requests/O3/cancel", kAlice, "");
  p("/api/requests/{id}/comments", "/api/requests/O1/comments", kAlice, R"({"text": "hello"})");
  p("/api/requests/{id}/comments", "/api/requests/O1/comments", kAlice, "");
  p("/api/requests/{id}/comments", "/api/requests/O1/comments", kAlice, "x", "multipart/form-data; boundary=x");
  g("/api/requests/{id}/comments", "/api/requests/O1/comments", kAlice);
  g("/api/requests/{id}/history", "/api/requests/O1/history", kAlice);
  g("/api/requests/{id}/audit", "/api/requests/O1/audit", kAlice);
  p("/api/requesters/{name}/decline-holds", "/api/requesters/alice/decline-holds", kEng, R"({"reason": "audit"})");
  p("/api/requesters/{name}/decline-holds", "/api/requesters/alice/decline-holds", kAlice, R"({"reason": "audit"})");
  p("/api/requesters/{name}/decline-holds", "/api/requesters/alice/decline-holds", kEng, "");
  g("/api/export/requests.json", "/api/export/requests.json?sort=id", kEng);
  g("/api/export/requests.csv", "/api/export/requests.csv", kEng);
  g("/api/export/requests.csv", "/api/export/requests.csv?q=" + std::string(300, 'q'), kEng);
  g("/api/export/decisions.json", "/api/export/decisions.json", kEng);
  g("/api/export/routes.gpkg", "/api/export/routes.gpkg", kEng);
  g("/api/export/t_ropt.csv", "/api/export/t_ropt.csv", kEng);
  const auto put = [&](const std::string& tpl, const std::string& path, const std::string& token, const std::string& body) {
    add("put", tpl, c.Put(path.c_str(), bearer(token), body, "application/json"));
  };
  put("/api/webhooks/{organisation}", "/api/webhooks/alice", kEng, R"({"url": "https://receiver.example/hook", "secret": "0123456789abcdef"})");
  put("/api/webhooks/{organisation}", "/api/webhooks/alice", kEng, R"({"url": "ftp://receiver.example/hook", "secret": "0123456789abcdef"})");
  put("/api/webhooks/{organisation}", "/api/webhooks/alice", kAlice, R"({"url": "https://receiver.example/hook", "secret": "0123456789abcdef"})");
  p("/api/requests", "/api/requests", kAlice, request_body("O5"));
  g("/api/webhooks", "/api/webhooks", kEng);
  g("/api/webhooks", "/api/webhooks", kAlice);
  g("/api/requests/{id}/notices", "/api/requests/O5/notices", kAlice);
  g("/api/requests/{id}/notices", "/api/requests/O5/notices", kBob);
  // every route the description has was called at least once
  for (const auto& [path, ops] : spec["paths"].items())
    for (const auto& [method, op] : ops.items()) EXPECT_TRUE(routes_seen.count(method + " " + path)) << method << " " << path << " not exercised";
  TempDir tmp;
  std::ofstream(tmp.path() / "spec.json") << doc->body;
  std::ofstream(tmp.path() / "samples.json") << samples.dump();
  const std::string cmd = "python3 '" + std::string(DORSALE_SOURCE_DIR) + "/tests/service/openapi_check.py' '" + (tmp.path() / "spec.json").string() +
                          "' '" + (tmp.path() / "samples.json").string() + "' > '" + (tmp.path() / "out.txt").string() + "' 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(tmp.path() / "out.txt");

  // empty POST bodies, without even a Content-Length: a described answer, never "refused"
  for (const std::string path : {"/api/requests", "/api/import", "/api/requests/O4/confirm", "/api/requests/I1/decline", "/api/requests/I1/cancel",
                                 "/api/requests/I1/comments", "/api/requesters/bob/decline-holds"}) {
    const std::string raw = raw_post(s.port(), path, kEng);
    const auto head_end = raw.find("\r\n\r\n");
    ASSERT_NE(head_end, std::string::npos) << path << ": " << raw;
    const int status = std::atoi(raw.substr(9, 3).c_str());
    EXPECT_TRUE(status == 200 || status == 201 || status == 400 || status == 409) << path << ": " << raw;
    const json body = json::parse(raw.substr(head_end + 4), nullptr, false);
    if (status >= 400) {
      EXPECT_FALSE(body["error"]["field"].get<std::string>().empty()) << path << ": " << raw;
    }
  }
}

// The network at a glance: every link's free share is its free pairs over the cable's pairs
// (holds and commitments included); sort=load lists the least free first, limit the first N.
TEST_P(DeskList, LinksByLoad) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("list-load", GetParam());
  const Reply before = get(s, "/api/links", kEng);
  ASSERT_EQ(before.status, 200);
  std::map<std::string, json> was;
  for (const auto& l : before.body) was[l["id"]] = l;
  const Reply held = post(s, "/api/requests", kAlice, R"({"id": "L1", "site": "nro:25-010", "destination": "dorsale", "pairs": 6})");
  ASSERT_EQ(held.status, 201);
  ASSERT_EQ(post(s, "/api/requests", kAlice, R"({"id": "L2", "site": "nro:39-003", "destination": "dorsale", "pairs": 4})").status, 201);
  ASSERT_EQ(post(s, "/api/requests/L2/confirm", kEng, "").status, 200);
  const Reply load = get(s, "/api/links?sort=load", kEng);
  ASSERT_EQ(load.status, 200);
  ASSERT_EQ(load.body.size(), before.body.size());
  bool null_seen = false;
  for (std::size_t i = 0; i < load.body.size(); ++i) {
    const json& l = load.body[i];
    if (l["pairs_total"].get<int>() == 0) {
      EXPECT_TRUE(l["free_share"].is_null()) << l;
      null_seen = true;
      continue;
    }
    EXPECT_FALSE(null_seen) << "cables of no pairs come last";
    EXPECT_NEAR(l["free_share"].get<double>(), double(l["free_pairs"].get<int>()) / l["pairs_total"].get<int>(), 1e-12) << l;
    if (i > 0 && !load.body[i - 1]["free_share"].is_null())
      EXPECT_LE(load.body[i - 1]["free_share"].get<double>(), l["free_share"].get<double>()) << i;
  }
  // L1's links lost 6 pairs of free share
  for (const auto& route : held.body["route_links"])
    for (const auto& rl : route) {
      const std::string id = rl["id"];
      if (!was.count(id)) continue;
      for (const auto& l : load.body)
        if (l["id"] == id && l["pairs_total"].get<int>() > 0)
          EXPECT_LE(l["free_pairs"].get<int>(), was[id]["free_pairs"].get<int>() - 6) << id;
    }
  const Reply ten = get(s, "/api/links?sort=load&limit=10", kAlice);
  ASSERT_EQ(ten.body.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(ten.body[i]["id"], load.body[i]["id"]);
  EXPECT_EQ(get(s, "/api/links?sort=free", kEng).body["error"]["field"], "sort");
  EXPECT_EQ(get(s, "/api/links?limit=0", kEng).body["error"]["field"], "limit");
  EXPECT_EQ(get(s, "/api/links?page=2", kEng).body["error"]["field"], "page");
}

// The SQLite register's indexes serve the list's pages: no page sorts its rows apart (no temp
// b-tree), each uses the index page_sql names; and a register written before the search and
// reason columns existed is migrated on opening (its requests found by a search).
TEST(DeskListIndexes, PagesUseTheIndexesAndOldRegistersAreMigrated) {
  TempDir tmp;
  const std::string db = (tmp.path() / "old.sqlite").string();
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    const char* old_schema = R"sql(
      CREATE TABLE links(idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, capacity INTEGER NOT NULL, built_by TEXT);
      CREATE TABLE requests(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
        idem_key TEXT, body_sha256 TEXT NOT NULL, request_json TEXT NOT NULL, status TEXT NOT NULL,
        decision TEXT NOT NULL, evaluation_json TEXT NOT NULL, hold_expires INTEGER NOT NULL,
        created INTEGER NOT NULL, updated INTEGER NOT NULL);
      CREATE TABLE allocations(request_id TEXT NOT NULL REFERENCES requests(id), link INTEGER NOT NULL REFERENCES links(idx),
        pairs INTEGER NOT NULL CHECK(pairs > 0), state TEXT NOT NULL CHECK(state IN ('held', 'committed')), PRIMARY KEY(request_id, link));
      CREATE TABLE audit(n INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        request_id TEXT NOT NULL, detail TEXT NOT NULL);
      INSERT INTO links VALUES(0, 'L0', 10, NULL);
      INSERT INTO requests(id, owner, body_sha256, request_json, status, decision, evaluation_json, hold_expires, created, updated)
        VALUES('OLD1', 'alice', 'x', '{"id":"OLD1","requester":"Jura Fibre","site":"nro:39-003","destination":"dorsale"}',
               'held', 'accept', '{}', 0, 1, 1);
      INSERT INTO audit(at, actor, action, request_id, detail) VALUES(1, 'alice', 'submit', 'OLD1', 'accept -> held');)sql";
    ASSERT_EQ(sqlite3_exec(h, old_schema, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    sqlite3_close(h);
  }
  auto reg = service::make_sqlite_register(db);
  reg->open({{0, "L0", 10, 0, 0, ""}});
  reg->read([&](service::RegisterTx& tx) {
    service::ListQuery q;
    q.q = "JURA";
    const auto rows = tx.page(q);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, "OLD1");
    q.q = "39-003";
    EXPECT_EQ(tx.count(q), 1);
    q.q = "lyon";
    EXPECT_EQ(tx.count(q), 0);
    ASSERT_EQ(tx.audit_log("OLD1").size(), 1u);
    EXPECT_EQ(tx.audit_log("OLD1")[0].reason, "");
  });

  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  const auto plan = [&](const service::ListQuery& q) {
    const auto p = io::register_sql::page_sql(q, io::register_sql::Dialect::Sqlite, false);
    sqlite3_stmt* st = nullptr;
    const std::string sql = "EXPLAIN QUERY PLAN SELECT id FROM requests" + p.sql;
    EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(h);
    for (int i = 0; i < int(p.args.size()); ++i)  // $1, $2, ... by name (SQLite numbers them by first use)
      sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ("$" + std::to_string(i + 1)).c_str()), p.args[std::size_t(i)].c_str(), -1,
                        SQLITE_TRANSIENT);
    std::string out;
    while (st && sqlite3_step(st) == SQLITE_ROW) out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "; ";
    sqlite3_finalize(st);
    return out;
  };
  service::ListQuery q;
  const auto expect_plan = [&](const service::ListQuery& query, const std::string& index) {
    const std::string p = plan(query);
    EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << p;
    EXPECT_NE(p.find(index), std::string::npos) << index << ": " << p;
  };
  expect_plan(q, "requests");  // the primary key, in reverse: SCAN requests
  q.owner = "alice";
  expect_plan(q, "requests_owner_seq");
  q.owner = "";
  q.status = service::RequestStatus::Held;
  expect_plan(q, "requests_status_seq");
  q.status.reset();
  q.sort = service::SortKey::Updated;
  expect_plan(q, "requests_updated");
  q.after = true;
  q.after_key = "5";
  q.after_seq = 3;
  expect_plan(q, "requests_updated");
  q = {};
  q.sort = service::SortKey::Id;
  q.desc = false;
  expect_plan(q, "sqlite_autoindex_requests");
  q.sort = service::SortKey::Status;
  expect_plan(q, "requests_status_seq");
  q = {};
  q.q = "jura";
  const auto p = io::register_sql::page_sql(q, io::register_sql::Dialect::Sqlite, false);
  EXPECT_NE(p.sql.find("requests_search MATCH"), std::string::npos) << "the trigram index serves a search of 3 characters";
  expect_plan(q, "VIRTUAL TABLE");
  sqlite3_close(h);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskList, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Register, DeskExclusive, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
