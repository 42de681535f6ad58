// The desk's JSON module (io/desk_json.h): the bodies clients send read into typed fields, the
// request rows the register keeps written and read back byte for byte as the desk wrote them
// before the answers were typed (nlohmann/json's dump of the same object), the answers' bodies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/desk_json.h"
#include "io/interconnect_writer.h"

using namespace dorsale;
using nlohmann::json;
using service::BodyValue;

namespace {

// Rows as registers written before this module kept them: nlohmann/json's dump of the
// submitted body (ids filled) or of the row an import builds.
std::vector<std::string> stored_rows() {
  return {
      json{{"id", "R1"}, {"site", "nro:25-010"}, {"destination", "dorsale"}, {"pairs", 2}, {"requester", "Doubs THD"}, {"submitted", "2026-11-28"}}
          .dump(),
      json{{"id", "R2"}, {"requester", "ISP; \"Est\""}, {"pairs", 4}, {"protection", "diverse"}, {"horizon_years", 10}, {"submitted", "2026-01-01"},
           {"value", 1.0}, {"lon", 4.87}, {"lat", 46.330000000000005}, {"destination", "Lyon"}, {"max_latency_ms", 2.5}}
          .dump(),
      json::parse(R"({"id": "R3", "pairs": 18446744073709551615, "value": -3, "note": null, "x": 1e300, "y": 0.1, "z": "é ✓"})").dump(),
  };
}

}  // namespace

TEST(DeskJson, StoredRowsReadBackAndWriteTheSameBytes) {
  for (const auto& text : stored_rows()) {
    const auto row = io::row_from_text(text);
    EXPECT_EQ(io::row_text(row), text);
    // and every member is typed as JSON had it
    const json j = json::parse(text);
    ASSERT_EQ(row.size(), j.size()) << text;
    for (const auto& [name, v] : j.items()) {
      const auto& b = row.at(name);
      EXPECT_EQ(b.is_text(), v.is_string()) << name;
      EXPECT_EQ(b.is_number(), v.is_number()) << name;
      EXPECT_EQ(b.kind == BodyValue::Kind::Null, v.is_null()) << name;
    }
  }
}

TEST(DeskJson, AnImportRowIsStoredAsBefore) {
  // the row Desk::import_csv builds, typed, against the same row as nlohmann/json objects
  service::BodyFields row = {{"id", BodyValue::of("I1")},          {"requester", BodyValue::of("Mairie")},
                             {"pairs", BodyValue::of_int(2)},       {"protection", BodyValue::of("none")},
                             {"horizon_years", BodyValue::of_int(10)}, {"submitted", BodyValue::of("2026-01-01")},
                             {"value", BodyValue::of_real(1)},      {"lon", BodyValue::of_real(4.87)},
                             {"lat", BodyValue::of_real(46.33)},    {"destination", BodyValue::of("dorsale")}};
  const json old = {{"id", "I1"},        {"requester", "Mairie"},   {"pairs", 2},   {"protection", "none"}, {"horizon_years", 10},
                    {"submitted", "2026-01-01"}, {"value", 1.0}, {"lon", 4.87}, {"lat", 46.33},         {"destination", "dorsale"}};
  EXPECT_EQ(io::row_text(row), old.dump());
  EXPECT_NE(io::row_text(row).find("\"value\":1.0"), std::string::npos) << "a real stays a real";
}

