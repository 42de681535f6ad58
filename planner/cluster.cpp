#include "planner/cluster.h"

// DORSALE_HAVE_MPI: set on this file alone by CMakeLists.txt when MPI was found (DORSALE_MPI)
#if DORSALE_HAVE_MPI
// the C API only: Open MPI's deprecated C++ bindings are not linked
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "io/output_dir.h"

namespace dorsale::planner {

namespace {

#if DORSALE_HAVE_MPI
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}
#endif

// Length-prefixed fields: [u64 size][bytes]...
void put(std::string& out, const std::string& s) {
  const std::uint64_t n = s.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += s;
}

struct Reader {
  const std::string& bytes;
  std::size_t at = 0;
  bool done() const { return at == bytes.size(); }
  std::string next() {
    std::uint64_t n = 0;
    if (bytes.size() - at < sizeof n) throw std::runtime_error("MPI: truncated message from a rank");
    std::memcpy(&n, bytes.data() + at, sizeof n);
    at += sizeof n;
    if (bytes.size() - at < n) throw std::runtime_error("MPI: truncated message from a rank");
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  }
};

}  // namespace

std::vector<std::pair<std::string, std::string>> single_machine_mpi_defaults(const std::function<const char*(const char*)>& env,
                                                                             int open_mpi_major) {
  std::vector<std::pair<std::string, std::string>> out;
  if (open_mpi_major <= 0) return out;
  if (const char* off = env("DORSALE_MPI_DEFAULTS"); off && std::string(off) == "off") return out;
  const char* world = env("OMPI_COMM_WORLD_SIZE");
  const char* local = env("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (!world || !local || std::atoi(world) < 1 || std::atoi(world) != std::atoi(local)) return out;
  const std::pair<std::string, std::string> wanted[] = {{"OMPI_MCA_pml", "ob1"},
                                                        {"OMPI_MCA_btl", open_mpi_major >= 5 ? "self,sm" : "self,vader"}};
  for (const auto& w : wanted)
    if (!env(w.first.c_str())) out.push_back(w);
  return out;
}

int loopback_sockets_without_delay() {
  int set = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(e.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
    sockaddr_storage peer{};
    len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;  // not connected (a listener)
    bool loopback = false;
    if (peer.ss_family == AF_INET)
      loopback = (ntohl(reinterpret_cast<const sockaddr_in&>(peer).sin_addr.s_addr) >> 24) == 127;
    else if (peer.ss_family == AF_INET6) {
      const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
      loopback = IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
    }
    if (!loopback) continue;
    const int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) ++set;
  }
  return set;
}

bool Cluster::launched() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

#if DORSALE_HAVE_MPI
Cluster::Cluster(int* argc, char*** argv) {
#if defined(OPEN_MPI) && defined(OMPI_MAJOR_VERSION)
  // shared memory only when every rank is on this machine (see single_machine_mpi_defaults);
  // Open MPI reads its OMPI_MCA_ variables from the environment inside MPI_Init
  for (const auto& [name, value] : single_machine_mpi_defaults([](const char* n) { return std::getenv(n); }, OMPI_MAJOR_VERSION))
    setenv(name.c_str(), value.c_str(), 0);
#endif
  // no transparent huge pages for the ranks (models/double_buffer.h asks for them): measured on
  // the project's 2-core virtual machine, 2 ranks x 1 thread on the sweep at 100,000 draws spent
  // 0.4-0.7 s a rank in the kernel zeroing fresh 2 MB pages against 0.17-0.24 s with 4 KB pages
  // (one process gains from them: -30..-120 ms CPU)
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  check(MPI_Init(argc, argv), "MPI_Init");
  // errors come back as codes (checked), not as an abort of the whole job
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  // the rank's PMIx client talks to mpirun over TCP on the loopback without TCP_NODELAY: at
  // MPI_Finalize it writes four small messages in a row, Nagle holds the last ones until mpirun
  // acknowledges the first, and mpirun delays that acknowledgement 40 ms (strace -f -tt of
  // `mpirun -np 1 dorsale --help`: 42 ms between the rank's writev and mpirun's read, ~0.05 s of
  // MPI_Finalize's wall); DORSALE_MPI_DEFAULTS=off leaves the sockets as Open MPI made them
  if (const char* off = std::getenv("DORSALE_MPI_DEFAULTS"); !off || std::string(off) != "off") loopback_sockets_without_delay();
}

Cluster::~Cluster() { MPI_Finalize(); }

