// The desk's page in a real browser: headless Chromium (Debian's) driven through the DevTools
// protocol by puppeteer-core (npm, installed into build/desk-browser/, no browser download).
// A requester submits a request and sees its decision, route and free pairs; an engineer
// confirms it. The screenshots stay in build/test-artefacts/ (desk-requester.png,
// desk-engineer.png). Without chromium, node or npm (or the npm registry) the test is skipped
// with a message, except under CI (CI set), where it fails.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

namespace fs = std::filesystem;

#define DORSALE_REQUIRE(cond, what)                                                      \
  if (!(cond)) {                                                                         \
    if (std::getenv("CI")) FAIL() << "CI is set but " << what;                           \
    GTEST_SKIP() << what << " (scripts/install-deps.sh --with-browser installs it)";     \
  }

// puppeteer-core installed once into `mods`; the browser tests run at once under ctest -j, so a
// lock on the folder makes the second wait for the first's install instead of racing it.
bool install_puppeteer(const fs::path& mods, const fs::path& src) {
  fs::create_directories(mods);
  const int fd = ::open((mods / ".install.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) return false;
  bool ok = true;
  if (!fs::exists(mods / "node_modules/puppeteer-core/package.json")) {
    fs::copy_file(src / "package.json", mods / "package.json", fs::copy_options::overwrite_existing);
    const std::string install = "cd '" + mods.string() +
                                "' && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error > npm.log 2>&1";
    ok = std::system(install.c_str()) == 0;
  }
  ::close(fd);  // releases the lock
  return ok;
}

bool on_path(const std::string& tool) { return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0; }

// What every browser test needs: chromium, node + npm, puppeteer-core in build/desk-browser
// (`mods`), the scripts' folder (`src`) and build/test-artefacts; skipped (failed under CI) without.
#define DORSALE_BROWSER_SETUP(build, mods, src)                                                                          \
  DORSALE_REQUIRE(fs::exists("/usr/bin/chromium"), "chromium is missing");                                              \
  DORSALE_REQUIRE(on_path("node") && on_path("npm"), "node or npm is missing");                                         \
  const fs::path build = fs::path(DORSALE_BIN).parent_path();                                                           \
  const fs::path mods = build / "desk-browser";                                                                         \
  const fs::path src = fs::path(DORSALE_SOURCE_DIR) / "tests/service/browser";                                          \
  DORSALE_REQUIRE(install_puppeteer(mods, src), "npm install puppeteer-core failed (see " + (mods / "npm.log").string() + ")"); \
  fs::create_directories(build / "test-artefacts")

TEST(DeskBrowser, RequesterSubmitsAndEngineerConfirmsInHeadlessChromium) {
  DORSALE_BROWSER_SETUP(build, mods, src);
  const fs::path shot = build / "test-artefacts" / "desk";
  fs::remove(shot.string() + "-requester.png");
  fs::remove(shot.string() + "-engineer.png");
  DeskServer s("browser");
  const std::string cmd = "NODE_PATH='" + (mods / "node_modules").string() + "' node '" + (src / "desk_browser.js").string() + "' " +
                          "http://127.0.0.1:" + std::to_string(s.port()) + "/ " + kAlice + " " + kEng + " '" + shot.string() +
                          "' /usr/bin/chromium";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* which : {"-requester.png", "-engineer.png"}) {
    const std::string png = slurp(shot.string() + which);
    ASSERT_GT(png.size(), 1000u) << which;
    EXPECT_EQ(png.substr(1, 3), "PNG") << which;
  }
  EXPECT_EQ(sql_scalar(s.db(), "SELECT COUNT(*) FROM requests WHERE status = 'confirmed' AND owner = 'alice'"), 1);
}

// The page as a register: many requests (DORSALE_BROWSER_REQUESTS, 2,000 by default), newest
// first, the next page, a search, the capacity map, a decline with an HTML reason and a comment
// shown as text. Screenshots: build/test-artefacts/desk-register-{map,search,history}.png. The
// time to the first 50 rows is printed (measured, not asserted).
TEST(DeskBrowser, RegisterPagesSearchesMapAndHistoryInHeadlessChromium) {
  DORSALE_BROWSER_SETUP(build, mods, src);
  const fs::path shot = build / "test-artefacts" / "desk-register";
  for (const char* which : {"-map.png", "-search.png", "-history.png"}) fs::remove(shot.string() + which);
  const int n = std::getenv("DORSALE_BROWSER_REQUESTS") ? std::atoi(std::getenv("DORSALE_BROWSER_REQUESTS")) : 2000;
  ASSERT_GE(n, 200);
  DeskServer s("browser-register");
  static const char* sites[] = {"nro:25-010", "nro:39-003", "nro:58-002", "nro:89-004", "nro:21-004"};
  for (int from = 0; from < n; from += 10000) {
    std::string csv = "id,requester,site,destination,pairs,submitted\n";
    for (int k = from; k < std::min(n, from + 10000); ++k) csv += fmt::format("R{:06},Org {},{},dorsale,1,2026-01-01\n", k, k % 17, sites[k % 5]);
    const Reply r = post(s, "/api/import", kEng, csv);
    ASSERT_EQ(r.status, 201) << r.text.substr(0, 500);
  }
  // R00001x: 10 ids, early enough to be held (ids hold the search; requesters and sites do not)
  const std::string newest = fmt::format("R{:06}", n - 1);
  const std::string cmd = "NODE_PATH='" + (mods / "node_modules").string() + "' node '" + (src / "desk_register_browser.js").string() + "' " +
                          "http://127.0.0.1:" + std::to_string(s.port()) + "/ " + kEng + " " + newest +   " R00001 10 '" + shot.string() +
                          "' /usr/bin/chromium";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* which : {"-map.png", "-search.png", "-history.png"}) {
    const std::string png = slurp(shot.string() + which);
    ASSERT_GT(png.size(), 1000u) << which;
    EXPECT_EQ(png.substr(1, 3), "PNG") << which;
  }
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'decline' AND reason LIKE '<img%'"), 1);
  EXPECT_EQ(s.sql("SELECT COUNT(*) FROM audit WHERE action = 'comment'"), 1);
}

