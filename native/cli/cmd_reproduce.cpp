// `grassflow reproduce --out DIR [--json]`: the paper's claims (Bietti, Bruna, Pillaud-Vivien 2023) as experiments
// on the population flows, each measured number next to the theory's (docs/theory.md §4, §6), each with a stated
// tolerance and a verdict:
//   1. time-scale exponents of every preset over d = 1e2..1e8 (joint, and the planted first stage), from the
//      deterministic isotropic start C(0) = I/d, judged by check_stage (sweep.h);
//   2. stage sequences and plateau values (joint, isotropic, d = 1e6) against the leaps;
//   3. global convergence of the joint flow from 200 Haar starts per preset (d = 100);
//   4. planted success fractions on the trap families (trap, he3sum) for r = 1..4 from 200 Haar starts
//      (d = 200) against docs/theory.md §4's table, next to the joint flow on the same starts;
//   5. sample complexity: κ of n* ∝ d^κ for z1, he2, he3 (s* = 1, 2, 3), exact and online, each grid a `phase
//      --n auto` (phase_grid.h), reported next to the candidates without a verdict.
// The trainings of 5 and the flows of 1, 3 and 4 (FlowPool) go through run_units: under mpirun they are spread over
// the ranks, and rank 0 judges the sections and writes.
// --sections chooses among them. Writes exponents.csv, escape_times.csv, stages.csv, convergence.csv, planted.csv,
// sample_complexity.csv, trajectories/*.csv (those of the sections run), runs.jsonl (every flow and training,
// resumable: RunStore), results.json and summary.md into DIR (docs/cli.md, "reproduce"); every CSV opens with the
// provenance as "# " lines. Exit status 1 when a check fails (command_exit_status), 2 for usage errors.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/progress.h"
#include "grassflow/sample_complexity.h"
#include "grassflow/sweep.h"
#include "grid_summaries.h"
#include "mpi_job.h"
#include "phase_grid.h"
#include "provenance.h"
#include "run_store.h"

namespace grassflow::cli {

namespace {

constexpr int kStarts = 200;
constexpr double kConvergenceD = 100, kStagesD = 1e6, kPlantedD = 200;
const std::vector<double> kDimensions = {1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

// docs/theory.md §4: planted success fractions measured from Haar starts at d = 200, r = 1..4 (trap from 100
// starts, he3sum from 200).
const std::vector<double> kTheoryTrapSuccess = {0.52, 0.43, 0.42, 0.39};
const std::vector<double> kTheoryHe3sumSuccess = {0.49, 0.415, 0.28, 0.275};
constexpr int kTheoryTrapStarts = 100, kTheoryHe3sumStarts = 200;

// Plateaus (docs/theory.md (6.4)) are leading-order values; at d = 1e6 the measured ones are within 6.2e-5
// (staircase3's third plateau), most within 1e-6. 1e-3 leaves a margin of 16 while any wrong plateau (a
// missed or extra term of the leap sequence, the ½ convention) is off by ≥ 0.1.
constexpr double kPlateauTolerance = 1e-3;
// Planted success fractions are binomial estimates on both sides (200 starts here, 100 or 200 in the table):
// they agree when they differ by at most 3 standard errors of the difference, √(p(1 − p)(1/200 + 1/n_table))
// at the table's p (0.15 to 0.18 for trap, 0.13 to 0.15 for he3sum). A 3-σ band fails by chance about once in
// 370 rows; a trap that stopped catching starts (success → 1) or caught all of them (→ 0) fails by far.
constexpr double kPlantedSigmas = 3.0;

// The result of a check that is not a fitted stage: what was tested, whether it held, and why not.
struct Verdict {
  std::string criterion, failure;
  bool pass = false;
};

std::string number(double x, int digits = 4) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s.precision(digits);
  s << x;
  return s.str();
}

// Full precision, for the numbers a script recomputes from the CSV files.
std::string exact(double x) {
  return number(x, 17);
}

std::string join(const std::vector<int>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? " " : "") + std::to_string(values[i]);
  return s;
}

// A CSV text field: quoted, inner quotes doubled.
std::string quoted(const std::string& text) {
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw InputError("out", "cannot write " + path.string() + "; give a writable directory");
}

// Trajectory of one flow as CSV rows: t, loss, then the principal cosines cos θ_i, descending.
std::string trajectory_csv(const ReducedFlow& flow) {
  std::ostringstream csv;
  csv << "t,loss";
  const std::vector<FlowPoint> points = flow.trajectory();
  const Eigen::Index r = points.empty() ? 0 : points.front().cosines.size();
  for (Eigen::Index i = 0; i < r; ++i) csv << ",cos_" << i + 1;
  csv << '\n';
  for (const FlowPoint& p : points) {
    csv << exact(p.t) << ',' << exact(p.loss);
    for (Eigen::Index i = 0; i < p.cosines.size(); ++i) csv << ',' << exact(p.cosines(i));
    csv << '\n';
  }
  return csv.str();
}

// Trajectories kept for trajectories/: file name (without .csv) and CSV rows.
using Trajectories = std::vector<std::pair<std::string, std::string>>;

// The key fields of reproduce's runs.jsonl: a flow's (section, link, objective, r, d, seed), a training's
// (section, link, mode, d, n, seed); a field a line does not have counts as null.
const std::vector<std::string> kRunKey = {"section", "link", "objective", "r", "mode", "d", "n", "seed"};

// Records one flow of a flow section as a runs.jsonl line (rank 0's folder): its key, escape times, status and
// final loss; not again when a line with its key is there (a re-run in the same folder).
void record_flow(RunStore* store, nlohmann::json key, const SweepRun& run) {
  if (!store) return;
  key.update({{"escape_times", optional_list_json(run.escape_times)},
              {"status", to_string(run.status)},
              {"final_loss", run.final_loss}});
  if (!store->done(key)) store->append(key);
}

// The many flows of the exponents, convergence and planted sections, computed before the sections read them: the
// units of one run_units queue (under mpirun spread over the ranks, rank 0 collecting every outcome), then looked
// up by their key on rank 0. Every rank adds the same flows in the same order.
class FlowPool {
 public:
  struct Outcome {
    SweepRun run;
    double time = 0.0;  // where the flow ended (ReducedFlow::time)
  };

