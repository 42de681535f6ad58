// The desk's token file: SHA-256 only, roles checked, every bad entry named.
#include <fstream>

#include "desk_fixture.h"

namespace dorsale::test {
namespace {

std::string write_file(const std::filesystem::path& dir, const std::string& text) {
  const auto p = dir / "tokens.toml";
  std::ofstream(p) << text;
  return p.string();
}

TEST(DeskTokens, AFileOfHashesAuthenticatesItsTokensOnly) {
  const auto dir = fresh_dir("tokens");
  const auto path = write_file(dir, "[[token]]\nname = \"alice\"\nrole = \"requester\"\nsha256 = \"" + service::sha256_hex_of("s3cret") +
                                        "\"\n[[token]]\nname = \"eng\"\nrole = \"engineer\"\nsha256 = \"" +
                                        service::sha256_hex_of("other") + "\"\n");
  EXPECT_EQ(slurp(path).find("s3cret"), std::string::npos);
  const auto store = service::TokenStore::load(path);
  EXPECT_EQ(store.size(), 2u);
  const auto alice = store.authenticate("Bearer s3cret");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->role, service::Role::Requester);
  EXPECT_EQ(store.authenticate("Bearer other")->role, service::Role::Engineer);
  EXPECT_FALSE(store.authenticate("Bearer s3cre"));
  EXPECT_FALSE(store.authenticate("s3cret")) << "the Bearer scheme is required";
  EXPECT_FALSE(store.authenticate("Bearer "));
  EXPECT_FALSE(store.authenticate(""));
  EXPECT_FALSE(store.authenticate("Bearer " + service::sha256_hex_of("s3cret"))) << "the hash is not a token";
  std::filesystem::remove_all(dir);
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST(DeskTokens, ABadEntryIsAnErrorNamingIt) {
  const auto dir = fresh_dir("tokens-bad");
  const std::string good = service::sha256_hex_of("x");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[[token]]\nname = \"a\"\nrole = \"admin\"\nsha256 = \"" + good + "\"\n", "token[1].role"},
      {"[[token]]\nname = \"a\"\nrole = \"engineer\"\nsha256 = \"abc\"\n", "token[1].sha256"},
      {"[[token]]\nname = \"a\"\nrole = \"engineer\"\n", "token[1].sha256"},
      {"[[token]]\nname = \"a\"\nrole = \"engineer\"\nsha256 = \"" + good + "\"\n[[token]]\nname = \"a\"\nrole = \"engineer\"\nsha256 = \"" + good + "\"\n",
       "token[2].name"},
      {"name = \"a\"\n", "token"},
      // one token under two names, or two roles: refused, not "the last wins"
      {"[[token]]\nname = \"a\"\nrole = \"requester\"\nsha256 = \"" + good + "\"\n[[token]]\nname = \"b\"\nrole = \"engineer\"\nsha256 = \"" + good + "\"\n",
       "token[2].sha256"},
      {"[[token]]\nname = \"a\"\nrole = \"requester\"\nsha256 = \"" + good + "\"\n[[token]]\nname = \"b\"\nrole = \"requester\"\nsha256 = \"" + upper(good) + "\"\n",
       "token[2].sha256"}};
  for (const auto& [text, field] : cases) {
    const auto path = write_file(dir, text);
    const InputError e = input_error_of([&] { service::TokenStore::load(path); });
    EXPECT_EQ(e.field(), field) << text;
  }
  std::filesystem::remove_all(dir);
}

TEST(DeskTokens, OneTokenCannotBeAddedUnderTwoNames) {
  service::TokenStore store;
  store.add("alice", service::Role::Requester, service::sha256_hex_of("t"));
  EXPECT_THROW(store.add("eng", service::Role::Engineer, service::sha256_hex_of("t")), InputError);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.authenticate("Bearer t")->role, service::Role::Requester);
}

}  // namespace
}  // namespace dorsale::test
