#include "service/http_api.h"

#include "io/desk_spelling.h"

#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

#include "models/error.h"
#include "io/register.h"
#include "service/openapi.h"
#include "service/web_page.h"
#include "viz/desk_map.h"
#include "io/output_dir.h"
#include "io/interconnect_writer.h"
#include "io/network_writer.h"

namespace dorsale::service {

using nlohmann::json;

namespace {

const char* kJson = "application/json";

void send_error(httplib::Response& res, int status, const std::string& field, const std::string& message) {
  res.status = status;
  res.set_content(json{{"error", {{"status", status}, {"field", field}, {"message", message}}}}.dump() + "\n", kJson);
}

void send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", kJson);
}

// The routes.gpkg export: GDAL writes a file; it is read back and removed.
std::string routes_gpkg_bytes(const Region& region, const InterconnectionResults& res) {
  // in a private folder (mkdtemp, 0700): a predictable name in the shared /tmp could be
  // pre-created or linked by another user
  const viz::PrivateTempDir tmp("dorsale-routes");
  const auto path = tmp.path() / "routes.gpkg";
  viz::write_routes_gpkg(path, region, res);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
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

std::string text_of(const json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// The field a body over the limit is refused for: a comment's text or a decision's reason is
// all such a body holds (400 naming it, as for a text over its characters' limit); any other
// body is refused as a body (413).
std::pair<int, std::string> oversize(const std::string& path) {
  const auto ends = [&](const std::string& tail) {
    return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (path.rfind("/api/requests/", 0) == 0 && ends("/comments")) return {400, "text"};
  if ((path.rfind("/api/requests/", 0) == 0 && (ends("/confirm") || ends("/decline") || ends("/cancel"))) ||
      (path.rfind("/api/requesters/", 0) == 0 && ends("/decline-holds")))
    return {400, "reason"};
  return {413, "body"};
}

// GET /api/map: the desk's base map (viz/desk_map.h) with the node positions and the classes the
// page colours the links by.
json map_body(const Region& region) {
  const viz::DeskMap m = viz::desk_map(region);
  json nodes = json::array(), classes = json::array();
  for (const auto& n : m.nodes) nodes.push_back({{"id", n.id}, {"x", n.x}, {"y", n.y}});
  for (const auto& c : viz::free_share_classes()) classes.push_back({{"label", c.label}, {"colour", c.colour}, {"to", c.to}});
  return {{"svg", m.svg},
          {"nodes", nodes},
          {"classes", classes},
          {"no_pairs", {{"label", viz::kNoPairsLabel}, {"colour", viz::kNoPairsColour}}},
          {"route_colour", viz::kRouteColour}};
}

void send_oversize(httplib::Response& res, const std::string& path, std::size_t max_body) {
  const auto [status, field] = oversize(path);
  if (status == 413) return send_error(res, 413, "body", fmt::format("the request body is larger than {} bytes", max_body));
  send_error(res, 400, field,
             fmt::format("the {} is far too long: its body is larger than {} bytes (the desk.{}_max_chars limit applies)", field == "text" ? "comment" : field,
                         max_body, field == "text" ? "comment" : "reason"));
}

}  // namespace

// The export's CSV: one row per request, in the list's order.
std::string requests_csv(const json& items, char sep) {
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

namespace {

// Refuses (400) a request whose path, query or headers are not UTF-8 text: they would reach
// the register (PostgreSQL refuses such bytes) or be cut at a NUL.
bool edge_check(const httplib::Request& req, httplib::Response& res) {
  if (!is_clean_text(req.path)) {
    send_error(res, 400, "path", "the path is not UTF-8 text (or holds a control character such as NUL)");
    return false;
  }
  for (const auto& [k, v] : req.params)
    if (!is_clean_text(k) || !is_clean_text(v)) {
      send_error(res, 400, is_clean_text(k) ? k : "query", "a query parameter is not UTF-8 text (or holds a control character)");
      return false;
    }
  for (const auto& [k, v] : req.headers)
    if (!is_clean_text(k) || !is_clean_text(v)) {
      send_error(res, 400, is_clean_text(k) ? k : "headers", "a header is not UTF-8 text (or holds a control character)");
      return false;
    }
  return true;
}

using Steady = std::chrono::steady_clock;

std::chrono::milliseconds ms_of(double seconds) { return std::chrono::milliseconds(std::llround(seconds * 1000)); }

// A connection's socket as cpp-httplib reads and writes it, with a deadline on reading: the
// request line and headers must arrive within desk.header_timeout_s of their first byte, the
// body within desk.body_timeout_s of the headers' end, however slowly the bytes trickle in
// (cpp-httplib 0.11 only bounds each wait for the next byte). Reads are buffered (cpp-httplib
// reads headers a byte at a time).
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int sock, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout)
      : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}
  void set_deadline(Steady::time_point t) { deadline_ = t; }
  bool buffered() const { return off_ < size_; }
  bool expired() const { return expired_; }  // a read met the deadline: the connection is closed

  bool is_readable() const override { return buffered() || wait(POLLIN, read_timeout_, true); }
  bool is_writable() const override { return wait(POLLOUT, write_timeout_, false); }
  ssize_t read(char* ptr, size_t size) override {
    if (!buffered()) {
      if (!is_readable()) return -1;
      const ssize_t n = ::recv(sock_, buf_, sizeof buf_, 0);
      if (n <= 0) return n;
      off_ = 0;
      size_ = std::size_t(n);
    }
    const std::size_t k = std::min(size, size_ - off_);
    std::memcpy(ptr, buf_ + off_, k);
    off_ += k;
    return ssize_t(k);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

  static void address_of(int sock, bool remote, std::string& ip, int& port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int rc = remote ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                          : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
    char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "0";
    if (rc == 0)
      ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
    ip = host;
    port = std::atoi(serv);
  }

 private:
  // Waits for `events` at most `timeout`, and (reading) not past the deadline.
  bool wait(short events, std::chrono::milliseconds timeout, bool reading) const {
    auto end = Steady::now() + timeout;
    const bool by_deadline = reading && deadline_ < end;
    if (by_deadline) end = deadline_;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Steady::now()).count();
      if (left <= 0) return !(expired_ = expired_ || by_deadline);
      pollfd p{sock_, events, 0};
      const int r = ::poll(&p, 1, int(std::min<long long>(left, 1 << 30)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
  }

  int sock_;
  std::chrono::milliseconds read_timeout_, write_timeout_;
  Steady::time_point deadline_ = Steady::time_point::max();
  mutable bool expired_ = false;
  char buf_[4096];
  std::size_t off_ = 0, size_ = 0;
};

thread_local DeadlineStream* t_stream = nullptr;  // the connection this worker serves
thread_local bool t_direct = false;               // serving a connection given to serve_connection

// cpp-httplib's server with the desk's own connection loop (in place of the library's, which
// has no deadline on a whole request): a cap on the connections of one client address
// (over it: 503 at once), the header and body deadlines above, an idle keep-alive timeout and
// a number of requests per connection.
class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(const param::Desk& p)
      : header_(ms_of(p.header_timeout_s)),
        body_(ms_of(p.body_timeout_s)),
        idle_(ms_of(p.keepalive_timeout_s)),
        max_requests_(std::size_t(p.keepalive_max_requests)),
        per_address_(int(p.connections_per_address)) {}

  // Serves on this listening socket (see ListenSocket) instead of binding one.
  void adopt(int fd) { svr_sock_ = fd; }

  // Serves one connected socket in the calling thread, as an accepted connection is served.
  bool serve_connection(int sock) {
    t_direct = true;
    const bool ok = process_and_close_socket(sock);
    t_direct = false;
    return ok;
  }

  // Called by the handlers' pre-routing step: the headers are read, the body comes next.
  void headers_read() const {
    if (t_stream) t_stream->set_deadline(Steady::now() + body_);
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    std::string ip;
    int port = 0;
    DeadlineStream::address_of(sock, true, ip, port);
    if (!admit(ip)) {
      refuse(sock, ip);
      return false;
    }
    const int yes = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    using std::chrono::duration_cast, std::chrono::milliseconds, std::chrono::seconds, std::chrono::microseconds;
    DeadlineStream strm(sock, duration_cast<milliseconds>(seconds(read_timeout_sec_) + microseconds(read_timeout_usec_)),
                        duration_cast<milliseconds>(seconds(write_timeout_sec_) + microseconds(write_timeout_usec_)));
    t_stream = &strm;
    bool ret = false;
    for (std::size_t n = 0; n < max_requests_; ++n) {
      // the first request may take the header timeout to start, a kept-alive one the idle timeout
      if (!wait_for_request(strm, sock, n == 0 ? header_ : idle_)) break;
      strm.set_deadline(Steady::now() + header_);
      bool closed = false;
      ret = process_request(strm, n + 1 == max_requests_, closed, nullptr);
      if (!ret || closed || strm.expired()) break;  // a request cut at its deadline ends the connection
    }
    t_stream = nullptr;
    release(ip);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
  }

  // The first byte of the next request within `timeout`, in slices that notice stop().
  bool wait_for_request(const DeadlineStream& strm, int sock, std::chrono::milliseconds timeout) const {
    if (strm.buffered()) return true;
    const auto end = Steady::now() + timeout;
    while (t_direct || svr_sock_ != INVALID_SOCKET) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Steady::now()).count();
      if (left <= 0) return false;
      pollfd p{sock, POLLIN, 0};
      const int r = ::poll(&p, 1, int(std::min<long long>(left, 100)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  bool admit(const std::string& ip) {
    std::lock_guard lock(mu_);
    int& n = open_[ip];
    if (n >= per_address_) return false;
    ++n;
    return true;
  }
  void release(const std::string& ip) {
    std::lock_guard lock(mu_);
    if (--open_[ip] <= 0) open_.erase(ip);
  }
  // 503 without reading the request; the client's bytes are drained for a moment so the
  // answer is not lost to a reset.
  void refuse(int sock, const std::string& ip) {
    const std::string body =
        json{{"error", {{"status", 503}, {"field", "connection"},
                        {"message", fmt::format("too many open connections from {} (desk.connections_per_address = {})", ip, per_address_)}}}}
            .dump() + "\n";
    const std::string head = fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 1\r\n"
        "Connection: close\r\n\r\n",
        body.size());
    const std::string all = head + body;
    ::send(sock, all.data(), all.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(sock, SHUT_WR);
    char sink[1024];
    const auto end = Steady::now() + std::chrono::milliseconds(50);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Steady::now()).count();
      pollfd p{sock, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, int(left)) <= 0 || ::recv(sock, sink, sizeof sink, 0) <= 0) break;
    }
    ::close(sock);
  }

  std::chrono::milliseconds header_, body_, idle_;
  std::size_t max_requests_;
  int per_address_;
  std::mutex mu_;
  std::map<std::string, int> open_;
};

}  // namespace

HttpApi::HttpApi(Desk& desk, const TokenStore& tokens, std::size_t max_body, int threads)
    : desk_(desk), tokens_(tokens), max_body_(max_body) {
  auto svr = std::make_unique<GuardedServer>(desk.params().desk);
  const GuardedServer* guarded_server = svr.get();
  svr_ = std::move(svr);
  svr_->new_task_queue = [threads] { return new httplib::ThreadPool(std::size_t(threads)); };
  svr_->set_payload_max_length(max_body);
  svr_->set_tcp_nodelay(true);  // small JSON answers: no delayed-ACK stall of ~40 ms
  // Runs once a request's headers are read, before its body: the body's deadline starts, and
  // what is not UTF-8 text (path, query, headers) is refused here, before any handler.
  svr_->set_pre_routing_handler([guarded_server](const httplib::Request& req, httplib::Response& res) {
    guarded_server->headers_read();
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3;
    // curl -X POST without -d): cpp-httplib would read one until the connection closes.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");  // the server's own object
    return edge_check(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
  });
  svr_->set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) send_oversize(res, req.path, max_body);
    else if (res.status == 404) send_error(res, 404, "path", "no such page or API route");
    else send_error(res, res.status, "", "refused");
  });
  svr_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "", "internal error");
  });
  routes();
  api_routes();
}

