// The desk's HTTP routes: authentication, the handlers, refusals as JSON errors. Every body is
// written by io/desk_json.h from the desk's typed answers (no JSON here). The connections are
// service/http_api.cpp.
#include <fmt/format.h>
#include <httplib.h>

#include <fstream>
#include <sstream>

#include "io/desk_json.h"
#include "io/desk_spelling.h"
#include "io/interconnect_writer.h"
#include "io/network_writer.h"
#include "io/output_dir.h"
#include "io/register.h"
#include "models/error.h"
#include "service/http_api.h"
#include "service/http_send.h"
#include "service/openapi.h"
#include "service/web_page.h"
#include "viz/desk_map.h"

namespace dorsale::service {

namespace {

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
std::string map_body(const Region& region) {
  viz::DeskMap m = viz::desk_map(region);
  io::MapBody body;
  body.svg = std::move(m.svg);
  for (const auto& n : m.nodes) body.nodes.push_back({n.id, n.x, n.y});
  for (const auto& c : viz::free_share_classes()) body.classes.push_back({c.label, c.colour, c.to});
  body.no_pairs_label = viz::kNoPairsLabel;
  body.no_pairs_colour = viz::kNoPairsColour;
  body.route_colour = viz::kRouteColour;
  return io::map_json(body);
}

}  // namespace

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body + "\n", kJson);
}

void send_error(httplib::Response& res, int status, const std::string& field, const std::string& message) {
  send_json(res, status, io::error_json(status, field, message));
}

void send_oversize(httplib::Response& res, const std::string& path, std::size_t max_body) {
  const auto [status, field] = oversize(path);
  if (status == 413) return send_error(res, 413, "body", fmt::format("the request body is larger than {} bytes", max_body));
  send_error(res, 400, field,
             fmt::format("the {} is far too long: its body is larger than {} bytes (the desk.{}_max_chars limit applies)", field == "text" ? "comment" : field,
                         max_body, field == "text" ? "comment" : "reason"));
}

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
    send_json(res, problem.empty() ? 200 : 503, io::health_json(problem));
  });
  svr_->Get("/api/openapi.json", [](const httplib::Request&, httplib::Response& res) { res.set_content(kOpenApi, kJson); });
  svr_->Get("/api/whoami", guarded(tokens_, [](const Caller& c, const httplib::Request&, httplib::Response& res) {
              send_json(res, 200, io::whoami_json(c.name, role_key(c.role)));
            }));
  svr_->Get("/api/network", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              send_json(res, 200, io::network_json(desk_.network()));
            }));
  svr_->Get("/api/map", guarded(tokens_, [this](const Caller&, const httplib::Request&, httplib::Response& res) {
              std::call_once(map_once_, [this] { map_json_ = map_body(desk_.region()); });
              res.set_content(map_json_, kJson);
            }));
  svr_->Get("/api/links", guarded(tokens_, [this](const Caller&, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::links_json(desk_.links(req.params)));
            }));
  svr_->Get("/api/export/decisions.json", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              res.set_content(io::decisions_json_text(desk_.export_results(c)) + "\n", kJson);
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
               send_json(res, 201, io::answer_json(out.answer));
             }));
  svr_->Get("/api/requests", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::page_json(desk_.list(c, req.params)));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/history)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::history_json(desk_.history(c, req.matches[1])));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/comments)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::history_json(desk_.history(c, req.matches[1], "comment")));
            }));
  svr_->Post(R"(/api/requests/([^/]+)/comments)",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send_json(res, 201, io::event_json(desk_.comment(c, req.matches[1], body)));
             }));
  svr_->Get("/api/export/requests.json", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::export_json(desk_.export_list(c, req.params)));
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
              res.set_content(io::requests_csv(desk_.export_list(c, query), sep), "text/csv; charset=utf-8");
            }));
  svr_->Get(R"(/api/requests/([^/]+))", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::answer_json(desk_.get(c, req.matches[1])));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/audit)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::events_json(desk_.audit(c, req.matches[1])));
            }));
  svr_->Post(R"(/api/requests/([^/]+)/(confirm|decline|cancel))",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send_json(res, 200, io::answer_json(desk_.decide(c, req.matches[1], *io::action_from(req.matches[2].str()), body)));  // the route's three
             }));
  svr_->Post(R"(/api/requesters/([^/]+)/decline-holds)",
             guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
               send_json(res, 200, io::declined_json(desk_.decline_holds(c, req.matches[1], body)));
             }));
  svr_->Get("/api/webhooks", guarded(tokens_, [this](const Caller& c, const httplib::Request&, httplib::Response& res) {
              send_json(res, 200, io::webhooks_json(desk_.webhooks(c)));
            }));
  svr_->Put(R"(/api/webhooks/([^/]+))",
            guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request& req, const std::string& body, httplib::Response& res) {
              send_json(res, 200, io::webhook_set_json(desk_.set_webhook(c, req.matches[1], body)));
            }));
  svr_->Get(R"(/api/requests/([^/]+)/notices)", guarded(tokens_, [this](const Caller& c, const httplib::Request& req, httplib::Response& res) {
              send_json(res, 200, io::notices_json(desk_.notices(c, req.matches[1])));
            }));
  svr_->Post("/api/import", guarded_post(tokens_, max_body_, [this](const Caller& c, const httplib::Request&, const std::string& body,
                                                                 httplib::Response& res) {
               send_json(res, 201, io::answers_json(desk_.import_csv(c, body)));
             }));
}

}  // namespace dorsale::service
