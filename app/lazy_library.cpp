#include "app/lazy_library.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

extern "C" void* dorsale_lazy_resolve(DorsaleLazyLibrary* library, std::uint64_t index) {
  static std::mutex mutex;  // one dlopen per library, even when two threads call first
  const std::lock_guard<std::mutex> lock(mutex);
  if (library->handle == nullptr) {
    // RTLD_GLOBAL: as when the executable listed it (GDAL's plugins resolve against it)
    library->handle = dlopen(library->soname, RTLD_NOW | RTLD_GLOBAL);
    if (library->handle == nullptr) {
      const char* why = dlerror();
      std::fprintf(stderr, "dorsale: failure: cannot load %s, which this command needs (%s); reinstall its Debian package\n",
                   library->soname, why != nullptr ? why : "no reason given");
      std::fflush(stderr);
      std::_Exit(3);  // kFailure (app/main.cpp)
    }
  }
  const char* name = library->names[index];
  dlerror();
  void* fn = dlsym(library->handle, name);
  if (fn == nullptr) {
    const char* why = dlerror();
    std::fprintf(stderr, "dorsale: failure: %s has no function %s (%s): dorsale was built against another version; rebuild it\n",
                 library->soname, name, why != nullptr ? why : "no reason given");
    std::fflush(stderr);
    std::_Exit(3);  // kFailure (app/main.cpp)
  }
  // the trampolines read their slot without the lock: publish the address in one store
  std::atomic_ref<void*>(library->slots[index]).store(fn, std::memory_order_release);
  return fn;
}

// The generated tables put a pointer to each library in the section dorsale_lazy; the linker
// defines its bounds (weak: with no table, DORSALE_LAZY_LIBRARIES=OFF, both are null).
extern "C" {
extern DorsaleLazyLibrary* const __start_dorsale_lazy[] __attribute__((weak, visibility("hidden")));
extern DorsaleLazyLibrary* const __stop_dorsale_lazy[] __attribute__((weak, visibility("hidden")));
}

namespace dorsale::app {

std::vector<std::string> lazy_library_files() {
  std::vector<std::string> files;
  for (DorsaleLazyLibrary* const* l = __start_dorsale_lazy; l != __stop_dorsale_lazy; ++l) {
    const std::string all = (*l)->files;
    for (std::size_t at = 0, end; (end = all.find(':', at)) != std::string::npos; at = end + 1)
      if (end > at) files.push_back(all.substr(at, end - at));
  }
  return files;
}

}  // namespace dorsale::app
