// The output folder as a user meets it through the command line: every command keeps the
// user's other files, refuses a regular file as -o, and `dorsale run` killed at any instant
// (including during its commit) leaves one whole run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;
using dorsale::test::run_cli;
using dorsale::test::slurp;

namespace {

// Starts dorsale with `args` in the background (output discarded); `in_child` runs in the child
// before exec (environment, limits). Returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::function<void()>& in_child) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (in_child) in_child();
    std::vector<char*> argv;
    std::string bin = DORSALE_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// `commit_delay_ms` > 0 slows each step of the commit down (test hook), so that a kill lands
// inside the commit.
pid_t spawn(const std::vector<std::string>& args, int commit_delay_ms) {
  return spawn(args, [commit_delay_ms] {
    if (commit_delay_ms > 0) ::setenv("DORSALE_TEST_COMMIT_DELAY_MS", std::to_string(commit_delay_ms).c_str(), 1);
  });
}

// Runs dorsale with `args` where no file may grow beyond `max_file_bytes` (RLIMIT_FSIZE, with
// SIGXFSZ ignored, so a write fails as on a full disk). Returns the exit status, or -signal.
int run_with_file_limit(const std::vector<std::string>& args, rlim_t max_file_bytes) {
  const pid_t pid = spawn(args, [max_file_bytes] {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{max_file_bytes, max_file_bytes};
    ::setrlimit(RLIMIT_FSIZE, &lim);
  });
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

using dorsale::test::visible;

// A scenario on the three-commune open-data region of tests/data/mini with a network derived by
// rule (towers, collecte, every output file of a run), at ~1/50 of the cost of a built-in BFC
// run: for the properties of the output folder, which do not depend on the region's size.
void write_mini_scenario(const fs::path& f, const std::string& name, int seed) {
  std::ofstream(f) << "[scenario]\nname = \"" << name << "\"\nseed = " << seed << "\n[region]\nsource = \"opendata\"\nopendata_dir = \""
                   << DORSALE_TEST_DATA << "/mini\"\nnetwork_plan = \"derived\"\n";
}

// Waits until the `dorsale run` `pid` writing into `out` has begun its commit: a generation of
// out/.dorsale/run holds a .manifest (the commit's first write) written after `started`. Polls
// every 10 ms; returns false when the process ended first. Watching the folder rather than a
// clock calibrated on another run keeps the aim whatever the load of the machine (the test runs
// beside others in a parallel ctest, under the sanitizers too).
bool wait_for_commit(pid_t pid, const fs::path& out, fs::file_time_type started) {
  const fs::path gens = out / ".dorsale" / "run";
  for (;;) {
    std::error_code ec;
    for (fs::directory_iterator it(gens, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path m = it->path() / ".manifest";
      std::error_code ec2;
      const auto t = fs::last_write_time(m, ec2);
      // a manifest left by an earlier killed run is older than this run's start
      if (!ec2 && t > started) return true;
    }
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) != 0) return false;  // reaped here: the caller sees no child
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST(OutputsCli, EveryCommandKeepsTheUsersFilesAndRefusesARegularFile) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt";
  const std::string src = DORSALE_SOURCE_DIR;
  struct Cmd {
    const char* name;
    std::vector<std::string> args;
  };
  // every command on the mini region (write_mini_scenario) where it takes a scenario: what is
  // under test is the -o folder; the shards merged below come from the guichet command's own
  // folders, the compared runs from a run
  const fs::path a1 = tmp.path() / "a1.toml", a2 = tmp.path() / "a2.toml";
  write_mini_scenario(a1, "m-one", 1);
  write_mini_scenario(a2, "m-two", 2);
  const fs::path s1 = tmp.path() / "s1", s2 = tmp.path() / "s2";
  ASSERT_EQ(run_cli({"guichet", "--scenario", a1.string(), "--draws", "50", "--shard", "1/2", "-o", s1.string()}, log), 0) << slurp(log);
  ASSERT_EQ(run_cli({"guichet", "--scenario", a1.string(), "--draws", "50", "--shard", "2/2", "-o", s2.string()}, log), 0) << slurp(log);
  ASSERT_EQ(run_cli({"run", a1.string(), a2.string(), "-o", (tmp.path() / "runs").string()}, log), 0) << slurp(log);
  const std::vector<Cmd> cmds = {
      {"guichet", {"guichet", "--scenario", a1.string(), "--draws", "100"}},
      {"towers", {"towers", "--scenario", a1.string(), "--sites", "3"}},
      {"merge", {"merge", s1.string(), s2.string()}},
      {"interconnect", {"interconnect", src + "/scenarios/requests-example.csv"}},
      {"compare", {"compare", (tmp.path() / "runs" / "m-one").string(), (tmp.path() / "runs" / "m-two").string()}},
  };
  for (const auto& c : cmds) {
    SCOPED_TRACE(c.name);
    const fs::path dir = tmp.path() / (std::string("o-") + c.name);
    fs::create_directories(dir);
    std::ofstream(dir / "notes.docx") << "the user's notes";
    auto args = c.args;
    args.push_back("-o");
    args.push_back(dir.string());
    ASSERT_EQ(run_cli(args, log), 0) << slurp(log);
    ASSERT_EQ(run_cli(args, log), 0) << slurp(log);  // twice: the second replaces the first
    EXPECT_EQ(slurp(dir / "notes.docx"), "the user's notes");
    EXPECT_GT(visible(dir).size(), 1u);
    // a regular file as -o: exit 1, one message naming it, the file untouched
    const fs::path file = tmp.path() / (std::string("f-") + c.name + ".txt");
    std::ofstream(file) << "keep";
    args.back() = file.string();
    EXPECT_EQ(run_cli(args, log), 1) << slurp(log);
    EXPECT_NE(slurp(log).find(file.string()), std::string::npos) << slurp(log);
    EXPECT_EQ(slurp(file), "keep");
  }
}

TEST(OutputsCli, ScenarioNamesThatAreNotOneSafeComponentAreRefused) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt";
  // out/../../x would land in tmp/x: inside the test's own folder, so nothing else can make it
  const fs::path out = tmp.path() / "a" / "out";
  fs::create_directories(tmp.path() / "a");
  for (const std::string name : {"../../x", "/abs", "a/b", "", ".", "a\\nb"}) {
    SCOPED_TRACE(name);
    const fs::path f = tmp.path() / "s.toml";
    std::ofstream(f) << "[scenario]\nname = \"" << name << "\"\n[region]\nsource = \"builtin\"\n";
    EXPECT_EQ(run_cli({"run", f.string(), "-o", out.string()}, log), 1) << slurp(log);
    EXPECT_NE(slurp(log).find("s.toml:2: field 'scenario.name'"), std::string::npos) << slurp(log);
    EXPECT_FALSE(fs::exists(out)) << "the output folder was touched";
    EXPECT_FALSE(fs::exists(tmp.path() / "x"));
  }
}

// kill -9 at random instants of `dorsale run`, alternating two different runs (A: two
// scenarios, B: one scenario under A's first name with another seed, so that a commit adds,
// replaces and removes links): after every kill the folder holds exactly one whole run, A's or
// B's, byte for byte, and the user's file. Half the kills land at a random instant of the run's
// work, half at a random instant of its commit (each step slowed down by a test hook; the
// commit's start is seen in the folder, not guessed by a clock).
// The scenarios are on the three-commune open-data region of tests/data/mini with a derived
// network (towers, collecte, every output file of a run): what is under test is the staging and
// the commit of the output folder, which write the same files and links whatever the region's
// size, while a run costs ~1/50 of a built-in BFC run (0.3 s of CPU against 16 under ASan), so
// the test keeps its 16 kills in both CI builds.
TEST(OutputsCli, KilledAtAnyInstantTheFolderHoldsOneWholeRun) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt";
  const fs::path out = tmp.path() / "out", ref_a = tmp.path() / "ref-a", ref_b = tmp.path() / "ref-b";
  const fs::path a1 = tmp.path() / "a1.toml", a2 = tmp.path() / "a2.toml", b_toml = tmp.path() / "b.toml";
  write_mini_scenario(a1, "m-one", 1);
  write_mini_scenario(a2, "m-two", 2);
  write_mini_scenario(b_toml, "m-one", 7777);  // another seed: other guichet draws, so B's files differ from A's
  const std::vector<std::string> run_a = {"run", a1.string(), a2.string(), "-o", out.string()},
                                 run_b = {"run", b_toml.string(), "-o", out.string()};
  // the two whole runs, for reference, and how long each takes (the shortest of two for A, the
  // machine being shared): the kills during the work are aimed inside that time
  auto timed = [&](const std::vector<std::string>& args) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(run_cli(args, log), 0) << slurp(log);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double seconds_a = timed({"run", a1.string(), a2.string(), "-o", ref_a.string()});
  const double seconds_b = timed({"run", b_toml.string(), "-o", ref_b.string()});
  const std::set<std::string> entries_a = {"m-one", "m-two", "report.html"}, entries_b = {"m-one", "report.html"};
  ASSERT_EQ(visible(ref_a), entries_a);
  ASSERT_EQ(visible(ref_b), entries_b);
  ASSERT_NE(slurp(ref_a / "m-one" / "guichet.json"), slurp(ref_b / "m-one" / "guichet.json"));

