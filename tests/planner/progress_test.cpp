// Progress of long work: the counter is thread-safe and reports a rising count that ends at the
// total; the display draws a bar with percentage and time left on a terminal, plain lines
// otherwise, nothing when quiet; `dorsale guichet` under a pseudo-terminal (script(1)) shows the
// percent rising to 100 and then its summary, piped it writes no control character, with
// --quiet nothing; unknown subcommands and flags get the closest spelling.
#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

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

}  // namespace

TEST(ProgressCli, GuichetShowsABarOnATerminalLinesWhenPipedNothingWhenQuiet) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) {
    if (std::getenv("CI")) FAIL() << "script(1) (bsdutils) is missing";
    GTEST_SKIP() << "script(1) not found";
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
