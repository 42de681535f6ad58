#pragma once
// The desk's token file (TOML, `serve --tokens`): one [[token]] table per caller with `name`,
// `role` (requester | engineer) and `sha256` (the SHA-256 of the token, 64 hexadecimal digits;
// the token itself is never stored). Read here, the only place that parses it; the desk
// (service/tokens) keeps the hashes and authenticates.
#include <string>
#include <vector>

namespace dorsale::io {

struct TokenFileEntry {
  std::string name;
  bool engineer = false;    // role = "engineer" (else "requester")
  std::string sha256_hex;   // 64 hexadecimal digits, as written
};

// Every entry in file order. InputError naming the file, the [[token]] entry and the field: a
// missing or non-string field, an empty or repeated name, an unknown role, a hash that is not 64
// hexadecimal digits, the same hash twice (one token cannot have two names or roles).
std::vector<TokenFileEntry> read_token_file(const std::string& path);

}  // namespace dorsale::io
