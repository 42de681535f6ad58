#include "planner/distributed.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "models/error.h"
#include "io/guichet_cache.h"
#include "io/guichet_writer.h"
#include "solvers/guichet.h"
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

GuichetDeal::GuichetDeal(std::int64_t sets, int draws, int ranks) : sets_(sets), draws_(draws), ranks_(ranks) {
  if (sets < 0 || draws < 1 || ranks < 1) throw std::invalid_argument("GuichetDeal: sets >= 0, draws >= 1, ranks >= 1");
}

std::int64_t GuichetDeal::begin(int rank) const {
  const unsigned __int128 T = (unsigned __int128)sets_ * (unsigned __int128)draws_;
  return std::int64_t(T * (unsigned __int128)rank / (unsigned __int128)ranks_);
}

int GuichetDeal::rank_of(std::int64_t pair) const {
  int lo = 0, hi = ranks_ - 1;  // the last rank r with begin(r) <= pair
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (begin(mid) <= pair) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

std::pair<int, int> GuichetDeal::piece(int rank, std::int64_t set) const {
  const std::int64_t a = std::max(begin(rank), set * draws_), b = std::min(begin(rank + 1), (set + 1) * draws_);
  if (a >= b) return {0, 0};
  return {int(a - set * draws_), int(b - set * draws_)};
}

int GuichetDeal::column_owner(std::int64_t set, int column, int columns) const {
  const std::int64_t d = (std::int64_t(2 * column + 1) * draws_) / (2 * std::int64_t(columns));
  return rank_of(set * draws_ + d);
}

namespace {

// One summary record per (set, column) a rank computed: set, column, mean, p10, p50, p90, se.
void put_summary(std::vector<double>& out, std::int64_t set, int column, const Quantiles& q) {
  for (double v : {double(set), double(column), q.mean, q.p10, q.p50, q.p90, q.se}) out.push_back(v);
}
constexpr std::size_t kSummaryWidth = 7;

std::string doubles_bytes(const std::vector<double>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double)); }
std::vector<double> bytes_doubles(const std::string& b) {
  if (b.size() % sizeof(double)) throw std::runtime_error("MPI: malformed summaries from a rank");
  std::vector<double> v(b.size() / sizeof(double));
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

}  // namespace

GuichetSplitShare guichet_split_share(const GuichetDeal& deal, int rank, int columns) {
  const int ranks = deal.ranks();
  GuichetSplitShare sh;
  const std::size_t D = std::size_t(deal.draws());
  for (std::int64_t s = 0; s < deal.sets(); ++s) {
    if (!deal.split(s)) continue;
    const auto [d0, d1] = deal.piece(rank, s);
    if (d0 != d1) sh.pieces.push_back({s, d0, d1, std::vector<double*>(std::size_t(columns), nullptr)});
    for (int c = 0; c < columns; ++c)
      if (deal.column_owner(s, c, columns) == rank) sh.owned.emplace_back(s, c);
  }
  std::size_t sent = 0;
  for (const auto& p : sh.pieces)
    for (int c = 0; c < columns; ++c)
      if (deal.column_owner(p.set, c, columns) != rank) sent += std::size_t(p.d1 - p.d0);
  double* const block = solvers::guichet_workspace(sh.owned.size() * D + sent);
  sh.cols = block;
  double* send = block + sh.owned.size() * D;
  // own columns in place; the others in runs, by owner then set then column (the owner's order)
  std::size_t i = 0;  // owned index
  for (auto& p : sh.pieces)
    for (int c = 0; c < columns; ++c)
      if (deal.column_owner(p.set, c, columns) == rank) {
        while (sh.owned[i] != std::make_pair(p.set, c)) ++i;
        p.to[std::size_t(c)] = sh.cols + i * D + std::size_t(p.d0);
      }
  for (int q = 0; q < ranks; ++q)
    for (auto& p : sh.pieces)
      for (int c = 0; c < columns; ++c)
        if (q != rank && deal.column_owner(p.set, c, columns) == q) {
          p.to[std::size_t(c)] = send;
          sh.sends.push_back({q, send, p.d1 - p.d0});
          send += p.d1 - p.d0;
        }
  for (int r = 0; r < ranks; ++r) {
    if (r == rank) continue;
    for (std::size_t k = 0; k < sh.owned.size(); ++k) {
      const auto [d0, d1] = deal.piece(r, sh.owned[k].first);
      if (d0 != d1) sh.receives.push_back({r, sh.cols + k * D + std::size_t(d0), d1 - d0});
    }
  }
  return sh;
}

