// The SQLite register: one file, WAL journal, synchronous=FULL (a commit is on disk before
// COMMIT returns), BEGIN IMMEDIATE for writes (exclusive across processes), every statement
// prepared with bound parameters (the one SQL text of io/register_sql.h, $n parameters bound
// by name). Reads run on read-only connections of their own (WAL: a reader never waits for the
// writer, nor the writer for a reader), one per concurrent reader, kept in a small pool.
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "io/desk_spelling.h"
#include "io/register.h"
#include "io/register_sql.h"
#include "io/register_sqlite_db.h"
#include "io/register_sqlite_file.h"
#include "models/error.h"

namespace dorsale::service {

namespace {

namespace sql = io::register_sql;
using namespace sqlite_register;

// A status as the register spells it; another text is a register this desk cannot read.
RequestStatus status_of(const std::string& text) {
  const auto s = io::status_from(text);
  if (!s) throw std::runtime_error("register: '" + text + "' is not a request status");
  return *s;
}

StoredRequest row_request(const Stmt& q) {
  StoredRequest r;
  r.id = q.s(0);
  r.seq = q.i(1);
  r.owner = q.s(2);
  r.idem_key = q.s(3);
  r.body_sha256 = q.s(4);
  r.request_json = q.s(5);
  r.status = status_of(q.s(6));
  r.decision = q.s(7);
  r.evaluation_json = q.s(8);
  r.hold_expires = q.i(9);
  r.created = q.i(10);
  r.updated = q.i(11);
  return r;
}

class SqliteTx : public RegisterTx {
 public:
  SqliteTx(sqlite3* db, StmtCache& cache) : db_(db), cache_(cache) {}

