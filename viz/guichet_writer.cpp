#include "viz/guichet_writer.h"

#include "viz/hdf5_util.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <stdexcept>

namespace dorsale::viz {

using nlohmann::json;

namespace {

json q_json(const Quantiles& q) {
  return {{"mean", q.mean}, {"p10", q.p10}, {"p50", q.p50}, {"p90", q.p90}, {"se", q.se}};
}
Quantiles q_from(const json& j) {
  return {j.at("mean").get<double>(), j.at("p10").get<double>(), j.at("p50").get<double>(), j.at("p90").get<double>(),
          j.at("se").get<double>()};
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
      for (int t = 0; t < kGuichetTechs; ++t) techs[guichet_tech_key(t)] = st.tech_by_year_at_mean[y][t];
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

GuichetRun guichet_from_json(const json& j) {
  GuichetRun r;
  try {
    r.scenario = j.at("scenario").get<std::string>();
    r.scenario_hash = j.at("scenario_hash").get<std::string>();
    r.seed = j.at("seed").get<std::uint64_t>();
    r.draws = j.at("draws").get<int>();
    r.total_sets = j.at("total_sets").get<int>();
    r.shard = j.at("shard").get<std::string>();
    r.first_year = j.at("first_year").get<int>();
    r.deps = j.at("departements").get<std::vector<std::string>>();
    for (const auto& o : j.at("sets")) {
      GuichetSetResult s;
      s.index = o.at("index").get<int>();
      s.name = o.at("name").get<std::string>();
      s.overrides = o.at("overrides").get<std::map<std::string, double>>();
      auto& st = s.stats;
      st.draws = r.draws;
      st.subsidy_total = q_from(o.at("subsidy_total"));
      st.premises_total = q_from(o.at("premises_total"));
      for (const auto& y : o.at("by_year")) {
        st.subsidy_by_year.push_back(q_from(y.at("subsidy")));
        st.premises_by_year.push_back(q_from(y.at("premises")));
        st.eligible_by_year.push_back(y.at("eligible_premises").get<double>());
        std::array<double, kGuichetTechs> t{};
        for (int k = 0; k < kGuichetTechs; ++k)
          t[k] = y.at("eligible_by_technology_at_mean_preference").at(guichet_tech_key(k)).get<double>();
        st.tech_by_year_at_mean.push_back(t);
      }
      for (const auto& d : r.deps) {
        std::vector<Quantiles> sub, prem;
        for (const auto& row : o.at("by_departement").at(d)) {
          sub.push_back(q_from(row.at("subsidy")));
          prem.push_back(q_from(row.at("premises")));
        }
        st.subsidy.push_back(sub);
        st.premises.push_back(prem);
      }
      r.sets.push_back(std::move(s));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("not a guichet.json document: ") + e.what());
  }
  return r;
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
    attr(f, "format", "dorsale-guichet/1");
    attr(f, "scenario", run.scenario);
    attr(f, "scenario_hash", run.scenario_hash);
    attr(f, "seed", std::to_string(run.seed));
    attr(f, "draws", std::to_string(run.draws));
    attr(f, "departements", fmt::format("{}", fmt::join(run.deps, ",")));
    Hid top(H5Gcreate2(f, "guichet", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group guichet");
    for (const auto& s : run.sets) {
      const std::string gname = fmt::format("set_{:04d}", s.index);
      Hid g(H5Gcreate2(top, gname.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group " + gname);
      attr(g, "name", s.name);
      std::string ov;
      for (const auto& [k, v] : s.overrides) ov += fmt::format("{}{}={}", ov.empty() ? "" : ",", k, v);
      attr(g, "overrides", ov);
      const auto& st = s.stats;
      const hsize_t D = run.deps.size(), Y = st.subsidy_by_year.size();
      for (const char* what : {"subsidy", "premises"}) {
        const bool sub = std::string(what) == "subsidy";
        std::vector<double> q;  // [dep, year, 5]: mean, p10, p50, p90, se
        for (std::size_t d = 0; d < D; ++d)
          for (std::size_t y = 0; y < Y; ++y) {
            const auto& x = sub ? st.subsidy[d][y] : st.premises[d][y];
            q.insert(q.end(), {x.mean, x.p10, x.p50, x.p90, x.se});
          }
        dataset(g, sub ? "subsidy_quantiles" : "premises_quantiles", q, {D, Y, 5}, sub ? "EUR" : "premises",
                "[departement, year, statistic]; statistics: mean, p10, p50, p90, Monte Carlo standard error");
      }
      std::vector<double> e(st.eligible_by_year.begin(), st.eligible_by_year.end());
      dataset(g, "eligible_premises", e, {Y}, "premises", "eligible premises by year");
    }
  });
}

}  // namespace dorsale::viz
