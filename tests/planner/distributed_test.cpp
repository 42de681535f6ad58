// `mpirun -np N dorsale guichet|run`: the files rank 0 writes are those of one process, byte
// for byte, for N = 1, 2 and 3 (more ranks than scenarios: an idle rank; the guichet's draws
// dealt to ranks, sets split between them); a rank given a bad
// scenario fails the whole run with that scenario's error and nothing is written.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "planner/cluster.h"
#include "test_support.h"

namespace fs = std::filesystem;
using dorsale::test::slurp;

namespace {

// Runs `mpirun -np n dorsale args…` (as root too: CI runs as root); returns the exit code.
// `env`: more VAR=value words before mpirun.
int run_mpi(int n, const std::vector<std::string>& args, const fs::path& log, const std::string& env = "") {
  std::string cmd = env + " OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 "
                    "OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -np " + std::to_string(n) + " '" + DORSALE_BIN + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " > '" + log.string() + "' 2>&1";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Every visible file under `root` (following dorsale's links), relative path -> bytes.
std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink);
       it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename().string()[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out[fs::relative(it->path(), root).string()] = slurp(it->path());
  }
  return out;
}

void expect_same_files(const fs::path& one, const fs::path& many, const std::string& what) {
  const auto a = files_under(one), b = files_under(many);
  ASSERT_FALSE(a.empty()) << what;
  ASSERT_EQ(a.size(), b.size()) << what;
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << what << ": " << name << " missing";
    EXPECT_TRUE(b.at(name) == bytes) << what << ": " << name << " differs";
  }
}

// `args` then "-o out".
std::vector<std::string> with_out(std::vector<std::string> args, const fs::path& out) {
  args.push_back("-o");
  args.push_back(out.string());
  return args;
}

// One process, then mpirun -np 1, 2 and 3 (3: more ranks than work for some): the same files.
void expect_ranks_write_the_single_process_bytes(const std::vector<std::string>& args, const fs::path& tmp, const std::string& what) {
  ASSERT_EQ(dorsale::test::run_cli(with_out(args, tmp / "one"), tmp / "log"), 0) << slurp(tmp / "log");
  for (int n : {1, 2, 3}) {
    const fs::path out = tmp / ("np" + std::to_string(n));
    ASSERT_EQ(run_mpi(n, with_out(args, out), tmp / "log"), 0) << slurp(tmp / "log");
    expect_same_files(tmp / "one", out, what + " -np " + std::to_string(n));
  }
}

bool have_mpirun() { return std::system("command -v mpirun > /dev/null 2>&1") == 0; }

#define DORSALE_REQUIRE_MPIRUN()                                                             \
  if (!have_mpirun()) {                                                                      \
    if (std::getenv("CI")) FAIL() << "CI is set but mpirun is missing (scripts/install-deps.sh)"; \
    GTEST_SKIP() << "mpirun not found (apt-get install openmpi-bin)";                        \
  }

// A scenario on the three-commune open-data region of tests/data/mini (fast), with a seed;
// `plan` its region.network_plan ("none": no network; "derived": one by rule, with its towers
// and collecte, every output file of a run).
void write_mini_scenario(const fs::path& f, const std::string& name, int seed, const std::string& dir,
                         const std::string& plan = "none") {
  std::ofstream(f) << "[scenario]\nname = \"" << name << "\"\nseed = " << seed
                   << "\n[region]\nsource = \"opendata\"\nopendata_dir = \"" << dir << "\"\nnetwork_plan = \"" << plan << "\"\n";
}

}  // namespace

TEST(Distributed, GuichetSweepOverOneTwoThreeRanksWritesTheSingleProcessBytes) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const std::string sweep = std::string(DORSALE_SOURCE_DIR) + "/scenarios/guichet-sweep.toml";
  expect_ranks_write_the_single_process_bytes({"guichet", "--sweep", sweep, "--draws", "300", "--threads", "1"}, tmp.path(), "guichet");
}

