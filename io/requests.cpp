#include "io/requests.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "models/error.h"
#include "scenarios/builtin_scenarios.h"
#include "io/csv.h"
#include "io/projection.h"
#include "io/text.h"

namespace dorsale::scenarios {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;  // name -> raw text

struct RowReader {
  std::string file;
  long line;
  const Fields& f;
  std::string get(const std::string& k) const {
    for (const auto& [n, v] : f)
      if (n == k) return trim(v);
    return "";
  }
  [[noreturn]] void fail(const std::string& field, const std::string& what) const { throw InputError(file, line, field, what); }
};

}  // namespace

bool valid_date(const std::string& text) {
  static const std::regex date(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, date)) return false;
  const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[mo - 1] + (mo == 2 && leap ? 1 : 0);
}

namespace {

InterconnectionRequest build(const RowReader& rr, const Network& net, const Projection& proj, std::set<std::string>& ids) {
  static const std::set<std::string> known = {"id", "requester", "site", "lon", "lat", "destination", "pairs", "protection",
                                              "max_latency_ms", "horizon_years", "submitted", "value"};
  for (const auto& [n, v] : rr.f)
    if (!known.count(n)) rr.fail(n, "unknown field (known: id, requester, site, lon, lat, destination, pairs, protection, max_latency_ms, horizon_years, submitted, value)");
  InterconnectionRequest r;
  r.line = rr.line;
  r.id = rr.get("id");
  if (r.id.empty()) rr.fail("id", "empty request id");
  if (!ids.insert(r.id).second) rr.fail("id", fmt::format("request id '{}' appears twice", r.id));
  r.requester = rr.get("requester");
  const std::string site = rr.get("site"), lon = rr.get("lon"), lat = rr.get("lat");
  if (!site.empty()) {
    if (!lon.empty() || !lat.empty()) rr.fail("site", "give either a site node or lon/lat, not both");
    auto n = net.find_node(site);
    if (!n) rr.fail("site", fmt::format("unknown node '{}'", site));
    if (net.node(*n).kind == NodeKind::ExternalHub) rr.fail("site", fmt::format("'{}' is an external hub, not a site", site));
    r.site_node = site;
  } else {
    if (lon.empty() || lat.empty()) rr.fail(lon.empty() ? "lon" : "lat", "a site needs a node id (site) or both lon and lat");
    const double x = parse_number(lon, rr.file, rr.line, "lon", -180, 180), y = parse_number(lat, rr.file, rr.line, "lat", -90, 90);
    try {
      r.site_pos = proj.from_wgs84(x, y);
    } catch (const std::exception& e) {
      rr.fail("lon", fmt::format("cannot project ({}, {}) to Lambert-93: {}", x, y, e.what()));
    }
  }
  const std::string dest = rr.get("destination");
  if (dest.empty()) rr.fail("destination", "empty destination");
  if (dest == "dorsale" || dest == "any") {
    r.destination.kind = Destination::Kind::AnyDorsalePop;
  } else {
    std::string hub = dest.rfind("hub:", 0) == 0 ? dest.substr(4) : dest;
    bool is_hub = false;
    for (const auto& n : net.nodes())
      if (n.kind == NodeKind::ExternalHub && (n.name == hub || n.id == dest)) {
        is_hub = true;
        hub = n.name;
      }
    if (is_hub) {
      r.destination = {Destination::Kind::Hub, hub};
    } else if (net.find_node(dest)) {
      r.destination = {Destination::Kind::Node, dest};
      if (dest == r.site_node) rr.fail("destination", "the destination is the site itself");
    } else {
      rr.fail("destination", fmt::format("unknown node or hub '{}' (use \"dorsale\", a hub name or a node id)", dest));
    }
  }
  const std::string pairs = rr.get("pairs");
  if (pairs.empty()) rr.fail("pairs", "missing number of fibre pairs");
  const double p = parse_number(pairs, rr.file, rr.line, "pairs", 1, kMaxRequestPairs);
  if (p != std::floor(p)) rr.fail("pairs", fmt::format("{} is not a positive whole number of pairs", pairs));
  r.pairs = int(p);
  const std::string prot = rr.get("protection");
  if (prot.empty() || prot == "none") r.protection = Protection::None;
  else if (prot == "diverse") r.protection = Protection::Diverse;
  else rr.fail("protection", fmt::format("'{}' is not 'none' or 'diverse'", prot));
  if (auto v = rr.get("max_latency_ms"); !v.empty()) {
    const double l = parse_number(v, rr.file, rr.line, "max_latency_ms", 0, kMaxRequestLatencyMs);
    if (l <= 0) rr.fail("max_latency_ms", "a latency limit is positive");
    r.max_latency_ms = l;
  }
  if (auto v = rr.get("horizon_years"); !v.empty()) {
    const double h = parse_number(v, rr.file, rr.line, "horizon_years", 0, 100);
    if (h != std::floor(h)) rr.fail("horizon_years", fmt::format("{} is not a whole number of years in [0, 100]", v));
    r.horizon_years = int(h);
  }
  r.submitted = rr.get("submitted");
  if (!valid_date(r.submitted)) rr.fail("submitted", fmt::format("'{}' is not a date YYYY-MM-DD (years 1900 to 2100)", r.submitted));
  if (auto v = rr.get("value"); !v.empty()) {
    r.value = parse_number(v, rr.file, rr.line, "value", 0, kMaxRequestValue);
  }
  return r;
}

}  // namespace

