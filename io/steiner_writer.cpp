#include "io/steiner_writer.h"

#include <fmt/format.h>

namespace dorsale::viz {

nlohmann::json steiner_json(const SteinerInstance& inst, const solvers::SteinerResult& r, const std::string& method,
                            const std::string& status) {
  nlohmann::json j = {{"instance", inst.name}, {"nodes", inst.nodes},   {"edges", inst.edges.size()},
                      {"terminals", inst.terminals.size()}, {"method", method}, {"status", status},
                      {"cost", r.cost}, {"bound", r.bound}, {"gap", r.gap}, {"seconds", r.seconds}};
  nlohmann::json edges = nlohmann::json::array();
  for (int e : r.edges) edges.push_back({inst.edges[e].u + 1, inst.edges[e].v + 1});  // SteinLib numbers nodes from 1
  j["tree_edges"] = edges;
  return j;
}

std::string steiner_text(const SteinerInstance& inst, const solvers::SteinerResult& r, const std::string& method,
                         const std::string& status) {
  return fmt::format("{} ({} nodes, {} edges, {} terminals), {}: status {}, cost {:g}, bound {:g}, gap {:.3f} %, {:.3f} s\n", inst.name,
                     inst.nodes, inst.edges.size(), inst.terminals.size(), method, status, r.cost, r.bound, 100 * r.gap, r.seconds);
}

}  // namespace dorsale::viz
