// The desk's reads: the list (query, paging, cursors, search), its export, a request's history
// and audit, the links' loads, the network; split from service/desk.cpp.
#include "io/spelling.h"
#include "service/desk.h"

#include <algorithm>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <ctime>
#include <regex>
#include <set>

#include "io/desk_spelling.h"
#include "io/register_evaluation.h"
#include "models/error.h"
#include "planner/interconnect.h"
#include "io/requests.h"
#include "io/text.h"

namespace dorsale::service {

namespace {

// A count given in a query: digits only, within [lo, hi]; ApiError 400 naming the parameter.
std::int64_t count_param(const std::string& name, const std::string& v, std::int64_t lo, std::int64_t hi) {
  if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos || std::stoll(v) < lo || std::stoll(v) > hi)
    throw ApiError(400, name, fmt::format("'{}' is not a whole number from {} to {}", v.substr(0, 40), lo, hi));
  return std::stoll(v);
}

// The cursor of the page after `last`: sort~order~seq~key (opaque to clients).
std::string cursor_of(const ListQuery& q, const StoredRequest& last) {
  std::string key;
  switch (q.sort) {
    case SortKey::Submitted: break;
    case SortKey::Updated: key = std::to_string(last.updated); break;
    case SortKey::Id: key = last.id; break;
    case SortKey::Status: key = io::status_key(last.status); break;
  }
  return fmt::format("{}~{}~{}~{}", io::sort_key(q.sort), io::order_key(q.desc), last.seq, key);
}

}  // namespace

ListQuery Desk::list_query(const Caller& c, const Query& query, bool paging) const {
  static const std::set<std::string> known = {"status", "q", "sort", "order", "limit", "offset", "cursor"};
  std::map<std::string, std::string> p;
  for (const auto& [k, v] : query) {
    if (!known.count(k)) throw ApiError(400, k, fmt::format("'{}' is not a parameter of this list (status, q, sort, order, limit, offset, cursor)", k));
    if (!paging && (k == "limit" || k == "offset" || k == "cursor"))
      throw ApiError(400, k, "the export holds every request the filters select: limit, offset and cursor page the list (GET /api/requests)");
    if (!p.emplace(k, v).second) throw ApiError(400, k, fmt::format("'{}' is given twice", k));
  }
  const auto at = [&](const char* k) { return p.count(k) ? p.at(k) : std::string(); };
  ListQuery q;
  q.owner = c.role == Role::Engineer ? "" : c.name;
  if (const std::string status = at("status"); !status.empty()) {
    q.status = io::status_from(status);
    if (!q.status)
      throw ApiError(400, "status", fmt::format("'{}' is not held, rejected, confirmed, declined, cancelled or expired", status.substr(0, 40)));
  }
  q.q = at("q");
  if (std::int64_t(q.q.size()) > params_.desk.search_max_chars)
    throw ApiError(400, "q", fmt::format("a search has at most {} characters (desk.search_max_chars)", params_.desk.search_max_chars));
  if (p.count("sort")) {
    const auto sort = io::sort_from(at("sort"));
    if (!sort) throw ApiError(400, "sort", fmt::format("'{}' is not submitted, updated, id or status", at("sort").substr(0, 40)));
    q.sort = *sort;
  }
  q.desc = q.sort == SortKey::Submitted || q.sort == SortKey::Updated;
  if (p.count("order")) {
    const auto desc = io::descending_from(at("order"));
    if (!desc) throw ApiError(400, "order", fmt::format("'{}' is not asc or desc", at("order").substr(0, 40)));
    q.desc = *desc;
  }
  if (!paging) {
    q.limit = 0;
    return q;
  }
  q.limit = p.count("limit") ? count_param("limit", at("limit"), 1, params_.desk.list_max_limit) : params_.desk.list_default_limit;
  q.offset = p.count("offset") ? count_param("offset", at("offset"), 0, 1000000000) : 0;
  if (p.count("cursor")) {
    const std::string cur = at("cursor");
    if (q.offset > 0) throw ApiError(400, "offset", "give a cursor or an offset, not both");
    // sort~order~seq~key
    const auto a = cur.find('~'), b = a == std::string::npos ? a : cur.find('~', a + 1), d = b == std::string::npos ? b : cur.find('~', b + 1);
    if (d == std::string::npos) throw ApiError(400, "cursor", "not a cursor of this list (give the next_cursor of the page before)");
    if (io::sort_from(cur.substr(0, a)) != q.sort || io::descending_from(cur.substr(a + 1, b - a - 1)) != q.desc)
      throw ApiError(400, "cursor", "this cursor pages another order (sort and order must be the same as for the page before)");
    q.after = true;
    q.after_seq = count_param("cursor", cur.substr(b + 1, d - b - 1), 0, std::numeric_limits<std::int64_t>::max() / 10);
    q.after_key = cur.substr(d + 1);
    if (q.sort == SortKey::Updated) count_param("cursor", q.after_key, 0, std::numeric_limits<std::int64_t>::max() / 10);
  }
  return q;
}

