// The report as a person sees it: headless Chromium loads report.html from disk with no
// console error and no network request (a Content Security Policy blocks any, and the page
// records violations), a screenshot PNG is written next to it, and the page holds one map
// shape per commune and the trajectory chart of each scenario.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "planner/run.h"
#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;

namespace {

using test::slurp;

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  pclose(f);
  return out;
}

}  // namespace

class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test::TempDir();
    planner::RunConfig cfg;
    cfg.out_dir = tmp_->path().string();
    runs_ = new std::vector<planner::ScenarioRun>(planner::run(cfg, {}));
  }
  static void TearDownTestSuite() {
    delete runs_;
    delete tmp_;
  }
  static test::TempDir* tmp_;
  static std::vector<planner::ScenarioRun>* runs_;
};
test::TempDir* Report::tmp_ = nullptr;
std::vector<planner::ScenarioRun>* Report::runs_ = nullptr;

TEST_F(Report, HoldsOneShapePerCommuneAndEachScenariosTrajectory) {
  const std::string html = slurp(tmp_->path() / "report.html");
  ASSERT_FALSE(html.empty());
  const std::size_t communes = runs_->front().region.communes.size();
  EXPECT_EQ(count(html, "class=\"commune\""), communes * runs_->size()) << "one shape per commune in each scenario's map";
  for (const auto& r : *runs_) {
    EXPECT_NE(html.find("id=\"traj-" + r.scenario.name + "\""), std::string::npos) << r.scenario.name;
    // the chart has the three series
    const auto start = html.find("id=\"traj-" + r.scenario.name + "\"");
    const auto end = html.find("</svg>", start);
    const std::string chart = html.substr(start, end - start);
    for (const char* s : {"polyline class=\"ge8\"", "polyline class=\"ge30\"", "polyline class=\"ftth\""})
      EXPECT_NE(chart.find(s), std::string::npos) << s;
  }
  // nothing to fetch: the only URL is the SVG namespace
  std::string rest = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

TEST_F(Report, ChromiumLoadsItWithoutErrorOrRequestAndTakesAScreenshot) {
  const std::string chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) {
    if (std::getenv("CI")) FAIL() << "CI is set but chromium is missing (scripts/install-deps.sh --with-browser installs it)";
    GTEST_SKIP() << "chromium not installed: run scripts/install-deps.sh --with-browser";
  }
  const fs::path report = tmp_->path() / "report.html";
  const fs::path shot = tmp_->path() / "report.png";
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir=" + (tmp_->path() / "chromium-profile").string();
  const std::string dom = run_command(chromium + " " + flags + " --virtual-time-budget=3000 --dump-dom file://" + report.string() + " 2>/dev/null");
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM";
  EXPECT_NE(dom.find("data-ok=\"1\""), std::string::npos) << "the page's load handler did not run";
  EXPECT_EQ(dom.find("data-error"), std::string::npos) << dom.substr(0, 400);
  const std::size_t communes = runs_->front().region.communes.size();
  EXPECT_EQ(count(dom, "class=\"commune\""), communes * runs_->size()) << "shapes in the rendered DOM";
  run_command(chromium + " " + flags + " --window-size=1400,2000 --screenshot=" + shot.string() + " file://" + report.string() + " 2>/dev/null");
  ASSERT_TRUE(fs::exists(shot)) << "no screenshot written";
  const std::string png = slurp(shot);
  ASSERT_GT(png.size(), 10000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}
