// Population gradient flows of an Objective (docs/theory.md §5, §6): the exact r×r reduction in the overlap
// M = WᵀW* (state M for both objectives), integrated by DOP853 with per-entry relative error control and dense
// output, and the full d-dimensional flow on W ∈ St(d, r) with a retraction, which exists to verify the
// reduction. The flows know an objective only through its loss, Euclidean gradient ∂L/∂M and geometry.
//
// The reduced flow is driven step by step (step(), advance_to(t)) so that a front end can animate it frame by
// frame, and keeps everything it learns queryable: the dense trajectory (state_at(t) for any past t), escape
// times, status. Statuses: converged (excess loss L − min L < 1e-10), stalled (planted only: the excess loss
// fell by less than 1e-9 relative over the last decade of t while above 1e-8, and the flow is not speeding
// up), t_max, diverged (a non-finite state, a step-size collapse or the step limit; the trajectory up to the
// last finite state is kept).
//
// Accuracy: the reference escape times of docs/theory.md §6 come out to ~1e-10 relative, and a joint flow from a
// rotated start (creeping after an escape, stiff) matches its closed form to ~1e-7 even when the second cosine
// is 1e-5 under a leap-4 link (relative speed 1e-30, escape at 4e28). Measured limits of Haar starts: leap-4
// pairs converge up to d = 1e8 (at 1e10 the second escape lies beyond t_max = 1e30: status t_max); three
// leap-3 directions converge up to d = 1e10 and mostly at 1e12; r = 8 at d = 1e12 with eight creeping leap-2
// directions still ends at the step limit (BDF's Newton iteration, with a finite-difference Jacobian, cannot
// take the steps of 1e9 and more its coupled creeps allow).
//
// The gauge (joint flow): the state integrated is M' = PᵀMR with P, R orthogonal r×r, under the objective
// rotated by R (Objective::rotated; the joint loss is invariant under M → QM, so P is free). In the entries of
// M itself, a cosine of 1e-3 beside a converged one is a difference of O(1) numbers and a creeping velocity of
// 1e-21 is far below their rounding (a Haar start of a leap-4 link at d = 10⁶ froze). Whenever the singular
// vectors of M' of well-separated singular values (ratio > 4) mix coordinate axes by more than 1e-10, the flow
// rotates to M's singular frame (P ← PU, R ← RV), mapping the integrator's state and history, so every
// quantity in the state is a sum of terms of its own size. Rotating is exact up to rounding; a state with an
// exactly zero singular value is never rotated (its rank is invariant and must stay exact). The planted flow
// (invariant only under M → RᵀMR) is integrated in M itself: its creeping speeds (degree s, not 2s) stay far
// above rounding at every d up to 10¹².
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/objective.h"
#include "grassflow/ode.h"