  fs::create_directories(out);
  std::ofstream(out / "notes.docx") << "the user's notes";
  seconds_a = std::min(seconds_a, timed(run_a));
  // every file of a reference scenario folder; layers.gpkg is compared by presence and size
  // class only: GDAL stamps the time of writing into it
  auto files_of = [](const fs::path& dir) {
    std::set<std::string> r;
    for (const auto& f : fs::directory_iterator(dir))
      if (f.path().filename() != "layers.gpkg") r.insert(f.path().filename().string());
    EXPECT_GE(r.size(), 6u) << dir;  // summary, guichet, towers, map, results.h5, ...
    return r;
  };
  auto same_as = [&](const fs::path& ref, const std::set<std::string>& entries) {
    if (visible(out) != [&] { auto e = entries; e.insert("notes.docx"); return e; }()) return false;
    if (slurp(out / "report.html") != slurp(ref / "report.html")) return false;
    for (const auto& e : entries) {
      if (e == "report.html") continue;
      for (const auto& f : files_of(ref / e))
        if (slurp(out / e / f) != slurp(ref / e / f)) return false;
    }
    return true;
  };
  // the entries of `out` that resolve (a killed run's dangling links aside), notes.docx aside
  auto linked = [&] {
    std::set<std::string> r;
    for (const auto& e : visible(out))
      if (e != "notes.docx" && fs::exists(out / e)) r.insert(e);
    return r;
  };
  std::mt19937 rng(12345);
  // every other kill is aimed at the commit, whose every step is slowed down to 250 ms: one per
  // new link, the switch, one after it, one per link removed; the kill lands at a random instant
  // of these steps, counted from the commit's first write
  constexpr double kCommitStep = 0.25;
  int killed_in_flight = 0, killed_in_commit = 0;
  for (int k = 0; k < 16; ++k) {
    const bool b = k % 2 == 0, aim_commit = k % 4 >= 2;
    const double T = b ? seconds_b : seconds_a;
    int steps = 2;
    const auto& mine = b ? entries_b : entries_a;
    const auto before = linked();
    for (const auto& e : mine) steps += !before.count(e);
    for (const auto& e : before) steps += !mine.count(e);
    std::uniform_real_distribution<double> when(0.0, 0.9 * T), in_commit(0.0, steps * kCommitStep - 0.05);
    const double at = aim_commit ? in_commit(rng) : when(rng);
    const auto started = fs::file_time_type::clock::now();
    const pid_t pid = spawn(b ? run_b : run_a, aim_commit ? int(kCommitStep * 1000) : 0);
    bool alive = true;
    if (aim_commit) alive = wait_for_commit(pid, out, started);
    if (alive) {
      std::this_thread::sleep_for(std::chrono::duration<double>(at));
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &st, 0);
        ++killed_in_flight;
        killed_in_commit += aim_commit;
      }
    }
    SCOPED_TRACE("kill " + std::to_string(k) + (aim_commit ? " into the commit at +" : " at ") + std::to_string(at) + " s");
    EXPECT_EQ(slurp(out / "notes.docx"), "the user's notes");
    // the links of entries that did not exist in the old run may dangle until the next command
    std::set<std::string> whole;
    for (const auto& e : visible(out))
      if (fs::exists(out / e)) whole.insert(e);
    const bool is_a = same_as(ref_a, entries_a) || (whole == std::set<std::string>{"m-one", "m-two", "notes.docx", "report.html"});
    const bool is_b = same_as(ref_b, entries_b) || (whole == std::set<std::string>{"m-one", "notes.docx", "report.html"});
    ASSERT_TRUE(is_a || is_b) << "not one whole run";
    // the resolvable entries are exactly one run's, byte for byte
    bool bytes_ok = true;
    const fs::path& ref = whole.count("m-two") ? ref_a : ref_b;
    for (const auto& e : whole) {
      if (e == "notes.docx") continue;
      if (e == "report.html") {
        bytes_ok &= slurp(out / e) == slurp(ref / e);
        continue;
      }
      for (const auto& f : files_of(ref / e)) bytes_ok &= slurp(out / e / f) == slurp(ref / e / f);
    }
    EXPECT_TRUE(bytes_ok) << "an entry mixes two runs";
    // and they all live in one generation, with every file there
    std::set<fs::path> gens;
    for (const auto& e : whole)
      if (e != "notes.docx") gens.insert(fs::canonical(out / e).parent_path());
    EXPECT_EQ(gens.size(), 1u) << "entries from two generations";
    for (const auto& e : whole)
      if (e != "notes.docx" && e != "report.html") {
        EXPECT_EQ(files_of(out / e), files_of(ref / e)) << e;
        EXPECT_GT(fs::file_size(out / e / "layers.gpkg"), fs::file_size(ref / e / "layers.gpkg") / 2) << e;
      }
  }
  EXPECT_GE(killed_in_flight, 4) << "the kills should land while runs are in flight";
  EXPECT_GE(killed_in_commit, 4) << "the kills aimed at the commit should land inside it";
  // the next run cleans what the killed ones left and commits normally
  ASSERT_EQ(run_cli(run_b, log), 0) << slurp(log);
  EXPECT_TRUE(same_as(ref_b, entries_b));
  int gens = 0;
  for (const auto& e : fs::directory_iterator(out / ".dorsale" / "run")) gens += e.path().filename().string().rfind("gen-", 0) == 0;
  EXPECT_EQ(gens, 1);
}

