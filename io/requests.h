#pragma once
// Reading interconnection request files: CSV (one request per row) or JSON (an array of
// objects), with the same fields:
//   id, requester, site (node id) or lon + lat (WGS84, a site off the network),
//   destination ("dorsale" = any Dorsale point of presence, a hub name such as "Paris" or
//   "hub:Paris", or a node id), pairs (whole, 1 to kMaxRequestPairs), protection ("none" |
//   "diverse"), max_latency_ms (optional, > 0 and <= kMaxRequestLatencyMs), horizon_years
//   (optional, whole, 0 to 100, default 10), submitted (YYYY-MM-DD), value (optional, 0 to
//   kMaxRequestValue, default 1).
// Numbers are decimal (scenarios::parse_number: no 0x10, inf or nan). A column (CSV) or a key
// (JSON object) given twice is an error naming it.
// The whole file is checked before anything is evaluated: one bad row is an error naming the
// row and field, and no request of the file is applied.
#include <string>
#include <utility>
#include <vector>

#include "models/interconnection.h"
#include "models/network.h"

namespace dorsale::scenarios {

inline constexpr double kMaxRequestPairs = 1e6;
inline constexpr double kMaxRequestLatencyMs = 1000;  // one way; the Earth's far side is ~100 ms of fibre
inline constexpr double kMaxRequestValue = 1e12;

// A real calendar date YYYY-MM-DD (years 1900 to 2100, leap years counted).
bool valid_date(const std::string& text);

std::vector<InterconnectionRequest> read_requests(const std::string& path, const Network& net);
// Same, from text already in memory; `origin` names it in errors; `json` selects the format.
std::vector<InterconnectionRequest> parse_requests(const std::string& text, const std::string& origin, bool json,
                                                   const Network& net);

// One request from its fields already read (name and text: a JSON string as it is, a number
// as written, null as ""), with the rules of a row of a request file; `where` names it in
// errors (the desk reads a request body once and hands its fields here).
InterconnectionRequest request_from_fields(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& where,
                                           const Network& net);

// The example request file shipped in the binary (scenarios/requests-example.csv).
const char* example_requests_text();

}  // namespace dorsale::scenarios