HttpApi::~HttpApi() = default;

ListenSocket::ListenSocket(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string where = host + ":" + std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); rc != 0)
    throw std::runtime_error(where + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  for (addrinfo* a = res; a && fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    const int yes = 1;  // SO_REUSEADDR alone: a LISTEN socket on the address still makes bind fail
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // small JSON answers: no delayed-ACK stall of ~40 ms (accepted sockets inherit it; each
    // connection sets it again below)
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    // Debian's cpp-httplib listens with a backlog of 5: here the system's largest
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      why = errno == EADDRINUSE ? "address already in use (another dorsale serve, or another program, listens there)" : std::strerror(errno);
      ::close(fd);
      continue;
    }
    fd_ = fd;
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) throw std::runtime_error(where + ": " + why);
  std::string ip;
  DeadlineStream::address_of(fd_, false, ip, port_);
}

ListenSocket::~ListenSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int ListenSocket::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

int HttpApi::bind(const std::string& host, int port) {
  ListenSocket sock(host, port);
  return adopt(sock);
}

int HttpApi::adopt(ListenSocket& sock) {
  const int port = sock.port();
  static_cast<GuardedServer&>(*svr_).adopt(sock.release());
  return port;
}

void HttpApi::run() { svr_->listen_after_bind(); }
bool HttpApi::serve_connection(int sock) { return static_cast<GuardedServer&>(*svr_).serve_connection(sock); }
void HttpApi::stop() { svr_->stop(); }

