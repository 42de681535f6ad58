// The output folder: only dorsale's own entries are written or replaced, a generation is
// committed whole by one switch, left-overs of killed commands are cleaned, and commands on
// one folder are serialised.
#include "io/output_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "models/error.h"
#include "models/names.h"
#include "test_support.h"

using namespace dorsale;
namespace fs = std::filesystem;
using test::slurp;

namespace {

void put(const fs::path& p, const std::string& text) { viz::write_file(p, text); }

using test::visible;

}  // namespace

TEST(OutputDir, SafeNames) {
  for (const char* ok : {"bfc-2022", "a", "x.y_z-1", "Scenario2"}) EXPECT_TRUE(is_safe_name(ok)) << ok;
  for (const char* bad : {"", ".", "..", "../../x", "/abs", "a/b", ".hidden", "-flag", "a\nb", "a b", "é"})
    EXPECT_FALSE(is_safe_name(bad)) << bad;
  EXPECT_FALSE(is_safe_name(std::string(101, 'a')));
}

TEST(OutputDir, ARegularFileIsRefusedAndKept) {
  test::TempDir tmp;
  const fs::path f = tmp.path() / "report.txt";
  std::ofstream(f) << "mine";
  EXPECT_THROW(viz::OutputDir(f, "guichet"), InputError);
  EXPECT_TRUE(fs::is_regular_file(f));
  EXPECT_EQ(slurp(f), "mine");
}

TEST(OutputDir, WritesOnlyItsEntriesAndKeepsTheUsersFiles) {
  test::TempDir tmp;
  std::ofstream(tmp.path() / "notes.docx") << "mine";
  fs::create_directories(tmp.path() / "my-folder");
  std::ofstream(tmp.path() / "my-folder" / "a.txt") << "a";
  for (int round = 0; round < 3; ++round) {
    viz::OutputDir out(tmp.path(), "guichet");
    put(out.entry("guichet.json"), "{\"round\": " + std::to_string(round) + "}\n");
    put(out.entry("results.h5"), "h5");
    // nothing visible before the commit
    if (round == 0) EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"my-folder", "notes.docx"}));
    out.commit();
  }
  EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"guichet.json", "my-folder", "notes.docx", "results.h5"}));
  EXPECT_EQ(slurp(tmp.path() / "guichet.json"), "{\"round\": 2}\n");
  EXPECT_EQ(slurp(tmp.path() / "notes.docx"), "mine");
  EXPECT_EQ(slurp(tmp.path() / "my-folder" / "a.txt"), "a");
  // one generation left
  int gens = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() / ".dorsale" / "guichet")) gens += e.is_directory() && !e.is_symlink();
  EXPECT_EQ(gens, 1);
}

TEST(OutputDir, AnEntryTheUserOwnsIsNeverReplaced) {
  test::TempDir tmp;
  std::ofstream(tmp.path() / "guichet.json") << "the user's own file";
  viz::OutputDir out(tmp.path(), "guichet");
  EXPECT_THROW(out.entry("guichet.json"), InputError);
  EXPECT_EQ(slurp(tmp.path() / "guichet.json"), "the user's own file");
}

TEST(OutputDir, UnsafeEntryNamesAreRefused) {
  test::TempDir tmp;
  viz::OutputDir out(tmp.path() / "o", "run");
  for (const char* bad : {"../x", "/etc", "", ".", "a/b", "x\ny"}) EXPECT_THROW(out.entry(bad), InputError) << bad;
  EXPECT_FALSE(fs::exists(tmp.path() / "x"));
}

TEST(OutputDir, NoCommitLeavesNothingVisible) {
  test::TempDir tmp;
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.dir_entry("s1") / "summary.json", "{}");
  }  // destroyed without commit (a failure)
  EXPECT_TRUE(visible(tmp.path()).empty());
  for (const auto& e : fs::recursive_directory_iterator(tmp.path() / ".dorsale"))
    EXPECT_EQ(e.path().filename().string().rfind("gen-", 0), std::string::npos) << e.path();
}

TEST(OutputDir, EntriesANewGenerationDropsAreRemovedOthersOwnersKept) {
  test::TempDir tmp;
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.dir_entry("a") / "f", "1");
    put(out.dir_entry("b") / "f", "1");
    out.commit();
  }
  {
    viz::OutputDir out(tmp.path(), "interconnect");
    put(out.entry("decisions.json"), "[]");
    out.commit();
  }
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.dir_entry("b") / "f", "2");
    put(out.dir_entry("c") / "f", "2");
    out.commit();
  }
  EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"b", "c", "decisions.json"}));
  EXPECT_EQ(slurp(tmp.path() / "b" / "f"), "2");
  EXPECT_EQ(slurp(tmp.path() / "decisions.json"), "[]");
}

