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

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "planner/run.h"
#include "test_support.h"
#include "viz/interconnect_writer.h"
#include "viz/report.h"
#include "viz/towers_writer.h"

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

// The report takes typed results: made from the results in memory (`dorsale run`) or read
// back from the run folders by the typed readers (`dorsale compare`), it is the same page,
// byte for byte.
TEST_F(Report, FromTheRunFoldersIsTheSamePageAsFromMemory) {
  std::vector<viz::ReportScenario> from_files;
  std::string title = "dorsale – ";
  for (std::size_t k = 0; k < runs_->size(); ++k) {
    const auto& r = (*runs_)[k];
    from_files.push_back(viz::report_scenario_from_folder((tmp_->path() / r.scenario.name).string(), r.scenario.name));
    title += (k ? " vs " : "") + r.scenario.name;
    EXPECT_TRUE(from_files.back().towers.has_value()) << r.scenario.name;
    EXPECT_TRUE(from_files.back().guichet.has_value()) << r.scenario.name;
    EXPECT_EQ(from_files.back().summary.targets.size(), r.results.targets.size());
  }
  const std::string html = slurp(tmp_->path() / "report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(viz::report_html(title, from_files), html);
  EXPECT_EQ(planner::run_report(*runs_), html);
}

// towers.json and decisions.json read back give the same documents (the readers are the
// writers' inverses), and a missing field is an InputError naming the file and the field.
TEST_F(Report, TowersAndDecisionsReadBackExactly) {
  const auto& r = runs_->front();
  ASSERT_TRUE(r.towers.has_value());
  const auto towers = viz::towers_json(*r.towers);
  EXPECT_EQ(viz::towers_json(viz::towers_from_json(towers, "t.json")), towers);
  ASSERT_FALSE(r.results.interconnection.decisions.empty());
  const auto decisions = viz::decisions_json(r.results.interconnection);
  EXPECT_EQ(viz::decisions_json(viz::decisions_from_json(decisions, "d.json")), decisions);

  auto t = towers;
  t["choice"].erase("total_cost_eur");
  auto e = test::input_error_of([&] { viz::towers_from_json(t, "t.json"); });
  EXPECT_EQ(e.file(), "t.json");
  EXPECT_EQ(e.field(), "choice.total_cost_eur");
  t = towers;
  t["programme"][0]["sites"] = "all";
  EXPECT_EQ(test::input_error_of([&] { viz::towers_from_json(t, "t.json"); }).field(), "programme[0].sites");
  auto d = decisions;
  d[1]["decision"] = "maybe";
  e = test::input_error_of([&] { viz::decisions_from_json(d, "d.json"); });
  EXPECT_EQ(e.field(), "[1].decision");
  d = decisions;
  d[0]["cost_eur"]["total"] = "cheap";
  EXPECT_EQ(test::input_error_of([&] { viz::decisions_from_json(d, "d.json"); }).field(), "[0].cost_eur.total");
  EXPECT_EQ(test::input_error_of([&] { viz::decisions_from_json_text("[{", "d.json"); }).file(), "d.json");
}

namespace {

// Every value of a document, as (parent, key) JSON pointers.
void value_pointers(const nlohmann::json& j, const nlohmann::json::json_pointer& at, std::vector<nlohmann::json::json_pointer>& out) {
  if (j.is_object())
    for (const auto& [k, v] : j.items()) value_pointers(v, at / k, out);
  else if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i) value_pointers(j[i], at / i, out);
  if (!at.empty()) out.push_back(at);
}

// Each value of `doc` removed, or replaced by null, a string, a negative number, an empty
// object: the reader either reads the document or rejects it with an InputError naming the
// file; never another exception.
template <class Read>
void every_edit_is_read_or_an_input_error(const nlohmann::json& doc, const std::string& file, Read read) {
  std::vector<nlohmann::json::json_pointer> ptrs;
  value_pointers(doc, nlohmann::json::json_pointer(), ptrs);
  ASSERT_GT(ptrs.size(), 20u);
  const nlohmann::json replacements[] = {nullptr, "x", -1.5, nlohmann::json::object()};
  std::size_t rejected = 0, edits = 0;
  for (const auto& p : ptrs) {
    std::vector<nlohmann::json> edited;
    nlohmann::json removed = doc;
    if (removed.at(p.parent_pointer()).is_object()) {
      removed.at(p.parent_pointer()).erase(p.back());
      edited.push_back(removed);
    }
    for (const auto& r : replacements) {
      nlohmann::json e = doc;
      e.at(p) = r;
      edited.push_back(e);
    }
    for (const auto& e : edited) {
      ++edits;
      try {
        read(e, file);
      } catch (const InputError& err) {
        ++rejected;
        EXPECT_EQ(err.file(), file);
      } catch (const std::exception& err) {
        ADD_FAILURE() << p.to_string() << ": " << err.what();
      }
    }
  }
  EXPECT_GT(rejected, edits / 2) << "most edits of a typed field are rejected";
}

}  // namespace

