#include "planner/guichet.h"

#include "models/technology.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <map>
#include <set>
#include <thread>

#include "models/error.h"
#include "planner/run.h"
#include "io/sweep.h"
#include "io/text.h"
#include "io/guichet_writer.h"
#include "io/guichet_cache.h"
#include "io/output_dir.h"
#include "regions/load_region.h"

namespace dorsale::planner {

std::pair<int, int> parse_shard(const std::string& text) {
  static const std::regex re(R"((\d+)/(\d+))");
  std::smatch m;
  if (!std::regex_match(text, m, re)) throw InputError("command line", 0, "--shard", fmt::format("'{}' is not i/n", text));
  const auto i = scenarios::parse_int64(m[1].str()), n = scenarios::parse_int64(m[2].str());
  if (!i || !n || *n > kMaxShards)
    throw InputError("command line", 0, "--shard", fmt::format("'{}': n must be between 1 and {}", text, kMaxShards));
  if (*n < 1 || *i < 1 || *i > *n) throw InputError("command line", 0, "--shard", fmt::format("'{}': i must be between 1 and n", text));
  return {int(*i), int(*n)};
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
    g.speed[k] = T[int(techs[k])].speed_mbps;
  }
  g.uptake_correlation = p.guichet.uptake_correlation;
  // the rules in force by date (scenarios/README.md, "Guichet rules by date")
  const auto& G = p.guichet;
  auto& r = g.rules;
  r.scheme_start = int(G.scheme_start);
  r.all_communes_from = int(G.all_communes_from);
  r.rules_2022_from = int(G.rules_2022_from);
  r.scheme_end = int(G.scheme_end);
  r.listed_share = G.listed_share;
  r.cap_2019 = G.cap_2019_eur;
  r.offer_2019_mbps = G.offer_2019_mbps;
  r.cap_2022 = G.cap_2022_eur;
  r.cap_2022_social = G.cap_2022_social_eur;
  r.offer_2022_mbps = G.offer_2022_mbps;
  r.social_share = G.social_minima_share;
  r.activation_eur = G.activation_eur;
  for (const auto& [key, m] : {std::pair<const char*, int>{"guichet.scheme_start", r.scheme_start},
                               {"guichet.all_communes_from", r.all_communes_from},
                               {"guichet.rules_2022_from", r.rules_2022_from},
                               {"guichet.scheme_end", r.scheme_end}})
    if (m % 100 < 1 || m % 100 > 12) throw InputError("parameters", 0, key, fmt::format("{} is not a yyyymm month (month 01-12)", m));
  if (r.scheme_end < r.scheme_start)
    throw InputError("parameters", 0, "guichet.scheme_end", fmt::format("{} is before guichet.scheme_start {}", r.scheme_end, r.scheme_start));
  if (r.rules_2022_from > r.scheme_end)
    throw InputError("parameters", 0, "guichet.rules_2022_from",
                     fmt::format("{} is after guichet.scheme_end {}: the 2022 rules would never apply", r.rules_2022_from, r.scheme_end));
  if (r.cap_2022_social < r.cap_2022)
    throw InputError("parameters", 0, "guichet.cap_2022_social_eur",
                     fmt::format("{} EUR is below guichet.cap_2022_eur {} EUR: the social-minima tier is the higher one", r.cap_2022_social,
                                 r.cap_2022));
  return g;
}

solvers::GuichetBase guichet_base(const Region& region, const std::vector<int>& ftth_year) {
  solvers::GuichetBase b;
  std::map<std::string, int> dep;
  for (const auto& d : region.departements) {
    dep.emplace(d.code, int(b.deps.size()));
    b.deps.push_back(d.code);
  }
  for (std::size_t i = 0; i < region.communes.size(); ++i) {
    const auto& c = region.communes[i];
    solvers::GuichetBaseCommune g;
    g.dep = dep.at(c.departement);
    g.ftth_year = i < ftth_year.size() ? ftth_year[i] : c.ftth_plan.year;
    g.below3 = double(c.band(Band::Below3));
    g.from3to8 = double(c.band(Band::From3To8));
    g.from8to30 = double(c.band(Band::From8To30));
    g.thd_non_ftth = double(c.band(Band::ThdNonFtth));
    g.thd_radio = double(c.thd_radio_premises);
    g.coverage_4g = c.coverage_4g ? *std::max_element(c.coverage_4g->begin(), c.coverage_4g->end()) : 0.0;
    b.communes.push_back(g);
  }
  return b;
}

