#include "pg_cluster.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <pqxx/pqxx>

namespace dorsale::test {

namespace fs = std::filesystem;

namespace {

std::string newest_pg_bin() {
  std::string best;
  if (!fs::exists("/usr/lib/postgresql")) return best;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql"))
    if (fs::exists(e.path() / "bin/initdb") && (best.empty() || e.path().string() > best)) best = e.path().string();
  return best.empty() ? best : best + "/bin";
}

std::string stop_command;  // run at exit

void stop_at_exit() {
  if (!stop_command.empty()) std::system(stop_command.c_str());
}

}  // namespace

PgCluster& PgCluster::instance() {
  static PgCluster c;
  return c;
}

PgCluster::PgCluster() {
  try {
    start();
  } catch (const std::exception& e) {
    ok_ = false;
    why_ = e.what();
  }
}

void PgCluster::start() {
  bin_ = newest_pg_bin();
  if (bin_.empty()) {
    why_ = "no /usr/lib/postgresql/*/bin/initdb (install the postgresql package: scripts/install-deps.sh)";
    return;
  }
  dir_ = (fs::temp_directory_path() / ("dorsale-pg-" + std::to_string(::getpid()))).string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const bool root = ::geteuid() == 0;
  const std::string as = root ? "runuser -u nobody -- " : "";
  if (root && std::system(("chown nobody '" + dir_ + "'").c_str()) != 0) {
    why_ = "cannot give " + dir_ + " to the user nobody";
    return;
  }
  const std::string data = dir_ + "/data", log = dir_ + "/server.log";
  const std::string initdb = as + bin_ + "/initdb -D '" + data + "' -U dorsale -A trust --no-sync > '" + dir_ + "/initdb.log' 2>&1";
  if (std::system(initdb.c_str()) != 0) {
    why_ = "initdb failed (see " + dir_ + "/initdb.log)";
    return;
  }
  const std::string start = as + bin_ + "/pg_ctl -D '" + data + "' -l '" + log + "' -w -o \"-c listen_addresses='' -k '" + dir_ +
                            "' -c max_connections=200\" start > /dev/null 2>&1";
  if (std::system(start.c_str()) != 0) {
    why_ = "pg_ctl start failed (see " + log + ")";
    return;
  }
  stop_command = as + bin_ + "/pg_ctl -D '" + data + "' -m immediate stop > /dev/null 2>&1; rm -rf '" + dir_ + "'";
  std::atexit(stop_at_exit);
  url_base_ = "postgresql://dorsale@/";
  ok_ = true;
}

std::string PgCluster::new_database() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  const std::string name = "desk_" + std::to_string(++next_);
  pqxx::connection admin(url_base_ + "postgres?host=" + dir_);
  pqxx::nontransaction n(admin);
  n.exec("DROP DATABASE IF EXISTS " + name);
  n.exec("CREATE DATABASE " + name);
  return url_base_ + name + "?host=" + dir_;
}

long long pg_scalar(const std::string& url, const std::string& query) {
  pqxx::connection c(url);
  pqxx::nontransaction n(c);
  return n.exec(query)[0][0].as<long long>();
}

}  // namespace dorsale::test
