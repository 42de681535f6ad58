#include "io/register_evaluation.h"
#include "io/spelling.h"

#include <nlohmann/json.hpp>

#include "io/reasons.h"

namespace dorsale::io {

namespace {

nlohmann::json route_json(const solvers::RouteOption::Route& r) {
  return {{"nodes", r.nodes},         {"links", r.links},           {"attach_node", r.attach_node},
          {"attach_km", r.attach_km}, {"length_km", r.length_km}, {"latency_ms", r.latency_ms}};
}

// The engine's evaluation, kept as given (so the export re-describes exactly what was answered).
nlohmann::json evaluation_json(const solvers::Evaluation& e) {
  nlohmann::json j = {{"decision", io::spell(e.decision)}, {"reasons", reason_texts(e.reasons)}, {"option", nullptr}};
  if (e.option) {
    nlohmann::json routes = nlohmann::json::array();
    for (const auto& r : e.option->routes) routes.push_back(route_json(r));
    j["option"] = {{"routes", routes},
                   {"capex", e.option->capex},
                   {"opex", e.option->opex},
                   {"risk_disjoint", e.option->risk_disjoint},
                   {"notes", e.option->notes}};
  }
  return j;
}

}  // namespace

std::string evaluation_text(const solvers::Evaluation& e) { return evaluation_json(e).dump(); }

solvers::Evaluation evaluation_from_text(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  solvers::Evaluation e;
  const std::string d = j.at("decision").get<std::string>();
  e.decision = parse_spelling<Decision>(d).value_or(Decision::Reject);
  e.reasons = j.at("reasons").get<std::vector<std::string>>();
  if (!j.at("option").is_null()) {
    const nlohmann::json& o = j.at("option");
    solvers::RouteOption opt;
    for (const auto& r : o.at("routes")) {
      solvers::RouteOption::Route route;
      route.nodes = r.at("nodes").get<std::vector<int>>();
      route.links = r.at("links").get<std::vector<int>>();
      route.attach_node = r.at("attach_node").get<int>();
      route.attach_km = r.at("attach_km").get<double>();
      route.length_km = r.at("length_km").get<double>();
      route.latency_ms = r.at("latency_ms").get<double>();
      opt.routes.push_back(std::move(route));
    }
    opt.capex = o.at("capex").get<double>();
    opt.opex = o.at("opex").get<double>();
    opt.risk_disjoint = o.at("risk_disjoint").get<bool>();
    opt.notes = o.at("notes").get<std::vector<std::string>>();
    e.option = std::move(opt);
  }
  return e;
}

}  // namespace dorsale::io