  static std::string key(const std::string& link, int r, ObjectiveKind objective, Start start, double d,
                         std::uint64_t seed) {
    return link + "|" + std::to_string(r) + "|" + to_string(objective) + "|" + to_string(start) + "|" + exact(d) + "|" +
           std::to_string(seed);
  }
  void add(const std::string& link, int r, const std::shared_ptr<const Objective>& objective, Start start, double d,
           std::uint64_t seed) {
    units_.push_back({key(link, r, objective->kind(), start, d, seed), objective, start, d, seed});
  }
  // Computes every flow (collective under mpirun).
  void run() {
    std::vector<std::size_t> order(units_.size());
    for (std::size_t u = 0; u < order.size(); ++u) order[u] = u;
    // The costliest first (run_units): a flow's time grows with d (the escapes take ~d^(ℓ−1)).
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return units_[a].d > units_[b].d; });
    ProgressStage stage("reproduce: flows", static_cast<double>(units_.size()));
    run_units(
        order,
        [&](std::size_t u) {
          const Unit& x = units_[u];
          ReducedFlow flow(x.objective, initial_overlap(x.start, x.objective->r(), x.d, x.seed));
          flow.run();
          nlohmann::json outcome = sweep_run_json({x.d, x.seed, flow.escape_times(), flow.loss(), flow.status()});
          outcome.update({{"unit", u}, {"time", flow.time()}});
          return outcome;
        },
        [&](const nlohmann::json& j) {
          outcomes_[units_[j.at("unit").get<std::size_t>()].key] = {sweep_run_from_json(j), j.at("time").get<double>()};
          stage.advance();
        });
  }
  const Outcome& at(const std::string& link, int r, ObjectiveKind objective, Start start, double d,
                    std::uint64_t seed) const {
    return outcomes_.at(key(link, r, objective, start, d, seed));
  }

 private:
  struct Unit {
    std::string key;
    std::shared_ptr<const Objective> objective;
    Start start;
    double d;
    std::uint64_t seed;
  };
  std::vector<Unit> units_;
  std::map<std::string, Outcome> outcomes_;
};

// ---------------------------------------------------------------------------------------------------------
// 1. Exponents

// One sweep (preset, objective) and its judged stages.
struct ExponentExperiment {
  std::string preset, objective;
  std::vector<SweepRun> runs;
  std::vector<StageFit> fits;  // planted: the first stage only (no formula beyond)
  std::vector<StageCheck> checks;
};

std::vector<ExponentExperiment> exponents(const std::vector<PresetInfo>& presets, const FlowPool& pool,
                                          RunStore* store) {
  std::vector<ExponentExperiment> experiments;
  ProgressStage progress("reproduce: exponents", 2.0 * static_cast<double>(presets.size()));
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    for (const ObjectiveKind objective : {ObjectiveKind::joint, ObjectiveKind::planted}) {
      ExponentExperiment x;
      x.preset = preset.name;
      x.objective = to_string(objective);
      for (double d : kDimensions)
        x.runs.push_back(pool.at("preset:" + preset.name, 0, objective, Start::isotropic, d, 0).run);
      for (const SweepRun& run : x.runs)
        record_flow(store,
                    {{"section", "exponents"},
                     {"link", "preset:" + preset.name},
                     {"objective", x.objective},
                     {"d", json_number(run.d)},
                     {"seed", run.seed}},
                    run);
      for (const StageFit& f : fit_stages(x.runs, link.leaps, objective)) {
        if (objective == ObjectiveKind::planted && f.stage > 0) break;  // no planted formula beyond stage 1
        x.checks.push_back(check_stage(f, predict_log_coefficient(link.expansion, link.leaps, objective, f.stage)));
        x.fits.push_back(f);
      }
      experiments.push_back(std::move(x));
      progress.advance();
    }
  }
  return experiments;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Stages and plateaus

struct StageRow {
  std::string preset;
  std::vector<int> leaps, dimensions;
  std::vector<double> stage_times;  // NaN when the stage never ends
  std::vector<double> plateau_measured, plateau_predicted;
  std::string status;
  bool ordered = true;  // stage times increase with the stage
  Verdict verdict;
};

Verdict judge_stages(const StageRow& row) {
  Verdict v;
  v.criterion = "stage times in order, converged, |plateau − predicted| ≤ " + number(kPlateauTolerance);
  double worst = 0.0;
  bool all_measured = true;
  for (std::size_t j = 0; j < row.plateau_predicted.size(); ++j) {
    const double m = j < row.plateau_measured.size() ? row.plateau_measured[j] : NAN;
    if (std::isnan(m))
      all_measured = false;
    else
      worst = std::max(worst, std::abs(m - row.plateau_predicted[j]));
  }
  if (!row.ordered)
    v.failure = "stage times out of order";
  else if (row.status != "converged")
    v.failure = "status " + row.status;
  else if (!all_measured)
    v.failure = "a stage never ended";
  else if (worst > kPlateauTolerance)
    v.failure = "a plateau is " + number(worst, 3) + " off";
  v.pass = v.failure.empty();
  return v;
}

