#include "io/register.h"

namespace dorsale::service {

std::unique_ptr<Register> open_register(const std::string& target) {
  if (target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0)
    return make_pg_register(target);
  return make_sqlite_register(target);
}

}  // namespace dorsale::service
