#pragma once
// The desk register's SQL: one text for both registers (io/register_sqlite.cpp,
// io/register_pg.cpp), schema and every statement. Values are always parameters $1, $2, ...:
// PostgreSQL numbers them; SQLite reads `$1` as a parameter named "$1", bound by that name
// (sqlite3_bind_parameter_index), so a parameter used twice is one value in both.
// The dialects differ only in the schema's auto-numbered key ({serial}), in what each adds
// around this text (SQLite: FTS5 trigram search index, pragmas; PostgreSQL: pg_trgm, the
// advisory lock, the version row) and in the search condition of a page (page_sql).
#include <cstdint>
#include <string>
#include <vector>

#include "io/register.h"

namespace dorsale::io::register_sql {

enum class Dialect { Sqlite, Postgres };

// The tables and indexes (CREATE ... IF NOT EXISTS), for that dialect.
std::string schema(Dialect d);

// The columns of a StoredRequest, in the order the registers read them.
extern const char* const kRequestColumns;
// Statements ($n parameters). Names say what they do; the comment lists the parameters.
extern const char* const kLinks;            // -> idx, id, capacity, held, committed, built_by
extern const char* const kLinkIds;          // -> idx, id, capacity
extern const char* const kInsertLink;       // idx, id, capacity
extern const char* const kGetRequest;       // id -> the request's columns (row order of StoredRequest)
extern const char* const kByIdempotency;    // owner, key
extern const char* const kListRequests;     // owner ('' every), status ('' every)
extern const char* const kUsage;            // owner, since -> open holds, held pairs, recent
extern const char* const kExpiredHolds;     // now
extern const char* const kInsertRequest;    // id..updated, search (12) -> seq
extern const char* const kInsertAllocation; // request_id, link, pairs, state
extern const char* const kNextNumber;       // -> next desk number
extern const char* const kNextHoldExpiry;   // -> the earliest hold_expires of a held request, or -1
extern const char* const kSetStatus;        // status, now, id
extern const char* const kCommitAllocations;   // request_id
extern const char* const kReleaseAllocations;  // request_id
extern const char* const kMarkBuilt;        // request_id, link
extern const char* const kInsertAudit;      // at, actor, action, request_id, detail, reason
extern const char* const kAuditAll;         // -> at, actor, action, request_id, detail, reason
extern const char* const kAuditOf;          // request_id
extern const char* const kSetWebhook;       // organisation, url, secret, updated
extern const char* const kWebhookOrganisations;
extern const char* const kReleaseNotices;   // now_ms
extern const char* const kInsertNotice;     // request_id, old, new, at, reason, organisation
extern const char* const kDueNotices;       // now_ms, limit
extern const char* const kLeaseNotice;      // until_ms, n
extern const char* const kNoticeDelivered;  // now, n
extern const char* const kNoticeFailed;     // error, next_ms, n
extern const char* const kNextNoticeMs;
extern const char* const kNoticeCounts;
extern const char* const kNoticesOf;        // request_id
extern const char* const kListIndexes;      // the list's and the history's indexes

// One page of the list (WHERE ... ORDER BY ... LIMIT ...) and its arguments, in text, with $n
// placeholders. `count`: the WHERE of the total only (no keyset, order, limit). The search:
// Sqlite: the FTS5 trigram index requests_search for 3 characters or more (rows it has not
// indexed yet, after search_indexed.upto, by LIKE), else LIKE; Postgres: LIKE (served by the
// pg_trgm index when there is one).
struct PageSql {
  std::string sql;
  std::vector<std::string> args;
};
PageSql page_sql(const service::ListQuery& q, Dialect d, bool count);

// The list's total (RegisterTx::total): for a search of 1 or 2 characters (bytes: fewer than a
// trigram), one bounded scan of the newest `sample_rows` rows of the filters (owner, status),
// giving (rows scanned, matches among them, lowest seq, highest seq): when fewer than
// sample_rows rows were scanned the matches are the exact total, else the total is estimated
// (estimate_total). `sampled` false: the plain COUNT(*) of page_sql(q, d, true).
struct TotalSql {
  PageSql page;
  bool sampled = false;
};
TotalSql total_sql(const service::ListQuery& q, Dialect d, std::int64_t sample_rows);
// A sampled total: `matches` of `rows` (= sample_rows) newest rows, seqs lo..hi; the filters'
// rows are assumed as dense among seqs 1..lo as among lo..hi (with no filter, exactly so:
// requests are never deleted), and the matches as frequent in them as in the sample.
std::int64_t estimate_total(std::int64_t rows, std::int64_t matches, std::int64_t lo, std::int64_t hi);
// The allocations of one request in one statement: INSERT ... VALUES ($1, $2, $3, $4), ($1, $5,
// $6, $4), ... (request_id $1, state $4, then link and pairs of each of the n rows).
std::string insert_allocations_sql(std::size_t n);
// Which of `ids` are taken: SELECT id FROM requests WHERE id IN ($1, ..., $n).
std::string ids_taken_sql(std::size_t n);

// The text `q` is searched in: id, requester, site and destination of a request, ASCII letters
// lower-cased, separated by a newline (so a search does not match across two fields).
std::string search_text(const std::string& id, const std::string& request_json);
// `q` made ready for LIKE: ASCII lower-cased, % _ and \ escaped (ESCAPE '\'), wrapped in %.
std::string like_pattern(const std::string& q);

}  // namespace dorsale::io::register_sql
