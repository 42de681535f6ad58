#include "models/resilience.h"

#include <tuple>

namespace dorsale {

const char* failure_kind_key(FailureKind k) {
  switch (k) {
    case FailureKind::Link: return "link";
    case FailureKind::Srg: return "srg";
    case FailureKind::Node: return "node";
  }
  return "link";
}

std::optional<FailureKind> failure_kind_from_key(const std::string& key) {
  for (FailureKind k : {FailureKind::Link, FailureKind::Srg, FailureKind::Node})
    if (key == failure_kind_key(k)) return k;
  return std::nullopt;
}

bool worse_failure(const Failure& a, const Failure& b) {
  return std::make_tuple(-a.cut_premises, -a.cut_high_points, int(a.kind), a.id) <
         std::make_tuple(-b.cut_premises, -b.cut_high_points, int(b.kind), b.id);
}

const char* resilience_status_key(ResilienceStatus s) {
  return s == ResilienceStatus::NoCore ? "no_core" : "complete";
}

}  // namespace dorsale