// One set's draws split between ranks (GuichetDeal: 301 draws, 150 / 151 on 2 ranks, 100 / 100 /
// 101 on 3), its statistics summarised column by column on the ranks: the single process's bytes.
TEST(Distributed, GuichetOneSetSplitOverRanksWritesTheSingleProcessBytes) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const std::vector<std::string> args = {"guichet", "--draws", "301", "--threads", "1"};
  ASSERT_EQ(dorsale::test::run_cli(with_out(args, tmp.path() / "one"), tmp.path() / "log"), 0) << slurp(tmp.path() / "log");
  const fs::path cache = tmp.path() / "one" / ".dorsale" / "guichet-base.bin";
  ASSERT_TRUE(fs::exists(cache));
  for (int n : {1, 2, 3}) {
    // each rank-count's folder starts from the single process's cache (the fixed part computed
    // under MPI is the sweep test's); rank 0 reads it and broadcasts it
    const fs::path out = tmp.path() / ("np" + std::to_string(n));
    fs::create_directories(out / ".dorsale");
    fs::copy_file(cache, out / ".dorsale" / "guichet-base.bin");
    ASSERT_EQ(run_mpi(n, with_out(args, out), tmp.path() / "log"), 0) << slurp(tmp.path() / "log");
    for (const char* f : {"guichet.json", "results.h5"})
      EXPECT_TRUE(slurp(tmp.path() / "one" / f) == slurp(out / f)) << f << " differs with -np " << n;
  }
}

TEST(Distributed, ScenarioGridOverOneTwoThreeRanksWritesTheSingleProcessBytes) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const std::string mini = std::string(DORSALE_TEST_DATA) + "/mini";
  write_mini_scenario(tmp.path() / "a.toml", "mini-a", 1, mini);
  write_mini_scenario(tmp.path() / "c.toml", "mini-c", 2, mini);
  // the middle one with a derived network: every output file of a run (towers, collecte
  // ...), at ~1/50 of the cost of the built-in bfc-2022 it replaces (run 4 times, under ASan too)
  write_mini_scenario(tmp.path() / "b.toml", "mini-b", 3, mini, "derived");
  const std::vector<std::string> grid = {(tmp.path() / "a.toml").string(), (tmp.path() / "b.toml").string(),
                                         (tmp.path() / "c.toml").string()};
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), grid.begin(), grid.end());
  expect_ranks_write_the_single_process_bytes(args, tmp.path(), "run");
}

TEST(Distributed, ARankGivenABadScenarioFailsTheRunAndNothingIsWritten) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const std::string mini = std::string(DORSALE_TEST_DATA) + "/mini";
  write_mini_scenario(tmp.path() / "a.toml", "mini-a", 1, mini);
  // parses, but its region cannot be loaded: the error comes from rank 1's computation
  write_mini_scenario(tmp.path() / "b.toml", "bad", 1, (tmp.path() / "no-such-data").string());
  write_mini_scenario(tmp.path() / "c.toml", "mini-c", 2, mini);
  const fs::path out = tmp.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "notes.txt") << "mine";
  const int rc = run_mpi(3, {"run", (tmp.path() / "a.toml").string(), (tmp.path() / "b.toml").string(),
                             (tmp.path() / "c.toml").string(), "-o", out.string()},
                         tmp.path() / "log");
  const std::string log = slurp(tmp.path() / "log");
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("rank 1:"), std::string::npos) << log;
  EXPECT_NE(log.find("no-such-data"), std::string::npos) << log;
  EXPECT_EQ(dorsale::test::visible(out), (std::set<std::string>{"notes.txt"})) << "nothing of the run is visible";
  EXPECT_EQ(slurp(out / "notes.txt"), "mine");
  // and a guichet with --shard under mpirun is refused: the ranks are the shards
  EXPECT_EQ(run_mpi(2, {"guichet", "--shard", "1/2", "--draws", "10", "-o", (tmp.path() / "g").string()}, tmp.path() / "log"), 1);
  EXPECT_FALSE(fs::exists(tmp.path() / "g"));
}

// A sweep set the rules refuse (the social tier below the standard one), held by rank 1 alone:
// the guichet fails with its error, reported once, and nothing is written.
TEST(Distributed, AGuichetSetARankRefusesFailsTheRunAndNothingIsWritten) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const fs::path sweep = tmp.path() / "sweep.toml";
  std::ofstream(sweep) << "[[set]]\nname = \"a\"\n\"guichet.uptake_mean\" = 0.2\n[[set]]\nname = \"b\"\n\"guichet.uptake_mean\" = 0.3\n"
                          "[[set]]\nname = \"bad\"\n\"guichet.cap_2022_social_eur\" = 100\n";
  const fs::path out = tmp.path() / "g";
  const int rc = run_mpi(2, {"guichet", "--sweep", sweep.string(), "--draws", "20", "--threads", "1", "-o", out.string()}, tmp.path() / "log");
  const std::string log = slurp(tmp.path() / "log");
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("rank 1:"), std::string::npos) << log;
  EXPECT_EQ(log.find("rank 0:"), std::string::npos) << log;
  EXPECT_NE(log.find("guichet.cap_2022_social_eur"), std::string::npos) << log;
  EXPECT_TRUE(dorsale::test::visible(out).empty()) << "nothing of the run is visible";
}

