#include "test_support.h"

#include "scenarios/builtin_region.h"
#include "scenarios/scenario.h"

namespace dorsale::test {

const Region& builtin_bfc() {
  static const Region r = [] {
    auto s = scenarios::builtin_scenario("bfc-2022");
    return scenarios::build_builtin_region(s.params, s.seed);
  }();
  return r;
}

}  // namespace dorsale::test
