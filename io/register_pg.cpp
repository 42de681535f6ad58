// The PostgreSQL register (libpq): the same tables and statements as the SQLite one (the one
// SQL text of io/register_sql.h), for a desk whose register several instances share. A write
// transaction first takes one transaction-level advisory lock, so evaluations of every
// instance see each other's holds in order (the same exclusivity as SQLite's BEGIN IMMEDIATE);
// COMMIT returns once the WAL is flushed (synchronous_commit on, PostgreSQL's default, set
// explicitly for the session). Every statement takes its values as parameters ($1, $2, ...),
// prepared once per connection. Writes whose answer nobody reads wait and go together in one
// round trip (libpq's pipeline mode). Reads run on connections of their own, in READ ONLY
// transactions: they never wait for the write connection.
#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "io/desk_spelling.h"
#include "io/register_pg_conn.h"
#include "io/register_sql.h"
#include "models/error.h"
#include "io/register.h"

namespace dorsale::service {

namespace {

namespace sql = io::register_sql;

constexpr long long kDeskLock = 7301913;  // the advisory lock every desk instance takes to write

using namespace pg_register;  // the connection and its statements (io/register_pg_conn.h)

// A status as the register spells it; another text is a register this desk cannot read.
RequestStatus status_of(const std::string& text) {
  const auto s = io::status_from(text);
  if (!s) throw std::runtime_error("register: '" + text + "' is not a request status");
  return *s;
}

StoredRequest row_request(const Result& q, int k) {
  StoredRequest r;
  r.id = q.s(k, 0);
  r.seq = q.i(k, 1);
  r.owner = q.s(k, 2);
  r.idem_key = q.s(k, 3);
  r.body_sha256 = q.s(k, 4);
  r.request_json = q.s(k, 5);
  r.status = status_of(q.s(k, 6));
  r.decision = q.s(k, 7);
  r.evaluation_json = q.s(k, 8);
  r.hold_expires = q.i(k, 9);
  r.created = q.i(k, 10);
  r.updated = q.i(k, 11);
  return r;
}

std::vector<StoredRequest> rows_of(const Result& res) {
  std::vector<StoredRequest> out;
  for (int k = 0; k < res.rows(); ++k) out.push_back(row_request(res, k));
  return out;
}

std::optional<StoredRequest> first_of(const Result& res) {
  if (res.empty()) return std::nullopt;
  return row_request(res, 0);
}

// What a desk keeps from one write transaction to the next while no other desk instance wrote
// the register (desk_version unchanged; emptied when another did, or a transaction failed).
struct Kept {
  std::optional<std::set<std::string>> hooked;  // the organisations with a webhook
  // desk ids checked against the register at once (one statement for kDeskIdWindow numbers),
  // and those of them a request has
  std::set<std::string> window, taken;
};
constexpr std::int64_t kDeskIdWindow = 64;

class PgTx : public RegisterTx {
 public:
  // max_seq: the highest seq when the transaction began (read with the lock)
  PgTx(Conn& c, bool others, bool read_only, Kept& kept, std::int64_t max_seq = 0)
      : c_(c), others_(others), read_only_(read_only), kept_(kept), max_seq_(max_seq) {
    // a read transaction begins with its first statement, in the same round trip
    if (read_only_) pending_.push_back(call("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  }
  // The end of a read transaction: COMMIT (its answer read by the connection's next user),
  // unless nothing was sent (then nothing began).
  void end_read() {
    if (!pending_.empty()) pending_.clear();
    else if (!c_.send_commit()) throw PgError(std::string("register: the connection was lost: ") + PQerrorMessage(c_.raw()));
  }
  bool others_wrote() override { return others_; }

  // Writes whose answer nobody reads (the audit, a notice, allocations, a status) are not sent
  // one round trip each: they wait and go in one pipeline with the next read, at the end of
  // the job's savepoint or before the commit (each statement one round trip made PostgreSQL
  // ~3x slower than SQLite per submission).
  std::vector<Result> flush(std::vector<Call> more = {}) {
    std::vector<Call> all;
    all.swap(pending_);
    for (auto& m : more) all.push_back(std::move(m));
    savepoint_pending_ = false;
    inserts_pending_ = false;
    std::vector<Result> out = c_.pipeline(all);
    for (std::size_t k = 0; k < all.size() && k < out.size(); ++k)
      if (all[k].returns_seq) max_seq_ = std::max(max_seq_, out[k].i(0, 0));
    return out;
  }
  // What waits, the version bumped when anything was written, and COMMIT, in one round trip
  // (returns once the commit is durable); the version's new value, else -1.
  std::int64_t commit() {
    if (!wrote_) {
      flush({call("COMMIT")});
      return -1;
    }
    const auto r = flush({call("UPDATE desk_version SET v = v + 1 RETURNING v"), call("COMMIT")});
    return r.at(r.size() - 2).i(0, 0);
  }

  std::vector<LinkRow> links() override {
    Result res;
    if (links_ahead_) res = *std::exchange(links_ahead_, std::nullopt);
    else res = x(call(sql::kLinks));
    std::vector<LinkRow> out;
    for (int k = 0; k < res.rows(); ++k)
      out.push_back({int(res.i(k, 0)), res.s(k, 1), int(res.i(k, 2)), int(res.i(k, 3)), int(res.i(k, 4)), res.s(k, 5)});
    return out;
  }
  std::optional<StoredRequest> get(const std::string& id) override { return first_of(x(call(sql::kGetRequest, id))); }
  std::optional<StoredRequest> by_idempotency_key(const std::string& owner, const std::string& key) override {
    return first_of(x(call(sql::kByIdempotency, owner, key)));
  }
  std::vector<StoredRequest> list(const std::string& owner, std::optional<RequestStatus> status) override {
    return rows_of(x(call(sql::kListRequests, owner, status ? io::status_key(*status) : "")));
  }
  std::vector<StoredRequest> page(const ListQuery& lq) override {
    const sql::PageSql p = sql::page_sql(lq, sql::Dialect::Postgres, false);
    return rows_of(x({std::string("SELECT ") + sql::kRequestColumns + " FROM requests" + p.sql, p.args}));
  }
  std::int64_t count(const ListQuery& lq) override {
    const sql::PageSql p = sql::page_sql(lq, sql::Dialect::Postgres, true);
    return x({"SELECT COUNT(*) FROM requests" + p.sql, p.args}).i(0, 0);
  }
  ListTotal total(const ListQuery& lq, std::int64_t sample_rows) override {
    const sql::TotalSql t = sql::total_sql(lq, sql::Dialect::Postgres, sample_rows);
    return total_of(t, x({t.page.sql, t.page.args}), sample_rows);
  }
  std::pair<std::vector<StoredRequest>, ListTotal> page_and_total(const ListQuery& page_q, const ListQuery& total_q,
                                                                  std::int64_t sample_rows) override {
    const sql::PageSql p = sql::page_sql(page_q, sql::Dialect::Postgres, false);
    const sql::TotalSql t = sql::total_sql(total_q, sql::Dialect::Postgres, sample_rows);
    auto r = flush({{std::string("SELECT ") + sql::kRequestColumns + " FROM requests" + p.sql, p.args}, {t.page.sql, t.page.args}});
    return {rows_of(r.at(r.size() - 2)), total_of(t, r.back(), sample_rows)};
  }
  std::int64_t next_hold_expiry() override { return x(call(sql::kNextHoldExpiry)).i(0, 0); }
  Usage usage(const std::string& owner, std::int64_t since) override {
    const Result q = x(call(sql::kUsage, owner, since));
    return {q.i(0, 0), q.i(0, 1), q.i(0, 2)};
  }
  std::vector<StoredRequest> expired_holds(std::int64_t now) override {
    if (!read_only_) return rows_of(x(call(sql::kExpiredHolds, now)));
    // a read looks for ended holds and then reads the links (service::Desk::read): both in one
    // round trip, the links kept for links()
    auto r = flush({call(sql::kExpiredHolds, now), call(sql::kLinks)});
    links_ahead_ = r.back();
    return rows_of(r.at(r.size() - 2));
  }
  std::int64_t insert(const StoredRequest& r, const std::vector<Allocation>& alloc) override {
    // sent with the job's other writes (one round trip at the job's end): its seq is not read
    Call ins = call(sql::kInsertRequest, r.id, r.owner, r.idem_key, r.body_sha256, r.request_json, io::status_key(r.status), r.decision,
                    r.evaluation_json, r.hold_expires, r.created, r.updated, sql::search_text(r.id, r.request_json));
    ins.returns_seq = true;  // read when it is sent: the highest seq, for the next desk id
    later(std::move(ins));
    inserts_pending_ = true;
    if (kept_.window.count(r.id)) kept_.taken.insert(r.id);
    if (!alloc.empty()) {  // one statement for them all (each statement costs the server more than a row)
      Call a{sql::insert_allocations_sql(alloc.size()), {r.id, "", "", r.status == RequestStatus::Confirmed ? "committed" : "held"}};
      a.args[1] = std::to_string(alloc[0].link);
      a.args[2] = std::to_string(alloc[0].pairs);
      for (std::size_t k = 1; k < alloc.size(); ++k) {
        a.args.push_back(std::to_string(alloc[k].link));
        a.args.push_back(std::to_string(alloc[k].pairs));
      }
      later(std::move(a));
    }
    return 0;
  }
  // MAX(seq) + 1 without a round trip: the highest seq was read with the lock and each insert
  // since returned its own (the lock keeps other writers out)
  std::int64_t next_number() override {
    if (inserts_pending_) flush();
    return max_seq_ + 1;
  }
  // The desk ids from next_number() on are checked kDeskIdWindow at a time (one statement),
  // and the answer kept while this desk is the register's only writer.
  std::string next_desk_id() override {
    for (std::int64_t n = next_number();; ++n) {
      const std::string id = desk_id(n);
      if (!kept_.window.count(id)) {
        Call q{sql::ids_taken_sql(std::size_t(kDeskIdWindow)), {}};
        for (std::int64_t k = 0; k < kDeskIdWindow; ++k) q.args.push_back(desk_id(n + k));
        const Result res = x(q);
        kept_.window = std::set<std::string>(q.args.begin(), q.args.end());
        kept_.taken.clear();
        for (int k = 0; k < res.rows(); ++k) kept_.taken.insert(res.s(k, 0));
      }
      if (!kept_.taken.count(id)) return id;
    }
  }
  void set_status(const std::string& id, RequestStatus status, std::int64_t now) override {
    later(call(sql::kSetStatus, io::status_key(status), now, id));
    if (status == RequestStatus::Confirmed) later(call(sql::kCommitAllocations, id));
    else if (status != RequestStatus::Held) later(call(sql::kReleaseAllocations, id));
  }
  void mark_built(int link, const std::string& request_id) override { later(call(sql::kMarkBuilt, request_id, link)); }
  void audit(const AuditEntry& e) override { later(call(sql::kInsertAudit, e.at, e.actor, e.action, e.request_id, e.detail, e.reason)); }
  std::vector<AuditEntry> audit_log(const std::string& request_id) override {
    const Result res = request_id.empty() ? x(call(sql::kAuditAll)) : x(call(sql::kAuditOf, request_id));
    std::vector<AuditEntry> out;
    for (int k = 0; k < res.rows(); ++k) out.push_back({res.i(k, 0), res.s(k, 1), res.s(k, 2), res.s(k, 3), res.s(k, 4), res.s(k, 5)});
    return out;
  }
  void set_webhook(const Webhook& w) override {
    wrote_ = true;
    x(call(sql::kSetWebhook, w.organisation, w.url, w.secret, w.updated));
    if (kept_.hooked) kept_.hooked->insert(w.organisation);
  }
  void release_notices(std::int64_t now_ms) override {
    wrote_ = true;
    x(call(sql::kReleaseNotices, now_ms));
  }
  bool notice(const Notice& n) override {
    // the organisations with a webhook, read once and kept while this desk is the only writer
    if (!kept_.hooked) {
      std::set<std::string> hooked;
      const Result res = x(call(sql::kWebhookOrganisations));
      for (int k = 0; k < res.rows(); ++k) hooked.insert(res.s(k, 0));
      kept_.hooked = std::move(hooked);
    }
    if (!kept_.hooked->count(n.organisation)) return false;
    later(call(sql::kInsertNotice, n.request_id, n.old_status, n.new_status, n.at, n.reason, n.organisation));
    return true;
  }
  std::vector<Notice> due_notices(std::int64_t now_ms, std::int64_t limit, std::int64_t lease_until_ms) override {
    wrote_ = true;
    const Result res = x(call(sql::kDueNotices, now_ms, limit));
    std::vector<Notice> out;
    for (int k = 0; k < res.rows(); ++k)
      out.push_back({res.i(k, 0), res.s(k, 1), res.s(k, 2), res.s(k, 3), res.s(k, 4), res.i(k, 5), res.s(k, 6), res.i(k, 7),
                     res.s(k, 8), res.s(k, 9), "", ""});
    for (const auto& n : out) later(call(sql::kLeaseNotice, lease_until_ms, n.n));
    return out;
  }
  void notice_attempted(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms, std::int64_t now) override {
    if (delivered) later(call(sql::kNoticeDelivered, now, n));
    else later(call(sql::kNoticeFailed, error, next_ms, n));
  }
  std::int64_t next_notice_ms() override { return x(call(sql::kNextNoticeMs)).i(0, 0); }
  std::vector<NoticeCounts> notice_counts() override {
    const Result res = x(call(sql::kNoticeCounts));
    std::vector<NoticeCounts> out;
    for (int k = 0; k < res.rows(); ++k)
      out.push_back({res.s(k, 0), res.s(k, 1), res.i(k, 2), res.i(k, 3), res.i(k, 4), res.i(k, 5), res.s(k, 6), res.i(k, 7)});
    return out;
  }
  std::vector<Notice> notices_of(const std::string& request_id) override {
    const Result res = x(call(sql::kNoticesOf, request_id));
    std::vector<Notice> out;
    for (int k = 0; k < res.rows(); ++k)
      out.push_back({res.i(k, 0), res.s(k, 1), res.s(k, 2), res.s(k, 3), res.s(k, 4), res.i(k, 5), res.s(k, 6), res.i(k, 7), "", "",
                     res.s(k, 8), res.s(k, 9)});
    return out;
  }
  void isolated(const std::function<void()>& fn) override {
    // A failed statement aborts a PostgreSQL transaction: each job runs after a savepoint and
    // is rolled back to it alone when it fails. The savepoint goes with the job's first read;
    // the job's writes before its end.
    const std::size_t mark = pending_.size();
    pending_.push_back(call("SAVEPOINT job"));
    savepoint_pending_ = true;
    try {
      fn();
      flush();
    } catch (...) {
      if (savepoint_pending_) {  // nothing of the job was sent: drop it (what came before stays)
        pending_.resize(mark);
        savepoint_pending_ = false;
      } else {
        pending_.clear();
        c_.pipeline({call("ROLLBACK TO SAVEPOINT job"), call("RELEASE SAVEPOINT job")});
      }
      throw;
    }
    pending_.push_back(call("RELEASE SAVEPOINT job"));
  }

 private:
  // A read: what waits is sent first, in the same round trip.
  Result x(Call q) {
    if (pending_.empty()) return c_.exec(q);
    return flush({std::move(q)}).back();
  }
  void later(Call q) {
    if (read_only_) throw std::logic_error("register: a write in a read transaction");
    wrote_ = true;
    pending_.push_back(std::move(q));
  }
  Conn& c_;
  std::vector<Call> pending_;
  bool savepoint_pending_ = false;
  bool inserts_pending_ = false;  // a request's insert waits in pending_
  bool others_ = false;
  bool read_only_ = false;
  bool wrote_ = false;  // anything written (the version is bumped at the end)
  Kept& kept_;
  std::int64_t max_seq_ = 0;
  std::optional<Result> links_ahead_;  // read with the expired holds (a read transaction)

  static ListTotal total_of(const sql::TotalSql& t, const Result& r, std::int64_t sample_rows) {
    if (!t.sampled) return {r.i(0, 0), false};
    if (r.i(0, 0) < sample_rows) return {r.i(0, 1), false};  // every row of the filters was read
    return {sql::estimate_total(r.i(0, 0), r.i(0, 1), r.i(0, 2), r.i(0, 3)), true};
  }
};

class PgRegister : public Register {
 public:
  explicit PgRegister(std::string url) : url_(std::move(url)) { conn_ = connect(); }

  void open(const std::vector<LinkRow>& links) override {
    Conn& c = *conn_;
    c.script("BEGIN");
    try {
      c.exec(call("SELECT pg_advisory_xact_lock($1)", kDeskLock));  // two instances starting together
      c.script(sql::schema(sql::Dialect::Postgres));
      // a register written by an earlier dorsale: the columns added since
      c.script("ALTER TABLE requests ADD COLUMN IF NOT EXISTS search TEXT NOT NULL DEFAULT '';"
               "ALTER TABLE audit ADD COLUMN IF NOT EXISTS reason TEXT NOT NULL DEFAULT ''");
      c.script(sql::kListIndexes);
      // The search's trigram index (pg_trgm, a GIN index PostgreSQL uses for LIKE '%q%' of 3
      // characters or more) when the extension is there or may be created; else searches test
      // each row (nothing else changes).
      c.script("SAVEPOINT trgm");
      try {
        c.script("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        c.script("CREATE INDEX IF NOT EXISTS requests_search_trgm ON requests USING gin (search gin_trgm_ops)");
        c.script("RELEASE SAVEPOINT trgm");
      } catch (const PgError&) {
        c.script("ROLLBACK TO SAVEPOINT trgm");
      }
      // a register written by an earlier dorsale: its requests' search text
      const Result old = c.exec(call("SELECT id, request_json FROM requests WHERE search = ''"));
      for (int k = 0; k < old.rows(); ++k)
        c.exec(call("UPDATE requests SET search = $1 WHERE id = $2", sql::search_text(old.s(k, 0), old.s(k, 1)), old.s(k, 0)));
      const Result rows = c.exec(call(sql::kLinkIds));
      if (rows.empty()) {
        for (const auto& l : links) c.exec(call(sql::kInsertLink, l.index, l.id, l.capacity_pairs));
      } else {
        bool same = rows.rows() == int(links.size());
        for (std::size_t k = 0; same && k < links.size(); ++k)
          same = rows.i(int(k), 0) == links[k].index && rows.s(int(k), 1) == links[k].id && rows.i(int(k), 2) == links[k].capacity_pairs;
        if (!same) throw InputError(describe(), 0, "db", "the register was made for another network (its links differ from the scenario's)");
      }
      c.script("COMMIT");
    } catch (...) {
      rollback(c);
      throw;
    }
  }
  void write(const std::function<void(RegisterTx&)>& fn) override {
    Conn& c = *conn_;
    // the transaction, the lock, then the version (a statement of its own: its snapshot is
    // taken once the lock is held), in one round trip
    // and the highest seq (the primary key's end: next desk numbers come from it)
    std::int64_t v = 0;
    try {
      const Result head = c.pipeline({call("BEGIN"), call("SELECT pg_advisory_xact_lock($1)", kDeskLock),
                                      call("SELECT v, (SELECT COALESCE(MAX(seq), 0) FROM requests) FROM desk_version")})
                              .back();
      v = head.i(0, 0);
      if (v != last_version_) kept_ = Kept{};  // another instance wrote: read again what it may have changed
      PgTx tx(c, v != last_version_, false, kept_, head.i(0, 1));
      fn(tx);
      const std::int64_t bumped = tx.commit();
      last_version_ = bumped >= 0 ? bumped : v;
    } catch (...) {
      kept_ = Kept{};
      last_version_ = -1;
      rollback(c);
      throw;
    }
  }
  void read(const std::function<void(RegisterTx&)>& fn) override {
    std::unique_ptr<Conn> c = take_reader();
    try {
      Kept none;
      PgTx tx(*c, true, true, none);
      fn(tx);
      tx.end_read();
    } catch (...) {
      rollback(*c);
      give_reader(std::move(c));
      throw;
    }
    give_reader(std::move(c));
  }
  std::string describe() const override {
    const auto at = url_.find('@');  // no password in messages
    return at == std::string::npos ? url_ : "postgresql://…" + url_.substr(at);
  }

 private:
  std::unique_ptr<Conn> connect() const {
    try {
      return std::make_unique<Conn>(url_);
    } catch (const std::exception& e) {
      throw InputError("command line", 0, "--db", std::string("cannot connect to the PostgreSQL register: ") + e.what());
    }
  }
  static void rollback(Conn& c) {
    try {
      c.script("ROLLBACK");
    } catch (const std::exception&) {  // the connection is lost: the server rolls back itself
    }
  }
  std::unique_ptr<Conn> take_reader() {
    for (;;) {
      std::unique_ptr<Conn> c;
      {
        std::lock_guard lock(readers_mu_);
        if (readers_.empty()) break;
        c = std::move(readers_.back());
        readers_.pop_back();
      }
      if (!c->commit_pending() || c->finish_commit()) return c;  // else dropped (its last read had ended)
    }
    return connect();  // outside the lock
  }
  void give_reader(std::unique_ptr<Conn> c) {
    if (PQstatus(c->raw()) != CONNECTION_OK) return;  // dropped
    if (!c->commit_pending() && PQtransactionStatus(c->raw()) != PQTRANS_IDLE) return;
    std::lock_guard lock(readers_mu_);
    if (readers_.size() < kReadersKept) readers_.push_back(std::move(c));
  }
  static constexpr std::size_t kReadersKept = 8;  // idle read connections kept open

  std::string url_;
  std::unique_ptr<Conn> conn_;  // the write connection
  std::int64_t last_version_ = -1;  // desk_version after this desk's last write transaction
  Kept kept_;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Conn>> readers_;
};

}  // namespace

std::unique_ptr<Register> make_pg_register(const std::string& url) { return std::make_unique<PgRegister>(url); }

}  // namespace dorsale::service
