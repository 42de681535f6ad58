#pragma once
// The desk's register: requests, their answers, the pairs held or committed on each link, the
// planned links a confirmed request built, and an audit log. One interface, two stores:
// SQLite (embedded, the default; WAL + synchronous=FULL) and PostgreSQL (a register shared by
// several desk instances).
//
// Contract: every change happens inside `write(fn)`: one transaction that is exclusive across
// every process using the same register (SQLite BEGIN IMMEDIATE), committed durably before
// `write` returns, rolled back when `fn` throws. So a caller that answers only after `write`
// returned never acknowledges a change that a crash could lose. All SQL is parameterised.
// A Register is used by one thread at a time (the Desk serialises calls).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dorsale::service {

// The register can no longer be trusted to keep what it acknowledges (its file was deleted,
// replaced or truncated while serving). Sticky: every later call fails the same way; the desk
// answers 503 and the operator restarts it on a sound register.
class RegisterUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A request's status, an engineer's or requester's action on it, a list's order (spelled
// for the outside world by io/desk_spelling.h, their one table).
enum class RequestStatus { Held, Rejected, Confirmed, Declined, Cancelled, Expired };
enum class Action { Confirm, Decline, Cancel };
enum class SortKey { Submitted, Updated, Id, Status };

// One request as the register keeps it.
struct StoredRequest {
  std::string id;
  std::int64_t seq = 0;        // arrival order (assigned by the register on insert)
  std::string owner;           // token name of who submitted it
  std::string idem_key;        // Idempotency-Key header, or empty
  std::string body_sha256;     // of the submitted body (a key reused with another body: 409)
  std::string request_json;    // the request's fields (a request-file row, id filled)
  RequestStatus status = RequestStatus::Held;
  std::string decision;        // accept, accept_with_works, reject
  std::string evaluation_json; // the engine's evaluation (reasons, option) at submission
  std::int64_t hold_expires = 0;  // epoch seconds; 0 when nothing is held
  std::int64_t created = 0, updated = 0;
};

// Pairs a request takes on a network link (one row per link; `pairs` already summed over the
// routes of a diverse request).
struct Allocation {
  int link = 0;  // index in Network::links()
  int pairs = 0;
};

struct LinkRow {
  int index = 0;
  std::string id;
  int capacity_pairs = 0;       // pairs free on the network before any request of the desk
  int held_pairs = 0;           // by requests in status held
  int committed_pairs = 0;      // by requests in status confirmed
  std::string built_by;         // planned link built by this confirmed request; empty: not built
};

struct AuditEntry {
  std::int64_t at = 0;
  std::string actor, action, request_id, detail;
  std::string reason;  // why (a decline's, a cancel's, ...), or a comment's text; may be empty
};

// One page of the register's list (GET /api/requests): filters, order and where it starts.
struct ListQuery {
  std::string owner;   // "": every owner
  std::optional<RequestStatus> status;  // none: every status
  std::string q;       // "": no search; else a substring of the search text (io::register_sql::search_text)
  SortKey sort = SortKey::Submitted;  // Submitted: arrival order; ties by arrival
  bool desc = true;
  std::int64_t limit = 50;   // rows returned at most; <= 0: every row (the export)
  std::int64_t offset = 0;   // rows skipped first
  // keyset paging: only the rows strictly after (after_key, after_seq) in this order
  bool after = false;
  std::string after_key;     // the sort column's value of the last row seen (unused for submitted)
  std::int64_t after_seq = 0;
};

// The SQL of a page, its search and its indexes: io/register_sql.h.

// The number of requests a list's filters select; `estimate`: estimated, not counted (see
// RegisterTx::total).
struct ListTotal {
  std::int64_t n = 0;
  bool estimate = false;
};

// The id the desk gives its n-th request: "D" and n in 6 digits at least (D000042).
std::string desk_id(std::int64_t n);

// A requester organisation's webhook (set by an engineer). The secret signs each notice
// (HMAC-SHA256), so the desk needs it in clear: the register keeps it sealed with the desk key
// (AES-256-GCM, service/desk_key.h; the key is not in the register) and it is never answered
// back nor logged (only the first characters of its SHA-256, to tell two apart).
struct Webhook {
  std::string organisation;  // a request's `requester`
  std::string url;           // http:// or https://
  std::string secret;  // sealed (DeskKey::seal)
  std::int64_t updated = 0;
};

// One notice of the outbox: a request's state change, for its requester organisation's
// webhook, written in the transaction of the change. `n` orders them (and names the event).
struct Notice {
  std::int64_t n = 0;
  std::string request_id, organisation;
  std::string old_status;  // "" for a new request
  std::string new_status;
  std::int64_t at = 0;     // epoch seconds of the change
  std::string reason;
  std::int64_t attempts = 0;  // deliveries tried so far
  std::string url, secret;    // the organisation's webhook now (due_notices)
  std::string state;          // notices_of: delivered, pending or failing (NoticeCounts)
  std::string last_error;
};

// Per organisation: its webhook and its notices by state. delivered: acknowledged (2xx);
// pending: not tried yet; failing: the last attempt failed (retried after a back-off).
struct NoticeCounts {
  std::string organisation, url;
  std::int64_t updated = 0, delivered = 0, pending = 0, failing = 0;
  std::string last_error;
  std::int64_t last_delivered = 0;  // epoch seconds, 0: never
};

// What one requester holds and has submitted lately (the desk's quotas).
struct Usage {
  std::int64_t open_holds = 0;          // requests in status held
  std::int64_t held_pairs = 0;          // their allocations, summed over links
  std::int64_t recent_submissions = 0;  // requests created after `since`
};

class RegisterTx {
 public:
  virtual ~RegisterTx() = default;
  // The links, with their held / committed pairs summed from the allocations.
  virtual std::vector<LinkRow> links() = 0;
  virtual std::optional<StoredRequest> get(const std::string& id) = 0;
  virtual std::optional<StoredRequest> by_idempotency_key(const std::string& owner, const std::string& key) = 0;
  // Requests in arrival order; empty owner / no status: all.
  virtual std::vector<StoredRequest> list(const std::string& owner, std::optional<RequestStatus> status) = 0;
  // One page of the list, and the number of rows its filters match (keyset and offset aside).
  virtual std::vector<StoredRequest> page(const ListQuery& q) = 0;
  virtual std::int64_t count(const ListQuery& q) = 0;
  // The list's total: count(q), except for a search of 1 or 2 characters (no trigram index
  // serves it: every row would be tested) on more than `sample_rows` rows of its filters, which
  // is estimated from the newest `sample_rows` of them (one bounded scan; see
  // io/register_sql.h, total_sql).
  virtual ListTotal total(const ListQuery& q, std::int64_t sample_rows) = 0;
  // page(page_q) and total(total_q, sample_rows) (PostgreSQL: in one round trip).
  virtual std::pair<std::vector<StoredRequest>, ListTotal> page_and_total(const ListQuery& page_q, const ListQuery& total_q,
                                                                          std::int64_t sample_rows) {
    auto rows = page(page_q);
    return {std::move(rows), total(total_q, sample_rows)};
  }
  // The owner's holds and submissions created after `since` (epoch seconds).
  virtual Usage usage(const std::string& owner, std::int64_t since) = 0;
  // Held requests whose hold ends at or before `now`.
  virtual std::vector<StoredRequest> expired_holds(std::int64_t now) = 0;
  // Inserts the request (its seq is assigned) and its allocations in status `held` or
  // `committed` as the request's status says; returns the seq (SQLite), or 0 (PostgreSQL: the
  // insert goes with the job's other writes, in one round trip, and its seq is not read back).
  virtual std::int64_t insert(const StoredRequest& r, const std::vector<Allocation>& alloc) = 0;
  // The next desk id number: one more than the highest arrival number (seq), which is the number
  // of requests so far unless a PostgreSQL insert was rolled back (its number is skipped).
  virtual std::int64_t next_number() = 0;
  // The id the desk gives a new request: desk_id(next_number()), or of the first number after
  // it that no request's id has taken (a requester may have chosen such an id).
  virtual std::string next_desk_id();
  // The earliest end of a hold (epoch seconds, requests in status held), or -1: none is held.
  virtual std::int64_t next_hold_expiry() = 0;
  // New status; held -> confirmed turns its allocations into commitments; any other status
  // than held / confirmed releases them.
  virtual void set_status(const std::string& id, RequestStatus status, std::int64_t now) = 0;
  virtual void mark_built(int link, const std::string& request_id) = 0;
  virtual void audit(const AuditEntry& e) = 0;
  virtual std::vector<AuditEntry> audit_log(const std::string& request_id) = 0;
  // Webhooks and their outbox. notice(): one row for the change when the organisation has a
  // webhook (else nothing). due_notices(): the oldest undelivered notice of each request whose
  // next attempt is due at `now_ms` (epoch ms), with the webhook's url and secret, lowest n
  // first; each is leased until `lease_until_ms` (another desk instance leaves it meanwhile).
  virtual void set_webhook(const Webhook& w) = 0;
  virtual bool notice(const Notice& n) = 0;  // true: written (the organisation has a webhook)
  // Every undelivered notice due now (a restarted desk retries at once what a killed one had
  // leased or was backing off).
  virtual void release_notices(std::int64_t now_ms) = 0;
  virtual std::vector<Notice> due_notices(std::int64_t now_ms, std::int64_t limit, std::int64_t lease_until_ms) = 0;
  // The result of one attempt: delivered, or failed with `error` and retried at `next_ms`.
  virtual void notice_attempted(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms, std::int64_t now) = 0;
  // The earliest next attempt of a request's oldest undelivered notice (epoch ms), or -1.
  virtual std::int64_t next_notice_ms() = 0;
  virtual std::vector<NoticeCounts> notice_counts() = 0;
  // One request's notices, oldest first, with their state (no url, no secret).
  virtual std::vector<Notice> notices_of(const std::string& request_id) = 0;
  // Runs fn in a savepoint of the transaction: when fn throws, what it did is rolled back
  // (and a statement error it raised no longer aborts the transaction) and the exception
  // goes on; the transaction stays usable for the next call.
  virtual void isolated(const std::function<void()>& fn) = 0;
  // Whether another desk instance wrote the register since this one's last write transaction
  // (so what the desk kept from it, the free pairs, must be read again). A SQLite register is
  // one desk's alone (its lock file): never. PostgreSQL: a version row every writer bumps.
  virtual bool others_wrote() { return false; }
};

class Register {
 public:
  virtual ~Register() = default;
  // Creates the schema if missing and records the network's links; a register made for
  // another network (other link ids or capacities) is refused (InputError naming `db`).
  virtual void open(const std::vector<LinkRow>& links) = 0;
  // One exclusive, durable transaction (see the contract above).
  virtual void write(const std::function<void(RegisterTx&)>& fn) = 0;
  // A read-only snapshot.
  virtual void read(const std::function<void(RegisterTx&)>& fn) = 0;
  virtual std::string describe() const = 0;  // "sqlite:/path" or "postgresql://host/db"
  // Why the register cannot be written durably any more (its file deleted, replaced or
  // truncated), or "" when it can. Thread-safe (the health check calls it).
  virtual std::string problem() const { return ""; }
};

// `target`: a file path (SQLite) or a postgresql:// URL.
std::unique_ptr<Register> open_register(const std::string& target);
std::unique_ptr<Register> make_sqlite_register(const std::string& path);
// `url`: a libpq connection URI (postgresql://user@host:port/db?host=/socket/dir ...).
std::unique_ptr<Register> make_pg_register(const std::string& url);

}  // namespace dorsale::service
