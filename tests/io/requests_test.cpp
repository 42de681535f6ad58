// Request files: real calendar dates, UTF-8 only, JSON number overflow and projection
// failures as InputErrors naming the row and field (they were internal errors, exit 3).
#include "io/requests.h"

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

TEST(Requests, ColumnOrKeyGivenTwiceIsRefusedNamingIt) {
  auto e = request_error("id,site,destination,pairs,submitted,pairs\nR1,pop:dijon,dorsale,2,2019-01-04,8\n");
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.field(), "pairs");
  EXPECT_NE(std::string(e.what()).find("twice"), std::string::npos) << e.what();
  e = request_error(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": 1, "submitted": "2019-01-02"},
                        {"id": "B", "site": "pop:dijon", "destination": "dorsale", "pairs": 1, "pairs": 8, "submitted": "2019-01-02"}])", true);
  EXPECT_EQ(e.file(), "req.json request 2");
  EXPECT_EQ(e.field(), "pairs");
  // the same keys in two objects are not a repetition
  EXPECT_EQ(scenarios::parse_requests(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": 1, "submitted": "2019-01-02"},
                                          {"id": "B", "site": "pop:dijon", "destination": "dorsale", "pairs": 3, "submitted": "2019-01-02"}])",
                                       "req.json", true, test::builtin_bfc().network)
                .back()
                .pairs,
            3);
}

TEST(Requests, NumbersAreDecimalWithTheirRangeNotCFloats) {
  // "0x10" was read as 16 pairs, 1e308 as a value
  for (const auto& [field, row] : std::vector<std::pair<std::string, std::string>>{
           {"pairs", "R1,pop:dijon,dorsale,0x10,2019-01-04,,,"},
           {"pairs", "R1,pop:dijon,dorsale,inf,2019-01-04,,,"},
           {"pairs", "R1,pop:dijon,dorsale,2.5,2019-01-04,,,"},
           {"pairs", "R1,pop:dijon,dorsale,0,2019-01-04,,,"},
           {"max_latency_ms", "R1,pop:dijon,dorsale,2,2019-01-04,0x10,,"},
           {"max_latency_ms", "R1,pop:dijon,dorsale,2,2019-01-04,1e308,,"},
           {"horizon_years", "R1,pop:dijon,dorsale,2,2019-01-04,,101,"},
           {"value", "R1,pop:dijon,dorsale,2,2019-01-04,,,1e308"},
           {"value", "R1,pop:dijon,dorsale,2,2019-01-04,,,nan"},
       }) {
    auto e = request_error("id,site,destination,pairs,submitted,max_latency_ms,horizon_years,value\n" + row + "\n");
    EXPECT_EQ(e.line(), 2) << row;
    EXPECT_EQ(e.field(), field) << row;
  }
  auto e = request_error(R"([{"id": "A", "site": "pop:dijon", "destination": "dorsale", "pairs": "0x10", "submitted": "2019-01-02"}])", true);
  EXPECT_EQ(e.field(), "pairs");
  // within range, a quoted cell with the separator inside and a decimal comma-free value read as written
  const auto ok = scenarios::parse_requests(
      "id,requester,site,destination,pairs,submitted,max_latency_ms,horizon_years,value\n"
      "R1,\"Doubs, THD\",pop:dijon,dorsale,16,2019-01-04,2.5,20,1.5e3\n",
      "req.csv", false, test::builtin_bfc().network);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].requester, "Doubs, THD");
  EXPECT_EQ(ok[0].pairs, 16);
  EXPECT_DOUBLE_EQ(*ok[0].max_latency_ms, 2.5);
  EXPECT_EQ(ok[0].horizon_years, 20);
  EXPECT_DOUBLE_EQ(ok[0].value, 1500);
}
