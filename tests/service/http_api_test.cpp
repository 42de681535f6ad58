// The desk's JSON API over loopback on a random port: the life of a request, idempotent
// resubmission, expiry, the export against `dorsale interconnect`, and refused calls.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "desk_fixture.h"
#include "planner/interconnect.h"
#include "io/requests.h"
#include "io/interconnect_writer.h"
#include "io/network_writer.h"
#include "viz/desk_map.h"
#include "viz/report.h"

namespace dorsale::test {
namespace {

using nlohmann::json;

class DeskApi : public ::testing::TestWithParam<std::string> {};

const char* kRequest = R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 2})";

std::map<std::string, json> links_by_id(const DeskServer& s) {
  std::map<std::string, json> out;
  const json links = get(s, "/api/links", kEng).body;
  for (const auto& l : links) out[l["id"]] = l;
  return out;
}

// free = capacity - held - committed on every link, and never negative.
void expect_free_is_capacity_minus_uses(const DeskServer& s) {
  for (const auto& [id, l] : links_by_id(s)) {
    EXPECT_EQ(l["free_pairs"].get<int>(), l["capacity_pairs"].get<int>() - l["held_pairs"].get<int>() - l["committed_pairs"].get<int>()) << id;
    EXPECT_GE(l["free_pairs"].get<int>(), 0) << id;
  }
}

std::vector<std::string> route_link_ids(const json& answer) {
  std::vector<std::string> out;
  for (const auto& route : answer["route_links"])
    for (const auto& l : route)
      if (l["id"].get<std::string>().rfind("new:", 0) != 0) out.push_back(l["id"]);
  return out;
}

TEST_P(DeskApi, HealthNeedsNoTokenAndThePageIsServed) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-health", GetParam());
  auto c = s.client();
  auto h = c.Get("/api/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  for (const char* external : {"src=", "href=", "url(", "@import", "https://"})
    EXPECT_EQ(page->body.find(external), std::string::npos) << "the page loads no external resource: " << external;
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
}

TEST_P(DeskApi, LifeOfARequestHoldsCommitsAndReleasesItsPairs) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-life", GetParam());
  const auto before = links_by_id(s);
  const Reply sub = post(s, "/api/requests", kAlice, kRequest);
  ASSERT_EQ(sub.status, 201) << sub.text;
  const std::string id = sub.body["id"];
  EXPECT_FALSE(id.empty()) << "the desk assigns an id";
  EXPECT_EQ(sub.body["status"], "held");
  EXPECT_NE(sub.body["decision"], "reject");
  EXPECT_TRUE(sub.body["hold_expires"].is_string());
  EXPECT_GE(sub.body["cost_eur"]["total"].get<double>(), 0);
  EXPECT_GT(sub.body["latency_ms"].get<double>(), 0);
  ASSERT_FALSE(sub.body["routes"].empty());
  const auto used = route_link_ids(sub.body);
  ASSERT_FALSE(used.empty());
  auto held = links_by_id(s);
  for (const auto& l : used) {
    EXPECT_EQ(held[l]["held_pairs"].get<int>(), before.at(l)["held_pairs"].get<int>() + 2) << l;
    EXPECT_EQ(held[l]["free_pairs"].get<int>(), before.at(l)["free_pairs"].get<int>() - 2) << l;
  }
  expect_free_is_capacity_minus_uses(s);

  EXPECT_EQ(get(s, "/api/requests/" + id, kAlice).body["status"], "held");
  const Reply conf = post(s, "/api/requests/" + id + "/confirm", kEng, "");
  ASSERT_EQ(conf.status, 200) << conf.text;
  EXPECT_EQ(conf.body["status"], "confirmed");
  auto committed = links_by_id(s);
  for (const auto& l : used) {
    EXPECT_EQ(committed[l]["held_pairs"].get<int>(), before.at(l)["held_pairs"].get<int>()) << l;
    EXPECT_EQ(committed[l]["committed_pairs"].get<int>(), before.at(l)["committed_pairs"].get<int>() + 2) << l;
  }
  expect_free_is_capacity_minus_uses(s);
  EXPECT_EQ(post(s, "/api/requests/" + id + "/confirm", kEng, "").status, 409) << "a confirmed request cannot be confirmed again";

  const Reply cancel = post(s, "/api/requests/" + id + "/cancel", kAlice, "");
  ASSERT_EQ(cancel.status, 200) << cancel.text;
  EXPECT_EQ(cancel.body["status"], "cancelled");
  auto after = links_by_id(s);
  for (const auto& [lid, l] : after) EXPECT_EQ(l["free_pairs"], before.at(lid)["free_pairs"]) << lid;

  // a second request, declined by the engineer: its pairs are released too
  const Reply second = post(s, "/api/requests", kAlice, kRequest);
  ASSERT_EQ(second.status, 201);
  EXPECT_NE(second.body["id"], id);
  EXPECT_EQ(post(s, "/api/requests/" + second.body["id"].get<std::string>() + "/decline", kEng, R"({"reason": "no budget this year"})").body["status"], "declined");
  for (const auto& [lid, l] : links_by_id(s)) EXPECT_EQ(l["free_pairs"], before.at(lid)["free_pairs"]) << lid;

  const Reply audit = get(s, "/api/requests/" + id + "/audit", kEng);
  ASSERT_EQ(audit.status, 200);
  ASSERT_EQ(audit.body.size(), 3u);
  EXPECT_EQ(audit.body[0]["action"], "submit");
  EXPECT_EQ(audit.body[0]["actor"], "alice");
  EXPECT_EQ(audit.body[1]["action"], "confirm");
  EXPECT_EQ(audit.body[1]["actor"], "eng");
  EXPECT_EQ(audit.body[2]["action"], "cancel");
  EXPECT_EQ(get(s, "/api/requests?status=declined", kEng).body["items"].size(), 1u);
  EXPECT_EQ(get(s, "/api/requests?status=cancelled", kAlice).body["items"].size(), 1u);
}

