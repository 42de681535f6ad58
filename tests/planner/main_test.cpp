// Exit codes of the command line for hostile input (README "Exit codes"): bad input is 1 with
// one message naming file/field, usage errors 2, never a crash or an internal error (3).
#include <gtest/gtest.h>

#include <fstream>

#include "guichet_fixture.h"
#include "test_support.h"
#include "io/guichet_writer.h"

namespace fs = std::filesystem;
using dorsale::test::run_cli;
using dorsale::test::slurp;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST(MainCli, SteinerBadTimeLimitAndHugeHeadersAreBadInput) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  const auto ok = tmp.path() / "ok.stp";
  std::ofstream(ok) << "33D32945 STP File, STP Format Version 1.0\nSECTION Graph\nNodes 2\nEdges 1\nE 1 2 1\nEND\n"
                    << "SECTION Terminals\nTerminals 2\nT 1\nT 2\nEND\nEOF\n";
  for (const char* limit : {"-1", "nan", "0", "inf"}) {
    EXPECT_EQ(run_cli({"steiner", ok.string(), "--exact", "--time-limit", limit}, log), 1) << limit << ": " << slurp(log);
    EXPECT_TRUE(has(slurp(log), "--time-limit")) << slurp(log);
  }
  EXPECT_EQ(run_cli({"steiner", ok.string(), "--exact", "--time-limit", "5"}, log), 0) << slurp(log);
  // 2e9 nodes announced: refused at once, not after allocating gigabytes
  const auto huge = tmp.path() / "huge.stp";
  std::ofstream(huge) << "33D32945 STP File, STP Format Version 1.0\nSECTION Graph\nNodes 2000000000\nEdges 1\nE 1 9999999999999999999 1\nEND\n";
  EXPECT_EQ(run_cli({"steiner", huge.string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "huge.stp:3: field 'Nodes'")) << slurp(log);
}

// --backend is an enum: each back end's name selects it (the method printed names it), any
// other word, the enum's numbers included, is a usage error naming the choices.
TEST(MainCli, SteinerBackendIsAnEnumValidatedOnce) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  const auto ok = tmp.path() / "ok.stp";
  std::ofstream(ok) << "33D32945 STP File, STP Format Version 1.0\nSECTION Graph\nNodes 2\nEdges 1\nE 1 2 1\nEND\n"
                    << "SECTION Terminals\nTerminals 2\nT 1\nT 2\nEND\nEOF\n";
  for (const char* b : {"glpk", "cbc"}) {
    EXPECT_EQ(run_cli({"steiner", ok.string(), "--exact", "--backend", b, "--json"}, log), 0) << b << ": " << slurp(log);
    EXPECT_TRUE(has(slurp(log), std::string("\"exact-") + b + "\"")) << slurp(log);
  }
  for (const char* b : {"0", "1", "CBC", "highs", ""}) {
    EXPECT_EQ(run_cli({"steiner", ok.string(), "--exact", "--backend", b}, log), 2) << b << ": " << slurp(log);
    EXPECT_TRUE(has(slurp(log), "glpk or cbc")) << slurp(log);
  }
}

TEST(MainCli, Latin1RequestFileIsBadInputNamingTheLine) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  for (const char* ext : {".csv", ".json"}) {
    const auto req = tmp.path() / (std::string("latin1") + ext);
    if (std::string(ext) == ".csv")
      std::ofstream(req) << "id,requester,site,destination,pairs,submitted\nR1,Soci\xE9t\xE9,pop:dijon,dorsale,2,2019-01-04\n";
    else
      std::ofstream(req) << "[{\"id\": \"R1\", \"requester\": \"Soci\xE9t\xE9\",\n  \"site\": \"pop:dijon\", \"destination\": \"dorsale\", \"pairs\": 2, \"submitted\": \"2019-01-04\"}]\n";
    EXPECT_EQ(run_cli({"interconnect", req.string(), "-o", (tmp.path() / "out").string()}, log), 1) << slurp(log);
    EXPECT_TRUE(has(slurp(log), "not UTF-8, line")) << slurp(log);
    EXPECT_FALSE(fs::exists(tmp.path() / "out"));
  }
}