using Body = std::function<void(const Caller&, const httplib::Request&, const std::string& body, httplib::Response&)>;

// Authenticates, runs the handler, turns refusals into JSON errors.
static void run_guarded(const TokenStore& tokens, const httplib::Request& req, const std::string& body, httplib::Response& res,
                        const Body& fn) {
  const auto caller = tokens.authenticate(req.get_header_value("Authorization"));
  if (!caller) return send_error(res, 401, "Authorization", "a valid 'Authorization: Bearer <token>' header is required");
  try {
    fn(*caller, req, body, res);
  } catch (const ApiError& e) {
    send_error(res, e.status(), e.field(), e.what());
  } catch (const InputError& e) {
    send_error(res, 400, e.field(), e.what());
  } catch (const RegisterUnavailable& e) {
    res.set_header("Retry-After", "60");
    send_error(res, 503, "register", e.what());
  }
}

static httplib::Server::Handler guarded(const TokenStore& tokens,
                                        std::function<void(const Caller&, const httplib::Request&, httplib::Response&)> fn) {
  return [&tokens, fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    run_guarded(tokens, req, req.body, res, [&](const Caller& c, const httplib::Request& r, const std::string&, httplib::Response& out) {
      fn(c, r, out);
    });
  };
}

// A POST whose body the handler reads itself (cpp-httplib would refuse a body over 8 KB sent
// as application/x-www-form-urlencoded, curl's default for -d / --data-binary, calling it too
// large): any content type but a multipart form, up to max_body bytes.
static httplib::Server::HandlerWithContentReader guarded_post(const TokenStore& tokens, std::size_t max_body, Body fn) {
  return [&tokens, max_body, fn = std::move(fn)](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data())
      return send_error(res, 415, "body", "send the request or CSV as the body itself (curl --data-binary @file), not as a multipart form (-F)");
    std::string body;
    bool too_big = false;
    const bool whole = reader([&](const char* data, std::size_t n) {
      if (body.size() + n > max_body) return !(too_big = true);
      body.append(data, n);
      return true;
    });
    if (too_big || res.status == 413) return send_oversize(res, req.path, max_body);
    if (!whole) return send_error(res, 400, "body", "the body was cut off or not sent in time (desk.body_timeout_s)");
    run_guarded(tokens, req, body, res, fn);
  };
}

