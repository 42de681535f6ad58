// The dorsale command line: parses, calls the planner once, returns an exit code.
// Exit codes (README): 0 success, 1 bad input (file, row, key, value), 2 usage error,
// 3 failure while writing outputs or another internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "models/error.h"
#include "models/parameters.h"
#include "planner/region_info.h"
#include "planner/run.h"
#include "viz/summary_json.h"

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
  info->add_option("--opendata", icfg.opendata, "Directory laid out like ../shared/data")->check(CLI::ExistingDirectory);
  info->add_option("--geography", icfg.geography, "With --opendata: 2018 (default) or current");
  info->add_option("--scenario", icfg.scenario, "Scenario file (TOML)");
  info->add_flag("--json", json, "Print one JSON object");

  // dorsale run
  auto* run = app.add_subcommand("run", "Run the main job on scenarios (none: the built-in bfc-2022 and bfc-2025)");
  dorsale::planner::RunConfig rcfg;
  run->add_option("scenarios", rcfg.scenario_files, "Scenario files (TOML)");
  run->add_option("-o,--out", rcfg.out_dir, "Output folder (default: out)");

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
      auto r = dorsale::planner::load_region_for(icfg);
      if (json)
        std::cout << dorsale::planner::region_info_json(r).dump(2) << "\n";
      else
        std::cout << dorsale::viz::region_text(r);
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
      }
      return kOk;
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
