#include "service/desk.h"
#include "io/spelling.h"

#include <algorithm>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <ctime>
#include <regex>
#include <set>

#include "io/desk_json.h"
#include "io/desk_spelling.h"
#include "io/register_evaluation.h"
#include "models/error.h"
#include "planner/interconnect.h"
#include "io/requests.h"
#include "io/text.h"
#include "service/tokens.h"

namespace dorsale::service {

const char* role_key(Role r) { return r == Role::Engineer ? "engineer" : "requester"; }

std::int64_t system_clock_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {


std::vector<Allocation> allocations_of(const solvers::Evaluation& e, int pairs) {
  std::map<int, int> per_link;
  if (e.decision != Decision::Reject && e.option)
    for (const auto& r : e.option->routes)
      for (int l : r.links) per_link[l] += pairs;
  std::vector<Allocation> out;
  for (const auto& [l, p] : per_link) out.push_back({l, p});
  return out;
}

bool safe_id(const std::string& id) {
  static const std::regex re(R"([A-Za-z0-9][A-Za-z0-9._:-]{0,63})");
  return std::regex_match(id, re);
}

}  // namespace

bool is_clean_text(std::string_view text) {
  try {
    scenarios::check_utf8(text, "");
  } catch (const InputError&) {
    return false;
  }
  return std::none_of(text.begin(), text.end(), [](char ch) { return (unsigned char)ch < 0x20 || ch == 0x7F; });
}

// Text a person types (a reason, a comment): UTF-8, no control character but newline and tab.
void check_typed_text(const std::string& field, const std::string& text, std::int64_t max_chars) {
  std::int64_t chars = 0;
  for (unsigned char ch : text) chars += (ch & 0xC0) != 0x80;
  if (chars > max_chars)
    throw ApiError(400, field, fmt::format("the {} has {} characters, more than {} (desk.{}_max_chars)", field, chars, max_chars,
                                           field == "text" ? "comment" : field));
  for (unsigned char ch : text)
    if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7F)
      throw ApiError(400, field, fmt::format("the {} holds a control character (only newlines and tabs are kept)", field));
}

void check_body_utf8(const std::string& body) {
  try {
    scenarios::check_utf8(body, "body");
  } catch (const InputError& e) {
    throw ApiError(400, "body", e.what());
  }
}

struct Desk::Parsed {
  InterconnectionRequest request;
  BodyFields row;        // the row as stored (id, submitted, requester filled)
  bool desk_id = false;  // the desk assigns the id
};

Desk::Desk(const Region& region, const Parameters& params, Register& reg, Clock clock)
    : region_(region),
      params_(params),
      reg_(reg),
      clock_(std::move(clock)),
      ic_(region.network, planner::interconnect_params(params)),
      initial_(solvers::LinkState::of(region.network)) {
  std::vector<LinkRow> rows;
  for (std::size_t i = 0; i < region.network.links().size(); ++i)
    rows.push_back({int(i), region.network.links()[i].id, initial_.free[i], 0, 0, ""});
  reg_.open(rows);
}

// Group commit: callers queue their job; whichever finds no batch running becomes the leader,
// runs every queued job in one transaction and commits once (one fsync for the batch), then
// wakes the others. A job's ApiError is raised before it writes anything (every check comes
// first), so it fails alone; any other error rolls the whole batch back and fails every job
// in it: nothing is answered before the commit that makes it durable.
void Desk::write(const std::function<void(RegisterTx&, std::int64_t)>& fn) {
  Job job{fn, nullptr, false};
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&job);
  while (!job.done) {
    if (leading_) {
      queue_cv_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<Job*> batch;
    batch.swap(queue_);
    lock.unlock();
    noticed_ = false;
    run_batch(batch);
    if (noticed_) {
      std::lock_guard hook(hook_mu_);
      if (on_notice_) on_notice_();
    }
    lock.lock();
    for (Job* j : batch) j->done = true;
    leading_ = false;
    queue_cv_.notify_all();
  }
  if (job.error) std::rethrow_exception(job.error);
}

