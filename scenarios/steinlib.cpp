#include "scenarios/steinlib.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "models/error.h"

namespace dorsale::scenarios {

SteinerInstance read_stp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", "cannot open the STP file");
  SteinerInstance s;
  s.name = path.substr(path.find_last_of('/') + 1);
  std::string line, section;
  long n = 0, declared_edges = -1, declared_terminals = -1;
  bool header = false;
  auto lower = [](std::string x) {
    std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) { return std::tolower(c); });
    return x;
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream ls(line);
    std::string key;
    if (!(ls >> key)) continue;
    if (!header) {
      if (lower(key).rfind("33d32945", 0) != 0) throw InputError(path, n, "header", "not an STP file (no 33D32945 magic)");
      header = true;
      continue;
    }
    const std::string k = lower(key);
    if (k == "section") {
      ls >> section;
      section = lower(section);
      continue;
    }
    if (k == "end") {
      section.clear();
      continue;
    }
    if (k == "eof") break;
    auto number = [&](const char* field) {
      double v;
      if (!(ls >> v)) throw InputError(path, n, field, "expected a number");
      return v;
    };
    if (section == "comment" && k == "name") {
      std::string rest;
      std::getline(ls, rest);
      rest.erase(std::remove(rest.begin(), rest.end(), '"'), rest.end());
      auto b = rest.find_first_not_of(' ');
      if (b != std::string::npos) s.name = rest.substr(b);
    } else if (section == "graph") {
      if (k == "nodes") s.nodes = int(number("Nodes"));
      else if (k == "edges") declared_edges = long(number("Edges"));
      else if (k == "e" || k == "a") {
        SteinerEdge e;
        e.u = int(number("E u")) - 1;
        e.v = int(number("E v")) - 1;
        e.w = number("E w");
        if (e.u < 0 || e.u >= s.nodes) throw InputError(path, n, "E u", fmt::format("node {} out of 1..{}", e.u + 1, s.nodes));
        if (e.v < 0 || e.v >= s.nodes) throw InputError(path, n, "E v", fmt::format("node {} out of 1..{}", e.v + 1, s.nodes));
        if (e.w < 0) throw InputError(path, n, "E w", "negative weight");
        s.edges.push_back(e);
      }
    } else if (section == "terminals") {
      if (k == "terminals") declared_terminals = long(number("Terminals"));
      else if (k == "t") {
        const int v = int(number("T")) - 1;
        if (v < 0 || v >= s.nodes) throw InputError(path, n, "T", fmt::format("node {} out of 1..{}", v + 1, s.nodes));
        s.terminals.push_back(v);
      }
    }
  }
  if (!header) throw InputError(path, n, "header", "empty file");
  if (declared_edges >= 0 && declared_edges != long(s.edges.size()))
    throw InputError(path, 0, "Edges", fmt::format("{} edges declared, {} read", declared_edges, s.edges.size()));
  if (declared_terminals >= 0 && declared_terminals != long(s.terminals.size()))
    throw InputError(path, 0, "Terminals", fmt::format("{} terminals declared, {} read", declared_terminals, s.terminals.size()));
  validate(s);
  return s;
}

std::vector<std::pair<std::string, double>> read_steinlib_optima(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", "cannot open the optima file");
  std::vector<std::pair<std::string, double>> out;
  std::string line;
  for (long n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 || line.empty()) continue;  // header
    const auto comma = line.find(',');
    if (comma == std::string::npos) throw InputError(path, n, "optimum", "expected instance,optimum");
    try {
      out.emplace_back(line.substr(0, comma), std::stod(line.substr(comma + 1)));
    } catch (const std::exception&) {
      throw InputError(path, n, "optimum", "not a number");
    }
  }
  return out;
}

}  // namespace dorsale::scenarios
