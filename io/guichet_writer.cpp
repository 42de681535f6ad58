#include "io/guichet_writer.h"
#include "io/spelling.h"

#include <hdf5_hl.h>

#include "io/hdf5_util.h"
#include "io/json_reader.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <limits>
#include <set>
#include <stdexcept>

#include "models/error.h"

namespace dorsale::viz {

using nlohmann::json;

namespace {

json q_json(const Quantiles& q) {
  return {{"mean", q.mean}, {"p10", q.p10}, {"p50", q.p50}, {"p90", q.p90}, {"se", q.se}};
}

}  // namespace

json guichet_json(const GuichetRun& run) {
  json j;
  j["scenario"] = run.scenario;
  j["scenario_hash"] = run.scenario_hash;
  j["seed"] = run.seed;
  j["draws"] = run.draws;
  j["total_sets"] = run.total_sets;
  j["shard"] = run.shard;
  j["first_year"] = run.first_year;
  j["departements"] = run.deps;
  j["units"] = {{"subsidy", "EUR"}, {"premises", "premises"}};
  json sets = json::array();
  for (const auto& s : run.sets) {
    json o;
    o["index"] = s.index;
    o["name"] = s.name;
    o["overrides"] = s.overrides;
    const auto& st = s.stats;
    o["subsidy_total"] = q_json(st.subsidy_total);
    o["premises_total"] = q_json(st.premises_total);
    json by_year = json::array();
    for (std::size_t y = 0; y < st.subsidy_by_year.size(); ++y) {
      json techs;
      for (int t = 0; t < kGuichetTechs; ++t) techs[io::spell(GuichetTech(t))] = st.tech_by_year_at_mean[y][t];
      by_year.push_back({{"year", run.first_year + int(y)},
                         {"subsidy", q_json(st.subsidy_by_year[y])},
                         {"premises", q_json(st.premises_by_year[y])},
                         {"eligible_premises", st.eligible_by_year[y]},
                         {"eligible_by_technology_at_mean_preference", techs}});
    }
    o["by_year"] = by_year;
    json by_dep;
    for (std::size_t d = 0; d < run.deps.size(); ++d) {
      json rows = json::array();
      for (std::size_t y = 0; y < st.subsidy[d].size(); ++y)
        rows.push_back({{"year", run.first_year + int(y)}, {"subsidy", q_json(st.subsidy[d][y])}, {"premises", q_json(st.premises[d][y])}});
      by_dep[run.deps[d]] = rows;
    }
    o["by_departement"] = by_dep;
    sets.push_back(o);
  }
  j["sets"] = sets;
  return j;
}

namespace {

// Strict reading of a guichet.json document: every array of the shape the header announces
// (sets x years, sets x départements x years), so that a truncated or edited shard is an
// InputError naming the file and the field, never a crash.
struct Reader : JsonReader {
  Quantiles quantiles(const json& q, const std::string& where) const {
    return {number_at(q, "mean", where), number_at(q, "p10", where), number_at(q, "p50", where), number_at(q, "p90", where),
            number_at(q, "se", where)};
  }
};

}  // namespace

std::pair<int, int> parse_guichet_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return {0, 0};
  auto digits = [](const std::string& t) -> long long {
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(t);
  };
  const long long i = digits(text.substr(0, slash)), n = digits(text.substr(slash + 1));
  if (i < 1 || n < 1 || i > n) return {0, 0};
  return {int(i), int(n)};
}

