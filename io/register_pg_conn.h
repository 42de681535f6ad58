#pragma once
// The PostgreSQL register's connection and statements (io/register_pg.cpp only): a statement's
// result, a statement with its values, and a connection that prepares each statement once and
// sends several in one round trip (libpq's pipeline mode).
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dorsale::service::pg_register {

// A statement PostgreSQL refused (or a lost connection): its message.
class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One statement's result (owns the PGresult).
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool empty() const { return rows() == 0; }
  std::string s(int row, int col) const { return std::string(PQgetvalue(r_.get(), row, col), std::size_t(PQgetlength(r_.get(), row, col))); }
  std::int64_t i(int row, int col) const { return std::stoll(PQgetvalue(r_.get(), row, col)); }

 private:
  std::shared_ptr<PGresult> r_;
};

// One statement and its values (text; PostgreSQL infers each parameter's type).
struct Call {
  std::string sql;
  std::vector<std::string> args;
  bool returns_seq = false;  // the request's insert: its result is the new row's seq
};

template <class T>
std::string text_of(const T& v) {
  if constexpr (std::is_convertible_v<T, std::string>) return std::string(v);
  else return std::to_string(v);
}
template <class... A>
Call call(std::string sql, const A&... a) {
  return {std::move(sql), {text_of(a)...}};
}

// A statement's result, or its failure thrown with the server's message.
inline Result checked(PGresult* r, PGconn* c) {
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Result(r);
  const std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  PQclear(r);
  throw PgError("register: " + msg);
}

class Conn {
 public:
  explicit Conn(const std::string& url) : c_(PQconnectdb(url.c_str()), PQfinish) {
    if (!c_ || PQstatus(c_.get()) != CONNECTION_OK) throw PgError(c_ ? PQerrorMessage(c_.get()) : "out of memory");
    PQsetNoticeProcessor(c_.get(), [](void*, const char*) {}, nullptr);  // "already exists, skipping" of IF NOT EXISTS
    script("SET synchronous_commit = on");
  }
  // Statements without values (the schema, transaction control; simple protocol).
  void script(const std::string& text) { checked(PQexec(c_.get(), text.c_str()), c_.get()); }
  // One statement, prepared once on this connection.
  Result exec(const Call& q) {
    const std::string& name = prepared(q.sql);
    std::vector<const char*> v;
    for (const auto& a : q.args) v.push_back(a.c_str());
    return checked(PQexecPrepared(c_.get(), name.c_str(), int(v.size()), v.data(), nullptr, nullptr, 0), c_.get());
  }
  // Several statements in one round trip (pipeline mode); their results in order. The first
  // error is thrown once every result is read (the statements after it are not run).
  std::vector<Result> pipeline(const std::vector<Call>& calls) {
    if (calls.empty()) return {};
    if (calls.size() == 1) return {exec(calls[0])};
    PGconn* c = c_.get();
    if (PQenterPipelineMode(c) != 1) throw PgError(std::string("register: ") + PQerrorMessage(c));
    std::string error;
    std::vector<bool> parse;  // per result to come: a prepare's (not answered), else a statement's
    for (const auto& q : calls) {
      const auto before = fresh_.size();
      const std::string& name = prepared_in_pipeline(q.sql);
      if (fresh_.size() > before) parse.push_back(true);
      parse.push_back(false);
      std::vector<const char*> v;
      for (const auto& a : q.args) v.push_back(a.c_str());
      if (PQsendQueryPrepared(c, name.c_str(), int(v.size()), v.data(), nullptr, nullptr, 0) != 1) {
        error = PQerrorMessage(c);
        break;
      }
    }
    if (PQpipelineSync(c) != 1) throw PgError(std::string("register: the connection was lost: ") + PQerrorMessage(c));
    std::vector<Result> out;
    std::size_t k = 0;
    for (;;) {  // each statement's result then nullptr; the sync's result ends the pipeline
      PGresult* r = PQgetResult(c);
      if (!r) {
        if (PQstatus(c) != CONNECTION_OK) throw PgError(std::string("register: the connection was lost: ") + PQerrorMessage(c));
        continue;
      }
      const ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      if (st == PGRES_FATAL_ERROR && error.empty()) error = PQresultErrorMessage(r);
      if (st == PGRES_PIPELINE_ABORTED && error.empty()) error = "a statement before failed";
      if (k < parse.size() && parse[k++]) PQclear(r);
      else out.emplace_back(r);
    }
    PQexitPipelineMode(c);
    if (!error.empty()) {
      for (const auto& n : fresh_) names_.erase(n);  // a prepare may have failed with it
      fresh_.clear();
      throw PgError("register: " + error);
    }
    fresh_.clear();
    return out;
  }
  PGconn* raw() const { return c_.get(); }
  // A read transaction's COMMIT, sent without waiting for its answer (nothing was written: no
  // durability to wait for); the next user of the connection reads the answer first
  // (finish_commit). False: the connection is lost.
  bool send_commit() {
    commit_pending_ = PQsendQuery(c_.get(), "COMMIT") == 1;
    return commit_pending_;
  }
  bool commit_pending() const { return commit_pending_; }
  // The answer of a COMMIT sent by send_commit: false when it failed (the connection is dropped).
  bool finish_commit() {
    bool ok = true;
    while (PGresult* r = PQgetResult(c_.get())) {
      ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
    commit_pending_ = false;
    return ok && PQstatus(c_.get()) == CONNECTION_OK && PQtransactionStatus(c_.get()) == PQTRANS_IDLE;
  }

 private:
  const std::string& prepared(const std::string& text) {
    if (auto it = names_.find(text); it != names_.end()) return it->second;
    const std::string name = "d" + std::to_string(++prepares_);
    checked(PQprepare(c_.get(), name.c_str(), text.c_str(), 0, nullptr), c_.get());
    return names_.emplace(text, name).first->second;
  }
  // In pipeline mode a statement not prepared yet is prepared in the same pipeline (its
  // Parse goes before its first use); a failed prepare fails the pipeline.
  const std::string& prepared_in_pipeline(const std::string& text) {
    if (auto it = names_.find(text); it != names_.end()) return it->second;
    const std::string name = "d" + std::to_string(++prepares_);
    if (PQsendPrepare(c_.get(), name.c_str(), text.c_str(), 0, nullptr) != 1) throw PgError(std::string("register: ") + PQerrorMessage(c_.get()));
    fresh_.push_back(text);
    return names_.emplace(text, name).first->second;
  }
  std::unique_ptr<PGconn, void (*)(PGconn*)> c_;
  std::unordered_map<std::string, std::string> names_;  // SQL text -> prepared statement name
  std::vector<std::string> fresh_;  // prepared in the pipeline being sent
  std::int64_t prepares_ = 0;       // names are never reused
  bool commit_pending_ = false;     // send_commit's answer not read yet
};

}  // namespace dorsale::service::pg_register
