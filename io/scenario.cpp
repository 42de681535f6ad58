#include "io/scenario.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "models/actuals.h"
#include "models/error.h"
#include "models/names.h"
#include "scenarios/builtin_scenarios.h"
#include "io/text.h"
#include "io/toml_input.h"

namespace fs = std::filesystem;

namespace dorsale::scenarios {

namespace {

long line_of(const toml::value& v) { return long(v.location().line()); }

[[noreturn]] void fail(const std::string& origin, const toml::value& v, const std::string& key,
                       const std::string& what) {
  throw InputError(origin, line_of(v), key, what);
}

std::string as_string(const std::string& origin, const toml::value& v, const std::string& key) {
  if (!v.is_string()) fail(origin, v, key, "expects a string");
  return v.as_string().str;
}

double as_number(const std::string& origin, const toml::value& v, const std::string& key) {
  if (v.is_integer()) return double(toml_integer(v, origin, key));
  if (v.is_floating()) return v.as_floating();
  fail(origin, v, key, "expects a number");
}

long as_integer(const std::string& origin, const toml::value& v, const std::string& key) {
  if (!v.is_integer()) fail(origin, v, key, "expects an integer");
  return long(toml_integer(v, origin, key));
}

std::string resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute() || base_dir.empty()) return path.lexically_normal().string();
  return (fs::path(base_dir) / path).lexically_normal().string();
}

void read_parameter(const std::string& origin, const std::string& key, const toml::value& v, Parameters& P) {
  const ParamSpec* spec = Parameters::find_spec(key);
  static const std::map<std::string, std::string> moved = {
      {"guichet.thd_radio_equipment_eur", "alternatives.thd_radio_eur"},
      {"guichet.fourg_fixe_equipment_eur", "alternatives.fourg_fixe_eur"},
      {"guichet.satellite_equipment_eur", "alternatives.satellite_eur"},
      {"guichet.fourg_fixe_spare_share", "alternatives.fourg_fixe_spare_share"}};
  if (!spec && moved.count(key))
    fail(origin, v, key, fmt::format("one cost per technology now: set {} (used by the roll-out and the guichet)", moved.at(key)));
  if (!spec) fail(origin, v, key, "unknown key (see scenarios/README.md for the keys)");
  try {
    switch (spec->kind) {
      case ParamKind::Number: P.set_number(key, as_number(origin, v, key)); break;
      case ParamKind::Integer: P.set_number(key, double(as_integer(origin, v, key))); break;
      case ParamKind::Text: P.set_text(key, as_string(origin, v, key)); break;
      case ParamKind::Series: {
        if (!v.is_array()) fail(origin, v, key, "expects a list of numbers");
        std::vector<double> xs;
        for (const auto& e : v.as_array()) xs.push_back(as_number(origin, e, key));
        P.set_series(key, std::move(xs));
        break;
      }
    }
  } catch (const ValidationError& e) {
    fail(origin, v, key, e.what());
  }
}

// [pace.departements."<code>"]: a département's own pace (keys of the same name as [pace]'s,
// same ranges).
void read_pace_departements(const std::string& origin, const toml::value& table, Parameters& P) {
  if (!table.is_table()) fail(origin, table, "pace.departements", "expects a table of départements [pace.departements.\"21\"]");
  for (const auto& [code, t] : table.as_table()) {
    const std::string base = "pace.departements." + code;
    if (code.empty() || code.size() > 3) fail(origin, t, base, fmt::format("'{}' is not a département code", code));
    if (!t.is_table()) fail(origin, t, base, "expects a table");
    param::PaceDepartement d;
    for (const auto& [k, v] : t.as_table()) {
      const std::string key = base + "." + k;
      const ParamSpec* spec = Parameters::find_spec("pace." + k);
      double* field = k == "private_share_per_year" ? &d.private_share_per_year
                      : k == "public_share_per_year" ? &d.public_share_per_year
                      : k == "public_start_year"     ? &d.public_start_year
                      : k == "public_target_year"    ? &d.public_target_year
                                                     : nullptr;
      if (!field || !spec) fail(origin, v, key, "unknown key (private_share_per_year, public_share_per_year, public_start_year, public_target_year)");
      const double x = as_number(origin, v, key);
      if (!(x >= spec->min && x <= spec->max))
        fail(origin, v, key, fmt::format("{} is outside [{}, {}] ({})", x, spec->min, spec->max, spec->unit));
      *field = x;
    }
    P.pace_by_departement[code] = d;
  }
}

}  // namespace

