// The one spelling table per enum (io/spelling.h): every value spelled once and read back, an
// unknown spelling refused naming the allowed ones, and the parameters' enums spelled exactly as
// the registry lists their choices (models/parameters.cpp: the docs and the TOML keys), in the
// enum's order, with the registry's default the enum a fresh Parameters holds.
#include "io/spelling.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <typeinfo>

#include "models/parameters.h"

using namespace dorsale;

namespace {

template <class E>
void round_trips() {
  const auto table = io::spellings(E{});
  std::set<std::string> seen;
  for (std::size_t k = 0; k < table.size(); ++k) {
    EXPECT_TRUE(seen.insert(table[k]).second) << "spelled twice: " << table[k];
    EXPECT_STREQ(io::spell(E(k)), table[k]);
    const auto back = io::parse_spelling<E>(table[k]);
    ASSERT_TRUE(back.has_value()) << table[k];
    EXPECT_EQ(int(*back), int(k)) << table[k];
  }
  EXPECT_FALSE(io::parse_spelling<E>("no-such-spelling").has_value());
}

// Every enumerator of E has a spelling: the table is exactly `count` long (the enum's last
// enumerator + 1, or its k*Count constant), so an enumerator added without a word fails here.
template <class E>
void covers(std::size_t count) {
  round_trips<E>();
  EXPECT_EQ(io::spellings(E{}).size(), count) << typeid(E).name();
}

// The registry's choices for `key` are the enum's spellings in order, and the field a fresh
// Parameters holds (the default) reads back as the registry's default text.
template <class E>
void matches_registry(const std::string& key, E fresh) {
  const ParamSpec* s = Parameters::find_spec(key);
  ASSERT_NE(s, nullptr) << key;
  ASSERT_EQ(s->kind, ParamKind::Text) << key;
  const auto table = io::spellings(E{});
  ASSERT_EQ(s->choices.size(), table.size()) << key;
  for (std::size_t k = 0; k < table.size(); ++k) EXPECT_EQ(s->choices[k], table[k]) << key << " choice " << k;
  EXPECT_EQ(s->default_text, io::spell(fresh)) << key;
  // setting each choice by its text gives the enum value of the same spelling
  for (std::size_t k = 0; k < table.size(); ++k) {
    Parameters p;
    p.set_text(key, table[k]);
    EXPECT_EQ(s->get_text(p), table[k]) << key;
  }
}

}  // namespace

TEST(Spelling, EveryValueSpelledOnceAndReadBack) {
  round_trips<MipStatus>();
  round_trips<MipBackend>();
  round_trips<SolveMethod>();
  round_trips<QueueMode>();
  round_trips<Diversity>();
  round_trips<param::PopRule>();
  round_trips<param::LinkOnlyDiversity>();
  round_trips<param::BudgetScale>();
  round_trips<param::RolloutOptimiser>();
  round_trips<param::PaceModel>();
  round_trips<param::RadiusFit>();
  round_trips<param::L3313Zone>();
  round_trips<param::Geography>();
  round_trips<param::RemoteOffer>();
  round_trips<param::McDistribution>();
}

// The region's, the network's and the plan's classes, and the interconnection and resilience
// statuses (formerly *_key functions of models/): every enumerator spelled, once, and read back.
TEST(Spelling, EveryModelEnumCoveredAndReadBack) {
  covers<Band>(kBandCount);
  covers<Zone>(kZoneCount);
  covers<Technology>(kTechnologyCount);
  covers<GuichetTech>(kGuichetTechs);
  covers<NodeKind>(kNodeKindCount);
  EXPECT_EQ(int(NodeKind::Junction) + 1, kNodeKindCount);
  covers<LinkStatus>(std::size_t(LinkStatus::Planned) + 1);
  covers<Protection>(std::size_t(Protection::Diverse) + 1);
  covers<Decision>(std::size_t(Decision::Reject) + 1);
  covers<FailureKind>(std::size_t(FailureKind::Node) + 1);
  covers<ResilienceStatus>(std::size_t(ResilienceStatus::NoCore) + 1);
  covers<Indicator>(std::size_t(Indicator::Ftth) + 1);
}

// The guichet's technologies are spelled as the same technologies of the technology table
// (guichet.json and the run's files name them alike).
TEST(Spelling, GuichetTechnologiesSpelledAsTheTechnologyTable) {
  const Technology same[kGuichetTechs] = {Technology::ThdRadio, Technology::FourGFixe, Technology::Satellite};
  for (int t = 0; t < kGuichetTechs; ++t) EXPECT_STREQ(io::spell(GuichetTech(t)), io::spell(same[t])) << t;
}

// A value the files carry that is none of the spellings is refused naming the allowed ones
// (the GraceTHD reader's node kinds, a decisions.json decision).
TEST(Spelling, UnknownModelSpellingRefused) {
  EXPECT_FALSE(io::parse_spelling<NodeKind>("Junction").has_value());  // case matters
  EXPECT_EQ(io::parse_spelling<NodeKind>("high_point"), NodeKind::HighPoint);
  EXPECT_EQ(io::allowed_spellings<Decision>(), "accept, accept_with_works, reject");
  try {
    io::parse_or_throw<LinkStatus>("rented", "t_cable.csv", 4, "status");
    FAIL() << "an unknown link status was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "status");
    EXPECT_NE(std::string(e.what()).find("leased, owned, planned"), std::string::npos) << e.what();
  }
}

TEST(Spelling, UnknownSpellingNamesFileFieldAndChoices) {
  try {
    io::parse_or_throw<MipStatus>("optimum", "cost_mc.csv", 3, "status");
    FAIL() << "an unknown spelling was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.field(), "status");
    EXPECT_NE(what.find("cost_mc.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("'optimum'"), std::string::npos) << what;
    EXPECT_NE(what.find(io::allowed_spellings<MipStatus>()), std::string::npos) << what;
  }
  EXPECT_EQ(io::allowed_spellings<param::McDistribution>(), "triangular, uniform");
}

TEST(Spelling, ParameterEnumsSpelledAsTheRegistryListsThem) {
  const Parameters P;
  matches_registry("network.derived_pop_rule", P.network.derived_pop_rule);
  matches_registry("interconnect.link_only_diversity", P.interconnect.link_only_diversity);
  matches_registry("budgets.scale", P.budgets.scale);
  matches_registry("rollout.optimiser", P.rollout.optimiser);
  matches_registry("pace.model", P.pace.model);
  matches_registry("towers.radius_fit", P.towers.radius_fit);
  matches_registry("opendata.l3313_zone", P.opendata.l3313_zone);
  matches_registry("opendata.geography", P.opendata.geography);
  matches_registry("quantities.remote_offer", P.quantities.remote_offer);
  matches_registry("quantities.mc_distribution", P.quantities.mc_distribution);
  // every registry parameter with choices is one of those enums (none left as a free string)
  int with_choices = 0;
  for (const auto& s : Parameters::registry()) with_choices += !s.choices.empty();
  EXPECT_EQ(with_choices, 10);
}
