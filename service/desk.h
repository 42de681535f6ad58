#pragma once
// The interconnection desk: the life of a request over a durable register.
//
//   submit -> evaluated (solvers::Interconnect::evaluate on the register's free pairs)
//          -> held for desk.hold_days (accept / accept_with_works) or rejected
//   held   -> confirmed (engineer: the held pairs become committed; a planned link on its
//             route is built, once, by the first confirmed request that needs it)
//          -> declined (engineer) / cancelled (its requester or an engineer) / expired
//   confirmed -> cancelled (pairs released; a link it built stays built)
//
// The free pairs of a link are always its capacity (the pairs free on the scenario's network)
// minus the pairs of held and confirmed requests: the register stores allocations only, and
// every evaluation reads them inside the same exclusive transaction that records the answer.
// Every call that changes the register runs inside one Register::write (expired holds are
// released first), shared with the calls queued meanwhile (group commit), so an answer is
// durable before it is returned; each call runs in its own savepoint, so a call that fails is
// rolled back alone. A call that only reads (get, list, export, history, links, webhooks,
// notices) runs in a read transaction of its own (Register::read), beside the writes, never
// queued behind them.
// Thread-safe: the calls' bodies run one at a time (the engine is not thread-safe).
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "models/parameters.h"
#include "models/region.h"
#include "models/results.h"
#include "service/desk_key.h"
#include "io/desk_records.h"
#include "io/register.h"
#include "solvers/interconnect.h"

namespace dorsale::service {

enum class Role { Requester, Engineer };
const char* role_key(Role r);  // "requester", "engineer"

struct Caller {
  std::string name;
  Role role = Role::Requester;
};

// A refused call: the HTTP status it maps to and the field it is about.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string field, const std::string& what)
      : std::runtime_error(what), status_(status), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string field_;
};

// UTF-8 without control characters (what a path, header or id may hold).
bool is_clean_text(std::string_view text);
// Text a person types (a reason, a comment): at most `max_chars` UTF-8 characters, no control
// character but newline and tab; else ApiError 400 naming `field`.
void check_typed_text(const std::string& field, const std::string& text, std::int64_t max_chars);
// A body that is not UTF-8 is refused (ApiError 400) before it is parsed or stored (the
// register's text columns hold UTF-8; PostgreSQL refuses other bytes).
void check_body_utf8(const std::string& body);

using Clock = std::function<std::int64_t()>;  // epoch seconds
std::int64_t system_clock_seconds();
// iso_time (2026-11-28T17:30:00Z) and the typed answers (RequestAnswer, RequestPage, ...) are in
// io/desk_records.h; io/desk_json.h writes them as the HTTP API's JSON.

class Desk {
 public:
  // The region and the register must outlive the desk. Opens the register for the network.
  Desk(const Region& region, const Parameters& params, Register& reg, Clock clock = system_clock_seconds);

  struct Submitted {
    RequestAnswer answer;
    bool replay = false;  // the Idempotency-Key was seen with the same body: the first answer
  };
  // `body`: one JSON object with the fields of a request-file row (id, submitted and
  // requester optional). ApiError 400 naming the field, 409 for an id or key already used.
  Submitted submit(const Caller& c, const std::string& body, const std::string& idempotency_key);
  // A request CSV (ids required): every row checked first (a bad row: nothing submitted), then
  // submitted in chunks of desk.import_chunk_rows rows, one transaction each.
  // A requester's submissions are held to the desk.quota_* parameters (ApiError 429).

