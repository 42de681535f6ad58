#include "io/desk_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "io/desk_spelling.h"
#include "io/interconnect_writer.h"
#include "io/spelling.h"

namespace dorsale {

std::string service::iso_time(std::int64_t t) {
  const std::time_t tt = std::time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace io {

using nlohmann::json;
using service::BodyFields;
using service::BodyValue;
using service::iso_time;

namespace {

BodyValue value_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return {};
    case json::value_t::string: return BodyValue::of(v.get<std::string>());
    case json::value_t::number_integer: return BodyValue::of_int(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return {BodyValue::Kind::Unsigned, {}, 0, v.get<std::uint64_t>()};
    case json::value_t::number_float: return BodyValue::of_real(v.get<double>());
    default: return {BodyValue::Kind::Other};
  }
}

json json_of(const BodyValue& v) {
  switch (v.kind) {
    case BodyValue::Kind::Text: return v.text;
    case BodyValue::Kind::Integer: return v.integer;
    case BodyValue::Kind::Unsigned: return v.unsigned_integer;
    case BodyValue::Kind::Real: return v.real;
    default: return nullptr;  // Null (Other is never kept: refused first)
  }
}

BodyFields fields_of(const json& j) {
  BodyFields out;
  for (const auto& [name, v] : j.items()) out.emplace(name, value_of(v));
  return out;
}

json row_json(const BodyFields& row) {
  json j = json::object();
  for (const auto& [name, v] : row) j[name] = json_of(v);
  return j;
}

json answer_value(const service::RequestAnswer& a) {
  json j = viz::decision_json(a.request, a.decision);
  j["status"] = status_key(a.status);
  j["owner"] = a.owner;
  j["hold_expires"] = a.hold_expires > 0 ? json(iso_time(a.hold_expires)) : json(nullptr);
  j["created"] = iso_time(a.created);
  j["updated"] = iso_time(a.updated);
  j["request"] = row_json(a.row);
  return j;
}

json answers_value(const std::vector<service::RequestAnswer>& items) {
  json out = json::array();
  for (const auto& a : items) out.push_back(answer_value(a));
  return out;
}

json event_value(const service::AuditEntry& e) {
  return {{"at", iso_time(e.at)}, {"actor", e.actor}, {"action", e.action}, {"detail", e.detail}, {"reason", e.reason}};
}

json events_value(const std::vector<service::AuditEntry>& events) {
  json out = json::array();
  for (const auto& e : events) out.push_back(event_value(e));
  return out;
}

json notice_value(const service::Notice& n) {
  return {{"event_id", fmt::format("evt-{}", n.n)},
          {"request_id", n.request_id},
          {"organisation", n.organisation},
          {"old_status", n.old_status.empty() ? json(nullptr) : json(n.old_status)},
          {"new_status", n.new_status},
          {"at", iso_time(n.at)},
          {"reason", n.reason}};
}

std::string text_of(const json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// One CSV cell (RFC 4180): quoted when it holds the separator, a quote or a line break; a cell a
// spreadsheet would run as a formula (= + - @ first) is prefixed with an apostrophe.
std::string csv_cell(std::string v, char sep) {
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') &&
      v.find_first_not_of("0123456789.eE+-") != std::string::npos)
    v = "'" + v;
  if (v.find_first_of(std::string(1, sep) + "\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char ch : v) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string requests_csv_of(const json& items, char sep) {
  std::string out = "id,status,decision,owner,requester,site,destination,pairs,protection,submitted,created,updated,hold_expires,cost_eur_total,latency_ms\r\n";
  if (sep != ',') std::replace(out.begin(), out.end(), ',', sep);
  // with ';' (French spreadsheets) numbers take a decimal comma
  const auto number = [sep](const json& v) {
    std::string s = text_of(v);
    if (sep == ';' && v.is_number()) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  for (const auto& a : items) {
    const json& r = a.at("request");
    const std::string site = r.contains("site") ? text_of(r["site"]) : text_of(r.value("lon", json())) + " " + text_of(r.value("lat", json()));
    const std::vector<std::string> cells = {text_of(a["id"]), text_of(a["status"]), text_of(a["decision"]), text_of(a["owner"]),
                                            text_of(r.value("requester", json())), site, text_of(r.value("destination", json())),
                                            text_of(r.value("pairs", json())), text_of(r.value("protection", json("none"))),
                                            text_of(r.value("submitted", json())), text_of(a["created"]), text_of(a["updated"]),
                                            text_of(a["hold_expires"]), number(a["cost_eur"]["total"]), number(a["latency_ms"])};
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? std::string(1, sep) : std::string()) + csv_cell(cells[i], sep);
    out += "\r\n";
  }
  return out;
}

}  // namespace

std::optional<BodyFields> parse_body_object(std::string_view text, std::string* error) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
  if (error) error->clear();
  if (!j.is_object()) return std::nullopt;
  return fields_of(j);
}

BodyFields row_from_text(std::string_view request_json) { return fields_of(json::parse(request_json)); }

std::string row_text(const BodyFields& row) { return row_json(row).dump(); }

std::vector<std::pair<std::string, std::string>> row_fields(const BodyFields& row) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, v] : row) {
    if (v.kind == BodyValue::Kind::Text) out.emplace_back(name, v.text);
    else if (v.is_number()) out.emplace_back(name, json_of(v).dump());
    else if (v.kind == BodyValue::Kind::Null) out.emplace_back(name, "");
  }
  return out;
}

