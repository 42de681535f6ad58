// 8 client threads x 100 requests competing for the same links, some confirmed or cancelled
// as they go: afterwards, checked with SQL on the register, no link holds or commits more
// pairs than its capacity, no allocation belongs to a request that holds nothing, and every
// accepted answer is in the register with the status it was last given.
#include <map>
#include <mutex>
#include <random>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

using nlohmann::json;

class DeskConcurrency : public ::testing::TestWithParam<std::string> {};

// Sites in the Doubs and the Jura: their routes to the Dorsale share the same few links.
std::vector<std::string> competing_sites(const DeskServer& s) {
  std::vector<std::string> out;
  const json net = get(s, "/api/network", kEng).body;
  for (const auto& n : net["nodes"]) {
    const std::string id = n["id"];
    if (id.rfind("nro:25-", 0) == 0 || id.rfind("nro:39-", 0) == 0) out.push_back(id);
  }
  return out;
}

TEST_P(DeskConcurrency, EightClientsCompetingNeverOverbookALink) {
  DORSALE_REQUIRE_BACKEND(GetParam());
  DeskServer s("concurrency", GetParam());
  const auto sites = competing_sites(s);
  ASSERT_GE(sites.size(), 4u);
  std::mutex mu;
  std::map<std::string, std::string> last_status;  // id -> status of its last 2xx answer
  int answered = 0, rejected = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      const std::string token = t % 2 ? kAlice : kBob;
      for (int k = 0; k < 100; ++k) {
        const json body = {{"site", sites[rng() % sites.size()]}, {"destination", "dorsale"}, {"pairs", 4 + int(rng() % 13)}};
        const Reply r = post(s, "/api/requests", token, body.dump(), fmt::format("t{}-{}", t, k));
        ASSERT_EQ(r.status, 201) << r.text;
        std::string id = r.body["id"], status = r.body["status"];
        if (status == "held" && rng() % 3 == 0) {
          const Reply d = post(s, "/api/requests/" + id + (rng() % 2 ? "/confirm" : "/cancel"), kEng, "");
          ASSERT_EQ(d.status, 200) << d.text;
          status = d.body["status"];
        }
        std::lock_guard lock(mu);
        last_status[id] = status;
        ++answered;
        rejected += status == "rejected";
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(answered, 800);
  EXPECT_GT(rejected, 0) << "the requests must compete: some are refused for lack of pairs";
  EXPECT_LT(rejected, 800);
  EXPECT_EQ(s.sql(kOverbookedLinks), 0);
  EXPECT_EQ(s.sql(kStrayAllocations), 0);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests"), 800);
  for (const auto& [id, status] : last_status)
    EXPECT_EQ(s.sql("SELECT COUNT(*) FROM requests WHERE id = '" + id + "' AND status = '" + status + "'"), 1) << id;
  // the saturated links are exactly full somewhere: the competition reached capacity
  EXPECT_GT(s.sql("SELECT COUNT(*) FROM links l JOIN (SELECT link, SUM(pairs) AS p FROM allocations GROUP BY link) a "
                               "ON a.link = l.idx WHERE l.capacity - a.p < 17"), 0);
}

// Two desk instances sharing one PostgreSQL register, 4 clients each on the same links: the
// advisory lock orders their transactions, so neither overbooks what the other holds.
TEST(DeskConcurrencyShared, TwoInstancesOnOnePostgresqlRegisterNeverOverbook) {
  DORSALE_REQUIRE_BACKEND(std::string("postgresql"));
  DeskServer first("shared-1", "postgresql");
  DeskServer second("shared-2", "postgresql", first.pg_url());
  const auto sites = competing_sites(first);
  ASSERT_GE(sites.size(), 4u);
  std::atomic<int> answered{0}, rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const DeskServer& s = t % 2 ? first : second;
      std::mt19937 rng(2000 + t);
      for (int k = 0; k < 50; ++k) {
        const json body = {{"site", sites[rng() % sites.size()]}, {"destination", "dorsale"}, {"pairs", 4 + int(rng() % 13)}};
        const Reply r = post(s, "/api/requests", kAlice, body.dump());
        ASSERT_EQ(r.status, 201) << r.text;
        ++answered;
        rejected += r.body["status"] == "rejected";
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(answered, 400);
  EXPECT_GT(rejected, 0) << "the two instances compete for the same pairs";
  EXPECT_EQ(first.sql(kOverbookedLinks), 0);
  EXPECT_EQ(first.sql(kStrayAllocations), 0);
  EXPECT_EQ(first.sql("SELECT COUNT(*) FROM requests"), 400);
  EXPECT_EQ(get(first, "/api/requests", kEng).body["total"], 400) << "each instance sees the other's requests";
  EXPECT_EQ(get(second, "/api/links", kEng).body, get(first, "/api/links", kEng).body);
}

INSTANTIATE_TEST_SUITE_P(Register, DeskConcurrency, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
