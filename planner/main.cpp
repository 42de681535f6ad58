// The dorsale command line: parses, calls the planner once, returns an exit code.
// Exit codes (README): 0 success, 1 bad input (file, row, key, value), 2 usage error,
// 3 failure while writing outputs or another internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <iostream>

#include "models/error.h"
#include "models/parameters.h"
#include "planner/compare.h"
#include "planner/guichet.h"
#include "planner/interconnect.h"
#include "planner/region_info.h"
#include "scenarios/steinlib.h"
#include "scenarios/text.h"
#include "solvers/steiner.h"
#include "planner/run.h"
#include "planner/towers.h"
#include "viz/compare_writer.h"
#include "viz/interconnect_writer.h"
#include "viz/steiner_writer.h"
#include "viz/summary_json.h"
#include "viz/towers_writer.h"

namespace {

enum Exit { kOk = 0, kBadInput = 1, kUsage = 2, kFailure = 3 };

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const dorsale::InputError& e) {
    std::cerr << "dorsale: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const dorsale::ValidationError& e) {
    std::cerr << "dorsale: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "dorsale: failure: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dorsale: planner and simulator of a region's broadband infrastructure (Dorsale, RIPs, FttH/THD roll-out, mobile high points, guichet cohésion numérique)"};
  app.require_subcommand(1);

  // dorsale region info
  auto* region = app.add_subcommand("region", "Inspect a region");
  region->require_subcommand(1);
  auto* info = region->add_subcommand("info", "Print a region's totals (built-in, open data or a scenario's)");
  dorsale::planner::RegionInfoConfig icfg;
  bool json = false;
  info->add_option("--builtin", icfg.builtin, "Built-in region name (bfc)");
  // input files and folders are not checked here: the loaders report a missing one as bad
  // input (exit 1, README), not as a usage error
  info->add_option("--opendata", icfg.opendata, "Directory laid out like ../shared/data");
  info->add_option("--geography", icfg.geography, "With --opendata: 2018 (default) or current");
  info->add_option("--scenario", icfg.scenario, "Scenario file (TOML)");
  info->add_flag("--json", json, "Print one JSON object");

  // dorsale run
  auto* run = app.add_subcommand("run", "Run the main job on scenarios (none: the built-in bfc-2022 and bfc-2025)");
  dorsale::planner::RunConfig rcfg;
  run->add_option("scenarios", rcfg.scenario_files, "Scenario files (TOML)");
  run->add_option("-o,--out", rcfg.out_dir, "Output folder (default: out)");

  // dorsale interconnect
  auto* inter = app.add_subcommand("interconnect", "Answer interconnection requests (CSV or JSON) on a scenario's network");
  dorsale::planner::InterconnectConfig xcfg;
  inter->add_option("requests", xcfg.requests, "Request file (.csv or .json)")->required();
  inter->add_option("--scenario", xcfg.scenario, "Scenario file (default: the built-in bfc-2022)");
  inter->add_option("--mode", xcfg.mode, "fcfs (first come, first served) or optimal (joint MILP)")
      ->check(CLI::IsMember({"fcfs", "optimal"}));
  inter->add_option("--backend", xcfg.backend, "MILP back end of --mode optimal: glpk or cbc")->check(CLI::IsMember({"glpk", "cbc"}));
  inter->add_option("-o,--out", xcfg.out_dir, "Output folder (default: out/interconnect)");

  // dorsale compare
  auto* cmp = app.add_subcommand("compare", "Compare run outputs side by side (per year and département, targets)");
  dorsale::planner::CompareConfig ccfg;
  cmp->add_option("runs", ccfg.runs, "Output folders of dorsale run (out/bfc-2022 out/bfc-2025)")->required()->expected(2, 16);
  cmp->add_option("-o,--out", ccfg.out_dir, "Output folder of compare.json (default: out/compare)");

  // dorsale guichet / merge
  auto* gui = app.add_subcommand("guichet", "Size the guichet cohésion numérique budget by Monte Carlo (P10/P50/P90 per département and year)");
  dorsale::planner::GuichetConfig gcfg;
  std::string shard = "1/1";
  std::string seed_opt;
  gui->add_option("--scenario", gcfg.scenario, "Scenario file (default: the built-in bfc-2022)");
  gui->add_option("--sweep", gcfg.sweep, "Sweep file (TOML): a grid or list of guichet.* parameter sets");
  gui->add_option("--draws", gcfg.draws, "Monte Carlo draws per set (default: guichet.draws)")->check(CLI::PositiveNumber);
  gui->add_option("--seed", seed_opt, "Seed, 0 to 9223372036854775807 (default: the scenario's)");
  gui->add_option("--threads", gcfg.threads, "Threads (default: all cores); results do not depend on it")->check(CLI::PositiveNumber);
  gui->add_option("--shard", shard, "Run part i of n of the sweep (sets k with k mod n = i - 1), e.g. 2/4");
  gui->add_option("-o,--out", gcfg.out_dir, "Output folder (default: out/guichet)");
  auto* mrg = app.add_subcommand("merge", "Join the output folders of guichet shards into one run");
  std::vector<std::string> merge_dirs;
  std::string merge_out = "out/guichet";
  mrg->add_option("shards", merge_dirs, "Shard output folders")->required();
  mrg->add_option("-o,--out", merge_out, "Output folder (default: out/guichet)");

  // dorsale towers
  auto* tow = app.add_subcommand("towers", "Choose the high points to build (and fibre) that close the 4G white zones");
  dorsale::planner::TowersConfig tcfg;
  bool tjson = false;
  tow->add_option("--scenario", tcfg.scenario, "Scenario file (default: the built-in bfc-2022)");
  auto* tsites = tow->add_option("--sites", tcfg.sites, "Number of new sites K (default: towers.sites_per_year)");
  tow->add_option("--budget", tcfg.budget, "Budget in EUR (build + backhaul) instead of K")->excludes(tsites);
  tow->add_option("--candidates", tcfg.candidates, "File mode: candidate sites CSV (id,x,y,weight; x, y in metres)");
  tow->add_option("--demand", tcfg.demand, "File mode: demand points CSV (id,x,y,weight)");
  tow->add_option("--radius-m", tcfg.radius_m, "File mode: coverage radius in metres (a point within it is covered)");
  tow->add_option("--method", tcfg.method, "heuristic (default), exact-glpk or exact-cbc")
      ->check(CLI::IsMember({"heuristic", "exact-glpk", "exact-cbc"}));
  tow->add_flag("--json", tjson, "Print one JSON object");
  tow->add_option("--dem", tcfg.dem, "Digital elevation model (GDAL raster, projected CRS): coverage needs line of sight");
  tow->add_option("-o,--out", tcfg.out_dir, "Output folder of the scenario mode (default: out/towers)");

  // dorsale steiner
  auto* steiner = app.add_subcommand("steiner", "Solve a Steiner tree instance in SteinLib STP format (heuristic with a certified bound, or exact MILP)");
  std::string stp_file, stp_backend = "glpk";
  bool stp_exact = false, stp_json = false;
  double stp_limit = 60;
  steiner->add_option("file", stp_file, "Instance (.stp)")->required();
  steiner->add_flag("--exact", stp_exact, "Solve the directed-flow MILP instead of the heuristic");
  steiner->add_option("--backend", stp_backend, "MILP back end with --exact: glpk or cbc")->check(CLI::IsMember({"glpk", "cbc"}));
  steiner->add_option("--time-limit", stp_limit, "Time limit of --exact, seconds (default 60)");
  steiner->add_flag("--json", stp_json, "Print one JSON object");

  // dorsale params
  auto* params = app.add_subcommand("params", "List every named parameter with unit, default and source");
  bool markdown = false;
  params->add_flag("--markdown", markdown, "Print the Markdown table of scenarios/README.md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }

  if (info->parsed()) {
    return guarded([&] {
      const auto info = dorsale::planner::region_info(icfg);
      if (json)
        std::cout << dorsale::viz::region_info_json(info.region, info.cut_off_from_dorsale).dump(2) << "\n";
      else
        std::cout << dorsale::viz::region_text(info.region);
      return kOk;
    });
  }
  if (run->parsed()) {
    return guarded([&] {
      const bool tty = ::isatty(STDERR_FILENO);
      auto runs = dorsale::planner::run(rcfg, [&](const std::string& s) {
        if (tty) std::cerr << "  .. " << s << "\n";
      });
      for (const auto& r : runs) {
        std::cout << fmt::format("{} -> {}/ (summary.json, results.h5, layers.gpkg)\n", r.scenario.name, r.out_path);
        std::cout << dorsale::viz::region_text(r.region);
        std::cout << dorsale::viz::run_text(r.region, r.results, r.scenario.params);
      }
      return kOk;
    });
  }
  if (inter->parsed()) {
    return guarded([&] {
      const auto res = dorsale::planner::interconnect(xcfg);
      std::cout << dorsale::viz::queue_text(res);
      std::cout << xcfg.out_dir << "/decisions.json, " << xcfg.out_dir << "/routes.gpkg\n";
      return kOk;
    });
  }
  if (cmp->parsed()) {
    return guarded([&] {
      const auto c = dorsale::planner::compare(ccfg);
      std::cout << dorsale::viz::comparison_text(c) << ccfg.out_dir << "/compare.json\n";
      return kOk;
    });
  }
  auto print_guichet = [](const dorsale::GuichetRun& run, const std::string& out) {
    for (const auto& st : run.sets) {
      const auto& t = st.stats.subsidy_total;
      std::cout << fmt::format("set {} {}: subsidy {}-{} mean {:.2f} M EUR (P10 {:.2f}, P50 {:.2f}, P90 {:.2f}, s.e. {:.3f}), premises {:.0f}\n",
                               st.index, st.name, run.first_year, run.first_year + int(st.stats.subsidy_by_year.size()) - 1,
                               t.mean / 1e6, t.p10 / 1e6, t.p50 / 1e6, t.p90 / 1e6, t.se / 1e6, st.stats.premises_total.mean);
    }
    std::cout << out << "/guichet.json, " << out << "/results.h5\n";
  };
  if (gui->parsed()) {
    return guarded([&] {
      auto [i, n] = dorsale::planner::parse_shard(shard);
      gcfg.shard_index = i;
      gcfg.shard_count = n;
      if (!seed_opt.empty()) {
        const auto seed = dorsale::scenarios::parse_int64(seed_opt);
        if (!seed || *seed < 0)
          throw dorsale::InputError("command line", 0, "--seed",
                                    fmt::format("'{}' is not a seed (a whole number from 0 to 9223372036854775807)", seed_opt));
        gcfg.seed = std::uint64_t(*seed);
        gcfg.seed_given = true;
      }
      const bool tty = ::isatty(STDERR_FILENO);
      auto run = dorsale::planner::guichet(gcfg, [&](const std::string& s) {
        if (tty) std::cerr << "  .. " << s << "\n";
      });
      print_guichet(run, gcfg.out_dir);
      return kOk;
    });
  }
  if (mrg->parsed()) {
    return guarded([&] {
      auto run = dorsale::planner::merge(merge_dirs, merge_out);
      print_guichet(run, merge_out);
      return kOk;
    });
  }
  if (tow->parsed()) {
    return guarded([&] {
      // file mode: --demand given (with --candidates); scenario mode may add --candidates
      const bool file_mode = !tcfg.demand.empty();
      if (file_mode && tcfg.candidates.empty())
        throw dorsale::InputError("command line", 0, "--candidates", "the file mode needs --candidates with --demand");
      if (file_mode) {
        const auto r = dorsale::planner::towers_from_files(tcfg);
        if (tjson)
          std::cout << dorsale::viz::towers_file_json(r).dump(2) << "\n";
        else
          std::cout << dorsale::viz::towers_file_text(r);
        return kOk;
      }
      const auto r = dorsale::planner::towers(tcfg);
      if (tjson) {
        std::cout << dorsale::viz::towers_json(r).dump(2) << "\n";
      } else {
        std::cout << dorsale::viz::towers_text(r);
        std::cout << tcfg.out_dir << "/towers.json, " << tcfg.out_dir << "/towers.gpkg\n";
      }
      return kOk;
    });
  }
  if (steiner->parsed()) {
    return guarded([&] {
      if (!(std::isfinite(stp_limit) && stp_limit > 0 && stp_limit <= 1e7))
        throw dorsale::InputError("command line", 0, "--time-limit",
                                  fmt::format("'{}' is not a time limit (seconds, > 0 and <= 1e7)", stp_limit));
      const auto inst = dorsale::scenarios::read_stp(stp_file);
      dorsale::solvers::SteinerOptions o;
      o.time_limit_s = stp_limit;
      o.backend = stp_backend == "cbc" ? dorsale::solvers::MipBackend::Cbc : dorsale::solvers::MipBackend::Glpk;
      const auto r = stp_exact ? dorsale::solvers::steiner_exact(inst, o) : dorsale::solvers::steiner_heuristic(inst, o);
      const char* method = stp_exact ? (stp_backend == "cbc" ? "exact-cbc" : "exact-glpk") : "heuristic";
      const std::string status = dorsale::solvers::steiner_status_key(r.status);
      if (stp_json)
        std::cout << dorsale::viz::steiner_json(inst, r, method, status).dump(2) << "\n";
      else
        std::cout << dorsale::viz::steiner_text(inst, r, method, status);
      return r.status == dorsale::solvers::SteinerStatus::Infeasible ? kBadInput : kOk;
    });
  }
  if (params->parsed()) {
    if (markdown) {
      std::cout << dorsale::parameters_markdown();
    } else {
      for (const auto& s : dorsale::Parameters::registry())
        std::cout << fmt::format("{:45} {:>14}  {}\n", s.key, s.unit, s.source);
    }
    return kOk;
  }
  return kUsage;
}