TEST_P(DeskApi, IdempotentResubmitGivesTheSameAnswerNotTwoRequests) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-idem", GetParam());
  const Reply a = post(s, "/api/requests", kAlice, kRequest, "key-1");
  const Reply b = post(s, "/api/requests", kAlice, kRequest, "key-1");
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 1);
  // the same key with another body is a conflict, and changes nothing
  const Reply c = post(s, "/api/requests", kAlice, R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 3})", "key-1");
  EXPECT_EQ(c.status, 409);
  EXPECT_EQ(c.body["error"]["field"], "Idempotency-Key");
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 1);
  // another requester's key space is their own
  EXPECT_EQ(post(s, "/api/requests", kBob, kRequest, "key-1").status, 201);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 2);
}

TEST_P(DeskApi, ExpiryReleasesTheHeldCapacity) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-expiry", GetParam());
  const auto before = links_by_id(s);
  const Reply sub = post(s, "/api/requests", kAlice, kRequest);
  ASSERT_EQ(sub.body["status"], "held");
  const std::string id = sub.body["id"];
  const double hold_days = bfc_scenario().params.desk.hold_days;
  s.now += std::int64_t(hold_days * 86400) - 60;  // a minute before the end: still held
  EXPECT_EQ(get(s, "/api/requests/" + id, kAlice).body["status"], "held");
  s.now += 60;
  EXPECT_EQ(get(s, "/api/requests/" + id, kAlice).body["status"], "expired");
  for (const auto& [lid, l] : links_by_id(s)) {
    EXPECT_EQ(l["free_pairs"], before.at(lid)["free_pairs"]) << lid;
    EXPECT_EQ(l["held_pairs"], 0) << lid;
  }
  EXPECT_EQ(post(s, "/api/requests/" + id + "/confirm", kEng, "").status, 409);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM allocations"), 0);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'expire'"), 1);
}

