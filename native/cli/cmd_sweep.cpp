// `grassflow sweep`: flows over several dimensions and seeds, with per-stage fits of the escape-time scaling
// against the leaps' predictions (docs/theory.md §6).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/progress.h"
#include "grassflow/sweep.h"
#include "grid_summaries.h"
#include "mpi_job.h"
#include "provenance.h"
#include "run_store.h"

namespace grassflow::cli {

namespace {

struct SweepCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;
  std::string d, out, shard;
  int seeds = 0;  // 0: not given (5 for random starts)
  std::uint64_t seed_start = 0;
  bool json = false;
};

nlohmann::json fit_json(const StageFit& f, const StageStatistics& stats) {
  nlohmann::json points = nlohmann::json::array();
  for (std::size_t i = 0; i < f.d.size(); ++i)
    points.push_back({{"d", json_number(f.d[i])}, {"median_time", f.median_time[i]}});
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  // Quantiles over seeds at every swept d; runs that never ended the stage are +inf, written as null.
  auto times = [](const std::vector<double>& values) {
    nlohmann::json list = nlohmann::json::array();
    for (double v : values) list.push_back(json_number(v));
    return list;
  };
  nlohmann::json dims = nlohmann::json::array();
  for (double d : stats.d) dims.push_back(json_number(d));
  return {
      {"stage", f.stage + 1},
      {"leap", f.leap},
      {"direction", f.direction + 1},
      {"model", f.prediction.model},
      {"exponent", f.fit ? nlohmann::json(f.fit->slope) : nlohmann::json(nullptr)},
      {"intercept", f.fit ? nlohmann::json(f.fit->intercept) : nlohmann::json(nullptr)},
      {"r2", f.fit ? nlohmann::json(f.fit->r2) : nlohmann::json(nullptr)},
      {"ci", stats.slope_interval ? nlohmann::json::array({stats.slope_interval->first, stats.slope_interval->second})
                                  : nlohmann::json(nullptr)},
      {"note", stats.note},
      {"predicted_exponent", optional(f.prediction.exponent)},
      {"prediction", f.prediction.label},
      {"points", points},
      {"quantiles", {{"d", dims}, {"25", times(stats.q25)}, {"50", times(stats.median)}, {"75", times(stats.q75)}}},
      {"runs", stats.runs},
      {"never", stats.never}};
}

}  // namespace

nlohmann::json sweep_run_json(const SweepRun& run) {
  return {{"d", json_number(run.d)},
          {"seed", run.seed},
          {"escape_times", optional_list_json(run.escape_times)},
          {"final_loss", std::isfinite(run.final_loss) ? nlohmann::json(run.final_loss) : nlohmann::json(nullptr)},
          {"status", to_string(run.status)}};
}

SweepRun sweep_run_from_json(const nlohmann::json& j) {
  SweepRun run;
  run.d = j.at("d").get<double>();
  run.seed = j.at("seed").get<std::uint64_t>();
  for (const nlohmann::json& e : j.at("escape_times"))
    run.escape_times.push_back(e.is_null() ? std::nullopt : std::optional<double>(e.get<double>()));
  run.final_loss = j.at("final_loss").is_null() ? INFINITY : j.at("final_loss").get<double>();
  const std::string status = j.at("status").get<std::string>();
  for (FlowStatus s : {FlowStatus::converged, FlowStatus::stalled, FlowStatus::t_max, FlowStatus::diverged})
    if (status == to_string(s)) run.status = s;
  return run;
}

nlohmann::json sweep_results(const std::vector<SweepRun>& runs, const LinkAnalysis& link, ObjectiveKind objective) {
  nlohmann::json rows = nlohmann::json::array(), fit = nlohmann::json::array();
  for (const SweepRun& run : runs) rows.push_back(sweep_run_json(run));
  for (const StageFit& f : fit_stages(runs, link.leaps, objective))
    fit.push_back(fit_json(f, stage_statistics(runs, f)));
  return {{"rows", rows}, {"fit", fit}};
}