RequestPage Desk::list(const Caller& c, const Query& query) {
  ListQuery q = list_query(c, query, true);
  RequestPage out;
  out.limit = q.limit;
  out.offset = q.offset;
  out.sort = q.sort;
  out.desc = q.desc;
  read([&](RegisterTx& tx, const View& v) {
    const std::int64_t limit = q.limit;
    ListQuery one_more = q;  // one more: is there a next page?
    one_more.limit = limit + 1;
    auto [rows, total] = tx.page_and_total(one_more, q, params_.desk.search_sample_rows);
    const bool more = std::int64_t(rows.size()) > limit;
    if (more) {
      rows.resize(std::size_t(limit));
      out.next_cursor = cursor_of(q, rows.back());
    }
    // an estimate is at least what this page shows there is
    out.total = total.estimate ? std::max<std::int64_t>(total.n, q.offset + std::int64_t(rows.size()) + (more ? 1 : 0)) : total.n;
    out.total_is_estimate = total.estimate;
    out.items.clear();  // a read retried on the write path starts again
    for (const auto& s : rows) out.items.push_back(answer_of(s, v.state, v.builders));
  });
  return out;
}

std::vector<RequestAnswer> Desk::export_list(const Caller& c, const Query& query) {
  const ListQuery q = list_query(c, query, false);
  std::vector<RequestAnswer> items;
  read([&](RegisterTx& tx, const View& v) {
    for (const auto& s : tx.page(q)) items.push_back(answer_of(s, v.state, v.builders));
  });
  return items;
}

RequestHistory Desk::history(const Caller& c, const std::string& id, const std::string& only) {
  RequestHistory out;
  read([&](RegisterTx& tx, const View&) {
    const StoredRequest s = visible(tx, c, id);
    out = {s.id, s.status, {}};
    for (auto& e : tx.audit_log(id))
      if (only.empty() || e.action == only) out.events.push_back(std::move(e));
  });
  return out;
}

std::vector<LinkLoad> Desk::links(const Query& query) {
  io::LinkSort sort = io::LinkSort::Network;
  std::int64_t limit = 0;
  for (const auto& [k, v] : query) {
    if (k == "sort") {
      const auto s = io::link_sort_from(v);
      if (!s) throw ApiError(400, "sort", fmt::format("'{}' is not load (the links' only sort; none: network order)", v.substr(0, 40)));
      sort = *s;
    } else if (k == "limit") {
      limit = count_param("limit", v, 1, params_.desk.list_max_limit);
    } else {
      throw ApiError(400, k, fmt::format("'{}' is not a parameter of the links (sort, limit)", k));
    }
  }
  std::vector<LinkLoad> out;
  read([&](RegisterTx& tx, const View&) {
    out.clear();  // a read retried on the write path starts again
    for (const auto& r : tx.links()) {
      const Link& l = region_.network.links()[r.index];
      const int free = r.capacity_pairs - r.held_pairs - r.committed_pairs;
      LinkLoad one{r.id, region_.network.node(l.a).id, region_.network.node(l.b).id, r.capacity_pairs, r.held_pairs, r.committed_pairs, free,
                   l.pairs_total};
      if (l.pairs_total > 0) one.free_share = double(free) / l.pairs_total;
      one.built = bool(initial_.built[r.index]) || !r.built_by.empty();
      one.built_by = r.built_by;
      out.push_back(std::move(one));
    }
  });
  if (sort == io::LinkSort::Load)
    std::stable_sort(out.begin(), out.end(), [](const LinkLoad& x, const LinkLoad& y) {
      const bool nx = !x.free_share, ny = !y.free_share;
      if (nx != ny) return ny;
      if (!nx && *x.free_share != *y.free_share) return *x.free_share < *y.free_share;
      return x.id < y.id;
    });
  if (limit > 0 && std::int64_t(out.size()) > limit) out.erase(out.begin() + limit, out.end());
  return out;
}

std::vector<AuditEntry> Desk::audit(const Caller& c, const std::string& id) {
  std::vector<AuditEntry> out;
  read([&](RegisterTx& tx, const View&) {
    visible(tx, c, id);
    out = tx.audit_log(id);
  });
  return out;
}

InterconnectionResults Desk::export_results(const Caller& c) {
  InterconnectionResults res;
  res.mode = QueueMode::FirstCome;
  read([&](RegisterTx& tx, const View& v) {
    for (const auto& s : tx.list(c.role == Role::Engineer ? "" : c.name, std::nullopt)) {
      res.requests.push_back(*request_of(s));
      res.decisions.push_back(describe(s, v.state, v.builders));
    }
  });
  return res;
}
}  // namespace dorsale::service