// Two held requests need the same planned links; the first one confirmed builds them, once:
// the second's confirmation builds only what is left, and a later request pays no build.
TEST_P(DeskApi, APlannedLinkIsBuiltOnceByTheFirstConfirmedRequest) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-build", GetParam());
  const Reply a = post(s, "/api/requests", kAlice, R"({"site": "nro:21-066", "destination": "dorsale", "pairs": 1})");
  const Reply b = post(s, "/api/requests", kBob, R"({"site": "nro:21-067", "destination": "dorsale", "pairs": 1})");
  ASSERT_EQ(a.body["decision"], "accept_with_works") << a.text;
  ASSERT_EQ(b.body["decision"], "accept_with_works") << b.text;
  std::set<std::string> planned_a, planned_b;
  for (const auto& [id, l] : links_by_id(s)) EXPECT_TRUE(l["built_by"].is_null()) << id << ": a hold builds nothing";
  const auto before = links_by_id(s);
  for (const auto& l : route_link_ids(a.body))
    if (!before.at(l)["built"].get<bool>()) planned_a.insert(l);
  for (const auto& l : route_link_ids(b.body))
    if (!before.at(l)["built"].get<bool>()) planned_b.insert(l);
  ASSERT_FALSE(planned_a.empty());
  std::vector<std::string> shared;
  std::set_intersection(planned_a.begin(), planned_a.end(), planned_b.begin(), planned_b.end(), std::back_inserter(shared));
  ASSERT_FALSE(shared.empty()) << "the two requests share planned links";
  ASSERT_EQ(post(s, "/api/requests/" + a.body["id"].get<std::string>() + "/confirm", kEng, "").status, 200);
  ASSERT_EQ(post(s, "/api/requests/" + b.body["id"].get<std::string>() + "/confirm", kEng, "").status, 200);
  const auto after = links_by_id(s);
  for (const auto& l : planned_a) {
    EXPECT_TRUE(after.at(l)["built"].get<bool>()) << l;
    EXPECT_EQ(after.at(l)["built_by"], a.body["id"]) << l << ": built by the first confirmed request";
  }
  for (const auto& l : planned_b)
    if (!planned_a.count(l)) {
      EXPECT_EQ(after.at(l)["built_by"], b.body["id"]) << l;
    }
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM links WHERE built_by IS NOT NULL"), (long long)(planned_a.size() + planned_b.size() - shared.size()));
  // the same site again: the links are there now, no build is quoted
  const Reply c = post(s, "/api/requests", kAlice, R"({"site": "nro:21-066", "destination": "dorsale", "pairs": 1})");
  EXPECT_EQ(c.body["decision"], "accept") << c.text;
  EXPECT_EQ(c.body["cost_eur"]["capex"].get<double>(), 0);
  EXPECT_LT(c.body["cost_eur"]["total"].get<double>(), a.body["cost_eur"]["total"].get<double>());
}

// The example queue submitted in order, each accepted request confirmed at once: the export
// is byte for byte what `dorsale interconnect` writes for the same queue.
TEST_P(DeskApi, ExportEqualsTheInterconnectCommandForTheSameSequence) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-export", GetParam());
  const auto& region = builtin_bfc();
  auto reqs = scenarios::parse_requests(scenarios::example_requests_text(), "example", false, region.network);
  std::string csv = scenarios::example_requests_text();
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const Reply r = post(s, "/api/import", kEng, header + "\n" + line + "\n");
    ASSERT_EQ(r.status, 201) << r.text;
    if (r.body[0]["status"] == "held") {
      ASSERT_EQ(post(s, "/api/requests/" + r.body[0]["id"].get<std::string>() + "/confirm", kEng, "").status, 200);
    }
  }
  const auto answered = planner::evaluate_requests(region, bfc_scenario().params, reqs, solvers::QueueMode::FirstCome, solvers::MipBackend::Glpk);
  const auto expected = viz::decisions_json(answered).dump(2) + "\n";
  auto c = s.client();
  auto exported = c.Get("/api/export/decisions.json", bearer(kEng));
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
  EXPECT_EQ(exported->body, expected);
  auto gpkg = c.Get("/api/export/routes.gpkg", bearer(kEng));
  ASSERT_TRUE(gpkg);
  EXPECT_EQ(gpkg->status, 200);
  EXPECT_EQ(gpkg->body.substr(0, 15), "SQLite format 3");
  // the accepted routes as GraceTHD t_ropt rows, as `interconnect --network` writes them (no t_fibre: one row per cable)
  auto ropt = c.Get("/api/export/t_ropt.csv", bearer(kEng));
  ASSERT_TRUE(ropt);
  EXPECT_EQ(ropt->status, 200);
  EXPECT_EQ(ropt->body, viz::ropt_csv(answered, {}));
  EXPECT_EQ(ropt->body.substr(0, 14), "rt_id;rt_code;");
  EXPECT_NE(ropt->body.find("fibres not known"), std::string::npos);
  // a requester's export holds only their own requests
  EXPECT_EQ(get(s, "/api/export/decisions.json", kAlice).body.size(), 0u);
}

