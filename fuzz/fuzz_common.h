#pragma once
// Shared helpers of the libFuzzer targets (fuzz/README in FUZZING.md).
//
// Contract checked by every target: a parser either returns or throws dorsale::InputError /
// dorsale::ValidationError (models/error.h), the documented rejections. The targets catch
// only those two: any other exception finds no handler, so std::terminate is called at the
// throw site (the stack libFuzzer prints still shows the thrower) and libFuzzer records the
// input as a crash. Sanitizer reports (ASan, UBSan, LSan) abort as well.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "models/error.h"

namespace dorsale_fuzz {

// A folder under /dev/shm unique to this process (libFuzzer -jobs/-fork run several
// processes), removed at exit.
inline const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::path("/dev/shm") / ("dorsale-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(work_dir(), ec);
    });
    return d;
  }();
  return dir;
}

// Writes the input to <work_dir>/<name> (for the parsers that only take a path).
inline std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path p = work_dir() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  out.close();
  if (!out) {
    std::perror("dorsale fuzz: cannot write the input file");
    std::abort();
  }
  return p.string();
}

// std::filesystem::copy_file, again when a signal interrupted it: libFuzzer's -timeout alarm
// (SIGALRM every few seconds, no SA_RESTART) can land in its sendfile, which libstdc++ reports
// as a filesystem_error "Interrupted system call" instead of retrying (seen once in 1,428 inputs
// of an ASan replay of desk_http's corpus: a harness fault, not the code under test).
inline void copy_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  for (;;) {
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (!ec) return;
    if (ec != std::errc::interrupted) throw std::filesystem::filesystem_error("cannot copy the template", from, to, ec);
  }
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace dorsale_fuzz

// Runs a statement; the documented rejections are the expected outcome of a bad input.
#define DORSALE_FUZZ_EXPECT_REJECTIONS(stmt)      \
  do {                                            \
    try {                                         \
      stmt;                                       \
    } catch (const dorsale::InputError&) {        \
    } catch (const dorsale::ValidationError&) {   \
    }                                             \
  } while (0)
