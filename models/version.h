#pragma once
// dorsale's version (project(dorsale VERSION ...) in CMakeLists.txt). Defined in the one source
// CMake generates (build/generated/models/version.cpp), so bumping the version recompiles that
// file alone.

namespace dorsale {

const char* version();

}  // namespace dorsale
