#pragma once
// The output folder (-o) of every command: one mechanism, shared with the user's own files.
//
// dorsale writes only the entries it names and never deletes or overwrites anything it did
// not write. Each command ("owner": run, guichet, towers, interconnect, compare) writes a
// whole new generation under <root>/.dorsale/<owner>/gen-N/, then commits it with one atomic
// switch of the symbolic link <root>/.dorsale/<owner>/current. The entries the user sees,
// <root>/<entry>, are links to .dorsale/<owner>/current/<entry>, so a crash at any instant
// leaves either the old generation or the new one, whole. A generation records the files it
// wrote in .manifest; a file the user added inside one (a note beside layers.gpkg) stops the
// next commit with an error instead of being deleted.
//
// One lock (<root>/.dorsale/lock, flock) serialises every command on one folder for the
// lifetime of the OutputDir; under it, left-overs of killed runs (uncommitted generations,
// links to entries that no longer exist) are removed. A failure before commit() removes the
// new generation: nothing partial is ever visible.
#include <filesystem>
#include <set>
#include <string>

namespace dorsale::viz {

class OutputDir {
 public:
  // Opens (creates) the folder and takes its lock. A regular file (or anything but a folder)
  // at `root` is an InputError: nothing is written. Throws std::runtime_error on I/O failure.
  OutputDir(const std::filesystem::path& root, const std::string& owner);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // Where to write the top-level entry `name` (a file, or a folder that file_in creates) of the
  // new generation. `name` must be a safe single path component (is_safe_name); an
  // existing <root>/<name> that dorsale did not write is an InputError, before anything is
  // committed.
  std::filesystem::path entry(const std::string& name);
  // A folder entry, created in the staging generation.
  std::filesystem::path dir_entry(const std::string& name);
  // Syncs every staged file, records the manifest, switches `current`, links the entries,
  // removes the links of entries the new generation no longer has and the old generation.
  void commit();

  const std::filesystem::path& root() const { return root_; }
  // Where <root>/<name> will point once committed (for messages): root()/name.
  std::filesystem::path visible(const std::string& name) const { return root_ / name; }

 private:
  void recover();
  void check_entry_free(const std::string& name) const;
  std::filesystem::path root_, meta_, owner_dir_, gen_;
  std::string owner_, gen_name_;
  std::set<std::string> entries_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

// A private temporary folder: mkdtemp under the temporary folder ($TMPDIR or /tmp), mode 0700,
// an unpredictable name, removed with what it holds on destruction. For scratch files (a
// GeoPackage GDAL writes then read back, a rank's scenario files): no other user can
// pre-create or link a name in it. Throws std::runtime_error when it cannot be created.
class PrivateTempDir {
 public:
  explicit PrivateTempDir(const std::string& prefix = "dorsale");
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (a staging path): every write, the fsync and the close are checked;
// a failure (full disk) throws std::runtime_error naming the file.
void write_file(const std::filesystem::path& path, const std::string& text);

// fsync of one file or folder; throws std::runtime_error on failure.
void sync_path(const std::filesystem::path& path);

}  // namespace dorsale::viz
