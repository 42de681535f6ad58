#pragma once
// The SQLite register's file: its identity (to notice a file deleted, replaced or truncated
// under the running desk) and the lock that keeps it one desk's (io/register_sqlite.cpp only).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "models/error.h"

namespace dorsale::service::sqlite_register {

// The identity of the register's file (and of its WAL once written), to notice that it was
// deleted, replaced or truncated under the running desk: SQLite keeps writing into the open
// (now unlinked or emptied) file and the acknowledged requests are lost at the next start.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId& o) const { return dev == o.dev && ino == o.ino; }
};

inline std::optional<std::pair<FileId, std::int64_t>> stat_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(FileId{st.st_dev, st.st_ino}, std::int64_t(st.st_size));
}

// One desk per register file: an exclusive flock on FILE.lock, held while the register is open
// (the kernel drops it when the process dies, kill -9 included). A second desk on the same file
// would evaluate on its own cached view and answer from it; it is refused before it opens the
// file. The lock file holds the owner's pid, for the message.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    const std::string lock = path + ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(path, 0, "db", "cannot create the register's lock file " + lock + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char buf[32] = {};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      const std::string pid = n > 0 ? std::string(buf, std::size_t(n)) : std::string("?");
      if (err == EWOULDBLOCK)
        throw InputError(path, 0, "db",
                         "the register is already in use by another desk (dorsale serve, pid " + pid.substr(0, pid.find('\n')) +
                             ", holds " + lock + "): one desk per register file; stop it, or give this one another --db "
                             "(several desks share a postgresql:// register)");
      throw InputError(path, 0, "db", "cannot lock " + lock + ": " + std::strerror(err));
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {}  // informative only
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace dorsale::service::sqlite_register