std::vector<StageRow> stages(const std::vector<PresetInfo>& presets, Trajectories& trajectories, RunStore* store) {
  std::vector<StageRow> rows;
  ProgressStage progress("reproduce: stages and plateaus", static_cast<double>(presets.size()));
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    ReducedFlow flow(make_objective(ObjectiveKind::joint, link.expansion),
                     initial_overlap(Start::isotropic, link.expansion.r, kStagesD));
    flow.run();
    trajectories.emplace_back(preset.name + "_joint", trajectory_csv(flow));
    ReducedFlow planted(make_objective(ObjectiveKind::planted, link.expansion),
                        initial_overlap(Start::isotropic, link.expansion.r, kStagesD));
    planted.run();
    for (const auto& [objective, ran] :
         {std::pair<const char*, const ReducedFlow*>{"joint", &flow}, {"planted", &planted}})
      record_flow(store,
                  {{"section", "stages"},
                   {"link", "preset:" + preset.name},
                   {"objective", objective},
                   {"d", json_number(kStagesD)}},
                  SweepRun{kStagesD, 0, ran->escape_times(), ran->loss(), ran->status()});
    trajectories.emplace_back(preset.name + "_planted", trajectory_csv(planted));
    StageRow row;
    row.preset = preset.name;
    row.leaps = link.leaps.leaps;
    row.dimensions = link.leaps.stage_dimensions;
    row.status = to_string(flow.status());
    int end = 0;
    for (int dim : link.leaps.stage_dimensions) {
      end += dim;
      const auto& e = flow.escape_times()[static_cast<std::size_t>(end - 1)];
      row.stage_times.push_back(e ? *e : NAN);
    }
    for (std::size_t j = 1; j < row.stage_times.size(); ++j)
      if (!(row.stage_times[j] >= row.stage_times[j - 1])) row.ordered = false;
    row.plateau_measured = measured_plateaus(flow, link.leaps);
    row.plateau_predicted = link.leaps.plateaus;
    row.verdict = judge_stages(row);
    rows.push_back(row);
    progress.advance();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Joint convergence from Haar starts

struct ConvergenceRow {
  std::string preset;
  int starts = 0, converged = 0, stalled = 0, t_max = 0, diverged = 0;
  double median_time = NAN, max_final_loss = 0.0;
  Verdict verdict;
};

// Runs seeds 0..starts−1 from Haar starts at d, counting outcomes; keeps seed 0's trajectory as `name`.
ConvergenceRow count_statuses(const std::string& preset, int r, const std::shared_ptr<const Objective>& objective,
                              double d, int starts, const FlowPool& pool, ProgressStage& progress,
                              Trajectories& trajectories, const std::string& name, RunStore* store,
                              const nlohmann::json& key) {
  ConvergenceRow row;
  row.preset = preset;
  row.starts = starts;
  std::vector<double> times;
  for (int seed = 0; seed < starts; ++seed) {
    const FlowPool::Outcome& flow =
        pool.at("preset:" + preset, r, objective->kind(), Start::random, d, static_cast<std::uint64_t>(seed));
    if (seed == 0) {  // its trajectory, computed again here (the pool keeps outcomes only)
      ReducedFlow again(objective, initial_overlap(Start::random, objective->r(), d, 0));
      again.run();
      trajectories.emplace_back(name, trajectory_csv(again));
    }
    nlohmann::json line = key;
    line.update({{"d", json_number(d)}, {"seed", seed}});
    record_flow(store, line, flow.run);
    switch (flow.run.status) {
      case FlowStatus::converged:
        ++row.converged;
        times.push_back(flow.time);
        break;
      case FlowStatus::stalled:
        ++row.stalled;
        break;
      case FlowStatus::t_max:
        ++row.t_max;
        break;
      default:
        ++row.diverged;
    }
    row.max_final_loss = std::max(row.max_final_loss, flow.run.final_loss);
    progress.advance();
  }
  if (!times.empty()) row.median_time = median(times);
  return row;
}

std::vector<ConvergenceRow> convergence(const std::vector<PresetInfo>& presets, const FlowPool& pool,
                                        Trajectories& trajectories, RunStore* store) {
  std::vector<ConvergenceRow> rows;
  ProgressStage progress("reproduce: joint convergence", static_cast<double>(presets.size()) * kStarts);
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    ConvergenceRow row =
        count_statuses(preset.name, 0, make_objective(ObjectiveKind::joint, link.expansion), kConvergenceD, kStarts,
                       pool, progress, trajectories, "haar_" + preset.name + "_joint_seed0", store,
                       {{"section", "convergence"}, {"link", "preset:" + preset.name}, {"objective", "joint"}});
    // docs/theory.md §4: from every start with M(0) nonsingular, so from every Haar start.
    row.verdict.criterion = "all " + std::to_string(kStarts) + " starts converge";
    row.verdict.pass = row.converged == row.starts;
    if (!row.verdict.pass)
      row.verdict.failure =
          std::to_string(row.starts - row.converged) + " of " + std::to_string(row.starts) + " starts did not converge";
    rows.push_back(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 4. Planted traps

struct PlantedRow {
  std::string family;
  int r = 0, theory_starts = 0;
  ConvergenceRow planted, joint;
  double theory = NAN, success = NAN, tolerance = NAN;
  Verdict verdict;
};

// The flows the exponents, convergence and planted sections read (FlowPool), for the sections asked for.
void plan_flows(const std::set<std::string>& sections, const std::vector<PresetInfo>& presets, FlowPool& pool) {
  for (const PresetInfo& preset : presets) {
    const std::string name = "preset:" + preset.name;
    const LinkAnalysis link = analyse_link(name, 0, 8);
    if (sections.count("exponents"))
      for (const ObjectiveKind objective : {ObjectiveKind::joint, ObjectiveKind::planted})
        for (double d : kDimensions)
          pool.add(name, 0, make_objective(objective, link.expansion), Start::isotropic, d, 0);
    if (sections.count("convergence"))
      for (int seed = 0; seed < kStarts; ++seed)
        pool.add(name, 0, make_objective(ObjectiveKind::joint, link.expansion), Start::random, kConvergenceD,
                 static_cast<std::uint64_t>(seed));
  }
  if (sections.count("planted"))
    for (const std::string family : {"trap", "he3sum"})
      for (int r = 1; r <= 4; ++r) {
        const LinkAnalysis link = analyse_link("preset:" + family, r, 8);
        for (const ObjectiveKind objective : {ObjectiveKind::planted, ObjectiveKind::joint}) {
          const auto shared = make_objective(objective, link.expansion);
          for (int seed = 0; seed < kStarts; ++seed)
            pool.add("preset:" + family, r, shared, Start::random, kPlantedD, static_cast<std::uint64_t>(seed));
        }
      }
}

std::vector<PlantedRow> planted_traps(const FlowPool& pool, Trajectories& trajectories, RunStore* store) {
  std::vector<PlantedRow> rows;
  ProgressStage progress("reproduce: planted traps", 2.0 * 4.0 * 2.0 * kStarts);
  for (const std::string family : {"trap", "he3sum"}) {
    for (int r = 1; r <= 4; ++r) {
      const LinkAnalysis link = analyse_link_reporting("preset:" + family, r, 8);
      const std::string name = "trap_" + family + "_r" + std::to_string(r);
      PlantedRow row;
      row.family = family;
      row.r = r;
      row.planted = count_statuses(
          family, r, make_objective(ObjectiveKind::planted, link.expansion), kPlantedD, kStarts, pool, progress,
          trajectories, name + "_planted_seed0", store,
          {{"section", "planted"}, {"link", "preset:" + std::string(family)}, {"r", r}, {"objective", "planted"}});
      row.joint = count_statuses(
          family, r, make_objective(ObjectiveKind::joint, link.expansion), kPlantedD, kStarts, pool, progress,
          trajectories, name + "_joint_seed0", store,
          {{"section", "planted"}, {"link", "preset:" + std::string(family)}, {"r", r}, {"objective", "joint"}});
      const bool trap = family == std::string("trap");
      row.theory = (trap ? kTheoryTrapSuccess : kTheoryHe3sumSuccess)[static_cast<std::size_t>(r - 1)];
      row.theory_starts = trap ? kTheoryTrapStarts : kTheoryHe3sumStarts;
      row.success = static_cast<double>(row.planted.converged) / row.planted.starts;
      row.tolerance =
          kPlantedSigmas * std::sqrt(row.theory * (1 - row.theory) * (1.0 / kStarts + 1.0 / row.theory_starts));
      row.verdict.criterion = "|success − " + number(row.theory, 3) + "| ≤ " + number(row.tolerance, 3) +
                              " (3 s.e.), joint converges from all " + std::to_string(kStarts);
      if (std::abs(row.success - row.theory) > row.tolerance)
        row.verdict.failure = "planted success " + number(row.success, 3) + " outside the tolerance";
      else if (row.joint.converged != row.joint.starts)
        row.verdict.failure =
            "the joint flow missed " + std::to_string(row.joint.starts - row.joint.converged) + " starts";
      row.verdict.pass = row.verdict.failure.empty();
      rows.push_back(row);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 5. Sample complexity (docs/theory.md §9): κ of n* ∝ d^κ for links of leap exponent s* = 1, 2, 3, trained exactly
// and online, each grid a `phase --n auto` (the same helper, phase_grid.h), reported next to the candidates.

// One grid: a link, a mode, its dimensions and the bisection's bracket. Sizes chosen so that n* lies inside the
// bracket at every d and the section runs in about 2.5 minutes in one process (docs/cli.md, "reproduce").
struct SampleComplexityGrid {
  const char* link;
  int degree;  // of the Hermite features: the link's own (at least 2, phase's default)
  const char* mode;
  std::vector<double> dims, range;  // range: the bisection's bracket {lo, hi}; empty: phase's default
  int rounds;
};

constexpr double kSampleNoise = 0.5;
constexpr int kSampleSeeds = 8, kSmallSampleSeeds = 6;
const std::vector<SampleComplexityGrid> kSampleGrids = {
    {"z1", 2, "exact", {50, 100, 200}, {}, 6},         {"z1", 2, "online", {50, 100, 200}, {256, 65536}, 4},
    {"preset:he2", 2, "exact", {50, 100, 200}, {}, 4}, {"preset:he2", 2, "online", {16, 32, 64}, {256, 262144}, 4},
    {"preset:he3", 3, "exact", {10, 20, 40}, {}, 4},   {"preset:he3", 3, "online", {8, 12, 16}, {256, 262144}, 4},
};
// --scale small (the test suite's): smaller d and fewer seeds and rounds; z1 exact keeps its κ near 1.
const std::vector<SampleComplexityGrid> kSmallSampleGrids = {
    {"z1", 2, "exact", {50, 100, 200}, {}, 4},       {"z1", 2, "online", {25, 50, 100}, {256, 32768}, 3},
    {"preset:he2", 2, "exact", {40, 60, 80}, {}, 3}, {"preset:he2", 2, "online", {16, 24, 32}, {256, 131072}, 3},
    {"preset:he3", 3, "exact", {10, 15, 20}, {}, 3}, {"preset:he3", 3, "online", {6, 8, 10}, {256, 131072}, 3},
};

struct SampleComplexityRow {
  SampleComplexityGrid grid;
  int seeds = 0;
  LinkAnalysis link;
  PhaseResults results;
};

// The fields of a runs.jsonl line that say which grid it belongs to.
nlohmann::json grid_fields(const SampleComplexityGrid& g) {
  return {{"section", "sample-complexity"}, {"link", g.link}, {"mode", g.mode}};
}

bool in_grid(const nlohmann::json& line, const SampleComplexityGrid& g) {
  return line.value("section", "") == "sample-complexity" && line.value("link", "") == g.link &&
         line.value("mode", "") == g.mode;
}

// Runs every grid's units through one work queue (run_units: under mpirun spread over the ranks), recording each
// run in `store` (rank 0) as it arrives; configurations the folder `out` holds are not trained again (the other
// ranks read its complete lines too, so that a resumed bisection repeats no run). Returns the rows on rank 0 (none
// elsewhere).
std::vector<SampleComplexityRow> sample_complexity(const std::string& scale, RunStore* store, const std::string& out) {
  const std::vector<SampleComplexityGrid>& table = scale == "small" ? kSmallSampleGrids : kSampleGrids;
  const int seeds = scale == "small" ? kSmallSampleSeeds : kSampleSeeds;
  std::vector<SampleComplexityRow> rows;
  std::vector<std::unique_ptr<PhaseGrid>> grids;
  for (const SampleComplexityGrid& g : table) {
    SampleComplexityRow row;
    row.grid = g;
    row.seeds = seeds;
    row.link = analyse_link_reporting(g.link, 0, std::nullopt);
    PhaseGridSpec spec;
    spec.spec.online = std::string(g.mode) == "online";
    spec.spec.noise = kSampleNoise;
    spec.spec.train.degree = g.degree;
    spec.dims = g.dims;
    spec.range = g.range;
    spec.rounds = g.rounds;
    spec.seeds = seeds;
    grids.push_back(std::make_unique<PhaseGrid>(row.link, spec));
    rows.push_back(std::move(row));
  }
  // Every unit of every grid, the same list on every rank; rank 0 hands out what the folder does not hold.
  std::vector<std::pair<std::size_t, std::size_t>> units;
  for (std::size_t g = 0; g < grids.size(); ++g)
    for (std::size_t u = 0; u < grids[g]->units(); ++u) units.emplace_back(g, u);
  std::vector<std::size_t> todo;
  for (const nlohmann::json& line : store ? store->runs() : read_runs(out))
    for (std::size_t g = 0; g < grids.size(); ++g)
      if (in_grid(line, table[g])) grids[g]->remember(line);
  if (store) {
    for (std::size_t i = 0; i < units.size(); ++i) {
      const auto [g, u] = units[i];
      nlohmann::json key = grids[g]->key(u);
      if (key.is_null()) {
        todo.push_back(i);
        continue;
      }
      key.update(grid_fields(table[g]));
      if (!store->done(key)) todo.push_back(i);
    }
  }
  // The costliest first (run_units).
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) {
    return grids[units[a].first]->cost(units[a].second) > grids[units[b].first]->cost(units[b].second);
  });
  {
    ProgressStage progress("reproduce: sample complexity", static_cast<double>(todo.size()));
    run_units(
        todo,
        [&](std::size_t i) {
          nlohmann::json result = grids[units[i].first]->compute(units[i].second);
          result["grid"] = units[i].first;
          return result;
        },
        [&](const nlohmann::json& result) {
          const SampleComplexityGrid& g = table[result.at("grid").get<std::size_t>()];
          for (const nlohmann::json& run : result.at("runs")) {
            nlohmann::json line = grid_fields(g);
            line.update(run);
            if (!store->done(line)) store->append(line);
          }
          progress.advance();
        });
  }
  if (!store) return {};
  for (std::size_t g = 0; g < rows.size(); ++g) {
    std::vector<PhaseRun> runs;
    for (const nlohmann::json& line : store->runs())
      if (in_grid(line, table[g])) runs.push_back(phase_run_from_json(line));
    rows[g].results = phase_results(runs, rows[g].link);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Output

struct Results {
  std::vector<ExponentExperiment> exponents;
  std::vector<StageRow> stages;
  std::vector<ConvergenceRow> convergence;
  std::vector<PlantedRow> planted;
  std::vector<SampleComplexityRow> sample_complexity;
  std::set<std::string> sections;  // the sections run
  double seconds = 0.0;
  int checks = 0, passed = 0, unchecked = 0;
  std::vector<std::string> failures;  // "exponents: sign2 planted, stage 1: ..."
};

const char* verdict_text(bool checked, bool pass) {
  return !checked ? "reported" : pass ? "pass" : "fail";
}

void tally(Results& results) {
  auto count = [&](bool pass, const std::string& what, const std::string& why) {
    ++results.checks;
    if (pass)
      ++results.passed;
    else
      results.failures.push_back(what + ": " + why);
  };
  for (const auto& x : results.exponents)
    for (std::size_t i = 0; i < x.checks.size(); ++i) {
      if (!x.checks[i].checked) {
        ++results.unchecked;
        continue;
      }
      count(x.checks[i].pass,
            "exponents: " + x.preset + " " + x.objective + ", stage " + std::to_string(x.fits[i].stage + 1),
            x.checks[i].failure + " (" + x.checks[i].criterion + ")");
    }
  for (const auto& s : results.stages)
    count(s.verdict.pass, "stages: " + s.preset, s.verdict.failure + " (" + s.verdict.criterion + ")");
  for (const auto& c : results.convergence)
    count(c.verdict.pass, "convergence: " + c.preset, c.verdict.failure + " (" + c.verdict.criterion + ")");
  for (const auto& p : results.planted)
    count(p.verdict.pass, "planted: " + p.family + " r = " + std::to_string(p.r),
          p.verdict.failure + " (" + p.verdict.criterion + ")");
}

// Median over seeds of each d's stage time (escape `direction`), +∞ for a run that never escaped.
std::vector<std::pair<double, std::vector<double>>> times_by_d(const std::vector<SweepRun>& runs, int direction) {
  std::vector<std::pair<double, std::vector<double>>> by_d;
  for (const SweepRun& run : runs) {
    if (by_d.empty() || by_d.back().first != run.d) by_d.push_back({run.d, {}});
    const auto k = static_cast<std::size_t>(direction);
    by_d.back().second.push_back(k < run.escape_times.size() && run.escape_times[k]
                                     ? *run.escape_times[k]
                                     : std::numeric_limits<double>::infinity());
  }
  return by_d;
}

nlohmann::json results_json(const Results& results) {
  nlohmann::json json;
  json["seconds"] = results.seconds;
  json["checks"] = {{"total", results.checks},
                    {"passed", results.passed},
                    {"failed", results.checks - results.passed},
                    {"reported_only", results.unchecked}};
  json["failures"] = results.failures;
  json["tolerances"] = {{"exponent", kExponentTolerance},
                        {"log_coefficient_relative", kLogCoefficientTolerance},
                        {"min_r2", kMinR2},
                        {"flat_ratio", kFlatRatioBound},
                        {"plateau", kPlateauTolerance},
                        {"planted_standard_errors", kPlantedSigmas}};
  if (results.sections.count("exponents")) json["exponents"] = nlohmann::json::array();
  for (const auto& x : results.exponents)
    for (std::size_t i = 0; i < x.fits.size(); ++i) {
      const StageFit& f = x.fits[i];
      const StageCheck& c = x.checks[i];
      nlohmann::json points = nlohmann::json::array();
      for (std::size_t k = 0; k < f.d.size(); ++k)
        points.push_back({{"d", json_number(f.d[k])}, {"median_time", f.median_time[k]}});
      json["exponents"].push_back({{"preset", x.preset},
                                   {"objective", x.objective},
                                   {"stage", f.stage + 1},
                                   {"leap", f.leap},
                                   {"model", f.prediction.model},
                                   {"slope", f.fit ? json_number(f.fit->slope) : nullptr},
                                   {"intercept", f.fit ? json_number(f.fit->intercept) : nullptr},
                                   {"r2", json_number(c.r2)},
                                   {"rule", c.rule},
                                   {"measured", json_number(c.measured)},
                                   {"predicted", json_number(c.predicted)},
                                   {"tolerance", json_number(c.tolerance)},
                                   {"r2_min", json_number(c.r2_min)},
                                   {"criterion", c.criterion},
                                   {"prediction", f.prediction.label},
                                   {"checked", c.checked},
                                   {"pass", c.pass},
                                   {"verdict", verdict_text(c.checked, c.pass)},
                                   {"failure", c.failure},
                                   {"escape_times", points}});
    }
  for (const auto& s : results.stages) {
    nlohmann::json times = nlohmann::json::array(), measured = nlohmann::json::array(),
                   predicted = nlohmann::json::array();
    for (double t : s.stage_times) times.push_back(json_number(t));
    for (double p : s.plateau_measured) measured.push_back(json_number(p));
    for (double p : s.plateau_predicted) predicted.push_back(json_number(p));
    json["stages"].push_back({{"preset", s.preset},
                              {"d", json_number(kStagesD)},
                              {"leaps", s.leaps},
                              {"stage_dimensions", s.dimensions},
                              {"stage_times", times},
                              {"ordered", s.ordered},
                              {"plateaus_measured", measured},
                              {"plateaus_predicted", predicted},
                              {"status", s.status},
                              {"criterion", s.verdict.criterion},
                              {"pass", s.verdict.pass},
                              {"failure", s.verdict.failure}});
  }
  for (const auto& c : results.convergence)
    json["convergence"].push_back({{"preset", c.preset},
                                   {"d", json_number(kConvergenceD)},
                                   {"starts", c.starts},
                                   {"converged", c.converged},
                                   {"stalled", c.stalled},
                                   {"t_max", c.t_max},
                                   {"diverged", c.diverged},
                                   {"median_time", json_number(c.median_time)},
                                   {"criterion", c.verdict.criterion},
                                   {"pass", c.verdict.pass},
                                   {"failure", c.verdict.failure}});
  for (const auto& p : results.planted)
    json["planted"].push_back({{"family", p.family},
                               {"r", p.r},
                               {"d", json_number(kPlantedD)},
                               {"starts", p.planted.starts},
                               {"planted_success", json_number(p.success)},
                               {"planted_stalled", p.planted.stalled},
                               {"theory_success", json_number(p.theory)},
                               {"theory_starts", p.theory_starts},
                               {"tolerance", json_number(p.tolerance)},
                               {"joint_converged", p.joint.converged},
                               {"criterion", p.verdict.criterion},
                               {"pass", p.verdict.pass},
                               {"failure", p.verdict.failure}});
  for (const auto& row : results.sample_complexity) {
    nlohmann::json entry = phase_results_json(row.results, row.link);
    nlohmann::json dims = nlohmann::json::array(), range = nlohmann::json::array();
    for (double d : row.grid.dims) dims.push_back(json_number(d));
    for (double n : row.grid.range) range.push_back(json_number(n));
    entry.update({{"link", row.grid.link},
                  {"mode", row.grid.mode},
                  {"degree", row.grid.degree},
                  {"noise", kSampleNoise},
                  {"dimensions", dims},
                  {"n_range", range.empty() ? nlohmann::json("default") : range},
                  {"rounds", row.grid.rounds},
                  {"seeds", row.seeds},
                  {"verdict", row.results.summary.kappa ? "reported" : "no fit"}});
    json["sample_complexity"].push_back(entry);
  }
  for (const char* section : {"exponents", "stages", "convergence", "planted", "sample_complexity"})
    if (!json.contains(section)) {
      std::string name = section;
      if (name == "sample_complexity") name = "sample-complexity";
      if (results.sections.count(name)) json[section] = nlohmann::json::array();
    }
  return json;
}

void write_csvs(const std::filesystem::path& dir, const Results& results, const std::string& head,
                const Trajectories& trajectories) {
  const auto has = [&](const char* section) { return results.sections.count(section) > 0; };
  std::ostringstream csv;
  if (has("exponents")) {
    csv << head
        << "preset,objective,stage,leap,model,slope,intercept,r2,rule,measured,predicted,tolerance,r2_min,criterion,"
           "prediction,verdict,failure\n";
    for (const auto& x : results.exponents)
      for (std::size_t i = 0; i < x.fits.size(); ++i) {
        const StageFit& f = x.fits[i];
        const StageCheck& c = x.checks[i];
        csv << x.preset << ',' << x.objective << ',' << f.stage + 1 << ',' << f.leap << ',' << f.prediction.model << ','
            << (f.fit ? exact(f.fit->slope) : "-") << ',' << (f.fit ? exact(f.fit->intercept) : "-") << ','
            << exact(c.r2) << ',' << c.rule << ',' << exact(c.measured) << ',' << exact(c.predicted) << ','
            << number(c.tolerance, 6) << ',' << number(c.r2_min, 6) << ',' << quoted(c.criterion) << ','
            << quoted(f.prediction.label) << ',' << verdict_text(c.checked, c.pass) << ',' << quoted(c.failure) << '\n';
      }
    write_file(dir / "exponents.csv", csv.str());

    csv.str("");
    csv << head << "preset,objective,stage,leap,direction,model,d,seed,time,median_time\n";
    for (const auto& x : results.exponents)
      for (const StageFit& f : x.fits)
        for (const auto& [d, times] : times_by_d(x.runs, f.direction)) {
          const double m = median(times);
          for (std::size_t seed = 0; seed < times.size(); ++seed)
            csv << x.preset << ',' << x.objective << ',' << f.stage + 1 << ',' << f.leap << ',' << f.direction + 1
                << ',' << f.prediction.model << ',' << exact(d) << ',' << seed << ',' << exact(times[seed]) << ','
                << exact(m) << '\n';
        }
    write_file(dir / "escape_times.csv", csv.str());
  }

  if (has("stages")) {
    csv.str("");
    csv << head
        << "preset,leaps,stage_dimensions,stage_times,plateaus_measured,plateaus_predicted,status,criterion,verdict,"
           "failure\n";
    auto list = [](const std::vector<double>& v, const char* sep, int digits) {
      std::string t;
      for (std::size_t i = 0; i < v.size(); ++i) t += (i ? sep : "") + number(v[i], digits);
      return t;
    };
    for (const auto& s : results.stages)
      csv << s.preset << ',' << join(s.leaps) << ',' << join(s.dimensions) << ',' << list(s.stage_times, " ", 8) << ','
          << list(s.plateau_measured, " ", 8) << ',' << list(s.plateau_predicted, " ", 8) << ',' << s.status << ','
          << quoted(s.verdict.criterion) << ',' << verdict_text(true, s.verdict.pass) << ','
          << quoted(s.verdict.failure) << '\n';
    write_file(dir / "stages.csv", csv.str());
  }

  if (has("convergence")) {
    csv.str("");
    csv << head
        << "preset,starts,converged,stalled,t_max,diverged,median_time,max_final_loss,criterion,verdict,failure\n";
    for (const auto& c : results.convergence)
      csv << c.preset << ',' << c.starts << ',' << c.converged << ',' << c.stalled << ',' << c.t_max << ','
          << c.diverged << ',' << number(c.median_time, 8) << ',' << number(c.max_final_loss, 4) << ','
          << quoted(c.verdict.criterion) << ',' << verdict_text(true, c.verdict.pass) << ','
          << quoted(c.verdict.failure) << '\n';
    write_file(dir / "convergence.csv", csv.str());
  }

  if (has("planted")) {
    csv.str("");
    csv << head
        << "family,r,starts,planted_success,planted_stalled,theory_success,theory_starts,tolerance,joint_converged,"
           "criterion,verdict,failure\n";
    for (const auto& p : results.planted)
      csv << p.family << ',' << p.r << ',' << p.planted.starts << ',' << number(p.success, 4) << ','
          << p.planted.stalled << ',' << number(p.theory, 4) << ',' << p.theory_starts << ',' << number(p.tolerance, 4)
          << ',' << p.joint.converged << ',' << quoted(p.verdict.criterion) << ',' << verdict_text(true, p.verdict.pass)
          << ',' << quoted(p.verdict.failure) << '\n';
    write_file(dir / "planted.csv", csv.str());
  }

  if (has("sample-complexity")) {
    csv.str("");
    csv << head
        << "link,mode,leap_exponent,degree,noise,seeds,dimensions,n_range,rounds,n_star,n_star_lo,n_star_hi,kappa,"
           "kappa_lo,kappa_hi,candidates,candidate_exponents,consistent,runs,failed_samples,failed_time,verdict,note\n";
    for (const auto& row : results.sample_complexity) {
      const PhaseSummary& sum = row.results.summary;
      std::string dims, range, star, lo, hi, laws, exponents, consistent;
      for (std::size_t i = 0; i < sum.d.size(); ++i) {
        const std::string sep = i ? " " : "";
        dims += sep + number(sum.d[i], 8);
        star += sep + (sum.n_star[i] ? exact(sum.n_star[i]->estimate) : "-");
        lo += sep + (sum.n_star[i] ? exact(sum.n_star[i]->lo) : "-");
        hi += sep + (sum.n_star[i] ? exact(sum.n_star[i]->hi) : "-");
      }
      for (std::size_t i = 0; i < row.grid.range.size(); ++i) range += (i ? " " : "") + number(row.grid.range[i], 8);
      for (std::size_t i = 0; i < row.results.candidates.size(); ++i) {
        const KappaCandidate& c = row.results.candidates[i];
        laws += (i ? "; " : "") + c.law;
        exponents += (i ? " " : "") + exact(c.exponent);
        consistent += (i ? " " : "") + std::string(c.verdict());
      }
      csv << row.grid.link << ',' << row.grid.mode << ',' << row.link.leaps.leap_exponent << ',' << row.grid.degree
          << ',' << exact(kSampleNoise) << ',' << row.seeds << ',' << dims << ',' << (range.empty() ? "default" : range)
          << ',' << row.grid.rounds << ',' << star << ',' << lo << ',' << hi << ','
          << (sum.kappa ? exact(sum.kappa->estimate) : "-") << ',' << (sum.kappa ? exact(sum.kappa->lo) : "-") << ','
          << (sum.kappa ? exact(sum.kappa->hi) : "-") << ',' << quoted(laws) << ',' << exponents << ',' << consistent
          << ',' << row.results.runs << ',' << row.results.failed_samples << ',' << row.results.failed_time << ','
          << (sum.kappa ? "reported" : "no fit") << ',' << quoted(sum.kappa_note) << '\n';
    }
    write_file(dir / "sample_complexity.csv", csv.str());
  }

  if (trajectories.empty()) return;
  std::filesystem::create_directories(dir / "trajectories");
  for (const auto& [name, rows] : trajectories) write_file(dir / "trajectories" / (name + ".csv"), head + rows);
}

std::string summary_markdown(const Results& results) {
  std::ostringstream md;
  const int failed = results.checks - results.passed;
  md << "# grassflow reproduce: measured vs predicted\n\n"
     << "Population flows of Bietti, Bruna, Pillaud-Vivien (arXiv 2310.19793), conventions of docs/theory.md. "
     << "Generated by `grassflow reproduce` in " << number(results.seconds, 3) << " s.\n\n"
     << "**" << results.passed << " of " << results.checks << " checks pass"
     << (failed ? ", " + std::to_string(failed) + " FAIL" : std::string()) << ".**";
  if (results.unchecked) md << " " << results.unchecked << " stage(s) have no prediction and are reported only.";
  if (!results.checks) md << " (The sections run have no pass/fail checks.)";
  md << "\n\n";
  if (failed) {
    md << "Failing checks:\n\n";
    for (const auto& f : results.failures) md << "- " << f << "\n";
    md << "\n";
  }
  const auto has = [&](const char* section) { return results.sections.count(section) > 0; };
  if (has("exponents")) {
    md << "## 1. Time scales over d = 1e2..1e8 (isotropic start C(0) = I/d)\n\n"
       << "A stage's time is the escape time (k-th largest cos² reaches ½) of its last direction; escape_times.csv "
          "holds them per d. Power stages: slope of log T on log d against ℓ − 1 (joint) or s/2 − 1 (planted), within "
       << number(kExponentTolerance) << ", and r² ≥ " << number(kMinR2)
       << ". Log stages: coefficient b of T = a + b ln d against docs/theory.md (6.5) (joint: Σ 1/(2α²) over the "
          "leap-1 stages so far) or (6.3) (planted s = 2: 1/(4α²)), within "
       << number(100 * kLogCoefficientTolerance) << "% of it, and r² ≥ " << number(kMinR2)
       << ". Predicted exponent 0 (planted s = 1): T(1e8)/T(1e2) within [1/" << number(kFlatRatioBound) << ", "
       << number(kFlatRatioBound)
       << "] (r² not checked: a flat line's r² is noise). Planted: first stage only (later stages have no formula). "
          "The reasons for each tolerance are in docs/cli.md.\n\n"
       << "| preset | objective | stage | leap | rule | measured | r² | predicted | tolerance | verdict |\n"
       << "|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& x : results.exponents)
      for (std::size_t i = 0; i < x.fits.size(); ++i) {
        const StageFit& f = x.fits[i];
        const StageCheck& c = x.checks[i];
        const std::string what = c.rule == "flat" ? "T ratio " : c.rule == "log coefficient" ? "b = " : "slope ";
        md << "| " << x.preset << " | " << x.objective << " | " << f.stage + 1 << " | " << f.leap << " | " << c.rule
           << " | " << what << number(c.measured) << " | " << number(c.r2, 5) << " | " << f.prediction.label
           << (c.rule == "log coefficient" ? ", b = " + number(c.predicted) : std::string()) << " | " << c.criterion
           << " | "
           << (!c.checked ? "reported"
               : c.pass   ? "pass"
                          : "**FAIL**: " + c.failure)
           << " |\n";
      }
  }
  if (has("stages")) {
    md << "\n## 2. Stage sequences and plateaus (joint, isotropic, d = " << number(kStagesD) << ")\n\n"
       << "Plateau j is the joint loss after j stages: measured where the trajectory is flattest between stage "
       << "ends, predicted ½Σ α_β² over the terms not yet learned (leap sequence, docs/theory.md (6.4)).\n\n"
       << "| preset | leaps | directions per stage | stage times | plateaus measured | plateaus predicted | status | "
          "tolerance | verdict |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    auto list = [](const std::vector<double>& v, int digits) {
      std::string t;
      for (std::size_t i = 0; i < v.size(); ++i) t += (i ? ", " : "") + number(v[i], digits);
      return t;
    };
    for (const auto& s : results.stages)
      md << "| " << s.preset << " | " << join(s.leaps) << " | " << join(s.dimensions) << " | " << list(s.stage_times, 5)
         << " | " << list(s.plateau_measured, 4) << " | " << list(s.plateau_predicted, 4) << " | " << s.status << " | "
         << s.verdict.criterion << " | " << (s.verdict.pass ? "pass" : "**FAIL**: " + s.verdict.failure) << " |\n";
  }
  if (has("convergence")) {
    md << "\n## 3. Global convergence of the joint flow (" << kStarts << " Haar starts, d = " << number(kConvergenceD)
       << ")\n\ndocs/theory.md §4: the joint flow converges from every start with M(0) nonsingular. \"diverged\" "
          "counts "
       << "flows stopped by the step limit or a step-size collapse (flow.h states the measured limits).\n\n"
       << "| preset | converged | stalled | t_max | diverged | median time to loss < 1e-10 | tolerance | verdict "
          "|\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& c : results.convergence)
      md << "| " << c.preset << " | " << c.converged << "/" << c.starts << " | " << c.stalled << " | " << c.t_max
         << " | " << c.diverged << " | " << number(c.median_time) << " | " << c.verdict.criterion << " | "
         << (c.verdict.pass ? "pass" : "**FAIL**: " + c.verdict.failure) << " |\n";
  }
  if (has("planted")) {
    md << "\n## 4. Planted traps (" << kStarts << " Haar starts, d = " << number(kPlantedD)
       << ")\n\nSuccess = the planted flow converges; otherwise it stalls at a spurious minimum or on the equator. "
       << "docs/theory.md §4 lists fractions measured from 100 (trap) or 200 (he3sum) starts; they agree within "
       << number(kPlantedSigmas)
       << " standard errors of the difference of two binomial fractions. The joint flow runs from the same starts and "
          "must converge from all.\n\n"
       << "| family | r | planted success | docs/theory.md §4 | planted stalled | joint converged | tolerance | "
          "verdict |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& p : results.planted)
      md << "| " << p.family << " | " << p.r << " | " << number(p.success, 3) << " | " << number(p.theory, 3) << " | "
         << p.planted.stalled << "/" << p.planted.starts << " | " << p.joint.converged << "/" << p.joint.starts << " | "
         << p.verdict.criterion << " | " << (p.verdict.pass ? "pass" : "**FAIL**: " + p.verdict.failure) << " |\n";
  }
  if (has("sample-complexity")) {
    md << "\n## 5. Sample complexity (docs/theory.md §9; reported, no verdict)\n\n"
       << "Training from Haar starts on planted data (noise σ = " << number(kSampleNoise)
       << "), per d a bisection in log n for n*, the n where half of the seeds reach sin θ_max < 0.2 within 4 times "
          "the population flow's predicted time (as `grassflow phase --n auto`); κ of n* ∝ d^κ by least squares "
          "with its 95% bootstrap interval over seeds, next to the candidates of the leap exponent s* (✓: inside "
          "the interval). Online runs whose samples ran out before the time budget are counted as time-outs.\n\n"
       << "| link | s* | mode | d | n* | κ | 95% interval | candidates | runs (failed: samples, time) |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& row : results.sample_complexity) {
      const PhaseSummary& sum = row.results.summary;
      std::string dims, star, laws;
      for (std::size_t i = 0; i < sum.d.size(); ++i) {
        dims += (i ? ", " : "") + number(sum.d[i], 6);
        star += (i ? ", " : "") + (sum.n_star[i] ? number(sum.n_star[i]->estimate, 4) : std::string("beyond"));
      }
      for (std::size_t i = 0; i < row.results.candidates.size(); ++i) {
        const KappaCandidate& c = row.results.candidates[i];
        laws += (i ? ", " : "") + c.law + (!c.consistent ? "" : *c.consistent ? " ✓" : " ✗");
      }
      md << "| " << row.grid.link << " | " << row.link.leaps.leap_exponent << " | " << row.grid.mode << " | " << dims
         << " | " << star << " | " << (sum.kappa ? number(sum.kappa->estimate, 3) : "**no fit**: " + sum.kappa_note)
         << " | "
         << (sum.kappa ? "[" + number(sum.kappa->lo, 3) + ", " + number(sum.kappa->hi, 3) + "]" : std::string("-"))
         << " | " << laws << " | " << row.results.runs << " (" << row.results.failed_samples << ", "
         << row.results.failed_time << ") |\n";
    }
  }
  return md.str();
}

std::filesystem::path output_directory(const std::string& out) {
  if (out.empty()) throw InputError("out", "empty; give the folder for the results, e.g. --out results");
  const std::filesystem::path dir(out);
  std::error_code error;
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error))
    throw InputError("out", "" + out + " is a file, not a folder; give a folder (it is created if missing)");
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir))
    throw InputError("out", "cannot create the directory " + out + "; give a writable path");
  return dir;
}

