#pragma once
// The desk key: encrypts the webhooks' secrets at rest (AES-256-GCM, OpenSSL EVP). The key is
// kept OUTSIDE the register, in a key file of exactly 32 random bytes (RAND_bytes) that only its
// owner may read (mode 0600): `dorsale serve --key-file`, by default beside a SQLite register as
// <register>.key, beside the tokens file as <tokens>.key for a PostgreSQL register. The register
// keeps "aes256gcm:" + hex(nonce 12 bytes | ciphertext | tag 16 bytes), the organisation bound
// as associated data (a sealed secret copied to another organisation does not open).
#include <array>
#include <string>

namespace dorsale::service {

class DeskKey {
 public:
  // A fresh random key kept in memory only (a desk without a key file: the tests).
  static DeskKey random();
  // The key file at `path`, created (O_EXCL, mode 0600, 32 bytes of RAND_bytes, fsync) when
  // absent. InputError naming the file when it is not a regular file, when its mode lets group
  // or others read or write it, or when its size is not 32 bytes.
  static DeskKey load_or_create(const std::string& path);

  // The sealed form of `plain` (a fresh nonce each call).
  std::string seal(const std::string& plain, const std::string& organisation) const;
  // `sealed` opened: "" and `error` set when it does not open ("wrong desk key" when the tag does
  // not verify, or a secret stored in clear by a desk before the key).
  bool open(const std::string& sealed, const std::string& organisation, std::string& plain, std::string& error) const;

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace dorsale::service
