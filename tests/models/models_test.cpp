#include <gtest/gtest.h>

#include "models/commune.h"
#include "models/error.h"
#include "models/network.h"
#include "models/parameters.h"
#include "models/region.h"

using namespace dorsale;

namespace {

Commune valid_commune() {
  Commune c;
  c.code = "21001";
  c.name = "Agencourt";
  c.departement = "21";
  c.population = 416;
  c.dwellings = 180;
  c.business_sites = 10;
  c.premises_by_band = {10, 20, 60, 40, 60};
  c.ftth_passed = 60;
  return c;
}

std::string field_of_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    return e.field();
  }
  return "<no error>";
}

}  // namespace

TEST(Commune, ValidPasses) { EXPECT_NO_THROW(validate(valid_commune())); }

TEST(Commune, BandsMustAddUpToPremises) {
  auto c = valid_commune();
  c.premises_by_band[2] += 1;
  EXPECT_EQ(field_of_error([&] { validate(c); }), "premises_by_band");
}

TEST(Commune, NegativeCountsNameTheField) {
  auto c = valid_commune();
  c.dwellings = -1;
  EXPECT_EQ(field_of_error([&] { validate(c); }), "dwellings");
  c = valid_commune();
  c.population = -5;
  EXPECT_EQ(field_of_error([&] { validate(c); }), "population");
}

TEST(Commune, SharesMustBeInUnitInterval) {
  auto c = valid_commune();
  c.coverage_4g = std::array<double, kOperatorCount>{0.9, 1.2, 0.5, 0.5};
  EXPECT_EQ(field_of_error([&] { validate(c); }), "coverage_4g.SFR");
  c = valid_commune();
  c.white_zone_share = -0.1;
  EXPECT_EQ(field_of_error([&] { validate(c); }), "white_zone_share");
}

TEST(Commune, CodeAndDepartementAgree) {
  auto c = valid_commune();
  c.departement = "25";
  EXPECT_EQ(field_of_error([&] { validate(c); }), "departement");
  c = valid_commune();
  c.code = "2100";
  EXPECT_EQ(field_of_error([&] { validate(c); }), "code");
}

TEST(Commune, OperatorCodesOfTheArcepFile) {
  EXPECT_EQ(operator_from_mccmnc(20801), Operator::Orange);
  EXPECT_EQ(operator_from_mccmnc(20810), Operator::Sfr);
  EXPECT_EQ(operator_from_mccmnc(20815), Operator::Free);
  EXPECT_EQ(operator_from_mccmnc(20820), Operator::Bouygues);
  EXPECT_FALSE(operator_from_mccmnc(20899).has_value());
}

namespace {
Network small_network() {
  Network n;
  for (const char* id : {"a", "b", "c"}) {
    Node nd;
    nd.id = id;
    nd.pos.x = nd.pos.lon = 1;
    n.add_node(nd);
  }
  Link l;
  l.id = "ab";
  l.length_km = 10;
  l.pairs_total = 4;
  l.pairs_used = 1;
  n.add_link(l, "a", "b");
  return n;
}
}  // namespace

TEST(Network, ValidPasses) { EXPECT_NO_THROW(validate(small_network())); }

TEST(Network, UnknownEndIsRejectedWithItsField) {
  auto n = small_network();
  Link l;
  l.id = "ax";
  l.length_km = 1;
  EXPECT_EQ(field_of_error([&] { n.add_link(l, "a", "x"); }), "to");
  EXPECT_EQ(field_of_error([&] { n.add_link(l, "y", "a"); }), "from");
}

TEST(Network, CapacityAndLengthAreChecked) {
  auto n = small_network();
  n.mutable_links()[0].pairs_used = 5;
  EXPECT_EQ(field_of_error([&] { validate(n); }), "pairs_used");
  n = small_network();
  n.mutable_links()[0].pairs_total = -1;
  n.mutable_links()[0].pairs_used = -2;
  EXPECT_EQ(field_of_error([&] { validate(n); }), "pairs_total");
  n = small_network();
  n.mutable_links()[0].length_km = 0;
  EXPECT_EQ(field_of_error([&] { validate(n); }), "length_km");
  n = small_network();
  Link self;
  self.id = "cc";
  self.length_km = 1;
  n.add_link(self, "c", "c");
  EXPECT_EQ(field_of_error([&] { validate(n); }), "to");
}

TEST(Network, DuplicateNodeIdIsRejected) {
  auto n = small_network();
  Node d;
  d.id = "a";
  EXPECT_EQ(field_of_error([&] { n.add_node(d); }), "id");
}

TEST(Parameters, EveryParameterHasUnitSourceAndDoc) {
  for (const auto& s : Parameters::registry()) {
    EXPECT_FALSE(s.source.empty()) << s.key;
    EXPECT_FALSE(s.doc.empty()) << s.key;
    EXPECT_NE(s.key.find('.'), std::string::npos) << s.key;
    if (s.kind != ParamKind::Text) EXPECT_FALSE(s.unit.empty()) << s.key;
  }
}

TEST(Parameters, DefaultsLieInTheirRange) {
  Parameters p;
  for (const auto& s : Parameters::registry()) {
    if (s.kind == ParamKind::Number || s.kind == ParamKind::Integer) {
      EXPECT_GE(s.default_number, s.min) << s.key;
      EXPECT_LE(s.default_number, s.max) << s.key;
    }
  }
}

TEST(Parameters, SettersCheckKeyKindAndRange) {
  Parameters p;
  EXPECT_EQ(field_of_error([&] { p.set_number("bands.thd_shar", 0.4); }), "bands.thd_shar");
  EXPECT_THROW(p.set_number("bands.thd_share", 1.5), ValidationError);
  EXPECT_THROW(p.set_number("calibration.communes", 10.5), ValidationError);
  EXPECT_THROW(p.set_text("opendata.l3313_zone", "rip"), ValidationError);
  EXPECT_THROW(p.set_series("opendata.band_shares_urban", {0.5, 0.5}), ValidationError);
  p.set_number("bands.thd_share", 0.5);
  EXPECT_EQ(p.bands.thd_share, 0.5);
  EXPECT_EQ(p.overridden(), std::vector<std::string>{"bands.thd_share"});
}
