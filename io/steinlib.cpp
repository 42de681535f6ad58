#include "io/steinlib.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.h"
#include "io/text.h"

namespace dorsale::scenarios {

namespace {

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t b = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > b) out.push_back(line.substr(b, i - b));
  }
  return out;
}

std::string lower(std::string_view x) {
  std::string out(x);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

// The state of one STP file being read: the instance so far, the declared counts, the current
// line and its tokens; one method per section.
struct StpReader {
  const std::string& path;
  SteinerInstance s;
  long n = 0;  // line number
  std::string line;
  std::vector<std::string_view> tok;
  std::int64_t declared_edges = -1, declared_terminals = -1;

  // the i-th number after the key: a whole number in lo..hi, or a finite weight >= 0
  std::int64_t integer(std::size_t i, const char* field, std::int64_t lo, std::int64_t hi) const {
    if (i >= tok.size()) throw InputError(path, n, field, "expected a whole number");
    const auto v = parse_int64(tok[i]);
    if (!v) throw InputError(path, n, field, fmt::format("'{}' is not a whole number (or does not fit in 64 bits)", tok[i]));
    if (*v < lo || *v > hi) throw InputError(path, n, field, fmt::format("{} is out of {}..{}", *v, lo, hi));
    return *v;
  }
  double weight(std::size_t i, const char* field) const {
    if (i >= tok.size()) throw InputError(path, n, field, "expected a number");
    std::string_view t = tok[i];
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    double v = 0;
    const auto [p, err] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || err != std::errc() || p != t.data() + t.size() || !std::isfinite(v))
      throw InputError(path, n, field, fmt::format("'{}' is not a finite number", tok[i]));
    if (v < 0) throw InputError(path, n, field, "negative weight");
    return v;
  }
  void need_nodes(const char* field) const {
    if (s.nodes <= 0) throw InputError(path, n, field, "comes before the Nodes line of the Graph section");
  }

  void comment_line(const std::string& k) {
    if (k != "name") return;
    std::string rest = line.substr(std::size_t(tok[0].data() - line.data()) + tok[0].size());
    rest.erase(std::remove(rest.begin(), rest.end(), '"'), rest.end());
    auto b = rest.find_first_not_of(" \t");
    if (b != std::string::npos) s.name = rest.substr(b);
  }

  void graph_line(const std::string& k) {
    if (k == "nodes") {
      if (s.nodes > 0) throw InputError(path, n, "Nodes", "given twice");
      s.nodes = int(integer(1, "Nodes", 1, kMaxStpNodes));
    } else if (k == "edges" || k == "arcs") {
      if (declared_edges >= 0) throw InputError(path, n, "Edges", "given twice");
      declared_edges = integer(1, "Edges", 0, kMaxStpEdges);
    } else if (k == "e" || k == "a") {
      need_nodes("E");
      if (std::int64_t(s.edges.size()) >= (declared_edges >= 0 ? declared_edges : kMaxStpEdges))
        throw InputError(path, n, "E",
                         declared_edges >= 0 ? fmt::format("more edges than the {} declared", declared_edges)
                                             : fmt::format("more than {} edges", kMaxStpEdges));
      SteinerEdge e;
      e.u = int(integer(1, "E u", 1, s.nodes)) - 1;
      e.v = int(integer(2, "E v", 1, s.nodes)) - 1;
      e.w = weight(3, "E w");
      s.edges.push_back(e);
    }
  }

  void terminals_line(const std::string& k) {
    if (k == "terminals") {
      if (declared_terminals >= 0) throw InputError(path, n, "Terminals", "given twice");
      need_nodes("Terminals");
      declared_terminals = integer(1, "Terminals", 0, s.nodes);
    } else if (k == "t") {
      need_nodes("T");
      if (std::int64_t(s.terminals.size()) >= (declared_terminals >= 0 ? declared_terminals : std::int64_t(s.nodes)))
        throw InputError(path, n, "T",
                         declared_terminals >= 0 ? fmt::format("more terminals than the {} declared", declared_terminals)
                                                 : fmt::format("more terminals than the {} nodes", s.nodes));
      s.terminals.push_back(int(integer(1, "T", 1, s.nodes)) - 1);
    }
  }

  // After the last line: the declared counts were met and the instance is valid.
  void finish(bool header) {
    if (!header) throw InputError(path, n, "header", "empty file");
    if (s.nodes <= 0) throw InputError(path, 0, "Nodes", "no Nodes line in the Graph section");
    if (declared_edges >= 0 && declared_edges != std::int64_t(s.edges.size()))
      throw InputError(path, 0, "Edges", fmt::format("{} edges declared, {} read", declared_edges, s.edges.size()));
    if (declared_terminals >= 0 && declared_terminals != std::int64_t(s.terminals.size()))
      throw InputError(path, 0, "Terminals", fmt::format("{} terminals declared, {} read", declared_terminals, s.terminals.size()));
    try {
      validate(s);
    } catch (const ValidationError& e) {
      throw InputError(path, 0, e.field(), e.what());
    }
  }
};

}  // namespace

SteinerInstance read_stp(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, "", "cannot open the STP file: it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "", "cannot open the STP file");
  StpReader r{path};
  r.s.name = path.substr(path.find_last_of('/') + 1);
  std::string section;
  bool header = false;
  while (read_line_capped(in, r.line, path, r.n + 1)) {
    ++r.n;
    if (!r.line.empty() && r.line.back() == '\r') r.line.pop_back();
    check_utf8(r.line, path, r.n);
    r.tok = tokens(r.line);
    if (r.tok.empty()) continue;
    if (!header) {
      if (lower(r.tok[0]).rfind("33d32945", 0) != 0) throw InputError(path, r.n, "header", "not an STP file (no 33D32945 magic)");
      header = true;
      continue;
    }
    const std::string k = lower(r.tok[0]);
    if (k == "section") {
      section = r.tok.size() > 1 ? lower(r.tok[1]) : "";
      continue;
    }
    if (k == "end") {
      section.clear();
      continue;
    }
    if (k == "eof") break;
    if (section == "comment") r.comment_line(k);
    else if (section == "graph") r.graph_line(k);
    else if (section == "terminals") r.terminals_line(k);
  }
  r.finish(header);
  return std::move(r.s);
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