solvers::GuichetInputs guichet_inputs(const solvers::GuichetBase& base, const Parameters& p, int first_year, int years) {
  solvers::GuichetInputs in;
  in.first_year = first_year;
  in.years = years;
  in.deps = base.deps;
  // eligibility threshold on the band limits: <= 3 -> below_3; <= 8 -> + 3_8; <= 30 -> + 8_30
  const double thr = p.guichet.speed_threshold_mbps;
  const double spare = technology_table(p)[int(Technology::FourGFixe)].share;
  in.communes.reserve(base.communes.size());
  for (const auto& c : base.communes) {
    solvers::GuichetCommune g;
    g.dep = c.dep;
    const int fy = c.ftth_year;
    g.ftth_year = fy < first_year ? (fy == 0 ? 0 : first_year - 1) : fy;
    double pool = c.below3;
    if (thr > 3) pool += c.from3to8;
    if (thr > 8) pool += c.from8to30;
    if (thr > 30) pool += c.thd_non_ftth;
    if (g.ftth_year != 0 && g.ftth_year < first_year) pool = 0;  // FttH before the plan
    g.pool = pool;
    g.radio_cap = std::min<double>(c.thd_radio, pool);
    g.fourg_share = spare * c.coverage_4g;
    in.communes.push_back(g);
  }
  return in;
}

solvers::GuichetInputs guichet_inputs(const Region& region, const std::vector<int>& ftth_year, const Parameters& p,
                                      int first_year, int years) {
  return guichet_inputs(guichet_base(region, ftth_year), p, first_year, years);
}

GuichetJob load_guichet_job(const GuichetConfig& cfg) {
  GuichetJob job;
  job.scenario = cfg.scenario.empty() ? scenarios::builtin_scenario("bfc-2022") : scenarios::load_scenario(cfg.scenario);
  job.sweep = cfg.sweep.empty() ? scenarios::Sweep::single("base") : scenarios::read_sweep(cfg.sweep, job.scenario.params);
  if (cfg.shard_count < 1 || cfg.shard_count > kMaxShards || cfg.shard_index < 1 || cfg.shard_index > cfg.shard_count)
    throw InputError("command line", 0, "--shard", fmt::format("{}/{}: i must be between 1 and n", cfg.shard_index, cfg.shard_count));
  return job;
}

solvers::GuichetBase compute_guichet_base(const scenarios::Scenario& scenario) {
  scenarios::Scenario s = scenario;
  Region region = scenarios::load_region(s);
  scenarios::fit_budgets(s, region);
  // FttH years from the scenario's roll-out plan
  const ScenarioResults planned = compute_results(s, region);
  return guichet_base(region, planned.rollout.ftth_year);
}

solvers::GuichetBase cached_guichet_base(const scenarios::Scenario& s, const std::filesystem::path& out_root, bool* reused) {
  const std::string key = io::guichet_base_key(s);
  if (auto b = io::read_guichet_cache(out_root, key)) {
    if (reused) *reused = true;
    return std::move(*b);
  }
  if (reused) *reused = false;
  solvers::GuichetBase b = compute_guichet_base(s);
  io::write_guichet_cache(out_root, key, b);
  return b;
}

GuichetRun guichet_run_header(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetConfig& cfg) {
  const auto& s = job.scenario;
  GuichetRun run;
  run.scenario = s.name;
  run.scenario_hash = s.hash;
  run.seed = cfg.seed_given ? cfg.seed : s.seed;
  run.draws = cfg.draws > 0 ? cfg.draws : int(s.params.guichet.draws);
  run.total_sets = int(job.sweep.size());
  run.shard = fmt::format("{}/{}", cfg.shard_index, cfg.shard_count);
  run.first_year = s.first_year;
  run.deps = base.deps;
  return run;
}

