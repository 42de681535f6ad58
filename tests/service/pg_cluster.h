#pragma once
// A PostgreSQL server of the test's own (Debian's postgresql package): initdb in a temporary
// folder, listening only on a Unix socket in that folder, started once per test binary and
// stopped at exit. As root (CI), the server runs as the user `nobody` (PostgreSQL refuses
// root) through runuser.
#include <string>

namespace dorsale::test {

class PgCluster {
 public:
  static PgCluster& instance();
  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }  // when not ok
  // A new, empty database; its connection URL.
  std::string new_database();

 private:
  PgCluster();
  void start();
  bool ok_ = false;
  std::string why_, dir_, bin_, url_base_;
  int next_ = 0;
};

long long pg_scalar(const std::string& url, const std::string& query);

}  // namespace dorsale::test