  std::vector<LinkRow> links() override {
    Stmt q(cache_, sql::kLinks);
    std::vector<LinkRow> out;
    while (q.step()) out.push_back({int(q.i(0)), q.s(1), int(q.i(2)), int(q.i(3)), int(q.i(4)), q.s(5)});
    return out;
  }
  std::optional<StoredRequest> get(const std::string& id) override {
    Stmt q(cache_, sql::kGetRequest);
    q.bind(id);
    if (!q.step()) return std::nullopt;
    return row_request(q);
  }
  std::optional<StoredRequest> by_idempotency_key(const std::string& owner, const std::string& key) override {
    Stmt q(cache_, sql::kByIdempotency);
    q.bind(owner).bind(key);
    if (!q.step()) return std::nullopt;
    return row_request(q);
  }
  std::vector<StoredRequest> list(const std::string& owner, std::optional<RequestStatus> status) override {
    Stmt q(cache_, sql::kListRequests);
    q.bind(owner).bind(std::string(status ? io::status_key(*status) : ""));
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  // The requests inserted since the trigram index was last brought up to date, into it (in
  // the write transaction: rolled back with it), when there are `at_least` of them. A search
  // reads the rows not indexed yet by LIKE (page_sql), so a read needs no write.
  void catch_up(std::int64_t at_least) {
    Stmt n(cache_, "SELECT (SELECT upto FROM search_indexed), (SELECT COALESCE(MAX(seq), 0) FROM requests)");
    n.step();
    const std::int64_t upto = n.i(0), last = n.i(1);
    if (last - upto < std::max<std::int64_t>(1, at_least)) return;
    Stmt add(cache_, "INSERT INTO requests_search(rowid, search) SELECT seq, search FROM requests WHERE seq > $1");
    add.bind(upto).run();
    Stmt up(cache_, "UPDATE search_indexed SET upto = $1");
    up.bind(last).run();
  }
  std::vector<StoredRequest> page(const ListQuery& lq) override {
    const sql::PageSql p = sql::page_sql(lq, sql::Dialect::Sqlite, false);
    Stmt q(cache_, std::string("SELECT ") + sql::kRequestColumns + " FROM requests" + p.sql);
    for (const auto& a : p.args) q.bind(a);
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  std::int64_t count(const ListQuery& lq) override {
    const sql::PageSql p = sql::page_sql(lq, sql::Dialect::Sqlite, true);
    Stmt q(cache_, "SELECT COUNT(*) FROM requests" + p.sql);
    for (const auto& a : p.args) q.bind(a);
    q.step();
    return q.i(0);
  }
  ListTotal total(const ListQuery& lq, std::int64_t sample_rows) override {
    const sql::TotalSql t = sql::total_sql(lq, sql::Dialect::Sqlite, sample_rows);
    Stmt q(cache_, t.page.sql);
    for (const auto& a : t.page.args) q.bind(a);
    q.step();
    if (!t.sampled) return {q.i(0), false};
    if (q.i(0) < sample_rows) return {q.i(1), false};  // every row of the filters was read
    return {sql::estimate_total(q.i(0), q.i(1), q.i(2), q.i(3)), true};
  }
  std::int64_t next_hold_expiry() override {
    Stmt q(cache_, sql::kNextHoldExpiry);
    q.step();
    return q.i(0);
  }
  Usage usage(const std::string& owner, std::int64_t since) override {
    Stmt q(cache_, sql::kUsage);
    q.bind(owner).bind(since);
    q.step();
    return {q.i(0), q.i(1), q.i(2)};
  }
  std::vector<StoredRequest> expired_holds(std::int64_t now) override {
    Stmt q(cache_, sql::kExpiredHolds);
    q.bind(now);
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  std::int64_t insert(const StoredRequest& r, const std::vector<Allocation>& alloc) override {
    Stmt q(cache_, sql::kInsertRequest);
    q.bind(r.id).bind(r.owner).bind(r.idem_key).bind(r.body_sha256).bind(r.request_json).bind(std::string(io::status_key(r.status)));
    q.bind(r.decision).bind(r.evaluation_json).bind(r.hold_expires).bind(r.created).bind(r.updated);
    q.bind(sql::search_text(r.id, r.request_json));
    if (!q.step()) throw std::runtime_error("register: the insert returned no seq");
    const std::int64_t seq = q.i(0);
    q.run();
    const std::string state = r.status == RequestStatus::Confirmed ? "committed" : "held";
    for (const auto& a : alloc) {
      Stmt ins(cache_, sql::kInsertAllocation);
      ins.bind(r.id).bind(std::int64_t(a.link)).bind(std::int64_t(a.pairs)).bind(state).run();
    }
    return seq;
  }
  std::int64_t next_number() override {
    // requests are never deleted and a rolled-back insert gives its seq back (AUTOINCREMENT
    // keeps sqlite_sequence in the transaction): MAX(seq) is the count, read from the key's end
    Stmt q(cache_, sql::kNextNumber);
    q.step();
    return q.i(0);
  }
  void set_status(const std::string& id, RequestStatus status, std::int64_t now) override {
    Stmt u(cache_, sql::kSetStatus);
    u.bind(std::string(io::status_key(status))).bind(now).bind(id).run();
    if (status == RequestStatus::Confirmed) {
      Stmt c(cache_, sql::kCommitAllocations);
      c.bind(id).run();
    } else if (status != RequestStatus::Held) {
      Stmt d(cache_, sql::kReleaseAllocations);
      d.bind(id).run();
    }
  }
  void mark_built(int link, const std::string& request_id) override {
    Stmt u(cache_, sql::kMarkBuilt);
    u.bind(request_id).bind(std::int64_t(link)).run();
  }
  void audit(const AuditEntry& e) override {
    Stmt q(cache_, sql::kInsertAudit);
    q.bind(e.at).bind(e.actor).bind(e.action).bind(e.request_id).bind(e.detail).bind(e.reason).run();
  }
  std::vector<AuditEntry> audit_log(const std::string& request_id) override {
    Stmt q(cache_, request_id.empty() ? sql::kAuditAll : sql::kAuditOf);
    if (!request_id.empty()) q.bind(request_id);
    std::vector<AuditEntry> out;
    while (q.step()) out.push_back({q.i(0), q.s(1), q.s(2), q.s(3), q.s(4), q.s(5)});
    return out;
  }
  void set_webhook(const Webhook& w) override {
    Stmt q(cache_, sql::kSetWebhook);
    q.bind(w.organisation).bind(w.url).bind(w.secret).bind(w.updated).run();
  }
  void release_notices(std::int64_t now_ms) override {
    Stmt u(cache_, sql::kReleaseNotices);
    u.bind(now_ms).run();
  }
  bool notice(const Notice& n) override {
    Stmt q(cache_, sql::kInsertNotice);
    q.bind(n.request_id).bind(n.old_status).bind(n.new_status).bind(n.at).bind(n.reason).bind(n.organisation).run();
    return sqlite3_changes(db_) > 0;
  }
  std::vector<Notice> due_notices(std::int64_t now_ms, std::int64_t limit, std::int64_t lease_until_ms) override {
    Stmt q(cache_, sql::kDueNotices);
    q.bind(now_ms).bind(limit);
    std::vector<Notice> out;
    while (q.step())
      out.push_back({q.i(0), q.s(1), q.s(2), q.s(3), q.s(4), q.i(5), q.s(6), q.i(7), q.s(8), q.s(9), "", ""});
    for (const auto& n : out) {
      Stmt u(cache_, sql::kLeaseNotice);
      u.bind(lease_until_ms).bind(n.n).run();
    }
    return out;
  }
  void notice_attempted(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms, std::int64_t now) override {
    if (delivered) {
      Stmt u(cache_, sql::kNoticeDelivered);
      u.bind(now).bind(n).run();
    } else {
      Stmt u(cache_, sql::kNoticeFailed);
      u.bind(error).bind(next_ms).bind(n).run();
    }
  }
  std::int64_t next_notice_ms() override {
    Stmt q(cache_, sql::kNextNoticeMs);
    q.step();
    return q.i(0);
  }
  std::vector<NoticeCounts> notice_counts() override {
    Stmt q(cache_, sql::kNoticeCounts);
    std::vector<NoticeCounts> out;
    while (q.step()) out.push_back({q.s(0), q.s(1), q.i(2), q.i(3), q.i(4), q.i(5), q.s(6), q.i(7)});
    return out;
  }
  std::vector<Notice> notices_of(const std::string& request_id) override {
    Stmt q(cache_, sql::kNoticesOf);
    q.bind(request_id);
    std::vector<Notice> out;
    while (q.step()) out.push_back({q.i(0), q.s(1), q.s(2), q.s(3), q.s(4), q.i(5), q.s(6), q.i(7), "", "", q.s(8), q.s(9)});
    return out;
  }
  void isolated(const std::function<void()>& fn) override {
    exec("SAVEPOINT job");
    try {
      fn();
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK TO job", nullptr, nullptr, nullptr);
      sqlite3_exec(db_, "RELEASE job", nullptr, nullptr, nullptr);
      throw;
    }
    exec("RELEASE job");
  }

 private:
  void exec(const char* sql) { Stmt(cache_, sql).run(); }
  sqlite3* db_;
  StmtCache& cache_;
};

class SqliteRegister : public Register {
 public:
  explicit SqliteRegister(std::string path) : path_(std::move(path)), lock_(path_), db_(path_) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec(sql::schema(sql::Dialect::Sqlite).c_str());  // the file exists (and has its header) from here on
    migrate();
    db_.exec(sql::kListIndexes);
    search_index();
    const auto st = stat_file(path_);
    if (!st) throw InputError(path_, 0, "db", "the register file is not there after opening it");
    file_ = st->first;
    size_ = st->second;
  }

  void open(const std::vector<LinkRow>& links) override {
    write([&](RegisterTx&) {
      Stmt count(db_.get(), "SELECT COUNT(*) FROM links");
      count.step();
      if (count.i(0) == 0) {
        for (const auto& l : links) {
          Stmt ins(db_.get(), sql::kInsertLink);
          ins.bind(std::int64_t(l.index)).bind(l.id).bind(std::int64_t(l.capacity_pairs)).run();
        }
        return;
      }
      check_same_links(links);
    });
  }
  // writes take the database lock at once (BEGIN IMMEDIATE), on the one write connection
  void write(const std::function<void(RegisterTx&)>& fn) override {
    in_transaction("BEGIN IMMEDIATE", [&](RegisterTx& tx) {
      fn(tx);
      static_cast<SqliteTx&>(tx).catch_up(kSearchBatch);  // after fn: a bulk insert is indexed at once
    });
  }
  // A read transaction (BEGIN ... COMMIT of reads only: a snapshot of the last commit) on a
  // read-only connection of the pool: it neither waits for the write connection's queue nor
  // holds it up (WAL). Any thread; as many at once as there are connections asked for.
  void read(const std::function<void(RegisterTx&)>& fn) override {
    ensure_sound();
    std::unique_ptr<Reader> r = take_reader();
    try {
      Stmt(r->stmts, "BEGIN").run();
      try {
        SqliteTx tx(r->db.get(), r->stmts);
        fn(tx);
        Stmt(r->stmts, "COMMIT").run();
      } catch (...) {
        sqlite3_exec(r->db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    } catch (...) {
      give_reader(std::move(r));
      throw;
    }
    give_reader(std::move(r));
  }
  std::string describe() const override { return "sqlite:" + path_; }
  std::string problem() const override {
    std::lock_guard lock(problem_mu_);
    if (!lost_.empty()) return lost_;
    return check_files();
  }

 private:
  // A read-only connection and its statements (statements finalized before the connection).
  struct Reader {
    explicit Reader(const std::string& path) : db(path, true) { sqlite3_busy_timeout(db.get(), 30000); }
    Db db;
    StmtCache stmts{db.get()};
  };
  std::unique_ptr<Reader> take_reader() {
    {
      std::lock_guard lock(readers_mu_);
      if (!readers_.empty()) {
        auto r = std::move(readers_.back());
        readers_.pop_back();
        return r;
      }
    }
    return std::make_unique<Reader>(path_);  // opened outside the lock
  }
  void give_reader(std::unique_ptr<Reader> r) {
    std::lock_guard lock(readers_mu_);
    if (readers_.size() < kReadersKept) readers_.push_back(std::move(r));
  }
  // Rows the trigram index may lag behind before a write transaction adds them (a search
  // reads them by LIKE meanwhile): one FTS insert per this many submissions, not one each.
  static constexpr std::int64_t kSearchBatch = 512;
  static constexpr std::size_t kReadersKept = 16;  // idle read connections kept open

  // fn inside one transaction: committed when it returns, rolled back when it throws.
  // The register's file is checked before the transaction and after its commit: a commit into
  // a deleted, replaced or truncated file is not durable, so it is not acknowledged either.
  void in_transaction(const char* begin, const std::function<void(RegisterTx&)>& fn) {
    ensure_sound();
    Stmt(stmts_, begin).run();
    try {
      SqliteTx tx(db_.get(), stmts_);
      fn(tx);
      Stmt(stmts_, "COMMIT").run();
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    ensure_sound();
    record_sizes();
  }

  // What is wrong with the files on disk now, or "".
  std::string check_files() const {
    const auto st = stat_file(path_);
    if (!st) return "the register file " + path_ + " was deleted while the desk was serving";
    if (!(st->first == file_)) return "the register file " + path_ + " was replaced by another file while the desk was serving";
    if (st->second < size_.load()) return "the register file " + path_ + " was truncated while the desk was serving";
    char head[16] = {};
    std::ifstream in(path_, std::ios::binary);
    if (!in.read(head, sizeof head) || std::memcmp(head, "SQLite format 3", 16) != 0)
      return "the register file " + path_ + " was overwritten (no SQLite header) while the desk was serving";
    if (wal_known_) {
      const auto w = stat_file(path_ + "-wal");
      if (!w || !(w->first == wal_)) return "the register's journal " + path_ + "-wal was deleted or replaced while the desk was serving";
    }
    return "";
  }
  void ensure_sound() {
    std::lock_guard lock(problem_mu_);
    if (lost_.empty()) {
      const std::string why = check_files();
      if (why.empty()) return;
      lost_ = why;
      std::cerr << "dorsale serve: " << why << "; every call is now refused (503) and nothing more is acknowledged: "
                << "restore the register and restart the desk" << std::endl;
    }
    throw RegisterUnavailable(lost_ + "; the desk acknowledges nothing more until it is restarted on a sound register");
  }
  void record_sizes() {
    if (const auto st = stat_file(path_)) size_ = std::max(size_.load(), st->second);
    if (const auto w = stat_file(path_ + "-wal")) {
      std::lock_guard lock(problem_mu_);
      wal_ = w->first;
      wal_known_ = true;
    }
  }

 public:

 private:
  // A register written by an earlier dorsale: the columns added since (requests.search, filled
  // from each request; audit.reason), in one transaction.
  bool has_column(const char* table, const char* column) {
    Stmt q(db_.get(), "SELECT COUNT(*) FROM pragma_table_info($1) WHERE name = $2");
    q.bind(std::string(table)).bind(std::string(column));
    q.step();
    return q.i(0) > 0;
  }
  void migrate() {
    const bool search = has_column("requests", "search"), reason = has_column("audit", "reason");
    if (search && reason) return;
    db_.exec("BEGIN IMMEDIATE");
    try {
      if (!reason) db_.exec("ALTER TABLE audit ADD COLUMN reason TEXT NOT NULL DEFAULT ''");
      if (!search) {
        db_.exec("ALTER TABLE requests ADD COLUMN search TEXT NOT NULL DEFAULT ''");
        std::vector<std::pair<std::string, std::string>> rows;
        Stmt q(db_.get(), "SELECT id, request_json FROM requests");
        while (q.step()) rows.emplace_back(q.s(0), q.s(1));
        for (const auto& [id, body] : rows) {
          Stmt u(db_.get(), "UPDATE requests SET search = $1 WHERE id = $2");
          u.bind(sql::search_text(id, body)).bind(id).run();
        }
      }
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // The search's trigram index (FTS5, external content: the requests' search column, which
  // never changes once inserted; requests are never deleted). It is brought up to date by the
  // write transaction once kSearchBatch rows wait (SqliteTx::catch_up: the rows after
  // search_indexed.upto; a search reads those by LIKE), not by each
  // submission: an insert trigger cost a fifth of the submission rate.
  void search_index() {
    {
      Stmt q(db_.get(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'search_indexed'");
      q.step();
      if (q.i(0) > 0) return;
    }  // finalized: a pending read of the schema would lock the DROP below
    db_.exec("BEGIN IMMEDIATE");
    try {
      db_.exec("DROP TRIGGER IF EXISTS requests_search_insert; DROP TABLE IF EXISTS requests_search;"
               "CREATE VIRTUAL TABLE requests_search USING fts5(search, content='requests', content_rowid='seq', tokenize='trigram', columnsize=0);"
               "CREATE TABLE search_indexed(upto INTEGER NOT NULL); INSERT INTO search_indexed VALUES (0);");
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void check_same_links(const std::vector<LinkRow>& links) {
    Stmt q(db_.get(), sql::kLinkIds);
    std::size_t k = 0;
    while (q.step()) {
      if (k >= links.size() || q.i(0) != links[k].index || q.s(1) != links[k].id || q.i(2) != links[k].capacity_pairs)
        throw InputError(path_, 0, "db", "the register was made for another network (its links differ from the scenario's)");
      ++k;
    }
    if (k != links.size()) throw InputError(path_, 0, "db", "the register was made for another network (another number of links)");
  }

  std::string path_;
  FileLock lock_;  // before db_: taken before the file is opened, released after it is closed
  Db db_;
  StmtCache stmts_{db_.get()};  // after db_: finalized before the connection closes
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> readers_;  // after db_: closed first
  FileId file_;
  std::atomic<std::int64_t> size_{0};  // the file's size after our last commit (it never shrinks)
  mutable std::mutex problem_mu_;
  FileId wal_;
  bool wal_known_ = false;
  std::string lost_;  // sticky: why the register was given up
};

}  // namespace

std::unique_ptr<Register> make_sqlite_register(const std::string& path) { return std::make_unique<SqliteRegister>(path); }

}  // namespace dorsale::service
