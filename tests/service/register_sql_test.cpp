// The registers' one SQL text (io/register_sql.h) on both stores: reads are read transactions
// that answer while a write transaction is held open, and every value goes as a parameter
// (an id with a quote and a backslash round-trips unchanged).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "desk_fixture.h"
#include "io/register_sql.h"

namespace dorsale::test {
namespace {

class RegisterSql : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && !PgCluster::instance().ok()) {
      if (std::getenv("CI")) FAIL() << "CI is set but PostgreSQL: " << PgCluster::instance().why();
      GTEST_SKIP() << "PostgreSQL: " << PgCluster::instance().why();
    }
    if (GetParam() == "postgresql") {
      reg_ = service::make_pg_register(PgCluster::instance().new_database());
    } else {
      dir_ = fresh_dir("register-sql");
      reg_ = service::make_sqlite_register((dir_ / "r.sqlite").string());
    }
    reg_->open({{0, "L0", 10, 0, 0, ""}, {1, "L1", 4, 0, 0, ""}});
  }
  void TearDown() override {
    reg_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  static service::StoredRequest request(const std::string& id, service::RequestStatus status) {
    service::StoredRequest r;
    r.id = id;
    r.owner = "o'wner\\";
    r.body_sha256 = "x";
    r.request_json = nlohmann::json{{"id", id}, {"requester", "Jura 'Fibre' \\ co"}, {"site", "nro:39-003"}, {"destination", "dorsale"}}.dump();
    r.status = status;
    r.decision = "accept";
    r.evaluation_json = "{}";
    r.hold_expires = status == service::RequestStatus::Held ? 2000000000 : 0;
    r.created = r.updated = 100;
    return r;
  }
  std::filesystem::path dir_;
  std::unique_ptr<service::Register> reg_;
};

// A read started while another thread holds a write transaction open (it has inserted a
// request and waits on a latch the read releases) answers at once from the last commit: it is
// not queued behind the writer. Bounded: the writer waits at most 60 s for the read (a read
// that waited for the writer would never finish before that), and the test checks which came
// first, not how long anything took.
TEST_P(RegisterSql, AReadAnswersWhileAWriteTransactionIsHeldOpen) {
  reg_->write([&](service::RegisterTx& tx) { tx.insert(request("R1", service::RequestStatus::Held), {{0, 2}}); });
  std::promise<void> writer_holds, read_done;
  auto read_done_f = read_done.get_future();
  std::atomic<bool> read_while_held{false};
  std::thread writer([&] {
    reg_->write([&](service::RegisterTx& tx) {
      tx.insert(request("R2", service::RequestStatus::Held), {{1, 3}});
      tx.audit({100, "w", "submit", "R2", "held", ""});
      writer_holds.set_value();
      // the transaction stays open until the read is done (or 60 s: the read hung)
      read_while_held = read_done_f.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
    });
  });
  writer_holds.get_future().wait();
  std::int64_t seen = -1, held_on_l1 = -1;
  std::optional<service::StoredRequest> r1;
  reg_->read([&](service::RegisterTx& tx) {
    service::ListQuery q;
    q.limit = 0;
    seen = tx.count(q);
    r1 = tx.get("R1");
    held_on_l1 = tx.links().at(1).held_pairs;
  });
  read_done.set_value();
  writer.join();
  EXPECT_TRUE(read_while_held) << "the read waited for the write transaction to end";
  EXPECT_EQ(seen, 1) << "the read sees the last commit, not the open transaction's insert";
  ASSERT_TRUE(r1);
  EXPECT_EQ(held_on_l1, 0);
  // and the write committed once released
  reg_->read([&](service::RegisterTx& tx) {
    service::ListQuery q;
    q.limit = 0;
    EXPECT_EQ(tx.count(q), 2);
    EXPECT_EQ(tx.links().at(1).held_pairs, 3);
  });
}

// Every value is a parameter: text with quotes, backslashes, $1, ? and SQL in it is stored and
// found unchanged by every statement that takes it (insert, get, list, status, audit, search).
TEST_P(RegisterSql, QuotesAndBackslashesRoundTrip) {
  const std::string id = "O'Brien\\x'; DROP TABLE requests; --$1?";
  const std::string reason = "it's \\ \"quoted\" $2 ?";
  reg_->write([&](service::RegisterTx& tx) {
    tx.insert(request(id, service::RequestStatus::Held), {{0, 1}, {1, 1}});
    tx.audit({100, "o'wner\\", "submit", id, "accept -> held", reason});
  });
  reg_->write([&](service::RegisterTx& tx) { tx.set_status(id, service::RequestStatus::Confirmed, 200); });
  reg_->write([&](service::RegisterTx& tx) { tx.mark_built(1, id); });
  reg_->read([&](service::RegisterTx& tx) {
    const auto r = tx.get(id);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, id);
    EXPECT_EQ(r->owner, "o'wner\\");
    EXPECT_EQ(r->status, service::RequestStatus::Confirmed);
    EXPECT_EQ(nlohmann::json::parse(r->request_json)["requester"], "Jura 'Fibre' \\ co");
    const auto mine = tx.list("o'wner\\", service::RequestStatus::Confirmed);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].id, id);
    const auto log = tx.audit_log(id);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].reason, reason);
    EXPECT_EQ(log[0].actor, "o'wner\\");
    EXPECT_EQ(tx.links().at(0).committed_pairs, 1);
    EXPECT_EQ(tx.links().at(1).built_by, id);
    for (const std::string q : {"'", "\\", "o'b", "brien\\x'", "fibre' \\"}) {  // short and long searches
      service::ListQuery lq;
      lq.q = q;
      const auto page = tx.page(lq);
      ASSERT_EQ(page.size(), 1u) << q;
      EXPECT_EQ(page[0].id, id) << q;
      EXPECT_EQ(tx.count(lq), 1) << q;
    }
    service::ListQuery none;
    none.q = "'x";
    EXPECT_EQ(tx.count(none), 0);
    service::ListQuery after;  // keyset paging by id past the only row
    after.sort = service::SortKey::Id;
    after.desc = false;
    after.after = true;
    after.after_key = id;
    EXPECT_TRUE(tx.page(after).empty());
  });
}

// The one SQL text: every statement takes $n parameters, none is assembled with a value.
TEST(RegisterSqlText, StatementsUseNumberedParametersOnly) {
  namespace sql = io::register_sql;
  service::ListQuery q;
  q.owner = "a'b";
  q.status = service::RequestStatus::Held;
  q.q = "x'y";
  q.sort = service::SortKey::Updated;
  q.after = true;
  q.after_key = "5";
  q.after_seq = 3;
  q.offset = 7;
  for (const auto d : {sql::Dialect::Sqlite, sql::Dialect::Postgres}) {
    const auto p = sql::page_sql(q, d, false);
    EXPECT_EQ(p.sql.find("a'b"), std::string::npos) << p.sql;
    EXPECT_EQ(p.sql.find("x'y"), std::string::npos) << p.sql;
    EXPECT_EQ(p.sql.find('?'), std::string::npos) << p.sql;
    EXPECT_NE(p.sql.find("$" + std::to_string(p.args.size())), std::string::npos) << p.sql;
  }
  EXPECT_NE(sql::schema(sql::Dialect::Sqlite).find("AUTOINCREMENT"), std::string::npos);
  EXPECT_NE(sql::schema(sql::Dialect::Postgres).find("BIGSERIAL"), std::string::npos);
  EXPECT_EQ(sql::schema(sql::Dialect::Postgres).find("{serial}"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Register, RegisterSql, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dorsale::test
