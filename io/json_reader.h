#pragma once
// Strict reading of the JSON files dorsale writes (guichet.json, towers.json, decisions.json,
// summary.json): every field present with its type, so that a truncated or edited file is an
// InputError naming the file and the field (e.g. "sets[2].by_year[0].subsidy.p10"), never a
// crash or a silent default.
#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "models/error.h"

namespace dorsale::viz {

struct JsonReader {
  using json = nlohmann::json;
  const std::string& file;

  [[noreturn]] void fail(const std::string& field, const std::string& what) const { throw InputError(file, 0, field, what); }
  static std::string path(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

  const json& at(const json& o, const std::string& key, const std::string& where) const {
    if (!o.is_object()) fail(where, "expects an object");
    auto it = o.find(key);
    if (it == o.end()) fail(path(where, key), "missing");
    return *it;
  }
  bool has(const json& o, const std::string& key) const { return o.is_object() && o.contains(key); }
  double number(const json& v, const std::string& where) const {
    if (!v.is_number()) fail(where, "expects a number");
    return v.get<double>();
  }
  std::int64_t integer(const json& v, const std::string& where, std::int64_t lo, std::int64_t hi) const {
    std::int64_t x = 0;
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > std::uint64_t(hi)) fail(where, fmt::format("{} is out of {}..{}", u, lo, hi));
      x = std::int64_t(u);
    } else if (v.is_number_integer()) {
      x = v.get<std::int64_t>();
    } else {
      fail(where, "expects a whole number");
    }
    if (x < lo || x > hi) fail(where, fmt::format("{} is out of {}..{}", x, lo, hi));
    return x;
  }
  bool boolean(const json& v, const std::string& where) const {
    if (!v.is_boolean()) fail(where, "expects true or false");
    return v.get<bool>();
  }
  std::string string(const json& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expects a string");
    return v.get<std::string>();
  }
  const json& array(const json& v, const std::string& where) const {
    if (!v.is_array()) fail(where, "expects an array");
    return v;
  }
  const json& array(const json& v, const std::string& where, std::size_t size) const {
    array(v, where);
    if (v.size() != size) fail(where, fmt::format("has {} entries, the header announces {}", v.size(), size));
    return v;
  }
  const json& object(const json& v, const std::string& where) const {
    if (!v.is_object()) fail(where, "expects an object");
    return v;
  }
  // The fields of an object, by key: number / integer / string.
  double number_at(const json& o, const std::string& key, const std::string& where) const {
    return number(at(o, key, where), path(where, key));
  }
  std::int64_t integer_at(const json& o, const std::string& key, const std::string& where, std::int64_t lo, std::int64_t hi) const {
    return integer(at(o, key, where), path(where, key), lo, hi);
  }
  std::string string_at(const json& o, const std::string& key, const std::string& where) const {
    return string(at(o, key, where), path(where, key));
  }
};

// Parses a whole document; a syntax error is an InputError naming the file and `what` it
// should have been ("a towers.json document").
nlohmann::json parse_json_document(const std::string& text, const std::string& file, const std::string& what);
// The text of a file, or nullopt-like empty flag: returns false when the file does not exist.
bool read_text_file(const std::string& file, std::string& text);

}  // namespace dorsale::viz
