#pragma once
// The notice sender: delivers the outbox's notices (service/register.h, Notice) to the
// requester organisations' webhooks, over HTTP or HTTPS (cpp-httplib), one at a time:
//   POST <url>  body: io::notice_body(n) (application/json)
//     X-Dorsale-Event: evt-N              the event id (a retry sends the same id and bytes)
//     X-Dorsale-Signature: sha256=<hex>   HMAC-SHA256 of the body with the webhook's secret
// (kept sealed in the register, opened here with the desk key; a secret that does not open, a
// wrong key, is a failed attempt whose error says so: "cannot decrypt the secret: wrong desk key")
// A 2xx answer acknowledges the notice (marked delivered in the register); anything else, no
// answer within desk.webhook_timeout_s, or no connection is a failed attempt, tried again after
// desk.webhook_backoff_initial_s, doubled at each failure up to desk.webhook_backoff_max_s,
// for ever (a receiver down for an hour loses nothing). A request's notices are delivered in
// order: a notice waits until the ones before it of the same request are acknowledged.
// A notice acknowledged by its receiver and not yet marked (a desk killed in between) is sent
// again after the restart, with the same event id: receivers deduplicate by event id.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "service/desk.h"

namespace dorsale::service {

// HMAC-SHA256 of `text` with `key`, in lower-case hex (OpenSSL).
std::string hmac_sha256_hex(const std::string& key, const std::string& text);

class Notifier {
 public:
  // Starts the sender thread (the desk must outlive it); every waiting notice is due at once.
  explicit Notifier(Desk& desk);
  // Stops it: an attempt in flight ends first (at most desk.webhook_timeout_s).
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

 private:
  void run();
  // One attempt; "" when acknowledged, else why not.
  std::string deliver(const Notice& n) const;
  Desk& desk_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace dorsale::service