// A full disk at any point of the writing: exit 3 (never a crash), the previous run whole. The
// runs are on the mini open-data region (write_mini_scenario): the same files, written by the
// same code, as a built-in run, the limits spread below the largest of them (layers.gpkg,
// ~300 kB) so that each stops the writing at another file.
TEST(OutputsCli, AFullDiskIsAnExit3WithThePreviousRunKept) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt", out = tmp.path() / "out";
  const fs::path a1 = tmp.path() / "a1.toml", a2 = tmp.path() / "a2.toml", b_toml = tmp.path() / "b.toml";
  write_mini_scenario(a1, "m-one", 1);
  write_mini_scenario(a2, "m-two", 2);
  write_mini_scenario(b_toml, "other", 5);
  ASSERT_EQ(run_cli({"run", a1.string(), a2.string(), "-o", out.string()}, log), 0) << slurp(log);
  std::ofstream(out / "notes.docx") << "the user's notes";
  const std::string before = slurp(out / "m-two" / "summary.json") + slurp(out / "report.html");
  std::uintmax_t largest = 0;
  for (const auto& f : fs::directory_iterator(out / "m-one")) largest = std::max(largest, fs::file_size(f.path()));
  const std::vector<rlim_t> limits = {rlim_t(4) << 10, rlim_t(16) << 10, rlim_t(64) << 10, rlim_t(200) << 10};
  ASSERT_GT(largest, limits.back()) << "every limit should stop the writing";
  for (rlim_t limit : limits) {
    SCOPED_TRACE("file size limit " + std::to_string(limit));
    EXPECT_EQ(run_with_file_limit({"run", b_toml.string(), "-o", out.string()}, limit), 3);
    EXPECT_EQ(visible(out), (std::set<std::string>{"m-one", "m-two", "notes.docx", "report.html"}));
    EXPECT_EQ(slurp(out / "m-two" / "summary.json") + slurp(out / "report.html"), before);
    int gens = 0;
    for (const auto& e : fs::directory_iterator(out / ".dorsale" / "run")) gens += e.path().filename().string().rfind("gen-", 0) == 0;
    EXPECT_EQ(gens, 1) << "staging left behind";
  }
  for (const std::string cmd : {"guichet", "towers"}) {
    SCOPED_TRACE(cmd);
    const fs::path o = tmp.path() / cmd;
    EXPECT_EQ(run_with_file_limit({cmd, "--scenario", a1.string(), "-o", o.string()}, rlim_t(2) << 10), 3);
    EXPECT_TRUE(visible(o).empty());
  }
}
