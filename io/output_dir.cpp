#include "io/output_dir.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "models/error.h"
#include "models/names.h"

namespace fs = std::filesystem;

namespace dorsale::viz {

namespace {

constexpr const char* kMeta = ".dorsale";
constexpr const char* kManifest = ".manifest";

[[noreturn]] void io_fail(const fs::path& p, const std::string& what, int err) {
  throw std::runtime_error(fmt::format("{}: {}: {}", p.string(), what, std::strerror(err)));
}

bool is_link(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::symlink;
}

bool present(const fs::path& p) {  // anything at p, even a dangling link
  std::error_code ec;
  const auto t = fs::symlink_status(p, ec).type();
  return t != fs::file_type::not_found && t != fs::file_type::none;
}

std::string link_text(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::read_symlink(p, ec);
  return ec ? std::string() : t.string();
}

// The generation number of "gen-N", or -1.
long gen_number(const std::string& name) {
  if (name.rfind("gen-", 0) != 0 || name.size() < 5 || name.size() > 15) return -1;
  long n = 0;
  for (std::size_t i = 4; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

// Files below `dir`, relative to it, in a stable order.
std::set<std::string> files_below(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) continue;
    out.insert(fs::relative(it->path(), dir).string());
  }
  return out;
}

std::set<std::string> read_manifest(const fs::path& gen) {
  std::set<std::string> out;
  std::ifstream in(gen / kManifest);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

void sync_tree(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) sync_path(it->path());
  if (ec) io_fail(dir, "cannot list", ec.value());
  sync_path(dir);
}

// Test hook: DORSALE_TEST_COMMIT_DELAY_MS slows every step of a commit down, so that the
// crash test can kill a command in the middle of one. Unset, it costs one getenv per commit.
void commit_step_pause() {
  static const char* ms = std::getenv("DORSALE_TEST_COMMIT_DELAY_MS");
  if (ms) ::usleep(useconds_t(std::atoi(ms)) * 1000u);
}

// Replaces (or creates) the link `at` so that it reads `text`, atomically.
void set_link(const fs::path& at, const std::string& text) {
  commit_step_pause();
  const fs::path tmp = at.parent_path() / fmt::format(".dorsale-link-{}.tmp", at.filename().string());
  std::error_code ec;
  fs::remove(tmp, ec);
  if (::symlink(text.c_str(), tmp.c_str()) != 0) io_fail(tmp, "cannot create a link", errno);
  if (::rename(tmp.c_str(), at.c_str()) != 0) {
    const int err = errno;
    fs::remove(tmp, ec);
    io_fail(at, "cannot switch the link", err);
  }
}

}  // namespace

void sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_fail(path, "cannot open to sync", errno);
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int err = errno;
    ::close(fd);
    io_fail(path, "cannot sync", err);
  }
  if (::close(fd) != 0) io_fail(path, "cannot close", errno);
}

void write_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_fail(path, "cannot write", errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      io_fail(path, "write failed", err);
    }
    done += std::size_t(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    io_fail(path, "write failed", err);
  }
  if (::close(fd) != 0) io_fail(path, "write failed", errno);
}

PrivateTempDir::PrivateTempDir(const std::string& prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) io_fail(tmpl, "cannot create a private temporary folder", errno);
  path_ = tmpl;
}

PrivateTempDir::~PrivateTempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

