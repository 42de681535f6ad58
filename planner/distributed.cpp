#include "planner/distributed.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "models/error.h"
#include "io/guichet_writer.h"
#include "io/output_dir.h"
#include "viz/report.h"

namespace dorsale::planner {

namespace {

// Runs `work` and turns its error into an outcome with the CLI's exit codes (README).
RankOutcome guarded(const std::function<std::string()>& work) {
  RankOutcome o;
  try {
    o.payload = work();
  } catch (const InputError& e) {
    o = {1, e.what(), {}};
  } catch (const ValidationError& e) {
    o = {1, e.what(), {}};
  } catch (const std::exception& e) {
    o = {3, e.what(), {}};
  }
  return o;
}

// Rank 0: the outcomes of every rank; code and error lines of the failing ones.
DistributedOutcome collect(const std::vector<RankOutcome>& all) {
  DistributedOutcome d;
  for (std::size_t r = 0; r < all.size(); ++r)
    if (all[r].code != 0) {
      if (d.code == 0) d.code = all[r].code;
      d.errors += fmt::format("rank {}: {}\n", r, all[r].message);
    }
  return d;
}

// Rank 0 opens (and locks) the output folder before any work; every rank learns whether it
// could: `out` holds the folder on rank 0 (nothing elsewhere); `failed` is filled when it could not.
void open_output(const Cluster& cluster, const std::string& out_dir, const std::string& command, std::optional<viz::OutputDir>& out,
                 DistributedOutcome& failed) {
  RankOutcome o;
  if (cluster.root()) o = guarded([&] {
    out.emplace(out_dir, command);
    return std::string();
  });
  const int code = cluster.broadcast(o.code);
  if (code != 0) {
    failed.code = code;
    if (cluster.root()) failed.errors = fmt::format("rank 0: {}\n", o.message);
  }
}

// Every rank's outcome on rank 0; the final exit code on every rank.
std::vector<RankOutcome> gather_outcomes(const Cluster& cluster, const RankOutcome& mine) {
  std::vector<RankOutcome> all;
  for (const auto& bytes : cluster.gather(mine.pack())) all.push_back(RankOutcome::unpack(bytes));
  return all;
}

}  // namespace

DistributedOutcome guichet_distributed(const GuichetConfig& cfg_in, const Cluster& cluster, GuichetRun* merged,
                                       ProgressSink* progress) {
  DistributedOutcome result;
  std::optional<viz::OutputDir> out;
  open_output(cluster, cfg_in.out_dir, "guichet", out, result);
  if (result.code != 0) return result;
  GuichetConfig cfg = cfg_in;
  cfg.shard_index = cluster.rank() + 1;
  cfg.shard_count = cluster.size();
  if (cfg.threads <= 0)  // the cores of a machine are shared by its ranks
    cfg.threads = std::max(1, int(std::max(1u, std::thread::hardware_concurrency())) / cluster.local_size());
  const RankOutcome mine = guarded([&] { return viz::guichet_json(run_guichet_sets(cfg, progress)).dump(); });
  const auto all = gather_outcomes(cluster, mine);
  if (cluster.root()) {
    result = collect(all);
    if (result.code == 0) {
      RankOutcome w = guarded([&] {
        std::vector<ShardRun> shards;
        for (std::size_t r = 0; r < all.size(); ++r)
          shards.push_back({fmt::format("rank {}", r), viz::guichet_from_json_text(all[r].payload, fmt::format("rank {}", r))});
        *merged = merge_runs(std::move(shards));
        viz::write_file(out->entry("guichet.json"), viz::guichet_json(*merged).dump(2) + "\n");
        viz::write_guichet_hdf5(out->entry("results.h5"), *merged);
        out->commit();
        return std::string();
      });
      result.code = w.code;
      if (w.code != 0) result.errors = fmt::format("rank 0: {}\n", w.message);
    }
  }
  result.code = cluster.broadcast(result.code);
  return result;
}

namespace {

// This rank's scenarios, each computed and written to a private temporary folder, packed as
// [name][files]… for rank 0.
std::string run_my_scenarios(std::vector<scenarios::Scenario> list, const Cluster& cluster,
                             ProgressSink* progress, char csv_separator) {
  std::vector<std::string> payload;  // name, files, name, files, ...
  for (std::size_t k = std::size_t(cluster.rank()); k < list.size(); k += std::size_t(cluster.size())) {
    const std::string name = list[k].name;
    const ScenarioRun r = compute_scenario(std::move(list[k]), progress);
    const viz::PrivateTempDir tmp(fmt::format("dorsale-rank{}", cluster.rank()));  // mkdtemp, removed on exit
    write_scenario_files(r, tmp.path(), csv_separator);
    payload.push_back(name);
    payload.push_back(pack_files(tmp.path().string()));
  }
  return pack_fields(payload);
}

// Rank 0: the gathered scenario folders written into the staged run, then the report read
// back from them (the same page as from memory: viz/report.h), then the commit.
std::vector<std::string> write_gathered(const std::vector<RankOutcome>& all, const std::vector<std::string>& names,
                                        viz::OutputDir& out) {
  std::map<std::string, std::string> files_of;
  for (const auto& o : all) {
    auto fields = unpack_fields(o.payload);  // name, files, name, files, ...
    if (fields.size() % 2) throw std::runtime_error("MPI: malformed scenario list from a rank");
    for (std::size_t i = 0; i < fields.size(); i += 2) files_of[fields[i]] = std::move(fields[i + 1]);
  }
  std::vector<viz::ReportScenario> rs;
  std::vector<std::string> lines;
  for (const auto& name : names) {
    const auto dir = out.dir_entry(name);
    unpack_files(files_of.at(name), dir.string());
    rs.push_back(viz::report_scenario_from_folder(dir.string(), name));
    lines.push_back(fmt::format("{} -> {}/ (summary.json, results.h5, results.xlsx, layers.gpkg)", name, out.visible(name).string()));
  }
  viz::write_file(out.entry("report.html"), viz::report_html(fmt::format("dorsale – {}", fmt::join(names, " vs ")), rs));
  out.commit();
  return lines;
}

}  // namespace

DistributedOutcome run_distributed(const RunConfig& cfg, const Cluster& cluster,
                                   ProgressSink* progress) {
  DistributedOutcome result;
  std::vector<scenarios::Scenario> list;
  std::vector<std::string> names;
  // every rank reads the scenario list (the same files: the same answer); a bad file is
  // reported once, by rank 0
  RankOutcome loaded = guarded([&] {
    list = load_scenarios(cfg);
    for (const auto& s : list) names.push_back(s.name);
    return std::string();
  });
  if (cluster.broadcast(loaded.code) != 0) {
    result.code = loaded.code;
    if (cluster.root()) result.errors = fmt::format("rank 0: {}\n", loaded.message);
    return result;
  }
  std::optional<viz::OutputDir> out;
  open_output(cluster, cfg.out_dir, "run", out, result);
  if (result.code != 0) return result;
  const RankOutcome mine = guarded([&] { return run_my_scenarios(std::move(list), cluster, progress, cfg.csv_separator); });
  const auto all = gather_outcomes(cluster, mine);
  if (cluster.root()) {
    result = collect(all);
    if (result.code == 0) {
      RankOutcome w = guarded([&] {
        result.lines = write_gathered(all, names, *out);
        return std::string();
      });
      result.code = w.code;
      if (w.code != 0) result.errors = fmt::format("rank 0: {}\n", w.message);
    }
  }
  result.code = cluster.broadcast(result.code);
  return result;
}

}  // namespace dorsale::planner
