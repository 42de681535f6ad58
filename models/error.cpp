#include "models/error.h"

#include <fmt/format.h>

namespace dorsale {

static std::string input_message(const std::string& file, long line, const std::string& field,
                                 const std::string& what) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}", line);
  if (!field.empty()) where += fmt::format(": field '{}'", field);
  return fmt::format("{}: {}", where, what);
}

InputError::InputError(std::string file, long line, std::string field, const std::string& what)
    : std::runtime_error(input_message(file, line, field, what)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

ValidationError::ValidationError(std::string entity, std::string field, const std::string& what)
    : std::runtime_error(fmt::format("{}: field '{}': {}", entity, field, what)),
      entity_(std::move(entity)),
      field_(std::move(field)) {}

}  // namespace dorsale