namespace {

// This rank's sets: whole sets run and summarised here (the single process's own path), then
// its pieces of split sets sampled where they go (guichet_split_share), kept for the transfers.
std::vector<double> sample_my_pairs(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetDeal& deal, int rank,
                                    int columns, int threads, std::uint64_t seed, const ProgressCounter* count,
                                    GuichetSplitShare& share) {
  std::vector<double> summaries;
  const std::int64_t first = deal.begin(rank), last = deal.begin(rank + 1);
  if (first == last) return summaries;
  for (std::int64_t s = first / deal.draws(); s <= (last - 1) / deal.draws(); ++s) {
    if (deal.split(s)) continue;
    const GuichetSetJob j = guichet_set_job(job, base, s, false);
    const auto st = solvers::run_guichet(j.inputs, j.params, deal.draws(), seed, std::uint64_t(s), threads, count);
    const auto cols = solvers::guichet_stats_columns(st);
    for (std::size_t c = 0; c < cols.size(); ++c) put_summary(summaries, s, int(c), cols[c]);
  }
  share = guichet_split_share(deal, rank, columns);  // after the whole sets: their memory
  for (const auto& p : share.pieces) {
    const GuichetSetJob j = guichet_set_job(job, base, p.set, false);
    const solvers::GuichetColumns sampler(j.inputs, j.params, seed, std::uint64_t(p.set));
    if (sampler.columns() != columns) throw std::runtime_error("MPI: a set's statistics are not the sweep's");
    sampler.sample(p.d0, p.d1, p.to.data(), threads, count);
  }
  return summaries;
}

// The pieces sent to the ranks that summarise their columns and received from the others,
// then the columns this rank owns (now every draw of their set, in draw order) summarised.
void summarise_split_sets(const Cluster& cluster, const GuichetDeal& deal, int threads, const GuichetSplitShare& share,
                          std::vector<double>& summaries) {
  if (!share.sends.empty() || !share.receives.empty()) cluster.transfer(share.sends, share.receives);
  const std::vector<Quantiles> q = solvers::summarise_draw_columns(share.cols, share.owned.size(), std::size_t(deal.draws()), threads);
  for (std::size_t i = 0; i < share.owned.size(); ++i) put_summary(summaries, share.owned[i].first, share.owned[i].second, q[i]);
}

// Rank 0: every set's statistics from the ranks' summaries.
GuichetRun assemble_run(const GuichetJob& job, const solvers::GuichetBase& base, const GuichetConfig& cfg, const GuichetDeal& deal,
                        const std::vector<RankOutcome>& all) {
  GuichetConfig one = cfg;
  one.shard_index = one.shard_count = 1;
  GuichetRun run = guichet_run_header(job, base, one);
  const int years = job.scenario.last_year - job.scenario.first_year + 1;
  const int C = solvers::guichet_columns(int(base.deps.size()), years);
  std::vector<std::vector<Quantiles>> q(std::size_t(deal.sets()), std::vector<Quantiles>(std::size_t(C)));
  std::vector<std::vector<char>> seen(std::size_t(deal.sets()), std::vector<char>(std::size_t(C), 0));
  for (const auto& o : all) {
    const auto v = bytes_doubles(o.payload);
    if (v.size() % kSummaryWidth) throw std::runtime_error("MPI: malformed summaries from a rank");
    for (std::size_t i = 0; i < v.size(); i += kSummaryWidth) {
      const auto s = std::int64_t(v[i]);
      const int c = int(v[i + 1]);
      if (s < 0 || s >= deal.sets() || c < 0 || c >= C || seen[std::size_t(s)][std::size_t(c)])
        throw std::runtime_error("MPI: a summary out of place from a rank");
      seen[std::size_t(s)][std::size_t(c)] = 1;
      q[std::size_t(s)][std::size_t(c)] = Quantiles{v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6]};
    }
  }
  for (std::int64_t s = 0; s < deal.sets(); ++s) {
    for (char x : seen[std::size_t(s)])
      if (!x) throw std::runtime_error(fmt::format("MPI: set {} misses a statistic", s));
    GuichetSetJob j = guichet_set_job(job, base, s, false);
    j.result.stats = solvers::guichet_stats_from_columns(j.inputs, j.params, q[std::size_t(s)], deal.draws());
    run.sets.push_back(std::move(j.result));
  }
  return run;
}