std::vector<InterconnectionRequest> parse_requests(const std::string& text, const std::string& origin, bool json,
                                                   const Network& net) {
  // every byte and line checked first: a Latin-1 file is an error naming its first bad line
  check_line_lengths(text, origin);
  check_utf8(text, origin);
  const Projection& proj = Projection::for_this_thread();
  std::vector<InterconnectionRequest> out;
  std::set<std::string> ids;
  if (json) {
    nlohmann::json j;
    // a key given twice in one object (nlohmann keeps the last silently) is refused, naming it
    std::vector<std::set<std::string>> keys;  // the keys seen in each open object
    long element = 0;                         // the request being read (top-level objects)
    const nlohmann::json::parser_callback_t no_duplicate_keys = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      using E = nlohmann::json::parse_event_t;
      if (event == E::object_start) {
        if (depth == 1) ++element;
        keys.emplace_back();
      } else if (event == E::object_end) {
        keys.pop_back();
      } else if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
        throw InputError(depth == 2 ? fmt::format("{} request {}", origin, element) : origin, 0, parsed.get<std::string>(),
                         fmt::format("field '{}' appears twice: which one to read is ambiguous", parsed.get<std::string>()));
      }
      return true;
    };
    try {
      j = nlohmann::json::parse(text, no_duplicate_keys);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(origin, 0, "", std::string("malformed JSON: ") + e.what());
    } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
      throw InputError(origin, 0, "", std::string("bad JSON value: ") + e.what());
    }
    if (!j.is_array()) throw InputError(origin, 0, "", "expected a JSON array of requests");
    long k = 0;
    for (const auto& el : j) {
      ++k;
      const std::string where = fmt::format("{} request {}", origin, k);
      if (!el.is_object()) throw InputError(where, 0, "", "expected an object");
      Fields f;
      for (const auto& [name, v] : el.items()) {
        if (v.is_string()) f.emplace_back(name, v.get<std::string>());
        else if (v.is_number()) f.emplace_back(name, v.dump());
        else if (v.is_null()) f.emplace_back(name, "");
        else throw InputError(where, 0, name, "expected a string or a number");
      }
      out.push_back(build(RowReader{where, 0, f}, net, proj, ids));
      out.back().line = k;
    }
  } else {
    // CSV with the shared reader's rules (comma separated, quoted cells, header first, no
    // column twice); lines starting with '#' are comments.
    std::istringstream in(text);
    std::string line;
    long n = 0;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
      if (trim(line).empty() || line[0] == '#') continue;
      std::vector<std::string> cells = split_csv_line(line, ',');
      if (header.empty()) {
        for (auto& c : cells) header.push_back(trim(c));
        check_unique_columns(header, origin, n);
        continue;
      }
      if (cells.size() != header.size())
        throw InputError(origin, n, "", fmt::format("the row has {} fields, the header {}", cells.size(), header.size()));
      Fields f;
      for (std::size_t i = 0; i < header.size(); ++i) f.emplace_back(header[i], cells[i]);
      out.push_back(build(RowReader{origin, n, f}, net, proj, ids));
    }
    if (header.empty()) throw InputError(origin, 0, "", "no header line");
  }
  return out;
}

InterconnectionRequest request_from_fields(const Fields& fields, const std::string& where, const Network& net) {
  std::set<std::string> ids;
  InterconnectionRequest r = build(RowReader{where, 0, fields}, net, Projection::for_this_thread(), ids);
  r.line = 1;
  return r;
}

std::vector<InterconnectionRequest> read_requests(const std::string& path, const Network& net) {
  const std::string text = read_text_file(path, "the request file");
  const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  return parse_requests(text, path, json, net);
}

const char* example_requests_text() { return kExampleRequests; }

}  // namespace dorsale::scenarios
