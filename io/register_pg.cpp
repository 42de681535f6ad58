// The PostgreSQL register (libpqxx): the same tables as the SQLite one, for a desk whose
// register several instances share. A write transaction first takes one transaction-level
// advisory lock, so evaluations of every instance see each other's holds in order (the same
// exclusivity as SQLite's BEGIN IMMEDIATE); COMMIT returns once the WAL is flushed
// (synchronous_commit on, PostgreSQL's default, set explicitly for the session). Every
// statement takes its values as parameters ($1, $2, ...).
#include <pqxx/pqxx>

#include <optional>
#include <set>

#include "models/error.h"
#include "service/register.h"

namespace dorsale::service {

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS links(
  idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, capacity INTEGER NOT NULL, built_by TEXT);
CREATE TABLE IF NOT EXISTS requests(
  seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
  idem_key TEXT, body_sha256 TEXT NOT NULL, request_json TEXT NOT NULL, status TEXT NOT NULL,
  decision TEXT NOT NULL, evaluation_json TEXT NOT NULL, hold_expires BIGINT NOT NULL,
  created BIGINT NOT NULL, updated BIGINT NOT NULL, search TEXT NOT NULL DEFAULT '');
ALTER TABLE requests ADD COLUMN IF NOT EXISTS search TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX IF NOT EXISTS requests_idem ON requests(owner, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_status ON requests(status, hold_expires);
CREATE INDEX IF NOT EXISTS requests_owner ON requests(owner, created);
CREATE TABLE IF NOT EXISTS allocations(
  request_id TEXT NOT NULL REFERENCES requests(id), link INTEGER NOT NULL REFERENCES links(idx),
  pairs INTEGER NOT NULL CHECK(pairs > 0), state TEXT NOT NULL CHECK(state IN ('held', 'committed')),
  PRIMARY KEY(request_id, link));
CREATE INDEX IF NOT EXISTS allocations_link ON allocations(link);
CREATE TABLE IF NOT EXISTS audit(
  n BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  request_id TEXT NOT NULL, detail TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
ALTER TABLE audit ADD COLUMN IF NOT EXISTS reason TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS webhooks(
  organisation TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, updated BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  n BIGSERIAL PRIMARY KEY, request_id TEXT NOT NULL, organisation TEXT NOT NULL,
  old_status TEXT NOT NULL, new_status TEXT NOT NULL, at BIGINT NOT NULL, reason TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, next_attempt BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', delivered_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_waiting ON outbox(request_id, n) WHERE delivered = 0;
CREATE INDEX IF NOT EXISTS outbox_request ON outbox(request_id, n);
CREATE TABLE IF NOT EXISTS desk_version(one INTEGER PRIMARY KEY CHECK (one = 1), v BIGINT NOT NULL);
INSERT INTO desk_version VALUES (1, 0) ON CONFLICT DO NOTHING;
)sql";


constexpr long long kDeskLock = 7301913;  // the advisory lock every desk instance takes to write

const char* kRequestColumns =
    "id, seq, owner, COALESCE(idem_key, ''), body_sha256, request_json, status, decision, evaluation_json, hold_expires, "
    "created, updated";

StoredRequest row_request(const pqxx::row& q) {
  StoredRequest r;
  r.id = q[0].as<std::string>();
  r.seq = q[1].as<std::int64_t>();
  r.owner = q[2].as<std::string>();
  r.idem_key = q[3].as<std::string>();
  r.body_sha256 = q[4].as<std::string>();
  r.request_json = q[5].as<std::string>();
  r.status = q[6].as<std::string>();
  r.decision = q[7].as<std::string>();
  r.evaluation_json = q[8].as<std::string>();
  r.hold_expires = q[9].as<std::int64_t>();
  r.created = q[10].as<std::int64_t>();
  r.updated = q[11].as<std::int64_t>();
  return r;
}

std::vector<StoredRequest> rows_of(const pqxx::result& res) {
  std::vector<StoredRequest> out;
  for (const auto& row : res) out.push_back(row_request(row));
  return out;
}

std::optional<StoredRequest> first_of(const pqxx::result& res) {
  if (res.empty()) return std::nullopt;
  return row_request(res[0]);
}

class PgTx : public RegisterTx {
 public:
  PgTx(pqxx::transaction_base& t, bool others) : t_(t), others_(others) {}
  bool others_wrote() override { return others_; }
  bool wrote() const { return wrote_; }

  // Writes whose answer nobody reads (the audit, a notice, allocations, a status) are not sent
  // one round trip each: they wait, quoted by the connection, and go in one round trip with the
  // next read, at the end of the job's savepoint or before the commit (each statement one round
  // trip made PostgreSQL ~3x slower than SQLite per submission).
  // Sends what waits; the last statement's result.
  pqxx::result flush() {
    if (pending_.empty()) return {};
    std::string all;
    for (const auto& q : pending_) all += q + ";\n";
    pending_.clear();
    savepoint_pending_ = false;
    return t_.exec(all);
  }
  // Before the commit: what waits, and the version bumped when anything was written (its new
  // value), else -1.
  std::int64_t finish() {
    if (wrote_) later("UPDATE desk_version SET v = v + 1 RETURNING v");
    const pqxx::result r = flush();
    return wrote_ && !r.empty() ? r[0][0].as<std::int64_t>() : -1;
  }

  std::vector<LinkRow> links() override {
    const auto res = x().exec(
        "SELECT l.idx, l.id, l.capacity, "
        "COALESCE(SUM(CASE WHEN a.state = 'held' THEN a.pairs END), 0), "
        "COALESCE(SUM(CASE WHEN a.state = 'committed' THEN a.pairs END), 0), COALESCE(l.built_by, '') "
        "FROM links l LEFT JOIN allocations a ON a.link = l.idx GROUP BY l.idx ORDER BY l.idx");
    std::vector<LinkRow> out;
    for (const auto& q : res)
      out.push_back({q[0].as<int>(), q[1].as<std::string>(), q[2].as<int>(), q[3].as<int>(), q[4].as<int>(), q[5].as<std::string>()});
    return out;
  }
  std::optional<StoredRequest> get(const std::string& id) override {
    return first_of(x().exec_params(std::string("SELECT ") + kRequestColumns + " FROM requests WHERE id = $1", id));
  }
  std::optional<StoredRequest> by_idempotency_key(const std::string& owner, const std::string& key) override {
    return first_of(x().exec_params(std::string("SELECT ") + kRequestColumns + " FROM requests WHERE owner = $1 AND idem_key = $2", owner, key));
  }
  std::vector<StoredRequest> list(const std::string& owner, const std::string& status) override {
    return rows_of(x().exec_params(std::string("SELECT ") + kRequestColumns +
                                      " FROM requests WHERE ($1 = '' OR owner = $1) AND ($2 = '' OR status = $2) ORDER BY seq",
                                  owner, status));
  }
  std::vector<StoredRequest> page(const ListQuery& lq) override {
    const PageSql p = page_sql(lq, true, false);
    return rows_of(x().exec_params(std::string("SELECT ") + kRequestColumns + " FROM requests" + p.sql, pqxx::prepare::make_dynamic_params(p.args)));
  }
  std::int64_t count(const ListQuery& lq) override {
    const PageSql p = page_sql(lq, true, true);
    return x().exec_params("SELECT COUNT(*) FROM requests" + p.sql, pqxx::prepare::make_dynamic_params(p.args))[0][0].as<std::int64_t>();
  }
  Usage usage(const std::string& owner, std::int64_t since) override {
    const auto q = x().exec_params(
        "SELECT (SELECT COUNT(*) FROM requests WHERE owner = $1 AND status = 'held'), "
        "(SELECT COALESCE(SUM(a.pairs), 0) FROM allocations a JOIN requests r ON r.id = a.request_id "
        "WHERE r.owner = $1 AND a.state = 'held'), "
        "(SELECT COUNT(*) FROM requests WHERE owner = $1 AND created > $2)",
        owner, since);
    return {q[0][0].as<std::int64_t>(), q[0][1].as<std::int64_t>(), q[0][2].as<std::int64_t>()};
  }
  std::vector<StoredRequest> expired_holds(std::int64_t now) override {
    return rows_of(x().exec_params(std::string("SELECT ") + kRequestColumns +
                                      " FROM requests WHERE status = 'held' AND hold_expires <= $1 ORDER BY seq",
                                  now));
  }
  std::int64_t insert(const StoredRequest& r, const std::vector<Allocation>& alloc) override {
    wrote_ = true;
    const auto res = x().exec_params(
        "INSERT INTO requests(id, owner, idem_key, body_sha256, request_json, status, decision, evaluation_json, "
        "hold_expires, created, updated, search) VALUES($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq",
        r.id, r.owner, r.idem_key, r.body_sha256, r.request_json, r.status, r.decision, r.evaluation_json, r.hold_expires,
        r.created, r.updated, search_text(r.id, r.request_json));
    const std::string state = r.status == "confirmed" ? "committed" : "held";
    if (!alloc.empty()) {  // one statement (one round trip) for every link of the route
      std::string links = "{", pairs = "{";
      for (std::size_t k = 0; k < alloc.size(); ++k) {
        links += (k ? "," : "") + std::to_string(alloc[k].link);
        pairs += (k ? "," : "") + std::to_string(alloc[k].pairs);
      }
      later("INSERT INTO allocations(request_id, link, pairs, state) SELECT " + q(r.id) + ", l, p, " + q(state) + " FROM unnest(" +
            q(links + "}") + "::int[], " + q(pairs + "}") + "::int[]) AS a(l, p)");
    }
    return res[0][0].as<std::int64_t>();
  }
  // the primary key's end, not a count of every row (a rolled-back insert leaves a gap in the
  // sequence: a desk id number is then skipped, never reused)
  std::int64_t next_number() override { return x().exec("SELECT COALESCE(MAX(seq), 0) + 1 FROM requests")[0][0].as<std::int64_t>(); }
  void set_status(const std::string& id, const std::string& status, std::int64_t now) override {
    later("UPDATE requests SET status = " + q(status) + ", updated = " + std::to_string(now) + ", hold_expires = CASE WHEN " + q(status) +
          " = 'held' THEN hold_expires ELSE 0 END WHERE id = " + q(id));
    if (status == "confirmed") later("UPDATE allocations SET state = 'committed' WHERE request_id = " + q(id));
    else if (status != "held") later("DELETE FROM allocations WHERE request_id = " + q(id));
  }
  void mark_built(int link, const std::string& request_id) override {
    later("UPDATE links SET built_by = " + q(request_id) + " WHERE idx = " + std::to_string(link) + " AND built_by IS NULL");
  }
  void audit(const AuditEntry& e) override {
    later("INSERT INTO audit(at, actor, action, request_id, detail, reason) VALUES(" + std::to_string(e.at) + ", " + q(e.actor) + ", " +
          q(e.action) + ", " + q(e.request_id) + ", " + q(e.detail) + ", " + q(e.reason) + ")");
  }
  std::vector<AuditEntry> audit_log(const std::string& request_id) override {
    std::vector<AuditEntry> out;
    const auto res = request_id.empty()
                         ? x().exec("SELECT at, actor, action, request_id, detail, reason FROM audit ORDER BY n")
                         : x().exec_params("SELECT at, actor, action, request_id, detail, reason FROM audit WHERE request_id = $1 ORDER BY n",
                                          request_id);  // audit_request (request_id, n)
    for (const auto& q : res)
      out.push_back({q[0].as<std::int64_t>(), q[1].as<std::string>(), q[2].as<std::string>(), q[3].as<std::string>(),
                     q[4].as<std::string>(), q[5].as<std::string>()});
    return out;
  }
  void set_webhook(const Webhook& w) override {
    wrote_ = true;
    x().exec_params(
        "INSERT INTO webhooks(organisation, url, secret, updated) VALUES($1, $2, $3, $4) "
        "ON CONFLICT(organisation) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated = excluded.updated",
        w.organisation, w.url, w.secret, w.updated);
    if (hooked_) hooked_->insert(w.organisation);
  }
  void release_notices(std::int64_t now_ms) override {
    wrote_ = true;
    x().exec_params("UPDATE outbox SET next_attempt = $1 WHERE delivered = 0 AND next_attempt > $1", now_ms);
  }
  bool notice(const Notice& n) override {
    // the organisations with a webhook, read once per transaction (the write lock keeps them)
    if (!hooked_) {
      hooked_.emplace();
      for (const auto& row : x().exec("SELECT organisation FROM webhooks")) hooked_->insert(row[0].as<std::string>());
    }
    if (!hooked_->count(n.organisation)) return false;
    later("INSERT INTO outbox(request_id, organisation, old_status, new_status, at, reason) VALUES(" + q(n.request_id) + ", " +
          q(n.organisation) + ", " + q(n.old_status) + ", " + q(n.new_status) + ", " + std::to_string(n.at) + ", " + q(n.reason) + ")");
    return true;
  }
  std::vector<Notice> due_notices(std::int64_t now_ms, std::int64_t limit, std::int64_t lease_until_ms) override {
    wrote_ = true;
    // outbox_waiting (request_id, n) WHERE delivered = 0 serves both the scan and each
    // request's oldest undelivered notice
    const auto res = x().exec_params(
        "SELECT o.n, o.request_id, o.organisation, o.old_status, o.new_status, o.at, o.reason, o.attempts, w.url, w.secret "
        "FROM outbox o JOIN webhooks w ON w.organisation = o.organisation "
        "WHERE o.delivered = 0 AND o.next_attempt <= $1 "
        "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0) "
        "ORDER BY o.n LIMIT $2",
        now_ms, limit);
    std::vector<Notice> out;
    for (const auto& q : res)
      out.push_back({q[0].as<std::int64_t>(), q[1].as<std::string>(), q[2].as<std::string>(), q[3].as<std::string>(),
                     q[4].as<std::string>(), q[5].as<std::int64_t>(), q[6].as<std::string>(), q[7].as<std::int64_t>(),
                     q[8].as<std::string>(), q[9].as<std::string>(), "", ""});
    for (const auto& n : out) x().exec_params("UPDATE outbox SET next_attempt = $1 WHERE n = $2", lease_until_ms, n.n);
    return out;
  }
  void notice_attempted(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms, std::int64_t now) override {
    wrote_ = true;
    if (delivered)
      x().exec_params("UPDATE outbox SET delivered = 1, attempts = attempts + 1, last_error = '', delivered_at = $1 WHERE n = $2", now, n);
    else
      x().exec_params("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt = $2 WHERE n = $3", error, next_ms, n);
  }
  std::int64_t next_notice_ms() override {
    return x().exec(
        "SELECT COALESCE(MIN(o.next_attempt), -1) FROM outbox o WHERE o.delivered = 0 "
        "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0)")[0][0].as<std::int64_t>();
  }
  std::vector<NoticeCounts> notice_counts() override {
    const auto res = x().exec(
        "SELECT w.organisation, w.url, w.updated, "
        "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1), "
        "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts = 0), "
        "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts > 0), "
        "COALESCE((SELECT o.last_error FROM outbox o WHERE o.organisation = w.organisation AND o.last_error <> '' "
        "ORDER BY o.n DESC LIMIT 1), ''), "
        "(SELECT COALESCE(MAX(o.delivered_at), 0) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1) "
        "FROM webhooks w ORDER BY w.organisation");
    std::vector<NoticeCounts> out;
    for (const auto& q : res)
      out.push_back({q[0].as<std::string>(), q[1].as<std::string>(), q[2].as<std::int64_t>(), q[3].as<std::int64_t>(),
                     q[4].as<std::int64_t>(), q[5].as<std::int64_t>(), q[6].as<std::string>(), q[7].as<std::int64_t>()});
    return out;
  }
  std::vector<Notice> notices_of(const std::string& request_id) override {
    const auto res = x().exec_params(
        "SELECT n, request_id, organisation, old_status, new_status, at, reason, attempts, "
        "CASE WHEN delivered = 1 THEN 'delivered' WHEN attempts = 0 THEN 'pending' ELSE 'failing' END, last_error "
        "FROM outbox WHERE request_id = $1 ORDER BY n",
        request_id);
    std::vector<Notice> out;
    for (const auto& q : res)
      out.push_back({q[0].as<std::int64_t>(), q[1].as<std::string>(), q[2].as<std::string>(), q[3].as<std::string>(),
                     q[4].as<std::string>(), q[5].as<std::int64_t>(), q[6].as<std::string>(), q[7].as<std::int64_t>(), "", "",
                     q[8].as<std::string>(), q[9].as<std::string>()});
    return out;
  }
  void isolated(const std::function<void()>& fn) override {
    // A failed statement aborts a PostgreSQL transaction: each job runs after a savepoint and
    // is rolled back to it alone when it fails (SQL savepoints on the transaction itself:
    // libpqxx 6's subtransaction did not leave the transaction usable after a failed statement).
    // The savepoint goes with the job's first read; the job's writes before its end.
    const std::size_t mark = pending_.size();
    later("SAVEPOINT job");
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
        t_.exec("ROLLBACK TO SAVEPOINT job");
        t_.exec("RELEASE SAVEPOINT job");
      }
      throw;
    }
    later("RELEASE SAVEPOINT job");
  }

 private:
  pqxx::transaction_base& x() {  // before a read: what waits is sent first
    flush();
    return t_;
  }
  void later(std::string sql) {
    if (sql.rfind("SAVEPOINT", 0) != 0 && sql.rfind("RELEASE", 0) != 0) wrote_ = true;
    pending_.push_back(std::move(sql));
  }
  std::string q(const std::string& v) { return t_.quote(v); }
  pqxx::transaction_base& t_;
  std::vector<std::string> pending_;
  bool savepoint_pending_ = false;
  std::optional<std::set<std::string>> hooked_;
  bool others_ = false;
  bool wrote_ = false;  // anything written (the version is bumped at the end)
};

class PgRegister : public Register {
 public:
  explicit PgRegister(std::string url) : url_(std::move(url)) {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
    } catch (const std::exception& e) {
      throw InputError("command line", 0, "--db", std::string("cannot connect to the PostgreSQL register: ") + e.what());
    }
    pqxx::nontransaction n(*conn_);
    n.exec("SET synchronous_commit = on");
  }

