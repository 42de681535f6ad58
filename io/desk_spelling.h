#pragma once
// The desk's statuses, actions and list orders as the outside world spells them (the HTTP API,
// the register's text columns, the audit log, the notices): one table each, here at the io
// edge. Inside, they are enums (service/register.h); nothing compares their spellings.
#include <optional>
#include <string_view>

#include "io/register.h"

namespace dorsale::io {

const char* status_key(service::RequestStatus s);  // "held", "rejected", ...
std::optional<service::RequestStatus> status_from(std::string_view key);
const char* action_key(service::Action a);  // "confirm", "decline", "cancel"
std::optional<service::Action> action_from(std::string_view key);
const char* sort_key(service::SortKey k);  // "submitted", "updated", "id", "status"
std::optional<service::SortKey> sort_from(std::string_view key);
const char* order_key(bool descending);                       // "desc", "asc"
std::optional<bool> descending_from(std::string_view key);    // "desc" -> true, "asc" -> false
// GET /api/links?sort=: the links' one sort, "load" (least free share first).
enum class LinkSort { Network, Load };
std::optional<LinkSort> link_sort_from(std::string_view key);

}  // namespace dorsale::io