std::string fnv1a64_hex(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : bytes) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", h);
}

namespace {

// [scenario]: name, description, seed, years, requests.
void read_scenario_table(const std::string& origin, const std::string& base_dir, const toml::value& table, Scenario& s) {
  if (!table.is_table()) fail(origin, table, "scenario", "expects a table [scenario]");
  for (const auto& [k, v] : table.as_table()) {
    const std::string key = "scenario." + k;
    if (k == "name") {
      s.name = as_string(origin, v, key);
      if (!is_safe_name(s.name))
        fail(origin, v, key, fmt::format("'{}' is not a safe scenario name ({}): it names the output folder", s.name, kSafeNameRule));
    } else if (k == "description") {
      s.description = as_string(origin, v, key);
    } else if (k == "seed") {
      long seed = as_integer(origin, v, key);
      if (seed < 0) fail(origin, v, key, "a seed is an integer between 0 and 9223372036854775807");
      s.seed = std::uint64_t(seed);
    } else if (k == "first_year" || k == "last_year") {
      const long y = as_integer(origin, v, key);
      if (y < 2000 || y > 2100) fail(origin, v, key, fmt::format("{} is not a year between 2000 and 2100", y));
      (k == "first_year" ? s.first_year : s.last_year) = int(y);
    } else if (k == "actuals") {
      s.actuals = resolve(base_dir, as_string(origin, v, key));
    } else if (k == "requests") {
      const std::string f = as_string(origin, v, key);
      // "builtin:requests-example.csv" names the example compiled into the binary (what a
      // built-in scenario's "requests-example.csv" means; calibrate writes it so)
      s.requests = f.rfind("builtin:", 0) == 0 ? f : origin.rfind("builtin:", 0) == 0 ? "builtin:" + f : resolve(base_dir, f);
    } else {
      fail(origin, v, key, "unknown key (see scenarios/README.md for the keys)");
    }
  }
  if (s.first_year < 2000 || s.last_year > 2100 || s.first_year > s.last_year)
    fail(origin, table, "scenario.first_year", fmt::format("years {}–{} are not a valid range", s.first_year, s.last_year));
}

// [region.files]: each open-data file named one by one.
void read_region_files(const std::string& origin, const std::string& base_dir, const std::string& key, const toml::value& v,
                       OpenDataFiles& f) {
  if (!v.is_table()) fail(origin, v, key, "expects a table [region.files]");
  for (const auto& [fk, fv] : v.as_table()) {
    const std::string fkey = key + "." + fk;
    if (fk == "commune_polygons") {
      f.commune_polygons.clear();
      if (fv.is_string()) f.commune_polygons.push_back(resolve(base_dir, fv.as_string().str));
      else if (fv.is_array())
        for (const auto& e : fv.as_array()) f.commune_polygons.push_back(resolve(base_dir, as_string(origin, e, fkey)));
      else fail(origin, fv, fkey, "expects a path or a list of paths");
    } else if (fk == "arcep_communes") f.arcep_communes = resolve(base_dir, as_string(origin, fv, fkey));
    else if (fk == "arcep_ftth") f.arcep_ftth = resolve(base_dir, as_string(origin, fv, fkey));
    else if (fk == "insee_population") f.insee_population = resolve(base_dir, as_string(origin, fv, fkey));
    else if (fk == "insee_mergers") f.insee_mergers = resolve(base_dir, as_string(origin, fv, fkey));
    else if (fk == "mobile_sites") f.mobile_sites = resolve(base_dir, as_string(origin, fv, fkey));
    else if (fk == "insee_departements") f.insee_departements = resolve(base_dir, as_string(origin, fv, fkey));
    else fail(origin, fv, fkey, "unknown key (see scenarios/README.md for the keys)");
  }
}

// [region]: built-in or open data.
void read_region_table(const std::string& origin, const std::string& base_dir, const toml::value& table, Scenario& s) {
  if (!table.is_table()) fail(origin, table, "region", "expects a table [region]");
  std::string source = "builtin";
  for (const auto& [k, v] : table.as_table()) {
    const std::string key = "region." + k;
    if (k == "source") {
      source = as_string(origin, v, key);
      if (source != "builtin" && source != "opendata") fail(origin, v, key, fmt::format("'{}' is not 'builtin' or 'opendata'", source));
    } else if (k == "builtin") {
      s.region.builtin = as_string(origin, v, key);
      if (s.region.builtin != "bfc") fail(origin, v, key, fmt::format("unknown built-in region '{}' (known: bfc)", s.region.builtin));
    } else if (k == "opendata_dir") {
      s.region.opendata_dir = resolve(base_dir, as_string(origin, v, key));
    } else if (k == "files") {
      read_region_files(origin, base_dir, key, v, s.region.files);
    } else if (k == "network_plan") {
      using Kind = RegionSource::NetworkPlanChoice::Kind;
      const std::string plan = as_string(origin, v, key);
      auto& choice = s.region.network_plan;
      choice = {};
      if (plan == "none") choice.kind = Kind::None;
      else if (plan == "builtin:bfc") choice.kind = Kind::BuiltinBfc;
      else if (plan == "auto") choice.kind = Kind::Auto;
      else if (plan == "derived") choice.kind = Kind::Derived;
      else choice = {Kind::File, resolve(base_dir, plan)};
    } else {
      fail(origin, v, key, "unknown key (see scenarios/README.md for the keys)");
    }
  }
  s.region.kind = source == "opendata" ? RegionSource::Kind::OpenData : RegionSource::Kind::Builtin;
  if (s.region.kind == RegionSource::Kind::OpenData && s.region.opendata_dir.empty() && s.region.files.arcep_communes.empty())
    fail(origin, table, "region.opendata_dir", "an open-data region needs opendata_dir or [region.files]");
}

// [[commitments]]: a commune's FttH year and actor.
void read_commitments(const std::string& origin, const toml::value& table, Scenario& s) {
  if (!table.is_array()) fail(origin, table, "commitments", "expects an array of tables [[commitments]]");
  for (const auto& c : table.as_array()) {
    if (!c.is_table()) fail(origin, c, "commitments", "expects tables [[commitments]]");
    Scenario::Commitment cm;
    cm.line = line_of(c);
    for (const auto& [k, v] : c.as_table()) {
      const std::string key = "commitments." + k;
      if (k == "commune") cm.commune = as_string(origin, v, key);
      else if (k == "year") {
        const long y = as_integer(origin, v, key);
        if (y < 2000 || y > 2100) fail(origin, v, key, "not a plausible year");
        cm.year = int(y);
      } else if (k == "actor") cm.actor = as_string(origin, v, key);
      else fail(origin, v, key, "unknown key (commune, year, actor)");
    }
    if (cm.commune.empty()) fail(origin, c, "commitments.commune", "missing commune code");
    if (cm.year == 0) fail(origin, c, "commitments.year", "missing year");
    s.commitments.push_back(cm);
  }
}

// [network] source and path: a real network in place of the region's.
void read_network_file(const std::string& origin, const std::string& base_dir, const std::string& k, const toml::value& v,
                       Scenario& s) {
  const std::string key = "network." + k;
  const std::string text = as_string(origin, v, key);
  if (k == "source") {
    if (text != "gracethd" && text != "gpkg") fail(origin, v, key, fmt::format("'{}' is not 'gracethd' or 'gpkg'", text));
    s.network.source = text;
  } else {
    s.network.path = resolve(base_dir, text);
  }
  if (!s.network.line) s.network.line = long(v.location().line());
}

// Checks across fields, once every table is read, with the TOML line of the value at fault.
void check_scenario(const std::string& origin, const toml::value& root, const Scenario& s) {
  const int years = s.last_year - s.first_year + 1;
  const auto& budget = s.params.budgets.public_eur_per_year;
  if (int(budget.size()) != years) {
    long line = 0;
    if (root.contains("budgets") && root.at("budgets").is_table() && root.at("budgets").contains("public_eur_per_year"))
      line = line_of(root.at("budgets").at("public_eur_per_year"));
    else if (root.contains("scenario"))
      line = line_of(root.at("scenario"));
    throw InputError(origin, line, "budgets.public_eur_per_year",
                     fmt::format("gives {} values for the {} years {}–{} (one per year)", budget.size(), years, s.first_year, s.last_year));
  }
  if (!is_safe_name(s.name))
    throw InputError(origin, 0, "scenario.name",
                     fmt::format("the file name gives the scenario name '{}', which is not a safe name ({}); set scenario.name", s.name, kSafeNameRule));
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& origin, const std::string& base_dir) {
  const toml::value root = parse_toml_text(text, origin);
  Scenario s;
  s.file = origin;
  s.hash = fnv1a64_hex(text);
  s.name = fs::path(origin).stem().string();
  std::set<std::string> sections;
  for (const auto& spec : Parameters::registry()) sections.insert(spec.key.substr(0, spec.key.find('.')));
  for (const auto& [section, table] : root.as_table()) {
    if (section == "scenario") {
      read_scenario_table(origin, base_dir, table, s);
    } else if (section == "region") {
      read_region_table(origin, base_dir, table, s);
    } else if (section == "commitments") {
      read_commitments(origin, table, s);
    } else if (sections.count(section)) {
      if (!table.is_table()) fail(origin, table, section, fmt::format("expects a table [{}]", section));
      for (const auto& [k, v] : table.as_table()) {
        if (section == "network" && (k == "source" || k == "path")) {
          read_network_file(origin, base_dir, k, v, s);
          continue;
        }
        if (section == "pace" && k == "departements") {
          read_pace_departements(origin, v, s.params);
          continue;
        }
        if (section == "pace" && k == "start_date" && v.is_string() && !v.as_string().str.empty() &&
            !is_valid(parse_date(v.as_string().str)))
          fail(origin, v, "pace.start_date", fmt::format("'{}' is not a date (YYYY-MM-DD)", v.as_string().str));
        read_parameter(origin, section + "." + k, v, s.params);
        if (section == "budgets" && k == "public_eur_per_year") s.budgets_given = true;
      }
    } else {
      fail(origin, table, section, "unknown table (see scenarios/README.md for the keys)");
    }
  }
  if (s.network.source.empty() != s.network.path.empty())
    throw InputError(origin, s.network.line, s.network.source.empty() ? "network.source" : "network.path",
                     "a real network needs both source (\"gracethd\" or \"gpkg\") and path");
  check_scenario(origin, root, s);
  return s;
}

Scenario load_scenario(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path, 0, "", "is a folder, not a scenario file");
  const std::string text = read_text_file(path, "the scenario file");
  return parse_scenario(text, path, fs::path(path).parent_path().string());
}

