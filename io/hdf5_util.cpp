#include "io/hdf5_util.h"

#include <stdexcept>
#include <vector>

#include "io/output_dir.h"

namespace dorsale::viz {

Hid::Hid(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
  if (id_ < 0) throw std::runtime_error("HDF5: cannot " + what);
}

void h5_check(herr_t e, const std::string& what) {
  if (e < 0) throw std::runtime_error("HDF5: cannot " + what);
}

void write_hdf5_file(const std::filesystem::path& file, const std::function<void(hid_t)>& build) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr dumps
  std::vector<char> image;
  {
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create property list");
    h5_check(H5Pset_fapl_core(fapl, 1 << 20, false), "use the core driver");
    Hid f(H5Fcreate(file.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose, "create " + file.string());
    build(f);
    h5_check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flush " + file.string());
    const ssize_t n = H5Fget_file_image(f, nullptr, 0);
    if (n <= 0) throw std::runtime_error("HDF5: cannot size the image of " + file.string());
    image.resize(std::size_t(n));
    if (H5Fget_file_image(f, image.data(), image.size()) != n) throw std::runtime_error("HDF5: cannot copy the image of " + file.string());
  }
  write_file(file, std::string(image.begin(), image.end()));
}

}  // namespace dorsale::viz
