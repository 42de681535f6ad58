#include "io/text.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>

#include "models/error.h"

namespace fs = std::filesystem;

namespace dorsale::scenarios {

namespace {

// Length of the well-formed UTF-8 sequence at s[i], 0 if it is not one (RFC 3629, table 3-7).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && b(k) >= lo && b(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

}  // namespace

void check_utf8(std::string_view text, const std::string& file, long first_line) {
  long line = first_line;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0)
      throw InputError(file, line, "",
                       fmt::format("not UTF-8, line {}: byte 0x{:02X} at column {} (save the file as UTF-8)", line, c,
                                   i - line_start + 1));
    i += n;
  }
}

void check_line_lengths(std::string_view text, const std::string& file) {
  long line = 1;
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (end - start > kMaxLineBytes)
      throw InputError(file, line, "", fmt::format("line longer than {} bytes", kMaxLineBytes));
    if (nl == std::string_view::npos) return;
    start = nl + 1;
    ++line;
  }
}

void check_toml_text(std::string_view t, const std::string& file, int max_depth) {
  long line = 1;
  int depth = 0;
  bool line_start = true;  // only blanks seen since the start of the line
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n;) {
    const char c = t[i];
    if (c == '\n') {
      ++line;
      line_start = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    const bool at_line_start = line_start;
    line_start = false;
    if (c == '#') {
      while (i < n && t[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      const bool multi = t.substr(i, 3) == (c == '"' ? "\"\"\"" : "'''");
      if (multi) {
        const std::string_view close = c == '"' ? "\"\"\"" : "'''";
        i += 3;
        while (i < n && t.substr(i, 3) != close) {
          if (t[i] == '\\' && c == '"' && i + 1 < n) {
            if (t[i + 1] == '\n') ++line;
            i += 2;
            continue;
          }
          if (t[i] == '\n') ++line;
          ++i;
        }
        i += 3;
        // a closing """" or """"" keeps its extra quotes inside the string
        while (i < n && t[i] == c) ++i;
      } else {
        ++i;
        while (i < n && t[i] != c && t[i] != '\n') {
          if (t[i] == '\\' && c == '"' && i + 1 < n && t[i + 1] != '\n') ++i;
          ++i;
        }
        if (i < n && t[i] == c) ++i;
      }
      continue;
    }
    if (c == '[' && depth == 0 && at_line_start) {  // a table header [a.b] or [[a]]
      while (i < n && t[i] != '\n' && t[i] != '#') ++i;
      continue;
    }
    if (c == '0' && i + 1 < n && t[i + 1] == 'b') {
      // toml11 accumulates binary integers without an overflow check (undefined behaviour
      // beyond 63 bits); decimal, octal and hexadecimal ones are clamped and checked later
      // (it doubles its place value after every digit, leading zeros included: 62 digits at most)
      std::size_t j = i + 2, digits = 0;
      for (; j < n && (t[j] == '0' || t[j] == '1' || t[j] == '_'); ++j)
        if (t[j] != '_') ++digits;
      if (digits > 62) throw InputError(file, line, "", "binary integer too long (at most 62 binary digits)");
      i = j;
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > max_depth)
        throw InputError(file, line, "",
                         fmt::format("arrays or inline tables nested deeper than {} levels", max_depth));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++i;
  }
}

std::string read_text_file(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    throw InputError(path, 0, "", fmt::format("cannot open {}: {}", what, ec ? ec.message() : "no such file"));
  if (fs::is_directory(st)) throw InputError(path, 0, "", fmt::format("cannot open {}: it is a folder", what));
  auto too_big = [&] {
    return InputError(path, 0, "", fmt::format("{} is larger than {} MiB", what, max_bytes >> 20));
  };
  if (fs::is_regular_file(st)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > max_bytes) throw too_big();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "", fmt::format("cannot open {}", what));
  // in chunks, so that a pipe or a device (/dev/zero) cannot exhaust memory
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    if (text.size() + std::uint64_t(in.gcount()) > max_bytes) throw too_big();
    text.append(buf, std::size_t(in.gcount()));
  }
  if (in.bad()) throw InputError(path, 0, "", fmt::format("cannot read {}", what));
  check_line_lengths(text, path);
  check_utf8(text, path);
  return text;
}

bool read_line_capped(std::istream& in, std::string& line, const std::string& file, long line_no) {
  line.clear();
  std::streambuf* sb = in.rdbuf();
  for (;;) {
    const int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      if (line.empty()) {
        in.setstate(std::ios::failbit);
        return false;
      }
      return true;
    }
    if (c == '\n') return true;
    if (line.size() >= kMaxLineBytes)
      throw InputError(file, line_no, "", fmt::format("line longer than {} bytes", kMaxLineBytes));
    line.push_back(char(c));
  }
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '-') return std::nullopt;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace dorsale::scenarios
