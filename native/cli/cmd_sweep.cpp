// `grassflow sweep`: flows over several dimensions and seeds, with per-stage fits of the escape-time scaling
// against the leaps' predictions (docs/theory.md §6).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/sweep.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

struct SweepCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;
  std::string d;
  int seeds = 0;  // 0: not given (5 for random starts)
  std::uint64_t seed_start = 0;
  bool json = false;
};

nlohmann::json fit_json(const StageFit& f) {
  nlohmann::json points = nlohmann::json::array();
  for (std::size_t i = 0; i < f.d.size(); ++i)
    points.push_back({{"d", json_number(f.d[i])}, {"median_time", f.median_time[i]}});
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"stage", f.stage + 1},
          {"leap", f.leap},
          {"direction", f.direction + 1},
          {"model", f.prediction.model},
          {"exponent", f.fit ? nlohmann::json(f.fit->slope) : nlohmann::json(nullptr)},
          {"intercept", f.fit ? nlohmann::json(f.fit->intercept) : nlohmann::json(nullptr)},
          {"r2", f.fit ? nlohmann::json(f.fit->r2) : nlohmann::json(nullptr)},
          {"predicted_exponent", optional(f.prediction.exponent)},
          {"prediction", f.prediction.label},
          {"points", points}};
}

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
  const auto runs = run_sweep(objective, spec);
  const auto fits = fit_stages(runs, link.leaps, experiment.objective);
  for (const SweepRun& run : runs)
    if (run.status == FlowStatus::diverged)
      std::fprintf(stderr, "grassflow: warning: the flow at d = %g, seed %llu diverged\n", run.d,
                   static_cast<unsigned long long>(run.seed));
  if (options.json) {
    nlohmann::json rows = nlohmann::json::array(), fit = nlohmann::json::array();
    for (const SweepRun& run : runs)
      rows.push_back({{"d", json_number(run.d)},
                      {"seed", run.seed},
                      {"escape_times", optional_list_json(run.escape_times)},
                      {"final_loss", run.final_loss},
                      {"status", to_string(run.status)}});
    for (const StageFit& f : fits) fit.push_back(fit_json(f));
    nlohmann::json resolved = options.keys->resolved(link);
    resolved["d"] = nlohmann::json::array();
    for (double d : spec.dimensions) resolved["d"].push_back(json_number(d));
    resolved["seeds"] = spec.start == Start::random ? spec.seeds : 1;
    print_json(*options.cmd, {{"rows", rows}, {"fit", fit}}, resolved);
    return;
  }
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
}

}  // namespace

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
  cmd->add_flag("--json", options->json, "print {\"rows\", \"fit\"} as JSON");
  cmd->callback([options] { run(*options); });
}

}  // namespace grassflow::cli