// Every refused call: the status, the field named, and the register unchanged.
TEST_P(DeskApi, RefusedCallsNameTheFieldAndChangeNothing) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("api-access", GetParam());
  const Reply mine = post(s, "/api/requests", kAlice, kRequest);
  ASSERT_EQ(mine.status, 201);
  const std::string id = mine.body["id"];
  const std::string dump_sql =
      "SELECT (SELECT COUNT(*) FROM requests) * 1000000 + (SELECT COUNT(*) FROM audit) * 1000 + "
      "(SELECT COALESCE(SUM(pairs), 0) FROM allocations)";
  const long long before = s.sql(dump_sql);
  const std::string status_before = get(s, "/api/requests/" + id, kEng).text;
  auto c = s.client();
  auto no_token = c.Post("/api/requests", kRequest, "application/json");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401);
  EXPECT_EQ(post(s, "/api/requests", "not-a-token", kRequest).status, 401);
  EXPECT_EQ(get(s, "/api/requests", "").status, 401);
  const Reply other = get(s, "/api/requests/" + id, kBob);
  EXPECT_EQ(other.status, 404) << "another requester's request is answered as a missing one";
  EXPECT_EQ(other.body["error"]["field"], "id");
  EXPECT_EQ(post(s, "/api/requests/" + id + "/cancel", kBob, "").status, 404);
  EXPECT_EQ(post(s, "/api/requests/" + id + "/confirm", kAlice, "").status, 403) << "a requester does not decide";
  EXPECT_EQ(get(s, "/api/requests", kBob).body["total"], 0) << "a requester sees only their own";
  EXPECT_EQ(get(s, "/api/requests/nope", kEng).status, 404);
  const std::string big = R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 2, "requester": ")" + std::string(1 << 20, 'x') + "\"}";
  const Reply too_big = post(s, "/api/requests", kAlice, big);
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(too_big.body["error"]["field"], "body");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 2)", "body"},
      {R"([1, 2])", "body"},
      {R"({"site": "nro:99-999", "destination": "dorsale", "pairs": 2})", "site"},
      {R"({"site": "nro:25-010", "destination": "Atlantis", "pairs": 2})", "destination"},
      {R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 0})", "pairs"},
      {R"({"site": "nro:25-010", "destination": "dorsale", "pairs": -3})", "pairs"},
      {R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 2, "colour": "red"})", "colour"},
      {R"({"id": "../etc", "site": "nro:25-010", "destination": "dorsale", "pairs": 2})", "id"},
      {R"({"site": "nro:25-010", "destination": "dorsale", "pairs": 2, "submitted": "2019-02-30"})", "submitted"}};
  for (const auto& [body, field] : bad) {
    const Reply r = post(s, "/api/requests", kAlice, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body["error"]["field"], field) << body << " -> " << r.text;
  }
  EXPECT_EQ(post(s, "/api/import", kAlice, "id,site,destination,pairs,submitted\nX1,nro:25-010,dorsale,2,2019-01-01\nX2,nro:25-010,dorsale,0,2019-01-01\n").body["error"]["field"], "pairs");
  EXPECT_EQ(post(s, "/api/requests", kAlice, std::string(R"({"id": ")") + id + R"(", "site": "nro:25-010", "destination": "dorsale", "pairs": 2})").status, 409);
  EXPECT_EQ(get(s, "/api/requests?status=bogus", kEng).body["error"]["field"], "status");
  EXPECT_EQ(s.sql(dump_sql), before);
  EXPECT_EQ(get(s, "/api/requests/" + id, kEng).text, status_before);
}