struct ReproduceCommand {
  CLI::App* cmd = nullptr;
  std::string out, sections = "all", scale = "full";
  bool json = false;
};

const std::vector<std::string> kSections = {"exponents", "stages", "convergence", "planted", "sample-complexity"};

// --sections: "all" or a comma-separated list of section names.
std::set<std::string> parse_sections(const std::string& text) {
  std::string valid;
  for (const std::string& name : kSections) valid += (valid.empty() ? "" : ", ") + name;
  std::set<std::string> chosen;
  if (text == "all") return {kSections.begin(), kSections.end()};
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, end - begin);
    if (std::find(kSections.begin(), kSections.end(), item) == kSections.end())
      throw InputError("sections", "'" + item + "' is not a section; give all or a comma-separated list of " + valid);
    chosen.insert(item);
    begin = end + 1;
  }
  return chosen;
}

void run(const ReproduceCommand& options) {
  const std::set<std::string> sections = parse_sections(options.sections);
  if (options.scale != "full" && options.scale != "small")
    throw InputError("scale", "'" + options.scale +
                                  "'; choose full (the sizes of docs/cli.md) or small (the test suite's sample-"
                                  "complexity grids)");
  // Under mpirun the sample-complexity grids and the flows of the exponents, convergence and planted sections are
  // spread over the ranks (run_units); rank 0 runs the stages' six flows, judges every section and writes.
  const bool writer = mpi_rank() == 0;
  std::filesystem::path dir;
  std::optional<RunStore> store;
  if (writer) {
    dir = output_directory(options.out);
    store.emplace(dir.string(), "reproduce", nlohmann::json{{"scale", options.scale}}, kRunKey);
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<PresetInfo>& all = presets();
  Results results;
  results.sections = sections;
  Trajectories trajectories;
  const auto has = [&](const char* section) { return sections.count(section) > 0; };
  // The sample-complexity grids first, then the pooled flows: under mpirun every rank takes part in both.
  if (has("sample-complexity"))
    results.sample_complexity = sample_complexity(options.scale, store ? &*store : nullptr, options.out);
  FlowPool pool;
  plan_flows(sections, all, pool);
  pool.run();
  if (writer) {
    if (has("exponents")) results.exponents = exponents(all, pool, &*store);
    if (has("stages")) results.stages = stages(all, trajectories, &*store);
    if (has("convergence")) results.convergence = convergence(all, pool, trajectories, &*store);
    if (has("planted")) results.planted = planted_traps(pool, trajectories, &*store);
  }
  if (!writer) return;
  results.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  tally(results);

  nlohmann::json computed = {{"dimensions", nlohmann::json::array()},
                             {"starts", kStarts},
                             {"stages_d", json_number(kStagesD)},
                             {"convergence_d", json_number(kConvergenceD)},
                             {"planted_d", json_number(kPlantedD)},
                             {"sections", nlohmann::json::array()},
                             {"scale", options.scale}};
  for (double d : kDimensions) computed["dimensions"].push_back(json_number(d));
  for (const std::string& name : kSections)
    if (sections.count(name)) computed["sections"].push_back(name);
  const nlohmann::json prov = provenance(*options.cmd, computed);
  write_csvs(dir, results, csv_comment_lines(prov), trajectories);
  nlohmann::json json = results_json(results);
  nlohmann::json file = json;
  file.update(prov);
  write_file(dir / "results.json", file.dump(2) + "\n");
  write_file(dir / "summary.md", summary_markdown(results));

  int no_fit = 0;
  for (const auto& row : results.sample_complexity)
    if (!row.results.summary.kappa) {
      ++no_fit;
      warn("reproduce: sample complexity of " + std::string(row.grid.link) + " (" + row.grid.mode +
           "): no kappa: " + row.results.summary.kappa_note);
    }
  std::string reported;
  if (has("sample-complexity"))
    reported = ", " + std::to_string(results.sample_complexity.size() - static_cast<std::size_t>(no_fit)) +
               " sample-complexity exponents reported" +
               (no_fit ? " (" + std::to_string(no_fit) + " without a fit)" : std::string());
  const int failed = results.checks - results.passed;
  if (options.json)
    print_json(*options.cmd, json, computed);
  else
    std::printf("reproduce: %d of %d checks pass, %d fail%s, in %.1f s; wrote %s\n", results.passed, results.checks,
                failed, reported.c_str(), results.seconds, (dir / "summary.md").string().c_str());
  if (failed) {
    std::fprintf(stderr, "grassflow: reproduce: %d of %d checks FAIL (exit status 1):\n", failed, results.checks);
    for (const auto& f : results.failures) std::fprintf(stderr, "grassflow:   %s\n", f.c_str());
    command_exit_status() = 1;
  }
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
  auto options = std::make_shared<ReproduceCommand>();
  CLI::App* cmd = options->cmd = app.add_subcommand(
      "reproduce",
      "Run the paper's claims as experiments (exponents, stages and plateaus, joint convergence, planted traps), "
      "judge each against the theory with a stated tolerance, measure the sample complexity of training (kappa "
      "next to its candidates, reported), and write CSV, JSON and a markdown summary; exit status 1 when a check "
      "fails");
  cmd->add_option("--out", options->out,
                  "directory for exponents.csv, escape_times.csv, stages.csv, convergence.csv, planted.csv, "
                  "sample_complexity.csv, trajectories/, runs.jsonl, results.json and summary.md (created if "
                  "missing; a re-run resumes the sample-complexity runs it holds)")
      ->required();
  cmd->add_option("--sections", options->sections,
                  "all (default) or a comma-separated list of exponents, stages, convergence, planted, "
                  "sample-complexity");
  cmd->add_option("--scale", options->scale,
                  "full (default) or small: smaller sample-complexity grids (the test suite's, about 20 s)");
  cmd->add_flag("--json", options->json, "print what results.json holds (with provenance) on stdout");
  cmd->callback([options] { run(*options); });
}

}  // namespace grassflow::cli
