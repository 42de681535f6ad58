#include "io/token_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <toml.hpp>

#include "models/error.h"

namespace dorsale::io {

std::vector<TokenFileEntry> read_token_file(const std::string& path) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const std::exception& e) {
    throw InputError(path, 0, "", std::string("cannot read the token file: ") + e.what());
  }
  std::vector<TokenFileEntry> out;
  std::set<std::string> names;
  std::map<std::string, std::size_t> hashes;  // lower-case hex -> its entry's number
  if (!root.contains("token") || !root.at("token").is_array()) throw InputError(path, 0, "token", "no [[token]] table");
  std::size_t k = 0;
  for (const auto& t : root.at("token").as_array()) {
    ++k;
    const std::string where = fmt::format("token[{}]", k);
    auto text = [&](const char* key) {
      if (!t.is_table() || !t.contains(key) || !t.at(key).is_string()) throw InputError(path, long(k), where + "." + key, "missing or not a string");
      return t.at(key).as_string().str;
    };
    const std::string name = text("name"), role = text("role"), hex = text("sha256");
    if (name.empty() || !names.insert(name).second) throw InputError(path, long(k), where + ".name", "empty or used twice");
    if (role != "requester" && role != "engineer") throw InputError(path, long(k), where + ".role", "'" + role + "' is not requester or engineer");
    const bool hex_ok = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (!hex_ok) throw InputError(path, long(k), where + ".sha256", "not 64 hexadecimal digits (the SHA-256 of the token)");
    std::string lower = hex;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (const auto [it, fresh] = hashes.emplace(lower, k); !fresh)
      throw InputError(path, long(k), where + ".sha256",
                       fmt::format("the same token hash as token[{}]: one token cannot have two names or roles", it->second));
    out.push_back({name, role == "engineer", hex});
  }
  return out;
}

}  // namespace dorsale::io
