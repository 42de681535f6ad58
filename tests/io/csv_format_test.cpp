// quantities.csv and cost_mc.csv: RFC 4180 with ',' or ';' (then a decimal comma), numbers
// with the precision they carry (integers as integers, km to the metre, euros to the cent), read
// back equal to the figures they were written from, whichever the separator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "io/spelling.h"
#include "planner/quantities.h"
#include "planner/towers.h"
#include "io/scenario.h"
#include "io/desk_json.h"
#include "test_support.h"
#include "io/csv_format.h"
#include "io/interconnect_writer.h"
#include "io/quantities_writer.h"
#include "io/reasons.h"

using namespace dorsale;

namespace {

const BillOfQuantities& bill() {
  static const BillOfQuantities b = [] {
    const auto s = scenarios::builtin_scenario("bfc-2022");
    return planner::bill_of_quantities(test::builtin_bfc(), s.params, test::builtin_bfc_results(), std::nullopt);
  }();
  return b;
}

// The fields of a line split as a spreadsheet would (RFC 4180 quotes).
std::vector<std::string> fields(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  bool q = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (q && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
    else if (c == '"') q = !q;
    else if (c == sep && !q) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST(CsvFormat, QuantitiesReadBackEqualTheBillWithEitherSeparator) {
  ASSERT_FALSE(bill().rows.empty());
  for (const char sep : {',', ';'}) {
    const viz::CsvFormat f{sep};
    const std::string text = viz::quantities_csv(bill().rows, f);
    const auto ls = lines(text);
    ASSERT_EQ(ls.size(), bill().rows.size() + 1);
    const auto header = fields(ls[0], sep);
    EXPECT_EQ(header.size(), 21u) << "the header split on '" << sep << "'";
    for (std::size_t n = 1; n < ls.size(); ++n) {
      const auto row = fields(ls[n], sep);
      ASSERT_EQ(row.size(), header.size()) << ls[n];
      for (std::size_t c = 2; c < row.size(); ++c) {
        // a number as a French or an English spreadsheet reads it: digits, one decimal mark of
        // the format, at most 3 decimals (km) or 2 (euros), never the other mark
        const std::regex number(sep == ';' ? R"(-?[0-9]+(,[0-9]{1,3})?)" : R"(-?[0-9]+(\.[0-9]{1,3})?)");
        EXPECT_TRUE(std::regex_match(row[c], number)) << header[c] << " = '" << row[c] << "' in " << ls[n];
      }
    }
    const auto back = viz::quantities_from_csv_text(text, "quantities.csv");
    ASSERT_EQ(back.size(), bill().rows.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
      const auto &a = back[i], &b = bill().rows[i];
      EXPECT_EQ(a.year, b.year);
      EXPECT_EQ(a.departement, b.departement);
      EXPECT_EQ(a.premises_passed_public, b.premises_passed_public);
      EXPECT_EQ(a.premises_passed_private, b.premises_passed_private);
      EXPECT_EQ(a.premises_alternatives, b.premises_alternatives);
      EXPECT_EQ(a.nros, b.nros);
      EXPECT_EQ(a.pms, b.pms);
      EXPECT_EQ(a.masts, b.masts);
      EXPECT_NEAR(a.trench_km, b.trench_km, 0.0005 + 1e-9) << "km to the metre";
      EXPECT_NEAR(a.duct_km, b.duct_km, 0.0005 + 1e-9);
      for (int k = 0; k < kCableClassCount; ++k) EXPECT_NEAR(a.cable_km[k], b.cable_km[k], 0.0005 + 1e-9);
      EXPECT_NEAR(a.public_ftth_eur, b.public_ftth_eur, 0.005 + 1e-6) << "euros to the cent";
      EXPECT_NEAR(a.collecte_eur, b.collecte_eur, 0.005 + 1e-6);
      EXPECT_NEAR(a.private_ftth_eur, b.private_ftth_eur, 0.005 + 1e-6);
      EXPECT_NEAR(a.alternatives_eur, b.alternatives_eur, 0.005 + 1e-6);
    }
    // written again from what was read: the same text (the precision is stable)
    EXPECT_EQ(viz::quantities_csv(back, f), text);
  }
  // the two files hold the same numbers: ';' and decimal comma are the only difference
  std::string semi = viz::quantities_csv(bill().rows, viz::CsvFormat{';'});
  for (auto& c : semi) c = c == ',' ? '.' : c == ';' ? ',' : c;
  EXPECT_EQ(semi, viz::quantities_csv(bill().rows));
}

TEST(CsvFormat, FieldsHoldingTheSeparatorOrQuotesAreQuotedAndReadBack) {
  CostMonteCarlo mc;
  mc.distribution = param::McDistribution::Triangular;
  mc.draws = 1000;
  mc.seed = 12345678901234ULL;
  mc.spends.push_back({"public; with \"quotes\", and commas", 1234567.891, 1000000.004, 1200000.5, 1400000.0});
  for (const char sep : {',', ';'}) {
    const std::string text = viz::cost_mc_csv(mc, viz::CsvFormat{sep});
    const auto ls = lines(text);
    ASSERT_EQ(ls.size(), 2u);
    const auto row = fields(ls[1], sep);
    ASSERT_EQ(row.size(), 8u) << ls[1];
    EXPECT_EQ(row[0], mc.spends[0].measure);
    EXPECT_EQ(row[1], sep == ';' ? "1234567,89" : "1234567.89") << "euros to the cent";
    EXPECT_EQ(row[6], "1000") << "an integer as an integer";
    EXPECT_EQ(row[7], "12345678901234");
    const auto back = viz::cost_mc_from_csv_text(text, "cost_mc.csv");
    ASSERT_EQ(back.spends.size(), 1u);
    EXPECT_EQ(back.spends[0].measure, mc.spends[0].measure);
    EXPECT_NEAR(back.spends[0].plan_eur, mc.spends[0].plan_eur, 0.005);
    EXPECT_NEAR(back.spends[0].p10, mc.spends[0].p10, 0.005);
    EXPECT_EQ(back.draws, mc.draws);
    EXPECT_EQ(back.seed, mc.seed);
  }
  EXPECT_EQ(viz::csv_field("plain", viz::CsvFormat{';'}), "plain");
  EXPECT_EQ(viz::csv_field("a,b", viz::CsvFormat{';'}), "a,b") << "a comma is plain text in a ';' file";
  EXPECT_EQ(viz::csv_field("a\nb", viz::CsvFormat{','}), "\"a\nb\"");
  EXPECT_EQ(viz::csv_number(-0.0001, 2, viz::CsvFormat{','}), "0.00") << "no negative zero";
}

// A number written with the separator's decimal mark, read back.
double number_of(std::string s, char sep) {
  if (sep == ';') std::replace(s.begin(), s.end(), ',', '.');
  return std::stod(s);
}

TEST(CsvFormat, InterconnectDecisionsReadBackWithEitherSeparator) {
  InterconnectionResults res;
  InterconnectionRequest a;
  a.id = "R1", a.requester = "Parc d'activités \"Est\"; Mâcon, zone 2", a.site_node = "nro:25-010", a.pairs = 4, a.protection = Protection::Diverse;
  a.destination = {Destination::Kind::Hub, "Paris"};
  InterconnectionRequest b;
  b.id = "R2", b.requester = "Doubs THD";
  res.requests = {a, b};
  InterconnectionDecision da;
  da.id = "R1", da.decision = Decision::AcceptWithWorks, da.capex_eur = 12345.675, da.opex_eur = 0.5, da.total_eur = 12346.175, da.latency_ms = 1.23456;
  da.new_build_km = 3.2105, da.builds = {"L1", "L2"}, da.reasons = std::vector<std::string>{"needs works; 3.2 km", "a \"diverse\", second route"};
  InterconnectionDecision db;
  db.id = "R2", db.decision = Decision::Reject, db.reasons = std::vector<std::string>{"no free pair"};
  res.decisions = {da, db};
  for (const char sep : {',', ';'}) {
    const auto ls = lines(viz::decisions_csv(res, sep));
    ASSERT_EQ(ls.size(), 3u) << sep;
    const auto head = fields(ls[0], sep);
    ASSERT_EQ(head.size(), 14u) << ls[0];
    const auto col = [&](const std::string& name) { return std::size_t(std::find(head.begin(), head.end(), name) - head.begin()); };
    for (std::size_t r = 0; r < 2; ++r) {
      const auto f = fields(ls[r + 1], sep);
      ASSERT_EQ(f.size(), head.size()) << ls[r + 1];
      const auto& d = res.decisions[r];
      const auto& q = res.requests[r];
      EXPECT_EQ(f[col("id")], d.id);
      EXPECT_EQ(f[col("requester")], q.requester) << "quoted and read back";
      EXPECT_EQ(f[col("decision")], io::spell(d.decision));
      EXPECT_EQ(f[col("protection")], io::spell(q.protection));
      EXPECT_EQ(std::stoi(f[col("pairs")]), q.pairs);
      EXPECT_NEAR(number_of(f[col("capex_eur")], sep), d.capex_eur, 0.005 + 1e-9);
      EXPECT_NEAR(number_of(f[col("total_eur")], sep), d.total_eur, 0.005 + 1e-9);
      EXPECT_NEAR(number_of(f[col("latency_ms")], sep), d.latency_ms, 0.0005 + 1e-12);
      EXPECT_NEAR(number_of(f[col("new_build_km")], sep), d.new_build_km, 0.0005 + 1e-12);
      std::string reasons;
      for (const auto& x : d.reasons) reasons += (reasons.empty() ? "" : "; ") + io::reason_text(x);
      EXPECT_EQ(f[col("reasons")], reasons);
      if (sep == ';') EXPECT_EQ(f[col("total_eur")].find('.'), std::string::npos) << "a decimal comma with ';'";
    }
    EXPECT_EQ(fields(ls[1], sep)[col("destination")], "hub:Paris");
  }
}

TEST(CsvFormat, DeskExportTakesASemicolon) {
  const auto items = nlohmann::json::parse(R"([
    {"id": "R1", "status": "held", "decision": "accept", "owner": "alice", "created": "2026-01-02", "updated": "2026-01-03",
     "hold_expires": "2026-02-01", "cost_eur": {"total": 1234.5}, "latency_ms": 0.75,
     "request": {"requester": "Mairie; \"Est\", Dijon", "site": "nro:21-001", "destination": "dorsale", "pairs": 2, "submitted": "2026-01-01"}},
    {"id": "R2", "status": "declined", "decision": "reject", "owner": "bob", "created": "2026-01-02", "updated": "2026-01-03",
     "hold_expires": null, "cost_eur": {"total": 0}, "latency_ms": 12,
     "request": {"requester": "=cmd", "site": "x", "destination": "Paris", "pairs": 1, "submitted": "2026-01-01"}}
  ])");
  for (const char sep : {',', ';'}) {
    const auto ls = lines(io::requests_csv_of_json(items.dump(), sep));
    ASSERT_EQ(ls.size(), 3u);
    const auto head = fields(ls[0].substr(0, ls[0].find('\r')), sep);
    ASSERT_EQ(head.size(), 15u) << ls[0];
    const auto col = [&](const std::string& name) { return std::size_t(std::find(head.begin(), head.end(), name) - head.begin()); };
    for (std::size_t r = 0; r < 2; ++r) {
      const auto f = fields(ls[r + 1].substr(0, ls[r + 1].find('\r')), sep);
      ASSERT_EQ(f.size(), head.size()) << ls[r + 1];
      const auto& it = items[r];
      EXPECT_EQ(f[col("id")], it["id"]);
      EXPECT_EQ(f[col("status")], it["status"]);
      EXPECT_DOUBLE_EQ(number_of(f[col("cost_eur_total")], sep), it["cost_eur"]["total"].get<double>());
      EXPECT_DOUBLE_EQ(number_of(f[col("latency_ms")], sep), it["latency_ms"].get<double>());
    }
    EXPECT_EQ(fields(ls[1].substr(0, ls[1].find('\r')), sep)[col("requester")], "Mairie; \"Est\", Dijon") << "quoted and read back";
    EXPECT_EQ(fields(ls[2].substr(0, ls[2].find('\r')), sep)[col("requester")], "'=cmd") << "a formula is defused";
  }
}

#ifdef DORSALE_BIN
TEST(CsvFormat, InterconnectWritesDecisionsCsvEqualToDecisionsJson) {
  test::TempDir tmp;
  const std::string requests = std::string(DORSALE_SOURCE_DIR) + "/scenarios/requests-example.csv";
  EXPECT_EQ(test::run_cli({"interconnect", requests, "--csv-sep", "|", "-o", (tmp.path() / "bad").string()}, tmp.path() / "log"), 2);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "bad"));
  ASSERT_EQ(test::run_cli({"interconnect", requests, "--csv-sep", ";", "-o", (tmp.path() / "o").string()}, tmp.path() / "log"), 0)
      << test::slurp(tmp.path() / "log");
  const auto j = nlohmann::json::parse(test::slurp(tmp.path() / "o" / "decisions.json"));
  const auto ls = lines(test::slurp(tmp.path() / "o" / "decisions.csv"));
  ASSERT_EQ(ls.size(), j.size() + 1);
  ASSERT_GE(j.size(), 2u);
  const auto head = fields(ls[0], ';');
  const auto col = [&](const std::string& name) { return std::size_t(std::find(head.begin(), head.end(), name) - head.begin()); };
  for (std::size_t r = 0; r < j.size(); ++r) {
    const auto f = fields(ls[r + 1], ';');
    ASSERT_EQ(f.size(), head.size()) << ls[r + 1];
    EXPECT_EQ(f[col("id")], j[r]["id"]);
    EXPECT_EQ(f[col("decision")], j[r]["decision"]);
    EXPECT_NEAR(number_of(f[col("total_eur")], ';'), j[r]["cost_eur"]["total"].get<double>(), 0.005 + 1e-9);
  }
}
#endif

#ifdef DORSALE_BIN
TEST(CsvFormat, RunRefusesAnotherSeparator) {
  test::TempDir tmp;
  EXPECT_EQ(test::run_cli({"run", "--csv-sep", "|", "-o", (tmp.path() / "out").string()}, tmp.path() / "log"), 2);
  EXPECT_NE(test::slurp(tmp.path() / "log").find("--csv-sep"), std::string::npos) << test::slurp(tmp.path() / "log");
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out"));
}
#endif
