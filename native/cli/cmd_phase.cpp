// `grassflow phase`: sample complexity measured (docs/theory.md §9). Trains every (d, n, seed) of a grid from a Haar
// start, records success (sin θ_max below --threshold within a budget of flow time scaled to the population flow's
// time at d), and summarises: the success fraction on the grid, n*(d) with bootstrap intervals, κ of n* ∝ d^κ with
// its interval beside the candidates of the link's leaps. Results go to --out as they finish (runs.jsonl, resumable;
// docs/cli.md, "phase").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/link_features.h"
#include "grassflow/progress.h"
#include "grassflow/sample_complexity.h"
#include "grid_summaries.h"
#include "mpi_job.h"
#include "phase_grid.h"
#include "provenance.h"
#include "run_store.h"

namespace grassflow::cli {

namespace {

struct PhaseCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;                                      // link, r, noise
  std::string mode = "exact", d, n, out, shard, features = "hermite", n_range;  // n: a list or "auto"
  int seeds = 8, degree = 2, threads = 1, rounds = 6;
  std::uint64_t seed_start = 0;
  double threshold = 0.2, budget = 4.0, lr = 0.1, ridge = 1e-4, ratio = 10.0;
  long batch = 0;
  bool json = false;
};

// --n: a comma-separated list of sample sizes (each a whole number ≥ 1), or "auto".
std::vector<double> parse_sizes(const std::string& text) {
  std::vector<double> sizes;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, end - begin);
    char* stop = nullptr;
    const double n = std::strtod(item.c_str(), &stop);
    if (item.empty() || *stop != '\0' || !(n >= 1) || n > 1e12 || n != std::floor(n))
      throw InputError(
          "n", "'" + item + "' is not a sample size (a whole number from 1 to 1e12); give e.g. 100,400,1600 or auto");
    sizes.push_back(n);
    begin = end + 1;
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw InputError("out", "cannot write " + path + "; give a writable folder");
}

}  // namespace

nlohmann::json write_phase_summaries(const RunStore& store, const LinkAnalysis& link,
                                     const nlohmann::json& provenance) {
  std::vector<PhaseRun> runs;
  for (const nlohmann::json& j : store.runs()) runs.push_back(phase_run_from_json(j));
  const PhaseResults results = phase_results(runs, link);
  const PhaseSummary& summary = results.summary;
  const std::vector<KappaCandidate>& candidates = results.candidates;
  // The grid: per (d, n), seeds, successes and the reasons of failures.
  struct Cell {
    int seeds = 0, successes = 0, samples = 0, time = 0;
  };
  std::map<std::pair<double, double>, Cell> grid;
  for (const PhaseRun& run : runs) {
    Cell& c = grid[{run.d, run.n}];
    ++c.seeds;
    c.successes += run.success;
    c.samples += run.reason == "samples";
    c.time += run.reason == "time";
  }
  std::string csv = csv_comment_lines(provenance) + "d,n,seeds,successes,success_fraction,failed_samples,failed_time\n";
  for (const auto& [key, c] : grid) {
    char row[256];
    std::snprintf(row, sizeof row, "%.17g,%.17g,%d,%d,%.6g,%d,%d\n", key.first, key.second, c.seeds, c.successes,
                  static_cast<double>(c.successes) / c.seeds, c.samples, c.time);
    csv += row;
  }
  write_text(store.dir() + "/phase.csv", csv);
  nlohmann::json out = phase_results_json(results, link);
  const int failed_samples = results.failed_samples, failed_time = results.failed_time;
  out.update(provenance);
  write_text(store.dir() + "/summary.json", out.dump(2) + "\n");
  std::string md = "# Sample complexity: " + link.resolved.link.spec() + "\n\n";
  md +=
      "Success: sin θ_max < threshold at the end of a budget of flow time scaled to the population flow's time "
      "(docs/theory.md §9). " +
      std::to_string(runs.size()) + " runs; failures: " + std::to_string(failed_samples) + " by samples, " +
      std::to_string(failed_time) + " by time (online runs whose samples ran out before the budget).\n\n";
  md += "| d | n* | 95% interval |\n|---|---|---|\n";
  for (std::size_t i = 0; i < summary.d.size(); ++i) {
    char row[200];
    const auto& s = summary.n_star[i];
    if (s)
      std::snprintf(row, sizeof row, "| %.6g | %.4g | [%.4g, %.4g] |\n", summary.d[i], s->estimate, s->lo, s->hi);
    else
      std::snprintf(row, sizeof row, "| %.6g | beyond the grid | - |\n", summary.d[i]);
    md += row;
  }
  if (summary.kappa) {
    char line[200];
    std::snprintf(line, sizeof line, "\nκ (n* ∝ d^κ) = %.3f, 95%% interval [%.3f, %.3f]\n\n", summary.kappa->estimate,
                  summary.kappa->lo, summary.kappa->hi);
    md += line;
  } else {
    md += "\nκ: " + summary.kappa_note + "\n\n";
  }
  md += "| candidate | exponent | consistent with the interval |\n|---|---|---|\n";
  for (const KappaCandidate& c : candidates) {
    char row[200];
    std::snprintf(row, sizeof row, "| %s | %.3g | %s |\n", c.law.c_str(), c.exponent, c.verdict());
    md += row;
  }
  if (!summary.kappa_note.empty() && summary.kappa) md += "\nNote: " + summary.kappa_note + "\n";
  write_text(store.dir() + "/summary.md", md);
  return out;
}

