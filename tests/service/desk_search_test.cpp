// The register's speed work (issue #25 item 7) kept honest, on both registers: a search of 1 or
// 2 characters (no trigram index serves it) finds exactly what a plain scan finds, every match
// once across pages, and its total is exact unless the register has more requests than
// desk.search_sample_rows (then flagged as an estimate); the desk's own ids skip the ids a
// requester took, also when another desk instance took one between two submissions; holds
// still expire when the batches stop looking for them at every write.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

using nlohmann::json;

class DeskSearch : public ::testing::TestWithParam<std::string> {};

constexpr long kSample = 12;  // desk.search_sample_rows of these tests

DeskServer server(const std::string& name, const std::string& backend, const std::string& pg_url = "") {
  return DeskServer(name, backend, pg_url, [](Parameters& p) { p.desk.search_sample_rows = kSample; });
}

std::string lower(std::string v) {
  for (char& ch : v) ch = char(std::tolower((unsigned char)ch));
  return v;
}

std::string encoded(const std::string& q) {
  std::string enc;
  for (unsigned char ch : q) enc += std::isalnum(ch) ? std::string(1, char(ch)) : fmt::format("%{:02X}", ch);
  return enc;
}

// What a plain scan of every request finds for q: ids whose id, requester, site or destination
// holds q (ASCII case aside).
std::set<std::string> scan(const std::vector<json>& all, const std::string& q) {
  std::set<std::string> out;
  for (const auto& it : all) {
    const json& r = it["request"];
    for (const std::string& f : {it["id"].get<std::string>(), r["requester"].get<std::string>(), r["site"].get<std::string>(),
                                r["destination"].get<std::string>()})
      if (lower(f).find(lower(q)) != std::string::npos) out.insert(it["id"]);
  }
  return out;
}

// 1- and 2-character searches on a register of 40 + 5 requests, more than the sample of 12:
// the pages hold exactly the scan's matches, each once, whatever the page size and order; the
// total is flagged as an estimate, is never less than what the first page shows, and is exact
// for a search every request matches (the sample's share is 1); a requester's own 5 requests
// (fewer than the sample) and a search of 3 characters are counted exactly.
TEST_P(DeskSearch, ShortSearchesFindWhatAScanFindsAndOnlyTheirTotalIsEstimated) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s = server("search-short", GetParam());
  import_requests(s, 0, 40);
  for (int k = 0; k < 5; ++k)
    ASSERT_EQ(post(s, "/api/requests", kAlice, json{{"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}}.dump()).status, 201);
  const auto all = all_pages(s, kEng, "limit=50&sort=submitted&order=asc");
  ASSERT_EQ(all.size(), 45u);
  for (const std::string q : {"e", "E", "r0", "25", "ly", "-0", "d0", "z", "9", "x", "\xC3\xA8" /* è */, "n"}) {
    const std::set<std::string> expected = scan(all, q);
    for (const std::string paging : {"limit=4", "limit=7&sort=id", "limit=3&sort=submitted&order=asc"}) {
      json first;
      const auto found = all_pages(s, kEng, paging + "&q=" + encoded(q), {}, &first);
      std::map<std::string, int> seen;
      for (const auto& it : found) ++seen[it["id"].get<std::string>()];
      for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << q << " " << paging << ": " << id << " seen twice";
      std::set<std::string> ids;
      for (const auto& it : found) ids.insert(it["id"].get<std::string>());
      EXPECT_EQ(ids, expected) << q << " " << paging;
      EXPECT_EQ(found.size(), expected.size()) << q << " " << paging;
      EXPECT_TRUE(first["total_is_estimate"].get<bool>()) << q << ": 45 requests, a sample of " << kSample;
      EXPECT_GE(first["total"].get<std::int64_t>(), std::int64_t(first["items"].size())) << q;
      if (expected.size() == all.size()) EXPECT_EQ(first["total"], all.size()) << q << ": every request matches";
    }
  }
  // a requester's own (5, fewer than the sample): exact
  json mine;
  const auto own = all_pages(s, kAlice, "limit=2&q=d0", {}, &mine);
  EXPECT_EQ(own.size(), 5u);
  EXPECT_EQ(mine["total"], 5);
  EXPECT_FALSE(mine["total_is_estimate"].get<bool>());
  // 3 characters and more (the trigram indexes) and no search: exact
  for (const std::string q : {"jura", "nro", "R01", ""}) {
    json first;
    const auto found = all_pages(s, kEng, "limit=6&q=" + encoded(q), {}, &first);
    EXPECT_FALSE(first["total_is_estimate"].get<bool>()) << q;
    EXPECT_EQ(first["total"], scan(all, q).size()) << q;
    EXPECT_EQ(found.size(), scan(all, q).size()) << q;
  }
}

// The desk's ids: D and the next arrival number, or the first number after it that no request
// has; a requester may take such an id (D000003 here), and another desk instance on the same
// PostgreSQL register may take one between two of this desk's submissions (D000007).
TEST_P(DeskSearch, DeskIdsSkipTheIdsRequestersTook) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s = server("search-ids", GetParam());
  const std::string body = json{{"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}}.dump();
  const auto submit = [&](const DeskServer& on, const std::string& b) {
    const Reply r = post(on, "/api/requests", kAlice, b);
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["id"].get<std::string>();
  };
  std::vector<std::string> ids;
  ids.push_back(submit(s, body));  // D000001
  ids.push_back(submit(s, json{{"id", "D000003"}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}}.dump()));
  ids.push_back(submit(s, body));  // the 3rd arrival: D000003 is taken, D000004
  ids.push_back(submit(s, body));  // the 4th: D000004 is taken, D000005
  EXPECT_EQ(ids, (std::vector<std::string>{"D000001", "D000003", "D000004", "D000005"}));
  if (GetParam() == "postgresql") {
    DeskServer other = server("search-ids-2", GetParam(), s.pg_url());
    EXPECT_EQ(submit(other, json{{"id", "D000007"}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}}.dump()), "D000007");
    EXPECT_EQ(submit(s, body), "D000006");  // the 6th arrival
    EXPECT_EQ(submit(s, body), "D000008") << "the id the other instance took is skipped";
  }
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
}

// A hold ends while the desk keeps writing: the first write after its end expires it (the
// batches look for expired holds only once the earliest hold is due), and a read after its
// end shows it expired too.
TEST_P(DeskSearch, HoldsExpireWhenDueThoughBatchesLookOnlyThen) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s = server("search-expire", GetParam());
  const auto submit = [&](const std::string& id) {
    const Reply r = post(s, "/api/requests", kEng, json{{"id", id}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 1}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["status"].get<std::string>();
  };
  ASSERT_EQ(submit("H1"), "held");
  const std::int64_t hold_s = std::int64_t(bfc_scenario().params.desk.hold_days * 86400);
  s.now += hold_s / 2;
  ASSERT_EQ(submit("H2"), "held");
  s.now += hold_s / 2 + 1;  // H1's hold ended, H2's not
  submit("H3");
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests WHERE id = 'H1' AND status = 'expired'"), 1) << "expired by the next write";
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests WHERE id = 'H2' AND status = 'held'"), 1);
  s.now += hold_s / 2;  // H2's ended: a read shows it expired before any write
  EXPECT_EQ(get(s, "/api/requests/H2", kEng).body["status"], "expired");
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'expire'"), 2);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskSearch, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
