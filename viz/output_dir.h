#pragma once
// Atomic output folders. Writers write into a hidden staging folder beside the target; the
// run commits every staged folder at the end. A run that fails (or is interrupted) before
// the commit leaves no partial output: the staging folders are removed on destruction, and
// a left-over one (killed process) is hidden (".name.tmp-*") and replaced by the next run.
#include <filesystem>
#include <string>

namespace dorsale::viz {

class StagedDir {
 public:
  // Prepares <root>/.<name>.tmp-<pid> (creating root if needed). Throws std::runtime_error.
  StagedDir(const std::filesystem::path& root, const std::string& name);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  const std::filesystem::path& path() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }
  // Replaces <root>/<name> with the staged folder (rename; the old one is removed after).
  void commit();

 private:
  std::filesystem::path target_, staging_;
  bool committed_ = false;
};

// Writes `text` to `path` through a temporary name and a rename.
void write_file_atomic(const std::filesystem::path& path, const std::string& text);

}  // namespace dorsale::viz