std::string answer_json(const service::RequestAnswer& a) { return answer_value(a).dump(); }
std::string answers_json(const std::vector<service::RequestAnswer>& items) { return answers_value(items).dump(); }

std::string export_json(const std::vector<service::RequestAnswer>& items) {
  const json a = answers_value(items);
  return json{{"items", a}, {"total", a.size()}}.dump();
}

std::string page_json(const service::RequestPage& p) {
  return json{{"items", answers_value(p.items)},
              {"limit", p.limit},
              {"offset", p.offset},
              {"sort", sort_key(p.sort)},
              {"order", order_key(p.desc)},
              {"next_cursor", p.next_cursor ? json(*p.next_cursor) : json(nullptr)},
              {"total", p.total},
              {"total_is_estimate", p.total_is_estimate}}
      .dump();
}

std::string history_json(const service::RequestHistory& h) {
  return json{{"id", h.id}, {"status", status_key(h.status)}, {"events", events_value(h.events)}}.dump();
}

std::string event_json(const service::AuditEntry& e) { return event_value(e).dump(); }
std::string events_json(const std::vector<service::AuditEntry>& events) { return events_value(events).dump(); }

std::string declined_json(const service::DeclinedHolds& d) {
  return json{{"requester", d.requester}, {"declined", d.declined}, {"reason", d.reason}}.dump();
}

std::string links_json(const std::vector<service::LinkLoad>& links) {
  json out = json::array();
  for (const auto& l : links)
    out.push_back({{"id", l.id},
                   {"a", l.a},
                   {"b", l.b},
                   {"capacity_pairs", l.capacity_pairs},
                   {"held_pairs", l.held_pairs},
                   {"committed_pairs", l.committed_pairs},
                   {"free_pairs", l.free_pairs},
                   {"pairs_total", l.pairs_total},
                   {"free_share", l.free_share ? json(*l.free_share) : json(nullptr)},
                   {"built", l.built},
                   {"built_by", l.built_by.empty() ? json(nullptr) : json(l.built_by)}});
  return out.dump();
}

std::string network_json(const Network& net) {
  json nodes = json::array(), links = json::array();
  for (const auto& n : net.nodes())
    nodes.push_back({{"id", n.id}, {"name", n.name}, {"kind", spell(n.kind)}, {"lon", n.pos.lon}, {"lat", n.pos.lat}});
  for (const auto& l : net.links())
    links.push_back({{"id", l.id}, {"a", l.a}, {"b", l.b}, {"dorsale", l.dorsale}, {"planned", l.status == LinkStatus::Planned}});
  return json{{"nodes", nodes}, {"links", links}}.dump();
}

std::string webhook_set_json(const service::WebhookSet& w) {
  return json{{"organisation", w.organisation}, {"url", w.url}, {"secret_sha256_prefix", w.secret_sha256_prefix}, {"updated", iso_time(w.updated)}}
      .dump();
}

std::string webhooks_json(const std::vector<service::NoticeCounts>& counts) {
  json out = json::array();
  for (const auto& w : counts)
    out.push_back({{"organisation", w.organisation},
                   {"url", w.url},
                   {"updated", iso_time(w.updated)},
                   {"delivered", w.delivered},
                   {"pending", w.pending},
                   {"failing", w.failing},
                   {"last_error", w.last_error},
                   {"last_delivered", w.last_delivered > 0 ? json(iso_time(w.last_delivered)) : json(nullptr)}});
  return out.dump();
}

std::string notices_json(const std::vector<service::Notice>& notices) {
  json out = json::array();
  for (const auto& n : notices) {
    json j = notice_value(n);
    j["state"] = n.state;
    j["attempts"] = n.attempts;
    j["last_error"] = n.last_error;
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::string notice_body(const service::Notice& n) { return notice_value(n).dump(); }

std::string decisions_json_text(const InterconnectionResults& res) { return viz::decisions_json(res).dump(2); }

// A message may quote the caller's bytes (a JSON parser's "last read: '...'" can end inside a
// UTF-8 sequence): bytes that are not UTF-8 are written as U+FFFD, so an error is always answered.
std::string error_json(int status, const std::string& field, const std::string& message) {
  return json{{"error", {{"status", status}, {"field", field}, {"message", message}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string health_json(const std::string& problem) {
  if (problem.empty()) return json{{"status", "ok"}}.dump();
  return json{{"status", "unavailable"}, {"reason", problem}}.dump();
}

std::string whoami_json(const std::string& name, const std::string& role) { return json{{"name", name}, {"role", role}}.dump(); }

std::string map_json(const MapBody& m) {
  json nodes = json::array(), classes = json::array();
  for (const auto& n : m.nodes) nodes.push_back({{"id", n.id}, {"x", n.x}, {"y", n.y}});
  for (const auto& c : m.classes) classes.push_back({{"label", c.label}, {"colour", c.colour}, {"to", c.to}});
  return json{{"svg", m.svg},
              {"nodes", nodes},
              {"classes", classes},
              {"no_pairs", {{"label", m.no_pairs_label}, {"colour", m.no_pairs_colour}}},
              {"route_colour", m.route_colour}}
      .dump();
}

std::string requests_csv(const std::vector<service::RequestAnswer>& items, char sep) { return requests_csv_of(answers_value(items), sep); }

std::string requests_csv_of_json(std::string_view items_json, char sep) { return requests_csv_of(json::parse(items_json), sep); }

}  // namespace io
}  // namespace dorsale
