#pragma once
// Named parameters. Every number a user might question (a cost, a rate, a share, a radius) is
// registered here once with its unit, default and source ("seed: ..." for the SCORAN 2019,
// "open data: ..." or "assumption"), so scenarios can override it by key and the docs list it.
// `dorsale params --markdown` prints the registry; scenarios/README.md holds that table.
#include <map>
#include <string>
#include <vector>

namespace dorsale {

enum class ParamKind { Number, Integer, Series, Text };

struct ParamSpec {
  std::string key;  // "section.name", the TOML table and key in a scenario file
  ParamKind kind = ParamKind::Number;
  std::string unit;
  std::string source;
  std::string doc;
  double min = 0, max = 0;               // inclusive range for numbers and series elements
  double default_number = 0;
  std::vector<double> default_series;
  std::string default_text;
  std::vector<std::string> choices;      // allowed values of a Text parameter
  bool fixed_length = true;              // a Series must keep its default's length
};

class Parameters {
 public:
  Parameters();  // every parameter at its default

  static const std::vector<ParamSpec>& registry();
  static const ParamSpec* find_spec(const std::string& key);

  double number(const std::string& key) const;  // Number or Integer
  long integer(const std::string& key) const;
  const std::vector<double>& series(const std::string& key) const;
  const std::string& text(const std::string& key) const;

  // Setters check the key exists, the kind matches and the value is in range; they throw
  // ValidationError("parameter <key>", <key>, why) otherwise.
  void set_number(const std::string& key, double v);
  void set_series(const std::string& key, std::vector<double> v);
  void set_text(const std::string& key, const std::string& v);

  // Keys whose value differs from the default (for provenance in outputs).
  std::vector<std::string> overridden() const;

 private:
  const ParamSpec& spec_of(const std::string& key, ParamKind want) const;
  std::map<std::string, double> numbers_;
  std::map<std::string, std::vector<double>> series_;
  std::map<std::string, std::string> texts_;
};

// Markdown table of the registry (key, unit, default, range, source, meaning).
std::string parameters_markdown();

}  // namespace dorsale