void Desk::run_batch(const std::vector<Job*>& batch) {
  const std::int64_t now = clock_();
  try {
    reg_.write([&](RegisterTx& tx) {
      // The free pairs kept from the last batch are still true unless another desk instance
      // wrote since (every change of this desk keeps them or resets them; a failed batch
      // resets them).
      if (tx.others_wrote()) {
        state_.reset();
        next_expiry_.reset();
      }
      // the expired holds are looked for only when one may have ended (no statement else)
      if (!next_expiry_ || (*next_expiry_ >= 0 && *next_expiry_ <= now)) {
        expire(tx, now);
        next_expiry_ = tx.next_hold_expiry();
      }
      for (Job* j : batch) {
        // Each job in its own savepoint: a job that fails (a refused call, or a statement the
        // database refused) is rolled back alone and the batch's other jobs still commit.
        try {
          tx.isolated([&] { j->fn(tx, now); });
        } catch (const ApiError&) {
          j->error = std::current_exception();
        } catch (const RegisterUnavailable&) {
          throw;
        } catch (const std::exception&) {
          j->error = std::current_exception();
          parsed_.clear();  // the caches may hold what the job's savepoint rolled back
          state_.reset();
          next_expiry_.reset();
        }
      }
    });
  } catch (...) {
    parsed_.clear();  // it may hold requests of the rolled-back transaction
    state_.reset();
    next_expiry_.reset();
    for (Job* j : batch) j->error = std::current_exception();
  }
}

void Desk::expire(RegisterTx& tx, std::int64_t now) {
  for (const auto& r : tx.expired_holds(now)) {
    tx.set_status(r.id, RequestStatus::Expired, now);
    state_.reset();
    tx.audit({now, "desk", "expire", r.id, "hold ended " + iso_time(r.hold_expires)});
    notify(tx, r.id, request_of(r)->requester, "held", "expired", now, "hold ended " + iso_time(r.hold_expires));
  }
}

Desk::View Desk::view_of(const std::vector<LinkRow>& rows) const {
  View v{state_of(rows), std::vector<std::string>(region_.network.links().size())};
  for (const auto& r : rows) v.builders[std::size_t(r.index)] = r.built_by;
  return v;
}

void Desk::read(const std::function<void(RegisterTx&, const View&)>& fn) {
  bool expired = false;
  reg_.read([&](RegisterTx& tx) {
    // a hold that ended since the last write is shown expired: the write path expires it first
    if (!tx.expired_holds(clock_()).empty()) {
      expired = true;
      return;
    }
    fn(tx, view_of(tx.links()));
  });
  if (expired)
    write([&](RegisterTx& tx, std::int64_t now) {
      expire(tx, now);  // done already unless what the batch kept of the earliest hold was wrong
      next_expiry_ = tx.next_hold_expiry();
      const View v{state(tx), builders(tx)};
      fn(tx, v);
    });
}

const solvers::LinkState& Desk::state(RegisterTx& tx) {
  if (!state_) {
    const auto rows = tx.links();
    state_ = state_of(rows);
    builders_.assign(region_.network.links().size(), std::string());
    for (const auto& r : rows) builders_[std::size_t(r.index)] = r.built_by;
  }
  return *state_;
}

solvers::LinkState Desk::state_of(const std::vector<LinkRow>& rows) const {
  solvers::LinkState s = initial_;
  for (const auto& r : rows) {
    s.free[r.index] = r.capacity_pairs - r.held_pairs - r.committed_pairs;
    if (!r.built_by.empty()) s.built[r.index] = 1;
  }
  return s;
}

