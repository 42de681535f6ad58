#include "io/run_folder.h"

#include <filesystem>

#include "io/compare_writer.h"
#include "io/guichet_writer.h"
#include "io/interconnect_writer.h"
#include "io/json_reader.h"
#include "io/quantities_writer.h"
#include "io/resilience_writer.h"
#include "io/towers_writer.h"
#include "io/tracking.h"

namespace dorsale::viz {

ReportScenario report_scenario_from_folder(const std::string& dir, const std::string& name) {
  const std::filesystem::path d(dir);
  ReportScenario x;
  x.name = name;
  x.summary = read_run_summary(d / "summary.json");
  std::string text;
  if (const auto f = (d / "decisions.json").string(); read_text_file(f, text)) x.interconnection = decisions_from_json_text(text, f);
  if (const auto f = (d / "towers.json").string(); read_text_file(f, text)) x.towers = towers_from_json_text(text, f);
  if (const auto f = (d / "guichet.json").string(); read_text_file(f, text)) x.guichet = guichet_from_json_text(text, f);
  if (const auto f = (d / "resilience.json").string(); read_text_file(f, text)) x.resilience = resilience_from_json_text(text, f);
  if (!read_text_file((d / "map.svg").string(), x.map)) x.map.clear();
  if (const auto f = (d / "quantities.csv").string(); read_text_file(f, text)) x.quantities = quantities_from_csv_text(text, f);
  if (const auto f = (d / "cost_mc.csv").string(); read_text_file(f, text)) x.cost_mc = cost_mc_from_csv_text(text, f);
  if (const auto f = (d / "track.json").string(); read_text_file(f, text)) x.track = io::track_from_json_text(text, f);
  return x;
}

}  // namespace dorsale::viz