namespace {

// The header: scenario, seed, draws, sets, shard, first year, départements.
void read_guichet_header(const Reader& rd, const json& j, GuichetRun& r) {
  if (!j.is_object()) rd.fail("", "not a guichet.json document (expects an object)");
  r.scenario = rd.string(rd.at(j, "scenario", ""), "scenario");
  r.scenario_hash = rd.string(rd.at(j, "scenario_hash", ""), "scenario_hash");
  {
    const json& seed = rd.at(j, "seed", "");
    if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
      rd.fail("seed", "expects a whole number >= 0");
    r.seed = seed.get<std::uint64_t>();
  }
  r.draws = int(rd.integer(rd.at(j, "draws", ""), "draws", 1, std::numeric_limits<int>::max()));
  r.total_sets = int(rd.integer(rd.at(j, "total_sets", ""), "total_sets", 1, kMaxGuichetSets));
  r.shard = rd.string(rd.at(j, "shard", ""), "shard");
  if (parse_guichet_shard(r.shard).second == 0) rd.fail("shard", fmt::format("'{}' is not i/n with 1 <= i <= n", r.shard));
  r.first_year = int(rd.integer(rd.at(j, "first_year", ""), "first_year", 2000, 2100));
  const json& deps = rd.at(j, "departements", "");
  if (!deps.is_array() || deps.empty()) rd.fail("departements", "expects a non-empty array of codes");
  std::set<std::string> seen;
  for (std::size_t d = 0; d < deps.size(); ++d) {
    r.deps.push_back(rd.string(deps[d], fmt::format("departements[{}]", d)));
    if (!seen.insert(r.deps.back()).second) rd.fail(fmt::format("departements[{}]", d), fmt::format("'{}' appears twice", r.deps.back()));
  }
}

void check_year(const Reader& rd, const json& row, const std::string& wy, int expected) {
  if (rd.integer(rd.at(row, "year", wy), wy + ".year", 2000, 2100) != expected) rd.fail(wy + ".year", fmt::format("expected year {}", expected));
}

// sets[k].by_year: `years` rows from first_year.
void read_set_years(const Reader& rd, const json& by_year, const std::string& w, const GuichetRun& r, std::size_t years, GuichetStats& st) {
  rd.array(by_year, w + ".by_year", years);
  for (std::size_t y = 0; y < years; ++y) {
    const std::string wy = fmt::format("{}.by_year[{}]", w, y);
    const json& row = by_year[y];
    check_year(rd, row, wy, r.first_year + int(y));
    st.subsidy_by_year.push_back(rd.quantiles(rd.at(row, "subsidy", wy), wy + ".subsidy"));
    st.premises_by_year.push_back(rd.quantiles(rd.at(row, "premises", wy), wy + ".premises"));
    st.eligible_by_year.push_back(rd.number(rd.at(row, "eligible_premises", wy), wy + ".eligible_premises"));
    const std::string wt = wy + ".eligible_by_technology_at_mean_preference";
    const json& techs = rd.at(row, "eligible_by_technology_at_mean_preference", wy);
    std::array<double, kGuichetTechs> t{};
    for (int q = 0; q < kGuichetTechs; ++q) t[q] = rd.number(rd.at(techs, io::spell(GuichetTech(q)), wt), wt + "." + io::spell(GuichetTech(q)));
    st.tech_by_year_at_mean.push_back(t);
  }
}

// sets[k].by_departement: every département of the header, `years` rows each.
void read_set_departements(const Reader& rd, const json& o, const std::string& w, const GuichetRun& r, std::size_t years,
                           GuichetStats& st) {
  const json& by_dep = rd.at(o, "by_departement", w);
  if (!by_dep.is_object()) rd.fail(w + ".by_departement", "expects an object");
  if (by_dep.size() != r.deps.size())
    rd.fail(w + ".by_departement", fmt::format("{} départements, the header announces {}", by_dep.size(), r.deps.size()));
  for (const auto& d : r.deps) {
    const std::string wd = w + ".by_departement." + d;
    const json& rows = rd.array(rd.at(by_dep, d, w + ".by_departement"), wd, years);
    std::vector<Quantiles> sub, prem;
    for (std::size_t y = 0; y < years; ++y) {
      const std::string wy = fmt::format("{}[{}]", wd, y);
      check_year(rd, rows[y], wy, r.first_year + int(y));
      sub.push_back(rd.quantiles(rd.at(rows[y], "subsidy", wy), wy + ".subsidy"));
      prem.push_back(rd.quantiles(rd.at(rows[y], "premises", wy), wy + ".premises"));
    }
    st.subsidy.push_back(std::move(sub));
    st.premises.push_back(std::move(prem));
  }
}

// sets[k]; `years` is set by the first set (every array of every set has that many years).
GuichetSetResult read_set(const Reader& rd, const json& o, std::size_t k, const GuichetRun& r, std::size_t& years) {
  const auto [shard_i, shard_n] = parse_guichet_shard(r.shard);
  const std::string w = fmt::format("sets[{}]", k);
  GuichetSetResult s;
  s.index = int(rd.integer(rd.at(o, "index", w), w + ".index", 0, r.total_sets - 1));
  if (s.index % shard_n != shard_i - 1)
    rd.fail(w + ".index", fmt::format("set {} does not belong to shard {} (sets k with k mod {} = {})", s.index, r.shard, shard_n, shard_i - 1));
  s.name = rd.string(rd.at(o, "name", w), w + ".name");
  const json& ov = rd.at(o, "overrides", w);
  if (!ov.is_object()) rd.fail(w + ".overrides", "expects an object");
  for (const auto& [key, v] : ov.items()) s.overrides[key] = rd.number(v, w + ".overrides." + key);
  auto& st = s.stats;
  st.draws = r.draws;
  st.subsidy_total = rd.quantiles(rd.at(o, "subsidy_total", w), w + ".subsidy_total");
  st.premises_total = rd.quantiles(rd.at(o, "premises_total", w), w + ".premises_total");
  const json& by_year = rd.at(o, "by_year", w);
  if (k == 0) {
    if (!by_year.is_array() || by_year.empty()) rd.fail(w + ".by_year", "expects a non-empty array");
    years = by_year.size();
    if (r.first_year + int(years) - 1 > 2100) rd.fail(w + ".by_year", fmt::format("{} years from {} go beyond 2100", years, r.first_year));
  }
  read_set_years(rd, by_year, w, r, years, st);
  read_set_departements(rd, o, w, r, years, st);
  return s;
}

}  // namespace