GuichetSetJob guichet_set_job(const GuichetJob& job, const solvers::GuichetBase& base, std::int64_t k, bool keep_draws) {
  const auto& s = job.scenario;
  const scenarios::SweepSet set = job.sweep.set(k);
  Parameters p = s.params;
  for (const auto& [key, v] : set.overrides) p.set_number(key, v);
  GuichetSetJob j;
  j.result.index = int(k);
  j.result.name = set.name;
  for (const auto& [key, v] : set.overrides) j.result.overrides[key] = v;
  j.inputs = guichet_inputs(base, p, s.first_year, s.last_year - s.first_year + 1);
  j.params = guichet_params(p);
  j.params.keep_draws = keep_draws;
  return j;
}

int guichet_threads(const GuichetConfig& cfg) {
  return cfg.threads > 0 ? cfg.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

GuichetRun run_guichet_sets(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetConfig& cfg, ProgressSink* progress) {
  GuichetRun run = guichet_run_header(job, base, cfg);
  const int threads = guichet_threads(cfg);
  const std::int64_t n_sets = job.sweep.size();
  // only this shard's sets are built: k = i - 1, i - 1 + n, ...
  std::int64_t my_sets = 0;
  for (std::int64_t k = cfg.shard_index - 1; k < n_sets; k += cfg.shard_count) ++my_sets;
  const ProgressCounter count(progress, my_sets > 1 ? fmt::format("guichet: {} sets x {} draws", my_sets, run.draws) : fmt::format("guichet: {} draws", run.draws),
                              my_sets * run.draws);
  std::int64_t nth = 0;
  for (std::int64_t k = cfg.shard_index - 1; k < n_sets; k += cfg.shard_count) {
    GuichetSetJob j = guichet_set_job(job, base, k, cfg.keep_draws);
    // a sweep names each set as it starts (a line above the bar, or one line per set when piped)
    if (progress && my_sets > 1) progress->line(fmt::format("guichet: set {} of {}: {}", ++nth, my_sets, j.result.name));
    j.result.stats = solvers::run_guichet(j.inputs, j.params, run.draws, run.seed, std::uint64_t(k), threads, &count);
    run.sets.push_back(std::move(j.result));
  }
  return run;
}

GuichetRun run_guichet_sets(const GuichetConfig& cfg, ProgressSink* progress) {
  const GuichetJob job = load_guichet_job(cfg);
  return run_guichet_sets(job, compute_guichet_base(job.scenario), cfg, progress);
}

void write_guichet_files(const GuichetRun& run, viz::OutputDir& dir) {
  viz::write_file(dir.entry("guichet.json"), viz::guichet_json(run).dump(2) + "\n");
  viz::write_guichet_hdf5(dir.entry("results.h5"), run);
  dir.commit();
}

void write_guichet_outputs(const GuichetRun& run, const std::string& out_dir) {
  viz::OutputDir dir(out_dir, "guichet");
  write_guichet_files(run, dir);
}

GuichetRun guichet(const GuichetConfig& cfg, ProgressSink* progress) {
  // the scenario and the sweep are checked before the folder is touched; the region and its
  // plan are then read from the folder's cache (or computed and cached) under its lock
  const GuichetJob job = load_guichet_job(cfg);
  viz::OutputDir dir(cfg.out_dir, "guichet");
  const solvers::GuichetBase base = cached_guichet_base(job.scenario, dir.root());
  GuichetRun run = run_guichet_sets(job, base, cfg, progress);
  write_guichet_files(run, dir);
  return run;
}

static_assert(viz::kMaxGuichetSets == scenarios::kMaxSweepSets);

GuichetRun merge(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw InputError("command line", 0, "shards", "no shard folder given");
  std::vector<ShardRun> shards;
  for (const auto& d : dirs) {
    const std::string file = (std::filesystem::path(d) / "guichet.json").string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      throw InputError(file, 0, "", "cannot open (is this an output folder of dorsale guichet?)");
    // a regular file written by dorsale guichet: as large as its sweep makes it
    const std::string text = scenarios::read_text_file(file, "the shard's guichet.json", UINT64_MAX);
    shards.push_back({file, viz::guichet_from_json_text(text, file)});
  }
  GuichetRun all = merge_runs(std::move(shards));
  write_guichet_outputs(all, out_dir);
  return all;
}

namespace {

// The fields every shard of one run shares; InputError naming `file` when one differs.
void check_same_run(const GuichetRun& r, const GuichetRun& all, int n, int shard_count, const std::string& file,
                    const std::string& first_file) {
  auto differs = [&](const char* field, const std::string& mine, const std::string& theirs) {
    throw InputError(file, 0, field, fmt::format("{} here, {} in {}: the shards do not come from the same run", mine, theirs, first_file));
  };
  if (r.scenario != all.scenario) differs("scenario", r.scenario, all.scenario);
  if (r.scenario_hash != all.scenario_hash) differs("scenario_hash", r.scenario_hash, all.scenario_hash);
  if (r.seed != all.seed) differs("seed", std::to_string(r.seed), std::to_string(all.seed));
  if (r.draws != all.draws) differs("draws", std::to_string(r.draws), std::to_string(all.draws));
  if (r.first_year != all.first_year) differs("first_year", std::to_string(r.first_year), std::to_string(all.first_year));
  if (r.deps != all.deps)
    differs("departements", fmt::format("[{}]", fmt::join(r.deps, ",")), fmt::format("[{}]", fmt::join(all.deps, ",")));
  if (r.total_sets != all.total_sets) differs("total_sets", std::to_string(r.total_sets), std::to_string(all.total_sets));
  if (n != shard_count) differs("shard", fmt::format("{} (n = {})", r.shard, n), fmt::format("n = {}", shard_count));
}

}  // namespace

GuichetRun merge_runs(std::vector<ShardRun> shards_in) {
  // Everything is checked before anything is written: the shards must come from the same run
  // (scenario, seed, draws, years, départements, sweep size, shard count) and cover each of
  // its sets exactly once.
  if (shards_in.empty()) throw InputError("command line", 0, "shards", "no shard given");
  GuichetRun all;
  std::string first_file;
  std::size_t years = 0;
  int shard_count = 0;
  std::map<int, std::string> shards;  // shard i -> file
  std::set<int> seen;
  for (std::size_t k = 0; k < shards_in.size(); ++k) {
    const std::string& file = shards_in[k].origin;
    GuichetRun& r = shards_in[k].run;
    const auto [i, n] = viz::parse_guichet_shard(r.shard);
    if (k == 0) {
      all = r;
      all.sets.clear();
      first_file = file;
      shard_count = n;
    } else {
      check_same_run(r, all, n, shard_count, file, first_file);
    }
    if (!shards.emplace(i, file).second)
      throw InputError(file, 0, "shard", fmt::format("shard {} given twice (also {})", r.shard, shards[i]));
    for (std::size_t q = 0; q < r.sets.size(); ++q) {
      auto& s = r.sets[q];
      const std::size_t y = s.stats.subsidy_by_year.size();
      if (years == 0) years = y;
      if (y != years)
        throw InputError(file, 0, fmt::format("sets[{}].by_year", q),
                         fmt::format("{} years here, {} in the other shards: the shards do not come from the same run", y, years));
      if (!seen.insert(s.index).second) throw InputError(file, 0, fmt::format("sets[{}].index", q), fmt::format("set {} appears twice", s.index));
      all.sets.push_back(std::move(s));
    }
  }
  // shards i > total_sets hold no set and may be left out
  const int required = std::min(shard_count, all.total_sets);
  std::vector<std::string> missing;
  for (int i = 1; i <= required && missing.size() < 10; ++i)
    if (!shards.count(i)) missing.push_back(fmt::format("{}/{}", i, shard_count));
  if (!missing.empty())
    throw InputError(first_file, 0, "shard",
                     fmt::format("the run has {} shards; missing: {}{}", shard_count, fmt::join(missing, ", "), missing.size() == 10 ? ", ..." : ""));
  if (int(seen.size()) != all.total_sets)
    throw InputError(first_file, 0, "sets", fmt::format("{} of the sweep's {} sets present: a shard is incomplete", seen.size(), all.total_sets));
  std::sort(all.sets.begin(), all.sets.end(), [](auto& a, auto& b) { return a.index < b.index; });
  all.shard = "1/1";
  return all;
}

}  // namespace dorsale::planner
