// Progress of long work: the counter is thread-safe and reports a rising count that ends at the
// total; the display draws a bar with percentage and time left on a terminal, plain lines
// otherwise, nothing when quiet; `dorsale guichet` under a pseudo-terminal (script(1)) shows the
// percent rising to 100 and then its summary, piped it writes no control character, with
// --quiet nothing; unknown subcommands and flags get the closest spelling.
#include <cstdlib>
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "models/progress.h"
#include "test_support.h"
#include "viz/progress_display.h"

using namespace dorsale;

namespace {

struct Recorder : ProgressSink {
  std::vector<std::int64_t> updates;
  int begins = 0, ends = 0;
  std::int64_t total = 0;
  void line(const std::string&) override {}
  void begin(const std::string&, std::int64_t t) override { ++begins, total = t; }
  void update(std::int64_t d) override { updates.push_back(d); }
  void end() override { ++ends; }
};

// The percentages a bar showed, in order.
std::vector<int> percents(const std::string& text) {
  std::vector<int> out;
  const std::regex pct(R"(\] +([0-9]+) %)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pct); it != std::sregex_iterator(); ++it) out.push_back(std::stoi((*it)[1]));
  return out;
}

bool has_control_characters(const std::string& text) {
  for (unsigned char c : text)
    if (c < 0x20 && c != '\n') return true;
  return false;
}

}  // namespace

TEST(Progress, CounterFromManyThreadsRisesToTheTotal) {
  Recorder rec;
  {
    const ProgressCounter count(&rec, "draws", 100000);
    tbb::parallel_for(0, 100000, [&](int) { count.add(); });
    EXPECT_EQ(count.done(), 100000);
  }
  EXPECT_EQ(rec.begins, 1);
  EXPECT_EQ(rec.ends, 1);
  ASSERT_FALSE(rec.updates.empty());
  EXPECT_TRUE(std::is_sorted(rec.updates.begin(), rec.updates.end()));
  EXPECT_EQ(std::adjacent_find(rec.updates.begin(), rec.updates.end()), rec.updates.end()) << "a count reported twice";
  EXPECT_EQ(rec.updates.back(), 100000);
  EXPECT_LE(rec.updates.size(), 1001u) << "at most about one update per 0.1 %";
  // no sink: nothing to call, nothing to fail
  const ProgressCounter none(nullptr, "draws", 10);
  none.add(3);
}

TEST(Progress, BarShowsPercentAndTimeLeftLinesHaveNoControlCharactersQuietNothing) {
  double now = 0;
  auto clock = [&] { return now; };
  std::ostringstream bar, lines, quiet;
  viz::ProgressDisplay b(bar, viz::ProgressDisplay::Mode::Bar, clock), l(lines, viz::ProgressDisplay::Mode::Lines, clock),
      q(quiet, viz::ProgressDisplay::Mode::Quiet, clock);
  for (ProgressSink* s : {static_cast<ProgressSink*>(&b), static_cast<ProgressSink*>(&l), static_cast<ProgressSink*>(&q)}) {
    now = 0;
    s->line("loading the region");
    s->begin("guichet: 400 draws", 400);
    for (int d = 100; d <= 400; d += 100) {
      now += 2;  // 2 s per 100 draws
      s->update(d);
    }
    s->end();
  }
  const auto p = percents(bar.str());
  ASSERT_GE(p.size(), 4u) << bar.str();
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end())) << bar.str();
  EXPECT_EQ(p.front(), 0);
  EXPECT_EQ(p.back(), 100);
  EXPECT_NE(bar.str().find("25 %  6 s left"), std::string::npos) << "after 100 of 400 draws in 2 s: 6 s left\n" << bar.str();
  EXPECT_NE(bar.str().find("done in 8 s\x1b[K\n"), std::string::npos) << bar.str();
  EXPECT_NE(bar.str().find('\r'), std::string::npos);
  EXPECT_FALSE(has_control_characters(lines.str())) << lines.str();
  EXPECT_EQ(lines.str(), "  .. loading the region\n  .. guichet: 400 draws: 400 done in 8 s\n");
  EXPECT_EQ(quiet.str(), "");
  EXPECT_EQ(viz::ProgressDisplay::duration_text(185), "3 min 05 s");
  EXPECT_EQ(viz::ProgressDisplay::duration_text(3725), "1 h 02 min");
}

