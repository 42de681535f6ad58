#include "io/toml_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>

#include "models/error.h"
#include "io/text.h"

namespace dorsale::scenarios {

toml::value parse_toml_text(const std::string& text, const std::string& origin) {
  // before toml11: it recurses on nested arrays (a deep one overflows the stack) and keeps
  // any byte in strings
  check_line_lengths(text, origin);
  check_utf8(text, origin);
  check_toml_text(text, origin);
  try {
    std::istringstream in(text);
    return toml::parse(in, origin);
  } catch (const toml::syntax_error& e) {
    throw InputError(origin, long(e.location().line()), "", std::string("TOML syntax error: ") + e.what());
  } catch (const toml::exception& e) {
    throw InputError(origin, long(e.location().line()), "", std::string("TOML error: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(origin, 0, "", std::string("TOML error: ") + e.what());
  }
}

std::int64_t toml_integer(const toml::value& v, const std::string& origin, const std::string& key) {
  const std::int64_t x = v.as_integer();
  if (x != std::numeric_limits<std::int64_t>::max() && x != std::numeric_limits<std::int64_t>::min()) return x;
  // toml11 reads integers with an istream, which clamps an overflow to the limit: read the
  // literal again
  const auto loc = v.location();
  const std::string& line = loc.line_str();
  std::string tok = loc.column() >= 1 && loc.column() - 1 < line.size() ? line.substr(loc.column() - 1, loc.region()) : "";
  tok.erase(std::remove(tok.begin(), tok.end(), '_'), tok.end());
  bool neg = false;
  if (!tok.empty() && (tok[0] == '+' || tok[0] == '-')) {
    neg = tok[0] == '-';
    tok.erase(0, 1);
  }
  int base = 10;
  if (tok.size() > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'o' || tok[1] == 'b')) {
    base = tok[1] == 'x' ? 16 : tok[1] == 'o' ? 8 : 2;
    tok.erase(0, 2);
  }
  std::uint64_t mag = 0;
  const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), mag, base);
  const std::uint64_t limit = std::uint64_t(std::numeric_limits<std::int64_t>::max()) + (neg ? 1 : 0);
  if (tok.empty() || ec != std::errc() || p != tok.data() + tok.size() || mag > limit)
    throw InputError(origin, long(loc.line()), key,
                     fmt::format("integer out of range (a whole number between {} and {})", std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max()));
  return x;
}

}  // namespace dorsale::scenarios