  std::vector<RequestAnswer> import_csv(const Caller& c, const std::string& csv);
  RequestAnswer get(const Caller& c, const std::string& id);
  // The query string of the list and the export, as given (a parameter given twice is kept
  // twice and refused).
  using Query = std::multimap<std::string, std::string>;
  // One page of the requests the caller may see: filters status and q (a substring of id,
  // requester, site or destination), sort (submitted, updated, id, status) and order (asc,
  // desc), limit (desk.list_default_limit, at most desk.list_max_limit), offset or cursor (the
  // next_cursor of the page before: every request exactly once across pages, even while new
  // ones arrive). {"items", "total", "limit", "offset", "sort", "order", "next_cursor"}.
  // ApiError 400 naming the parameter for a value out of range or an unknown parameter.
  RequestPage list(const Caller& c, const Query& query);
  // Every request the list's filters and order select (no paging), as the list's items.
  std::vector<RequestAnswer> export_list(const Caller& c, const Query& query);
  // action: Confirm, Decline (engineer) or Cancel (its requester or an engineer); body:
  // empty or {"reason": "..."} (a decline requires one), kept in the request's history.
  RequestAnswer decide(const Caller& c, const std::string& id, Action action, const std::string& body = "");
  // A comment on a request (its requester or an engineer): body {"text": "..."}.
  AuditEntry comment(const Caller& c, const std::string& id, const std::string& body);
  // Who did what, when and why: {"id", "status", "events": [{at, actor, action, detail, reason}]}
  // (`only`: the events of that action, e.g. "comment").
  RequestHistory history(const Caller& c, const std::string& id, const std::string& only = "");
  // Engineer: declines every held request of `requester` in one transaction; body
  // {"reason": "..."} (required, written into each request's audit log).
  DeclinedHolds decline_holds(const Caller& c, const std::string& requester, const std::string& body);
  // Per link: capacity, held, committed and free pairs, and free_share = free pairs / the
  // cable's pairs (what earlier users, holds and commitments leave; null for a cable of no
  // pairs). query: sort = "" (network order) or "load" (least free share first, ties by id;
  // cables of no pairs last), limit (1 to desk.list_max_limit). ApiError 400 naming the parameter.
  std::vector<LinkLoad> links(const Query& query = {});
  const Network& network() const { return region_.network; }  // the page's map (io::network_json)
  std::vector<AuditEntry> audit(const Caller& c, const std::string& id);
  // The requests the caller may see, in arrival order, answered as `dorsale interconnect`
  // would describe them on the register's current free pairs (decisions.json's content).
  InterconnectionResults export_results(const Caller& c);
  // Webhooks (notices to requester organisations, see service/notifier.h). An engineer sets an
  // organisation's (a request's `requester`) url (http:// or https://) and secret: body
  // {"url", "secret"}; ApiError 400 naming organisation, url or secret, nothing written. The
  // answer and every later one show the url and a fingerprint of the secret, never the secret.
  WebhookSet set_webhook(const Caller& c, const std::string& organisation, const std::string& body);
  // Engineer: per organisation, its url and its notices delivered / pending / failing.
  std::vector<NoticeCounts> webhooks(const Caller& c);
  // A request's notices (its requester or an engineer), oldest first, with their state.
  std::vector<Notice> notices(const Caller& c, const std::string& id);
  // The sender's side: the notices due at now_ms (leased until lease_until_ms), an attempt's
  // result (failed: tried again at next_ms), the earliest next attempt (-1: none waiting),
  // and every waiting notice made due (a sender starting).
  std::vector<Notice> take_notices(std::int64_t now_ms, std::int64_t lease_until_ms);
  void notice_result(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms);
  std::int64_t next_notice_ms();
  void release_notices(std::int64_t now_ms);
  // Called (outside the desk's locks) after a transaction wrote a notice: wakes the sender.
  void on_notice(std::function<void()> fn);
  const Region& region() const { return region_; }
  const Parameters& params() const { return params_; }
  // The key that seals the webhooks' secrets in the register (service/desk_key.h): a random
  // in-memory key until `use_key` (before serving: `dorsale serve` gives its key file's).
  void use_key(const DeskKey& key) { key_ = key; }
  const DeskKey& key() const { return key_; }
  // Why the register cannot be trusted any more, or "" (see Register::problem).
  std::string register_problem() const { return reg_.problem(); }