TEST(MainCli, LibraryFailuresOnInputAreBadInputNotInternalErrors) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  // a JSON number overflow
  const auto req = tmp.path() / "big.json";
  std::ofstream(req) << R"([{"id": "R1", "site": "pop:dijon", "destination": "dorsale", "pairs": 1e999, "submitted": "2019-01-04"}])";
  EXPECT_EQ(run_cli({"interconnect", req.string(), "-o", (tmp.path() / "out").string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "big.json")) << slurp(log);
  // stoi in --shard
  EXPECT_EQ(run_cli({"guichet", "--shard", "99999999999999999999/2", "-o", (tmp.path() / "g").string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "--shard")) << slurp(log);
  // a 19-digit --seed
  EXPECT_EQ(run_cli({"guichet", "--seed", "99999999999999999999", "-o", (tmp.path() / "g").string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "--seed")) << slurp(log);
  // a symlink loop as an input file
  fs::create_symlink(tmp.path() / "a.csv", tmp.path() / "b.csv");
  fs::create_symlink(tmp.path() / "b.csv", tmp.path() / "a.csv");
  EXPECT_EQ(run_cli({"interconnect", (tmp.path() / "a.csv").string(), "-o", (tmp.path() / "out").string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "a.csv")) << slurp(log);
  fs::create_symlink(tmp.path() / "l1", tmp.path() / "l2");
  fs::create_symlink(tmp.path() / "l2", tmp.path() / "l1");
  EXPECT_EQ(run_cli({"region", "info", "--opendata", (tmp.path() / "l1").string()}, log), 1) << slurp(log);
  EXPECT_EQ(run_cli({"run", (tmp.path() / "a.csv").string(), "-o", (tmp.path() / "out").string()}, log), 1) << slurp(log);
  // a position Lambert-93 cannot hold
  const auto pole = tmp.path() / "pole.csv";
  std::ofstream(pole) << "id,lon,lat,destination,pairs,submitted\nR1,180,-90,dorsale,2,2019-01-04\n";
  EXPECT_EQ(run_cli({"interconnect", pole.string(), "-o", (tmp.path() / "out").string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "pole.csv:2: field 'lon'")) << slurp(log);
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(MainCli, MissingInputFileIsExit1AndRealUsageErrorsExit2) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  const std::string missing = (tmp.path() / "missing").string();
  const std::vector<std::vector<std::string>> cmds = {
      {"steiner", missing + ".stp"},
      {"interconnect", missing + ".csv", "-o", (tmp.path() / "o").string()},
      {"region", "info", "--opendata", missing},
      {"region", "info", "--scenario", missing + ".toml"},
      {"run", missing + ".toml", "-o", (tmp.path() / "o").string()},
      {"towers", "--candidates", missing + ".csv", "--demand", missing + ".csv", "--radius-m", "100", "--sites", "1"},
      {"guichet", "--sweep", missing + ".toml", "-o", (tmp.path() / "o").string()},
      {"merge", missing, "-o", (tmp.path() / "o").string()},
  };
  for (const auto& c : cmds) {
    EXPECT_EQ(run_cli(c, log), 1) << c[0] << ": " << slurp(log);
    EXPECT_TRUE(has(slurp(log), "missing")) << c[0] << ": " << slurp(log);
  }
  EXPECT_EQ(run_cli({"steiner", missing + ".stp", "--no-such-flag"}, log), 2) << slurp(log);
  EXPECT_EQ(run_cli({"steiner"}, log), 2) << slurp(log);
  EXPECT_EQ(run_cli({"interconnect"}, log), 2) << slurp(log);
  EXPECT_EQ(run_cli({"steiner", missing + ".stp", "--time-limit"}, log), 2) << slurp(log);
}

TEST(MainCli, HugeSweepWithATinyShardIsRefusedAtOnce) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  std::string t = "[grid]\n";
  for (const char* k : {"uptake_mean", "uptake_sd", "cost_sd", "satellite_preference_mean", "satellite_preference_sd",
                        "speed_threshold_mbps", "thd_radio_cap_eur", "satellite_cap_eur"}) {
    t += std::string("\"guichet.") + k + "\" = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12]\n";
  }
  std::ofstream(tmp.path() / "sweep.toml") << t;
  EXPECT_EQ(run_cli({"guichet", "--sweep", (tmp.path() / "sweep.toml").string(), "--shard", "1/1000000", "-o", (tmp.path() / "g").string()}, log), 1)
      << slurp(log);
  EXPECT_TRUE(has(slurp(log), "sets")) << slurp(log);
  EXPECT_FALSE(fs::exists(tmp.path() / "g"));
}

TEST(MainCli, MergeOfShardsWithDifferentDepartementsIsBadInputAndLeavesNothing) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  fs::create_directories(tmp.path() / "s1");
  fs::create_directories(tmp.path() / "s2");
  std::ofstream(tmp.path() / "s1" / "guichet.json") << dorsale::viz::guichet_json(dorsale::test::small_guichet_run(1, 2)).dump();
  std::ofstream(tmp.path() / "s2" / "guichet.json") << dorsale::viz::guichet_json(dorsale::test::small_guichet_run(2, 2, 2, {"21"})).dump();
  const auto out = tmp.path() / "out";
  fs::create_directories(out);
  EXPECT_EQ(run_cli({"merge", (tmp.path() / "s1").string(), (tmp.path() / "s2").string(), "-o", out.string()}, log), 1) << slurp(log);
  EXPECT_TRUE(has(slurp(log), "field 'departements'")) << slurp(log);
  EXPECT_TRUE(fs::is_empty(out)) << "something was left in the output folder";
}

// `--from ''` used to mean the default core (PoPs + hubs) without a word
TEST(MainCli, ResilienceEmptyFromIsBadInput) {
  dorsale::test::TempDir tmp;
  const auto log = tmp.path() / "log";
  for (const char* from : {"", "  "}) {
    EXPECT_EQ(run_cli({"resilience", "--from", from}, log), 1) << "'" << from << "': " << slurp(log);
    EXPECT_TRUE(has(slurp(log), "--from")) << slurp(log);
    EXPECT_TRUE(has(slurp(log), "empty node id")) << slurp(log);
  }
}
