// The SQLite register: one file, WAL journal, synchronous=FULL (a commit is on disk before
// COMMIT returns), BEGIN IMMEDIATE for writes (exclusive across processes), every statement
// prepared with bound parameters.
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <stdexcept>

#include "models/error.h"
#include "service/register.h"

namespace dorsale::service {

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS links(
  idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, capacity INTEGER NOT NULL, built_by TEXT);
CREATE TABLE IF NOT EXISTS requests(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
  idem_key TEXT, body_sha256 TEXT NOT NULL, request_json TEXT NOT NULL, status TEXT NOT NULL,
  decision TEXT NOT NULL, evaluation_json TEXT NOT NULL, hold_expires INTEGER NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, search TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX IF NOT EXISTS requests_idem ON requests(owner, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_status ON requests(status, hold_expires);
CREATE INDEX IF NOT EXISTS requests_owner ON requests(owner, created);
CREATE TABLE IF NOT EXISTS allocations(
  request_id TEXT NOT NULL REFERENCES requests(id), link INTEGER NOT NULL REFERENCES links(idx),
  pairs INTEGER NOT NULL CHECK(pairs > 0), state TEXT NOT NULL CHECK(state IN ('held', 'committed')),
  PRIMARY KEY(request_id, link));
CREATE INDEX IF NOT EXISTS allocations_link ON allocations(link);
CREATE TABLE IF NOT EXISTS audit(
  n INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  request_id TEXT NOT NULL, detail TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS webhooks(
  organisation TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  n INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, organisation TEXT NOT NULL,
  old_status TEXT NOT NULL, new_status TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', delivered_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_waiting ON outbox(request_id, n) WHERE delivered = 0;
CREATE INDEX IF NOT EXISTS outbox_request ON outbox(request_id, n);
)sql";


class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw InputError(path, 0, "db", "cannot open the register: " + msg);
    }
    sqlite3_busy_timeout(db_, 30000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() const { return db_; }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("register: ") + msg);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

// The prepared statements of one connection, kept for reuse by their SQL text (preparing a
// statement cost more than running it on the submission path). A statement in use is taken
// out, so two live statements of the same text are two statements.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache() {
    for (auto& [sql, s] : free_) sqlite3_finalize(s);
  }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;
  sqlite3* db() const { return db_; }
  sqlite3_stmt* take(const std::string& sql) {
    if (auto it = free_.find(sql); it != free_.end()) {
      sqlite3_stmt* s = it->second;
      free_.erase(it);
      return s;
    }
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("register: ") + sqlite3_errmsg(db_));
    return s;
  }
  void give(const std::string& sql, sqlite3_stmt* s) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (free_.size() >= 256 || !free_.emplace(sql, s).second) sqlite3_finalize(s);
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> free_;
};