TEST(OutputDir, LeftOversOfAKilledCommandAreCleaned) {
  test::TempDir tmp;
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.dir_entry("a") / "f", "1");
    out.commit();
  }
  // what kill -9 leaves: an uncommitted generation, a link to an entry it would have added,
  // a half-made temporary link
  const fs::path owner = tmp.path() / ".dorsale" / "run";
  fs::create_directories(owner / "gen-7" / "z");
  put(owner / "gen-7" / "z" / "f", "half");
  fs::create_symlink(".dorsale/run/current/z", tmp.path() / "z");
  fs::create_symlink(".dorsale/run/current/a", tmp.path() / ".dorsale-link-a.tmp");
  EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"a", "z"}));
  EXPECT_FALSE(fs::exists(tmp.path() / "z"));  // dangling: the old run is still whole
  {
    viz::OutputDir out(tmp.path(), "guichet");  // any command on the folder cleans it
  }
  EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"a"}));
  EXPECT_FALSE(fs::exists(owner / "gen-7"));
  EXPECT_FALSE(fs::is_symlink(fs::symlink_status(tmp.path() / ".dorsale-link-a.tmp")));
  EXPECT_EQ(slurp(tmp.path() / "a" / "f"), "1");
}

TEST(OutputDir, AFolderInsideAnotherCommandsOutputIsRefused) {
  test::TempDir tmp;
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.dir_entry("bfc-2022") / "f", "1");
    out.commit();
  }
  EXPECT_THROW(viz::OutputDir(tmp.path() / "bfc-2022", "guichet"), InputError);
  EXPECT_THROW(viz::OutputDir(tmp.path() / "bfc-2022" / "sub", "guichet"), InputError);
  EXPECT_FALSE(fs::exists(tmp.path() / "bfc-2022" / "sub"));
}

TEST(OutputDir, CommandsOnOneFolderAreSerialised) {
  test::TempDir tmp;
  std::atomic<bool> second_in{false};
  auto first = std::make_unique<viz::OutputDir>(tmp.path(), "run");
  std::thread t([&] {
    viz::OutputDir out(tmp.path(), "guichet");  // blocks on the lock
    second_in = true;
    put(out.entry("g"), "2");
    out.commit();
  });
  // the second command cannot enter while the first holds the folder, however long it runs
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_FALSE(second_in.load());
  }
  put(first->entry("r"), "1");
  first->commit();
  first.reset();
  t.join();
  EXPECT_TRUE(second_in.load());
  EXPECT_EQ(visible(tmp.path()), (std::set<std::string>{"g", "r"}));
}

// `compare -o X` into a `run -o X` folder: report.html is the run's, not the compare's to take
TEST(OutputDir, AnotherCommandsEntryIsNotTakenOver) {
  test::TempDir tmp;
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.entry("report.html"), "run's report");
    out.commit();
  }
  {
    viz::OutputDir out(tmp.path(), "compare");
    try {
      out.entry("report.html");
      ADD_FAILURE() << "compare took over run's report.html";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("dorsale run"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(slurp(tmp.path() / "report.html"), "run's report");
  // the same command replaces its own entry
  {
    viz::OutputDir out(tmp.path(), "run");
    put(out.entry("report.html"), "run's second report");
    out.commit();
  }
  EXPECT_EQ(slurp(tmp.path() / "report.html"), "run's second report");
}

// .dorsale/<cmd>/current rewritten to point outside -o: the next command neither reads nor
// deletes that folder; .dorsale/<cmd> itself a link is refused
TEST(OutputDir, LinksOutOfTheFolderAreNeverFollowed) {
  test::TempDir tmp;
  const fs::path out_dir = tmp.path() / "out", precious = tmp.path() / "precious";
  fs::create_directories(precious);
  std::ofstream(precious / "thesis.tex") << "years of work";
  {
    viz::OutputDir out(out_dir, "run");
    put(out.entry("summary.json"), "1");
    out.commit();
  }
  for (const std::string target : {precious.string(), std::string("../../../precious")}) {
    const fs::path cur = out_dir / ".dorsale" / "run" / "current";
    fs::remove(cur);
    fs::create_directory_symlink(target, cur);
    viz::OutputDir out(out_dir, "run");
    put(out.entry("summary.json"), "2");
    out.commit();
    EXPECT_EQ(slurp(precious / "thesis.tex"), "years of work") << target;
    EXPECT_EQ(slurp(out_dir / "summary.json"), "2") << target;
  }
  fs::remove_all(out_dir / ".dorsale" / "towers");
  fs::create_directory_symlink(precious, out_dir / ".dorsale" / "towers");
  EXPECT_THROW(viz::OutputDir(out_dir, "towers"), InputError);
  EXPECT_EQ(slurp(precious / "thesis.tex"), "years of work");
  EXPECT_EQ(std::distance(fs::directory_iterator(precious), fs::directory_iterator()), 1);
}

TEST(OutputDir, PrivateTempDirIsUnpredictableOwnerOnlyAndRemoved) {
  fs::path a_path;
  {
    viz::PrivateTempDir a("dorsale-routes"), b("dorsale-routes");
    a_path = a.path();
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(a.path().parent_path(), fs::temp_directory_path());
    EXPECT_EQ(fs::status(a.path()).permissions() & fs::perms::all, fs::perms::owner_all);
    put(a.path() / "routes.gpkg", "x");
  }
  EXPECT_FALSE(fs::exists(a_path));
}
