// The SteinLib reader refuses hostile files with an InputError naming the line and field,
// before allocating what they announce: counts capped, integers parsed without overflow,
// node numbers within 1..Nodes, announced and found counts equal.
#include "io/steinlib.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/error.h"
#include "test_support.h"

using namespace dorsale;

namespace {

const std::string kHead = "33D32945 STP File, STP Format Version 1.0\nSECTION Graph\n";

InputError stp_error(const std::string& body) {
  test::TempDir tmp;
  const auto f = tmp.path() / "x.stp";
  std::ofstream(f) << kHead << body;
  return test::input_error_of([&] { scenarios::read_stp(f.string()); }, body);
}

}  // namespace

TEST(SteinLib, HugeAnnouncedCountsAreRefusedBeforeAllocating) {
  for (const char* nodes : {"2000000000", "100000000", "10000001"}) {
    auto e = stp_error(std::string("Nodes ") + nodes + "\nEdges 1\nE 1 2 1\nEND\n");
    EXPECT_EQ(e.line(), 3) << nodes;
    EXPECT_EQ(e.field(), "Nodes") << nodes;
  }
  auto e = stp_error("Nodes 3\nEdges 50000001\nEND\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "Edges");
  e = stp_error("Nodes 3\nEdges 1\nE 1 2 1\nEND\nSECTION Terminals\nTerminals 4\nEND\n");
  EXPECT_EQ(e.field(), "Terminals");
}

TEST(SteinLib, NineteenDigitNodeNumberIsAnErrorNotAnOverflow) {
  auto e = stp_error("Nodes 3\nEdges 1\nE 1 9999999999999999999 1\nEND\n");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.field(), "E v");
  e = stp_error("Nodes 3\nEdges 1\nE 4294967297 2 1\nEND\n");  // 2^32 + 1 wrapped to node 1 in an int
  EXPECT_EQ(e.field(), "E u");
  e = stp_error("Nodes 99999999999999999999\n");
  EXPECT_EQ(e.field(), "Nodes");
  e = stp_error("Nodes 3\nEdges 1\nE 1 2 1e999\nEND\n");
  EXPECT_EQ(e.field(), "E w");
  e = stp_error("Nodes 3\nEdges 1\nE 1 2 nan\nEND\n");
  EXPECT_EQ(e.field(), "E w");
  e = stp_error("Nodes 3\nEdges 1\nE 1 2 1\nEND\nSECTION Terminals\nTerminals 1\nT 0\nEND\n");
  EXPECT_EQ(e.line(), 9);
  EXPECT_EQ(e.field(), "T");
}

TEST(SteinLib, AnnouncedAndFoundCountsMustAgree) {
  auto e = stp_error("Nodes 3\nEdges 1\nE 1 2 1\nE 2 3 1\nEND\n");
  EXPECT_EQ(e.line(), 6);  // the first edge beyond the count, before reading the rest
  EXPECT_EQ(e.field(), "E");
  e = stp_error("Nodes 3\nEdges 3\nE 1 2 1\nE 2 3 1\nEND\n");
  EXPECT_EQ(e.field(), "Edges");
  e = stp_error("Nodes 3\nEdges 2\nE 1 2 1\nE 2 3 1\nEND\nSECTION Terminals\nTerminals 1\nT 1\nT 3\nEND\n");
  EXPECT_EQ(e.line(), 11);
  EXPECT_EQ(e.field(), "T");
  e = stp_error("Edges 1\nE 1 2 1\nEND\n");
  EXPECT_EQ(e.field(), "E");  // an edge before Nodes
}

TEST(SteinLib, Latin1AndValidFiles) {
  auto e = stp_error("Nodes 2\nEdges 1\nE 1 2 1\nEND\nSECTION Comment\nName \"r\xE9seau\"\nEND\n");
  EXPECT_EQ(e.line(), 8);
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos);
  test::TempDir tmp;
  const auto f = tmp.path() / "ok.stp";
  std::ofstream(f) << "33D32945 STP File, STP Format Version 1.0\nSECTION Comment\n  Name \"tiny\"\nEND\n" << "SECTION Graph\nNodes 3\nEdges 2\nE 1 2 1.5\nE 2 3 +2\nEND\n"
                   << "SECTION Terminals\nTerminals 2\nT 1\nT 3\nEND\nEOF\n";
  const auto s = scenarios::read_stp(f.string());
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.nodes, 3);
  ASSERT_EQ(s.edges.size(), 2u);
  EXPECT_DOUBLE_EQ(s.edges[0].w, 1.5);
  EXPECT_DOUBLE_EQ(s.edges[1].w, 2);
  EXPECT_EQ(s.terminals, (std::vector<int>{0, 2}));
}