void HttpApi::routes() {
  svr_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
    res.set_content(kWebPage, "text/html; charset=utf-8");
  });
  svr_->Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
    const std::string problem = desk_.register_problem();
    if (problem.empty()) return send(res, 200, {{"status", "ok"}});
    send(res, 503, {{"status", "unavailable"}, {"reason", problem}});
  });
  svr_->Get("/api/openapi.json", [](const httplib::Request&, httplib::Response& res) { res.set_content(kOpenApi, kJson); });
  svr_->Get("/api/whoami", guarded(tokens_, [](const Caller& c, const httplib::Request&, httplib::Response& res) {
              send(res, 200, {{"name", c.name}, {"role", role_key(c.role)}});
            }));
  svr_->Get("/api/network", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              send(res, 200, desk_.network());
            }));
  svr_->Get("/api/map", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              std::call_once(map_once_, [this] { map_json_ = map_body(desk_.region()).dump(); });
              res.set_content(map_json_, kJson);
            }));
  svr_->Get("/api/links", guarded(tokens_, [this](const Caller&, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.links(req.params));
            }));
  svr_->Get("/api/export/decisions.json", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(viz::decisions_json(desk_.export_results(c)).dump(2) + "\n", kJson);
            }));
  svr_->Get("/api/export/routes.gpkg", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(routes_gpkg_bytes(desk_.region(), desk_.export_results(c)), "application/geopackage+sqlite3");
            }));
  svr_->Get("/api/export/t_ropt.csv", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(viz::ropt_csv(desk_.export_results(c), fibres_), "text/csv; charset=utf-8");  // GraceTHD optical routes
            }));
}

