#pragma once
// Errors about bad input. One message names the file, the line or feature, and the field,
// so a user can find and fix the problem without reading code.
#include <stdexcept>
#include <string>

namespace dorsale {

class InputError : public std::runtime_error {
 public:
  // file: path or logical source ("scenario", "builtin"); line: 1-based line or feature
  // number, 0 when not applicable; field: column, key or attribute name, may be empty.
  InputError(std::string file, long line, std::string field, const std::string& what);
  const std::string& file() const { return file_; }
  long line() const { return line_; }
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  long line_;
  std::string field_;
};

// Validation failure of a model entity (a commune, a link, a parameter): names the entity
// and the field. Thrown by models/ validate() functions.
class ValidationError : public std::runtime_error {
 public:
  ValidationError(std::string entity, std::string field, const std::string& what);
  const std::string& entity() const { return entity_; }
  const std::string& field() const { return field_; }

 private:
  std::string entity_;
  std::string field_;
};

}  // namespace dorsale