OutputDir::OutputDir(const fs::path& root, const std::string& owner) : root_(root), owner_(owner) {
  if (root_.empty()) root_ = ".";
  std::error_code ec;
  if (present(root_) && !fs::is_directory(root_, ec))
    throw InputError(root_.string(), 0, "-o", "is not a folder (dorsale writes its outputs into a folder; nothing was written)");
  const fs::path canon = fs::weakly_canonical(root_, ec);
  for (const auto& part : canon)
    if (part == kMeta)
      throw InputError(root_.string(), 0, "-o",
                       "lies inside the outputs of another dorsale command, which a later run replaces; choose a folder of your own");
  fs::create_directories(root_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create the output folder: {}", root_.string(), ec.message()));
  meta_ = root_ / kMeta;
  owner_dir_ = meta_ / owner_;
  // dorsale's own folders are never followed out of -o: a link in their place is refused
  for (const fs::path& p : {meta_, owner_dir_})
    if (is_link(p))
      throw InputError(p.string(), 0, "-o", "is a symbolic link, not dorsale's own folder: dorsale never follows it out of the output folder (nothing was written)");
  fs::create_directories(owner_dir_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create: {}", owner_dir_.string(), ec.message()));

  const fs::path lock = meta_ / "lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) io_fail(lock, "cannot open the lock", errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    std::cerr << fmt::format("dorsale: waiting for another dorsale writing into {}\n", root_.string());
    while (::flock(lock_fd_, LOCK_EX) != 0)
      if (errno != EINTR) io_fail(lock, "cannot lock", errno);
  }
  recover();

  long next = 0;
  for (const auto& e : fs::directory_iterator(owner_dir_)) next = std::max(next, gen_number(e.path().filename().string()) + 1);
  gen_name_ = fmt::format("gen-{}", next);
  gen_ = owner_dir_ / gen_name_;
  fs::create_directories(gen_, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create: {}", gen_.string(), ec.message()));
}

OutputDir::~OutputDir() {
  std::error_code ec;
  if (!committed_ && !gen_.empty()) fs::remove_all(gen_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

// Under the lock: what a killed command left behind is removed. A generation that is not the
// current one of its owner was never committed (or was replaced); links into .dorsale that
// no longer resolve name entries of a generation that is gone.
void OutputDir::recover() {
  std::error_code ec;
  for (const auto& o : fs::directory_iterator(meta_, ec)) {
    if (is_link(o.path()) || !o.is_directory()) continue;
    const std::string current = link_text(o.path() / "current");
    for (const auto& g : fs::directory_iterator(o.path())) {
      const std::string n = g.path().filename().string();
      if ((gen_number(n) >= 0 && n != current) || n.rfind(".dorsale-link-", 0) == 0) fs::remove_all(g.path(), ec);
    }
  }
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(".dorsale-link-", 0) == 0 && is_link(e.path())) {
      fs::remove(e.path(), ec);
    } else if (is_link(e.path()) && link_text(e.path()).rfind(std::string(kMeta) + "/", 0) == 0 && !fs::exists(e.path(), ec)) {
      fs::remove(e.path(), ec);
    }
  }
}

void OutputDir::check_entry_free(const std::string& name) const {
  const fs::path p = root_ / name;
  if (!present(p)) return;
  const std::string target = is_link(p) ? link_text(p) : std::string();
  if (target == fmt::format("{}/{}/current/{}", kMeta, owner_, name)) return;  // this command's own
  if (target.rfind(std::string(kMeta) + "/", 0) == 0) {
    const std::string other = target.substr(std::string(kMeta).size() + 1, target.find('/', std::string(kMeta).size() + 1) - std::string(kMeta).size() - 1);
    throw InputError(p.string(), 0, "-o",
                     fmt::format("is an output of `dorsale {}` in this folder: `dorsale {}` does not take it over; choose another output "
                                 "folder (nothing was written)",
                                 other, owner_));
  }
  throw InputError(p.string(), 0, "-o",
                   "exists and was not written by dorsale: it is never replaced; move it away or choose another output folder "
                   "(nothing was written)");
}

fs::path OutputDir::entry(const std::string& name) {
  if (!is_safe_name(name)) throw InputError(name, 0, "name", fmt::format("is not a safe output name ({})", kSafeNameRule));
  check_entry_free(name);
  entries_.insert(name);
  return gen_ / name;
}

fs::path OutputDir::dir_entry(const std::string& name) {
  fs::path p = entry(name);
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create: {}", p.string(), ec.message()));
  return p;
}

void OutputDir::commit() {
  for (const auto& n : entries_) check_entry_free(n);
  // a file the user put inside dorsale's previous outputs is never deleted
  const fs::path cur_link = owner_dir_ / "current";
  // `current` names a generation beside it ("gen-N"); anything else (a link rewritten to point
  // elsewhere) is never followed: not read, and not deleted when replaced
  const std::string old_name = link_text(cur_link);
  const fs::path old_gen = gen_number(old_name) < 0 || is_link(owner_dir_ / old_name) ? fs::path() : owner_dir_ / old_name;
  if (!old_gen.empty() && fs::is_directory(old_gen)) {
    const auto known = read_manifest(old_gen);
    for (const auto& f : files_below(old_gen)) {
      if (f == kManifest || known.count(f)) continue;
      bool sidecar = false;  // SQLite journals of an open GeoPackage
      for (const char* suf : {"-wal", "-shm", "-journal"}) {
        const std::string s(suf);
        if (f.size() > s.size() && f.compare(f.size() - s.size(), s.size(), s) == 0 && known.count(f.substr(0, f.size() - s.size())))
          sidecar = true;
      }
      if (!sidecar)
        throw InputError((root_ / f).string(), 0, "-o",
                         "was not written by dorsale and would be lost when its folder is replaced; move it out first (nothing was written)");
    }
  }
  std::string manifest;
  for (const auto& f : files_below(gen_)) manifest += f + "\n";
  write_file(gen_ / kManifest, manifest);
  sync_tree(gen_);
  sync_path(owner_dir_);
  // new names first: before the switch they point at nothing (and are removed if we die now)
  const std::string prefix = fmt::format("{}/{}/current/", kMeta, owner_);
  for (const auto& n : entries_) {
    const fs::path p = root_ / n;
    if (link_text(p) != prefix + n) set_link(p, prefix + n);
  }
  sync_path(root_);
  // the switch: one rename
  set_link(cur_link, gen_name_);
  sync_path(owner_dir_);
  committed_ = true;
  commit_step_pause();
  // links to entries the new generation does not have, and the old generation
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string t = link_text(e.path());
    if (t.rfind(prefix, 0) == 0 && !entries_.count(t.substr(prefix.size()))) {
      fs::remove(e.path(), ec);
      commit_step_pause();
    }
  }
  if (!old_gen.empty() && old_name != gen_name_) fs::remove_all(old_gen, ec);
  sync_path(root_);
}

}  // namespace dorsale::viz
