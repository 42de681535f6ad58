// The interconnection reasons are typed records (models/interconnection.h) the solver gives;
// io::reason_text writes their sentences. A sentence names what its record holds (links, ends,
// figures at their precision), and a sentence read back from a file (a Text record) is written
// again unchanged, so decisions.json and the desk's register round-trip word for word.
#include "io/reasons.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace dorsale;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(ReasonText, NamesTheLinksEndsAndFiguresOfItsRecord) {
  Reason full(ReasonKind::LinkTooFull, 7, "L7");
  full.node = "nro:21001", full.node_b = "pop:21231", full.free_pairs = 2, full.pairs = 5;
  const std::string t = io::reason_text(full);
  for (const std::string part : {"L7", "nro:21001", "pop:21231", "2 free pairs", "5 requested"}) EXPECT_TRUE(has(t, part)) << t;

  Reason slow{ReasonKind::OverLatency};
  slow.shape = RouteShape::RiskDisjointPair;
  slow.routes = {ReasonRoute{{1, 2}, {"A", "B"}, 0, ""}, ReasonRoute{{3}, {"C"}, 1.25, "nro:X"}};
  slow.latency_ms = 0.4567, slow.limit_ms = 0.2;
  const std::string s = io::reason_text(slow);
  EXPECT_TRUE(has(s, "route 1: links A, B; route 2: links C; 1.250 km new build to nro:X")) << s;
  EXPECT_TRUE(has(s, fmt::format("{:.3f} ms on its slower route", slow.latency_ms))) << s;
  EXPECT_TRUE(has(s, fmt::format("over the limit {:.3f} ms by {:.3f} ms", slow.limit_ms, slow.latency_ms - slow.limit_ms))) << s;
  EXPECT_TRUE(has(s, "under the capacity left")) << s;
  slow.shape = RouteShape::Route, slow.whatever_capacity = true;
  slow.routes.resize(1);
  const std::string one = io::reason_text(slow);
  EXPECT_FALSE(has(one, "slower route")) << one;
  EXPECT_TRUE(has(one, "whatever the capacity")) << one;

  Reason cut{ReasonKind::NoLinkDisjointPair};
  EXPECT_FALSE(has(io::reason_text(cut), "every route uses"));
  cut.links = {4, 9}, cut.link_ids = {"L4", "L9"};
  EXPECT_TRUE(has(io::reason_text(cut), "every route uses link L4, L9"));
}

TEST(ReasonText, EveryKindHasASentence) {
  for (int k = int(ReasonKind::NoNodeNearSite); k <= int(ReasonKind::JointChoice); ++k) {
    Reason r;
    r.kind = ReasonKind(k);
    r.links = {0}, r.link_ids = {"L0"};
    r.routes = {ReasonRoute{{0}, {"L0"}, 0, ""}, ReasonRoute{{1}, {"L1"}, 0, ""}};
    EXPECT_FALSE(io::reason_text(r).empty()) << k;
  }
}

TEST(ReasonText, SentencesReadBackAreWrittenUnchanged) {
  const std::vector<std::string> texts = {"link L1 (a - b) has 0 free pairs, 1 requested", "a \"quoted\"; sentence", ""};
  Reasons back;
  back = texts;
  ASSERT_EQ(back.size(), texts.size());
  for (const auto& r : back) EXPECT_EQ(r.kind, ReasonKind::Text);
  EXPECT_EQ(io::reason_texts(back), texts);
  // as JSON (the desk stores its evaluations so): the sentences, in order
  const nlohmann::json j = back;
  EXPECT_EQ(j.get<std::vector<std::string>>(), texts);
  Reason typed(ReasonKind::PlannedLinkBuilt, 3, "L3");
  typed.km = 12.345;
  const nlohmann::json one = Reasons{typed};
  EXPECT_EQ(one.at(0).get<std::string>(), io::reason_text(typed));
}
