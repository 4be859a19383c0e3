// Sweeps over the ambient dimension d and the fits that turn escape times into the paper's time scales
// (docs/theory.md §6): per stage (a stage's time is the escape time of its last direction), medians over seeds
// (escape times from Haar starts are heavy-tailed), then for a stage whose leap predicts Θ(d^{ℓ−1}) the
// least-squares slope of log T on log d, and for a Θ(log d) stage the slope b of T = a + b ln d. Also the
// theory's prediction for each stage, labelled for the objective (joint and planted differ), the verdict on a
// fitted stage against that prediction with stated tolerances (check_stage), and the plateau values of a trajectory.
#pragma once

#include <cmath>
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
/// deterministic, so one seed), seeds first_seed..first_seed + seeds − 1, and the flow's options.
struct SweepSpec {
  std::vector<double> dimensions;
  Start start = Start::random;
  int seeds = 1;
  std::uint64_t first_seed = 0;
  FlowOptions flow;
};

/// One flow of a sweep: the reduced flow of `objective` from `start` at (d, seed) (initial_overlap), run to its end.
/// Throws as initial_overlap for a d the start cannot realise.
SweepRun run_sweep_flow(const std::shared_ptr<const Objective>& objective, Start start, double d, std::uint64_t seed,
                        const FlowOptions& options);

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
  int swept = 0;                    ///< how many dimensions the sweep ran (d may hold fewer)
  std::vector<double> d;            ///< dimensions with a finite median time, ascending
  std::vector<double> median_time;  ///< median over seeds of the stage time at each d
  std::optional<LineFit> fit;       ///< power: log T on log d; log: T on ln d; empty below kMinFitDimensions points
};

/// A stage is fitted over at least this many dimensions with a finite median: a line through two points says
/// nothing about the law (every two points lie on a line).
inline constexpr int kMinFitDimensions = 3;

/// Fits every learnable stage of `leaps` (stage j ends with escape cumsum(stage_dimensions)[j] − 1) over the
/// runs of a sweep; medians over seeds per d, with runs that never escaped counted as +∞ (a d whose median is
/// infinite is left out). `objective` selects the predictions.
std::vector<StageFit> fit_stages(const std::vector<SweepRun>& runs, const LeapSequence& leaps, ObjectiveKind objective);

/// The spread of one stage over the seeds of a sweep (docs/theory.md §6, "Fitting time scales over d"): what a
/// median hides, and how far the fitted exponent could move.
struct StageStatistics {
  std::vector<double> d;                 ///< every swept dimension, ascending
  std::vector<double> q25, median, q75;  ///< quantiles over seeds of the stage time (runs that never ended it: +inf)
  std::vector<int> runs, never;          ///< runs per d, and those that never ended the stage
  /// 95% percentile-bootstrap interval of the fit's slope (seeds resampled with replacement at every d, medians
  /// refitted as fit_stages does); empty when the fit is (fewer than kMinFitDimensions finite medians) or when fewer
  /// than 90% of the resamplings could be fitted.
  std::optional<std::pair<double, double>> slope_interval;
  std::vector<LineFit> replicates;  ///< the resamplings' fits (for a confidence band of the fitted curve)
  std::string note;                 ///< why there is no interval ("" when there is one)
};

/// The statistics of stage `fit` (from fit_stages on the same runs) with `replicates` bootstrap resamplings,
/// seeded with 0 (deterministic, whatever the order of `runs`). Quantiles interpolate linearly between order statistics
/// (+inf beside +inf stays +inf).
StageStatistics stage_statistics(const std::vector<SweepRun>& runs, const StageFit& fit, int replicates = 1000);

/// The coefficient b of T = a + b ln d that docs/theory.md §6 predicts for a log-model stage, in flow time per
/// unit of ln d, or nullopt where the theory gives none. Joint, stage j with leaps ℓ_0 = … = ℓ_j = 1: stage times
/// are cumulative escape times, so b = Σ_{i≤j} 1/(2α_i²) by (6.5), with α_i² the energy per direction that
/// drives stage i as in joint_stage_durations (time_scales.h): staircase2 ½ then 1, tanh 1/(2‖f*_1‖²), relu 2.
/// Planted, first stage with s = 2: b = 1/(4α²) by (6.3), α² = ‖f*_2‖²/dim U_1 (he2 ¼, parity2 ½, sign2
/// π²/8 ≈ 1.2337). nullopt for every other stage: power-model stages, a leap-1 stage after a leap ≥ 2 (its
/// cumulative time is dominated by a power of d), later planted stages (no formula), or a stage whose driving
/// energy rounds to 0. `leaps` = leap_sequence(e); `stage` counts from 0. Throws InputError for a stage outside
/// 0..leaps.leaps.size() − 1.
std::optional<double> predict_log_coefficient(const HermiteExpansion& e, const LeapSequence& leaps,
                                              ObjectiveKind objective, int stage);

