#include "io/json_reader.h"

#include <fstream>
#include <sstream>

namespace dorsale::viz {

nlohmann::json parse_json_document(const std::string& text, const std::string& file, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, 0, "", fmt::format("not {}: {}", what, e.what()));
  }
}

bool read_text_file(const std::string& file, std::string& text) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

}  // namespace dorsale::viz