namespace {

void run(const SweepCommand& options) {
  const Experiment experiment = options.keys->experiment();
  SweepSpec spec;
  spec.dimensions = parse_dimension_list(options.d);
  if (experiment.init == Start::equator)
    throw InputError("init", "a sweep starts from random (Haar) or isotropic, got 'equator'");
  spec.start = experiment.init;
  spec.seeds = options.seeds == 0 ? 5 : options.seeds;
  spec.first_seed = options.seed_start;
  if (experiment.init == Start::isotropic && options.seeds != 0)
    warn("--seeds is ignored with --init isotropic (the start is deterministic: one flow per d)");
  spec.flow.t_max = experiment.t_max;
  const LinkAnalysis link = analyse_link_reporting(experiment);
  const auto objective = make_objective(experiment.objective, link.expansion);
  nlohmann::json resolved = options.keys->resolved(link);
  resolved["d"] = nlohmann::json::array();
  for (double d : spec.dimensions) resolved["d"].push_back(json_number(d));
  resolved["seeds"] = spec.start == Start::random ? spec.seeds : 1;
  resolved["seed-start"] = spec.first_seed;
  if (!options.shard.empty() && options.out.empty())
    throw InputError("shard", "a shard writes its runs to a folder; give --out too (then grassflow merge)");
  std::vector<SweepRun> runs;
  std::optional<RunStore> store;
  if (options.out.empty() && !mpi_active()) {
    runs = run_sweep(objective, spec);
  } else {
    // One unit per (d, seed) of this shard, the same list on every rank; rank 0 holds the folder (if any), hands
    // out what is not done, and records the runs as they arrive (docs/cli.md, "Runs that survive", "Open MPI").
    const auto [shard, shards] = options.shard.empty() ? std::pair<int, int>{0, 1} : parse_shard(options.shard);
    const int seeds = spec.start == Start::random ? spec.seeds : 1;
    for (double d : spec.dimensions) initial_overlap(spec.start, link.r(), d, 0);  // a bad d fails at once
    std::vector<std::pair<double, std::uint64_t>> grid;
    std::size_t unit = 0;
    for (double d : spec.dimensions)
      for (int k = 0; k < seeds; ++k, ++unit)
        if (static_cast<int>(unit % static_cast<std::size_t>(shards)) == shard)
          grid.emplace_back(d, spec.first_seed + static_cast<std::uint64_t>(k));
    std::vector<std::size_t> todo;
    std::vector<nlohmann::json> recorded;
    if (mpi_rank() == 0) {
      if (!options.out.empty()) {
        nlohmann::json parameters = resolved;
        for (const char* run_key : {"d", "seeds", "seed-start"}) parameters.erase(run_key);
        store.emplace(options.out, "sweep", parameters, std::vector<std::string>{"d", "seed"});
      }
      for (std::size_t u = grid.size(); u-- > 0;)  // the largest d first: the longest flows (run_units)
        if (!store || !store->done({{"d", json_number(grid[u].first)}, {"seed", grid[u].second}})) todo.push_back(u);
    }
    {
      ProgressStage stage("sweep flows", static_cast<double>(todo.size()));
      run_units(
          todo,
          [&](std::size_t u) {
            return sweep_run_json(run_sweep_flow(objective, spec.start, grid[u].first, grid[u].second, spec.flow));
          },
          [&](const nlohmann::json& run) {
            if (store)
              store->append(run);
            else
              recorded.push_back(run);
            stage.advance();
          });
    }
    if (mpi_rank() != 0) return;
    for (const nlohmann::json& j : store ? store->runs() : recorded) runs.push_back(sweep_run_from_json(j));
    // d-major, seed-minor: the order of a one-process sweep, whatever order the runs arrived in.
    std::sort(runs.begin(), runs.end(),
              [](const SweepRun& a, const SweepRun& b) { return a.d != b.d ? a.d < b.d : a.seed < b.seed; });
  }
  for (const SweepRun& run : runs)
    if (run.status == FlowStatus::diverged)
      std::fprintf(stderr, "grassflow: warning: the flow at d = %g, seed %llu diverged\n", run.d,
                   static_cast<unsigned long long>(run.seed));
  const nlohmann::json results = sweep_results(runs, link, experiment.objective);
  if (store) write_sweep_summary(*store, results, provenance(*options.cmd, resolved));
  if (options.json) {
    print_json(*options.cmd, results, resolved);
    return;
  }
  const auto fits = fit_stages(runs, link.leaps, experiment.objective);
  std::printf("link %s (r = %d), objective %s, start %s, %d seed(s) per d\n\n", link.resolved.link.spec().c_str(),
              link.expansion.r, objective->name(), to_string(spec.start), spec.start == Start::random ? spec.seeds : 1);
  std::printf("%14s %6s  %-10s %14s  escape times\n", "d", "seed", "status", "final loss");
  for (const SweepRun& run : runs) {
    std::printf("%14.8g %6llu  %-10s %14.6g ", run.d, static_cast<unsigned long long>(run.seed), to_string(run.status),
                run.final_loss);
    for (const auto& e : run.escape_times) e ? std::printf(" %.8g", *e) : std::printf(" never");
    std::printf("\n");
  }
  std::printf("\nstage  leap  model  measured  (r^2)      predicted\n");
  for (const StageFit& f : fits) {
    std::printf("%5d %5d  %-5s ", f.stage + 1, f.leap, f.prediction.model.c_str());
    if (f.fit)
      std::printf(" %8.4f  (%.5f)  ", f.fit->slope, f.fit->r2);
    else
      std::printf(" %8s  %9s  ", "-", "");
    std::printf("%s%s\n", f.prediction.label.c_str(),
                f.prediction.model == "log" ? "  [log model: slope b of T = a + b ln d]" : "");
  }
  // What the medians hide: the spread over seeds, the runs that never ended a stage, the slope's interval.
  for (const StageFit& f : fits) {
    const StageStatistics stats = stage_statistics(runs, f);
    std::printf("\nstage %d over seeds: %14s %12s %12s %12s  never\n", f.stage + 1, "d", "25%", "median", "75%");
    for (std::size_t i = 0; i < stats.d.size(); ++i)
      std::printf("%34.8g %12.6g %12.6g %12.6g  %d of %d\n", stats.d[i], stats.q25[i], stats.median[i], stats.q75[i],
                  stats.never[i], stats.runs[i]);
    if (stats.slope_interval)
      std::printf("  slope %.4f, 95%% bootstrap interval over seeds [%.4f, %.4f]\n", f.fit->slope,
                  stats.slope_interval->first, stats.slope_interval->second);
    else
      std::printf("  %s\n", stats.note.c_str());
  }
}

}  // namespace