std::vector<std::string> builtin_scenario_names() {
  std::vector<std::string> out;
  for (const auto& b : kBuiltinScenarios) out.push_back(b.name);
  return out;
}

Scenario builtin_scenario(const std::string& name) {
  for (const auto& b : kBuiltinScenarios)
    if (name == b.name) {
      Scenario s = parse_scenario(b.text, std::string("builtin:") + b.name, "");
      return s;
    }
  throw InputError("builtin:" + name, 0, "", "unknown built-in scenario");
}

std::string builtin_scenario_text(const std::string& name) {
  for (const auto& b : kBuiltinScenarios)
    if (name == b.name) return b.text;
  throw InputError("builtin:" + name, 0, "", "unknown built-in scenario");
}

NetworkImport read_scenario_network(const Scenario& s) {
  NetworkImport imp = read_network(s.network.path, s.params);
  const bool gracethd = imp.info.format.rfind("gracethd", 0) == 0;
  if (s.network.source == "gracethd" && !gracethd)
    throw InputError(s.file, s.network.line, "network.path", fmt::format("{} is a dorsale layers.gpkg, not a GraceTHD delivery (source = \"gpkg\")", s.network.path));
  if (s.network.source == "gpkg" && imp.info.format == "gracethd-shpcsv")
    throw InputError(s.file, s.network.line, "network.path", fmt::format("{} is a delivery folder, not a GeoPackage (source = \"gracethd\")", s.network.path));
  return imp;
}

}  // namespace dorsale::scenarios