#else
// Built without MPI (DORSALE_MPI=OFF, or AUTO without libopenmpi-dev): under mpirun every rank
// would redo the whole job and write the same files, so it refuses to start.
Cluster::Cluster(int*, char***) {
  throw std::runtime_error(
      "this dorsale was built without MPI (Open MPI not found at configure time): run it without mpirun, "
      "or install libopenmpi-dev and rebuild (cmake -DDORSALE_MPI=ON)");
}

Cluster::~Cluster() = default;
#endif

int Cluster::local_size() const {
  const char* s = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int n = s ? std::atoi(s) : 0;
  return n > 0 ? n : 1;
}

#if DORSALE_HAVE_MPI
std::vector<std::string> Cluster::gather(const std::string& mine) const {
  if (mine.size() > std::size_t(INT_MAX)) throw std::runtime_error("MPI: a rank's answer is over 2 GiB");
  int n = int(mine.size());
  std::vector<int> sizes(root() ? size_ : 0);
  check(MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> offsets(sizes.size());
  std::int64_t total = 0;
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    offsets[r] = int(total);
    total += sizes[r];
  }
  if (total > INT_MAX) throw std::runtime_error("MPI: the ranks' answers are over 2 GiB together");
  std::string all(std::size_t(total), '\0');
  check(MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> out;
  for (std::size_t r = 0; r < sizes.size(); ++r) out.push_back(all.substr(std::size_t(offsets[r]), std::size_t(sizes[r])));
  return out;
}

std::string Cluster::broadcast(const std::string& from_root) const {
  if (from_root.size() > std::size_t(INT_MAX)) throw std::runtime_error("MPI: a broadcast is over 2 GiB");
  int n = broadcast(int(from_root.size()));
  std::string s = root() ? from_root : std::string(std::size_t(n), '\0');
  check(MPI_Bcast(s.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return s;
}

int Cluster::broadcast(int from_root) const {
  int v = from_root;
  check(MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return v;
}

void Cluster::transfer(const std::vector<Transfer>& sends, const std::vector<Transfer>& receives) const {
  for (const auto* list : {&sends, &receives})
    for (const auto& t : *list)
      if (t.rank < 0 || t.rank >= size_ || t.rank == rank_ || t.count < 0) throw std::runtime_error("MPI: a transfer with a wrong rank or count");
  std::vector<MPI_Request> requests(sends.size() + receives.size(), MPI_REQUEST_NULL);
  std::size_t k = 0;
  for (const auto& t : receives) check(MPI_Irecv(t.data, t.count, MPI_DOUBLE, t.rank, 0, MPI_COMM_WORLD, &requests[k++]), "MPI_Irecv");
  for (const auto& t : sends) check(MPI_Isend(t.data, t.count, MPI_DOUBLE, t.rank, 0, MPI_COMM_WORLD, &requests[k++]), "MPI_Isend");
  check(MPI_Waitall(int(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
}

#else
// Never reached: a Cluster cannot be made without MPI.
void Cluster::transfer(const std::vector<Transfer>&, const std::vector<Transfer>&) const {}
std::vector<std::string> Cluster::gather(const std::string& mine) const { return {mine}; }
std::string Cluster::broadcast(const std::string& from_root) const { return from_root; }
int Cluster::broadcast(int from_root) const { return from_root; }
#endif

std::string pack_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) put(out, f);
  return out;
}

std::vector<std::string> unpack_fields(const std::string& bytes) {
  Reader rd{bytes};
  std::vector<std::string> out;
  while (!rd.done()) out.push_back(rd.next());
  return out;
}

std::string RankOutcome::pack() const { return pack_fields({std::to_string(code), message, payload}); }

RankOutcome RankOutcome::unpack(const std::string& bytes) {
  const auto f = unpack_fields(bytes);
  if (f.size() != 3) throw std::runtime_error("MPI: malformed message from a rank");
  return {std::stoi(f[0]), f[1], f[2]};
}

std::string pack_files(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) throw std::runtime_error(e.path().string() + ": not a regular file in a scenario folder");
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) {
    put(out, f.filename().string());
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw std::runtime_error(f.string() + ": cannot read back");
    put(out, bytes);
  }
  return out;
}

void unpack_files(const std::string& bytes, const std::string& dir) {
  Reader rd{bytes};
  while (!rd.done()) {
    const std::string name = rd.next();
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw std::runtime_error("MPI: a rank sent a file name that is not one path component");
    viz::write_file(std::filesystem::path(dir) / name, rd.next());
  }
}

}  // namespace dorsale::planner
