// Request files: real calendar dates, UTF-8 only, JSON number overflow and projection
// failures as InputErrors naming the row and field (they were internal errors, exit 3).
#include "scenarios/requests.h"

#include <gtest/gtest.h>

#include "models/error.h"
#include "test_support.h"

using namespace dorsale;

namespace {

const std::string kHeader = "id,site,lon,lat,destination,pairs,submitted\n";

InputError request_error(const std::string& text, bool json = false) {
  return test::input_error_of([&] { scenarios::parse_requests(text, json ? "req.json" : "req.csv", json, test::builtin_bfc().network); }, text);
}

}  // namespace

TEST(Requests, Month13AndOtherImpossibleDatesNameTheRowAndField) {
  auto e = request_error(kHeader + "R1,pop:dijon,,,dorsale,2,2019-01-04\nR2,pop:dijon,,,dorsale,2,2019-13-01\n");
  EXPECT_EQ(e.file(), "req.csv");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.field(), "submitted");
  for (const char* d : {"2019-00-10", "2019-04-31", "2021-02-29", "2019-02-00", "0000-01-01", "2019-1-01"}) {
    e = request_error(kHeader + "R1,pop:dijon,,,dorsale,2," + d + "\n");
    EXPECT_EQ(e.field(), "submitted") << d;
  }
  e = request_error(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": 1, "submitted": "2019-13-02"}])", true);
  EXPECT_EQ(e.file(), "req.json request 1");
  EXPECT_EQ(e.field(), "submitted");
  EXPECT_TRUE(scenarios::valid_date("2020-02-29"));
  EXPECT_TRUE(scenarios::valid_date("2000-02-29"));
  EXPECT_FALSE(scenarios::valid_date("1900-02-29"));
  EXPECT_TRUE(scenarios::valid_date("2019-12-31"));
}

TEST(Requests, Latin1FileIsNotUtf8NamingTheLine) {
  auto e = request_error(kHeader + "R1,pop:dijon,,,dorsale,2,2019-01-04\nR\xE9seau,pop:dijon,,,dorsale,2,2019-01-04\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("not UTF-8, line 3"), std::string::npos) << e.what();
  e = request_error("[{\"id\": \"R\xE9seau\", \"site\": \"pop:dijon\",\n \"destination\": \"dorsale\", \"pairs\": 1, \"submitted\": \"2019-01-02\"}]", true);
  EXPECT_EQ(e.line(), 1);
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos) << e.what();
}

TEST(Requests, JsonNumberOverflowIsBadInput) {
  auto e = request_error(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": 1e999, "submitted": "2019-01-02"}])", true);
  EXPECT_EQ(e.file(), "req.json");
  EXPECT_NE(std::string(e.what()).find("number overflow"), std::string::npos) << e.what();
  e = request_error(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": 99999999999999999999, "submitted": "2019-01-02"}])", true);
  EXPECT_EQ(e.field(), "pairs");
}

TEST(Requests, UnprojectablePositionIsBadInputNamingTheField) {
  // the pole is a latitude, but Lambert-93 (a conic projection) cannot place it
  auto e = request_error(kHeader + "R1,,180,-90,dorsale,2,2019-01-04\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.field(), "lon");
}
