// The dorsale command line: parses, calls the planner once, returns an exit code.
// Exit codes (README): 0 success, 1 bad input (file, row, key, value), 2 usage error,
// 3 failure while writing outputs or another internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "models/error.h"
#include "models/parameters.h"
#include "planner/cluster.h"
#include "planner/calibrate.h"
#include "planner/compare.h"
#include "planner/track.h"
#include "io/tracking.h"
#include "viz/tracking_text.h"
#include "planner/distributed.h"
#include "planner/guichet.h"
#include "io/guichet_cache.h"
#include "app/lazy_library.h"
#include "planner/interconnect.h"
#include "planner/network.h"
#include "planner/region_info.h"
#include "planner/resilience.h"
#include "io/steinlib.h"
#include "io/text.h"
#include "solvers/mip.h"
#include "solvers/steiner.h"
#include "planner/run.h"
#include "planner/towers.h"
#include "service/serve.h"
#include "io/compare_writer.h"
#include "io/interconnect_writer.h"
#include "io/network_writer.h"
#include "io/resilience_writer.h"
#include "io/quantities_writer.h"
#include "viz/quantities_report.h"
#include "io/steiner_writer.h"
#include "io/summary_json.h"
#include "io/towers_writer.h"
#include "viz/progress_display.h"
#include "io/spelling.h"

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

// A subcommand: registers its options into its config, then runs once (one planner call, one
// writer) and returns an exit code.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// The progress of run and guichet on stderr: a bar when stderr is a terminal, one line per
// step otherwise, nothing with --quiet.
dorsale::ProgressSink* progress_display(bool quiet) {
  using Mode = dorsale::viz::ProgressDisplay::Mode;
  static dorsale::viz::ProgressDisplay display(std::cerr, quiet ? Mode::Quiet : ::isatty(STDERR_FILENO) ? Mode::Bar : Mode::Lines);
  return &display;
}

Command region_info_cmd(CLI::App& root) {
  auto* region = root.add_subcommand("region", "Inspect a region");
  region->require_subcommand(1);
  auto* info = region->add_subcommand("info", "Print a region's totals (built-in, open data or a scenario's)");
  auto cfg = std::make_shared<dorsale::planner::RegionInfoConfig>();
  auto json = std::make_shared<bool>(false);
  info->add_option("--builtin", cfg->builtin, "Built-in region name (bfc)");
  // input files and folders are not checked here: the loaders report a missing one as bad
  // input (exit 1, README), not as a usage error
  info->add_option("--opendata", cfg->opendata, "Directory laid out like ../shared/data (with the network a scenario on it derives: network_plan = auto)");
  info->add_option("--geography", cfg->geography, "With --opendata: 2018 (default) or current");
  info->add_option("--scenario", cfg->scenario, "Scenario file (TOML)");
  info->add_flag("--json", *json, "Print one JSON object");
  return {info, [cfg, json] {
            const auto r = dorsale::planner::region_info(*cfg);
            if (*json)
              std::cout << dorsale::viz::region_info_json(r.region, r.cut_off_from_dorsale).dump(2) << "\n";
            else
              std::cout << dorsale::viz::region_text(r.region);
            return kOk;
          }};
}

// Under mpirun (planner/cluster.h): rank 0 prints the lines and the ranks' errors; every rank
// returns the same exit code.
int distributed_exit(const dorsale::planner::Cluster& cluster, const dorsale::planner::DistributedOutcome& o) {
  if (cluster.root()) {
    for (const auto& l : o.lines) std::cout << l << "\n";
    std::istringstream errors(o.errors);
    for (std::string line; std::getline(errors, line);) std::cerr << "dorsale: error: " << line << "\n";
  }
  return o.code;
}

