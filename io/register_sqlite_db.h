#pragma once
// The SQLite register's connection and statements (io/register_sqlite.cpp only): a
// connection, its prepared statements kept for reuse, and one statement with its $n
// parameters bound by name.
#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "models/error.h"

namespace dorsale::service::sqlite_register {

class Db {
 public:
  explicit Db(const std::string& path, bool read_only = false) {
    const int flags = read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
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

// A prepared statement; its parameters $1, $2, ... bound in order, each by its name (SQLite
// numbers named parameters by first appearance, not by the digits).
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
    check(sqlite3_bind_text(s_, next(), v.data(), int(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& bind(std::int64_t v) {
    check(sqlite3_bind_int64(s_, next(), v));
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
  int next() {
    const std::string name = "$" + std::to_string(++n_);
    const int at = sqlite3_bind_parameter_index(s_, name.c_str());
    if (at == 0) throw std::runtime_error("register: the statement has no parameter " + name);
    return at;
  }
  void check(int rc) {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("register: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  StmtCache* cache_ = nullptr;
  std::string sql_;
  sqlite3_stmt* s_ = nullptr;
  int n_ = 0;
};

}  // namespace dorsale::service::sqlite_register
