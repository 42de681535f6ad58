#include "service/http_api.h"

#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.h"
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

}  // namespace

HttpApi::HttpApi(Desk& desk, const TokenStore& tokens, std::size_t max_body, int threads)
    : desk_(desk), tokens_(tokens), svr_(std::make_unique<httplib::Server>()) {
  svr_->new_task_queue = [threads] { return new httplib::ThreadPool(std::size_t(threads)); };
  svr_->set_payload_max_length(max_body);
  svr_->set_tcp_nodelay(true);
  svr_->set_keep_alive_max_count(1000);  // scripts keep one connection (the default closes after 5)  // small JSON answers: no delayed-ACK stall of ~40 ms
  svr_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) send_error(res, 413, "body", "the request body is larger than 1 MiB");
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

// Authenticates, runs the handler, turns refusals into JSON errors.
static httplib::Server::Handler guarded(const TokenStore& tokens,
                                        std::function<void(const Caller&, const httplib::Request&, httplib::Response&)> fn) {
  return [&tokens, fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    const auto caller = tokens.authenticate(req.get_header_value("Authorization"));
    if (!caller) return send_error(res, 401, "Authorization", "a valid 'Authorization: Bearer <token>' header is required");
    try {
      fn(*caller, req, res);
    } catch (const ApiError& e) {
      send_error(res, e.status(), e.field(), e.what());
    } catch (const InputError& e) {
      send_error(res, 400, e.field(), e.what());
    }
  };
}

void HttpApi::routes() {
  svr_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
    res.set_content(kWebPage, "text/html; charset=utf-8");
  });
  svr_->Get("/api/health", [](const httplib::Request&, httplib::Response& res) { send(res, 200, {{"status", "ok"}}); });
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
  svr_->Post("/api/requests", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
               const auto out = desk_.submit(c, req.body, req.get_header_value("Idempotency-Key"));
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
  svr_->Post("/api/import", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
               send(res, 201, desk_.import_csv(c, req.body));
             }));
}

}  // namespace dorsale::service