#ifdef DORSALE_BIN
namespace {

// `dorsale ARGS` under a pseudo-terminal (script(1)): what the terminal showed.
std::string under_pty(const std::string& args, const std::filesystem::path& dir, int& rc) {
  const auto typescript = dir / "typescript";
  const std::string cmd = "script -q -e -c \"'" + std::string(DORSALE_BIN) + "' " + args + "\" '" + typescript.string() + "' > /dev/null 2>&1";
  const int st = std::system(cmd.c_str());
  rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return test::slurp(typescript);
}


// The percentages the bar of STAGE showed, in order.
std::vector<int> stage_percents(const std::string& text, const std::string& stage) {
  std::vector<int> out;
  const std::regex pct("  " + std::regex_replace(stage, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + R"( \[[#.]+\] +([0-9]+) %)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pct); it != std::sregex_iterator(); ++it) out.push_back(std::stoi((*it)[1]));
  return out;
}

// `dorsale ARGS` with stdout and stderr to files; returns the exit code.
int piped(const std::string& args, const std::filesystem::path& out, const std::filesystem::path& err) {
  const std::string cmd = "'" + std::string(DORSALE_BIN) + "' " + args + " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool have_script() {
  return std::system("command -v script > /dev/null 2>&1") == 0;
}
}  // namespace

TEST(ProgressCli, GuichetShowsABarOnATerminalLinesWhenPipedNothingWhenQuiet) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) {
    if (std::getenv("CI")) FAIL() << "script(1) (bsdutils) is missing";
    { if (std::getenv("CI")) FAIL() << "CI is set (scripts/test.sh installs it) but " << "script(1) not found"; GTEST_SKIP() << "script(1) not found"; }
  }
  test::TempDir tmp;
  int rc = 0;
  const std::string tty = under_pty("guichet --draws 20000 --threads 2 -o '" + (tmp.path() / "a").string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << tty;
  const auto p = percents(tty);
  ASSERT_GE(p.size(), 2u) << tty;
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end())) << tty;
  EXPECT_EQ(p.back(), 100) << tty;
  EXPECT_NE(tty.find(" left"), std::string::npos) << "the time left is shown\n" << tty;
  // the summary comes after the bar reached 100 %
  const auto done = tty.rfind("100 %"), summary = tty.find("guichet.json");
  ASSERT_NE(summary, std::string::npos) << tty;
  EXPECT_LT(done, summary) << tty;

  // piped: one plain line per step, no control characters; stdout unchanged
  const auto err = tmp.path() / "err", out = tmp.path() / "out";
  const std::string piped = "'" + std::string(DORSALE_BIN) + "' guichet --draws 2000 -o '" + (tmp.path() / "b").string() + "' > '" + out.string() +
                            "' 2> '" + err.string() + "'";
  ASSERT_EQ(std::system(piped.c_str()), 0) << test::slurp(err);
  EXPECT_FALSE(has_control_characters(test::slurp(err))) << test::slurp(err);
  EXPECT_NE(test::slurp(err).find("  .. guichet: 2000 draws: 2000 done in"), std::string::npos) << test::slurp(err);
  EXPECT_NE(test::slurp(out).find("guichet.json"), std::string::npos);
  EXPECT_EQ(test::slurp(out).find(".."), std::string::npos) << "progress goes to stderr only";

  // --quiet: nothing on stderr, even on a terminal
  const std::string quiet = under_pty("guichet --draws 2000 --quiet -o '" + (tmp.path() / "c").string() + "' 2> '" + err.string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(test::slurp(err), "");
  EXPECT_TRUE(percents(quiet).empty()) << quiet;
}

