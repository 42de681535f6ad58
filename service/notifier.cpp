#include "service/notifier.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "io/desk_json.h"

namespace dorsale::service {

std::string hmac_sha256_hex(const std::string& key, const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &n);
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t ms(double seconds) { return std::int64_t(std::llround(seconds * 1000)); }

// A URL the desk checked (Desk::set_webhook): scheme://host[:port] and the path ("/" when none).
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto host = url.find("://") + 3;
  const auto slash = url.find('/', host);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

Notifier::Notifier(Desk& desk) : desk_(desk) {
  desk_.on_notice([this] {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_all();
  });
  thread_ = std::thread([this] { run(); });
}

Notifier::~Notifier() {
  desk_.on_notice({});
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

std::string Notifier::deliver(const Notice& n) const {
  const auto& p = desk_.params().desk;
  const auto [base, path] = split_url(n.url);
  const std::string body = io::notice_body(n);
  std::string secret, why;  // opened here only, for the signature; never kept nor logged
  if (!desk_.key().open(n.secret, n.organisation, secret, why)) return why;
  httplib::Client cli(base);
  const auto t = std::chrono::milliseconds(ms(p.webhook_timeout_s));
  cli.set_connection_timeout(t);
  cli.set_read_timeout(t);
  cli.set_write_timeout(t);
  const httplib::Headers headers = {{"X-Dorsale-Event", fmt::format("evt-{}", n.n)},
                                    {"X-Dorsale-Signature", "sha256=" + hmac_sha256_hex(secret, body)},
                                    {"User-Agent", "dorsale-desk"}};
  const auto res = cli.Post(path.c_str(), headers, body, "application/json");
  if (!res) return "no answer: " + httplib::to_string(res.error());
  if (res->status / 100 != 2) return fmt::format("answered HTTP {}", res->status);
  return "";
}

void Notifier::run() {
  const auto& p = desk_.params().desk;
  const auto stopping = [this] {
    std::lock_guard lock(mu_);
    return stop_;
  };
  const auto wait = [this](std::int64_t wait_ms) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(wait_ms, 1)), [this] { return stop_ || woken_; });
    woken_ = false;
  };
  bool released = false;
  while (!stopping()) {
    try {
      if (!released) {  // once: a killed desk's leases and back-offs are over
        desk_.release_notices(now_ms());
        released = true;
      }
      const std::int64_t now = now_ms();
      const std::int64_t lease = now + ms(p.webhook_timeout_s) * 3 * p.webhook_batch_events + ms(p.webhook_poll_s);
      const auto due = desk_.take_notices(now, lease);
      for (const auto& n : due) {
        if (stopping()) break;  // the rest stay leased: the next start releases them
        const std::string error = deliver(n);
        const double backoff = std::min(p.webhook_backoff_initial_s * std::pow(2.0, double(std::min<std::int64_t>(n.attempts, 60))),
                                        p.webhook_backoff_max_s);
        desk_.notice_result(n.n, error.empty(), error, now_ms() + ms(backoff));
      }
      if (!due.empty()) continue;
      const std::int64_t next = desk_.next_notice_ms();
      std::int64_t w = ms(p.webhook_poll_s);
      if (next >= 0) w = std::min(w, next - now_ms());
      wait(w);
    } catch (const std::exception& e) {
      std::cerr << "dorsale serve: notices: " << e.what() << " (tried again in " << p.webhook_poll_s << " s)" << std::endl;
      wait(ms(p.webhook_poll_s));
    }
  }
}

}  // namespace dorsale::service