TEST(DeskJson, BodiesAreReadAsTypedFields) {
  std::string error;
  auto f = io::parse_body_object(R"({"reason": "works", "n": 3, "u": null, "flag": true, "list": [1], "obj": {}})", &error);
  ASSERT_TRUE(f);
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(f->at("reason").text, "works");
  EXPECT_TRUE(f->at("n").is_number());
  EXPECT_EQ(f->at("u").kind, BodyValue::Kind::Null);
  for (const char* other : {"flag", "list", "obj"}) EXPECT_EQ(f->at(other).kind, BodyValue::Kind::Other) << other;
  // in name order, as the API lists a body's members
  std::vector<std::string> names;
  for (const auto& [k, v] : *f) names.push_back(k);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  // the fields of a request-file row: numbers as JSON writes them, null as empty; Other skipped
  const auto fields = io::row_fields(*f);
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, std::string>>{{"n", "3"}, {"reason", "works"}, {"u", ""}}));

  EXPECT_FALSE(io::parse_body_object("[1, 2]", &error)) << "not an object";
  EXPECT_TRUE(error.empty()) << "JSON, not malformed";
  EXPECT_FALSE(io::parse_body_object("{\"a\": ", &error));
  EXPECT_NE(error.find("parse error"), std::string::npos) << error;
  EXPECT_FALSE(io::parse_body_object("", nullptr));
}

TEST(DeskJson, AnAnswerIsItsDecisionRecordWithItsState) {
  service::RequestAnswer a;
  a.request.id = "R1";
  a.request.requester = "Doubs THD";
  a.request.pairs = 2;
  a.request.submitted = "2026-11-28";
  a.decision.id = "R1";
  a.decision.decision = Decision::Accept;
  a.decision.total_eur = 1234.5;
  a.decision.latency_ms = 0.75;
  a.status = service::RequestStatus::Held;
  a.owner = "alice";
  a.created = 1764350000;
  a.updated = a.created + 60;
  a.hold_expires = 0;
  a.row = io::row_from_text(stored_rows()[0]);
  const json j = json::parse(io::answer_json(a));
  // every key of decisions.json's record, with the same values
  InterconnectionResults res;
  res.requests = {a.request};
  res.decisions = {a.decision};
  const json record = viz::decisions_json(res).at(0);
  ASSERT_TRUE(record.is_object());
  for (const auto& [k, v] : record.items()) EXPECT_EQ(j.at(k), v) << k;
  EXPECT_EQ(j.at("status"), "held");
  EXPECT_EQ(j.at("owner"), "alice");
  EXPECT_TRUE(j.at("hold_expires").is_null());
  EXPECT_EQ(j.at("created"), service::iso_time(a.created));
  EXPECT_EQ(j.at("request").dump(), stored_rows()[0]);
  // the export's CSV reads the same answer (cost, latency, the row's site)
  const std::string csv = io::requests_csv({a}, ';');
  EXPECT_NE(csv.find("1234,5"), std::string::npos) << csv;
  EXPECT_NE(csv.find("nro:25-010"), std::string::npos) << csv;
  EXPECT_EQ(csv, io::requests_csv_of_json(json::array({j}).dump(), ';'));
}

// A body whose parse error quotes half of a two-byte UTF-8 character (found by fuzz_desk_http:
// fuzz/regressions/desk_http/): the error answer is still JSON, its bytes UTF-8, the half
// character written as U+FFFD; before, writing it threw and the desk answered 500.
TEST(DeskJson, AnErrorQuotingHalfACharacterIsStillAnswered) {
  std::string error;
  EXPECT_FALSE(io::parse_body_object("{\"id\":\"A9\",\xde\x96x}", &error));
  ASSERT_FALSE(error.empty());
  EXPECT_THROW((void)json(error).dump(), json::type_error) << "the premise: the parser's message is not UTF-8";
  std::string text;
  ASSERT_NO_THROW(text = io::error_json(400, "body", "malformed JSON: " + error));
  const json back = json::parse(text);  // throws if the bytes are not UTF-8
  EXPECT_EQ(back["error"]["status"], 400);
  EXPECT_EQ(back["error"]["field"], "body");
  EXPECT_NE(back["error"]["message"].get<std::string>().find("malformed JSON: "), std::string::npos);
  // a message that is already UTF-8 is written as it is
  EXPECT_EQ(json::parse(io::error_json(404, "id", "no request 'é'"))["error"]["message"], "no request 'é'");
}