TEST(ProgressCli, TowersShowsABarOnATerminalLinesWhenPipedNothingWhenQuiet) {
  if (!have_script()) {
    if (std::getenv("CI")) FAIL() << "script(1) (bsdutils) is missing";
    { if (std::getenv("CI")) FAIL() << "CI is set (scripts/test.sh installs it) but " << "script(1) not found"; GTEST_SKIP() << "script(1) not found"; }
  }
  test::TempDir tmp;
  int rc = 0;
  const std::string tty = under_pty("towers -o '" + (tmp.path() / "a").string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << tty;
  for (const std::string stage : {"towers: candidates' backhaul", "towers: programme years"}) {
    const auto p = stage_percents(tty, stage);
    ASSERT_GE(p.size(), 2u) << stage << "\n" << tty;
    EXPECT_TRUE(std::is_sorted(p.begin(), p.end())) << stage << "\n" << tty;
    EXPECT_EQ(p.front(), 0) << stage << "\n" << tty;
    EXPECT_EQ(p.back(), 100) << stage << "\n" << tty;
  }
  EXPECT_NE(tty.find("  .. towers: choice (heuristic) among "), std::string::npos) << tty;
  // the summary comes after the last bar reached 100 %
  const auto done = tty.rfind("100 %"), summary = tty.find("towers.json");
  ASSERT_NE(summary, std::string::npos) << tty;
  EXPECT_LT(done, summary) << tty;

  // piped: one plain line per step and per counted stage, no control characters; the programme
  // counts one per year of towers.json's programme
  const auto out = tmp.path() / "out", err = tmp.path() / "err";
  ASSERT_EQ(piped("towers -o '" + (tmp.path() / "b").string() + "'", out, err), 0) << test::slurp(err);
  const std::string lines = test::slurp(err);
  EXPECT_FALSE(has_control_characters(lines)) << lines;
  const auto j = nlohmann::json::parse(test::slurp(tmp.path() / "b" / "towers.json"));
  ASSERT_TRUE(j.contains("programme")) << j.dump().substr(0, 400);
  EXPECT_NE(lines.find(fmt::format("  .. towers: programme years: {} done in", j["programme"].size())), std::string::npos) << lines;
  EXPECT_NE(lines.find("  .. towers: candidates' backhaul: "), std::string::npos) << lines;
  EXPECT_NE(lines.find("  .. towers: writing\n"), std::string::npos) << lines;
  EXPECT_EQ(test::slurp(out).find(".."), std::string::npos) << "progress goes to stderr only";

  // --quiet: nothing on stderr, even on a terminal; the same towers.json
  const std::string quiet = under_pty("towers --quiet -o '" + (tmp.path() / "c").string() + "' 2> '" + err.string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << quiet;
  EXPECT_EQ(test::slurp(err), "");
  EXPECT_TRUE(percents(quiet).empty()) << quiet;
  EXPECT_EQ(test::slurp(tmp.path() / "c" / "towers.json"), test::slurp(tmp.path() / "b" / "towers.json"));
}

// An exact MILP (towers --method exact-glpk on a small file instance) shows a bar driven by
// GLPK's branch-and-cut callback (solvers/mip.h): the percent rises to 100, then the summary;
// piped one line when it ends and no control character; --quiet nothing.
TEST(ProgressCli, TowersExactMilpShowsItsPercentRisingTo100ThenTheSummary) {
  if (!have_script()) {
    if (std::getenv("CI")) FAIL() << "CI is set (scripts/test.sh installs it) but script(1) (bsdutils) is missing";
    GTEST_SKIP() << "script(1) not found";
  }
  test::TempDir tmp;
  const auto cand = tmp.path() / "candidates.csv", dem = tmp.path() / "demand.csv";
  {
    std::uint64_t state = 12345;  // a fixed instance: 60 candidates, 500 demand points on 40 x 40 km
    const auto next = [&] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return double(state >> 11) / double(1ULL << 53);
    };
    std::ofstream c(cand), d(dem);
    c << "id,x,y\n";
    for (int k = 0; k < 60; ++k) c << fmt::format("c{},{:.0f},{:.0f}\n", k, 800000 + 40000 * next(), 6700000 + 40000 * next());
    d << "id,x,y,weight\n";
    for (int k = 0; k < 500; ++k) d << fmt::format("d{},{:.0f},{:.0f},{}\n", k, 800000 + 40000 * next(), 6700000 + 40000 * next(), 1 + int(20 * next()));
  }
  const std::string args = "towers --candidates '" + cand.string() + "' --demand '" + dem.string() + "' --radius-m 4000 --sites 6 --method exact-glpk";
  const std::string stage = "towers: exact MILP (GLPK) percent";
  int rc = 0;
  const std::string tty = under_pty(args, tmp.path(), rc);
  ASSERT_EQ(rc, 0) << tty;
  const auto p = stage_percents(tty, stage);
  ASSERT_GE(p.size(), 2u) << tty;
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end())) << tty;
  EXPECT_EQ(p.front(), 0) << tty;
  EXPECT_EQ(p.back(), 100) << tty;
  const auto done = tty.rfind("100 %"), summary = tty.find("candidates chosen");
  ASSERT_NE(summary, std::string::npos) << tty;
  EXPECT_LT(done, summary) << tty;
  EXPECT_NE(tty.find("(exact-glpk)"), std::string::npos) << tty;

  // piped: the stage's one line, no control characters; the summary on stdout only
  const auto out = tmp.path() / "out", err = tmp.path() / "err";
  ASSERT_EQ(piped(args, out, err), 0) << test::slurp(err);
  const std::string lines = test::slurp(err);
  EXPECT_FALSE(has_control_characters(lines)) << lines;
  EXPECT_NE(lines.find("  .. " + stage + ": 100 done in "), std::string::npos) << lines;
  EXPECT_NE(test::slurp(out).find("candidates chosen"), std::string::npos);
  EXPECT_EQ(test::slurp(out).find(".."), std::string::npos) << "progress goes to stderr only";

  // --quiet on a terminal: nothing
  const std::string quiet = under_pty(args + " --quiet 2> '" + err.string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << quiet;
  EXPECT_EQ(test::slurp(err), "");
  EXPECT_TRUE(percents(quiet).empty()) << quiet;
}