// HttpApi::serve_connection (the fuzz target desk_http's way in): the bytes of one connected
// socket go through the server's own connection loop, edge checks and routes, in the calling
// thread, without a listener: kept-alive requests answered in order, a path that is not UTF-8
// refused with 400 before any handler, a missing token 401, the socket closed at the end.
TEST(DeskApiDirect, OneConnectionIsServedInTheCallingThreadLikeAnAcceptedOne) {
  const auto dir = fresh_dir("serve-connection");
  Parameters params = bfc_scenario().params;
  auto reg = service::make_sqlite_register((dir / "desk.sqlite").string());
  service::Desk desk(builtin_bfc(), params, *reg, [] { return std::int64_t(1780000000); });
  const auto tokens = test_tokens();
  service::HttpApi api(desk, tokens, 1 << 20, 1);
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  const std::string body = R"({"id":"D1","site":"nro:25-010","destination":"dorsale","pairs":2})";
  const std::string in = "GET /api/health HTTP/1.1\r\nHost: d\r\n\r\n"
                         "GET /api/requests/%FF HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer " + std::string(kAlice) + "\r\n\r\n"
                         "GET /api/whoami HTTP/1.1\r\nHost: d\r\n\r\n"
                         "POST /api/requests HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer " + std::string(kAlice) +
                         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(::send(sv[1], in.data(), in.size(), MSG_NOSIGNAL), ssize_t(in.size()));
  ::shutdown(sv[1], SHUT_WR);
  api.serve_connection(sv[0]);  // returns once the client's side is read and answered
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::recv(sv[1], buf, sizeof buf, 0)) > 0;) out.append(buf, std::size_t(n));
  ::close(sv[1]);
  std::vector<int> statuses;
  for (std::size_t at = out.find("HTTP/1.1 "); at != std::string::npos; at = out.find("HTTP/1.1 ", at + 1))
    statuses.push_back(std::atoi(out.c_str() + at + 9));
  EXPECT_EQ(statuses, (std::vector<int>{200, 400, 401, 201})) << out;
  EXPECT_NE(out.find("\"D1\""), std::string::npos) << out;
  reg->read([](service::RegisterTx&) {});  // the register is usable after the connection
  std::filesystem::remove_all(dir);
}

