// The checks shared by the text readers: UTF-8 validity with the line of the first bad byte,
// line length, TOML nesting depth, integers without overflow.
#include "io/text.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/error.h"
#include "io/csv.h"
#include "test_support.h"

using namespace dorsale;
using namespace dorsale::scenarios;

namespace {

template <class F>
InputError error_of(F f) {
  return test::input_error_of([&] { f(); });
}

}  // namespace

TEST(Text, Utf8AcceptsWellFormedTextAndNamesTheLineOfTheFirstBadByte) {
  EXPECT_NO_THROW(check_utf8("a\nR\xC3\xA9seau \xE2\x80\xAF \xF0\x9F\x93\xA1\n", "f"));
  auto e = error_of([] { check_utf8("id,site\nr1,R\xE9seau\n", "req.csv"); });  // Latin-1 é
  EXPECT_EQ(e.file(), "req.csv");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("not UTF-8, line 2"), std::string::npos) << e.what();
  // overlong '/', a UTF-16 surrogate, a code point above U+10FFFF, a truncated sequence
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "x\xE2\x82"})
    EXPECT_THROW(check_utf8(bad, "f"), InputError) << bad;
  EXPECT_EQ(error_of([] { check_utf8("ok\n\xFF", "f", 10); }).line(), 11);
}

TEST(Text, LineLongerThanOneMebibyteIsAnErrorNamingTheLine) {
  const std::string text = "a\nb\n" + std::string(kMaxLineBytes + 1, 'x') + "\n";
  EXPECT_EQ(error_of([&] { check_line_lengths(text, "f"); }).line(), 3);
  EXPECT_NO_THROW(check_line_lengths("a\n" + std::string(kMaxLineBytes, 'x'), "f"));
  // the CSV reader stops at the limit instead of reading the whole line into memory
  test::TempDir tmp;
  const auto f = tmp.path() / "long.csv";
  std::ofstream(f) << "id,x,y\n" << std::string(3 * kMaxLineBytes, '1') << "\n";
  auto e = error_of([&] { read_csv(f.string(), ','); });
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("longer than"), std::string::npos) << e.what();
}

TEST(Text, CsvReaderRefusesLatin1NamingTheLine) {
  test::TempDir tmp;
  const auto f = tmp.path() / "c.csv";
  std::ofstream(f) << "id,x,y\na,1,2\nb\xE9,3,4\n";
  auto e = error_of([&] { read_csv(f.string(), ','); });
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos);
}

TEST(Text, TomlNestingCountsValuesNotHeadersStringsOrComments) {
  EXPECT_NO_THROW(check_toml_text("[a]\n[[b]]\nx = [[1, 2], [3]]\ns = \"[[[[[[\"\n# [[[[[[[\nt = '''\n[[[[\n'''\n", "f", 2));
  EXPECT_EQ(error_of([] { check_toml_text("[a]\nx = 1\ny = [[[1]]]\n", "f", 2); }).line(), 3);
  EXPECT_EQ(error_of([] { check_toml_text("y = [\n [\n  {a = [1]}\n ]\n]\n", "f", 3); }).line(), 3);
  const std::string deep = "x = " + std::string(2000, '[') + std::string(2000, ']');
  auto e = error_of([&] { check_toml_text(deep, "deep.toml"); });
  EXPECT_EQ(e.file(), "deep.toml");
  EXPECT_EQ(e.line(), 1);
}

TEST(Text, IntegersAreParsedWithoutOverflow) {
  EXPECT_EQ(parse_int64("9223372036854775807"), 9223372036854775807LL);
  EXPECT_EQ(parse_int64("-12"), -12);
  EXPECT_EQ(parse_int64("+12"), 12);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("9999999999999999999"));
  EXPECT_FALSE(parse_int64("12a"));
  EXPECT_FALSE(parse_int64(""));
  EXPECT_FALSE(parse_uint64("-1"));
  EXPECT_EQ(parse_uint64("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(parse_uint64("18446744073709551616"));
}

TEST(Text, ReadTextFileSaysCannotOpenForMissingFolderAndSymlinkLoop) {
  test::TempDir tmp;
  std::filesystem::create_symlink(tmp.path() / "a", tmp.path() / "b");
  std::filesystem::create_symlink(tmp.path() / "b", tmp.path() / "a");
  for (const auto& p : {tmp.path() / "a", tmp.path() / "missing", tmp.path()}) {
    auto e = error_of([&] { read_text_file(p.string(), "the file"); });
    EXPECT_EQ(e.file(), p.string());
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos) << e.what();
  }
}