TEST(ProgressCli, NetworkInfoAndCheckCountTheRowsOfEachTable) {
  if (!have_script()) {
    if (std::getenv("CI")) FAIL() << "script(1) (bsdutils) is missing";
    { if (std::getenv("CI")) FAIL() << "CI is set (scripts/test.sh installs it) but " << "script(1) not found"; GTEST_SKIP() << "script(1) not found"; }
  }
  test::TempDir tmp;
  const auto out = tmp.path() / "out", err = tmp.path() / "err";
  const auto delivery = tmp.path() / "thd";
  ASSERT_EQ(piped("network export --builtin bfc -o '" + delivery.string() + "'", out, err), 0) << test::slurp(err);
  // the tables a check reads, with their rows (the reference the progress must agree with)
  ASSERT_EQ(piped("network check --json --quiet '" + delivery.string() + "'", out, err), 0) << test::slurp(err);
  EXPECT_EQ(test::slurp(err), "") << "--quiet: nothing on stderr";
  const auto check = nlohmann::json::parse(test::slurp(out));
  ASSERT_GE(check["tables_read"].size(), 2u) << check.dump(2);

  // a terminal: a bar per table rising to 100 %, then the summary
  int rc = 0;
  const std::string tty = under_pty("network info '" + delivery.string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << tty;
  for (const auto& t : check["tables_read"]) {
    const auto p = stage_percents(tty, "network: " + t["table"].get<std::string>() + " rows");
    ASSERT_GE(p.size(), 2u) << t.dump() << "\n" << tty;
    EXPECT_TRUE(std::is_sorted(p.begin(), p.end())) << tty;
    EXPECT_EQ(p.back(), 100) << tty;
  }
  const auto summary = tty.find("  nodes ");
  ASSERT_NE(summary, std::string::npos) << tty;
  EXPECT_LT(tty.rfind("100 %"), summary) << tty;

  // piped (info and check): one line per table with the rows read, no control characters
  for (const std::string cmd : {"info", "check"}) {
    ASSERT_EQ(piped("network " + cmd + " '" + delivery.string() + "'", out, err), 0) << test::slurp(err);
    const std::string lines = test::slurp(err);
    EXPECT_FALSE(has_control_characters(lines)) << lines;
    for (const auto& t : check["tables_read"])
      EXPECT_NE(lines.find(fmt::format("  .. network: {} rows: {} done in", t["table"].get<std::string>(), t["rows"].get<long>())), std::string::npos)
          << cmd << " " << t.dump() << "\n" << lines;
    EXPECT_EQ(test::slurp(out).find(".."), std::string::npos) << "progress goes to stderr only";
  }
  // --quiet on a terminal: nothing
  const std::string quiet = under_pty("network info --quiet '" + delivery.string() + "' 2> '" + err.string() + "'", tmp.path(), rc);
  ASSERT_EQ(rc, 0) << quiet;
  EXPECT_EQ(test::slurp(err), "");
  EXPECT_TRUE(percents(quiet).empty()) << quiet;
}

TEST(ProgressCli, ASweepNamesEachSetAsItStarts) {
  test::TempDir tmp;
  const auto out = tmp.path() / "out", err = tmp.path() / "err";
  const std::string sweep = std::string(DORSALE_SOURCE_DIR) + "/scenarios/guichet-sweep.toml";
  ASSERT_EQ(piped("guichet --sweep '" + sweep + "' --draws 200 --threads 1 -o '" + (tmp.path() / "g").string() + "'", out, err), 0) << test::slurp(err);
  const std::string lines = test::slurp(err);
  EXPECT_FALSE(has_control_characters(lines)) << lines;
  const auto j = nlohmann::json::parse(test::slurp(tmp.path() / "g" / "guichet.json"));
  ASSERT_GE(j["sets"].size(), 2u);
  std::size_t at = 0;
  for (std::size_t k = 0; k < j["sets"].size(); ++k) {
    const auto l = fmt::format("  .. guichet: set {} of {}: {}\n", k + 1, j["sets"].size(), j["sets"][k]["name"].get<std::string>());
    const auto pos = lines.find(l);
    ASSERT_NE(pos, std::string::npos) << l << lines;
    EXPECT_GE(pos, at) << "sets named in order\n" << lines;
    at = pos;
  }
}

TEST(ProgressCli, UnknownSubcommandsAndFlagsSuggestTheClosestSpelling) {
  test::TempDir tmp;
  const auto log = tmp.path() / "log";
  EXPECT_EQ(test::run_cli({"guichet", "--draw", "100", "-o", (tmp.path() / "g").string()}, log), 2);
  EXPECT_NE(test::slurp(log).find("did you mean --draws?"), std::string::npos) << test::slurp(log);
  EXPECT_EQ(test::run_cli({"guichett"}, log), 2);
  EXPECT_NE(test::slurp(log).find("did you mean guichet?"), std::string::npos) << test::slurp(log);
  EXPECT_EQ(test::run_cli({"region", "inf"}, log), 2);
  EXPECT_NE(test::slurp(log).find("did you mean info?"), std::string::npos) << test::slurp(log);
  // nothing close: no suggestion
  EXPECT_EQ(test::run_cli({"guichet", "--zzzzzzzz"}, log), 2);
  EXPECT_EQ(test::slurp(log).find("did you mean"), std::string::npos) << test::slurp(log);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "g"));
}
#endif
