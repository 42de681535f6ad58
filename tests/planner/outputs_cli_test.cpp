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
  // the shards merged below come from the guichet command's own folders
  const fs::path s1 = tmp.path() / "s1", s2 = tmp.path() / "s2";
  ASSERT_EQ(run_cli({"guichet", "--draws", "50", "--shard", "1/2", "-o", s1.string()}, log), 0) << slurp(log);
  ASSERT_EQ(run_cli({"guichet", "--draws", "50", "--shard", "2/2", "-o", s2.string()}, log), 0) << slurp(log);
  ASSERT_EQ(run_cli({"run", "-o", (tmp.path() / "runs").string()}, log), 0) << slurp(log);
  const std::vector<Cmd> cmds = {
      {"guichet", {"guichet", "--draws", "100"}},
      {"towers", {"towers", "--sites", "3"}},
      {"merge", {"merge", s1.string(), s2.string()}},
      {"interconnect", {"interconnect", src + "/scenarios/requests-example.csv"}},
      {"compare", {"compare", (tmp.path() / "runs" / "bfc-2022").string(), (tmp.path() / "runs" / "bfc-2025").string()}},
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

// kill -9 at random instants of `dorsale run`, alternating two different runs (A: the two
// built-in scenarios, B: one scenario with another seed): after every kill the folder holds
// exactly one whole run, A's or B's, byte for byte, and the user's file. Half the kills land
// at a random instant of the run's work, half at a random instant of its commit (each step
// slowed down by a test hook; the commit's start is seen in the folder, not guessed by a clock).
TEST(OutputsCli, KilledAtAnyInstantTheFolderHoldsOneWholeRun) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt";
  const fs::path out = tmp.path() / "out", ref_a = tmp.path() / "ref-a", ref_b = tmp.path() / "ref-b";
  const fs::path b_toml = tmp.path() / "b.toml";
  std::ofstream(b_toml) << slurp(fs::path(DORSALE_SOURCE_DIR) / "scenarios" / "bfc-2022.toml") << "\n";
  {  // another seed: other guichet draws, so B's files differ from A's
    std::string t = slurp(b_toml);
    t.replace(t.find("seed = 2019"), 11, "seed = 7777");
    const std::string req = "requests = \"requests-example.csv\"";
    t.replace(t.find(req), req.size(), "requests = \"" + std::string(DORSALE_SOURCE_DIR) + "/scenarios/requests-example.csv\"");
    std::ofstream(b_toml) << t;
  }
  const std::vector<std::string> run_a = {"run", "-o", out.string()}, run_b = {"run", b_toml.string(), "-o", out.string()};
  // the two whole runs, for reference, and how long each takes (the shortest of two for A, the
  // machine being shared): the kills during the work are aimed inside that time
  auto timed = [&](const std::vector<std::string>& args) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(run_cli(args, log), 0) << slurp(log);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double seconds_a = timed({"run", "-o", ref_a.string()});
  const double seconds_b = timed({"run", b_toml.string(), "-o", ref_b.string()});
  const std::set<std::string> entries_a = {"bfc-2022", "bfc-2025", "report.html"}, entries_b = {"bfc-2022", "report.html"};
  ASSERT_EQ(visible(ref_a), entries_a);
  ASSERT_EQ(visible(ref_b), entries_b);
  ASSERT_NE(slurp(ref_a / "bfc-2022" / "guichet.json"), slurp(ref_b / "bfc-2022" / "guichet.json"));

  fs::create_directories(out);
  std::ofstream(out / "notes.docx") << "the user's notes";
  seconds_a = std::min(seconds_a, timed(run_a));
  // layers.gpkg is compared by presence and size class only: GDAL stamps the time of writing into it
  const std::vector<std::string> files = {"summary.json", "guichet.json", "towers.json", "decisions.json", "map.svg", "results.h5"};
  auto same_as = [&](const fs::path& ref, const std::set<std::string>& entries) {
    if (visible(out) != [&] { auto e = entries; e.insert("notes.docx"); return e; }()) return false;
    if (slurp(out / "report.html") != slurp(ref / "report.html")) return false;
    for (const auto& e : entries) {
      if (e == "report.html") continue;
      for (const auto& f : files)
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
    const bool is_a = same_as(ref_a, entries_a) || (whole == std::set<std::string>{"bfc-2022", "bfc-2025", "notes.docx", "report.html"});
    const bool is_b = same_as(ref_b, entries_b) || (whole == std::set<std::string>{"bfc-2022", "notes.docx", "report.html"});
    ASSERT_TRUE(is_a || is_b) << "not one whole run";
    // the resolvable entries are exactly one run's, byte for byte
    bool bytes_ok = true;
    const fs::path& ref = whole.count("bfc-2025") ? ref_a : ref_b;
    for (const auto& e : whole) {
      if (e == "notes.docx") continue;
      if (e == "report.html") {
        bytes_ok &= slurp(out / e) == slurp(ref / e);
        continue;
      }
      for (const auto& f : files) bytes_ok &= slurp(out / e / f) == slurp(ref / e / f);
    }
    EXPECT_TRUE(bytes_ok) << "an entry mixes two runs";
    // and they all live in one generation, with every file there
    std::set<fs::path> gens;
    for (const auto& e : whole)
      if (e != "notes.docx") gens.insert(fs::canonical(out / e).parent_path());
    EXPECT_EQ(gens.size(), 1u) << "entries from two generations";
    for (const auto& e : whole)
      if (e != "notes.docx" && e != "report.html") {
        EXPECT_GT(fs::file_size(out / e / "layers.gpkg"), 100000u) << e;
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

// A full disk at any point of the writing: exit 3 (never a crash), the previous run whole.
TEST(OutputsCli, AFullDiskIsAnExit3WithThePreviousRunKept) {
  dorsale::test::TempDir tmp;
  const fs::path log = tmp.path() / "log.txt", out = tmp.path() / "out";
  ASSERT_EQ(run_cli({"run", "-o", out.string()}, log), 0) << slurp(log);
  std::ofstream(out / "notes.docx") << "the user's notes";
  const std::string before = slurp(out / "bfc-2025" / "summary.json") + slurp(out / "report.html");
  const std::string b_toml = (tmp.path() / "b.toml").string();
  std::ofstream(b_toml) << "[scenario]\nname = \"other\"\nseed = 5\n[region]\nsource = \"builtin\"\n";
  for (rlim_t limit : {rlim_t(4) << 10, rlim_t(64) << 10, rlim_t(600) << 10, rlim_t(3) << 20}) {
    SCOPED_TRACE("file size limit " + std::to_string(limit));
    EXPECT_EQ(run_with_file_limit({"run", b_toml, "-o", out.string()}, limit), 3);
    EXPECT_EQ(visible(out), (std::set<std::string>{"bfc-2022", "bfc-2025", "notes.docx", "report.html"}));
    EXPECT_EQ(slurp(out / "bfc-2025" / "summary.json") + slurp(out / "report.html"), before);
    int gens = 0;
    for (const auto& e : fs::directory_iterator(out / ".dorsale" / "run")) gens += e.path().filename().string().rfind("gen-", 0) == 0;
    EXPECT_EQ(gens, 1) << "staging left behind";
  }
  for (const std::string cmd : {"guichet", "towers"}) {
    SCOPED_TRACE(cmd);
    const fs::path o = tmp.path() / cmd;
    EXPECT_EQ(run_with_file_limit({cmd, "-o", o.string()}, rlim_t(2) << 10), 3);
    EXPECT_TRUE(visible(o).empty());
  }
}
