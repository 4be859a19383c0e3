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

/// One population flow with its history, advanced to the view's simulated time frame by frame.
class Run {
 public:
  Run(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, double t_max);

  /// Advances the flow towards simulated time `t` within a budget of steps; the shown time is min(t, reached).
  /// Records a sample; returns the indices (0-based) of directions that escaped during this call.
  std::vector<int> advance(double t, int max_steps);

  const ReducedFlow& flow() const { return *flow_; }
  const Objective& objective() const { return flow_->objective(); }
  std::shared_ptr<const Objective> objective_ptr() const { return objective_; }
  double shown_time() const { return shown_t_; }
  const FlowPoint& current() const { return current_; }
  const std::vector<Sample>& history() const { return history_; }
  /// Escape times reached by the shown time (entry k for the (k+1)-th direction).
  std::vector<std::optional<double>> shown_escapes() const;
  /// Status as the user sees it: running until the shown time reaches the flow's end.
  FlowStatus status() const;

 private:
  std::shared_ptr<const Objective> objective_;
  std::unique_ptr<ReducedFlow> flow_;
  double shown_t_ = 0;
  FlowPoint current_;
  std::vector<Sample> history_;
  std::vector<bool> announced_;
  void record();
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
  /// Steps while the trainer's t < `t`, for at most `budget_ms` of CPU time; records a sample per call.
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

  /// Moves the simulated clock by one frame (dt if fixed, else speed·wall, else 0.5 decades of t per second)
  /// and advances the runs. Returns escape events as JSON strings.
  std::vector<std::string> tick(double wall_seconds, bool playing, bool single_step);

  const LinkAnalysis& analysis() const { return *analysis_; }
  const std::vector<std::unique_ptr<Run>>& runs() const { return runs_; }
  /// Training on samples when the state has n > 0 (nullptr otherwise).
  const SampleRun* samples() const { return samples_.get(); }
  /// The run whose objective is the state's `objective` (the landscape and sphere views show it).
  const Run& active() const { return *runs_[active_]; }
  const Eigen::MatrixXd& start() const { return M0_; }
  double clock() const { return clock_; }
  bool finished() const;
  const AppState& state() const { return state_; }

 private:
  AppState state_;
  std::shared_ptr<const LinkAnalysis> analysis_;
  Eigen::MatrixXd M0_;
  std::vector<std::unique_ptr<Run>> runs_;
  std::unique_ptr<SampleRun> samples_;
  std::size_t active_ = 0;
  double clock_ = 0;
};

/// Whether two states describe the same experiment (the runs need no restart when only the view changed).
bool same_experiment(const AppState& a, const AppState& b);

}  // namespace grassflow::app