Command run_cmd(CLI::App& root, const dorsale::planner::Cluster* cluster) {
  auto* run = root.add_subcommand("run", "Run the main job on scenarios (none: the built-in bfc-2022 and bfc-2025)");
  auto cfg = std::make_shared<dorsale::planner::RunConfig>();
  run->add_option("scenarios", cfg->scenario_files, "Scenario files (TOML)");
  run->add_option("-o,--out", cfg->out_dir, "Output folder (default: out)");
  auto sep = std::make_shared<std::string>(",");
  run->add_option("--csv-sep", *sep, "Separator of the CSV files: ',' (RFC 4180) or ';' (French spreadsheets, decimal comma)")
      ->check(CLI::IsMember({",", ";"}));
  auto quiet = std::make_shared<bool>(false);
  run->add_flag("-q,--quiet", *quiet, "No progress on stderr (by default a bar on a terminal, one line per step otherwise)");
  return {run, [cfg, cluster, sep, quiet]() -> int {
            cfg->csv_separator = (*sep)[0];
            auto* progress_line = progress_display(*quiet || (cluster && !cluster->root()));
            if (cluster) return distributed_exit(*cluster, dorsale::planner::run_distributed(*cfg, *cluster, progress_line));
            for (const auto& r : dorsale::planner::run(*cfg, progress_line)) {
              std::cout << fmt::format("{} -> {}/ (summary.json, results.h5, results.xlsx, layers.gpkg)\n", r.scenario.name, r.out_path);
              std::cout << dorsale::viz::region_text(r.region);
              std::cout << dorsale::viz::run_text(r.region, r.results, r.scenario.params);
              std::cout << dorsale::viz::cost_mc_text(r.cost_mc);
            }
            return kOk;
          }};
}

// An enum's command-line choices, spelled as in the files (io/spelling.h): spelling -> value.
template <class E>
std::map<std::string, E> spelled_choices() {
  std::map<std::string, E> out;
  const auto table = dorsale::io::spellings(E{});
  for (std::size_t k = 0; k < table.size(); ++k) out[table[k]] = E(k);
  return out;
}

Command interconnect_cmd(CLI::App& root) {
  auto* inter = root.add_subcommand("interconnect", "Answer interconnection requests (CSV or JSON) on a scenario's network");
  auto cfg = std::make_shared<dorsale::planner::InterconnectConfig>();
  inter->add_option("requests", cfg->requests, "Request file (.csv or .json)")->required();
  inter->add_option("--scenario", cfg->scenario, "Scenario file (default: the built-in bfc-2022)");
  inter->add_option("--network", cfg->network, "A real network in place of the scenario's: GraceTHD delivery folder or GeoPackage, or a layers.gpkg");
  // the one place where the spellings become the enums (an unknown one is a usage error)
  const auto modes = spelled_choices<dorsale::QueueMode>();
  const auto backends = spelled_choices<dorsale::MipBackend>();
  inter->add_option("--mode", cfg->mode, "fcfs (first come, first served) or optimal (joint MILP)")->transform(CLI::CheckedTransformer(modes));
  inter->add_option("--backend", cfg->backend, "MILP back end of --mode optimal: glpk or cbc")->transform(CLI::CheckedTransformer(backends));
  inter->add_option("-o,--out", cfg->out_dir, "Output folder (default: out/interconnect)");
  auto sep = std::make_shared<std::string>(",");
  inter->add_option("--csv-sep", *sep, "Separator of decisions.csv: ',' (RFC 4180) or ';' (French spreadsheets, decimal comma)")
      ->check(CLI::IsMember({",", ";"}));
  return {inter, [cfg, sep] {
            cfg->csv_separator = (*sep)[0];
            std::cout << dorsale::viz::queue_text(dorsale::planner::interconnect(*cfg));
            std::cout << cfg->out_dir << "/decisions.json, " << cfg->out_dir << "/decisions.csv, " << cfg->out_dir << "/routes.gpkg\n";
            return kOk;
          }};
}

Command compare_cmd(CLI::App& root) {
  auto* cmp = root.add_subcommand("compare", "Compare run outputs side by side (per year and département, targets)");
  auto cfg = std::make_shared<dorsale::planner::CompareConfig>();
  cmp->add_option("runs", cfg->runs, "Output folders of dorsale run (out/bfc-2022 out/bfc-2025)")->required()->expected(2, 16);
  cmp->add_option("-o,--out", cfg->out_dir, "Output folder of compare.json (default: out/compare)");
  return {cmp, [cfg] {
            std::cout << dorsale::viz::comparison_text(dorsale::planner::compare(*cfg)) << cfg->out_dir << "/compare.json\n";
            return kOk;
          }};
}

