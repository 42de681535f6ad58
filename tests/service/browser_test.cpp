// The desk's page in a real browser: headless Chromium (Debian's) driven through the DevTools
// protocol by puppeteer-core (npm, installed into build/desk-browser/, no browser download).
// A requester submits a request and sees its decision, route and free pairs; an engineer
// confirms it. The screenshots stay in build/test-artefacts/ (desk-requester.png,
// desk-engineer.png). Without chromium, node or npm (or the npm registry) the test is skipped
// with a message, except under CI (CI set), where it fails.
#include "desk_fixture.h"

namespace dorsale::test {
namespace {

namespace fs = std::filesystem;

#define DORSALE_REQUIRE(cond, what)                                                      \
  if (!(cond)) {                                                                         \
    if (std::getenv("CI")) FAIL() << "CI is set but " << what;                           \
    GTEST_SKIP() << what << " (scripts/install-deps.sh --with-browser installs it)";     \
  }

bool on_path(const std::string& tool) { return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0; }

TEST(DeskBrowser, RequesterSubmitsAndEngineerConfirmsInHeadlessChromium) {
  DORSALE_REQUIRE(fs::exists("/usr/bin/chromium"), "chromium is missing");
  DORSALE_REQUIRE(on_path("node") && on_path("npm"), "node or npm is missing");
  const fs::path build = fs::path(DORSALE_BIN).parent_path();
  const fs::path mods = build / "desk-browser";
  const fs::path src = fs::path(DORSALE_SOURCE_DIR) / "tests/service/browser";
  if (!fs::exists(mods / "node_modules/puppeteer-core/package.json")) {
    fs::create_directories(mods);
    fs::copy_file(src / "package.json", mods / "package.json", fs::copy_options::overwrite_existing);
    const std::string install = "cd '" + mods.string() +
                                "' && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error > npm.log 2>&1";
    DORSALE_REQUIRE(std::system(install.c_str()) == 0, "npm install puppeteer-core failed (see " + (mods / "npm.log").string() + ")");
  }
  fs::create_directories(build / "test-artefacts");
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

}  // namespace
}  // namespace dorsale::test
