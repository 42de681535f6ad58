#include "models/interconnection.h"
#include "models/results.h"

namespace dorsale {

const char* protection_key(Protection p) { return p == Protection::None ? "none" : "diverse"; }

const char* decision_key(Decision d) {
  static const char* k[] = {"accept", "accept_with_works", "reject"};
  return k[int(d)];
}

}  // namespace dorsale