// The desk's map (issue #26): the report's drawing (GET /api/map) with the links coloured by
// their free share and a request's route: every département outlined and named, every point of
// presence labelled, the scale bar, the north arrow and a legend of distinct classes (those the
// links are coloured with), each inside the map's box on the page. Screenshots:
// build/test-artefacts/desk-map-page.png and desk-map-map.png.
TEST(DeskBrowser, MapHasOutlinesNamesPopLabelsScaleNorthAndLegendUnclipped) {
  DORSALE_BROWSER_SETUP(build, mods, src);
  const fs::path shot = build / "test-artefacts" / "desk-map";
  for (const char* which : {"-page.png", "-map.png"}) fs::remove(shot.string() + which);
  DeskServer s("browser-map");
  const Reply r = post(s, "/api/requests", kEng, R"({"id": "M1", "site": "nro:39-003", "destination": "dorsale", "pairs": 4})");
  ASSERT_EQ(r.status, 201) << r.text;
  const Region& R = builtin_bfc();
  std::string names;  // shell-quoted: Côte-d'Or
  for (const auto& d : R.departements) names += (names.empty() ? "" : "|") + d.name;
  for (std::size_t at = names.find('\''); at != std::string::npos; at = names.find('\'', at + 4)) names.replace(at, 1, "'\\''");
  const auto pops = std::count_if(R.network.nodes().begin(), R.network.nodes().end(), [](const Node& n) { return n.kind == NodeKind::DorsalePop; });
  const std::string cmd = "NODE_PATH='" + (mods / "node_modules").string() + "' node '" + (src / "desk_map_browser.js").string() + "' " +
                          "http://127.0.0.1:" + std::to_string(s.port()) + "/ " + kEng + " M1 '" + names + "' " + std::to_string(pops) + " '" +
                          shot.string() + "' /usr/bin/chromium";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* which : {"-page.png", "-map.png"}) {
    const std::string png = slurp(shot.string() + which);
    ASSERT_GT(png.size(), 1000u) << which;
    EXPECT_EQ(png.substr(1, 3), "PNG") << which;
  }
}

}  // namespace
}  // namespace dorsale::test
