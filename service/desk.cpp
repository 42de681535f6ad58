#include "service/desk.h"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <ctime>
#include <regex>
#include <set>

#include "io/desk_spelling.h"
#include "io/register_evaluation.h"
#include "models/error.h"
#include "planner/interconnect.h"
#include "io/requests.h"
#include "io/text.h"
#include "io/interconnect_writer.h"

namespace dorsale::service {

using nlohmann::json;

const char* role_key(Role r) { return r == Role::Engineer ? "engineer" : "requester"; }

std::int64_t system_clock_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso_time(std::int64_t t) {
  const std::time_t tt = std::time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

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

namespace {

// A body that is not UTF-8 is refused before it is parsed or stored (the register's text
// columns hold UTF-8; PostgreSQL refuses other bytes).
void check_body_utf8(const std::string& body) {
  try {
    scenarios::check_utf8(body, "body");
  } catch (const InputError& e) {
    throw ApiError(400, "body", e.what());
  }
}

}  // namespace

struct Desk::Parsed {
  InterconnectionRequest request;
  json row;              // the row as stored (id, submitted, requester filled)
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
      if (tx.others_wrote()) state_.reset();
      expire(tx, now);
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
        }
      }
    });
  } catch (...) {
    parsed_.clear();  // it may hold requests of the rolled-back transaction
    state_.reset();
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
    write([&](RegisterTx& tx, std::int64_t) {
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
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    throw ApiError(400, "body", std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw ApiError(400, "body", "expected one JSON object (a request)");
  Parsed p;
  if (!j.contains("id") || j["id"].is_null() || j["id"] == "") {
    j["id"] = "pending";
    p.desk_id = true;
  } else if (!j["id"].is_string() || !safe_id(j["id"].get<std::string>())) {
    throw ApiError(400, "id", "an id is 1-64 characters from A-Z a-z 0-9 . _ : - (not starting with a sign)");
  }
  if (!j.contains("submitted") || j["submitted"].is_null()) j["submitted"] = iso_time(clock_()).substr(0, 10);
  if (!j.contains("requester") || j["requester"].is_null()) j["requester"] = c.name;
  // the fields as a request file's row (read once: no dump and parse again)
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, v] : j.items()) {
    if (v.is_string()) fields.emplace_back(name, v.get<std::string>());
    else if (v.is_number()) fields.emplace_back(name, v.dump());
    else if (v.is_null()) fields.emplace_back(name, "");
    else throw ApiError(400, name, fmt::format("POST /api/requests request 1: {}: expected a string or a number", name));
  }
  try {
    p.request = scenarios::request_from_fields(fields, "POST /api/requests request 1", region_.network);
  } catch (const InputError& e) {
    throw ApiError(400, e.field().empty() ? "body" : e.field(), e.what());
  }
  p.row = std::move(j);
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

json Desk::answer_of(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders) {
  return answer(s, *request_of(s), io::evaluation_from_text(s.evaluation_json), json::parse(s.request_json), state, builders);
}

json Desk::answer(const StoredRequest& s, const InterconnectionRequest& r, const solvers::Evaluation& e, json row,
                  const solvers::LinkState& state, const std::vector<std::string>& builders) const {
  InterconnectionResults res;
  res.requests.push_back(r);
  res.decisions.push_back(describe(s, r, e, state, builders));
  json a = viz::decisions_json(res).at(0);
  a["status"] = io::status_key(s.status);
  a["owner"] = s.owner;
  a["hold_expires"] = s.hold_expires > 0 ? json(iso_time(s.hold_expires)) : json(nullptr);
  a["created"] = iso_time(s.created);
  a["updated"] = iso_time(s.updated);
  a["request"] = std::move(row);
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

json Desk::submit_in(RegisterTx& tx, const Caller& c, InterconnectionRequest req, json row,
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
  s.request_json = row.dump();  // written once
  s.decision = decision_key(e.decision);
  s.status = e.decision == Decision::Reject ? RequestStatus::Rejected : RequestStatus::Held;
  s.evaluation_json = io::evaluation_text(e);
  s.hold_expires = e.decision == Decision::Reject ? 0 : now + std::int64_t(std::llround(params_.desk.hold_days * 86400));
  s.created = s.updated = now;
  s.seq = tx.insert(s, alloc);
  for (const auto& a : alloc) state_->free[a.link] -= a.pairs;  // as the register now counts them
  tx.audit({now, c.name, "submit", s.id, fmt::format("{} -> {}", s.decision, io::status_key(s.status))});
  notify(tx, s.id, req.requester, "", io::status_key(s.status), now, "");
  json a = answer(s, req, e, std::move(row), state(tx), by ? *by : builders(tx));  // evaluated once, not read back
  std::lock_guard lock(parsed_mu_);
  parsed_.emplace(s.id, std::make_shared<const InterconnectionRequest>(std::move(req)));
  return a;
}

Desk::Submitted Desk::submit(const Caller& c, const std::string& body, const std::string& key) {
  if (key.size() > 200) throw ApiError(400, "Idempotency-Key", "an idempotency key has at most 200 characters");
  if (!is_clean_text(key)) throw ApiError(400, "Idempotency-Key", "an idempotency key is UTF-8 text without control characters");
  check_body_utf8(body);
  Parsed p = parse_body(c, body);
  const std::string sha = sha256_hex(body);
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
    json row = std::move(p.row);  // the job runs once
    InterconnectionRequest req = p.request;
    if (p.desk_id) {
      std::int64_t n = tx.next_number();
      while (tx.get(fmt::format("D{:06}", n))) ++n;
      req.id = fmt::format("D{:06}", n);
      row["id"] = req.id;
    }
    out.answer = submit_in(tx, c, std::move(req), std::move(row), key, sha, now, nullptr, p.desk_id);
  });
  return out;
}

json Desk::import_csv(const Caller& c, const std::string& csv) {
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
  json out = json::array();
  const std::size_t chunk = std::size_t(std::max<long>(1, params_.desk.import_chunk_rows));
  for (std::size_t from = 0; from < reqs.size(); from += chunk) {
    const std::size_t to = std::min(reqs.size(), from + chunk);
    json answers = json::array();
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
          json row = {{"id", r.id}, {"requester", r.requester}, {"pairs", r.pairs}, {"protection", protection_key(r.protection)},
                      {"horizon_years", r.horizon_years}, {"submitted", r.submitted}, {"value", r.value}};
          if (!r.site_node.empty()) row["site"] = r.site_node;
          else row["lon"] = r.site_pos->lon, row["lat"] = r.site_pos->lat;
          row["destination"] = r.destination.kind == Destination::Kind::AnyDorsalePop ? "dorsale" : r.destination.id;
          if (r.max_latency_ms) row["max_latency_ms"] = *r.max_latency_ms;
          try {
            const std::string sha = sha256_hex(row.dump());
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

json Desk::decline_holds(const Caller& c, const std::string& requester, const std::string& body) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may decline a requester's holds");
  const std::string reason = reason_of(body, true);
  json ids = json::array();
  write([&](RegisterTx& tx, std::int64_t now) {
    for (const auto& s : tx.list(requester, RequestStatus::Held)) {
      tx.set_status(s.id, RequestStatus::Declined, now);
      tx.audit({now, c.name, "decline", s.id, "held -> declined (all holds of " + requester + "): " + reason, reason});
      notify(tx, s.id, request_of(s)->requester, "held", "declined", now, reason);
      ids.push_back(s.id);
    }
    state_.reset();
  });
  return {{"requester", requester}, {"declined", ids}, {"reason", reason}};
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

json Desk::get(const Caller& c, const std::string& id) {
  json out;
  read([&](RegisterTx& tx, const View& v) { out = answer_of(visible(tx, c, id), v.state, v.builders); });
  return out;
}

namespace {

// A count given in a query: digits only, within [lo, hi]; ApiError 400 naming the parameter.
std::int64_t count_param(const std::string& name, const std::string& v, std::int64_t lo, std::int64_t hi) {
  if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos || std::stoll(v) < lo || std::stoll(v) > hi)
    throw ApiError(400, name, fmt::format("'{}' is not a whole number from {} to {}", v.substr(0, 40), lo, hi));
  return std::stoll(v);
}

// The cursor of the page after `last`: sort~order~seq~key (opaque to clients).
std::string cursor_of(const ListQuery& q, const StoredRequest& last) {
  std::string key;
  switch (q.sort) {
    case SortKey::Submitted: break;
    case SortKey::Updated: key = std::to_string(last.updated); break;
    case SortKey::Id: key = last.id; break;
    case SortKey::Status: key = io::status_key(last.status); break;
  }
  return fmt::format("{}~{}~{}~{}", io::sort_key(q.sort), q.desc ? "desc" : "asc", last.seq, key);
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

}  // namespace

ListQuery Desk::list_query(const Caller& c, const Query& query, bool paging) const {
  static const std::set<std::string> known = {"status", "q", "sort", "order", "limit", "offset", "cursor"};
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : query) {
    if (!known.count(k)) throw ApiError(400, k, fmt::format("'{}' is not a parameter of this list (status, q, sort, order, limit, offset, cursor)", k));
    if (!paging && (k == "limit" || k == "offset" || k == "cursor"))
      throw ApiError(400, k, "the export holds every request the filters select: limit, offset and cursor page the list (GET /api/requests)");
    if (!p.emplace(k, v).second) throw ApiError(400, k, fmt::format("'{}' is given twice", k));
  }
  const auto at = [&](const char* k) { return p.count(k) ? p.at(k) : std::string(); };
  ListQuery q;
  q.owner = c.role == Role::Engineer ? "" : c.name;
  if (const std::string status = at("status"); !status.empty()) {
    q.status = io::status_from(status);
    if (!q.status)
      throw ApiError(400, "status", fmt::format("'{}' is not held, rejected, confirmed, declined, cancelled or expired", status.substr(0, 40)));
  }
  q.q = at("q");
  if (std::int64_t(q.q.size()) > params_.desk.search_max_chars)
    throw ApiError(400, "q", fmt::format("a search has at most {} characters (desk.search_max_chars)", params_.desk.search_max_chars));
  if (p.count("sort")) {
    const auto sort = io::sort_from(at("sort"));
    if (!sort) throw ApiError(400, "sort", fmt::format("'{}' is not submitted, updated, id or status", at("sort").substr(0, 40)));
    q.sort = *sort;
  }
  const std::string order =
      p.count("order") ? at("order") : (q.sort == SortKey::Submitted || q.sort == SortKey::Updated ? "desc" : "asc");
  if (order != "asc" && order != "desc") throw ApiError(400, "order", fmt::format("'{}' is not asc or desc", order.substr(0, 40)));
  q.desc = order == "desc";
  if (!paging) {
    q.limit = 0;
    return q;
  }
  q.limit = p.count("limit") ? count_param("limit", at("limit"), 1, params_.desk.list_max_limit) : params_.desk.list_default_limit;
  q.offset = p.count("offset") ? count_param("offset", at("offset"), 0, 1000000000) : 0;
  if (p.count("cursor")) {
    const std::string cur = at("cursor");
    if (q.offset > 0) throw ApiError(400, "offset", "give a cursor or an offset, not both");
    // sort~order~seq~key
    const auto a = cur.find('~'), b = a == std::string::npos ? a : cur.find('~', a + 1), d = b == std::string::npos ? b : cur.find('~', b + 1);
    if (d == std::string::npos) throw ApiError(400, "cursor", "not a cursor of this list (give the next_cursor of the page before)");
    if (io::sort_from(cur.substr(0, a)) != q.sort || cur.substr(a + 1, b - a - 1) != order)
      throw ApiError(400, "cursor", "this cursor pages another order (sort and order must be the same as for the page before)");
    q.after = true;
    q.after_seq = count_param("cursor", cur.substr(b + 1, d - b - 1), 0, std::numeric_limits<std::int64_t>::max() / 10);
    q.after_key = cur.substr(d + 1);
    if (q.sort == SortKey::Updated) count_param("cursor", q.after_key, 0, std::numeric_limits<std::int64_t>::max() / 10);
  }
  return q;
}

json Desk::list(const Caller& c, const Query& query) {
  ListQuery q = list_query(c, query, true);
  json out = {{"items", json::array()}, {"limit", q.limit}, {"offset", q.offset}, {"sort", io::sort_key(q.sort)}, {"order", q.desc ? "desc" : "asc"},
              {"next_cursor", nullptr}};
  read([&](RegisterTx& tx, const View& v) {
    const std::int64_t limit = q.limit;
    q.limit = limit + 1;  // one more: is there a next page?
    auto rows = tx.page(q);
    q.limit = limit;
    out["total"] = tx.count(q);
    if (std::int64_t(rows.size()) > limit) {
      rows.resize(std::size_t(limit));
      out["next_cursor"] = cursor_of(q, rows.back());
    }
    json items = json::array();
    for (const auto& s : rows) items.push_back(answer_of(s, v.state, v.builders));
    out["items"] = std::move(items);
  });
  return out;
}

json Desk::export_list(const Caller& c, const Query& query) {
  const ListQuery q = list_query(c, query, false);
  json items = json::array();
  read([&](RegisterTx& tx, const View& v) {
    for (const auto& s : tx.page(q)) items.push_back(answer_of(s, v.state, v.builders));
  });
  return items;
}

std::string Desk::reason_of(const std::string& body, bool required) const {
  check_body_utf8(body);
  std::string reason;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    json j = json::parse(body, nullptr, false);
    if (!j.is_object()) throw ApiError(400, "body", "expected nothing or one JSON object {\"reason\": \"...\"}");
    for (const auto& [k, v] : j.items())
      if (k != "reason") throw ApiError(400, k, fmt::format("'{}' is not a field of this call (only reason)", k));
    if (j.contains("reason") && !j["reason"].is_null()) {
      if (!j["reason"].is_string()) throw ApiError(400, "reason", "a reason is a string");
      reason = j["reason"].get<std::string>();
    }
  }
  check_typed_text("reason", reason, params_.desk.reason_max_chars);
  if (required && reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError(400, "reason", "a reason is required ({\"reason\": \"...\"}): the requester reads it in the request's history");
  return reason;
}

json Desk::decide(const Caller& c, const std::string& id, Action action, const std::string& body) {
  const RequestStatus next = action == Action::Confirm ? RequestStatus::Confirmed
                             : action == Action::Decline ? RequestStatus::Declined
                                                         : RequestStatus::Cancelled;
  const std::string reason = reason_of(body, action == Action::Decline);
  json out;
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

json Desk::comment(const Caller& c, const std::string& id, const std::string& body) {
  check_body_utf8(body);
  const json j = json::parse(body.empty() ? "null" : body, nullptr, false);
  if (!j.is_object()) throw ApiError(400, "body", "expected one JSON object {\"text\": \"...\"}");
  for (const auto& [k, v] : j.items())
    if (k != "text") throw ApiError(400, k, fmt::format("'{}' is not a field of a comment (only text)", k));
  if (!j.contains("text") || !j["text"].is_string() || j["text"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError(400, "text", "a comment needs a text ({\"text\": \"...\"})");
  const std::string text = j["text"];
  check_typed_text("text", text, params_.desk.comment_max_chars);
  json out;
  write([&](RegisterTx& tx, std::int64_t now) {
    visible(tx, c, id);
    tx.audit({now, c.name, "comment", id, "", text});
    out = {{"at", iso_time(now)}, {"actor", c.name}, {"action", "comment"}, {"detail", ""}, {"reason", text}};
  });
  return out;
}

json Desk::history(const Caller& c, const std::string& id, const std::string& only) {
  json out;
  read([&](RegisterTx& tx, const View&) {
    const StoredRequest s = visible(tx, c, id);
    json events = json::array();
    for (const auto& e : tx.audit_log(id))
      if (only.empty() || e.action == only)
        events.push_back({{"at", iso_time(e.at)}, {"actor", e.actor}, {"action", e.action}, {"detail", e.detail}, {"reason", e.reason}});
    out = {{"id", s.id}, {"status", io::status_key(s.status)}, {"events", std::move(events)}};
  });
  return out;
}

json Desk::links(const Query& query) {
  std::string sort;
  std::int64_t limit = 0;
  for (const auto& [k, v] : query) {
    if (k == "sort") {
      if (v != "load") throw ApiError(400, "sort", fmt::format("'{}' is not load (the links' only sort; none: network order)", v.substr(0, 40)));
      sort = v;
    } else if (k == "limit") {
      limit = count_param("limit", v, 1, params_.desk.list_max_limit);
    } else {
      throw ApiError(400, k, fmt::format("'{}' is not a parameter of the links (sort, limit)", k));
    }
  }
  json out = json::array();
  read([&](RegisterTx& tx, const View&) {
    for (const auto& r : tx.links()) {
      const Link& l = region_.network.links()[r.index];
      const int free = r.capacity_pairs - r.held_pairs - r.committed_pairs;
      out.push_back({{"id", r.id},
                     {"a", region_.network.node(l.a).id},
                     {"b", region_.network.node(l.b).id},
                     {"capacity_pairs", r.capacity_pairs},
                     {"held_pairs", r.held_pairs},
                     {"committed_pairs", r.committed_pairs},
                     {"free_pairs", free},
                     {"pairs_total", l.pairs_total},
                     {"free_share", l.pairs_total > 0 ? json(double(free) / l.pairs_total) : json(nullptr)},
                     {"built", bool(initial_.built[r.index]) || !r.built_by.empty()},
                     {"built_by", r.built_by.empty() ? json(nullptr) : json(r.built_by)}});
    }
  });
  if (sort == "load")
    std::stable_sort(out.begin(), out.end(), [](const json& x, const json& y) {
      const bool nx = x["free_share"].is_null(), ny = y["free_share"].is_null();
      if (nx != ny) return ny;
      if (!nx && x["free_share"].get<double>() != y["free_share"].get<double>()) return x["free_share"].get<double>() < y["free_share"].get<double>();
      return x["id"].get<std::string>() < y["id"].get<std::string>();
    });
  if (limit > 0 && std::int64_t(out.size()) > limit) out.erase(out.begin() + limit, out.end());
  return out;
}

json Desk::network() const {
  json nodes = json::array(), links = json::array();
  for (const auto& n : region_.network.nodes())
    nodes.push_back({{"id", n.id}, {"name", n.name}, {"kind", node_kind_key(n.kind)}, {"lon", n.pos.lon}, {"lat", n.pos.lat}});
  for (const auto& l : region_.network.links())
    links.push_back({{"id", l.id}, {"a", l.a}, {"b", l.b}, {"dorsale", l.dorsale}, {"planned", l.status == LinkStatus::Planned}});
  return {{"nodes", nodes}, {"links", links}};
}

json Desk::audit(const Caller& c, const std::string& id) {
  json out = json::array();
  read([&](RegisterTx& tx, const View&) {
    visible(tx, c, id);
    for (const auto& e : tx.audit_log(id))
      out.push_back({{"at", iso_time(e.at)}, {"actor", e.actor}, {"action", e.action}, {"detail", e.detail}, {"reason", e.reason}});
  });
  return out;
}

InterconnectionResults Desk::export_results(const Caller& c) {
  InterconnectionResults res;
  res.mode = QueueMode::FirstCome;
  read([&](RegisterTx& tx, const View& v) {
    for (const auto& s : tx.list(c.role == Role::Engineer ? "" : c.name, std::nullopt)) {
      res.requests.push_back(*request_of(s));
      res.decisions.push_back(describe(s, v.state, v.builders));
    }
  });
  return res;
}

// ---- webhooks --------------------------------------------------------------------------

void Desk::notify(RegisterTx& tx, const std::string& id, const std::string& org, const std::string& from, const std::string& to,
                  std::int64_t now, const std::string& reason) {
  Notice n;
  n.request_id = id;
  n.organisation = org;
  n.old_status = from;
  n.new_status = to;
  n.at = now;
  n.reason = reason;
  if (tx.notice(n)) noticed_ = true;  // only the batch's leader runs jobs: no race on the flag
}

void Desk::on_notice(std::function<void()> fn) {
  std::lock_guard hook(hook_mu_);
  on_notice_ = std::move(fn);
}

namespace {

// An organisation's name as a path segment gives it: a request's requester, UTF-8 text.
void check_organisation(const std::string& org) {
  if (org.empty() || org.size() > 200 || !is_clean_text(org))
    throw ApiError(400, "organisation", "an organisation (a request's requester) is 1-200 bytes of UTF-8 text without control characters");
}

// http:// or https://, a host (name, IPv4 or [IPv6]), an optional port and path; no user
// information, no fragment. The scheme is kept in lower case (the sender's client reads it so).
std::string checked_url(std::string url, std::int64_t max_chars) {
  if (std::int64_t(url.size()) > max_chars)
    throw ApiError(400, "url", fmt::format("a webhook URL has at most {} characters (desk.webhook_url_max_chars)", max_chars));
  if (!is_clean_text(url) || url.find_first_of(" \t") != std::string::npos)
    throw ApiError(400, "url", "a webhook URL is UTF-8 text without spaces or control characters");
  static const std::regex re(R"(^([A-Za-z]+)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[^#]*)?$)");
  std::smatch m;
  std::string scheme;
  if (std::regex_match(url, m, re)) {
    scheme = m[1];
    for (char& ch : scheme) ch = char(std::tolower((unsigned char)ch));
  }
  if (scheme != "http" && scheme != "https")
    throw ApiError(400, "url", fmt::format("'{}' is not an http:// or https:// URL of a host (no user, no fragment)", url.substr(0, 80)));
  if (m[3].matched && std::stoi(m[3].str().substr(1)) > 65535) throw ApiError(400, "url", "the webhook URL's port is not 0-65535");
  return scheme + url.substr(m[1].length());
}

// The first 12 hex digits of a secret's SHA-256: tells two secrets apart, reveals nothing usable.
std::string fingerprint(const std::string& secret) { return sha256_hex(secret).substr(0, 12); }

json notice_json(const Notice& n) {
  return {{"event_id", fmt::format("evt-{}", n.n)},
          {"request_id", n.request_id},
          {"organisation", n.organisation},
          {"old_status", n.old_status.empty() ? json(nullptr) : json(n.old_status)},
          {"new_status", n.new_status},
          {"at", iso_time(n.at)},
          {"reason", n.reason}};
}

}  // namespace

json Desk::set_webhook(const Caller& c, const std::string& organisation, const std::string& body) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may set a webhook");
  check_organisation(organisation);
  check_body_utf8(body);
  const json j = json::parse(body.empty() ? "null" : body, nullptr, false);
  if (!j.is_object()) throw ApiError(400, "body", "expected one JSON object {\"url\": \"https://...\", \"secret\": \"...\"}");
  for (const auto& [k, v] : j.items())
    if (k != "url" && k != "secret") throw ApiError(400, k, fmt::format("'{}' is not a field of a webhook (url, secret)", k));
  if (!j.contains("url") || !j["url"].is_string()) throw ApiError(400, "url", "a webhook needs a url (a string, http:// or https://)");
  const std::string url = checked_url(j["url"].get<std::string>(), params_.desk.webhook_url_max_chars);
  if (!j.contains("secret") || !j["secret"].is_string()) throw ApiError(400, "secret", "a webhook needs a secret (a string) to sign its notices");
  const std::string secret = j["secret"];
  if (secret.size() < 16 || secret.size() > 200 || !is_clean_text(secret))
    throw ApiError(400, "secret", "a webhook secret is 16-200 bytes of UTF-8 text without control characters");
  json out;
  write([&](RegisterTx& tx, std::int64_t now) {
    tx.set_webhook({organisation, url, key_.seal(secret, organisation), now});  // sealed: never in clear at rest
    tx.audit({now, c.name, "webhook", "", fmt::format("{}: {} (secret {}…)", organisation, url, fingerprint(secret)), ""});
    out = {{"organisation", organisation}, {"url", url}, {"secret_sha256_prefix", fingerprint(secret)}, {"updated", iso_time(now)}};
  });
  return out;
}

json Desk::webhooks(const Caller& c) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may see the webhooks");
  json out = json::array();
  read([&](RegisterTx& tx, const View&) {
    for (const auto& w : tx.notice_counts())
      out.push_back({{"organisation", w.organisation},
                     {"url", w.url},
                     {"updated", iso_time(w.updated)},
                     {"delivered", w.delivered},
                     {"pending", w.pending},
                     {"failing", w.failing},
                     {"last_error", w.last_error},
                     {"last_delivered", w.last_delivered > 0 ? json(iso_time(w.last_delivered)) : json(nullptr)}});
  });
  return out;
}

json Desk::notices(const Caller& c, const std::string& id) {
  json out = json::array();
  read([&](RegisterTx& tx, const View&) {
    visible(tx, c, id);
    for (const auto& n : tx.notices_of(id)) {
      json j = notice_json(n);
      j["state"] = n.state;
      j["attempts"] = n.attempts;
      j["last_error"] = n.last_error;
      out.push_back(std::move(j));
    }
  });
  return out;
}

std::vector<Notice> Desk::take_notices(std::int64_t now_ms, std::int64_t lease_until_ms) {
  std::vector<Notice> out;
  write([&](RegisterTx& tx, std::int64_t) { out = tx.due_notices(now_ms, params_.desk.webhook_batch_events, lease_until_ms); });
  return out;
}

void Desk::notice_result(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms) {
  write([&](RegisterTx& tx, std::int64_t now) { tx.notice_attempted(n, delivered, error, next_ms, now); });
}

std::int64_t Desk::next_notice_ms() {
  std::int64_t out = -1;
  write([&](RegisterTx& tx, std::int64_t) { out = tx.next_notice_ms(); });
  return out;
}

void Desk::release_notices(std::int64_t now_ms) {
  write([&](RegisterTx& tx, std::int64_t) { tx.release_notices(now_ms); });
}

std::string notice_body(const Notice& n) { return notice_json(n).dump(); }

}  // namespace dorsale::service
