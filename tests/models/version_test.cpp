// The version comes from project(dorsale VERSION ...) of CMakeLists.txt through the one
// generated source (build/generated/models/version.cpp), and every run records it.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "models/results.h"
#include "models/version.h"
#include "test_support.h"

TEST(Version, IsTheProjectVersionAndRunsRecordIt) {
  const std::string cmake = dorsale::test::slurp(std::string(DORSALE_SOURCE_DIR) + "/CMakeLists.txt");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(cmake, m, std::regex(R"(project\(dorsale VERSION ([0-9][0-9.]*))")));
  EXPECT_EQ(std::string(dorsale::version()), m[1].str());
  EXPECT_EQ(dorsale::RunInfo{}.version, m[1].str());
}
