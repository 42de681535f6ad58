#include "models/parameters.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "models/error.h"
#include "models/param_table.h"

namespace dorsale {

namespace {

// The registry, section by section, in the order of the generated table (scenarios/README.md);
// the sections are in models/param_sections_region.cpp and models/param_sections_plan.cpp.
std::vector<ParamSpec> make_registry() {
  using namespace param_table;
  std::vector<ParamSpec> all;
  for (auto section : {&calibration_specs, &mobile_specs, &network_specs, &interconnect_specs, &desk_specs, &targets_specs, &rollout_specs, &alternatives_specs, &towers_specs, &guichet_specs, &opendata_specs})
    for (auto& s : section()) all.push_back(std::move(s));
  for (auto& s : quantities_specs()) all.push_back(std::move(s));
  for (auto& s : pace_specs()) all.push_back(std::move(s));
  apply_cost_ranges(all);
  return all;
}

}  // namespace

const std::vector<ParamSpec>& Parameters::registry() {
  static const std::vector<ParamSpec> r = make_registry();
  return r;
}

const ParamSpec* Parameters::find_spec(const std::string& key) {
  static const std::unordered_map<std::string, const ParamSpec*> index = [] {
    std::unordered_map<std::string, const ParamSpec*> m;
    for (const auto& s : registry()) m.emplace(s.key, &s);
    return m;
  }();
  const auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

Parameters::Parameters() {
  for (const auto& s : registry()) {
    switch (s.kind) {
      case ParamKind::Number: s.number_field(*this) = s.default_number; break;
      case ParamKind::Integer: s.integer_field(*this) = std::lround(s.default_number); break;
      case ParamKind::Series: s.series_field(*this) = s.default_series; break;
      case ParamKind::Text: s.put_text(*this, s.default_text); break;
    }
  }
}

namespace {

const ParamSpec& spec_of(const std::string& key, ParamKind want) {
  const ParamSpec* s = Parameters::find_spec(key);
  if (!s) throw ValidationError("parameter " + key, key, "unknown parameter");
  const bool numeric_ok = (want == ParamKind::Number && (s->kind == ParamKind::Number || s->kind == ParamKind::Integer));
  if (s->kind != want && !numeric_ok) {
    static const char* kinds[] = {"a number", "an integer", "a list of numbers", "a string"};
    throw ValidationError("parameter " + key, key, fmt::format("expects {}", kinds[static_cast<int>(s->kind)]));
  }
  return *s;
}

}  // namespace

double Parameters::number(const std::string& key) const {
  const ParamSpec& s = spec_of(key, ParamKind::Number);
  auto& self = const_cast<Parameters&>(*this);
  return s.kind == ParamKind::Integer ? double(s.integer_field(self)) : s.number_field(self);
}

void Parameters::set_number(const std::string& key, double v) {
  const ParamSpec& s = spec_of(key, ParamKind::Number);
  const std::string who = "parameter " + key;
  if (!std::isfinite(v)) throw ValidationError(who, key, "not a finite number");
  if (s.kind == ParamKind::Integer && v != std::floor(v))
    throw ValidationError(who, key, fmt::format("{} is not a whole number", v));
  if (v < s.min || v > s.max)
    throw ValidationError(who, key, fmt::format("{} is outside [{}, {}] {}", v, s.min, s.max, s.unit));
  if (s.kind == ParamKind::Integer)
    s.integer_field(*this) = std::lround(v);
  else
    s.number_field(*this) = v;
}

void Parameters::set_series(const std::string& key, std::vector<double> v) {
  const ParamSpec& s = spec_of(key, ParamKind::Series);
  const std::string who = "parameter " + key;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]) || v[i] < s.min || v[i] > s.max)
      throw ValidationError(who, key, fmt::format("element {} = {} is outside [{}, {}] {}", i + 1, v[i], s.min, s.max, s.unit));
  if (s.fixed_length && !s.default_series.empty() && v.size() != s.default_series.size())
    throw ValidationError(who, key, fmt::format("expects {} values, got {}", s.default_series.size(), v.size()));
  s.series_field(*this) = std::move(v);
}

void Parameters::set_text(const std::string& key, const std::string& v) {
  const ParamSpec& s = spec_of(key, ParamKind::Text);
  if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end())
    throw ValidationError("parameter " + key, key, fmt::format("'{}' is not one of: {}", v, fmt::join(s.choices, ", ")));
  s.put_text(*this, v);
}

std::vector<std::string> Parameters::overridden() const {
  std::vector<std::string> out;
  auto& self = const_cast<Parameters&>(*this);
  for (const auto& s : registry()) {
    bool differs = false;
    switch (s.kind) {
      case ParamKind::Number: differs = s.number_field(self) != s.default_number; break;
      case ParamKind::Integer: differs = double(s.integer_field(self)) != s.default_number; break;
      case ParamKind::Series: differs = s.series_field(self) != s.default_series; break;
      case ParamKind::Text: differs = s.get_text(self) != s.default_text; break;
    }
    if (differs) out.push_back(s.key);
  }
  return out;
}

std::string parameters_markdown() {
  std::string out =
      "| key | unit | default | range | source | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& s : Parameters::registry()) {
    std::string def, range;
    switch (s.kind) {
      case ParamKind::Number: def = fmt::format("{}", s.default_number); break;
      case ParamKind::Integer: def = fmt::format("{}", std::lround(s.default_number)); break;
      case ParamKind::Series: def = fmt::format("[{}]", fmt::join(s.default_series, ", ")); break;
      case ParamKind::Text: def = "\"" + s.default_text + "\""; break;
    }
    if (s.kind == ParamKind::Text)
      range = fmt::format("{}", fmt::join(s.choices, " / "));
    else
      range = fmt::format("{} – {}", s.min, s.max >= 1e17 ? std::string("∞") : fmt::format("{}", s.max));
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", s.key, s.unit, def, range, s.source, s.doc);
  }
  out += "\n### Cost parameters: plausible range and source (the cost Monte Carlo draws over low – high)\n\n"
         "| key | unit | default | low | high | source |\n|---|---|---|---|---|---|\n";
  for (const auto& s : Parameters::registry())
    if (s.has_range) out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", s.key, s.unit, s.default_number, s.low, s.high, s.source);
  return out;
}

}  // namespace dorsale
