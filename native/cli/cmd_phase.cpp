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

nlohmann::json run_json(const PhaseRun& run) {
  nlohmann::json escapes = nlohmann::json::array();
  for (const auto& e : run.escape_times) escapes.push_back(e ? nlohmann::json(*e) : nlohmann::json(nullptr));
  return {{"d", json_number(run.d)},
          {"n", json_number(run.n)},
          {"seed", run.seed},
          {"success", run.success},
          {"subspace_error", run.subspace_error},
          {"escape_times", escapes},
          {"budget", run.budget},
          {"steps", run.steps},
          {"reason", run.reason}};
}

PhaseRun run_from_json(const nlohmann::json& j) {
  PhaseRun run;
  run.d = j.at("d").get<double>();
  run.n = j.at("n").get<double>();
  run.seed = j.at("seed").get<std::uint64_t>();
  run.success = j.at("success").get<bool>();
  run.subspace_error = j.at("subspace_error").get<double>();
  run.budget = j.at("budget").get<double>();
  run.reason = j.at("reason").get<std::string>();
  return run;
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
  for (const nlohmann::json& j : store.runs()) runs.push_back(run_from_json(j));
  const PhaseSummary summary = summarise_phase(runs);
  const std::vector<KappaCandidate> candidates = kappa_candidates(link.leaps.leap_exponent, summary.kappa);
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
  nlohmann::json n_star = nlohmann::json::array();
  for (std::size_t i = 0; i < summary.d.size(); ++i) {
    const auto& s = summary.n_star[i];
    n_star.push_back(
        {{"d", json_number(summary.d[i])},
         {"estimate", s ? nlohmann::json(s->estimate) : nlohmann::json(nullptr)},
         {"ci", s ? nlohmann::json::array({json_number(s->lo), json_number(s->hi)}) : nlohmann::json(nullptr)}});
  }
  nlohmann::json kappa = nullptr;
  if (summary.kappa)
    kappa = {{"estimate", summary.kappa->estimate},
             {"ci", nlohmann::json::array({json_number(summary.kappa->lo), json_number(summary.kappa->hi)})}};
  nlohmann::json laws = nlohmann::json::array();
  for (const KappaCandidate& c : candidates)
    laws.push_back({{"law", c.law}, {"exponent", c.exponent}, {"consistent", c.consistent}});
  int failed_time = 0, failed_samples = 0;
  for (const PhaseRun& run : runs) (run.reason == "time" ? failed_time : failed_samples) += !run.success;
  nlohmann::json out = {{"kappa", kappa},
                        {"kappa_note", summary.kappa_note},
                        {"n_star", n_star},
                        {"candidates", laws},
                        {"leap_exponent", link.leaps.leap_exponent},
                        {"runs", runs.size()},
                        {"failed_samples", failed_samples},
                        {"failed_time", failed_time}};
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
    std::snprintf(row, sizeof row, "| %s | %.3g | %s |\n", c.law.c_str(), c.exponent, c.consistent ? "yes" : "no");
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
  PhaseSpec spec;
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
  // Fewer samples than link features leave the exact fit underdetermined: not a sample-complexity measurement.
  const int features = LinkFeatures(c.features, link.r(), c.degree, 0).size();
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
  // Every configuration of this shard, in a fixed order (every rank builds the same list); only rank 0 holds the
  // folder, writes, and hands out what is not done yet.
  struct Configuration {
    double d, n;
    std::uint64_t seed;
  };
  std::vector<Configuration> grid;
  std::size_t cell = 0;
  for (double d : dims)
    for (double n : sizes) {
      if (static_cast<int>(cell++ % static_cast<std::size_t>(shards)) != shard) continue;
      for (int k = 0; k < c.seeds; ++k) grid.push_back({d, n, c.seed_start + static_cast<std::uint64_t>(k)});
    }
  std::map<double, double> population;
  for (double d : dims) population[d] = population_time(link, d);
  std::optional<RunStore> store;
  std::vector<std::size_t> todo;
  if (mpi_rank() == 0) store.emplace(c.out, "phase", parameters, std::vector<std::string>{"d", "n", "seed"});
  const auto train = [&](double d, double n, std::uint64_t seed) {
    return run_phase_configuration(link.resolved.link, spec, d, n, seed, population.at(d));
  };
  if (automatic) {
    // --n auto: one unit per d of this shard, a bisection in log n decided on complete rounds (every seed at one n),
    // reusing the runs the folder holds (rank 0 through its store; the other ranks read the folder's complete lines
    // once, so that a resumed bisection recomputes nothing on any rank).
    std::map<std::tuple<double, double, std::uint64_t>, bool> known;
    for (const nlohmann::json& j : store ? store->runs() : read_runs(c.out))
      known[{j.at("d").get<double>(), j.at("n").get<double>(), j.at("seed").get<std::uint64_t>()}] =
          j.at("success").get<bool>();
    for (std::size_t u = dims.size(); u-- > 0;)  // the largest d first: the costliest bisections (run_units)
      if (static_cast<int>(u % static_cast<std::size_t>(shards)) == shard) todo.push_back(u);
    ProgressStage stage("phase bisections (one per d)", static_cast<double>(todo.size()));
    run_units(
        todo,
        [&](std::size_t u) {
          const double d = dims[u];
          nlohmann::json fresh = nlohmann::json::array();
          const auto fraction = [&](double n) {
            int wins = 0;
            for (int k = 0; k < c.seeds; ++k) {
              const std::uint64_t seed = c.seed_start + static_cast<std::uint64_t>(k);
              const auto it = known.find({d, n, seed});
              if (it != known.end()) {
                wins += it->second;
                continue;
              }
              const PhaseRun run = train(d, n, seed);
              fresh.push_back(run_json(run));
              wins += run.success;
            }
            return static_cast<double>(wins) / c.seeds;
          };
          double lo = range.empty() ? std::max<double>(features, std::ceil(d / 4)) : range[0];
          double hi = range.empty() ? 64 * d : range[1];
          if (fraction(lo) < 0.5 && fraction(hi) >= 0.5)
            for (int round = 0; round < c.rounds; ++round) {
              const double mid = std::round(std::sqrt(lo * hi));
              if (mid <= lo || mid >= hi) break;
              (fraction(mid) >= 0.5 ? hi : lo) = mid;
            }
          return nlohmann::json{{"runs", fresh}};
        },
        [&](const nlohmann::json& result) {
          for (const nlohmann::json& run : result.at("runs"))
            if (!store->done(run)) store->append(run);
          stage.advance();
        });
  } else {
    if (store)
      for (std::size_t u = 0; u < grid.size(); ++u)
        if (!store->done({{"d", json_number(grid[u].d)}, {"n", json_number(grid[u].n)}, {"seed", grid[u].seed}}))
          todo.push_back(u);
    // The costliest first (run_units): a training's cost grows with n·d.
    std::stable_sort(todo.begin(), todo.end(),
                     [&](std::size_t a, std::size_t b) { return grid[a].n * grid[a].d > grid[b].n * grid[b].d; });
    ProgressStage stage("phase configurations", static_cast<double>(todo.size()));
    run_units(
        todo, [&](std::size_t u) { return run_json(train(grid[u].d, grid[u].n, grid[u].seed)); },
        [&](const nlohmann::json& run) {
          store->append(run);
          stage.advance();
        });
  }
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
  cmd->add_option("--batch", c->batch, "online: samples per step (default 256)")->transform(whole_number());
  cmd->add_option("--ratio", c->ratio, "online: the link's learning rate over the subspace's (default 10)");
  cmd->add_option("--threads", c->threads, "native threads per training (default 1)");
  cmd->add_flag("--json", c->json, "print summary.json on stdout");
  cmd->callback([c] { run(*c); });
}

}  // namespace grassflow::cli
