#pragma once
// The desk's HTTP front, internal: the answers every part of it sends (service/http_api.cpp, the
// connections; service/http_routes.cpp, the routes). The bodies are io/desk_json.h's.
#include <cstddef>
#include <string>

namespace httplib {
struct Response;
}

namespace dorsale::service {

inline constexpr const char* kJson = "application/json";

// `body` (JSON text) and a newline, as application/json.
void send_json(httplib::Response& res, int status, const std::string& body);
// {"error": {"status", "field", "message"}}.
void send_error(httplib::Response& res, int status, const std::string& field, const std::string& message);
// A body over `max_body` bytes: 413, or 400 naming text (a comment) or reason (a decision).
void send_oversize(httplib::Response& res, const std::string& path, std::size_t max_body);

}  // namespace dorsale::service
