#pragma once
// The desk's JSON (the HTTP API's bodies, the register's request rows, the webhooks' notices):
// the one module that reads and writes it (nlohmann/json), from and into the typed records of
// io/desk_records.h. Each writer gives the compact JSON text the API sends (no newline); objects
// in name order, numbers as nlohmann/json writes them.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/desk_records.h"
#include "models/network.h"

namespace dorsale::io {

// ---- what clients send ----
// One JSON object's members (a request body, {"reason"}, {"text"}, {"url", "secret"}); none
// when the text is not one JSON object. Malformed JSON: none, and `error` (when given) gets the
// parser's message ("" when the text is JSON but not an object).
std::optional<service::BodyFields> parse_body_object(std::string_view text, std::string* error = nullptr);
// A request row as kept in the register (StoredRequest::request_json), read back / written.
service::BodyFields row_from_text(std::string_view request_json);
std::string row_text(const service::BodyFields& row);
// The row's members as a request file's fields (name, text): a number as its JSON text, null
// as "". Members of kind Other are the caller's to refuse first (skipped here).
std::vector<std::pair<std::string, std::string>> row_fields(const service::BodyFields& row);

// ---- what the desk answers ----
std::string answer_json(const service::RequestAnswer& a);
std::string answers_json(const std::vector<service::RequestAnswer>& items);  // an array
std::string export_json(const std::vector<service::RequestAnswer>& items);   // {"items", "total"}
std::string page_json(const service::RequestPage& p);
std::string history_json(const service::RequestHistory& h);
std::string event_json(const service::AuditEntry& e);  // {at, actor, action, detail, reason}
std::string events_json(const std::vector<service::AuditEntry>& events);
std::string declined_json(const service::DeclinedHolds& d);
std::string links_json(const std::vector<service::LinkLoad>& links);
std::string network_json(const Network& net);  // nodes and links with positions (the page's map)
std::string webhook_set_json(const service::WebhookSet& w);
std::string webhooks_json(const std::vector<service::NoticeCounts>& counts);
std::string notices_json(const std::vector<service::Notice>& notices);  // with state, attempts, last_error
// A notice as its webhook receives it (the bytes signed): {"event_id": "evt-N", "request_id",
// "organisation", "old_status" (null for a new request), "new_status", "at", "reason"}.
std::string notice_body(const service::Notice& n);
// decisions.json's content, indented by two (GET /api/export/decisions.json).
std::string decisions_json_text(const InterconnectionResults& res);

// ---- the HTTP layer's own bodies ----
std::string error_json(int status, const std::string& field, const std::string& message);  // {"error": {...}}
std::string health_json(const std::string& problem);  // "": {"status": "ok"}; else unavailable with its reason
std::string whoami_json(const std::string& name, const std::string& role);
// GET /api/map: the desk's base map (viz/desk_map.h), each node's position on it, the classes
// the page colours the links by.
struct MapBody {
  std::string svg;
  struct Point {
    std::string id;
    double x = 0, y = 0;
  };
  std::vector<Point> nodes;
  struct ShareClass {
    std::string label, colour;
    double to = 0;
  };
  std::vector<ShareClass> classes;
  std::string no_pairs_label, no_pairs_colour, route_colour;
};
std::string map_json(const MapBody& m);

// The export's CSV (GET /api/export/requests.csv): one row per request, in the list's order;
// `sep` ',' (RFC 4180) or ';' (French spreadsheets: numbers with a decimal comma).
std::string requests_csv(const std::vector<service::RequestAnswer>& items, char sep = ',');
// The same from the export's items as JSON text (an array of answers).
std::string requests_csv_of_json(std::string_view items_json, char sep = ',');

}  // namespace dorsale::io
