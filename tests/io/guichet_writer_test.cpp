// guichet.json read back strictly: every array of the shape its header announces, every
// field typed, so that merging an edited or truncated shard is an InputError naming the file
// and the field instead of an out-of-bounds read.
#include "io/guichet_writer.h"

#include <gtest/gtest.h>

#include "guichet_fixture.h"
#include "models/error.h"
#include "test_support.h"

using namespace dorsale;
using nlohmann::json;

namespace {

InputError read_error(const json& j) {
  return test::input_error_of([&] { viz::guichet_from_json(j, "s/guichet.json"); }, j.dump());
}

}  // namespace

TEST(GuichetJson, RoundTripsExactly) {
  const auto run = test::small_guichet_run(1, 2);
  const json j = viz::guichet_json(run);
  EXPECT_EQ(viz::guichet_json(viz::guichet_from_json(j, "f")), j);
}

TEST(GuichetJson, ShortRowsAndMissingDepartementsNameTheField) {
  const json good = viz::guichet_json(test::small_guichet_run(1, 2));
  json j = good;
  j["sets"][0]["by_departement"]["25"].erase(1);  // a row shorter than the years
  auto e = read_error(j);
  EXPECT_EQ(e.file(), "s/guichet.json");
  EXPECT_EQ(e.field(), "sets[0].by_departement.25");
  j = good;
  j["departements"].push_back("39");  // header announces a département the sets lack
  EXPECT_EQ(read_error(j).field(), "sets[0].by_departement");
  j = good;
  j["sets"][1]["by_year"].erase(0);
  EXPECT_EQ(read_error(j).field(), "sets[1].by_year");
  j = good;
  j["sets"][0]["by_year"][1]["year"] = 2030;
  EXPECT_EQ(read_error(j).field(), "sets[0].by_year[1].year");
  j = good;
  j["sets"][0]["by_departement"]["21"][0]["subsidy"].erase("p90");
  EXPECT_EQ(read_error(j).field(), "sets[0].by_departement.21[0].subsidy.p90");
  j = good;
  j["sets"][0]["subsidy_total"]["mean"] = "many";
  EXPECT_EQ(read_error(j).field(), "sets[0].subsidy_total.mean");
}

TEST(GuichetJson, HeaderValuesAreCheckedAndIndicesBelongToTheShard) {
  const json good = viz::guichet_json(test::small_guichet_run(1, 2));
  json j = good;
  j["sets"][0]["index"] = 7;  // outside 0..total_sets-1
  EXPECT_EQ(read_error(j).field(), "sets[0].index");
  j = good;
  j["sets"][0]["index"] = 1;  // belongs to shard 2/2
  EXPECT_EQ(read_error(j).field(), "sets[0].index");
  j = good;
  j["draws"] = 1e10;
  EXPECT_EQ(read_error(j).field(), "draws");
  j = good;
  j["seed"] = -3;
  EXPECT_EQ(read_error(j).field(), "seed");
  j = good;
  j["shard"] = "3/2";
  EXPECT_EQ(read_error(j).field(), "shard");
  j = good;
  j["first_year"] = 99999999999LL;
  EXPECT_EQ(read_error(j).field(), "first_year");
  j = good;
  j["departements"] = json::array({"21", "21"});
  EXPECT_EQ(read_error(j).field(), "departements[1]");
}
