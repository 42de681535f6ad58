#pragma once
// Checks shared by the readers of text inputs (request files, towers CSV, scenario and sweep
// TOML, SteinLib, open-data CSV), so that a hostile or broken file is refused with an
// InputError naming the file and the line instead of crashing or exhausting memory.
//
// Limits (documented in scenarios/README.md, "Input limits"):
//   kMaxLineBytes   a single line longer than 1 MiB is an error naming the line;
//   kMaxNesting     TOML arrays / inline tables nested deeper than 64 are an error (toml11
//                   parses them recursively, so a 2,000-deep array would overflow the stack).
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace dorsale::scenarios {

inline constexpr std::size_t kMaxLineBytes = std::size_t(1) << 20;
inline constexpr int kMaxNesting = 64;
// Largest text file read whole (scenario, sweep, request file): 256 MiB.
inline constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t(256) << 20;

// Throws InputError(file, line, "", "not UTF-8 ...") at the line of the first byte that is not
// well-formed UTF-8 (overlong forms, surrogates and code points above U+10FFFF are refused).
// `first_line` is the number of the first line of `text` in the file.
void check_utf8(std::string_view text, const std::string& file, long first_line = 1);
// Throws InputError naming the first line longer than kMaxLineBytes.
void check_line_lengths(std::string_view text, const std::string& file);
// Throws InputError naming the line where TOML arrays / inline tables nest deeper than
// max_depth (strings and comments skipped; table headers [a] / [[a]] do not count), or where a
// binary integer 0b… has more than 62 digits (toml11 would overflow a signed integer reading
// it: undefined behaviour).
void check_toml_text(std::string_view text, const std::string& file, int max_depth = kMaxNesting);

// The whole content of a text file, with the checks above (UTF-8, line length). Throws
// InputError(path, 0, "", "cannot open …") when the path is missing, a folder, a symlink
// loop or unreadable, and when it holds more than max_bytes (a pipe or device is read in
// chunks up to that size); `what` names the kind of file in messages ("the request file").
std::string read_text_file(const std::string& path, const std::string& what, std::uint64_t max_bytes = kMaxTextFileBytes);

// One line (without the '\n') of at most kMaxLineBytes; false at the end of the input.
// Throws InputError(file, line, "", ...) when the line is longer.
bool read_line_capped(std::istream& in, std::string& line, const std::string& file, long line_no);

// Whole numbers without overflow (std::from_chars): nullopt unless the whole of `text` is an
// optional '-' or '+' then decimal digits whose value fits.
std::optional<std::int64_t> parse_int64(std::string_view text);
std::optional<std::uint64_t> parse_uint64(std::string_view text);

}  // namespace dorsale::scenarios
