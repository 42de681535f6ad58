#include "service/http_api.h"

#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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
#include "service/register.h"
#include "service/web_page.h"
#include "viz/output_dir.h"
#include "viz/interconnect_writer.h"

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
    while (svr_sock_ != INVALID_SOCKET) {
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
    return edge_check(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
  });
  svr_->set_error_handler([max_body](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) send_error(res, 413, "body", fmt::format("the request body is larger than {} bytes", max_body));
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

int HttpApi::bind(const std::string& host, int port) {
  // Debian's libcpp-httplib listens with a backlog of 5: a burst of new clients overflows it
  // and their requests wait for a retransmission or time out. The listening socket is kept
  // here and listened on again with the system's largest backlog (Linux allows it).
  int sock = -1;
  svr_->set_socket_options([&sock](int s) {
    httplib::default_socket_options(s);
    sock = s;
  });
  const int p = port == 0 ? svr_->bind_to_any_port(host) : (svr_->bind_to_port(host, port) ? port : -1);
  if (p <= 0) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
  svr_->set_socket_options(httplib::default_socket_options);  // `sock` dies here
  if (sock >= 0) ::listen(sock, SOMAXCONN);
  return p;
}

void HttpApi::run() { svr_->listen_after_bind(); }
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
    if (too_big || res.status == 413) return send_error(res, 413, "body", fmt::format("the request body is larger than {} bytes", max_body));
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
  svr_->Get("/api/whoami", guarded(tokens_, [](const Caller& c, const httplib::Request&, httplib::Response& res) {
              send(res, 200, {{"name", c.name}, {"role", role_key(c.role)}});
            }));
  svr_->Get("/api/network", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              send(res, 200, desk_.network());
            }));
  svr_->Get("/api/links", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              send(res, 200, desk_.links());
            }));
  svr_->Get("/api/export/decisions.json", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(viz::decisions_json(desk_.export_results(c)).dump(2) + "\n", kJson);
            }));
  svr_->Get("/api/export/routes.gpkg", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(routes_gpkg_bytes(desk_.region(), desk_.export_results(c)), "application/geopackage+sqlite3");
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
              send(res, 200, desk_.list(c, req.get_param_value("status")));
            }));
  svr_->Get(R"(/api/requests/([^/]+))", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.get(c, req.matches[1]));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/audit)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send(res, 200, desk_.audit(c, req.matches[1]));
            }));
  svr_->Post(R"(/api/requests/([^/]+)/(confirm|decline|cancel))",
             guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
               send(res, 200, desk_.decide(c, req.matches[1], req.matches[2]));
             }));
  svr_->Post(R"(/api/requesters/([^/]+)/decline-holds)",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send(res, 200, desk_.decline_holds(c, req.matches[1], body));
             }));
  svr_->Post("/api/import", guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request&, const std::string& body,
                                                                 httplib::Response& res) {
               send(res, 201, desk_.import_csv(c, body));
             }));
}

}  // namespace dorsale::service