// A prepared statement with positional parameters bound in order.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("register: ") + sqlite3_errmsg(db));
  }
  Stmt(StmtCache& cache, std::string sql) : db_(cache.db()), cache_(&cache), sql_(std::move(sql)) { s_ = cache.take(sql_); }
  ~Stmt() {
    if (cache_) cache_->give(sql_, s_);
    else sqlite3_finalize(s_);
  }
  Stmt& bind(const std::string& v) {
    check(sqlite3_bind_text(s_, ++n_, v.data(), int(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& bind_or_null(const std::string& v) {
    if (v.empty()) check(sqlite3_bind_null(s_, ++n_));
    else bind(v);
    return *this;
  }
  Stmt& bind(std::int64_t v) {
    check(sqlite3_bind_int64(s_, ++n_, v));
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("register: ") + sqlite3_errmsg(db_));
  }
  void run() { while (step()) {} }
  std::int64_t i(int c) const { return sqlite3_column_int64(s_, c); }
  std::string s(int c) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return t ? std::string(t, std::size_t(sqlite3_column_bytes(s_, c))) : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("register: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  StmtCache* cache_ = nullptr;
  std::string sql_;
  sqlite3_stmt* s_ = nullptr;
  int n_ = 0;
};

const char* kRequestColumns =
    "id, seq, owner, COALESCE(idem_key, ''), body_sha256, request_json, status, decision, evaluation_json, hold_expires, "
    "created, updated";

StoredRequest row_request(const Stmt& q) {
  StoredRequest r;
  r.id = q.s(0);
  r.seq = q.i(1);
  r.owner = q.s(2);
  r.idem_key = q.s(3);
  r.body_sha256 = q.s(4);
  r.request_json = q.s(5);
  r.status = q.s(6);
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
    Stmt q(cache_,
           "SELECT l.idx, l.id, l.capacity, "
           "COALESCE(SUM(CASE WHEN a.state = 'held' THEN a.pairs END), 0), "
           "COALESCE(SUM(CASE WHEN a.state = 'committed' THEN a.pairs END), 0), COALESCE(l.built_by, '') "
           "FROM links l LEFT JOIN allocations a ON a.link = l.idx GROUP BY l.idx ORDER BY l.idx");
    std::vector<LinkRow> out;
    while (q.step()) out.push_back({int(q.i(0)), q.s(1), int(q.i(2)), int(q.i(3)), int(q.i(4)), q.s(5)});
    return out;
  }
  std::optional<StoredRequest> get(const std::string& id) override {
    Stmt q(cache_, (std::string("SELECT ") + kRequestColumns + " FROM requests WHERE id = ?").c_str());
    q.bind(id);
    if (!q.step()) return std::nullopt;
    return row_request(q);
  }
  std::optional<StoredRequest> by_idempotency_key(const std::string& owner, const std::string& key) override {
    Stmt q(cache_, (std::string("SELECT ") + kRequestColumns + " FROM requests WHERE owner = ? AND idem_key = ?").c_str());
    q.bind(owner).bind(key);
    if (!q.step()) return std::nullopt;
    return row_request(q);
  }
  std::vector<StoredRequest> list(const std::string& owner, const std::string& status) override {
    Stmt q(cache_, (std::string("SELECT ") + kRequestColumns +
                 " FROM requests WHERE (? = '' OR owner = ?) AND (? = '' OR status = ?) ORDER BY seq")
                    .c_str());
    q.bind(owner).bind(owner).bind(status).bind(status);
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  // The requests inserted since the last search into the trigram index (in this transaction:
  // rolled back with it).
  void catch_up() {
    Stmt n(cache_, "SELECT (SELECT upto FROM search_indexed), (SELECT COALESCE(MAX(seq), 0) FROM requests)");
    n.step();
    if (n.i(0) >= n.i(1)) return;
    Stmt add(cache_, "INSERT INTO requests_search(rowid, search) SELECT seq, search FROM requests WHERE seq > ?");
    add.bind(n.i(0)).run();
    Stmt up(cache_, "UPDATE search_indexed SET upto = ?");
    up.bind(n.i(1)).run();
  }
  std::vector<StoredRequest> page(const ListQuery& lq) override {
    if (lq.q.size() >= 3) catch_up();
    const PageSql p = page_sql(lq, false, false, true);
    Stmt q(cache_, (std::string("SELECT ") + kRequestColumns + " FROM requests" + p.sql).c_str());
    for (const auto& a : p.args) q.bind(a);
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  std::int64_t count(const ListQuery& lq) override {
    if (lq.q.size() >= 3) catch_up();
    const PageSql p = page_sql(lq, false, true, true);
    Stmt q(cache_, ("SELECT COUNT(*) FROM requests" + p.sql).c_str());
    for (const auto& a : p.args) q.bind(a);
    q.step();
    return q.i(0);
  }
  Usage usage(const std::string& owner, std::int64_t since) override {
    Stmt q(cache_,
           "SELECT (SELECT COUNT(*) FROM requests WHERE owner = ? AND status = 'held'), "
           "(SELECT COALESCE(SUM(a.pairs), 0) FROM allocations a JOIN requests r ON r.id = a.request_id "
           "WHERE r.owner = ? AND a.state = 'held'), "
           "(SELECT COUNT(*) FROM requests WHERE owner = ? AND created > ?)");
    q.bind(owner).bind(owner).bind(owner).bind(since);
    q.step();
    return {q.i(0), q.i(1), q.i(2)};
  }
  std::vector<StoredRequest> expired_holds(std::int64_t now) override {
    Stmt q(cache_, (std::string("SELECT ") + kRequestColumns +
                 " FROM requests WHERE status = 'held' AND hold_expires <= ? ORDER BY seq")
                    .c_str());
    q.bind(now);
    std::vector<StoredRequest> out;
    while (q.step()) out.push_back(row_request(q));
    return out;
  }
  std::int64_t insert(const StoredRequest& r, const std::vector<Allocation>& alloc) override {
    Stmt q(cache_,
           "INSERT INTO requests(id, owner, idem_key, body_sha256, request_json, status, decision, evaluation_json, "
           "hold_expires, created, updated, search) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(r.id).bind(r.owner).bind_or_null(r.idem_key).bind(r.body_sha256).bind(r.request_json).bind(r.status);
    q.bind(r.decision).bind(r.evaluation_json).bind(r.hold_expires).bind(r.created).bind(r.updated);
    q.bind(search_text(r.id, r.request_json));
    q.run();
    const std::int64_t seq = sqlite3_last_insert_rowid(db_);
    const std::string state = r.status == "confirmed" ? "committed" : "held";
    for (const auto& a : alloc) {
      Stmt ins(cache_, "INSERT INTO allocations(request_id, link, pairs, state) VALUES(?, ?, ?, ?)");
      ins.bind(r.id).bind(std::int64_t(a.link)).bind(std::int64_t(a.pairs)).bind(state).run();
    }
    return seq;
  }
  std::int64_t next_number() override {
    // requests are never deleted and a rolled-back insert gives its seq back (AUTOINCREMENT
    // keeps sqlite_sequence in the transaction): MAX(seq) is the count, read from the key's end
    Stmt q(cache_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM requests");
    q.step();
    return q.i(0);
  }
  void set_status(const std::string& id, const std::string& status, std::int64_t now) override {
    Stmt u(cache_, "UPDATE requests SET status = ?, updated = ?, hold_expires = CASE WHEN ? = 'held' THEN hold_expires ELSE 0 END WHERE id = ?");
    u.bind(status).bind(now).bind(status).bind(id).run();
    if (status == "confirmed") {
      Stmt c(cache_, "UPDATE allocations SET state = 'committed' WHERE request_id = ?");
      c.bind(id).run();
    } else if (status != "held") {
      Stmt d(cache_, "DELETE FROM allocations WHERE request_id = ?");
      d.bind(id).run();
    }
  }
  void mark_built(int link, const std::string& request_id) override {
    Stmt u(cache_, "UPDATE links SET built_by = ? WHERE idx = ? AND built_by IS NULL");
    u.bind(request_id).bind(std::int64_t(link)).run();
  }
  void audit(const AuditEntry& e) override {
    Stmt q(cache_, "INSERT INTO audit(at, actor, action, request_id, detail, reason) VALUES(?, ?, ?, ?, ?, ?)");
    q.bind(e.at).bind(e.actor).bind(e.action).bind(e.request_id).bind(e.detail).bind(e.reason).run();
  }
  std::vector<AuditEntry> audit_log(const std::string& request_id) override {
    // audit_request (request_id, n) serves one request's history
    Stmt q(cache_, request_id.empty() ? "SELECT at, actor, action, request_id, detail, reason FROM audit ORDER BY n"
                                   : "SELECT at, actor, action, request_id, detail, reason FROM audit WHERE request_id = ? ORDER BY n");
    if (!request_id.empty()) q.bind(request_id);
    std::vector<AuditEntry> out;
    while (q.step()) out.push_back({q.i(0), q.s(1), q.s(2), q.s(3), q.s(4), q.s(5)});
    return out;
  }
  void set_webhook(const Webhook& w) override {
    Stmt q(cache_,
           "INSERT INTO webhooks(organisation, url, secret, updated) VALUES(?, ?, ?, ?) "
           "ON CONFLICT(organisation) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated = excluded.updated");
    q.bind(w.organisation).bind(w.url).bind(w.secret).bind(w.updated).run();
  }
  void release_notices(std::int64_t now_ms) override {
    Stmt u(cache_, "UPDATE outbox SET next_attempt = ? WHERE delivered = 0 AND next_attempt > ?");
    u.bind(now_ms).bind(now_ms).run();
  }
  bool notice(const Notice& n) override {
    Stmt q(cache_,
           "INSERT INTO outbox(request_id, organisation, old_status, new_status, at, reason) "
           "SELECT ?, organisation, ?, ?, ?, ? FROM webhooks WHERE organisation = ?");
    q.bind(n.request_id).bind(n.old_status).bind(n.new_status).bind(n.at).bind(n.reason).bind(n.organisation).run();
    return sqlite3_changes(db_) > 0;
  }
  std::vector<Notice> due_notices(std::int64_t now_ms, std::int64_t limit, std::int64_t lease_until_ms) override {
    // outbox_waiting (request_id, n) WHERE delivered = 0 serves both the scan and each
    // request's oldest undelivered notice
    Stmt q(cache_,
           "SELECT o.n, o.request_id, o.organisation, o.old_status, o.new_status, o.at, o.reason, o.attempts, w.url, w.secret "
           "FROM outbox o JOIN webhooks w ON w.organisation = o.organisation "
           "WHERE o.delivered = 0 AND o.next_attempt <= ? "
           "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0) "
           "ORDER BY o.n LIMIT ?");
    q.bind(now_ms).bind(limit);
    std::vector<Notice> out;
    while (q.step())
      out.push_back({q.i(0), q.s(1), q.s(2), q.s(3), q.s(4), q.i(5), q.s(6), q.i(7), q.s(8), q.s(9), "", ""});
    for (const auto& n : out) {
      Stmt u(cache_, "UPDATE outbox SET next_attempt = ? WHERE n = ?");
      u.bind(lease_until_ms).bind(n.n).run();
    }
    return out;
  }
  void notice_attempted(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms, std::int64_t now) override {
    if (delivered) {
      Stmt u(cache_, "UPDATE outbox SET delivered = 1, attempts = attempts + 1, last_error = '', delivered_at = ? WHERE n = ?");
      u.bind(now).bind(n).run();
    } else {
      Stmt u(cache_, "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE n = ?");
      u.bind(error).bind(next_ms).bind(n).run();
    }
  }
  std::int64_t next_notice_ms() override {
    Stmt q(cache_,
           "SELECT COALESCE(MIN(o.next_attempt), -1) FROM outbox o WHERE o.delivered = 0 "
           "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0)");
    q.step();
    return q.i(0);
  }
  std::vector<NoticeCounts> notice_counts() override {
    Stmt q(cache_,
           "SELECT w.organisation, w.url, w.updated, "
           "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1), "
           "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts = 0), "
           "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts > 0), "
           "COALESCE((SELECT o.last_error FROM outbox o WHERE o.organisation = w.organisation AND o.last_error <> '' "
           "ORDER BY o.n DESC LIMIT 1), ''), "
           "(SELECT COALESCE(MAX(o.delivered_at), 0) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1) "
           "FROM webhooks w ORDER BY w.organisation");
    std::vector<NoticeCounts> out;
    while (q.step()) out.push_back({q.s(0), q.s(1), q.i(2), q.i(3), q.i(4), q.i(5), q.s(6), q.i(7)});
    return out;
  }
  std::vector<Notice> notices_of(const std::string& request_id) override {
    Stmt q(cache_,
           "SELECT n, request_id, organisation, old_status, new_status, at, reason, attempts, "
           "CASE WHEN delivered = 1 THEN 'delivered' WHEN attempts = 0 THEN 'pending' ELSE 'failing' END, last_error "
           "FROM outbox WHERE request_id = ? ORDER BY n");
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

// The identity of the register's file (and of its WAL once written), to notice that it was
// deleted, replaced or truncated under the running desk: SQLite keeps writing into the open
// (now unlinked or emptied) file and the acknowledged requests are lost at the next start.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId& o) const { return dev == o.dev && ino == o.ino; }
};

std::optional<std::pair<FileId, std::int64_t>> stat_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(FileId{st.st_dev, st.st_ino}, std::int64_t(st.st_size));
}

// One desk per register file: an exclusive flock on FILE.lock, held while the register is open
// (the kernel drops it when the process dies, kill -9 included). A second desk on the same file
// would evaluate on its own cached view and answer from it; it is refused before it opens the
// file. The lock file holds the owner's pid, for the message.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    const std::string lock = path + ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(path, 0, "db", "cannot create the register's lock file " + lock + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char buf[32] = {};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      const std::string pid = n > 0 ? std::string(buf, std::size_t(n)) : std::string("?");
      if (err == EWOULDBLOCK)
        throw InputError(path, 0, "db",
                         "the register is already in use by another desk (dorsale serve, pid " + pid.substr(0, pid.find('\n')) +
                             ", holds " + lock + "): one desk per register file; stop it, or give this one another --db "
                             "(several desks share a postgresql:// register)");
      throw InputError(path, 0, "db", "cannot lock " + lock + ": " + std::strerror(err));
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {}  // informative only
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

class SqliteRegister : public Register {
 public:
  explicit SqliteRegister(std::string path) : path_(std::move(path)), lock_(path_), db_(path_) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec(kSchema);  // the file exists (and has its header) from here on
    migrate();
    db_.exec(kListIndexesSql);
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
          Stmt ins(db_.get(), "INSERT INTO links(idx, id, capacity) VALUES(?, ?, ?)");
          ins.bind(std::int64_t(l.index)).bind(l.id).bind(std::int64_t(l.capacity_pairs)).run();
        }
        return;
      }
      check_same_links(links);
    });
  }
  // writes take the database lock at once (BEGIN IMMEDIATE); reads a plain transaction
  void write(const std::function<void(RegisterTx&)>& fn) override { in_transaction("BEGIN IMMEDIATE", fn); }
  void read(const std::function<void(RegisterTx&)>& fn) override { in_transaction("BEGIN", fn); }
  std::string describe() const override { return "sqlite:" + path_; }
  std::string problem() const override {
    std::lock_guard lock(problem_mu_);
    if (!lost_.empty()) return lost_;
    return check_files();
  }

 private:
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
    Stmt q(db_.get(), (std::string("SELECT COUNT(*) FROM pragma_table_info('") + table + "') WHERE name = ?").c_str());
    q.bind(std::string(column));
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
          Stmt u(db_.get(), "UPDATE requests SET search = ? WHERE id = ?");
          u.bind(search_text(id, body)).bind(id).run();
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
  // search that needs it (SqliteTx::catch_up: the rows after search_indexed.upto), not by each
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
    Stmt q(db_.get(), "SELECT idx, id, capacity FROM links ORDER BY idx");
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