Desk::Parsed Desk::parse_body(const Caller& c, const std::string& body) const {
  std::string malformed;
  auto j = io::parse_body_object(body, &malformed);
  if (!malformed.empty()) throw ApiError(400, "body", "malformed JSON: " + malformed);
  if (!j) throw ApiError(400, "body", "expected one JSON object (a request)");
  Parsed p;
  const auto id = j->find("id");
  if (id == j->end() || id->second.kind == BodyValue::Kind::Null || (id->second.is_text() && id->second.text.empty())) {
    (*j)["id"] = BodyValue::of("pending");
    p.desk_id = true;
  } else if (!id->second.is_text() || !safe_id(id->second.text)) {
    throw ApiError(400, "id", "an id is 1-64 characters from A-Z a-z 0-9 . _ : - (not starting with a sign)");
  }
  const auto missing = [&](const char* name) { return !j->count(name) || j->at(name).kind == BodyValue::Kind::Null; };
  if (missing("submitted")) (*j)["submitted"] = BodyValue::of(iso_time(clock_()).substr(0, 10));
  if (missing("requester")) (*j)["requester"] = BodyValue::of(c.name);
  // the fields as a request file's row (read once: no dump and parse again)
  for (const auto& [name, v] : *j)
    if (v.kind == BodyValue::Kind::Other)
      throw ApiError(400, name, fmt::format("POST /api/requests request 1: {}: expected a string or a number", name));
  try {
    p.request = scenarios::request_from_fields(io::row_fields(*j), "POST /api/requests request 1", region_.network);
  } catch (const InputError& e) {
    throw ApiError(400, e.field().empty() ? "body" : e.field(), e.what());
  }
  p.row = std::move(*j);
  return p;
}

std::shared_ptr<const InterconnectionRequest> Desk::request_of(const StoredRequest& s) {
  {
    std::lock_guard lock(parsed_mu_);
    if (auto it = parsed_.find(s.id); it != parsed_.end()) return it->second;
  }
  auto reqs = scenarios::parse_requests("[" + s.request_json + "]", "register", true, region_.network);
  auto r = std::make_shared<const InterconnectionRequest>(std::move(reqs.at(0)));
  std::lock_guard lock(parsed_mu_);
  return parsed_.emplace(s.id, std::move(r)).first->second;
}

const std::vector<std::string>& Desk::builders(RegisterTx& tx) {
  state(tx);
  return builders_;
}

InterconnectionDecision Desk::describe(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders) {
  return describe(s, *request_of(s), io::evaluation_from_text(s.evaluation_json), state, builders);
}

InterconnectionDecision Desk::describe(const StoredRequest& s, const InterconnectionRequest& r, solvers::Evaluation e,
                                       const solvers::LinkState& state, const std::vector<std::string>& builders) const {
  // as the register keeps an evaluation (evaluation_json): what it builds and the free pairs
  // after it are the register's now, whether just evaluated or read back
  e.builds.clear();
  e.free_after.clear();
  if (e.option)  // the planned links this (confirmed) request builds, in route order as the queues list them
    for (const auto& route : e.option->routes)
      for (int l : route.links)
        if (builders[std::size_t(l)] == s.id && std::find(e.builds.begin(), e.builds.end(), l) == e.builds.end()) e.builds.push_back(l);
  return ic_.describe(r, e, state, builders);
}

RequestAnswer Desk::answer_of(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders) {
  return answer(s, *request_of(s), io::evaluation_from_text(s.evaluation_json), io::row_from_text(s.request_json), state, builders);
}

RequestAnswer Desk::answer(const StoredRequest& s, const InterconnectionRequest& r, const solvers::Evaluation& e, BodyFields row,
                           const solvers::LinkState& state, const std::vector<std::string>& builders) const {
  RequestAnswer a;
  a.request = r;
  a.decision = describe(s, r, e, state, builders);
  a.status = s.status;
  a.owner = s.owner;
  a.hold_expires = s.hold_expires;
  a.created = s.created;
  a.updated = s.updated;
  a.row = std::move(row);
  return a;
}

// A requester's quotas (engineers have none): submissions in the last minute, and what the
// new request would hold on top of their holds. ApiError 429 naming the parameter.
void Desk::check_quota(RegisterTx& tx, const Caller& c, const std::vector<Allocation>& alloc, bool holds, std::int64_t now) {
  if (c.role == Role::Engineer) return;
  const auto& q = params_.desk;
  const Usage u = tx.usage(c.name, now - 60);
  if (u.recent_submissions + 1 > q.quota_submissions_per_minute)
    throw ApiError(429, "quota", fmt::format("'{}' made {} submissions in the last minute (desk.quota_submissions_per_minute = {}): try again later",
                                             c.name, u.recent_submissions, q.quota_submissions_per_minute));
  if (!holds) return;
  if (u.open_holds + 1 > q.quota_open_holds)
    throw ApiError(429, "quota", fmt::format("'{}' has {} requests held (desk.quota_open_holds = {}): have some confirmed or cancel them first",
                                             c.name, u.open_holds, q.quota_open_holds));
  std::int64_t more = 0;
  for (const auto& a : alloc) more += a.pairs;
  if (u.held_pairs + more > q.quota_held_pairs)
    throw ApiError(429, "quota", fmt::format("'{}' holds {} pairs x links and this request would hold {} more (desk.quota_held_pairs = {}): "
                                             "have some confirmed or cancel them first",
                                             c.name, u.held_pairs, more, q.quota_held_pairs));
}

