#pragma once
// The desk's HTTP front (cpp-httplib): the JSON API under /api and the page at /. The connections
// are service/http_api.cpp, the routes service/http_routes.cpp; every JSON body is written and
// read by io/desk_json.h (the export's CSV too: io::requests_csv).
//   POST /api/requests            submit one request (Idempotency-Key honoured) -> 201
//   GET  /api/requests?status=&q=&sort=&order=&limit=&cursor=|offset=  one page of the register
//                                 (a requester: only their own): {items, total, ..., next_cursor}
//   GET  /api/requests/{id}       one request;  .../history (who, when, what, why), .../audit
//   POST /api/requests/{id}/confirm | /decline (engineer) | /cancel (its requester or engineer),
//                                 body empty or {"reason"} (a decline requires one)
//   GET | POST /api/requests/{id}/comments   the thread; add {"text"}
//   GET  /api/export/requests.json | .csv    every request the list's filters select
//   GET  /api/openapi.json        the API's OpenAPI 3.1 description (no token)
//   POST /api/requesters/{name}/decline-holds  {"reason"} (engineer): all their holds at once
//   GET  /api/links[?sort=load&limit=]  capacity, held, committed, free pairs, free share per link
//   GET  /api/network             nodes and links with positions (the page's map)
//   GET  /api/map                 the base map as SVG (viz/desk_map.h: outlines, names, PoPs,
//                                 scale bar, north arrow, legend), each node's position on it,
//                                 the free-share classes; made once, on the first call
//   GET  /api/export/decisions.json | /api/export/routes.gpkg | /api/export/t_ropt.csv;  POST /api/import (CSV)
//   PUT  /api/webhooks/{organisation}  {"url", "secret"} (engineer): notices of the state changes
//                                 of that requester's requests (service/notifier.h)
//   GET  /api/webhooks            (engineer) per organisation: url, notices delivered / pending / failing
//   GET  /api/requests/{id}/notices  the request's notices and their delivery state
//   GET  /api/whoami;  GET /api/health (no token)
// Errors are {"error": {"status", "field", "message"}} with 400, 401, 403, 404, 409, 413, 415,
// 429 or 503. Bodies above `max_body` bytes are refused before they are read whole: 413, or 400
// naming text (a comment) or reason (a decision). Slow or
// greedy clients are bounded by the desk.* connection parameters (header and body deadlines,
// connections per client address, keep-alive limits); path, query and headers that are not
// UTF-8 text are refused (400) before any handler.
#include <memory>
#include <mutex>
#include <string>

#include "models/gracethd.h"
#include "service/desk.h"
#include "service/tokens.h"

namespace httplib {
class Server;
}

namespace dorsale::service {

// A listening TCP socket on host:port, exclusive: SO_REUSEADDR only (a restart need not wait
// for TIME_WAIT), never SO_REUSEPORT, so a second listener on a busy address fails to bind
// instead of sharing its connections. Throws std::runtime_error "HOST:PORT: address already in
// use" (or the system's reason). Owns the descriptor until adopted by an HttpApi.
class ListenSocket {
 public:
  ListenSocket(const std::string& host, int port);
  ~ListenSocket();
  ListenSocket(const ListenSocket&) = delete;
  ListenSocket& operator=(const ListenSocket&) = delete;
  int port() const { return port_; }  // the bound port (port 0 given: the one chosen)
  int release();                      // the descriptor; the caller owns it now

 private:
  int fd_ = -1;
  int port_ = 0;
};

class HttpApi {
 public:
  HttpApi(Desk& desk, const TokenStore& tokens, std::size_t max_body = 1 << 20, int threads = 64);
  ~HttpApi();
  // Binds (an exclusive ListenSocket); port 0 takes a free port. Returns the port; throws
  // std::runtime_error on failure ("address already in use" for a busy address).
  int bind(const std::string& host, int port);
  // Serves on a socket bound beforehand (`dorsale serve` binds before opening its register).
  int adopt(ListenSocket& sock);
  void run();   // serves until stop()
  // Serves the requests read from one connected socket (a socketpair's end) in the calling
  // thread, through the same connection loop, edge checks and routes as a connection that
  // run() accepts, then closes it. Without a listening socket (fuzz/fuzz_desk_http.cpp).
  bool serve_connection(int sock);
  void stop();
  // The fibres of the desk's GraceTHD network (scenarios::NetworkImport::fibres), for
  // GET /api/export/t_ropt.csv; without them each cable's fibres are said not known.
  void set_fibres(gracethd::Fibres f) { fibres_ = std::move(f); }

 private:
  void routes();
  void api_routes();
  Desk& desk_;
  const TokenStore& tokens_;
  std::size_t max_body_;
  std::unique_ptr<httplib::Server> svr_;
  gracethd::Fibres fibres_;
  std::once_flag map_once_;  // GET /api/map: drawn on its first call, then served as made
  std::string map_json_;
};

}  // namespace dorsale::service