// The transports dorsale asks of Open MPI before MPI_Init (planner/cluster.h): shared memory
// only when every rank is on this machine; never over the user's own setting.
namespace {
using Env = std::map<std::string, std::string>;
std::vector<std::pair<std::string, std::string>> defaults_for(const Env& env, int major) {
  return dorsale::planner::single_machine_mpi_defaults(
      [&](const char* n) { const auto it = env.find(n); return it == env.end() ? nullptr : it->second.c_str(); }, major);
}
using Pairs = std::vector<std::pair<std::string, std::string>>;
}  // namespace

TEST(MpiDefaults, RanksOfOneMachineGetSharedMemoryOnly) {
  const Env one = {{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}};
  EXPECT_EQ(defaults_for(one, 4), (Pairs{{"OMPI_MCA_pml", "ob1"}, {"OMPI_MCA_btl", "self,vader"}}));
  EXPECT_EQ(defaults_for(one, 5), (Pairs{{"OMPI_MCA_pml", "ob1"}, {"OMPI_MCA_btl", "self,sm"}}));
}

TEST(MpiDefaults, TheUsersSettingsAndJobsOverSeveralMachinesAreLeftAlone) {
  Env env = {{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}, {"OMPI_MCA_pml", "ucx"}};
  EXPECT_EQ(defaults_for(env, 4), (Pairs{{"OMPI_MCA_btl", "self,vader"}})) << "the user's pml is kept";
  env["OMPI_MCA_btl"] = "self,tcp";
  EXPECT_TRUE(defaults_for(env, 4).empty());
  EXPECT_TRUE(defaults_for({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}, 4).empty()) << "two machines";
  EXPECT_TRUE(defaults_for({{"OMPI_COMM_WORLD_SIZE", "2"}}, 4).empty()) << "no local size: not mpirun's";
  EXPECT_TRUE(defaults_for({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}, {"DORSALE_MPI_DEFAULTS", "off"}}, 4).empty());
  EXPECT_TRUE(defaults_for({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}, 0).empty()) << "not Open MPI";
}

// The rank's PMIx connection to mpirun is a TCP socket on the loopback: the Cluster turns Nagle
// off on such sockets (40 ms stalls at MPI_Finalize otherwise); a socket to anything else, a
// listener and a Unix socket are left alone.
TEST(MpiDefaults, LoopbackTcpSocketsGetNoDelayOthersAreLeftAlone) {
  auto nodelay = [](int fd) {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
    return v != 0;
  };
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const int served = accept(listener, nullptr, nullptr);
  ASSERT_GE(served, 0);
  int unix_pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair), 0);
  ASSERT_FALSE(nodelay(client)) << "Linux's default (the test can fail)";
  ASSERT_FALSE(nodelay(served));
  EXPECT_GE(dorsale::planner::loopback_sockets_without_delay(), 2);
  EXPECT_TRUE(nodelay(client));
  EXPECT_TRUE(nodelay(served));
  EXPECT_FALSE(nodelay(listener)) << "a listener has no peer";
  for (int fd : {client, served, listener, unix_pair[0], unix_pair[1]}) close(fd);
}

// Under mpirun on one machine, Open MPI opens only the ob1 layer (not cm, whose PSM libraries
// sleep at start-up), as its own verbose log shows; a user's OMPI_MCA_pml still wins (a layer
// that does not exist makes MPI_Init fail).
TEST(Distributed, OneMachinesRanksOpenOnlyTheSharedMemoryLayerUnlessTheUserSaysOtherwise) {
  DORSALE_REQUIRE_MPIRUN();
  dorsale::test::TempDir tmp;
  const std::vector<std::string> args = {"guichet", "--draws", "20", "--threads", "1", "-o", (tmp.path() / "g").string()};
  ASSERT_EQ(run_mpi(2, args, tmp.path() / "log", "OMPI_MCA_pml_base_verbose=10"), 0) << slurp(tmp.path() / "log");
  std::string log = slurp(tmp.path() / "log");
  // the project's MPI is Debian's Open MPI (scripts/install-deps.sh), whose pml framework logs the
  // components it loads at this verbosity
  ASSERT_NE(log.find("found loaded component"), std::string::npos) << "no Open MPI pml log:\n" << log;
  EXPECT_NE(log.find("found loaded component ob1"), std::string::npos) << log;
  EXPECT_EQ(log.find("found loaded component cm"), std::string::npos) << log;
  EXPECT_NE(run_mpi(1, args, tmp.path() / "log", "OMPI_MCA_pml=no_such_layer"), 0) << slurp(tmp.path() / "log");
}