RequestAnswer Desk::submit_in(RegisterTx& tx, const Caller& c, InterconnectionRequest req, BodyFields row,
                     const std::string& key, const std::string& sha, std::int64_t now, const std::vector<std::string>* by,
                     bool id_free) {
  if (!id_free && tx.get(req.id)) throw ApiError(409, "id", fmt::format("request id '{}' is already in the register", req.id));
  const solvers::Evaluation e = ic_.evaluate(req, state(tx));
  const auto alloc = allocations_of(e, req.pairs);
  check_quota(tx, c, alloc, e.decision != Decision::Reject, now);
  StoredRequest s;
  s.id = req.id;
  s.owner = c.name;
  s.idem_key = key;
  s.body_sha256 = sha;
  s.request_json = io::row_text(row);  // written once
  s.decision = io::spell(e.decision);
  s.status = e.decision == Decision::Reject ? RequestStatus::Rejected : RequestStatus::Held;
  s.evaluation_json = io::evaluation_text(e);
  s.hold_expires = e.decision == Decision::Reject ? 0 : now + std::int64_t(std::llround(params_.desk.hold_days * 86400));
  s.created = s.updated = now;
  s.seq = tx.insert(s, alloc);
  if (s.status == RequestStatus::Held && next_expiry_ && (*next_expiry_ < 0 || s.hold_expires < *next_expiry_))
    next_expiry_ = s.hold_expires;  // the earliest end of a hold, kept true
  for (const auto& a : alloc) state_->free[a.link] -= a.pairs;  // as the register now counts them
  tx.audit({now, c.name, "submit", s.id, fmt::format("{} -> {}", s.decision, io::status_key(s.status))});
  notify(tx, s.id, req.requester, "", io::status_key(s.status), now, "");
  RequestAnswer a = answer(s, req, e, std::move(row), state(tx), by ? *by : builders(tx));  // evaluated once, not read back
  std::lock_guard lock(parsed_mu_);
  parsed_.emplace(s.id, std::make_shared<const InterconnectionRequest>(std::move(req)));
  return a;
}

Desk::Submitted Desk::submit(const Caller& c, const std::string& body, const std::string& key) {
  if (key.size() > 200) throw ApiError(400, "Idempotency-Key", "an idempotency key has at most 200 characters");
  if (!is_clean_text(key)) throw ApiError(400, "Idempotency-Key", "an idempotency key is UTF-8 text without control characters");
  check_body_utf8(body);
  Parsed p = parse_body(c, body);
  const std::string sha = sha256_hex_of(body);
  Submitted out;
  write([&](RegisterTx& tx, std::int64_t now) {
    if (!key.empty()) {
      if (auto old = tx.by_idempotency_key(c.name, key)) {
        if (old->body_sha256 != sha)
          throw ApiError(409, "Idempotency-Key", "this key was used with another request body");
        out.replay = true;
        out.answer = answer_of(*old, state(tx), builders(tx));
        return;
      }
    }
    BodyFields row = std::move(p.row);  // the job runs once
    InterconnectionRequest req = p.request;
    if (p.desk_id) {
      req.id = tx.next_desk_id();
      row["id"] = BodyValue::of(req.id);
    }
    out.answer = submit_in(tx, c, std::move(req), std::move(row), key, sha, now, nullptr, p.desk_id);
  });
  return out;
}

