#pragma once
// The MPI ranks of a distributed run (Open MPI; `mpirun -np N dorsale run|guichet …`). dorsale
// starts MPI only when mpirun launched it, so a plain `dorsale …` never touches MPI. Work is
// dealt to ranks by index (k mod size = rank) and every rank's answer is gathered on rank 0,
// which alone writes: the files are the bytes one process writes.
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace dorsale::planner {

class Cluster {
 public:
  // True when an MPI launcher started this process (Open MPI's or PMIx's environment).
  static bool launched();
  // MPI_Init / MPI_Finalize. Throws std::runtime_error when MPI cannot start.
  Cluster(int* argc, char*** argv);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  // Processes of this job on this machine (threads per rank = cores / this).
  int local_size() const;

  // Every rank's bytes on rank 0, in rank order (other ranks get an empty vector).
  std::vector<std::string> gather(const std::string& mine) const;
  // Rank 0's bytes on every rank.
  std::string broadcast(const std::string& from_root) const;
  // Rank 0's integer on every rank.
  int broadcast(int from_root) const;
  // Point to point: `count` doubles at `data`, to or from `rank` (another rank).
  struct Transfer {
    int rank;
    double* data;
    int count;
  };
  // Posts every receive and send, then waits for all. Between two ranks the messages are matched
  // in the order each side lists them (one tag: MPI's messages do not overtake), so the lists
  // of the two sides must name the same pieces in the same order. Each transfer lands where
  // its reader wants it (no staging buffer, no copy on this rank). Only the ranks that send or
  // receive call it. std::runtime_error when MPI fails.
  void transfer(const std::vector<Transfer>& sends, const std::vector<Transfer>& receives) const;

 private:
  int rank_ = 0, size_ = 1;
};

// Open MPI's transports for a job whose ranks all run on this machine: what the Cluster sets
// before MPI_Init (with setenv(..., 0)), as (variable, value) pairs. By default Open MPI 4 opens
// every point-to-point layer it has: with Debian's packages the `cm` layer loads the PSM and PSM2
// libraries, whose start-up sleeps ~0.1 s each, and the TCP layer scans the network interfaces;
// dorsale's few small messages between ranks of one machine need only shared memory. So, when
// mpirun's OMPI_COMM_WORLD_LOCAL_SIZE equals OMPI_COMM_WORLD_SIZE: OMPI_MCA_pml=ob1 and
// OMPI_MCA_btl=self,vader (self,sm from Open MPI 5). Nothing is given when the ranks span
// machines (InfiniBand, Omni-Path: Open MPI's own choice), when DORSALE_MPI_DEFAULTS=off, or for
// a variable already set (`mpirun --mca pml ucx` or an exported OMPI_MCA_pml wins). `env` reads a
// variable (nullptr when unset); `open_mpi_major` is Open MPI's major version (0: not Open MPI).
std::vector<std::pair<std::string, std::string>> single_machine_mpi_defaults(const std::function<const char*(const char*)>& env,
                                                                             int open_mpi_major);

// Sets TCP_NODELAY on every connected TCP socket of this process whose peer is a loopback
// address (127.0.0.0/8, ::1, ::ffff:127.x); returns how many. The Cluster calls it after
// MPI_Init: the rank's PMIx connection to mpirun is such a socket (see planner/cluster.cpp).
int loopback_sockets_without_delay();

// What one rank sends rank 0: its exit code (0, or the code of its error), its error message,
// and its payload. Packed as bytes for Cluster::gather.
struct RankOutcome {
  int code = 0;
  std::string message;
  std::string payload;
  std::string pack() const;
  static RankOutcome unpack(const std::string& bytes);
};

// Length-prefixed fields as bytes, and back (std::runtime_error on truncated bytes).
std::string pack_fields(const std::vector<std::string>& fields);
std::vector<std::string> unpack_fields(const std::string& bytes);

// Files of a flat folder as bytes, and back (the scenario folders of a distributed run).
std::string pack_files(const std::string& dir);
void unpack_files(const std::string& bytes, const std::string& dir);

}  // namespace dorsale::planner