  void open(const std::vector<LinkRow>& links) override {
    pqxx::work w(*conn_);
    w.exec_params("SELECT pg_advisory_xact_lock($1)", kDeskLock);  // two instances starting together
    w.exec(kSchema);
    w.exec(kListIndexesSql);
    // The search's trigram index (pg_trgm, a GIN index PostgreSQL uses for LIKE '%q%' of 3
    // characters or more) when the extension is there or may be created; else searches test
    // each row (nothing else changes).
    w.exec("SAVEPOINT trgm");
    try {
      w.exec("CREATE EXTENSION IF NOT EXISTS pg_trgm");
      w.exec("CREATE INDEX IF NOT EXISTS requests_search_trgm ON requests USING gin (search gin_trgm_ops)");
      w.exec("RELEASE SAVEPOINT trgm");
    } catch (const pqxx::sql_error&) {
      w.exec("ROLLBACK TO SAVEPOINT trgm");
    }
    // a register written by an earlier dorsale: its requests' search text (the column added since)
    for (const auto& row : w.exec("SELECT id, request_json FROM requests WHERE search = ''"))
      w.exec_params("UPDATE requests SET search = $1 WHERE id = $2", search_text(row[0].as<std::string>(), row[1].as<std::string>()),
                    row[0].as<std::string>());
    const auto rows = w.exec("SELECT idx, id, capacity FROM links ORDER BY idx");
    if (rows.empty()) {
      for (const auto& l : links) w.exec_params("INSERT INTO links(idx, id, capacity) VALUES($1, $2, $3)", l.index, l.id, l.capacity_pairs);
    } else {
      bool same = rows.size() == links.size();
      for (std::size_t k = 0; same && k < links.size(); ++k)
        same = rows[k][0].as<int>() == links[k].index && rows[k][1].as<std::string>() == links[k].id &&
               rows[k][2].as<int>() == links[k].capacity_pairs;
      if (!same) throw InputError(describe(), 0, "db", "the register was made for another network (its links differ from the scenario's)");
    }
    w.commit();
  }
  void write(const std::function<void(RegisterTx&)>& fn) override {
    pqxx::work w(*conn_);
    // the lock, then the version (a statement of its own: its snapshot is taken once the lock
    // is held), in one round trip
    const std::int64_t v =
        w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kDeskLock) + "); SELECT v FROM desk_version")[0][0].as<std::int64_t>();
    PgTx tx(w, v != last_version_);
    fn(tx);
    const std::int64_t bumped = tx.finish();
    w.commit();
    last_version_ = bumped >= 0 ? bumped : v;
  }
  void read(const std::function<void(RegisterTx&)>& fn) override {
    pqxx::read_transaction r(*conn_);
    PgTx tx(r, true);
    fn(tx);
  }
  std::string describe() const override {
    const auto at = url_.find('@');  // no password in messages
    return at == std::string::npos ? url_ : "postgresql://…" + url_.substr(at);
  }

 private:
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::int64_t last_version_ = -1;  // desk_version after this desk's last write transaction
};

}  // namespace

std::unique_ptr<Register> make_pg_register(const std::string& url) { return std::make_unique<PgRegister>(url); }

}  // namespace dorsale::service