// GET /api/map (the register plays no part: one backend): the report's drawing of the desk's
// region (a département outline and name each, every point of presence named, scale bar, north
// arrow, the free-share legend), every link drawn once at its two nodes' positions, every node
// inside the viewBox; the same bytes on every call; a token needed.
TEST(DeskApiMap, IsTheReportsDrawingWithEveryLinkAtItsNodes) {
  DeskServer s("api-map");
  EXPECT_EQ(get(s, "/api/map", "bad-token").status, 401);
  const Reply r = get(s, "/api/map", kAlice);
  ASSERT_EQ(r.status, 200) << r.text.substr(0, 300);
  EXPECT_EQ(get(s, "/api/map", kEng).text, r.text);
  const Region& R = builtin_bfc();
  const std::string svg = r.body["svg"];
  const auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map desk-map\"", 0), 0u);
  EXPECT_EQ(count("<path class=\"dep-outline\" d="), R.departements.size());
  for (const auto& d : R.departements) EXPECT_NE(svg.find(">" + viz::html_escape(d.name) + "</text>"), std::string::npos) << d.name;
  std::size_t pops = 0;
  for (const auto& n : R.network.nodes())
    if (n.kind == NodeKind::DorsalePop) {
      ++pops;
      EXPECT_NE(svg.find("class=\"label pop-label\" x=", 0), std::string::npos);
      EXPECT_NE(svg.find(">" + viz::html_escape(n.name) + "</text>"), std::string::npos) << n.name;
    }
  EXPECT_GT(pops, 0u);
  EXPECT_EQ(count("class=\"label pop-label\""), pops);
  EXPECT_EQ(count("<g class=\"scale-bar\">"), 1u);
  EXPECT_EQ(count("<g class=\"north-arrow\">"), 1u);
  EXPECT_EQ(count("<g class=\"routes\"></g>"), 1u);
  // the legend: one swatch per class, as the JSON gives them, and the no-pairs grey
  const auto& classes = viz::free_share_classes();
  ASSERT_EQ(r.body["classes"].size(), classes.size());
  std::set<std::string> fills;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    EXPECT_EQ(r.body["classes"][k]["colour"], classes[k].colour);
    EXPECT_NE(svg.find("fill=\"" + classes[k].colour + "\" stroke=\"#444\" stroke-width=\".3\"/><text x="), std::string::npos) << classes[k].label;
    EXPECT_NE(svg.find(">" + viz::html_escape(classes[k].label) + "</text>"), std::string::npos);
    fills.insert(classes[k].colour);
  }
  fills.insert(r.body["no_pairs"]["colour"].get<std::string>());
  EXPECT_EQ(fills.size(), classes.size() + 1) << "two classes share a colour";
  EXPECT_EQ(count("class=\"legend-swatch\""), classes.size() + 1);
  // the nodes' positions, then every link's line between its two nodes'
  ASSERT_EQ(r.body["nodes"].size(), R.network.nodes().size());
  std::map<std::string, std::pair<double, double>> at;
  for (const auto& n : r.body["nodes"]) at[n["id"]] = {n["x"].get<double>(), n["y"].get<double>()};
  std::smatch vb;
  ASSERT_TRUE(std::regex_search(svg, vb, std::regex("viewBox=\"(-?[0-9.]+) (-?[0-9.]+) ([0-9.]+) ([0-9.]+)\"")));
  const double x0 = std::stod(vb[1]), y0 = std::stod(vb[2]), w = std::stod(vb[3]), h = std::stod(vb[4]);
  for (const auto& n : R.network.nodes()) {
    ASSERT_TRUE(at.count(n.id)) << n.id;
    const auto [x, y] = at[n.id];
    EXPECT_NEAR(x, n.pos.x / 1000.0, 1e-9) << n.id;
    EXPECT_NEAR(y, -n.pos.y / 1000.0, 1e-9) << n.id;
    EXPECT_TRUE(x > x0 && x < x0 + w && y > y0 && y < y0 + h) << n.id << " outside the viewBox";
  }
  const std::regex line_re("<line class=\"link[^\"]*\" data-id=\"([^\"]*)\" x1=\"(-?[0-9.]+)\" y1=\"(-?[0-9.]+)\" x2=\"(-?[0-9.]+)\" y2=\"(-?[0-9.]+)\"");
  std::map<std::string, int> drawn;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line_re); it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    ++drawn[id];
    const Link* link = nullptr;
    for (const auto& l : R.network.links())
      if (viz::html_escape(l.id) == id) link = &l;
    ASSERT_NE(link, nullptr) << id;
    const auto& a = R.network.node(link->a);
    const auto& b = R.network.node(link->b);
    EXPECT_NEAR(std::stod((*it)[2]), at[a.id].first, 0.006) << id;
    EXPECT_NEAR(std::stod((*it)[3]), at[a.id].second, 0.006) << id;
    EXPECT_NEAR(std::stod((*it)[4]), at[b.id].first, 0.006) << id;
    EXPECT_NEAR(std::stod((*it)[5]), at[b.id].second, 0.006) << id;
  }
  EXPECT_EQ(drawn.size(), R.network.links().size());
  for (const auto& [id, n] : drawn) EXPECT_EQ(n, 1) << id;
}

// The free-share classes are ordered, end at 1 and tell apart in lightness (what a colour-blind
// reader still sees): the relative luminance of each class rises by a clear step, and the
// no-pairs grey differs from every class in colour.
TEST(DeskApiMap, FreeShareClassesAreOrderedAndDistinctInLightness) {
  const auto& k = viz::free_share_classes();
  ASSERT_GE(k.size(), 3u);
  const auto luminance = [](const std::string& hex) {
    const auto channel = [&](int at) {
      const double c = std::stoi(hex.substr(std::size_t(at), 2), nullptr, 16) / 255.0;
      return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  };
  for (std::size_t i = 0; i < k.size(); ++i) {
    EXPECT_EQ(viz::free_share_class(k[i].to), i) << k[i].label;
    if (i == 0) continue;
    EXPECT_GT(k[i].to, k[i - 1].to);
    EXPECT_GT(luminance(k[i].colour), luminance(k[i - 1].colour) + 0.05) << k[i - 1].label << " / " << k[i].label;
    EXPECT_EQ(viz::free_share_class((k[i].to + k[i - 1].to) / 2), i);
  }
  EXPECT_EQ(k.back().to, 1.0);
  EXPECT_EQ(viz::free_share_class(0.0), 0u);
  EXPECT_EQ(viz::free_share_class(2.0), k.size() - 1);
  for (const auto& c : k) EXPECT_NE(c.colour, viz::kNoPairsColour);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
