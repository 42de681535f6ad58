#pragma once
// Names that become paths: scenario names, output entries. One rule for every command.
#include <string>

namespace dorsale {

// A name that can be one path component of an output: 1 to 100 characters from
// [A-Za-z0-9._-], not starting with '.' or '-' (so never "", ".", "..", an absolute path,
// a path with '/', a newline or a hidden file).
bool is_safe_name(const std::string& name);

// The rule in words, for error messages.
inline constexpr const char* kSafeNameRule = "1-100 characters from A-Z a-z 0-9 . _ -, not starting with . or -";

}  // namespace dorsale