void write_sweep_summary(const RunStore& store, nlohmann::json results, const nlohmann::json& provenance) {
  results.erase("rows");  // they are runs.jsonl
  results.update(provenance);
  std::ofstream out(store.dir() + "/summary.json");
  out << results.dump(2) << "\n";
  if (!out) throw InputError("out", "cannot write " + store.dir() + "/summary.json; give a writable folder");
}

void add_sweep_command(CLI::App& app) {
  auto options = std::make_shared<SweepCommand>();
  CLI::App* cmd = options->cmd = app.add_subcommand(
      "sweep", "Flows over several d and seeds; per-stage fits of escape times against the leaps (docs/theory.md §6)");
  options->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{"link", "objective"});
  cmd->add_option("--d", options->d, "comma-separated dimensions, e.g. 100,1000,1e4 (each as the key d)")->required();
  cmd->add_option("--seeds", options->seeds, "seeds per d for random starts (default 5); medians are fitted")
      ->default_str("5")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed-start", options->seed_start,
                  "the first seed: seeds seed-start .. seed-start + seeds - 1 (default 0), to extend a sweep");
  cmd->add_option(
      "--out", options->out,
      "a folder for the runs (runs.jsonl, one line per flow as it ends; a re-run resumes) and summary.json");
  cmd->add_option("--shard", options->shard, "i/K: run every K-th (d, seed) from the i-th, into --out (then merge)");
  cmd->add_flag("--json", options->json, "print {\"rows\", \"fit\"} as JSON");
  cmd->callback([options] { run(*options); });
}

}  // namespace grassflow::cli
