// quantities.csv and cost_mc.csv: RFC 4180 with ',' or ';' (then a decimal comma), numbers
// with the precision they carry (integers as integers, km to the metre, euros to the cent), read
// back equal to the figures they were written from, whichever the separator.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <sstream>

#include "planner/quantities.h"
#include "planner/towers.h"
#include "scenarios/scenario.h"
#include "test_support.h"
#include "viz/csv_format.h"
#include "viz/quantities_writer.h"

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
  mc.distribution = "triangular";
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

#ifdef DORSALE_BIN
TEST(CsvFormat, RunRefusesAnotherSeparator) {
  test::TempDir tmp;
  EXPECT_EQ(test::run_cli({"run", "--csv-sep", "|", "-o", (tmp.path() / "out").string()}, tmp.path() / "log"), 2);
  EXPECT_NE(test::slurp(tmp.path() / "log").find("--csv-sep"), std::string::npos) << test::slurp(tmp.path() / "log");
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out"));
}
#endif