namespace {

void run(const PhaseCommand& c) {
  const Experiment experiment = c.keys->experiment();
  if (c.mode != "exact" && c.mode != "online")
    throw InputError("mode",
                     "'" + c.mode + "'; choose exact (n samples reused every step) or online (n fresh samples)");
  const std::vector<double> dims = parse_dimension_list(c.d);
  const bool automatic = c.n == "auto";
  const std::vector<double> sizes = automatic ? std::vector<double>{} : parse_sizes(c.n);
  if (c.rounds < 1 || c.rounds > 30) throw InputError("rounds", std::to_string(c.rounds) + "; give 1 to 30 rounds");
  std::vector<double> range = c.n_range.empty() ? std::vector<double>{} : parse_sizes(c.n_range);
  if (!c.n_range.empty() && range.size() != 2)
    throw InputError("n-range", "'" + c.n_range + "'; give two sample sizes lo,hi with lo < hi, e.g. 100,100000");
  if (c.seeds < 1) throw InputError("seeds", "seeds = " + std::to_string(c.seeds) + "; give seeds >= 1");
  if (!(c.threshold > 0 && c.threshold < 1))
    throw InputError("threshold", std::to_string(c.threshold) + "; give a subspace error 0 < threshold < 1");
  if (!(c.budget > 0) || !std::isfinite(c.budget))
    throw InputError("budget", std::to_string(c.budget) + "; give a multiple > 0 of the population flow's time");
  const auto [shard, shards] = c.shard.empty() ? std::pair<int, int>{0, 1} : parse_shard(c.shard);
  const LinkAnalysis link = analyse_link_reporting(experiment);
  PhaseGridSpec grid_spec;
  PhaseSpec& spec = grid_spec.spec;
  spec.online = c.mode == "online";
  spec.threshold = c.threshold;
  spec.budget = c.budget;
  spec.noise = experiment.noise;
  spec.train.degree = c.degree;
  spec.train.ridge = c.ridge;
  spec.train.lr = c.lr;
  spec.train.features = c.features;
  spec.train.batch = static_cast<std::size_t>(c.batch);
  spec.train.ratio = c.ratio;
  spec.train.threads = c.threads;
  if (!spec.online && c.cmd->count("--ratio") > 0)
    warn("--ratio is ignored with --mode exact (the exact mode refits the link at every step)");
  // Fewer samples than link features leave the exact fit underdetermined: not a sample-complexity measurement.
  const int features = phase_link_features(spec, link.r());
  const double smallest = automatic ? (range.empty() ? features : range.front()) : sizes.front();
  if (!spec.online && smallest < features)
    throw InputError(automatic ? "n-range" : "n",
                     "n = " + json_number(smallest).dump() + " is below the " + std::to_string(features) +
                         " link features (--features " + c.features + ", --degree " + std::to_string(c.degree) +
                         ", r = " + std::to_string(link.r()) + "); give every n >= " + std::to_string(features));
  // The parameters that define the experiment (what --out compares on resume and merge); not --shard, --threads.
  nlohmann::json parameters = c.keys->resolved(link);
  parameters.update({{"mode", c.mode},
                     {"threshold", c.threshold},
                     {"budget", c.budget},
                     {"lr", c.lr},
                     {"ridge", c.ridge},
                     {"degree", c.degree},
                     {"features", c.features},
                     {"batch", c.batch},
                     {"ratio", c.ratio}});
  if (automatic) parameters.update({{"n", "auto"}, {"n-range", c.n_range}, {"rounds", c.rounds}});
  // Every unit of this shard, in a fixed order (every rank builds the same list): a configuration (d, n, seed), or
  // with --n auto one d's bisection; only rank 0 holds the folder, writes, and hands out what is not done yet.
  grid_spec.dims = dims;
  grid_spec.sizes = sizes;
  grid_spec.range = range;
  grid_spec.rounds = c.rounds;
  grid_spec.seeds = c.seeds;
  grid_spec.seed_start = c.seed_start;
  grid_spec.shard = shard;
  grid_spec.shards = shards;
  PhaseGrid grid(link, grid_spec);
  std::optional<RunStore> store;
  std::vector<std::size_t> todo;
  if (mpi_rank() == 0) {
    store.emplace(c.out, "phase", parameters, std::vector<std::string>{"d", "n", "seed"});
    for (const nlohmann::json& j : store->runs()) grid.remember(j);
    for (std::size_t u = 0; u < grid.units(); ++u)
      if (grid.automatic() || !store->done(grid.key(u))) todo.push_back(u);
  } else if (grid.automatic()) {
    // A resumed bisection: the other ranks read the folder's complete lines too, so that no rank recomputes a run.
    for (const nlohmann::json& j : read_runs(c.out)) grid.remember(j);
  }
  // The costliest first (run_units; PhaseGrid::cost).
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) { return grid.cost(a) > grid.cost(b); });
  ProgressStage stage(automatic ? "phase bisections (one per d)" : "phase configurations",
                      static_cast<double>(todo.size()));
  run_units(
      todo, [&](std::size_t u) { return grid.compute(u); },
      [&](const nlohmann::json& result) {
        for (const nlohmann::json& run : result.at("runs"))
          if (!store->done(run)) store->append(run);
        stage.advance();
      });
  if (mpi_rank() != 0) return;
  nlohmann::json resolved = parameters;
  resolved["d"] = nlohmann::json::array();
  for (double d : dims) resolved["d"].push_back(json_number(d));
  if (!automatic) {
    resolved["n"] = nlohmann::json::array();
    for (double n : sizes) resolved["n"].push_back(json_number(n));
  }
  resolved["seeds"] = c.seeds;
  resolved["seed-start"] = c.seed_start;
  const nlohmann::json summary = write_phase_summaries(*store, link, provenance(*c.cmd, resolved));
  if (c.json) {
    std::printf("%s\n", summary.dump().c_str());
    return;
  }
  std::ifstream md(store->dir() + "/summary.md");
  std::printf("%s", std::string(std::istreambuf_iterator<char>(md), {}).c_str());
  std::printf("\nwritten: %s/{runs.jsonl,phase.csv,summary.json,summary.md}\n", store->dir().c_str());
}

}  // namespace

