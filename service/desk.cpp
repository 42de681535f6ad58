#include "service/desk.h"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <regex>
#include <set>

#include "models/error.h"
#include "planner/interconnect.h"
#include "scenarios/requests.h"
#include "scenarios/text.h"
#include "viz/interconnect_writer.h"

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

json route_json(const solvers::RouteOption::Route& r) {
  return {{"nodes", r.nodes},         {"links", r.links},           {"attach_node", r.attach_node},
          {"attach_km", r.attach_km}, {"length_km", r.length_km}, {"latency_ms", r.latency_ms}};
}

// The engine's evaluation, kept as given (so the export re-describes exactly what was answered).
json evaluation_json(const solvers::Evaluation& e) {
  json j = {{"decision", decision_key(e.decision)}, {"reasons", e.reasons}, {"option", nullptr}};
  if (e.option) {
    json routes = json::array();
    for (const auto& r : e.option->routes) routes.push_back(route_json(r));
    j["option"] = {{"routes", routes},
                   {"capex", e.option->capex},
                   {"opex", e.option->opex},
                   {"risk_disjoint", e.option->risk_disjoint},
                   {"notes", e.option->notes}};
  }
  return j;
}

solvers::Evaluation evaluation_from(const std::string& text) {
  const json j = json::parse(text);
  solvers::Evaluation e;
  const std::string d = j.at("decision").get<std::string>();
  e.decision = d == "accept" ? Decision::Accept : d == "accept_with_works" ? Decision::AcceptWithWorks : Decision::Reject;
  e.reasons = j.at("reasons").get<std::vector<std::string>>();
  if (!j.at("option").is_null()) {
    const json& o = j.at("option");
    solvers::RouteOption opt;
    for (const auto& r : o.at("routes")) {
      solvers::RouteOption::Route route;
      route.nodes = r.at("nodes").get<std::vector<int>>();
      route.links = r.at("links").get<std::vector<int>>();
      route.attach_node = r.at("attach_node").get<int>();
      route.attach_km = r.at("attach_km").get<double>();
      route.length_km = r.at("length_km").get<double>();
      route.latency_ms = r.at("latency_ms").get<double>();
      opt.routes.push_back(std::move(route));
    }
    opt.capex = o.at("capex").get<double>();
    opt.opex = o.at("opex").get<double>();
    opt.risk_disjoint = o.at("risk_disjoint").get<bool>();
    opt.notes = o.at("notes").get<std::vector<std::string>>();
    e.option = std::move(opt);
  }
  return e;
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

const std::set<std::string>& statuses() {
  static const std::set<std::string> s = {"held", "rejected", "confirmed", "declined", "cancelled", "expired"};
  return s;
}

}  // namespace

struct Desk::Parsed {
  InterconnectionRequest request;
  std::string request_json;  // the row as stored (id, submitted, requester filled)
  bool desk_id = false;      // the desk assigns the id
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
    run_batch(batch);
    lock.lock();
    for (Job* j : batch) j->done = true;
    leading_ = false;
    queue_cv_.notify_all();
  }
  if (job.error) std::rethrow_exception(job.error);
}