Command track_cmd(CLI::App& root) {
  auto* t = root.add_subcommand("track", "A run's FttH trajectory per département beside the published ARCEP actuals");
  auto cfg = std::make_shared<dorsale::planner::TrackConfig>();
  auto json = std::make_shared<bool>(false);
  auto sep = std::make_shared<std::string>(",");
  t->add_option("run", cfg->run_dir, "A scenario folder of dorsale run (out/opendata-bfc)")->required();
  t->add_option("--actuals", cfg->actuals, "ARCEP actuals: the barometre CSV or the per-commune observatory CSV")->required();
  t->add_option("-o,--out", cfg->out_dir, "Also write track.csv and track.json into this folder");
  t->add_option("--csv-sep", *sep, "Separator of track.csv: ',' (RFC 4180) or ';' (French spreadsheets, decimal comma)")
      ->check(CLI::IsMember({",", ";"}));
  t->add_flag("--json", *json, "Print the rows as JSON");
  return {t, [cfg, json, sep] {
            cfg->csv_separator = (*sep)[0];
            const auto r = dorsale::planner::track(*cfg);
            std::cout << (*json ? dorsale::io::track_json(r) + "\n" : dorsale::viz::track_text(r));
            return kOk;
          }};
}

Command calibrate_cmd(CLI::App& root) {
  auto* c = root.add_subcommand("calibrate", "Fit each département's build pace to ARCEP actuals -> DIR/calibrated.toml, DIR/fit.json");
  auto cfg = std::make_shared<dorsale::planner::CalibrateConfig>();
  c->add_option("scenario", cfg->scenario, "A scenario file, or a built-in scenario's name (bfc-2022)")->required();
  c->add_option("--actuals", cfg->actuals, "ARCEP actuals: the barometre CSV or the per-commune observatory CSV")->required();
  c->add_option("--until", cfg->until, "Use only the actuals dated up to this day (YYYY-MM-DD)");
  c->add_option("-o,--out", cfg->out_dir, "Output folder")->required();
  return {c, [cfg] {
            std::cout << dorsale::viz::calibration_text(dorsale::planner::calibrate(*cfg)) << cfg->out_dir << "/calibrated.toml, "
                      << cfg->out_dir << "/fit.json\n";
            return kOk;
          }};
}

void print_guichet(const dorsale::GuichetRun& run, const std::string& out) {
  for (const auto& st : run.sets) {
    const auto& t = st.stats.subsidy_total;
    std::cout << fmt::format("set {} {}: subsidy {}-{} mean {:.2f} M EUR (P10 {:.2f}, P50 {:.2f}, P90 {:.2f}, s.e. {:.3f}), premises {:.0f}\n",
                             st.index, st.name, run.first_year, run.first_year + int(st.stats.subsidy_by_year.size()) - 1,
                             t.mean / 1e6, t.p10 / 1e6, t.p50 / 1e6, t.p90 / 1e6, t.se / 1e6, st.stats.premises_total.mean);
  }
  std::cout << out << "/guichet.json, " << out << "/results.h5\n";
}