void add_phase_command(CLI::App& app) {
  auto c = std::make_shared<PhaseCommand>();
  CLI::App* cmd = c->cmd = app.add_subcommand(
      "phase",
      "Sample complexity: train over a grid of (d, n, seed), success probabilities, n*(d) and its exponent kappa "
      "beside the leaps' candidates (docs/theory.md §9)");
  c->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{"link"});
  cmd->add_option("--mode", c->mode, "exact (n samples reused at every step, default) or online (n fresh samples)");
  cmd->add_option("--d", c->d, "comma-separated dimensions, e.g. 50,100,200,400")->required();
  cmd->add_option("--n", c->n,
                  "comma-separated sample sizes, e.g. 100,200,400,800, or auto: per d, a bisection in log n for the "
                  "n where half the seeds succeed")
      ->required();
  cmd->add_option("--n-range", c->n_range,
                  "with --n auto: the bracket lo,hi of the bisection (default: max(features, d/4) to 64 d)");
  cmd->add_option("--rounds", c->rounds, "with --n auto: bisection rounds after the bracket's ends (default 6)");
  cmd->add_option("--seeds", c->seeds, "seeds per (d, n) (default 8)")->default_str("8");
  cmd->add_option("--seed-start", c->seed_start, "the first seed (default 0)");
  cmd->add_option("--threshold", c->threshold, "success: final sin theta_max below this (default 0.2)");
  cmd->add_option("--budget", c->budget,
                  "flow time allowed, as a multiple of the population flow's predicted time at d (default 4)");
  cmd->add_option("--out", c->out, "the folder of the results (runs.jsonl, phase.csv, summary.json, summary.md)")
      ->required();
  cmd->add_option("--shard", c->shard, "i/K: run every K-th (d, n) cell from the i-th (for job arrays; merge after)");
  cmd->add_option("--lr", c->lr, "step size eta (default 0.1)");
  cmd->add_option("--ridge", c->ridge, "ridge lambda of the link fit (default 1e-4)");
  cmd->add_option("--degree", c->degree, "largest total degree K of the Hermite features (default 2)");
  cmd->add_option("--features", c->features, "link features, as train's --features (default hermite)");
  cmd->add_option("--batch", c->batch,
                  "samples per step: online, fresh ones (default 256); exact, windows of the n stored ones (default "
                  "0: all of them)")
      ->transform(whole_number());
  cmd->add_option("--ratio", c->ratio, "online: the link's learning rate over the subspace's (default 10)");
  cmd->add_option("--threads", c->threads, "native threads per training (default 1)");
  cmd->add_flag("--json", c->json, "print summary.json on stdout");
  cmd->callback([c] { run(*c); });
}

}  // namespace grassflow::cli