TEST_F(Report, EditedTowersAndDecisionsAreReadOrInputErrorsNeverCrashes) {
  const auto& r = runs_->front();
  auto towers = viz::towers_json(*r.towers);
  while (towers["choice"]["chosen"].size() > 3) towers["choice"]["chosen"].erase(towers["choice"]["chosen"].size() - 1);  // a few sites suffice
  every_edit_is_read_or_an_input_error(towers, "t.json", [](const nlohmann::json& j, const std::string& f) { viz::towers_from_json(j, f); });
  every_edit_is_read_or_an_input_error(viz::decisions_json(r.results.interconnection), "d.json",
                                       [](const nlohmann::json& j, const std::string& f) { viz::decisions_from_json(j, f); });
}

// The resilience section lists each scenario's ten worst single failures from resilience.json,
// worst first, and the run folder's layers.gpkg has one `resilience` feature per failure.
TEST_F(Report, ResilienceSectionHoldsTheTenWorstFailures) {
  const std::string html = slurp(tmp_->path() / "report.html");
  for (const auto& r : *runs_) {
    ASSERT_TRUE(r.resilience.has_value()) << r.scenario.name;
    const auto& fs = r.resilience->failures;
    ASSERT_GT(fs.size(), 10u) << r.scenario.name;
    const auto at = html.find("<h2>Resilience – " + r.scenario.name + "</h2>");
    ASSERT_NE(at, std::string::npos) << r.scenario.name;
    const std::string section = html.substr(at, html.find("</table>", at) - at);
    EXPECT_EQ(count(section, "<tr>"), 11u) << r.scenario.name;  // header + ten
    std::size_t pos = 0;
    for (std::size_t k = 0; k < 10; ++k) {
      const auto p = section.find("<td>" + fs[k].id + "</td>", pos);
      ASSERT_NE(p, std::string::npos) << fs[k].id;
      pos = p;
    }
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open((tmp_->path() / r.scenario.name / "layers.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    OGRLayer* L = ds->GetLayerByName("resilience");
    ASSERT_NE(L, nullptr);
    EXPECT_EQ(L->GetFeatureCount(true), GIntBig(fs.size()));
    L->ResetReading();
    std::size_t k = 0;
    for (std::unique_ptr<OGRFeature> f(L->GetNextFeature()); f; f.reset(L->GetNextFeature()), ++k) {
      ASSERT_LT(k, fs.size());
      EXPECT_EQ(std::string(f->GetFieldAsString("id")), fs[k].id);
      EXPECT_EQ(f->GetFieldAsInteger64("cut_premises"), fs[k].cut_premises);
      EXPECT_EQ(f->GetFieldAsInteger64("cut_node_count"), GIntBig(fs[k].cut_node_count));
      const OGRGeometry* g = f->GetGeometryRef();
      ASSERT_NE(g, nullptr) << fs[k].id;
      if (fs[k].kind == FailureKind::Node) EXPECT_EQ(wkbFlatten(g->getGeometryType()), wkbPoint) << fs[k].id;
      else EXPECT_EQ(g->toMultiLineString()->getNumGeometries(), int(fs[k].links.size())) << fs[k].id;
    }
  }
}