namespace grassflow {

enum class FlowStatus { running, converged, stalled, t_max, diverged };

/// "running", "converged", "stalled", "t_max", "diverged" (the CLI's JSON spelling).
const char* to_string(FlowStatus status);

/// Knobs of a reduced flow; the defaults are the contract.
struct FlowOptions {
  double t_max = 1e30;            ///< stop (status t_max) at this time
  double rtol = 1e-11;            ///< per-step relative error allowed in each entry of M (see ReducedFlow)
  double converged_loss = 1e-10;  ///< converged when L − min L falls below this
  double stall_decrease = 1e-9;   ///< stalled when L − min L fell by less than this fraction over a decade
  double stall_min_loss = 1e-8;   ///< ... while L − min L is above this (objectives with may_stall() only)
  double escape_level = 0.5;      ///< escape k: the k-th largest cos²θ reaches this level (docs/theory.md §6)
  long max_steps = 200000;        ///< a safety net (~1 s of work): reaching it ends the flow as diverged
};

/// Starting points of the flows (docs/theory.md §5; issue 4 item 4).
enum class Start {
  random,     ///< M(0) of a Haar W at dimension d (sample_haar_overlap), seeded
  equator,    ///< M(0) = ε·Q, Q Haar-orthogonal (seeded), ε defaulting to 1/√d
  isotropic,  ///< M(0) = I/√d, the deterministic start of the reference tables (C(0) = I/d)
};

/// Parses "random" | "equator" | "isotropic"; throws InputError("init", ...) naming the choices otherwise.
Start parse_start(const std::string& name);
/// "random", "equator" or "isotropic".
const char* to_string(Start start);

/// M(0) (r×r) for a start at ambient dimension d (a whole number ≥ r, up to ~1e15, given as double). `seed`
/// selects the random stream (random and equator); `eps` ≤ 0 means 1/√d (equator only; it must be ≤ 1).
/// Throws InputError for r < 1, d < r, a fractional d, eps > 1, or d < 2r for an equator (eps < 1) or
/// isotropic (d > 1) start, which such a d cannot realise.
Eigen::MatrixXd initial_overlap(Start start, int r, double d, std::uint64_t seed = 0, double eps = 0.0);

/// One observation of a flow at time t.
struct FlowPoint {
  double t = 0.0;
  double loss = 0.0;        ///< L(M(t))
  Eigen::VectorXd cosines;  ///< principal cosines cos θ_i, descending (length r)
  Eigen::MatrixXd M;        ///< the overlap M(t), r×r
  double distance = 0.0;    ///< Objective::distance_to_optimum(M(t))
};

/// The reduced flow dM/dt = overlap_velocity(geometry, M, ∂L/∂M) (joint: MG(C)(I − C); planted:
/// H − sym(MHᵀ)M; docs/theory.md §5), integrated by DOP853, switching to BDF once stiff (ode.h). Error control: entry
/// (i, j) of M may carry rtol·max(|M_ij|, 1e-3·min(max_k |M_ik|, max_k |M_kj|)) per step (before and after the step),
/// so each quantity is measured against its own size and a start at 1e-300 still moves (docs/theory.md §5);
/// exactly-zero rows stay zero. Crossing t from 1e-3 to 1e30 takes a few hundred to a few thousand steps; a leap-4
/// escape from a cosine of 1e-5 beside a converged direction about 12000 (the blow-up at its end is resolved at rtol).
class ReducedFlow {
 public:
  /// Starts the flow at M(0) = M0 (r×r, r = objective->r(), finite; realisability is the caller's business:
  /// check_realisable_overlap). Throws InputError on a shape mismatch, a non-positive t_max or rtol.
  ReducedFlow(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, FlowOptions options = {});

  /// Takes one accepted step and updates escapes and status. Returns false (and does nothing) once the flow
  /// has finished (status() != running).
  bool step();
  /// Steps until time() ≥ min(t, t_max) or the flow finishes; steps are not cut at t (use state_at).
  FlowStatus advance_to(double t);
  /// Steps until the flow finishes.
  FlowStatus run();

  FlowStatus status() const { return status_; }
  /// Why a flow ended as diverged (empty otherwise).
  const std::string& failure() const { return failure_; }
  /// The time reached (end of the last accepted step).
  double time() const { return times_.back(); }
  /// M at time(), r×r.
  const Eigen::MatrixXd& state() const { return state_; }
  /// L at time().
  double loss() const { return losses_.back(); }

  /// M(t) by dense output (7th order) for 0 ≤ t ≤ time(); exact step-end values at step ends. Throws
  /// InputError for t outside [0, time()].
  Eigen::MatrixXd state_at(double t) const;
  /// Observables at t (same range as state_at).
  FlowPoint observe(double t) const;
  /// Observations at t = 0, at `per_decade` log-spaced times per decade from t_first while below time(), at
  /// every escape time, and at time(); sorted by t.
  std::vector<FlowPoint> trajectory(int per_decade = 10, double t_first = 1e-3) const;