void HttpApi::api_routes() {
  svr_->Post("/api/requests", guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body,
                                                                   httplib::Response& res) {
               const auto out = desk_.submit(c, body, req.get_header_value("Idempotency-Key"));
               if (out.replay) res.set_header("Idempotent-Replayed", "true");
               send(res, 201, out.answer);
             }));
  svr_->Get("/api/requests", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.list(c, req.params));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/history)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.history(c, req.matches[1]));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/comments)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.history(c, req.matches[1], "comment"));
            }));
  svr_->Post(R"(/api/requests/([^/]+)/comments)",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send(res, 201, desk_.comment(c, req.matches[1], body));
             }));
  svr_->Get("/api/export/requests.json", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              const json items = desk_.export_list(c, req.params);
              send(res, 200, {{"items", items}, {"total", items.size()}});
            }));
  svr_->Get("/api/export/requests.csv", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              // sep=; for French spreadsheets (the list's filters are the other parameters)
              Desk::Query query = req.params;
              char sep = ',';
              if (const auto it = query.find("sep"); it != query.end()) {
                if (query.count("sep") > 1 || (it->second != "," && it->second != ";")) throw ApiError(400, "sep", "the CSV separator is , or ;");
                sep = it->second[0];
                query.erase(it);
              }
              res.set_content(requests_csv(desk_.export_list(c, query), sep), "text/csv; charset=utf-8");
            }));
  svr_->Get(R"(/api/requests/([^/]+))", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.get(c, req.matches[1]));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/audit)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.audit(c, req.matches[1]));
            }));
  svr_->Post(R"(/api/requests/([^/]+)/(confirm|decline|cancel))",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send(res, 200, desk_.decide(c, req.matches[1], *io::action_from(req.matches[2].str()), body));  // the route's three
             }));
  svr_->Post(R"(/api/requesters/([^/]+)/decline-holds)",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send(res, 200, desk_.decline_holds(c, req.matches[1], body));
             }));
  svr_->Get("/api/webhooks", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              send(res, 200, desk_.webhooks(c));
            }));
  svr_->Put(R"(/api/webhooks/([^/]+))",
            guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
              send(res, 200, desk_.set_webhook(c, req.matches[1], body));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/notices)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.notices(c, req.matches[1]));
            }));
  svr_->Post("/api/import", guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request&, const std::string& body,
                                                                 httplib::Response& res) {
               send(res, 201, desk_.import_csv(c, body));
             }));
}

}  // namespace dorsale::service
