#pragma once
// HDF5 helpers shared by the writers. Files are built in memory (the core driver, no backing
// store) and written to disk in one checked write: a full disk is then an ordinary write
// error naming the file, and HDF5 never holds a half-written file open at exit (which made it
// crash while shutting down).
#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <string>

namespace dorsale::viz {

// Owns an HDF5 identifier and closes it with the right function.
class Hid {
 public:
  Hid(hid_t id, herr_t (*close)(hid_t), const std::string& what);
  ~Hid() {
    if (id_ >= 0) close_(id_);
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Throws std::runtime_error("HDF5: cannot <what>") when e < 0.
void h5_check(herr_t e, const std::string& what);

// Creates an in-memory HDF5 file, lets `build` fill it, then writes its image to `file`
// (viz::write_file: every write, the sync and the close checked).
void write_hdf5_file(const std::filesystem::path& file, const std::function<void(hid_t file_id)>& build);

}  // namespace dorsale::viz