  /// Escape times (r entries; entry k is the first t at which the (k+1)-th largest cos²θ reached
  /// options().escape_level, located on the dense output to ~1e-14 relative; nullopt if not reached yet).
  const std::vector<std::optional<double>>& escape_times() const { return escapes_; }
  /// Per escape (r entries): entry k is true when direction k's cosine was below kRoundingCosine as escape
  /// k − 1 happened, i.e. escape k is limited by floating-point rounding (of the O(1) entries beside it),
  /// not set by the start alone: its time differs between builds (about 1% native vs WebAssembly) and from
  /// exact arithmetic. Example: staircase2 from an equator start at ε = 1e-50 (second escape 289 natively, 292 in
  /// WebAssembly; exact arithmetic would need far more than double precision).
  const std::vector<bool>& rounding_limited() const { return rounding_limited_; }
  /// See rounding_limited(): a cosine below this beside one at the escape level is within ~100x of rounding.
  static constexpr double kRoundingCosine = 1e-14;
  /// Step-end times, starting with 0 (for plotting the raw steps).
  const std::vector<double>& step_times() const { return times_; }
  /// The loss at each step end (same indexing as step_times()).
  const std::vector<double>& step_losses() const { return losses_; }
  long steps() const { return static_cast<long>(times_.size()) - 1; }
  /// Right-hand-side evaluations, including dense outputs.
  long evaluations() const { return integrator_->evaluations(); }

  const Objective& objective() const { return *objective_; }
  const FlowOptions& options() const { return options_; }

 private:
  std::shared_ptr<const Objective> objective_;
  FlowOptions options_;
  int r_;
  Eigen::MatrixXd M0_, state_;
  std::unique_ptr<Integrator> integrator_;
  struct Gauge {
    Eigen::MatrixXd P, R;  // M = P M' Rᵀ
  };
  std::vector<Gauge> gauges_;                // every gauge used so far; the current one is the last
  std::shared_ptr<const Objective> gauged_;  // objective_ rotated by the current gauge's R
  std::vector<StepRecord> segments_;
  std::vector<std::size_t> segment_gauges_;      // the gauge each segment was integrated in
  std::vector<double> times_, losses_, speeds_;  // per step end, index 0 = start
  std::vector<std::optional<double>> escapes_;
  std::vector<bool> rounding_limited_;
  FlowStatus status_ = FlowStatus::running;
  std::string failure_;

  /// M' at time(): the integrator's state.
  Eigen::Map<const Eigen::MatrixXd> gauge_state() const { return {integrator_->y().data(), r_, r_}; }
  /// M'(t) in the gauge of the segment holding t and M(t), from one dense evaluation; range checked.
  void states_at(double t, Eigen::MatrixXd& gauged, Eigen::MatrixXd& M) const;
  /// M' (in the segment's gauge) by dense output.
  Eigen::MatrixXd dense_state(std::size_t segment, double t) const;
  Eigen::MatrixXd ungauged(std::size_t segment, const Eigen::MatrixXd& gauged) const;
  std::size_t segment_at(double t) const;  // the segment whose span holds t (0 < t ≤ time())
  void regauge_if_mixed();
  void record_escapes();
  void update_status();
  void finish(FlowStatus status, std::string why = {});
};

/// The full d-dimensional flow dW/dt = −P_W(W*Eᵀ), E = ∂L/∂M at M = WᵀW*, P_W the tangent projection of the
/// objective's geometry (Grassmann: (I − WWᵀ); Stiefel: embedded metric), integrated by DOP853 in R^{d×r} and
/// put back on St(d, r) by the QR retraction after every step (explicit only: a retraction would restart a
/// multistep history every step, so keep its horizon short of stiff phases). It verifies the reduced flow
/// (docs/theory.md §5: they agree); cost O(d r²) per evaluation, meant for d up to ~10⁴.
class FullFlow {
 public:
  /// W0, Wstar: d×r with orthonormal columns (not checked beyond shapes), r = objective->r(). Error control per
  /// entry: rtol·max(|W_ij|, 1e-3/√d). Throws InputError on shape mismatch or an rtol outside (0, 1).
  FullFlow(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& W0, const Eigen::MatrixXd& Wstar,
           double rtol = 1e-11);

  /// Integrates up to exactly t (the last step is shortened to land on it). Throws InputError if t < time()
  /// and LimitError if the integrator fails (the state stays at the last accepted step).
  void advance_to(double t);

  double time() const { return integrator_->t(); }
  /// W(t), d×r.
  Eigen::MatrixXd frame() const;
  /// M(t) = W(t)ᵀW*.
  Eigen::MatrixXd overlap() const { return frame().transpose() * Wstar_; }
  long steps() const { return steps_; }

 private:
  std::shared_ptr<const Objective> objective_;
  Eigen::MatrixXd Wstar_;
  std::unique_ptr<Integrator> integrator_;
  long steps_ = 0;
};

}  // namespace grassflow