Command guichet_cmd(CLI::App& root, const dorsale::planner::Cluster* cluster) {
  auto* gui = root.add_subcommand("guichet", "Size the guichet cohésion numérique budget by Monte Carlo (P10/P50/P90 per département and year)");
  struct Args {
    dorsale::planner::GuichetConfig cfg;
    std::string shard = "1/1", seed;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  gui->add_option("--scenario", a->cfg.scenario, "Scenario file (default: the built-in bfc-2022)");
  gui->add_option("--sweep", a->cfg.sweep, "Sweep file (TOML): a grid or list of guichet.* parameter sets");
  gui->add_option("--draws", a->cfg.draws, "Monte Carlo draws per set (default: guichet.draws)")->check(CLI::PositiveNumber);
  gui->add_option("--seed", a->seed, "Seed, 0 to 9223372036854775807 (default: the scenario's)");
  gui->add_option("--threads", a->cfg.threads, "Threads (default: all cores); results do not depend on it")->check(CLI::PositiveNumber);
  gui->add_option("--shard", a->shard, "Run part i of n of the sweep (sets k with k mod n = i - 1), e.g. 2/4");
  gui->add_option("-o,--out", a->cfg.out_dir, "Output folder (default: out/guichet)");
  gui->add_flag("--keep-draws", a->cfg.keep_draws, "Also store each draw's subsidy and premises totals in results.h5");
  gui->add_flag("-q,--quiet", a->quiet, "No progress on stderr (by default a bar on a terminal, one line per step otherwise)");
  return {gui, [a, cluster]() -> int {
            auto* progress_line = progress_display(a->quiet || (cluster && !cluster->root()));
            auto& cfg = a->cfg;
            if (cluster && a->shard != "1/1")
              throw dorsale::InputError("command line", 0, "--shard", "under mpirun the ranks are the shards: leave out --shard");
            if (cluster && cfg.keep_draws)
              throw dorsale::InputError("command line", 0, "--keep-draws", "the per-draw totals are not gathered under mpirun: run without it");
            std::tie(cfg.shard_index, cfg.shard_count) = dorsale::planner::parse_shard(a->shard);
            if (!a->seed.empty()) {
              const auto seed = dorsale::scenarios::parse_int64(a->seed);
              if (!seed || *seed < 0)
                throw dorsale::InputError("command line", 0, "--seed",
                                          fmt::format("'{}' is not a seed (a whole number from 0 to 9223372036854775807)", a->seed));
              cfg.seed = std::uint64_t(*seed);
              cfg.seed_given = true;
            }
            if (cluster) {
              dorsale::GuichetRun merged;
              const auto o = dorsale::planner::guichet_distributed(cfg, *cluster, &merged, progress_line);
              if (o.code == 0 && cluster->root()) print_guichet(merged, cfg.out_dir);
              return distributed_exit(*cluster, o);
            }
            print_guichet(dorsale::planner::guichet(cfg, progress_line), cfg.out_dir);
            return kOk;
          }};
}

Command merge_cmd(CLI::App& root) {
  auto* mrg = root.add_subcommand("merge", "Join the output folders of guichet shards into one run");
  struct Args {
    std::vector<std::string> dirs;
    std::string out = "out/guichet";
  };
  auto a = std::make_shared<Args>();
  mrg->add_option("shards", a->dirs, "Shard output folders")->required();
  mrg->add_option("-o,--out", a->out, "Output folder (default: out/guichet)");
  return {mrg, [a] {
            print_guichet(dorsale::planner::merge(a->dirs, a->out), a->out);
            return kOk;
          }};
}

Command towers_cmd(CLI::App& root) {
  auto* tow = root.add_subcommand("towers", "Choose the high points to build (and fibre) that close the 4G white zones");
  auto cfg = std::make_shared<dorsale::planner::TowersConfig>();
  auto json = std::make_shared<bool>(false);
  tow->add_option("--scenario", cfg->scenario, "Scenario file (default: the built-in bfc-2022)");
  auto* sites = tow->add_option("--sites", cfg->sites, "Number of new sites K (default: towers.sites_per_year)");
  tow->add_option("--budget", cfg->budget, "Budget in EUR (build + backhaul) instead of K")->excludes(sites);
  tow->add_option("--candidates", cfg->candidates, "File mode: candidate sites CSV (id,x,y,weight; x, y in metres)");
  tow->add_option("--demand", cfg->demand, "File mode: demand points CSV (id,x,y,weight)");
  tow->add_option("--radius-m", cfg->radius_m, "File mode: coverage radius in metres (a point within it is covered)");
  // the one place --method is validated: its spellings map onto the enum
  using dorsale::planner::TowersMethod;
  const std::map<std::string, TowersMethod> methods{
      {"heuristic", TowersMethod::Heuristic}, {"exact-glpk", TowersMethod::ExactGlpk}, {"exact-cbc", TowersMethod::ExactCbc}};
  // (the spellings only: IsMember, added last, runs first and refuses the enum's numbers)
  tow->add_option("--method", cfg->method, "heuristic (default), exact-glpk or exact-cbc")
      ->transform(CLI::CheckedTransformer(methods).description(""))
      ->transform(CLI::IsMember({"heuristic", "exact-glpk", "exact-cbc"}))
      ->option_text("heuristic|exact-glpk|exact-cbc");
  tow->add_flag("--json", *json, "Print one JSON object");
  tow->add_option("--dem", cfg->dem, "Digital elevation model (GDAL raster, projected CRS): coverage needs line of sight");
  tow->add_option("-o,--out", cfg->out_dir, "Output folder of the scenario mode (default: out/towers)");
  auto quiet = std::make_shared<bool>(false);
  tow->add_flag("-q,--quiet", *quiet, "No progress on stderr (by default a bar on a terminal, one line per step otherwise)");
  return {tow, [cfg, json, quiet] {
            cfg->progress = progress_display(*quiet);
            // file mode: --demand given (with --candidates); scenario mode may add --candidates
            if (!cfg->demand.empty()) {
              if (cfg->candidates.empty())
                throw dorsale::InputError("command line", 0, "--candidates", "the file mode needs --candidates with --demand");
              const auto r = dorsale::planner::towers_from_files(*cfg);
              std::cout << (*json ? dorsale::viz::towers_file_json(r).dump(2) + "\n" : dorsale::viz::towers_file_text(r));
              return kOk;
            }
            const auto r = dorsale::planner::towers(*cfg);
            if (*json)
              std::cout << dorsale::viz::towers_json(r).dump(2) << "\n";
            else
              std::cout << dorsale::viz::towers_text(r) << cfg->out_dir << "/towers.json, " << cfg->out_dir << "/towers.gpkg\n";
            return kOk;
          }};
}

// The MILP back ends by name: the one place a --backend string becomes a MipBackend (an
// unknown name is a usage error naming the choices; the enum's numbers are not accepted).
CLI::Validator mip_backend_choice() {
  return CLI::Validator(
      [](std::string& text) {
        if (const auto b = dorsale::io::parse_spelling<dorsale::MipBackend>(text)) {
          text = std::to_string(int(*b));
          return std::string();
        }
        return fmt::format("'{}' is not a MILP back end (glpk or cbc)", text);
      },
      "", "mip_backend");
}

Command steiner_cmd(CLI::App& root) {
  auto* steiner = root.add_subcommand("steiner", "Solve a Steiner tree instance in SteinLib STP format (heuristic with a certified bound, or exact MILP)");
  struct Args {
    std::string file;
    dorsale::solvers::MipBackend backend = dorsale::solvers::MipBackend::Glpk;
    bool exact = false, json = false;
    double limit = 60;
  };
  auto a = std::make_shared<Args>();
  steiner->add_option("file", a->file, "Instance (.stp)")->required();
  steiner->add_flag("--exact", a->exact, "Solve the directed-flow MILP instead of the heuristic");
  steiner->add_option("--backend", a->backend, "MILP back end with --exact: glpk or cbc")->transform(mip_backend_choice())->type_name("glpk|cbc");
  steiner->add_option("--time-limit", a->limit, "Time limit of --exact, seconds (default 60)");
  steiner->add_flag("--json", a->json, "Print one JSON object");
  return {steiner, [a] {
            if (!(std::isfinite(a->limit) && a->limit > 0 && a->limit <= 1e7))
              throw dorsale::InputError("command line", 0, "--time-limit",
                                        fmt::format("'{}' is not a time limit (seconds, > 0 and <= 1e7)", a->limit));
            const auto inst = dorsale::scenarios::read_stp(a->file);
            dorsale::solvers::SteinerOptions o;
            o.time_limit_s = a->limit;
            o.backend = a->backend;
            const auto r = a->exact ? dorsale::solvers::steiner_exact(inst, o) : dorsale::solvers::steiner_heuristic(inst, o);
            const std::string method = dorsale::io::spell(a->exact ? dorsale::exact_method(a->backend) : dorsale::SolveMethod::Heuristic);
            const std::string status = dorsale::solvers::steiner_status_key(r.status);
            if (a->json)
              std::cout << dorsale::viz::steiner_json(inst, r, method, status).dump(2) << "\n";
            else
              std::cout << dorsale::viz::steiner_text(inst, r, method, status);
            return r.status == dorsale::solvers::SteinerStatus::Infeasible ? kBadInput : kOk;
          }};
}

Command network_cmd(CLI::App& root) {
  auto* net = root.add_subcommand("network", "Read a real network (GraceTHD) or export one");
  net->require_subcommand(1);
  struct Args {
    std::string path;
    bool json = false, quiet = false;
    dorsale::planner::NetworkExportConfig exp;
    std::string exp_format = "gracethd";  // --format, read by io::parse_or_throw
  };
  auto a = std::make_shared<Args>();
  auto* info = net->add_subcommand("info", "Print a network's totals: a GraceTHD delivery folder or GeoPackage, or a dorsale layers.gpkg");
  info->add_option("path", a->path, "Delivery folder, GraceTHD GeoPackage or layers.gpkg")->required();
  info->add_flag("--json", a->json, "Print one JSON object");
  info->add_flag("-q,--quiet", a->quiet, "No progress on stderr (by default a bar per table read on a terminal, one line per table otherwise)");
  auto* check = net->add_subcommand("check", "Check a GraceTHD delivery before use: tables read and ignored, rows refused with why, "
                                              "warnings; exit 0 when usable, 1 when not");
  check->add_option("path", a->path, "Delivery folder or GraceTHD GeoPackage")->required();
  check->add_flag("--json", a->json, "Print one JSON object");
  check->add_flag("-q,--quiet", a->quiet, "No progress on stderr (by default a bar per table read on a terminal, one line per table otherwise)");
  auto* exp = net->add_subcommand("export", "Write a network as a GraceTHD v2.0.1 delivery (Shapefiles + CSV) or GeoPackage");
  exp->add_option("--builtin", a->exp.builtin, "Built-in region name (bfc)");
  exp->add_option("--scenario", a->exp.scenario, "Scenario file (TOML): its region's network");
  exp->add_option("--format", a->exp_format, "gracethd (Shapefiles + ; CSV, default) or gpkg");
  exp->add_option("-o,--out", a->exp.out_dir, "Output folder")->required();
  exp->add_flag("--archive", a->exp.archive, "Write one gracethd.zip holding the delivery's files");
  return {net, [a, info, check] {
            if (check->parsed()) {
              const auto r = dorsale::planner::network_check(a->path, progress_display(a->quiet));
              std::cout << (a->json ? dorsale::viz::network_check_json_text(r) + "\n" : dorsale::viz::network_check_text(r));
              return r.usable ? kOk : kBadInput;
            }
            if (info->parsed()) {
              const auto r = dorsale::planner::network_info(a->path, progress_display(a->quiet));
              std::cout << (a->json ? dorsale::viz::network_info_json_text(r) + "\n" : dorsale::viz::network_info_text(r));
              return kOk;
            }
            a->exp.format = dorsale::io::parse_or_throw<dorsale::gracethd::Format>(a->exp_format, "command line", 0, "--format");
            const auto r = dorsale::planner::network_export(a->exp);
            std::cout << fmt::format("{} nodes, {} links -> {}/ ({} files)\n", r.totals.nodes, r.totals.links, a->exp.out_dir, r.entries.size());
            return kOk;
          }};
}

Command resilience_cmd(CLI::App& root) {
  auto* res = root.add_subcommand("resilience", "Which single failure (link, shared-risk group, node) cuts which NROs, high points and premises from the core");
  auto cfg = std::make_shared<dorsale::planner::ResilienceConfig>();
  auto json = std::make_shared<bool>(false);
  res->add_option("--scenario", cfg->scenario, "Scenario file (default: the built-in bfc-2022)");
  res->add_option("--network", cfg->network, "A real network in place of the scenario's: GraceTHD delivery folder or GeoPackage, or a layers.gpkg");
  res->add_option("--from", cfg->from, "A node id: the core is this node (default: the Dorsale's points of presence and the external hubs)");
  res->add_flag("--planned", cfg->include_planned, "Count the planned links as built (default: the links in service)");
  res->add_flag("--full", cfg->full, "List every cut node of each failure (default: the count and network.resilience_listed_nodes of them)");
  res->add_flag("--json", *json, "Print one JSON object");
  return {res, [cfg, json] {
            const auto r = dorsale::planner::resilience(*cfg);
            if (*json) dorsale::viz::write_resilience_json(std::cout, r);
            else std::cout << dorsale::viz::resilience_text(r);
            return kOk;
          }};
}

Command serve_cmd(CLI::App& root) {
  auto* serve = root.add_subcommand("serve", "The interconnection desk as a service: HTTP API, web page, durable register");
  auto cfg = std::make_shared<dorsale::service::ServeConfig>();
  serve->add_option("--scenario", cfg->scenario, "Scenario file (default: the built-in bfc-2022)");
  serve->add_option("--network", cfg->network, "A real network in place of the scenario's: GraceTHD delivery folder or GeoPackage, or a layers.gpkg");
  serve->add_option("--db", cfg->db, "Register: a SQLite file (default: next to the scenario, .desk.sqlite) or a postgresql:// URL");
  serve->add_option("--listen", cfg->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)");
  serve->add_option("--tokens", cfg->tokens, "TOML file of [[token]] tables: name, role (requester|engineer), sha256");
  serve->add_option("--key-file", cfg->key_file,
                    "Desk key sealing the webhook secrets (32 bytes, mode 0600, made on first start; default: <db>.key, or <tokens>.key for PostgreSQL)");
  return {serve, [cfg] { return dorsale::service::serve(*cfg); }};
}

Command params_cmd(CLI::App& root) {
  auto* params = root.add_subcommand("params", "List every named parameter with unit, default and source");
  auto markdown = std::make_shared<bool>(false);
  params->add_flag("--markdown", *markdown, "Print the Markdown table of scenarios/README.md");
  return {params, [markdown] {
            if (*markdown) {
              std::cout << dorsale::parameters_markdown();
            } else {
              for (const auto& s : dorsale::Parameters::registry())
                std::cout << fmt::format("{:45} {:>14}  {}\n", s.key, s.unit, s.source);
            }
            return kOk;
          }};
}

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The known name closest to `word` when it is close enough (at most a third of its letters off,
// at least 2); "" otherwise.
std::string closest_name(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& n : names)
    if (const auto d = edit_distance(word, n); d < best_d) best_d = d, best = n;
  return best;
}

// "did you mean X?" for the first unknown subcommand or option of a command line CLI11
// refused; "" when every name is known or none is close.
std::string did_you_mean(CLI::App& root, int argc, char** argv) {
  CLI::App* app = &root;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-') {
      const std::string name = a.substr(0, a.find('='));
      std::vector<std::string> names;
      for (const CLI::Option* o : app->get_options()) {
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
        for (const auto& n : o->get_snames()) names.push_back("-" + n);
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      const auto c = closest_name(name, names);
      return c.empty() ? "" : "did you mean " + c + "?";
    }
    const auto subs = app->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) continue;  // a positional argument
    CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (CLI::App* sc : subs) {
      names.push_back(sc->get_name());
      if (sc->get_name() == a) next = sc;
    }
    if (!next) {
      const auto c = closest_name(a, names);
      return c.empty() ? "" : "did you mean " + c + "?";
    }
    app = next;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  // GDAL and CBC load on first use (app/lazy_library.h): their files still key the guichet's cache
  dorsale::io::add_libraries_loaded_on_first_use(dorsale::app::lazy_library_files());
  // MPI only when mpirun started us (planner/cluster.h); a plain dorsale never touches it
  std::unique_ptr<dorsale::planner::Cluster> cluster;
  if (dorsale::planner::Cluster::launched()) {
    try {
      cluster = std::make_unique<dorsale::planner::Cluster>(&argc, &argv);
    } catch (const std::exception& e) {
      std::cerr << "dorsale: failure: " << e.what() << "\n";
      return kFailure;
    }
  }
  CLI::App app{"dorsale: planner and simulator of a region's broadband infrastructure (Dorsale, RIPs, FttH/THD roll-out, mobile high points, guichet cohésion numérique)"};
  app.require_subcommand(1);
  const std::vector<Command> commands = {region_info_cmd(app), run_cmd(app, cluster.get()),     interconnect_cmd(app), compare_cmd(app), guichet_cmd(app, cluster.get()),
                                         merge_cmd(app),       towers_cmd(app),  steiner_cmd(app),      params_cmd(app),
                                         network_cmd(app),     serve_cmd(app),   resilience_cmd(app),
                                         track_cmd(app),       calibrate_cmd(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (const auto hint = did_you_mean(app, argc, argv); code != 0 && !hint.empty()) std::cerr << "dorsale: " << hint << "\n";
    return code == 0 ? kOk : kUsage;
  }
  for (const auto& c : commands) {
    if (!c.app->parsed()) continue;
    if (cluster && c.app->get_name() != "run" && c.app->get_name() != "guichet") {
      if (cluster->root())
        std::cerr << "dorsale: usage: only run and guichet spread over MPI ranks; run " << c.app->get_name() << " without mpirun\n";
      return kUsage;
    }
    return guarded(c.run);
  }
  return kUsage;
}
