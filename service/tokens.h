#pragma once
// Bearer tokens of the desk, from a TOML file of [[token]] tables:
//   [[token]]
//   name = "doubs-thd"        # who: the owner of the requests it submits
//   role = "requester"        # or "engineer"
//   sha256 = "9f86d0..."      # hex SHA-256 of the token (printf %s TOKEN | sha256sum)
// Tokens are never stored in clear; a presented token is hashed and compared with every
// entry in constant time (CRYPTO_memcmp, no early exit).
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "service/desk.h"

namespace dorsale::service {

class TokenStore {
 public:
  TokenStore() = default;
  // InputError naming the file, the [[token]] entry and the field.
  static TokenStore load(const std::string& path);
  void add(const std::string& name, Role role, const std::string& sha256_hex);
  // The caller of an "Authorization: Bearer <token>" header value; nullopt when absent or unknown.
  std::optional<Caller> authenticate(const std::string& authorization) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    Role role;
    std::array<unsigned char, 32> sha;
  };
  std::vector<Entry> entries_;
};

std::string sha256_hex_of(const std::string& text);

}  // namespace dorsale::service