/// Tolerances of check_stage, chosen so that the flows of `grassflow reproduce` (isotropic start, d = 1e2..1e8,
/// 7 dimensions) pass with a wide margin while a wrong law fails (docs/cli.md, "reproduce"):
/// |slope − predicted exponent| ≤ 0.1. Measured slopes are within 0.008 of ℓ − 1 and s/2 − 1; the predicted
/// exponents of different laws differ by ≥ ½, and an exponent off by 0.1 changes T by 10^0.6 ≈ 4× over 6 decades.
inline constexpr double kExponentTolerance = 0.1;
/// |b − b_pred| ≤ 5% of b_pred. Measured b are within 1.6% (planted trap: the h_3 term's O(d^{−1/2}) correction at
/// d = 100), most within 0.5%; a wrong constant (α² per direction vs per stage, the ½ loss convention, a missing
/// earlier stage) changes b by ≥ 25%.
inline constexpr double kLogCoefficientTolerance = 0.05;
/// r² ≥ 0.999 for both fitted models: measured 1 − r² ≤ 1.6e-4; the wrong model (ln d fitted by a power, or
/// d^{0.1} by a line in ln d) leaves a curvature that 7 points over 6 decades show as 1 − r² of order 1e-2.
inline constexpr double kMinR2 = 0.999;
/// A predicted exponent 0 (Θ(1)) is tested as "does not grow with d": 1/2 ≤ T(d_max)/T(d_min) ≤ 2, not by r² (a
/// flat line has no slope to explain, so its r² is noise). Measured ratios over d = 1e2..1e8 are 1.13 to 1.26 (the
/// head start m0 = d^{−1/2} = 0.1 at d = 100 vanishing; T stays bounded as d → ∞); Θ(ln d) gives ≈ 4 there, d^{0.05}
/// gives 2. The bound sits near the geometric middle of 1.26 and 4.
inline constexpr double kFlatRatioBound = 2.0;

struct StageTolerances {
  double exponent = kExponentTolerance;               ///< absolute, on the slope of log T on log d
  double log_coefficient = kLogCoefficientTolerance;  ///< relative, on b
  double r2 = kMinR2;                                 ///< minimum r² of either fitted model
  double flat_ratio = kFlatRatioBound;                ///< bound on T(d_max)/T(d_min) and its inverse
};

/// The verdict on one fitted stage against docs/theory.md §6, both its checks shown.
struct StageCheck {
  /// "exponent": |slope − predicted| ≤ tolerance and r² ≥ r2_min (power model, predicted exponent > 0);
  /// "log coefficient": |b − predicted| ≤ tolerance·predicted and r² ≥ r2_min (log model with a predicted b);
  /// "flat": 1/tolerance ≤ T(d_max)/T(d_min) ≤ tolerance (predicted exponent 0; r² not checked);
  /// "none": the theory predicts nothing for this stage; reported, not judged (checked false).
  std::string rule;
  double measured = NAN;   ///< the slope, b, or the ratio T(d_max)/T(d_min); NaN without a fit
  double predicted = NAN;  ///< the exponent, b, or 1 for "flat"; NaN for "none"
  double tolerance = NAN;  ///< absolute (exponent), relative (log coefficient) or a ratio bound (flat)
  bool value_pass = false;
  double r2 = NAN;      ///< the fit's r² (shown for every rule)
  double r2_min = NAN;  ///< NaN when r² is not checked ("flat", "none")
  bool r2_pass = false;
  bool checked = false;   ///< a prediction exists, so the stage passes or fails
  bool pass = false;      ///< checked, every d ended the stage, value_pass and r2_pass
  std::string criterion;  ///< readable, e.g. "|slope − 2| ≤ 0.1, r² ≥ 0.999"
  std::string failure;    ///< why it failed ("" when it passes or is not checked)
};

/// Judges `fit` (from fit_stages) against its prediction with `tolerances`; `log_coefficient` is the predicted b
/// of a log-model stage (predict_log_coefficient), ignored for the power model. A checked stage fails when some
/// swept d never ended it (fit.d.size() < fit.swept) or it has no fit. Never throws.
StageCheck check_stage(const StageFit& fit, std::optional<double> log_coefficient,
                       const StageTolerances& tolerances = {});

/// Measured plateau values of a finished flow, indexed like LeapSequence::plateaus: entry 0 is the loss at
/// t = 0, entry j (1 ≤ j < stages) the loss where the trajectory is flattest (smallest |ΔL| on a grid of 64
/// log-spaced times) between the ends of stages j and j + 1, the last entry the final loss. Entries of stages
/// that never ended are NaN.
std::vector<double> measured_plateaus(const ReducedFlow& flow, const LeapSequence& leaps);

}  // namespace grassflow