GuichetRun guichet_from_json(const json& j, const std::string& file) {
  const Reader rd{{file}};
  GuichetRun r;
  read_guichet_header(rd, j, r);
  const json& sets = rd.at(j, "sets", "");
  if (!sets.is_array()) rd.fail("sets", "expects an array");
  if (sets.size() > std::size_t(r.total_sets)) rd.fail("sets", fmt::format("{} sets, more than total_sets {}", sets.size(), r.total_sets));
  std::size_t years = 0;
  for (std::size_t k = 0; k < sets.size(); ++k) r.sets.push_back(read_set(rd, sets[k], k, r, years));
  return r;
}

GuichetRun guichet_from_json_text(const std::string& text, const std::string& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, 0, "", std::string("not a guichet.json document: ") + e.what());
  }
  return guichet_from_json(j, file);
}

void write_guichet_hdf5(const std::filesystem::path& file, const GuichetRun& run) {
  write_hdf5_file(file, [&](hid_t f) {
    Hid gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create property list");
    Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
    h5_check(H5Pset_obj_track_times(gcpl, false), "disable times");
    h5_check(H5Pset_obj_track_times(dcpl, false), "disable times");
    auto attr = [&](hid_t obj, const char* name, const std::string& v) {
      Hid t(H5Tcopy(H5T_C_S1), H5Tclose, "copy type");
      h5_check(H5Tset_size(t, v.empty() ? 1 : v.size()), "size string");
      h5_check(H5Tset_cset(t, H5T_CSET_UTF8), "set utf8");
      Hid sp(H5Screate(H5S_SCALAR), H5Sclose, "create space");
      Hid a(H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("create attribute ") + name);
      h5_check(H5Awrite(a, t, v.c_str()), std::string("write attribute ") + name);
    };
    auto dataset = [&](hid_t g, const char* name, const std::vector<double>& v, std::vector<hsize_t> dims, const char* units,
                       const char* doc) {
      Hid sp(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, "create space");
      Hid d(H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose, std::string("create ") + name);
      if (!v.empty()) h5_check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), std::string("write ") + name);
      attr(d, "units", units);
      attr(d, "description", doc);
    };
    // numbers as numbers (h5dump shows H5T_STD_U64LE / H5T_STD_I64LE)
    auto number_attr = [&](hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* v) {
      Hid sp(H5Screate(H5S_SCALAR), H5Sclose, "create space");
      Hid a(H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("create attribute ") + name);
      h5_check(H5Awrite(a, mem_type, v), std::string("write attribute ") + name);
    };
    auto int_attr = [&](hid_t obj, const char* name, std::int64_t v) { number_attr(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v); };
    attr(f, "format", "dorsale-guichet/2");
    attr(f, "scenario", run.scenario);
    attr(f, "scenario_hash", run.scenario_hash);
    number_attr(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &run.seed);
    int_attr(f, "draws", run.draws);
    int_attr(f, "first_year", run.first_year);
    int_attr(f, "total_sets", run.total_sets);
    attr(f, "shard", run.shard);
    attr(f, "departements", fmt::format("{}", fmt::join(run.deps, ",")));
    Hid top(H5Gcreate2(f, "guichet", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group guichet");
    // the axes, as dimension scales (H5DS) every quantile dataset is attached to: year,
    // departement (codes) and statistic (mean, p10, p50, p90, se)
    const hsize_t Y = run.sets.empty() ? 0 : run.sets.front().stats.subsidy_by_year.size();
    std::vector<std::int64_t> years;
    for (hsize_t y = 0; y < Y; ++y) years.push_back(run.first_year + std::int64_t(y));
    Hid year_space(H5Screate_simple(1, &Y, nullptr), H5Sclose, "create space");
    Hid year_scale(H5Dcreate2(top, "year", H5T_STD_I64LE, year_space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose, "create year");
    if (Y > 0) h5_check(H5Dwrite(year_scale, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, years.data()), "write year");
    attr(year_scale, "units", "year");
    h5_check(H5DSset_scale(year_scale, "year"), "set the year scale");
    auto string_scale = [&](const char* name, const std::vector<std::string>& v, const char* doc) {
      std::size_t width = 1;
      for (const auto& x : v) width = std::max(width, x.size());
      std::string buf(width * v.size(), '\0');
      for (std::size_t i = 0; i < v.size(); ++i) buf.replace(i * width, v[i].size(), v[i]);
      Hid t(H5Tcopy(H5T_C_S1), H5Tclose, "copy type");
      h5_check(H5Tset_size(t, width), "size string");
      h5_check(H5Tset_strpad(t, H5T_STR_NULLPAD), "pad string");
      h5_check(H5Tset_cset(t, H5T_CSET_UTF8), "set utf8");
      const hsize_t n = v.size();
      Hid sp(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space");
      hid_t d = H5Dcreate2(top, name, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      h5_check(d < 0 ? -1 : 0, std::string("create ") + name);
      if (n > 0) h5_check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), std::string("write ") + name);
      attr(d, "description", doc);
      h5_check(H5DSset_scale(d, name), std::string("set the scale ") + name);
      return d;
    };
    Hid dep_scale(string_scale("departement", run.deps, "département codes"), H5Dclose, "departement");
    Hid stat_scale(string_scale("statistic", {"mean", "p10", "p50", "p90", "se"},
                                "mean, quantiles P10 / P50 / P90 (nearest rank) and Monte Carlo standard error of the mean"),
                   H5Dclose, "statistic");
    for (const auto& s : run.sets) {
      const std::string gname = fmt::format("set_{:04d}", s.index);
      Hid g(H5Gcreate2(top, gname.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group " + gname);
      attr(g, "name", s.name);
      std::string ov;
      for (const auto& [k, v] : s.overrides) ov += fmt::format("{}{}={}", ov.empty() ? "" : ",", k, v);
      attr(g, "overrides", ov);
      const auto& st = s.stats;
      const hsize_t D = run.deps.size();
      if (st.subsidy_by_year.size() != Y) throw std::runtime_error("guichet sets with different numbers of years");
      for (const char* what : {"subsidy", "premises"}) {
        const bool sub = std::string(what) == "subsidy";
        std::vector<double> q;  // [dep, year, 5]: mean, p10, p50, p90, se
        for (std::size_t d = 0; d < D; ++d)
          for (std::size_t y = 0; y < Y; ++y) {
            const auto& x = sub ? st.subsidy[d][y] : st.premises[d][y];
            q.insert(q.end(), {x.mean, x.p10, x.p50, x.p90, x.se});
          }
        const char* name = sub ? "subsidy_quantiles" : "premises_quantiles";
        dataset(g, name, q, {D, Y, 5}, sub ? "EUR" : "premises",
                "[departement, year, statistic]; statistics: mean, p10, p50, p90, Monte Carlo standard error");
        Hid d(H5Dopen2(g, name, H5P_DEFAULT), H5Dclose, std::string("open ") + name);
        h5_check(H5DSattach_scale(d, dep_scale, 0), "attach departement");
        h5_check(H5DSattach_scale(d, year_scale, 1), "attach year");
        h5_check(H5DSattach_scale(d, stat_scale, 2), "attach statistic");
        // the region's (the sum of the départements per draw): [year, statistic]
        std::vector<double> r;
        for (std::size_t y = 0; y < Y; ++y) {
          const auto& x = sub ? st.subsidy_by_year[y] : st.premises_by_year[y];
          r.insert(r.end(), {x.mean, x.p10, x.p50, x.p90, x.se});
        }
        const std::string rname = std::string(sub ? "subsidy" : "premises") + "_region_quantiles";
        dataset(g, rname.c_str(), r, {Y, 5}, sub ? "EUR" : "premises", "[year, statistic]: the region (per draw, the sum of the départements)");
        Hid rd(H5Dopen2(g, rname.c_str(), H5P_DEFAULT), H5Dclose, "open " + rname);
        h5_check(H5DSattach_scale(rd, year_scale, 0), "attach year");
        h5_check(H5DSattach_scale(rd, stat_scale, 1), "attach statistic");
        if (!st.subsidy_total_draws.empty()) {  // --keep-draws
          const auto& v = sub ? st.subsidy_total_draws : st.premises_total_draws;
          const std::string dname = std::string(sub ? "subsidy" : "premises") + "_total_draws";
          dataset(g, dname.c_str(), v, {hsize_t(v.size())}, sub ? "EUR" : "premises",
                  "each draw's region total over the years, in draw order (--keep-draws)");
        }
      }
      std::vector<double> e(st.eligible_by_year.begin(), st.eligible_by_year.end());
      dataset(g, "eligible_premises", e, {Y}, "premises", "eligible premises by year");
      Hid ed(H5Dopen2(g, "eligible_premises", H5P_DEFAULT), H5Dclose, "open eligible_premises");
      h5_check(H5DSattach_scale(ed, year_scale, 0), "attach year");
    }
  });
}

}  // namespace dorsale::viz