TEST(Text, TomlBinaryIntegerOfMoreThan62DigitsIsRefusedBeforeToml11) {
  // toml11 doubles a signed place value after each digit of a 0b literal without an overflow
  // check: 63 digits were undefined behaviour (UBSan)
  for (const auto& lit : {std::string(63, '1'), "0" + std::string(62, '1'), std::string(40, '1') + "_" + std::string(23, '0')}) {
    auto e = error_of([&] { check_toml_text("a = 1\nx = 0b" + lit + "\n", "f"); });
    EXPECT_EQ(e.line(), 2) << lit;
  }
  EXPECT_NO_THROW(check_toml_text("x = 0b" + std::string(62, '1') + "\ny = 0b1_0\n", "f"));
  EXPECT_NO_THROW(check_toml_text("s = \"0b" + std::string(80, '1') + "\"\n", "f"));
}

TEST(Text, ReadTextFileStopsAnEndlessDeviceAtTheSizeLimit) {
  // /dev/zero has no end and no newline: refused after max_bytes, not read until memory runs out
  auto e = error_of([] { read_text_file("/dev/zero", "the request file", 4 << 20); });
  EXPECT_EQ(e.file(), "/dev/zero");
  EXPECT_NE(std::string(e.what()).find("larger than 4 MiB"), std::string::npos) << e.what();
  test::TempDir tmp;
  std::ofstream(tmp.path() / "big.csv") << std::string(2 << 20, 'x');
  e = error_of([&] { read_text_file((tmp.path() / "big.csv").string(), "the request file", 1 << 20); });
  EXPECT_NE(std::string(e.what()).find("larger than 1 MiB"), std::string::npos) << e.what();
}

TEST(Text, CsvHeaderWithAColumnTwiceIsRefusedNamingIt) {
  test::TempDir tmp;
  const auto f = tmp.path() / "twice.csv";
  std::ofstream(f) << "id;cb_capafo;x;cb_capafo\na;12;1;48\n";
  auto e = error_of([&] { read_csv(f.string(), ';'); });
  EXPECT_EQ(e.file(), f.string());
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.field(), "cb_capafo");
  EXPECT_NE(std::string(e.what()).find("columns 2 and 4"), std::string::npos) << e.what();
  // the same names once each, or blank header cells, are fine
  std::ofstream(f) << "id;cb_capafo;;\na;12;;\n";
  EXPECT_EQ(read_csv(f.string(), ';').column("cb_capafo"), 1);
}

TEST(Text, NumbersAreDecimalOnlyAndWithinTheFieldsRange) {
  EXPECT_DOUBLE_EQ(parse_number("12,5", "f", 2, "x", 0, 100), 12.5);
  EXPECT_DOUBLE_EQ(parse_number(" -3.25 ", "f", 2, "x", -10, 10), -3.25);
  EXPECT_DOUBLE_EQ(parse_number("+1.5e2", "f", 2, "x", 0, 1000), 150);
  // C float spellings that strtod accepts
  for (const char* bad : {"0x10", "0X1p4", "inf", "-infinity", "nan", "NAN(1)", ".5", "5.", "1e", "1e+", "--1", "1.2.3", "1 000"}) {
    auto e = error_of([&] { parse_number(bad, "f.csv", 7, "length", -1e9, 1e9); });
    EXPECT_EQ(e.line(), 7) << bad;
    EXPECT_EQ(e.field(), "length") << bad;
    EXPECT_NE(std::string(e.what()).find("not a decimal number"), std::string::npos) << bad << ": " << e.what();
    EXPECT_FALSE(is_decimal_number(bad)) << bad;
  }
  // finite but out of range, and beyond a double
  for (const char* big : {"1e308", "1e999", "-1000000000.5"}) {
    auto e = error_of([&] { parse_number(big, "f.csv", 3, "length", -1e9, 1e9); });
    EXPECT_NE(std::string(e.what()).find("outside the range"), std::string::npos) << big << ": " << e.what();
  }
}
