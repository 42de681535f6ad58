#include "planner/guichet.h"

#include "models/technology.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "models/error.h"
#include "planner/run.h"
#include "scenarios/sweep.h"
#include "viz/guichet_writer.h"
#include "viz/output_dir.h"

namespace dorsale::planner {

std::pair<int, int> parse_shard(const std::string& text) {
  static const std::regex re(R"((\d+)/(\d+))");
  std::smatch m;
  if (!std::regex_match(text, m, re)) throw InputError("command line", 0, "--shard", fmt::format("'{}' is not i/n", text));
  const int i = std::stoi(m[1]), n = std::stoi(m[2]);
  if (n < 1 || i < 1 || i > n) throw InputError("command line", 0, "--shard", fmt::format("'{}': i must be between 1 and n", text));
  return {i, n};
}

solvers::GuichetParams guichet_params(const Parameters& p) {
  solvers::GuichetParams g;
  g.horizon_years = int(p.guichet.horizon_years);
  g.uptake_mean = p.guichet.uptake_mean;
  g.uptake_sd = p.guichet.uptake_sd;
  g.cost_sd = p.guichet.cost_sd;
  g.sat_pref_mean = p.guichet.satellite_preference_mean;
  g.sat_pref_sd = p.guichet.satellite_preference_sd;
  // the guichet's technologies, in its order: THD radio, 4G fixe, satellite
  const auto T = technology_table(p);
  const Technology techs[kGuichetTechs] = {Technology::ThdRadio, Technology::FourGFixe, Technology::Satellite};
  for (int k = 0; k < kGuichetTechs; ++k) {
    g.equipment[k] = T[int(techs[k])].unit_cost_eur;
    g.cap[k] = *T[int(techs[k])].subsidy_cap_eur;
  }
  return g;
}

solvers::GuichetInputs guichet_inputs(const Region& region, const std::vector<int>& ftth_year, const Parameters& p,
                                      int first_year, int years) {
  solvers::GuichetInputs in;
  in.first_year = first_year;
  in.years = years;
  std::map<std::string, int> dep;
  for (const auto& d : region.departements) {
    dep.emplace(d.code, int(in.deps.size()));
    in.deps.push_back(d.code);
  }
  // eligibility threshold on the band limits: <= 3 -> below_3; <= 8 -> + 3_8; <= 30 -> + 8_30
  const double thr = p.guichet.speed_threshold_mbps;
  const double spare = technology_table(p)[int(Technology::FourGFixe)].share;
  for (std::size_t i = 0; i < region.communes.size(); ++i) {
    const auto& c = region.communes[i];
    solvers::GuichetCommune g;
    g.dep = dep.at(c.departement);
    const int fy = i < ftth_year.size() ? ftth_year[i] : c.ftth_plan.year;
    g.ftth_year = fy < first_year ? (fy == 0 ? 0 : first_year - 1) : fy;
    double pool = c.band(Band::Below3);
    if (thr > 3) pool += c.band(Band::From3To8);
    if (thr > 8) pool += c.band(Band::From8To30);
    if (thr > 30) pool += c.band(Band::ThdNonFtth);
    if (g.ftth_year != 0 && g.ftth_year < first_year) pool = 0;  // FttH before the plan
    g.pool = pool;
    g.radio_cap = std::min<double>(double(c.thd_radio_premises), pool);
    const double cov = c.coverage_4g ? *std::max_element(c.coverage_4g->begin(), c.coverage_4g->end()) : 0.0;
    g.fourg_share = spare * cov;
    in.communes.push_back(g);
  }
  return in;
}

GuichetRun run_guichet_sets(const GuichetConfig& cfg, const std::function<void(const std::string&)>& progress) {
  const scenarios::Scenario s = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  std::vector<scenarios::SweepSet> sets =
      cfg.sweep.empty() ? std::vector<scenarios::SweepSet>{{"base", {}}} : scenarios::read_sweep(cfg.sweep, s.params);
  if (cfg.shard_index < 1 || cfg.shard_index > cfg.shard_count)
    throw InputError("command line", 0, "--shard", fmt::format("{}/{}: i must be between 1 and n", cfg.shard_index, cfg.shard_count));
  const Region region = scenarios::load_region(s);
  // FttH years from the scenario's roll-out plan
  const ScenarioResults planned = compute_results(s, region);
  GuichetRun run;
  run.scenario = s.name;
  run.scenario_hash = s.hash;
  run.seed = cfg.seed_given ? cfg.seed : s.seed;
  run.draws = cfg.draws > 0 ? cfg.draws : int(s.params.guichet.draws);
  run.total_sets = int(sets.size());
  run.shard = fmt::format("{}/{}", cfg.shard_index, cfg.shard_count);
  run.first_year = s.first_year;
  for (const auto& d : region.departements) run.deps.push_back(d.code);
  const int threads = cfg.threads > 0 ? cfg.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  for (std::size_t k = 0; k < sets.size(); ++k) {
    if (int(k % std::size_t(cfg.shard_count)) != cfg.shard_index - 1) continue;
    Parameters p = s.params;
    for (const auto& [key, v] : sets[k].overrides) p.set_number(key, v);
    const auto in = guichet_inputs(region, planned.rollout.ftth_year, p, s.first_year, s.last_year - s.first_year + 1);
    GuichetSetResult r;
    r.index = int(k);
    r.name = sets[k].name;
    for (const auto& [key, v] : sets[k].overrides) r.overrides[key] = v;
    r.stats = solvers::run_guichet(in, guichet_params(p), run.draws, run.seed, std::uint64_t(k), threads);
    run.sets.push_back(std::move(r));
    if (progress) progress(fmt::format("set {}/{} ({}) done", k + 1, sets.size(), sets[k].name));
  }
  return run;
}

void write_guichet_outputs(const GuichetRun& run, const std::string& out_dir) {
  viz::OutputDir dir(out_dir, "guichet");
  viz::write_file(dir.entry("guichet.json"), viz::guichet_json(run).dump(2) + "\n");
  viz::write_guichet_hdf5(dir.entry("results.h5"), run);
  dir.commit();
}

GuichetRun guichet(const GuichetConfig& cfg, const std::function<void(const std::string&)>& progress) {
  GuichetRun run = run_guichet_sets(cfg, progress);
  write_guichet_outputs(run, cfg.out_dir);
  return run;
}

GuichetRun merge(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw InputError("command line", 0, "shards", "no shard folder given");
  GuichetRun all;
  std::set<int> seen;
  std::set<std::string> shards;
  for (std::size_t k = 0; k < dirs.size(); ++k) {
    const std::string file = (std::filesystem::path(dirs[k]) / "guichet.json").string();
    std::ifstream in(file);
    if (!in) throw InputError(file, 0, "", "cannot open (is this an output folder of dorsale guichet?)");
    nlohmann::json j;
    GuichetRun r;
    try {
      in >> j;
      r = viz::guichet_from_json(j);
    } catch (const std::exception& e) {
      throw InputError(file, 0, "", e.what());
    }
    if (k == 0) {
      all = r;
      all.sets.clear();
    } else {
      if (r.scenario_hash != all.scenario_hash) throw InputError(file, 0, "scenario_hash", "the shards come from different scenarios");
      if (r.seed != all.seed) throw InputError(file, 0, "seed", "the shards used different seeds");
      if (r.draws != all.draws) throw InputError(file, 0, "draws", "the shards used different numbers of draws");
      if (r.total_sets != all.total_sets) throw InputError(file, 0, "total_sets", "the shards come from different sweeps");
    }
    if (!shards.insert(r.shard).second) throw InputError(file, 0, "shard", fmt::format("shard {} given twice", r.shard));
    for (auto& s : r.sets) {
      if (!seen.insert(s.index).second) throw InputError(file, 0, "sets", fmt::format("set {} appears in two shards", s.index));
      all.sets.push_back(std::move(s));
    }
  }
  if (int(seen.size()) != all.total_sets)
    throw InputError(dirs.front(), 0, "sets", fmt::format("{} of the sweep's {} sets present: a shard is missing", seen.size(), all.total_sets));
  std::sort(all.sets.begin(), all.sets.end(), [](auto& a, auto& b) { return a.index < b.index; });
  all.shard = "1/1";
  write_guichet_outputs(all, out_dir);
  return all;
}

}  // namespace dorsale::planner
