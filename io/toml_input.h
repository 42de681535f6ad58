#pragma once
// The TOML reading shared by scenario and sweep files: the text is checked (UTF-8, line
// length, nesting depth: io/text.h) before toml11 sees it, and integers that do not fit
// in 64 bits (toml11 silently clamps them) are refused, each with an InputError naming the
// file, the line and the key.
#include <cstdint>
#include <string>
#include <toml.hpp>

namespace dorsale::scenarios {

// Parses `text` (read from `origin`). Throws InputError(origin, line, "", ...) on a bad byte,
// a too long line, arrays nested deeper than kMaxNesting, or a TOML syntax error.
toml::value parse_toml_text(const std::string& text, const std::string& origin);

// The integer value of `v` (which must hold an integer); throws InputError(origin, line, key)
// when the literal in the file does not fit in a signed 64-bit integer.
std::int64_t toml_integer(const toml::value& v, const std::string& origin, const std::string& key);

}  // namespace dorsale::scenarios
