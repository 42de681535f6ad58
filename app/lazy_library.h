#pragma once
// Libraries loaded on first use (scripts/lazy-trampolines.sh writes one table per library):
// the executable calls their functions through trampolines whose slots start on a resolver.
#include <cstdint>

extern "C" {
// The layout the generated assembly writes (6 quads, scripts/lazy-trampolines.sh): do not reorder.
struct DorsaleLazyLibrary {
  const char* soname;
  const char* const* names;  // the functions, by index
  void** slots;              // where each trampoline jumps: the resolver, then the function
  std::uint64_t count;
  void* handle;              // dlopen's, once loaded
  const char* files;         // the library's file and those it loads, each followed by ':'
};
// Loads the library if needed (dlopen), fills slots[index] with the function (dlsym) and
// returns it. A library or function that cannot be found ends the process with a message
// naming both (the trampoline cannot return an error to a caller that expects the function).
void* dorsale_lazy_resolve(DorsaleLazyLibrary* library, std::uint64_t index);
}

#include <string>
#include <vector>

namespace dorsale::app {
// The files of every library loaded on first use (DorsaleLazyLibrary::files, all libraries):
// empty when the executable links them as usual (DORSALE_LAZY_LIBRARIES=OFF).
std::vector<std::string> lazy_library_files();
}  // namespace dorsale::app
