#include "io/desk_spelling.h"

#include <array>
#include <utility>

namespace dorsale::io {

namespace {

using service::Action;
using service::RequestStatus;
using service::SortKey;

constexpr std::array<std::pair<RequestStatus, const char*>, 6> kStatuses = {{{RequestStatus::Held, "held"},
                                                                             {RequestStatus::Rejected, "rejected"},
                                                                             {RequestStatus::Confirmed, "confirmed"},
                                                                             {RequestStatus::Declined, "declined"},
                                                                             {RequestStatus::Cancelled, "cancelled"},
                                                                             {RequestStatus::Expired, "expired"}}};
constexpr std::array<std::pair<Action, const char*>, 3> kActions = {
    {{Action::Confirm, "confirm"}, {Action::Decline, "decline"}, {Action::Cancel, "cancel"}}};
constexpr std::array<std::pair<SortKey, const char*>, 4> kSorts = {
    {{SortKey::Submitted, "submitted"}, {SortKey::Updated, "updated"}, {SortKey::Id, "id"}, {SortKey::Status, "status"}}};

template <class E, std::size_t N>
const char* key_of(const std::array<std::pair<E, const char*>, N>& table, E v) {
  for (const auto& [e, k] : table)
    if (e == v) return k;
  return "?";
}
template <class E, std::size_t N>
std::optional<E> from_key(const std::array<std::pair<E, const char*>, N>& table, std::string_view key) {
  for (const auto& [e, k] : table)
    if (key == k) return e;
  return std::nullopt;
}

}  // namespace

const char* status_key(RequestStatus s) { return key_of(kStatuses, s); }
std::optional<RequestStatus> status_from(std::string_view key) { return from_key(kStatuses, key); }
const char* action_key(Action a) { return key_of(kActions, a); }
std::optional<Action> action_from(std::string_view key) { return from_key(kActions, key); }
const char* sort_key(SortKey k) { return key_of(kSorts, k); }
std::optional<SortKey> sort_from(std::string_view key) { return from_key(kSorts, key); }
const char* order_key(bool descending) { return descending ? "desc" : "asc"; }
std::optional<bool> descending_from(std::string_view key) {
  constexpr std::array<std::pair<bool, const char*>, 2> kOrders = {{{false, "asc"}, {true, "desc"}}};
  return from_key(kOrders, key);
}
std::optional<LinkSort> link_sort_from(std::string_view key) {
  constexpr std::array<std::pair<LinkSort, const char*>, 1> kLinkSorts = {{{LinkSort::Load, "load"}}};
  return from_key(kLinkSorts, key);
}

}  // namespace dorsale::io
