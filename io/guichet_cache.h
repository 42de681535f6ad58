#pragma once
// The guichet's fixed part cached in its output folder: `dorsale guichet` builds the region and
// its roll-out plan once per scenario (most of a run's fixed cost) and keeps what the Monte
// Carlo takes from them (solvers::GuichetBase) in <out>/.dorsale/guichet-base.bin, under the
// folder's lock (viz::OutputDir). The file holds its key: the text of everything the base
// depends on (dorsale's version, the size and time of the binary and of the shared libraries it
// runs with, the scenario's name, file and
// FNV-1a of its bytes, the size and time of every data file or folder the scenario names).
// A file whose key is not the scenario's, or that is damaged, is never used: the base is
// computed again and the file replaced (written to a temporary name, then renamed).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/scenario.h"
#include "solvers/guichet.h"

namespace dorsale::io {

// Shared libraries the executable loads on their first call rather than at start (app/
// lazy_library.h: GDAL, CBC and the files they load): stamped in every key like those mapped
// at start. Call before the first key (main does, before anything else).
void add_libraries_loaded_on_first_use(const std::vector<std::string>& files);

// The key of a scenario's base (a text; equal texts = the same inputs).
std::string guichet_base_key(const scenarios::Scenario& s);

// The base as bytes, and back (nullopt when the bytes are not a base: truncated, damaged).
std::string guichet_base_bytes(const solvers::GuichetBase& b);
std::optional<solvers::GuichetBase> guichet_base_from_bytes(const std::string& bytes);

// <out_root>/.dorsale/guichet-base.bin.
std::filesystem::path guichet_cache_file(const std::filesystem::path& out_root);
// The cached base when the file exists, is whole and holds `key`; else nullopt.
std::optional<solvers::GuichetBase> read_guichet_cache(const std::filesystem::path& out_root, const std::string& key);
// Writes the base with its key atomically (temporary name, fsync, rename). Throws
// std::runtime_error when it cannot be written.
void write_guichet_cache(const std::filesystem::path& out_root, const std::string& key, const solvers::GuichetBase& b);

}  // namespace dorsale::io
