// Sweeps over the ambient dimension d and the fits that turn escape times into the paper's time scales
// (docs/theory.md §6): per stage (a stage's time is the escape time of its last direction), medians over seeds
// (escape times from Haar starts are heavy-tailed), then for a stage whose leap predicts Θ(d^{ℓ−1}) the
// least-squares slope of log T on log d, and for a Θ(log d) stage the slope b of T = a + b ln d. Also the
// theory's prediction for each stage, labelled for the objective (joint and planted differ), and the plateau
// values of a trajectory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"

namespace grassflow {

/// One flow of a sweep: dimension, seed and outcome.
struct SweepRun {
  double d = 0.0;
  std::uint64_t seed = 0;
  std::vector<std::optional<double>> escape_times;  ///< r entries (ReducedFlow::escape_times)
  double final_loss = 0.0;
  FlowStatus status = FlowStatus::running;
};

/// What to sweep: dimensions (each a whole number ≥ r), the start (random: Haar at d; isotropic: I/√d,
/// deterministic, so one seed), seeds 0..seeds−1, and the flow's options.
struct SweepSpec {
  std::vector<double> dimensions;
  Start start = Start::random;
  int seeds = 1;
  FlowOptions flow;
};

/// Runs the reduced flow of `objective` for every dimension and seed, in the order d-major, seed-minor,
/// reporting a progress stage "sweep flows" (progress.h) with one unit per flow.
/// Throws InputError for an empty dimension list, seeds < 1, or a dimension that initial_overlap rejects.
std::vector<SweepRun> run_sweep(const std::shared_ptr<const Objective>& objective, const SweepSpec& spec);

/// A least-squares line y = intercept + slope·x and its coefficient of determination r² (1 for a perfect
/// fit; 1 as well when all y are equal). Throws InputError for fewer than 2 points, sizes that differ, or
/// all x equal.
struct LineFit {
  double slope = 0.0;
  double intercept = 0.0;
  double r2 = 0.0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

/// The median (mean of the two middle values for an even count); +∞ entries are allowed (a run that never
/// escaped counts as an infinite time). Throws InputError for an empty list.
double median(std::vector<double> values);

/// The time scale docs/theory.md §6 predicts for a stage. Joint: leap ℓ = 1 → Θ(log d) (model "log", no
/// exponent), ℓ ≥ 2 → Θ(d^{ℓ−1}) (model "power", exponent ℓ − 1). Planted, first stage (ℓ = s, the
/// information exponent): s = 1 → Θ(1) ("power", exponent 0), s = 2 → Θ(log d) ("log"), s ≥ 3 →
/// Θ(d^{s/2−1}) ("power", exponent s/2 − 1); later planted stages have no formula: the model follows the leap
/// as for joint, the exponent is left empty and the label says "measured".
struct StagePrediction {
  std::string model;               ///< "power" or "log": how the stage is fitted
  std::optional<double> exponent;  ///< predicted slope of log T on log d (power model only)
  std::string label;               ///< e.g. "joint, leap 3: T = Θ(d^2)"
};
/// `stage` counts from 0; leap ≥ 1 (InputError otherwise).
StagePrediction predict_stage(ObjectiveKind objective, int stage, int leap);

/// The fit of one stage over a sweep.
struct StageFit {
  int stage = 0;      ///< 0-based
  int leap = 0;       ///< ℓ of this stage
  int direction = 0;  ///< the escape (0-based, k-th largest cos²) that ends the stage
  StagePrediction prediction;
  std::vector<double> d;            ///< dimensions with a finite median time
  std::vector<double> median_time;  ///< median over seeds of the stage time at each d
  std::optional<LineFit> fit;       ///< power: log T on log d; log: T on ln d; empty with < 2 points
};

/// Fits every learnable stage of `leaps` (stage j ends with escape cumsum(stage_dimensions)[j] − 1) over the
/// runs of a sweep; medians over seeds per d, with runs that never escaped counted as +∞ (a d whose median is
/// infinite is left out). `objective` selects the predictions.
std::vector<StageFit> fit_stages(const std::vector<SweepRun>& runs, const LeapSequence& leaps, ObjectiveKind objective);

/// Measured plateau values of a finished flow, indexed like LeapSequence::plateaus: entry 0 is the loss at
/// t = 0, entry j (1 ≤ j < stages) the loss where the trajectory is flattest (smallest |ΔL| on a grid of 64
/// log-spaced times) between the ends of stages j and j + 1, the last entry the final loss. Entries of stages
/// that never ended are NaN.
std::vector<double> measured_plateaus(const ReducedFlow& flow, const LeapSequence& leaps);

}  // namespace grassflow
