#include "service/tokens.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "io/token_file.h"
#include "models/error.h"

namespace dorsale::service {

namespace {

std::array<unsigned char, 32> sha256(const std::string& text) {
  std::array<unsigned char, 32> md{};
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), md.data(), &n, EVP_sha256(), nullptr);
  return md;
}

std::optional<std::array<unsigned char, 32>> from_hex(const std::string& hex) {
  if (hex.size() != 64) return std::nullopt;
  std::array<unsigned char, 32> out{};
  for (std::size_t i = 0; i < 32; ++i) {
    int v = 0;
    for (char ch : hex.substr(2 * i, 2)) {
      const int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    out[i] = static_cast<unsigned char>(v);
  }
  return out;
}

}  // namespace

std::string sha256_hex_of(const std::string& text) {
  std::string out;
  for (unsigned char c : sha256(text)) out += fmt::format("{:02x}", c);
  return out;
}

void TokenStore::add(const std::string& name, Role role, const std::string& hex) {
  auto sha = from_hex(hex);
  if (!sha) throw InputError("tokens", 0, "sha256", "not 64 hexadecimal digits");
  // One token is one caller: the same hash under two names or roles would make who a token
  // is depend on the file's order.
  for (const auto& e : entries_)
    if (e.sha == *sha)
      throw InputError("tokens", 0, "sha256", "the same token (hash) as '" + e.name + "': a token names one caller");
  entries_.push_back({name, role, *sha});
}

TokenStore TokenStore::load(const std::string& path) {
  TokenStore store;
  for (const auto& e : io::read_token_file(path)) store.add(e.name, e.engineer ? Role::Engineer : Role::Requester, e.sha256_hex);
  return store;
}

std::optional<Caller> TokenStore::authenticate(const std::string& authorization) const {
  static const std::string prefix = "Bearer ";
  if (authorization.size() <= prefix.size() || authorization.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const auto sha = sha256(authorization.substr(prefix.size()));
  const Entry* found = nullptr;
  for (const auto& e : entries_)  // every entry compared: the time does not tell which matched
    if (CRYPTO_memcmp(e.sha.data(), sha.data(), sha.size()) == 0) found = &e;
  if (!found) return std::nullopt;
  return Caller{found->name, found->role};
}

}  // namespace dorsale::service
