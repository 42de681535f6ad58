#include "viz/output_dir.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dorsale::viz {

StagedDir::StagedDir(const fs::path& root, const std::string& name) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create the output folder: {}", root.string(), ec.message()));
  target_ = root / name;
  staging_ = root / fmt::format(".{}.tmp-{}", name, ::getpid());
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create: {}", staging_.string(), ec.message()));
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void StagedDir::commit() {
  std::error_code ec;
  fs::path old;
  if (fs::exists(target_)) {
    old = target_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(), ::getpid());
    fs::remove_all(old, ec);
    fs::rename(target_, old, ec);
    if (ec) throw std::runtime_error(fmt::format("{}: cannot replace: {}", target_.string(), ec.message()));
  }
  fs::rename(staging_, target_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot commit: {}", target_.string(), ec.message()));
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

void write_file_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
    out << text;
    if (!out.flush()) throw std::runtime_error(fmt::format("{}: write failed", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(fmt::format("{}: cannot rename into place", path.string()));
  }
}

}  // namespace dorsale::viz
