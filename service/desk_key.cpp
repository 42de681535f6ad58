#include "service/desk_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "models/error.h"

namespace dorsale::service {

namespace {

constexpr const char* kPrefix = "aes256gcm:";
constexpr int kNonce = 12, kTag = 16;

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

bool from_hex(const std::string& s, std::string& out) {
  if (s.size() % 2) return false;
  out.assign(s.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = s[2 * i + k];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out[i] = char(v);
  }
  return true;
}

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

DeskKey DeskKey::random() {
  DeskKey k;
  if (RAND_bytes(k.key_.data(), int(k.key_.size())) != 1) throw std::runtime_error("the desk key: RAND_bytes failed");
  return k;
}

DeskKey DeskKey::load_or_create(const std::string& path) {
  const auto fail = [&](const std::string& why) { return InputError(path, 0, "--key-file", why); };
  DeskKey k;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {  // first start: a new key
    if (RAND_bytes(k.key_.data(), int(k.key_.size())) != 1) {
      ::close(fd);
      ::unlink(path.c_str());
      throw fail("cannot make a desk key (RAND_bytes failed)");
    }
    const bool ok = ::write(fd, k.key_.data(), k.key_.size()) == ssize_t(k.key_.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      throw fail(std::string("cannot write the desk key: ") + std::strerror(errno));
    }
    return k;
  }
  if (errno != EEXIST) throw fail(std::string("cannot create the desk key file: ") + std::strerror(errno));
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(std::string("cannot read the desk key file: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw fail("the desk key file is not a regular file");
  }
  if (st.st_mode & 077) {
    ::close(fd);
    throw fail(fmt::format("the desk key file has mode {:04o}: group or others may read it; chmod 600 it (and ask whether it leaked)",
                           unsigned(st.st_mode & 07777)));
  }
  if (st.st_size != off_t(k.key_.size())) {
    ::close(fd);
    throw fail(fmt::format("the desk key file has {} bytes, a desk key has 32", static_cast<long long>(st.st_size)));
  }
  const bool ok = ::read(fd, k.key_.data(), k.key_.size()) == ssize_t(k.key_.size());
  ::close(fd);
  if (!ok) throw fail("cannot read the desk key's 32 bytes");
  return k;
}

std::string DeskKey::seal(const std::string& plain, const std::string& organisation) const {
  unsigned char nonce[kNonce], tag[kTag];
  if (RAND_bytes(nonce, kNonce) != 1) throw std::runtime_error("the desk key: RAND_bytes failed");
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string ct(plain.size() + 16, '\0');
  int len = 0, fin = 0;
  auto* out = reinterpret_cast<unsigned char*>(ct.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(organisation), int(organisation.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, bytes(plain), int(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + len, &fin) != 1 || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1)
    throw std::runtime_error("the desk key: AES-256-GCM encryption failed");
  ct.resize(std::size_t(len + fin));
  return kPrefix + to_hex(nonce, kNonce) + to_hex(bytes(ct), ct.size()) + to_hex(tag, kTag);
}

bool DeskKey::open(const std::string& sealed, const std::string& organisation, std::string& plain, std::string& error) const {
  plain.clear();
  const std::string prefix = kPrefix;
  std::string raw;
  if (sealed.rfind(prefix, 0) != 0) {
    error = "the secret is not sealed with a desk key (set by an older desk): set the webhook again";
    return false;
  }
  if (!from_hex(sealed.substr(prefix.size()), raw) || raw.size() < std::size_t(kNonce + kTag)) {
    error = "cannot decrypt the secret: it is damaged";
    return false;
  }
  const std::size_t n = raw.size() - kNonce - kTag;
  std::string out(n + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto* r = bytes(raw);
  Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0, fin = 0;
  const bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
                  EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), r) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(organisation), int(organisation.size())) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), o, &len, r + kNonce, int(n)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, const_cast<unsigned char*>(r + kNonce + n)) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), o + len, &fin) == 1;
  if (!ok) {
    error = "cannot decrypt the secret: wrong desk key";
    return false;
  }
  out.resize(std::size_t(len + fin));
  plain = std::move(out);
  return true;
}

}  // namespace dorsale::service
