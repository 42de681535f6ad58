// The desk's HTTP front: the connections (an exclusive listening socket, cpp-httplib's server with
// the desk's own connection loop: deadlines, per-address cap, keep-alive limits; the edge checks
// before any handler). The routes are service/http_routes.cpp.
#include "service/http_api.h"

#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>

#include "io/desk_json.h"
#include "service/http_send.h"

namespace dorsale::service {

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
        io::error_json(503, "connection", fmt::format("too many open connections from {} (desk.connections_per_address = {})", ip, per_address_)) +
        "\n";
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
  // an exception no handler turned into a 4xx or 503: a defect, answered 500 and logged
  svr_->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr e) {
    std::string what = "unknown exception";
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    // quoted and escaped: a path or message may hold a newline meant to forge a log line
    std::cerr << fmt::format("dorsale serve: internal error on {:?} {:?}: {:?}\n", req.method, req.path, what);
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

}  // namespace dorsale::service
