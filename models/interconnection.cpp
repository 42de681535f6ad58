#include "models/interconnection.h"
#include "models/results.h"

namespace dorsale {

Reasons::Reasons(const std::vector<std::string>& texts) { *this = texts; }

Reasons& Reasons::operator=(const std::vector<std::string>& texts) {
  clear();
  for (const auto& t : texts) {
    Reason r;
    r.text = t;
    push_back(std::move(r));
  }
  return *this;
}

}  // namespace dorsale