 private:
  struct Parsed;
  Parsed parse_body(const Caller& c, const std::string& body) const;
  // by: the links' builders when the caller read them already (else read here); id_free: the
  // caller found no request with this id in this transaction already.
  RequestAnswer submit_in(RegisterTx& tx, const Caller& c, InterconnectionRequest req, BodyFields row,
                           const std::string& key, const std::string& sha, std::int64_t now,
                           const std::vector<std::string>* by = nullptr, bool id_free = false);
  void check_quota(RegisterTx& tx, const Caller& c, const std::vector<Allocation>& alloc, bool holds, std::int64_t now);
  void expire(RegisterTx& tx, std::int64_t now);
  solvers::LinkState state_of(const std::vector<LinkRow>& rows) const;
  // The free pairs as the register counts them in the current batch's transaction, read once
  // per batch and kept in step by the batch's own writes.
  const solvers::LinkState& state(RegisterTx& tx);
  // A stored request's fields, parsed once and kept (any thread).
  std::shared_ptr<const InterconnectionRequest> request_of(const StoredRequest& s);
  // Per link, the id of the confirmed request that built it ("" when none); read with the
  // free pairs (state), once per batch and again after a change resets them.
  const std::vector<std::string>& builders(RegisterTx& tx);
  // The decision record of a stored request: its evaluation, the planned links it built.
  InterconnectionDecision describe(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders);
  InterconnectionDecision describe(const StoredRequest& s, const InterconnectionRequest& r, solvers::Evaluation e,
                                   const solvers::LinkState& state, const std::vector<std::string>& builders) const;
  RequestAnswer answer_of(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders);
  // The answer of a request as it is being submitted: from its fields, evaluation and row as
  // they are in memory (nothing read back, parsed again or re-evaluated).
  RequestAnswer answer(const StoredRequest& s, const InterconnectionRequest& r, const solvers::Evaluation& e, BodyFields row,
                        const solvers::LinkState& state, const std::vector<std::string>& builders) const;
  // A read transaction (Register::read: never queued behind the writes) with the free pairs
  // and builders it reads; when a hold ended since the last write, the write path instead (it
  // expires them first, as every answer shows them).
  struct View {
    solvers::LinkState state;
    std::vector<std::string> builders;
  };
  void read(const std::function<void(RegisterTx&, const View&)>& fn);
  View view_of(const std::vector<LinkRow>& rows) const;
  StoredRequest visible(RegisterTx& tx, const Caller& c, const std::string& id);
  ListQuery list_query(const Caller& c, const Query& query, bool paging) const;
  // An optional {"reason"} body (required: 400 when missing).
  std::string reason_of(const std::string& body, bool required) const;
  // A state change of request `id` (requester organisation `org`) into the outbox.
  void notify(RegisterTx& tx, const std::string& id, const std::string& org, const std::string& from, const std::string& to,
              std::int64_t now, const std::string& reason);
  // One job in a write transaction, shared with the jobs queued meanwhile (group commit).
  void write(const std::function<void(RegisterTx&, std::int64_t)>& fn);
  struct Job {
    const std::function<void(RegisterTx&, std::int64_t)>& fn;
    std::exception_ptr error;
    bool done = false;
  };
  void run_batch(const std::vector<Job*>& batch);

  const Region& region_;
  Parameters params_;
  Register& reg_;
  Clock clock_;
  DeskKey key_ = DeskKey::random();
  solvers::Interconnect ic_;
  solvers::LinkState initial_;
  std::optional<solvers::LinkState> state_;
  std::vector<std::string> builders_;  // read with state_
  // The earliest end of a hold (-1: none held) as of the last look, kept by the submissions
  // since: a batch looks for expired holds only once it is due. None: not known (look).
  std::optional<std::int64_t> next_expiry_;
  std::mutex parsed_mu_;  // parsed_ is shared by the writer and the readers
  std::map<std::string, std::shared_ptr<const InterconnectionRequest>> parsed_;  // immutable once stored: a cache
  // Only the leader of a batch runs jobs: the engine, the cache and the register are used by
  // one thread at a time.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Job*> queue_;
  bool leading_ = false;
  bool noticed_ = false;  // the batch running wrote a notice (the leader's)
  std::mutex hook_mu_;
  std::function<void()> on_notice_;
};

}  // namespace dorsale::service