std::vector<RequestAnswer> Desk::import_csv(const Caller& c, const std::string& csv) {
  check_body_utf8(csv);
  std::vector<InterconnectionRequest> reqs;
  try {
    reqs = scenarios::parse_requests(csv, "import", false, region_.network);
  } catch (const InputError& e) {
    throw ApiError(400, e.field().empty() ? "body" : e.field(), e.what());
  }
  for (const auto& r : reqs)
    if (!safe_id(r.id)) throw ApiError(400, "id", fmt::format("line {}: '{}' is not a desk id (A-Z a-z 0-9 . _ : -, 64 at most)", r.line, r.id));
  // In chunks of desk.import_chunk_rows, each its own job of the group commit: the other calls
  // are answered between two chunks instead of waiting for the whole file.
  std::vector<RequestAnswer> out;
  const std::size_t chunk = std::size_t(std::max<long>(1, params_.desk.import_chunk_rows));
  for (std::size_t from = 0; from < reqs.size(); from += chunk) {
    const std::size_t to = std::min(reqs.size(), from + chunk);
    std::vector<RequestAnswer> answers;
    try {
      write([&](RegisterTx& tx, std::int64_t now) {
        // every check before the first write (see Desk::write): all ids with the first chunk,
        // the chunk's own again (another call may have taken one since)
        for (std::size_t k = from; k < (from == 0 ? reqs.size() : to); ++k)
          if (tx.get(reqs[k].id))
            throw ApiError(409, "id", fmt::format("line {}: request id '{}' is already in the register", reqs[k].line, reqs[k].id));
        const auto by = builders(tx);  // submissions build nothing: read once per chunk
        for (std::size_t k = from; k < to; ++k) {
          const auto& r = reqs[k];
          BodyFields row = {{"id", BodyValue::of(r.id)},
                            {"requester", BodyValue::of(r.requester)},
                            {"pairs", BodyValue::of_int(r.pairs)},
                            {"protection", BodyValue::of(io::spell(r.protection))},
                            {"horizon_years", BodyValue::of_int(r.horizon_years)},
                            {"submitted", BodyValue::of(r.submitted)},
                            {"value", BodyValue::of_real(r.value)}};
          if (!r.site_node.empty()) row["site"] = BodyValue::of(r.site_node);
          else row["lon"] = BodyValue::of_real(r.site_pos->lon), row["lat"] = BodyValue::of_real(r.site_pos->lat);
          row["destination"] = BodyValue::of(r.destination.kind == Destination::Kind::AnyDorsalePop ? "dorsale" : r.destination.id);
          if (r.max_latency_ms) row["max_latency_ms"] = BodyValue::of_real(*r.max_latency_ms);
          try {
            const std::string sha = sha256_hex_of(io::row_text(row));
            answers.push_back(submit_in(tx, c, r, std::move(row), "", sha, now, &by));
          } catch (const ApiError& e) {
            throw ApiError(e.status(), e.field(), fmt::format("line {}: {}", r.line, e.what()));
          }
        }
      });
    } catch (const ApiError& e) {
      if (from == 0) throw;  // nothing was submitted
      throw ApiError(e.status(), e.field(),
                     fmt::format("{} (the import stopped there: its first {} rows, up to line {}, were submitted)", e.what(), from,
                                 reqs[from - 1].line));
    }
    for (auto& a : answers) out.push_back(std::move(a));
  }
  return out;
}

DeclinedHolds Desk::decline_holds(const Caller& c, const std::string& requester, const std::string& body) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may decline a requester's holds");
  const std::string reason = reason_of(body, true);
  DeclinedHolds out{requester, {}, reason};
  write([&](RegisterTx& tx, std::int64_t now) {
    for (const auto& s : tx.list(requester, RequestStatus::Held)) {
      tx.set_status(s.id, RequestStatus::Declined, now);
      tx.audit({now, c.name, "decline", s.id, "held -> declined (all holds of " + requester + "): " + reason, reason});
      notify(tx, s.id, request_of(s)->requester, "held", "declined", now, reason);
      out.declined.push_back(s.id);
    }
    state_.reset();
  });
  return out;
}

