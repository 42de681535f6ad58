#include "io/register.h"

#include <fmt/format.h>

namespace dorsale::service {

std::string desk_id(std::int64_t n) { return fmt::format("D{:06}", n); }

std::string RegisterTx::next_desk_id() {
  std::int64_t n = next_number();
  while (get(desk_id(n))) ++n;
  return desk_id(n);
}

std::unique_ptr<Register> open_register(const std::string& target) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0)
    return make_pg_register(target);
  return make_sqlite_register(target);
}

}  // namespace dorsale::service