void Desk::run_batch(const std::vector<Job*>& batch) {
  const std::int64_t now = clock_();
  state_.reset();  // another desk instance may have written since the last batch
  try {
    reg_.write([&](RegisterTx& tx) {
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
    tx.set_status(r.id, "expired", now);
    state_.reset();
    tx.audit({now, "desk", "expire", r.id, "hold ended " + iso_time(r.hold_expires)});
  }
}

const solvers::LinkState& Desk::state(RegisterTx& tx) {
  if (!state_) state_ = state_of(tx.links());
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
  try {
    auto reqs = scenarios::parse_requests(json::array({j}).dump(), "POST /api/requests", true, region_.network);
    p.request = std::move(reqs.at(0));
  } catch (const InputError& e) {
    throw ApiError(400, e.field().empty() ? "body" : e.field(), e.what());
  }
  p.request_json = j.dump();
  return p;
}

const InterconnectionRequest& Desk::request_of(const StoredRequest& s) {
  auto it = parsed_.find(s.id);
  if (it != parsed_.end()) return it->second;
  auto reqs = scenarios::parse_requests("[" + s.request_json + "]", "register", true, region_.network);
  return parsed_.emplace(s.id, std::move(reqs.at(0))).first->second;
}

std::vector<std::string> Desk::builders(RegisterTx& tx) const {
  std::vector<std::string> by(region_.network.links().size());
  for (const auto& r : tx.links()) by[r.index] = r.built_by;
  return by;
}

InterconnectionDecision Desk::describe(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders) {
  solvers::Evaluation e = evaluation_from(s.evaluation_json);
  if (e.option)  // the planned links this (confirmed) request builds, in route order as the queues list them
    for (const auto& route : e.option->routes)
      for (int l : route.links)
        if (builders[std::size_t(l)] == s.id && std::find(e.builds.begin(), e.builds.end(), l) == e.builds.end()) e.builds.push_back(l);
  return ic_.describe(request_of(s), e, state, builders);
}

json Desk::answer_of(const StoredRequest& s, const solvers::LinkState& state, const std::vector<std::string>& builders) {
  InterconnectionResults res;
  res.requests.push_back(request_of(s));
  res.decisions.push_back(describe(s, state, builders));
  json a = viz::decisions_json(res).at(0);
  a["status"] = s.status;
  a["owner"] = s.owner;
  a["hold_expires"] = s.hold_expires > 0 ? json(iso_time(s.hold_expires)) : json(nullptr);
  a["created"] = iso_time(s.created);
  a["updated"] = iso_time(s.updated);
  a["request"] = json::parse(s.request_json);
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

json Desk::submit_in(RegisterTx& tx, const Caller& c, InterconnectionRequest req, const std::string& request_json,
                     const std::string& key, const std::string& sha, std::int64_t now, const std::vector<std::string>* by) {
  if (tx.get(req.id)) throw ApiError(409, "id", fmt::format("request id '{}' is already in the register", req.id));
  const solvers::Evaluation e = ic_.evaluate(req, state(tx));
  const auto alloc = allocations_of(e, req.pairs);
  check_quota(tx, c, alloc, e.decision != Decision::Reject, now);
  StoredRequest s;
  s.id = req.id;
  s.owner = c.name;
  s.idem_key = key;
  s.body_sha256 = sha;
  s.request_json = request_json;
  s.decision = decision_key(e.decision);
  s.status = e.decision == Decision::Reject ? "rejected" : "held";
  s.evaluation_json = evaluation_json(e).dump();
  s.hold_expires = e.decision == Decision::Reject ? 0 : now + std::int64_t(std::llround(params_.desk.hold_days * 86400));
  s.created = s.updated = now;
  s.seq = tx.insert(s, alloc);
  for (const auto& a : alloc) state_->free[a.link] -= a.pairs;  // as the register now counts them
  tx.audit({now, c.name, "submit", s.id, fmt::format("{} -> {}", s.decision, s.status)});
  parsed_.emplace(s.id, std::move(req));
  return by ? answer_of(s, state(tx), *by) : answer_of(s, state(tx), builders(tx));
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
    if (p.desk_id) {
      std::int64_t n = tx.next_number();
      while (tx.get(fmt::format("D{:06}", n))) ++n;
      p.request.id = fmt::format("D{:06}", n);
      json j = json::parse(p.request_json);
      j["id"] = p.request.id;
      p.request_json = j.dump();
    }
    out.answer = submit_in(tx, c, p.request, p.request_json, key, sha, now);
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
            answers.push_back(submit_in(tx, c, r, row.dump(), "", sha256_hex(row.dump()), now, &by));
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
  check_body_utf8(body);
  json j = json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!j.is_object()) throw ApiError(400, "body", "expected one JSON object {\"reason\": \"...\"}");
  if (!j.contains("reason") || !j["reason"].is_string() || j["reason"].get<std::string>().empty() ||
      j["reason"].get<std::string>().size() > 1000)
    throw ApiError(400, "reason", "a reason (1-1000 characters) is required: it goes into each request's audit log");
  const std::string reason = j["reason"];
  json ids = json::array();
  write([&](RegisterTx& tx, std::int64_t now) {
    for (const auto& s : tx.list(requester, "held")) {
      tx.set_status(s.id, "declined", now);
      tx.audit({now, c.name, "decline", s.id, "held -> declined (all holds of " + requester + "): " + reason});
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
  write([&](RegisterTx& tx, std::int64_t) { out = answer_of(visible(tx, c, id), state(tx), builders(tx)); });
  return out;
}

json Desk::list(const Caller& c, const std::string& status) {
  if (!status.empty() && !statuses().count(status))
    throw ApiError(400, "status", fmt::format("'{}' is not held, rejected, confirmed, declined, cancelled or expired", status));
  json out = json::array();
  write([&](RegisterTx& tx, std::int64_t) {
    const auto& st = state(tx);
    const auto by = builders(tx);
    for (const auto& s : tx.list(c.role == Role::Engineer ? "" : c.name, status)) out.push_back(answer_of(s, st, by));
  });
  return out;
}

json Desk::decide(const Caller& c, const std::string& id, const std::string& action) {
  static const std::map<std::string, std::string> next = {{"confirm", "confirmed"}, {"decline", "declined"}, {"cancel", "cancelled"}};
  json out;
  write([&](RegisterTx& tx, std::int64_t now) {
    const StoredRequest s = visible(tx, c, id);
    if (action != "cancel" && c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may " + action + " a request");
    const bool ok = s.status == "held" || (action == "cancel" && s.status == "confirmed");
    if (!ok) throw ApiError(409, "status", fmt::format("request '{}' is {}: it cannot be {}", id, s.status, next.at(action)));
    tx.set_status(id, next.at(action), now);
    state_.reset();
    if (action == "confirm") {
      const auto e = evaluation_from(s.evaluation_json);
      for (const auto& r : e.option->routes)
        for (int l : r.links)
          if (!initial_.built[l]) tx.mark_built(l, id);  // only the first confirmed request builds it
    }
    tx.audit({now, c.name, action, id, s.status + " -> " + next.at(action)});
    out = answer_of(*tx.get(id), state(tx), builders(tx));
  });
  return out;
}

json Desk::links() {
  json out = json::array();
  write([&](RegisterTx& tx, std::int64_t) {
    for (const auto& r : tx.links()) {
      const Link& l = region_.network.links()[r.index];
      out.push_back({{"id", r.id},
                     {"a", region_.network.node(l.a).id},
                     {"b", region_.network.node(l.b).id},
                     {"capacity_pairs", r.capacity_pairs},
                     {"held_pairs", r.held_pairs},
                     {"committed_pairs", r.committed_pairs},
                     {"free_pairs", r.capacity_pairs - r.held_pairs - r.committed_pairs},
                     {"built", bool(initial_.built[r.index]) || !r.built_by.empty()},
                     {"built_by", r.built_by.empty() ? json(nullptr) : json(r.built_by)}});
    }
  });
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
  write([&](RegisterTx& tx, std::int64_t) {
    visible(tx, c, id);
    for (const auto& e : tx.audit_log(id))
      out.push_back({{"at", iso_time(e.at)}, {"actor", e.actor}, {"action", e.action}, {"detail", e.detail}});
  });
  return out;
}

InterconnectionResults Desk::export_results(const Caller& c) {
  InterconnectionResults res;
  res.mode = "fcfs";
  write([&](RegisterTx& tx, std::int64_t) {
    const auto& st = state(tx);
    const auto by = builders(tx);
    for (const auto& s : tx.list(c.role == Role::Engineer ? "" : c.name, "")) {
      res.requests.push_back(request_of(s));
      res.decisions.push_back(describe(s, st, by));
    }
  });
  return res;
}

}  // namespace dorsale::service
