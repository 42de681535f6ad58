#include "planner/compare.h"

#include <cstdint>
#include <filesystem>

#include "models/error.h"
#include "io/text.h"
#include "io/compare_writer.h"
#include "io/guichet_writer.h"
#include "io/output_dir.h"
#include "viz/report_plan.h"

namespace dorsale::planner {

namespace {

// The figures of a department row of `year`, created in year order when missing.
Comparison::DepRow& dep_row(std::vector<Comparison::DepRow>& rows, int year) {
  for (auto& r : rows)
    if (r.year == year) return r;
  rows.push_back({year, {}});
  return rows.back();
}

}  // namespace

Comparison compare_runs(const std::vector<std::string>& runs) {
  if (runs.size() < 2) throw InputError("command line", 0, "runs", "compare needs at least two run folders");
  std::vector<RunSummary> sums;
  Comparison c;
  for (const auto& dir : runs) {
    sums.push_back(viz::read_run_summary(std::filesystem::path(dir) / "summary.json"));
    c.scenarios.push_back(sums.back().name);
  }
  c.runs = runs;
  // the years of the first run; each scenario that plans the year gives its figures
  for (const auto& y0 : sums[0].trajectory) {
    Comparison::YearRow row;
    row.year = y0.year;
    for (const auto& s : sums)
      for (const auto& y : s.trajectory) {
        if (y.year != y0.year) continue;
        row.by_scenario[s.name] = y.figures;
        for (const auto& [code, d] : y.by_departement) dep_row(c.by_departement[code], y0.year).by_scenario[s.name] = d;
      }
    c.by_year.push_back(std::move(row));
  }
  for (const auto& s : sums) c.targets[s.name] = s.targets;
  // the guichet of each run folder that has one (dorsale run writes it)
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const auto file = std::filesystem::path(runs[k]) / "guichet.json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    const GuichetRun g = viz::guichet_from_json_text(scenarios::read_text_file(file.string(), "the run's guichet.json", UINT64_MAX), file.string());
    if (g.sets.empty()) continue;
    const auto& st = g.sets.front().stats;
    c.guichet[sums[k].name] = {g.draws, g.first_year, st.subsidy_total, st.premises_total, st.subsidy_by_year};
  }
  return c;
}

Comparison compare(const CompareConfig& cfg) {
  Comparison cmp = compare_runs(cfg.runs);
  viz::OutputDir dir(cfg.out_dir, "compare");
  std::vector<RunSummary> sums;  // the compare page: key figures with deltas against the first run
  for (const auto& run : cfg.runs) sums.push_back(viz::read_run_summary(std::filesystem::path(run) / "summary.json"));
  viz::write_file(dir.entry("compare.json"), viz::comparison_json(cmp).dump(2) + "\n");
  viz::write_file(dir.entry("report.html"), viz::compare_html(cmp, sums));
  dir.commit();
  return cmp;
}

}  // namespace dorsale::planner
