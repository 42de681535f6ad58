#pragma once
// The parameter registry's record builders (models/parameters.cpp and its sections
// models/param_sections_*.cpp): one ParamSpec per parameter, written once with its key, field,
// default, unit, range, source and doc. Internal to models/: not a public header.
#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/parameters.h"

namespace dorsale::param_table {

// The key and the field of one parameter, written once: P(costs, build_eur_per_km).
#define P(section, field) #section "." #field, [](Parameters& p) -> auto& { return p.section.field; }

inline ParamSpec base(std::string key, ParamKind kind, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s;
  s.key = std::move(key);
  s.kind = kind;
  s.unit = std::move(unit);
  s.min = lo;
  s.max = hi;
  s.source = std::move(source);
  s.doc = std::move(doc);
  return s;
}

template <class F>
ParamSpec num(std::string key, F field, double def, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Number, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.number_field = field;
  s.default_number = def;
  return s;
}

template <class F>
ParamSpec integer(std::string key, F field, long def, std::string unit, double lo, double hi, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Integer, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.integer_field = field;
  s.default_number = double(def);
  return s;
}

template <class F>
ParamSpec series(std::string key, F field, std::vector<double> def, std::string unit, double lo, double hi, std::string source,
                 std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Series, std::move(unit), lo, hi, std::move(source), std::move(doc));
  s.series_field = field;
  s.default_series = std::move(def);
  return s;
}

// A Text parameter: a string field, or an enum field whose values are the choices in order
// (io/spelling.h spells the same enum for the files; a test checks both lists agree).
template <class F>
ParamSpec text(std::string key, F field, std::string def, std::vector<std::string> choices, std::string source, std::string doc) {
  ParamSpec s = base(std::move(key), ParamKind::Text, "", 0, 0, std::move(source), std::move(doc));
  using T = std::remove_reference_t<decltype(field(std::declval<Parameters&>()))>;
  if constexpr (std::is_same_v<T, std::string>) {
    s.get_text = [field](const Parameters& p) { return field(const_cast<Parameters&>(p)); };
    s.put_text = [field](Parameters& p, const std::string& v) { field(p) = v; };
  } else {
    static_assert(std::is_enum_v<T>, "a Text parameter is a string or an enum of its choices");
    s.get_text = [field, choices](const Parameters& p) { return choices.at(std::size_t(field(const_cast<Parameters&>(p)))); };
    s.put_text = [field, choices](Parameters& p, const std::string& v) {  // v is one of the choices (set_text checks)
      field(p) = T(std::find(choices.begin(), choices.end(), v) - choices.begin());
    };
  }
  s.default_text = std::move(def);
  s.choices = std::move(choices);
  return s;
}

// Sources written once (functions, not globals: the registry may be built during static
// initialisation of another file).
inline std::string seed(const std::string& what) { return "seed (SCORAN BFC 2019)" + what; }
inline std::string arcep() { return "open data: ARCEP sites mobiles 2018-01, BFC"; }
inline std::string cete(const std::string& what) {
  return "CETE de l'Ouest, « Approche des coûts d'un réseau »: " + what;
}
inline std::string ftth_range(const std::string& what) {
  return "FttH costs 300–6,000 EUR/premises by density (ARCEP / Plan France THD); " + what;
}

// The sections, in models/param_sections_region.cpp (the region, the network, the desk, the
// targets) and models/param_sections_plan.cpp (the plan: roll-out, pace, alternatives, towers,
// guichet, open-data derivation, quantities, and the cost ranges).
std::vector<ParamSpec> calibration_specs();
std::vector<ParamSpec> mobile_specs();
std::vector<ParamSpec> network_specs();
std::vector<ParamSpec> interconnect_specs();
std::vector<ParamSpec> desk_specs();
std::vector<ParamSpec> targets_specs();
std::vector<ParamSpec> rollout_specs();
std::vector<ParamSpec> pace_specs();
std::vector<ParamSpec> alternatives_specs();
std::vector<ParamSpec> towers_specs();
std::vector<ParamSpec> guichet_specs();
std::vector<ParamSpec> opendata_specs();
std::vector<ParamSpec> quantities_specs();
// Marks each cost parameter of `all` with its plausible range (ParamSpec::low/high).
void apply_cost_ranges(std::vector<ParamSpec>& all);

}  // namespace dorsale::param_table
