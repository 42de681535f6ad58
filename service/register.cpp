#include "service/register.h"

#include <nlohmann/json.hpp>

#include "models/error.h"

namespace dorsale::service {

std::unique_ptr<Register> open_register(const std::string& target) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0)
    return make_pg_register(target);
  return make_sqlite_register(target);
}

namespace {

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

}  // namespace

std::string search_text(const std::string& id, const std::string& request_json) {
  const auto j = nlohmann::json::parse(request_json, nullptr, false);
  const auto field = [&](const char* k) -> std::string {
    if (!j.is_object() || !j.contains(k)) return "";
    return j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
  };
  std::string site = field("site");
  if (site.empty() && j.is_object() && j.contains("lon")) site = field("lon") + " " + field("lat");
  return ascii_lower(id + "\n" + field("requester") + "\n" + site + "\n" + field("destination"));
}

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : ascii_lower(q)) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// Which index serves which page (both registers; EXPLAIN QUERY PLAN / EXPLAIN):
//   sort=submitted: the primary key (seq), or requests_owner_seq / requests_status_seq when a
//     requester's own or one status are listed;
//   sort=updated: requests_updated (updated, seq); sort=id: the unique index on id;
//   sort=status: requests_status_seq (status, seq);
// a keyset cursor starts the index scan at the last row seen (no OFFSET rows read). A search
// (q) of 3 characters or more on SQLite: the FTS5 trigram index requests_search (a phrase of
// trigrams matches the same substrings as LIKE); on PostgreSQL, LIKE, served by the pg_trgm
// GIN index requests_search_trgm when the extension could be created; shorter ones (and
// PostgreSQL without pg_trgm): a substring test on the rows the scan reads; the total counts
// every matching row.
PageSql page_sql(const ListQuery& q, bool pg, bool count, bool fts) {
  PageSql out;
  const auto arg = [&](std::string v) {
    out.args.push_back(std::move(v));
    return pg ? "$" + std::to_string(out.args.size()) : std::string("?");
  };
  std::vector<std::string> where;
  if (!q.owner.empty()) where.push_back("owner = " + arg(q.owner));
  if (!q.status.empty()) where.push_back("status = " + arg(q.status));
  if (fts && q.q.size() >= 3) {
    std::string phrase = "\"";
    for (char c : ascii_lower(q.q)) phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
    where.push_back("seq IN (SELECT rowid FROM requests_search WHERE requests_search MATCH " + arg(phrase + "\"") + ")");
  } else if (!q.q.empty()) {
    where.push_back("search LIKE " + arg(like_pattern(q.q)) + " ESCAPE '\\'");
  }
  const std::string key = q.sort == "updated" ? "updated" : q.sort == "id" ? "id" : q.sort == "status" ? "status" : "seq";
  const char* cmp = q.desc ? "<" : ">";
  if (!count && q.after) {
    if (key == "seq") where.push_back("seq " + std::string(cmp) + " " + arg(std::to_string(q.after_seq)));
    else if (key == "id") where.push_back("id " + std::string(cmp) + " " + arg(q.after_key));
    else {
      const std::string k = arg(q.after_key);
      const std::string k2 = pg ? "$" + std::to_string(out.args.size()) : arg(q.after_key);
      const std::string s = arg(std::to_string(q.after_seq));
      where.push_back("(" + key + " " + cmp + " " + k + " OR (" + key + " = " + k2 + " AND seq " + cmp + " " + s + "))");
    }
  }
  for (std::size_t i = 0; i < where.size(); ++i) out.sql += (i ? " AND " : " WHERE ") + where[i];
  if (count) return out;
  const char* dir = q.desc ? " DESC" : " ASC";
  out.sql += " ORDER BY " + key + dir;
  if (key != "seq" && key != "id") out.sql += std::string(", seq") + dir;
  if (q.limit > 0) out.sql += " LIMIT " + std::to_string(q.limit);
  if (q.offset > 0) out.sql += (q.limit > 0 ? "" : pg ? " LIMIT ALL" : " LIMIT -1") + std::string(" OFFSET ") + std::to_string(q.offset);
  return out;
}

const char* const kListIndexesSql = R"sql(
CREATE INDEX IF NOT EXISTS requests_owner_seq ON requests(owner, seq);
CREATE INDEX IF NOT EXISTS requests_status_seq ON requests(status, seq);
CREATE INDEX IF NOT EXISTS requests_updated ON requests(updated, seq);
CREATE INDEX IF NOT EXISTS audit_request ON audit(request_id, n);
)sql";

}  // namespace dorsale::service
