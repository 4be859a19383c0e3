// The explorer's model of an experiment: the link's Hermite analysis (shared by both objectives), and one or
// two population flows (joint, planted, or both from the same start) paced between wall-clock time and
// simulated time. Everything numeric comes from the core (link, hermite_analysis, objective, flow); this file
// only decides what to advance and what to remember for the views.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/experiment.h"
#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/train.h"
#include "state.h"

namespace grassflow::app {

/// One observation kept for the plots.
struct Sample {
  double t = 0, loss = 0;
  std::vector<double> cosines;  ///< descending
  Eigen::MatrixXd M;            ///< the overlap M(t), r×r
};

/// One population flow and what the views show of it. The flow integrates ahead of the shown time; what is
/// shown is read from its dense output (ReducedFlow::observe), so the recorded trajectory does not depend on the
/// frame rate or the pacing: it holds t = 0, the times of a fixed log grid (kPerDecade per decade from
/// kFirstGridTime), every escape time, all up to the shown time, and last the shown time itself. Its length grows
/// with log t only (a few thousand points over the flow's 1e30), never with the number of frames.
class Run {
 public:
  static constexpr int kPerDecade = 100;
  static constexpr double kFirstGridTime = 1e-3;

  /// The k-th time of the recording grid: kFirstGridTime·10^(k/kPerDecade).
  static double grid_time(long k);

  Run(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, double t_max);

  /// Integrates the flow until its time reaches `t` (or it finishes), at most `max_steps` steps (< 0: no limit).
  /// Shows nothing new.
  void integrate(double t, int max_steps);
  /// The earliest escape time in (shown time, min(t, integrated time)], if any: where `pause-at=escape` stops.
  std::optional<double> escape_before(double t) const;
  /// Shows the flow at min(t, integrated time) (at t itself once the flow converged or stalled: it stays where
  /// it ended; never earlier than already shown): records the grid points and escapes passed. Returns the indices
  /// (0-based) of directions whose escape is now shown for the first time.
  std::vector<int> show(double t);

  const ReducedFlow& flow() const { return *flow_; }
  const Objective& objective() const { return flow_->objective(); }
  std::shared_ptr<const Objective> objective_ptr() const { return objective_; }
  double shown_time() const { return shown_t_; }
  const FlowPoint& current() const { return current_; }
  /// The recorded trajectory (see the class comment), sorted by t, the shown time last.
  const std::vector<Sample>& history() const { return history_; }
  /// Escape times reached by the shown time (entry k for the (k+1)-th direction).
  std::vector<std::optional<double>> shown_escapes() const;
  /// Status as the user sees it: running until the shown time reaches the flow's end.
  FlowStatus status() const;

 private:
  std::shared_ptr<const Objective> objective_;
  std::unique_ptr<ReducedFlow> flow_;
  double shown_t_ = 0;
  long next_grid_ = 0;              // index k of the next grid time kFirstGridTime·10^(k/kPerDecade) to record
  bool last_is_transient_ = false;  // history_'s last point is the shown time, to be replaced by the next show
  FlowPoint current_;
  std::vector<Sample> history_;
  std::vector<bool> announced_;
  void record(const FlowPoint& point);
  FlowPoint observe(double t) const;  // the dense output, or the end point after a converged/stalled end
};

/// Training on n samples (train.h: exact two-timescale steps, Hermite features) from the same start as the
/// population runs and on the same clock (gradient-flow time t = Σ η): the empirical trajectory the explorer
/// draws over the population one (docs/theory.md §7). Its losses are test losses (½·MSE, so they sit σ²/2 above
/// the population curve).
class SampleRun {
 public:
  /// Throws InputError("n", ...) when d is not a whole number ≤ 1e5 or, in the browser, when n·d exceeds its
  /// memory budget (2e7 stored coordinates: the n key's browser limit), naming the fix.
  SampleRun(const LinkAnalysis& analysis, const AppState& state, const Eigen::MatrixXd& M0);
  /// Steps while the trainer's t < `t`, for at most `budget_ms` of CPU time. Keeps the first step at or after
  /// each time of the runs' grid (Run::grid_time) and the latest step, so history() grows with log t, not with
  /// the number of steps or frames.
  void advance(double t, double budget_ms);
  const std::vector<Sample>& history() const { return history_; }
  const Trainer& trainer() const { return *trainer_; }
  /// "n = 20000, σ = 0, K = 2, η = 0.1": what was run.
  const std::string& description() const { return description_; }
  /// A training failure (e.g. divergence), shown instead of crashing; the history is kept.
  const std::string& failure() const { return failure_; }

 private:
  std::unique_ptr<Trainer> trainer_;
  std::vector<Sample> history_;
  std::string description_, failure_;
  long next_grid_ = 0;
  bool last_is_transient_ = false;  // history_'s last point is the latest step, replaced by the next advance
  void record();
};

/// The running experiment a state describes: analysis, starting overlap and runs; the simulated clock.
class Simulation {
 public:
  /// Throws InputError/LimitError carrying the key at fault (analyse_link, start_overlap: bad link, r > d,
  /// unrealisable M0, ...): the caller keeps its previous experiment and shows the message.
  explicit Simulation(const AppState& state);

  /// Takes the view part of a state describing the same experiment (same_experiment): pacing, and which
  /// run is active in compare mode.
  void set_view(const AppState& state);

  /// Moves the simulated clock by one frame when playing or for a single step: dt if fixed, else speed·wall,
  /// else 0.5 decades of t per second (a single step: 0.2 s of play, or one dt), and shows the runs there.
  /// With `pause-at=escape` (not on a single step) the clock stops exactly at the first escape it passes (its
  /// time from the dense output) and *paused is set. Returns escape events as JSON strings.
  std::vector<std::string> tick(double wall_seconds, bool playing, bool single_step, bool* paused = nullptr);
  /// Moves the clock by exactly `dt` (simulated time, ≥ 0), integrating as long as that takes (escapes passed
  /// are announced, never stopped at); the runs' shown time is clock() unless a flow ended before it. Returns
  /// escape events as JSON strings.
  std::vector<std::string> advance_by(double dt);

  const LinkAnalysis& analysis() const { return *analysis_; }
  const std::vector<std::unique_ptr<Run>>& runs() const { return runs_; }
  /// Training on samples when the state has n > 0 (nullptr otherwise).
  const SampleRun* samples() const { return samples_.get(); }
  /// The run whose objective is the state's `objective` (the landscape and sphere views show it).
  const Run& active() const { return *runs_[active_]; }
  const Eigen::MatrixXd& start() const { return M0_; }
  double clock() const { return clock_; }
  const AppState& state() const { return state_; }

 private:
  AppState state_;
  std::shared_ptr<const LinkAnalysis> analysis_;
  Eigen::MatrixXd M0_;
  std::vector<std::unique_ptr<Run>> runs_;
  std::unique_ptr<SampleRun> samples_;
  std::size_t active_ = 0;
  double clock_ = 0;
  /// Integrates every run to `target` (at most max_steps steps each; < 0: no limit), stops at the first escape
  /// passed when `stop_at_escape` (setting *stopped), shows the runs there and moves the clock.
  std::vector<std::string> move_clock(double target, int max_steps, bool stop_at_escape, bool* stopped);
};

/// Whether two states describe the same experiment (the runs need no restart when only the view changed); a
/// new `t-show` also restarts, to open at that time.
bool same_experiment(const AppState& a, const AppState& b);

}  // namespace grassflow::app
