// The desk's webhooks: per organisation URL and sealed secret, the outbox of notices and its
// delivery states; split from service/desk.cpp (the sender thread is service/notifier.cpp).
#include "service/desk.h"

#include <algorithm>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <ctime>
#include <regex>
#include <set>

#include "io/desk_json.h"
#include "io/desk_spelling.h"
#include "io/register_evaluation.h"
#include "models/error.h"
#include "planner/interconnect.h"
#include "io/requests.h"
#include "io/text.h"
#include "service/tokens.h"

namespace dorsale::service {

// ---- webhooks --------------------------------------------------------------------------

void Desk::notify(RegisterTx& tx, const std::string& id, const std::string& org, const std::string& from, const std::string& to,
                  std::int64_t now, const std::string& reason) {
  Notice n;
  n.request_id = id;
  n.organisation = org;
  n.old_status = from;
  n.new_status = to;
  n.at = now;
  n.reason = reason;
  if (tx.notice(n)) noticed_ = true;  // only the batch's leader runs jobs: no race on the flag
}

void Desk::on_notice(std::function<void()> fn) {
  std::lock_guard hook(hook_mu_);
  on_notice_ = std::move(fn);
}

namespace {

// An organisation's name as a path segment gives it: a request's requester, UTF-8 text.
void check_organisation(const std::string& org) {
  if (org.empty() || org.size() > 200 || !is_clean_text(org))
    throw ApiError(400, "organisation", "an organisation (a request's requester) is 1-200 bytes of UTF-8 text without control characters");
}

// http:// or https://, a host (name, IPv4 or [IPv6]), an optional port and path; no user
// information, no fragment. The scheme is kept in lower case (the sender's client reads it so).
std::string checked_url(std::string url, std::int64_t max_chars) {
  if (std::int64_t(url.size()) > max_chars)
    throw ApiError(400, "url", fmt::format("a webhook URL has at most {} characters (desk.webhook_url_max_chars)", max_chars));
  if (!is_clean_text(url) || url.find_first_of(" \t") != std::string::npos)
    throw ApiError(400, "url", "a webhook URL is UTF-8 text without spaces or control characters");
  static const std::regex re(R"(^([A-Za-z]+)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[^#]*)?$)");
  std::smatch m;
  std::string scheme;
  if (std::regex_match(url, m, re)) {
    scheme = m[1];
    for (char& ch : scheme) ch = char(std::tolower((unsigned char)ch));
  }
  if (scheme != "http" && scheme != "https")
    throw ApiError(400, "url", fmt::format("'{}' is not an http:// or https:// URL of a host (no user, no fragment)", url.substr(0, 80)));
  if (m[3].matched && std::stoi(m[3].str().substr(1)) > 65535) throw ApiError(400, "url", "the webhook URL's port is not 0-65535");
  return scheme + url.substr(m[1].length());
}

// The first 12 hex digits of a secret's SHA-256: tells two secrets apart, reveals nothing usable.
std::string fingerprint(const std::string& secret) { return sha256_hex_of(secret).substr(0, 12); }

}  // namespace

WebhookSet Desk::set_webhook(const Caller& c, const std::string& organisation, const std::string& body) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may set a webhook");
  check_organisation(organisation);
  check_body_utf8(body);
  const auto j = io::parse_body_object(body.empty() ? "null" : body);
  if (!j) throw ApiError(400, "body", "expected one JSON object {\"url\": \"https://...\", \"secret\": \"...\"}");
  for (const auto& [k, v] : *j)
    if (k != "url" && k != "secret") throw ApiError(400, k, fmt::format("'{}' is not a field of a webhook (url, secret)", k));
  const auto text = [&](const char* k) { return j->count(k) && j->at(k).is_text() ? &j->at(k).text : nullptr; };
  if (!text("url")) throw ApiError(400, "url", "a webhook needs a url (a string, http:// or https://)");
  const std::string url = checked_url(*text("url"), params_.desk.webhook_url_max_chars);
  if (!text("secret")) throw ApiError(400, "secret", "a webhook needs a secret (a string) to sign its notices");
  const std::string secret = *text("secret");
  if (secret.size() < 16 || secret.size() > 200 || !is_clean_text(secret))
    throw ApiError(400, "secret", "a webhook secret is 16-200 bytes of UTF-8 text without control characters");
  WebhookSet out;
  write([&](RegisterTx& tx, std::int64_t now) {
    tx.set_webhook({organisation, url, key_.seal(secret, organisation), now});  // sealed: never in clear at rest
    tx.audit({now, c.name, "webhook", "", fmt::format("{}: {} (secret {}…)", organisation, url, fingerprint(secret)), ""});
    out = {organisation, url, fingerprint(secret), now};
  });
  return out;
}

std::vector<NoticeCounts> Desk::webhooks(const Caller& c) {
  if (c.role != Role::Engineer) throw ApiError(403, "role", "only an engineer may see the webhooks");
  std::vector<NoticeCounts> out;
  read([&](RegisterTx& tx, const View&) { out = tx.notice_counts(); });
  return out;
}

std::vector<Notice> Desk::notices(const Caller& c, const std::string& id) {
  std::vector<Notice> out;
  read([&](RegisterTx& tx, const View&) {
    visible(tx, c, id);
    out = tx.notices_of(id);
  });
  return out;
}

std::vector<Notice> Desk::take_notices(std::int64_t now_ms, std::int64_t lease_until_ms) {
  std::vector<Notice> out;
  write([&](RegisterTx& tx, std::int64_t) { out = tx.due_notices(now_ms, params_.desk.webhook_batch_events, lease_until_ms); });
  return out;
}

void Desk::notice_result(std::int64_t n, bool delivered, const std::string& error, std::int64_t next_ms) {
  write([&](RegisterTx& tx, std::int64_t now) { tx.notice_attempted(n, delivered, error, next_ms, now); });
}

std::int64_t Desk::next_notice_ms() {
  std::int64_t out = -1;
  write([&](RegisterTx& tx, std::int64_t) { out = tx.next_notice_ms(); });
  return out;
}

void Desk::release_notices(std::int64_t now_ms) {
  write([&](RegisterTx& tx, std::int64_t) { tx.release_notices(now_ms); });
}

}  // namespace dorsale::service
