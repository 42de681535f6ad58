#include "io/register_sql.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "io/desk_spelling.h"

namespace dorsale::io::register_sql {

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS links(
  idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, capacity INTEGER NOT NULL, built_by TEXT);
CREATE TABLE IF NOT EXISTS requests(
  seq {serial}, id TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
  idem_key TEXT, body_sha256 TEXT NOT NULL, request_json TEXT NOT NULL, status TEXT NOT NULL,
  decision TEXT NOT NULL, evaluation_json TEXT NOT NULL, hold_expires BIGINT NOT NULL,
  created BIGINT NOT NULL, updated BIGINT NOT NULL, search TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX IF NOT EXISTS requests_idem ON requests(owner, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_status ON requests(status, hold_expires);
CREATE INDEX IF NOT EXISTS requests_owner ON requests(owner, created);
CREATE TABLE IF NOT EXISTS allocations(
  request_id TEXT NOT NULL REFERENCES requests(id), link INTEGER NOT NULL REFERENCES links(idx),
  pairs INTEGER NOT NULL CHECK(pairs > 0), state TEXT NOT NULL CHECK(state IN ('held', 'committed')),
  PRIMARY KEY(request_id, link));
CREATE INDEX IF NOT EXISTS allocations_link ON allocations(link);
CREATE TABLE IF NOT EXISTS audit(
  n {serial}, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  request_id TEXT NOT NULL, detail TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS webhooks(
  organisation TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, updated BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  n {serial}, request_id TEXT NOT NULL, organisation TEXT NOT NULL,
  old_status TEXT NOT NULL, new_status TEXT NOT NULL, at BIGINT NOT NULL, reason TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, next_attempt BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', delivered_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_waiting ON outbox(request_id, n) WHERE delivered = 0;
CREATE INDEX IF NOT EXISTS outbox_request ON outbox(request_id, n);
CREATE TABLE IF NOT EXISTS desk_version(one INTEGER PRIMARY KEY CHECK (one = 1), v BIGINT NOT NULL);
INSERT INTO desk_version VALUES (1, 0) ON CONFLICT DO NOTHING;
)sql";

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

// q as an FTS5 phrase (its trigrams in order: the same substrings as LIKE)
std::string fts_phrase(const std::string& q) {
  std::string phrase = "\"";
  for (char c : ascii_lower(q)) phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
  return phrase + "\"";
}

}  // namespace

std::string schema(Dialect d) {
  // SQLite: INTEGER PRIMARY KEY is the rowid (AUTOINCREMENT: a number is never reused)
  const std::string serial = d == Dialect::Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  std::string out = kSchema;
  for (std::size_t at; (at = out.find("{serial}")) != std::string::npos;) out.replace(at, 8, serial);
  return out;
}

#define DORSALE_REQUEST_COLUMNS                                                                                       \
  "id, seq, owner, COALESCE(idem_key, ''), body_sha256, request_json, status, decision, evaluation_json, hold_expires, " \
  "created, updated"

const char* const kRequestColumns = DORSALE_REQUEST_COLUMNS;
const char* const kLinks =
    "SELECT l.idx, l.id, l.capacity, "
    "COALESCE(SUM(CASE WHEN a.state = 'held' THEN a.pairs END), 0), "
    "COALESCE(SUM(CASE WHEN a.state = 'committed' THEN a.pairs END), 0), COALESCE(l.built_by, '') "
    "FROM links l LEFT JOIN allocations a ON a.link = l.idx GROUP BY l.idx ORDER BY l.idx";
const char* const kLinkIds = "SELECT idx, id, capacity FROM links ORDER BY idx";
const char* const kInsertLink = "INSERT INTO links(idx, id, capacity) VALUES($1, $2, $3)";
const char* const kGetRequest = "SELECT " DORSALE_REQUEST_COLUMNS " FROM requests WHERE id = $1";
const char* const kByIdempotency = "SELECT " DORSALE_REQUEST_COLUMNS " FROM requests WHERE owner = $1 AND idem_key = $2";
const char* const kListRequests =
    "SELECT " DORSALE_REQUEST_COLUMNS " FROM requests WHERE ($1 = '' OR owner = $1) AND ($2 = '' OR status = $2) ORDER BY seq";
const char* const kUsage =
    "SELECT (SELECT COUNT(*) FROM requests WHERE owner = $1 AND status = 'held'), "
    "(SELECT COALESCE(SUM(a.pairs), 0) FROM allocations a JOIN requests r ON r.id = a.request_id "
    "WHERE r.owner = $1 AND a.state = 'held'), "
    "(SELECT COUNT(*) FROM requests WHERE owner = $1 AND created > $2)";
const char* const kExpiredHolds =
    "SELECT " DORSALE_REQUEST_COLUMNS " FROM requests WHERE status = 'held' AND hold_expires <= $1 ORDER BY seq";
const char* const kInsertRequest =
    "INSERT INTO requests(id, owner, idem_key, body_sha256, request_json, status, decision, evaluation_json, "
    "hold_expires, created, updated, search) VALUES($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq";
const char* const kInsertAllocation = "INSERT INTO allocations(request_id, link, pairs, state) VALUES($1, $2, $3, $4)";
// the primary key's end, not a count of every row (a rolled-back PostgreSQL insert leaves a gap
// in the sequence: a desk id number is then skipped, never reused)
const char* const kNextNumber = "SELECT COALESCE(MAX(seq), 0) + 1 FROM requests";
// requests_status (status, hold_expires): the index's first entry of status 'held'
const char* const kNextHoldExpiry = "SELECT COALESCE(MIN(hold_expires), -1) FROM requests WHERE status = 'held'";
const char* const kSetStatus =
    "UPDATE requests SET status = $1, updated = $2, hold_expires = CASE WHEN $1 = 'held' THEN hold_expires ELSE 0 END WHERE id = $3";
const char* const kCommitAllocations = "UPDATE allocations SET state = 'committed' WHERE request_id = $1";
const char* const kReleaseAllocations = "DELETE FROM allocations WHERE request_id = $1";
const char* const kMarkBuilt = "UPDATE links SET built_by = $1 WHERE idx = $2 AND built_by IS NULL";
const char* const kInsertAudit = "INSERT INTO audit(at, actor, action, request_id, detail, reason) VALUES($1, $2, $3, $4, $5, $6)";
const char* const kAuditAll = "SELECT at, actor, action, request_id, detail, reason FROM audit ORDER BY n";
// audit_request (request_id, n) serves one request's history
const char* const kAuditOf = "SELECT at, actor, action, request_id, detail, reason FROM audit WHERE request_id = $1 ORDER BY n";
const char* const kSetWebhook =
    "INSERT INTO webhooks(organisation, url, secret, updated) VALUES($1, $2, $3, $4) "
    "ON CONFLICT(organisation) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated = excluded.updated";
const char* const kWebhookOrganisations = "SELECT organisation FROM webhooks";
const char* const kReleaseNotices = "UPDATE outbox SET next_attempt = $1 WHERE delivered = 0 AND next_attempt > $1";
const char* const kInsertNotice =
    "INSERT INTO outbox(request_id, organisation, old_status, new_status, at, reason) "
    "SELECT $1, organisation, $2, $3, $4, $5 FROM webhooks WHERE organisation = $6";
// outbox_waiting (request_id, n) WHERE delivered = 0 serves both the scan and each request's
// oldest undelivered notice
const char* const kDueNotices =
    "SELECT o.n, o.request_id, o.organisation, o.old_status, o.new_status, o.at, o.reason, o.attempts, w.url, w.secret "
    "FROM outbox o JOIN webhooks w ON w.organisation = o.organisation "
    "WHERE o.delivered = 0 AND o.next_attempt <= $1 "
    "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0) "
    "ORDER BY o.n LIMIT $2";
const char* const kLeaseNotice = "UPDATE outbox SET next_attempt = $1 WHERE n = $2";
const char* const kNoticeDelivered =
    "UPDATE outbox SET delivered = 1, attempts = attempts + 1, last_error = '', delivered_at = $1 WHERE n = $2";
const char* const kNoticeFailed = "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt = $2 WHERE n = $3";
const char* const kNextNoticeMs =
    "SELECT COALESCE(MIN(o.next_attempt), -1) FROM outbox o WHERE o.delivered = 0 "
    "AND o.n = (SELECT MIN(p.n) FROM outbox p WHERE p.request_id = o.request_id AND p.delivered = 0)";
const char* const kNoticeCounts =
    "SELECT w.organisation, w.url, w.updated, "
    "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1), "
    "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts = 0), "
    "(SELECT COUNT(*) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 0 AND o.attempts > 0), "
    "COALESCE((SELECT o.last_error FROM outbox o WHERE o.organisation = w.organisation AND o.last_error <> '' "
    "ORDER BY o.n DESC LIMIT 1), ''), "
    "(SELECT COALESCE(MAX(o.delivered_at), 0) FROM outbox o WHERE o.organisation = w.organisation AND o.delivered = 1) "
    "FROM webhooks w ORDER BY w.organisation";
const char* const kNoticesOf =
    "SELECT n, request_id, organisation, old_status, new_status, at, reason, attempts, "
    "CASE WHEN delivered = 1 THEN 'delivered' WHEN attempts = 0 THEN 'pending' ELSE 'failing' END, last_error "
    "FROM outbox WHERE request_id = $1 ORDER BY n";
const char* const kListIndexes = R"sql(
CREATE INDEX IF NOT EXISTS requests_owner_seq ON requests(owner, seq);
CREATE INDEX IF NOT EXISTS requests_status_seq ON requests(status, seq);
CREATE INDEX IF NOT EXISTS requests_updated ON requests(updated, seq);
CREATE INDEX IF NOT EXISTS audit_request ON audit(request_id, n);
)sql";

#undef DORSALE_REQUEST_COLUMNS

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
// trigrams matches the same substrings as LIKE) for the rows it indexed, LIKE for the newer
// ones; on PostgreSQL, LIKE, served by the pg_trgm GIN index requests_search_trgm when the
// extension could be created; shorter ones (and PostgreSQL without pg_trgm): a substring test
// on the rows the scan reads; the total counts every matching row.
PageSql page_sql(const service::ListQuery& q, Dialect d, bool count) {
  PageSql out;
  const auto arg = [&](std::string v) {
    out.args.push_back(std::move(v));
    return "$" + std::to_string(out.args.size());
  };
  std::vector<std::string> where;
  if (!q.owner.empty()) where.push_back("owner = " + arg(q.owner));
  if (q.status) where.push_back("status = " + arg(status_key(*q.status)));
  if (d == Dialect::Sqlite && q.q.size() >= 3) {
    const std::string match = arg(fts_phrase(q.q));
    where.push_back("seq IN (SELECT rowid FROM requests_search WHERE requests_search MATCH " + match +
                    " UNION ALL SELECT seq FROM requests WHERE seq > (SELECT upto FROM search_indexed) AND search LIKE " +
                    arg(like_pattern(q.q)) + " ESCAPE '\\')");
  } else if (!q.q.empty()) {
    where.push_back("search LIKE " + arg(like_pattern(q.q)) + " ESCAPE '\\'");
  }
  std::string key = "seq";  // the column of the order
  switch (q.sort) {
    case service::SortKey::Submitted: key = "seq"; break;
    case service::SortKey::Updated: key = "updated"; break;
    case service::SortKey::Id: key = "id"; break;
    case service::SortKey::Status: key = "status"; break;
  }
  const char* cmp = q.desc ? "<" : ">";
  if (!count && q.after) {
    if (key == "seq") where.push_back("seq " + std::string(cmp) + " " + arg(std::to_string(q.after_seq)));
    else if (key == "id") where.push_back("id " + std::string(cmp) + " " + arg(q.after_key));
    else {
      const std::string k = arg(q.after_key);
      const std::string s = arg(std::to_string(q.after_seq));
      where.push_back("(" + key + " " + cmp + " " + k + " OR (" + key + " = " + k + " AND seq " + cmp + " " + s + "))");
    }
  }
  for (std::size_t i = 0; i < where.size(); ++i) out.sql += (i ? " AND " : " WHERE ") + where[i];
  if (count) return out;
  const char* dir = q.desc ? " DESC" : " ASC";
  out.sql += " ORDER BY " + key + dir;
  if (key != "seq" && key != "id") out.sql += std::string(", seq") + dir;
  if (q.limit > 0) out.sql += " LIMIT " + arg(std::to_string(q.limit));
  if (q.offset > 0) out.sql += (q.limit > 0 ? "" : d == Dialect::Postgres ? " LIMIT ALL" : " LIMIT -1") + std::string(" OFFSET ") + arg(std::to_string(q.offset));
  return out;
}

TotalSql total_sql(const service::ListQuery& q, Dialect d, std::int64_t sample_rows) {
  TotalSql out;
  if (d == Dialect::Sqlite && q.q.size() >= 3 && q.owner.empty() && !q.status) {
    // no other filter: the trigram index counts its rows alone (no row of requests read), the
    // rows it has not indexed yet by LIKE
    out.page.args = {fts_phrase(q.q), like_pattern(q.q)};
    out.page.sql = "SELECT (SELECT COUNT(*) FROM requests_search WHERE requests_search MATCH $1) + (SELECT COUNT(*) FROM requests "
                   "WHERE seq > (SELECT upto FROM search_indexed) AND search LIKE $2 ESCAPE '\\')";
    return out;
  }
  if (q.q.empty() || q.q.size() >= 3) {
    out.page = page_sql(q, d, true);
    out.page.sql = "SELECT COUNT(*) FROM requests" + out.page.sql;
    return out;
  }
  // the filters but the search, in the newest-first order of an index (primary key,
  // requests_owner_seq or requests_status_seq), at most sample_rows rows read
  service::ListQuery filters = q;
  filters.q.clear();
  filters.sort = service::SortKey::Submitted;
  filters.desc = true;
  filters.after = false;
  filters.offset = 0;
  filters.limit = std::max<std::int64_t>(1, sample_rows);
  PageSql inner = page_sql(filters, d, false);
  out.page.args = inner.args;
  out.page.args.push_back(like_pattern(q.q));
  out.page.sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN search LIKE $" + std::to_string(out.page.args.size()) +
                 " ESCAPE '\\' THEN 1 ELSE 0 END), 0), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM (SELECT seq, search FROM requests" +
                 inner.sql + ") sample";
  out.sampled = true;
  return out;
}

std::int64_t estimate_total(std::int64_t rows, std::int64_t matches, std::int64_t lo, std::int64_t hi) {
  if (rows <= 0 || hi < lo) return matches;
  const double span = double(hi - lo + 1);  // seqs the sample spans
  return std::int64_t(std::llround(double(matches) * double(hi) / span));
}

std::string insert_allocations_sql(std::size_t n) {
  std::string out = "INSERT INTO allocations(request_id, link, pairs, state) VALUES ";
  for (std::size_t k = 0; k < n; ++k)
    out += (k ? ", ($1, $" : "($1, $") + std::to_string(k == 0 ? 2 : 3 + 2 * k) + ", $" + std::to_string(k == 0 ? 3 : 4 + 2 * k) + ", $4)";
  return out;
}

std::string ids_taken_sql(std::size_t n) {
  std::string out = "SELECT id FROM requests WHERE id IN (";
  for (std::size_t k = 1; k <= n; ++k) out += (k > 1 ? ", $" : "$") + std::to_string(k);
  return out + ")";
}

}  // namespace dorsale::io::register_sql
