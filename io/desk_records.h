#pragma once
// The desk's answers as typed records (service::Desk returns them; io/desk_json.h writes them as
// the HTTP API's JSON bodies and reads the bodies it is sent). No format library here: the JSON
// is io/desk_json.cpp's alone.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/register.h"
#include "models/results.h"

namespace dorsale::service {

std::string iso_time(std::int64_t epoch_seconds);  // 2026-11-28T17:30:00Z

// One value of a JSON object a client sent (a request's fields, a reason, a webhook): a string,
// a number (as the JSON text had it: integer, unsigned or real), null, or anything else (true,
// false, an array, an object: Other, which the desk refuses by name).
struct BodyValue {
  enum class Kind { Null, Text, Integer, Unsigned, Real, Other };
  Kind kind = Kind::Null;
  std::string text;  // Text
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;
  double real = 0;
  static BodyValue of(std::string s) { return {Kind::Text, std::move(s)}; }
  static BodyValue of_int(std::int64_t v) { return {Kind::Integer, {}, v}; }
  static BodyValue of_real(double v) { return {Kind::Real, {}, 0, 0, v}; }
  bool is_text() const { return kind == Kind::Text; }
  bool is_number() const { return kind == Kind::Integer || kind == Kind::Unsigned || kind == Kind::Real; }
};
// A JSON object's members by name (in name order, as the API writes them). A request's row (the
// fields of a request-file row, id, submitted and requester filled) is one: kept in the register
// as its JSON text (StoredRequest::request_json) and shown again as the answer's "request".
using BodyFields = std::map<std::string, BodyValue>;

// A request as the desk answers it (POST /api/requests, GET /api/requests/{id}, the list's and
// the export's items): its decision record as decisions.json has it, plus its state.
struct RequestAnswer {
  InterconnectionRequest request;
  InterconnectionDecision decision;
  RequestStatus status = RequestStatus::Held;
  std::string owner;
  std::int64_t hold_expires = 0;  // 0: nothing held (null)
  std::int64_t created = 0, updated = 0;
  BodyFields row;  // the request's fields as submitted
};

// One page of the list (GET /api/requests).
struct RequestPage {
  std::vector<RequestAnswer> items;
  std::int64_t total = 0;
  bool total_is_estimate = false;
  std::int64_t limit = 0, offset = 0;
  SortKey sort = SortKey::Submitted;
  bool desc = true;
  std::optional<std::string> next_cursor;  // none: the last page
};

// Who did what, when and why (GET /api/requests/{id}/history, /comments).
struct RequestHistory {
  std::string id;
  RequestStatus status = RequestStatus::Held;
  std::vector<AuditEntry> events;
};

// POST /api/requesters/{name}/decline-holds.
struct DeclinedHolds {
  std::string requester;
  std::vector<std::string> declined;  // the ids, in the register's order
  std::string reason;
};

// Per link (GET /api/links): capacity, held, committed and free pairs and the free share.
struct LinkLoad {
  std::string id, a, b;  // a, b: the ends' node ids
  int capacity_pairs = 0, held_pairs = 0, committed_pairs = 0, free_pairs = 0, pairs_total = 0;
  std::optional<double> free_share;  // none: a cable of no pairs (null)
  bool built = false;
  std::string built_by;  // "": null
};

// PUT /api/webhooks/{organisation}: the url and a fingerprint of the secret, never the secret.
struct WebhookSet {
  std::string organisation, url, secret_sha256_prefix;
  std::int64_t updated = 0;
};

}  // namespace dorsale::service