// Another requester's request is answered as a missing one (404, the same message): the
// answer does not tell which ids exist. An id no request can have (not a desk id: a NUL, bytes
// that are not UTF-8, ...) is not looked up, so it cannot be cut or refused by the database.
StoredRequest Desk::visible(RegisterTx& tx, const Caller& c, const std::string& id) {
  const auto missing = [&] {
    return ApiError(404, "id", safe_id(id) ? fmt::format("no request '{}' in the register", id) : std::string("no such request in the register"));
  };
  if (!safe_id(id)) throw missing();
  auto s = tx.get(id);
  if (!s || (c.role != Role::Engineer && s->owner != c.name)) throw missing();
  return *s;
}

RequestAnswer Desk::get(const Caller& c, const std::string& id) {
  RequestAnswer out;
  read([&](RegisterTx& tx, const View& v) { out = answer_of(visible(tx, c, id), v.state, v.builders); });
  return out;
}

std::string Desk::reason_of(const std::string& body, bool required) const {
  check_body_utf8(body);
  std::string reason;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    const auto j = io::parse_body_object(body);
    if (!j) throw ApiError(400, "body", "expected nothing or one JSON object {\"reason\": \"...\"}");
    for (const auto& [k, v] : *j)
      if (k != "reason") throw ApiError(400, k, fmt::format("'{}' is not a field of this call (only reason)", k));
    if (const auto it = j->find("reason"); it != j->end() && it->second.kind != BodyValue::Kind::Null) {
      if (!it->second.is_text()) throw ApiError(400, "reason", "a reason is a string");
      reason = it->second.text;
    }
  }
  check_typed_text("reason", reason, params_.desk.reason_max_chars);
  if (required && reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError(400, "reason", "a reason is required ({\"reason\": \"...\"}): the requester reads it in the request's history");
  return reason;
}

RequestAnswer Desk::decide(const Caller& c, const std::string& id, Action action, const std::string& body) {
  const RequestStatus next = action == Action::Confirm ? RequestStatus::Confirmed
                             : action == Action::Decline ? RequestStatus::Declined
                                                         : RequestStatus::Cancelled;
  const std::string reason = reason_of(body, action == Action::Decline);
  RequestAnswer out;
  write([&](RegisterTx& tx, std::int64_t now) {
    const StoredRequest s = visible(tx, c, id);
    if (action != Action::Cancel && c.role != Role::Engineer)
      throw ApiError(403, "role", fmt::format("only an engineer may {} a request", io::action_key(action)));
    const bool ok = s.status == RequestStatus::Held || (action == Action::Cancel && s.status == RequestStatus::Confirmed);
    if (!ok)
      throw ApiError(409, "status", fmt::format("request '{}' is {}: it cannot be {}", id, io::status_key(s.status), io::status_key(next)));
    tx.set_status(id, next, now);
    state_.reset();
    if (action == Action::Confirm) {
      const auto e = io::evaluation_from_text(s.evaluation_json);
      for (const auto& r : e.option->routes)
        for (int l : r.links)
          if (!initial_.built[l]) tx.mark_built(l, id);  // only the first confirmed request builds it
    }
    tx.audit({now, c.name, io::action_key(action), id, fmt::format("{} -> {}", io::status_key(s.status), io::status_key(next)), reason});
    notify(tx, id, request_of(s)->requester, io::status_key(s.status), io::status_key(next), now, reason);
    out = answer_of(*tx.get(id), state(tx), builders(tx));
  });
  return out;
}

AuditEntry Desk::comment(const Caller& c, const std::string& id, const std::string& body) {
  check_body_utf8(body);
  const auto j = io::parse_body_object(body.empty() ? "null" : body);
  if (!j) throw ApiError(400, "body", "expected one JSON object {\"text\": \"...\"}");
  for (const auto& [k, v] : *j)
    if (k != "text") throw ApiError(400, k, fmt::format("'{}' is not a field of a comment (only text)", k));
  const auto it = j->find("text");
  if (it == j->end() || !it->second.is_text() || it->second.text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError(400, "text", "a comment needs a text ({\"text\": \"...\"})");
  const std::string text = it->second.text;
  check_typed_text("text", text, params_.desk.comment_max_chars);
  AuditEntry out;
  write([&](RegisterTx& tx, std::int64_t now) {
    visible(tx, c, id);
    out = {now, c.name, "comment", id, "", text};
    tx.audit(out);
  });
  return out;
}

}  // namespace dorsale::service