// Rank 0 (and every rank) after a stage: the first failing rank's code, its errors on rank 0.
bool stage_failed(const Cluster& cluster, const RankOutcome& mine, DistributedOutcome& result) {
  const auto all = gather_outcomes(cluster, mine);
  if (cluster.root()) result = collect(all);
  result.code = cluster.broadcast(result.code);
  return result.code != 0;
}

}  // namespace

DistributedOutcome guichet_distributed(const GuichetConfig& cfg_in, const Cluster& cluster, GuichetRun* merged,
                                       ProgressSink* progress) {
  DistributedOutcome result;
  // every rank reads the scenario and the sweep (the same files: the same answer); a bad file
  // is reported once, by rank 0
  GuichetConfig cfg = cfg_in;
  GuichetJob job;
  const RankOutcome loaded = guarded([&] {
    job = load_guichet_job(cfg);
    return std::string();
  });
  if (cluster.broadcast(loaded.code) != 0) {
    result.code = loaded.code;
    if (cluster.root()) result.errors = fmt::format("rank 0: {}\n", loaded.message);
    return result;
  }
  std::optional<viz::OutputDir> out;
  open_output(cluster, cfg.out_dir, "guichet", out, result);
  if (result.code != 0) return result;
  if (cfg.threads <= 0)  // the cores of a machine are shared by its ranks
    cfg.threads = std::max(1, int(std::max(1u, std::thread::hardware_concurrency())) / cluster.local_size());
  // the fixed part: rank 0 reads it from the folder's cache (or computes and caches it) and
  // broadcasts it, so no other rank builds the region or the plan
  std::string base_bytes;
  RankOutcome based;
  if (cluster.root()) based = guarded([&] {
    base_bytes = io::guichet_base_bytes(cached_guichet_base(job.scenario, out->root()));
    return std::string();
  });
  if (const int code = cluster.broadcast(based.code); code != 0) {
    result.code = code;
    if (cluster.root()) result.errors = fmt::format("rank 0: {}\n", based.message);
    return result;
  }
  const auto base = io::guichet_base_from_bytes(cluster.broadcast(base_bytes));
  const std::uint64_t seed = cfg.seed_given ? cfg.seed : job.scenario.seed;
  const int draws = cfg.draws > 0 ? cfg.draws : int(job.scenario.params.guichet.draws);
  const GuichetDeal deal(job.sweep.size(), draws, cluster.size());
  const int years = job.scenario.last_year - job.scenario.first_year + 1;
  const int C = base ? solvers::guichet_columns(int(base->deps.size()), years) : 0;
  // this rank's draws: whole sets summarised, pieces of split sets sampled
  GuichetSplitShare share;
  std::vector<double> summaries;
  const ProgressCounter count(progress, fmt::format("guichet: {} sets x {} draws, rank 0's share", deal.sets(), draws),
                              deal.begin(cluster.rank() + 1) - deal.begin(cluster.rank()));
  const RankOutcome sampled = guarded([&] {
    if (!base) throw std::runtime_error("MPI: the fixed part broadcast by rank 0 is damaged");
    summaries = sample_my_pairs(job, *base, deal, cluster.rank(), C, cfg.threads, seed, &count, share);
    return std::string();
  });
  if (stage_failed(cluster, sampled, result)) return result;
  const RankOutcome mine = guarded([&] {
    summarise_split_sets(cluster, deal, cfg.threads, share, summaries);
    return doubles_bytes(summaries);
  });
  const auto all = gather_outcomes(cluster, mine);
  if (cluster.root()) {
    result = collect(all);
    if (result.code == 0) {
      RankOutcome w = guarded([&] {
        *merged = assemble_run(job, *base, cfg, deal, all);
        write_guichet_files(*merged, *out);
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
