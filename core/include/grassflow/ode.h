// The adaptive integrator behind the flows. It starts with the explicit Dormand–Prince 8(5,3) pair "DOP853"
// (Hairer, Nørsett, Wanner, "Solving Ordinary Differential Equations I", 2nd ed., §II.5, §II.10; coefficients
// of Hairer's Fortran DOP853 as transcribed in scipy.integrate's dop853_coefficients.py) with its 7th-order
// dense output (§II.6), and watches for stiffness with Hairer's test (h·|λ| > 6.1 on 15 accepted steps;
// Hairer & Wanner, "Solving Ordinary Differential Equations II", 2nd ed., §IV.2). Once stiff, it continues with
// the variable-order (1–5) backward differentiation formulas in their NDF form with a quasi-constant step
// (Hairer & Wanner II §III.1, §IV.5 for BDF; Shampine–Reichelt, "The MATLAB ODE Suite", SIAM J. Sci. Comput.
// 18(1), 1997 for the NDFs; a port of scipy.integrate's BDF), and returns to DOP853 when explicit steps of the
// same size would be stable again (h·ρ < 2 on 10 steps, ρ the scaled Jacobian norm) or Newton keeps failing
// with a fresh Jacobian, like LSODA's switching. The flows need both: order 8 makes the reference escape times
// come out to 1e-8 relative in a few hundred steps, and once a direction has converged (relaxation rate O(1))
// while another still creeps for 10¹³ time units, only an implicit method can take steps that long.
//
// Error control is relative to each component's own size, given by the caller (docs/theory.md §5: cosines may
// start at 1e-6 or 1e-300; an absolute tolerance above them would freeze the start), and errors along the
// problem's symmetry directions are not controlled (docs/theory.md §8). Time is carried as an unevaluated
// double-double sum, so steps far below the resolution of t (an escape at t ≈ 4e22 that takes 1e3 time
// units) still advance the state. Every threshold of the method is a field of IntegratorOptions; its defaults
// are the ones the flows' reference numbers were computed with.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

namespace grassflow {

/// A time value hi + lo carried in two doubles (|lo| ≤ ulp(hi)/2, about 106 significant bits): the sum of all
/// steps, so that a step far below ulp(t) (h/t < 1e-16, as in an escape at t ≈ 4e22 lasting 1e3) still
/// advances t instead of being lost to rounding (docs/theory.md §8). Each addition rounds at ~2^-106·|t|.
struct Time {
  double hi = 0.0, lo = 0.0;
  /// Adds a step h (any sign) by Knuth's two-sum, then renormalises; the only rounding is that of lo.
  void add(double h);
  /// (this − other) rounded to a double.
  double minus(const Time& other) const { return (hi - other.hi) + (lo - other.lo); }
  /// (t − this) for a plain double t.
  double from(double t) const { return (t - hi) - lo; }
};

/// The continuous extension of one accepted step, y(t) for t in [t0, t1]: DOP853's 7th-order interpolant
/// (Hairer, Nørsett & Wanner I §II.6; the coefficients of Hairer's DOP853 code) or the BDF interpolating
/// polynomial of the current order through the step's history (the dense output of Shampine–Reichelt's NDF
/// code, as in scipy's bdf.py). Its error is of the order of the step's tolerance.
struct DenseStep {
  enum class Kind { dop853, bdf } kind = Kind::dop853;
  Time t0, t1;
  double h = 0.0;  ///< t1 − t0 (DOP853) or the BDF step size after the step's update
  Eigen::VectorXd y0;
  std::array<Eigen::VectorXd, 7> F;  ///< DOP853: Hairer's interpolation coefficients
  Eigen::MatrixXd D;                 ///< BDF: backward differences D_0..D_order (columns)

  /// y(t), n entries. t is a plain double in [t0, t1], measured against the double-double ends, so at large t
  /// only the doubles representable inside the step can be asked for. DOP853's interpolant reproduces y0 and
  /// y1 at the ends to rounding. Outside [t0, t1] it extrapolates, with no accuracy promised; nothing is thrown.
  Eigen::VectorXd operator()(double t) const;
};

/// One accepted step. DOP853 steps keep their 13 stage derivatives so the dense output can be built when
/// first asked for (3 extra evaluations); BDF steps carry their dense output from the start.
struct StepRecord {
  Time t0, t1;
  Eigen::VectorXd y0, y1;
  Eigen::MatrixXd K;                         ///< DOP853 only: n × 13 stage derivatives, the last f(t1, y1)
  mutable std::shared_ptr<DenseStep> dense;  ///< built lazily for DOP853 steps
  std::shared_ptr<const std::function<void(double, const Eigen::VectorXd&, Eigen::VectorXd&)>>
      rhs;  ///< the right-hand side the step was taken with (the dense output's extra stages need it)
};

/// Every knob of the Integrator, with the defaults the flows run with (changing a default changes the numbers
/// the CLI prints). Ratios ("factors") are dimensionless; "h·|λ|" and "h·ρ" are a step size times a rate, also
/// dimensionless. The Integrator constructor checks the ranges stated here and throws InputError otherwise.
struct IntegratorOptions {
  /// Fills `size` (already sized n; entries ≥ 0, in the units of y) with the size each component is measured
  /// against in a step from y_old to y_new: the step is accepted when the RMS of error_i / (rtol·size_i) is
  /// ≤ 1, so a zero size admits only a zero error (docs/theory.md §5: each quantity against its own size).
  /// The sizes also set the finite-difference increments of the BDF Jacobian (jacobian_increment·size_i).
  using Size = std::function<void(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new, Eigen::VectorXd& size)>;
  /// Fills `directions` (n × m, any m ≥ 0) with tangent vectors at y of a symmetry of the problem (moving y
  /// along them changes no quantity of interest, e.g. the left rotations M → QM of the joint flow): integration
  /// errors along them are not controlled, since rounding noise of f along a neutral direction is integrated
  /// without damping and over steps of 10²³ would otherwise stall both methods (docs/theory.md §8). Only the
  /// starting-step estimate still sees velocities along them (it measures all of f).
  using Neutral = std::function<void(const Eigen::VectorXd& y, Eigen::MatrixXd& directions)>;

  // Error control.
  /// Relative error allowed per step in each component, measured against its size; in (0, 1). Default 1e-11,
  /// the flows' (FlowOptions::rtol).
  double rtol = 1e-11;
  /// The per-component sizes (see Size). Empty (the default): size_i = max(|y_old_i|, |y_new_i|), purely
  /// relative.
  Size size;
  /// A lower bound on every size_i, in the units of y: an absolute tolerance of rtol·size_floor, for components
  /// that pass through zero. ≥ 0; default 0 (none: the flows' sizes carry their own floors).
  double size_floor = 0.0;
  /// The symmetry directions exempt from error control (see Neutral). Empty (the default): none.
  Neutral neutral;

  // Step-size control (Hairer, Nørsett & Wanner I §II.4; the BDF's as in scipy's bdf.py).
  /// Factor on the optimal step predicted from the error estimate; in (0, 1]. Default 0.9. BDF steps use
  /// safety·(2N + 1)/(2N + iterations), N = newton_max_iterations, fewer Newton iterations allowing more.
  double safety = 0.9;
  /// Smallest factor a step may shrink by after an error-test failure; in (0, 1). Default 0.2.
  double min_factor = 0.2;
  /// Largest factor a step may grow by after an accepted step; ≥ 1. Default 10.
  double max_factor = 10.0;
  /// step() gives up (Result::step_too_small or nonfinite) after more than this many rejections in a row;
  /// ≥ 0. Default 60: even at the mildest shrinking, the step has by then collapsed far below any useful size.
  int max_rejections = 60;

  // Stiffness: DOP853 → BDF (Hairer's test, Hairer & Wanner II §IV.2).
  /// Switch to BDF when stiffness is allowed (default true); false keeps DOP853 throughout (the full flow,
  /// whose retraction after every step would restart a multistep history).
  bool allow_stiff = true;
  /// A DOP853 step counts as stiff when its estimate of h·|λ| (λ the dominant eigenvalue of the Jacobian)
  /// exceeds this; > 0. Default 6.1, the value of Hairer's DOP853 code.
  double stiff_h_lambda = 6.1;
  /// Stiff steps (not necessarily consecutive) after which DOP853 hands over to BDF; ≥ 1. Default 15.
  int stiff_steps = 15;
  /// Consecutive non-stiff steps that reset the stiff count to zero; ≥ 1. Default 6.
  int nonstiff_reset = 6;

  // BDF → DOP853 (after LSODA's switching).
  /// A BDF step counts as non-stiff when h·ρ is below this (ρ the max row sum of |J| in the components' own
  /// scales: an explicit step of that size would be stable); ≥ 0. Default 2.
  double nonstiff_h_rho = 2.0;
  /// Consecutive non-stiff BDF steps after which BDF hands back to DOP853; ≥ 1. Default 10.
  int nonstiff_steps = 10;
  /// Net Newton failures with a fresh Jacobian (each accepted step forgives one) after which BDF hands back to
  /// DOP853, a fast nonlinear phase rather than stiffness; ≥ 1. Default 4.
  int newton_trouble_limit = 4;
  /// ... but only while h·ρ is below this (explicit steps at most this many times shorter); otherwise the
  /// failures are rounding noise amplified by a very long step and BDF retries shorter; ≥ 0. Default 100.
  double handback_h_rho = 100.0;

  // BDF (the NDFs of Shampine–Reichelt 1997 as in scipy's bdf.py; Hairer & Wanner II Ch. V).
  /// Highest order used; 1 to 5. Default 5, the highest NDF order of Shampine–Reichelt (beyond it the BDFs'
  /// stability angle is too small to be useful on stiff problems).
  int max_order = 5;
  /// Simplified-Newton iterations per attempt before the Jacobian is refreshed or the step shrunk; ≥ 1.
  /// Default 4.
  int newton_max_iterations = 4;
  /// A Newton correction below this, in units of the tolerance (RMS of dy_i/(rtol·size_i)), has converged;
  /// > 0. Default 0.01.
  double newton_small = 0.01;
  /// A correction that stopped contracting is still accepted as converged below this (units as
  /// newton_small): with long steps, corrections bottom out at the rounding noise of h·f; ≥ newton_small.
  /// Default 0.3.
  double newton_noise = 0.3;
  /// Cap on the Newton convergence tolerance max(10u/rtol, min(newton_tolerance_cap, √rtol)) (units as
  /// newton_small, u the unit roundoff); > 0. Default 0.03, scipy's.
  double newton_tolerance_cap = 0.03;
  /// Factor a BDF step shrinks by when Newton fails even with a fresh Jacobian; in (0, 1). Default 0.5.
  double newton_failure_factor = 0.5;
  /// Central-difference increment of the BDF Jacobian, relative to each component's size; > 0. Default u^{1/3}
  /// (≈ 6e-6), which balances truncation and rounding of central differences: with steps of 1e12 the Newton
  /// iteration multiplies Jacobian errors by h/α, so forward differences (√u) are not accurate enough.
  double jacobian_increment = std::cbrt(std::numeric_limits<double>::epsilon());
};

/// Integrates dy/dt = f(t, y) from t = 0, one accepted step at a time (DOP853, then BDF once stiff: the
/// comment at the top of this file). t and step sizes are in the problem's time unit, y and f in the caller's
/// units (f per unit time). Not thread-safe: one integrator per thread. Exceptions thrown by the right-hand
/// side or the options' callbacks propagate unchanged (a BDF history may then be half updated: do not step on).
class Integrator {
 public:
  /// dy/dt = rhs(t, y) written into `dydt` (already sized n). The flows are autonomous and ignore t.
  using Rhs = std::function<void(double t, const Eigen::VectorXd& y, Eigen::VectorXd& dydt)>;
  using Size = IntegratorOptions::Size;
  using Neutral = IntegratorOptions::Neutral;

  enum class Result {
    ok,              ///< one step accepted
    step_too_small,  ///< the step collapsed (more than max_rejections in a row), or t_bound ≤ time()
    nonfinite,       ///< the right-hand side or the state is not finite even for the smallest steps tried
  };
  enum class Method { dop853, bdf };

  /// Starts at t = 0, y = y0 (n entries, n ≥ 1), evaluating f(0, y0) and choosing the first step by Hairer's
  /// estimate (Hairer, Nørsett & Wanner I §II.4). Throws InputError if `rhs` is empty, y0 is empty or an
  /// option is outside its stated range (the message names the field).
  Integrator(Rhs rhs, Eigen::VectorXd y0, IntegratorOptions options = {});

  /// Takes one accepted step, never beyond t_bound (the step is shortened to land on it, exactly up to the
  /// double-double rounding of time()). A t_bound at or before time() gives Result::step_too_small.
  Result step(double t_bound);

  /// The current time (double-double) and its rounded value.
  const Time& time() const { return t_; }
  double t() const { return t_.hi; }
  /// The state at time(), n entries.
  const Eigen::VectorXd& y() const { return y_; }
  /// f(t, y) at the current point.
  const Eigen::VectorXd& dydt() const { return f_; }
  /// The last accepted step (valid after a successful step()).
  const StepRecord& last_step() const { return last_; }
  /// The continuous extension of a step recorded by this integrator (last_step() or a copy of it), built and
  /// cached in the record on first use: a DOP853 step costs 3 evaluations of the right-hand side the step was
  /// taken with (counted in evaluations()), so it stays valid after change_coordinates.
  const DenseStep& dense_output(const StepRecord& step);
  /// Replaces the state at the current time by y (n entries; e.g. after a retraction onto a manifold) and
  /// re-evaluates f; a BDF history restarts at order 1. Throws InputError if y has the wrong size.
  void reset_state(const Eigen::VectorXd& y);
  /// Continues in the coordinates y' = A y (A orthogonal n×n) with the right-hand side `rhs`, which must be
  /// the old one seen in the new coordinates (rhs(A y) = A·f(y)): the state, the BDF history (order and step
  /// size kept) and Jacobian (J' = AJAᵀ) are mapped, f is re-evaluated. Recorded steps keep the old
  /// coordinates and right-hand side. Used by the reduced flow to change its gauge mid-flight (flow.h). With
  /// sizes that are invariant under A (e.g. all equal) the continuation is the unchanged run mapped by A, to
  /// rounding; per-component sizes make it differ at the level of the tolerance. Throws InputError if A is not
  /// n×n or rhs is empty; orthogonality is the caller's business (not checked).
  void change_coordinates(const Eigen::MatrixXd& A, Rhs rhs);

  /// The method the next step will use.
  Method method() const { return method_; }
  /// The options in force; `size` holds the default size function if none was given.
  const IntegratorOptions& options() const { return options_; }
  /// Right-hand-side evaluations so far (including dense outputs and Jacobians).
  long evaluations() const { return evaluations_; }

 private:
  std::shared_ptr<const Rhs> rhs_;
  IntegratorOptions options_;
  Eigen::MatrixXd neutral_basis_;   // orthonormal, in the scaled coordinates v_i/(rtol·size_i)
  mutable Eigen::VectorXd scaled_;  // work vector of controlled_squared_norm
  Method method_ = Method::dop853;
  Time t_;
  Eigen::VectorXd y_, f_;
  double h_abs_;
  long evaluations_ = 0;
  StepRecord last_;
  Eigen::VectorXd work_y_, work_f_, size_;
  // DOP853
  Eigen::MatrixXd K_;
  int stiff_count_ = 0, nonstiff_count_ = 0;
  // BDF
  int order_ = 1, equal_steps_ = 0;
  Eigen::MatrixXd D_, J_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
  bool lu_valid_ = false, jacobian_current_ = false;
  int newton_trouble_ = 0;

  void eval(double t, const Eigen::VectorXd& y, Eigen::VectorXd& f);
  double initial_step();
  double scaled_rms(const Eigen::VectorXd& v) const;                            // RMS of v_i / (rtol·size_i)
  void set_sizes(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new);   // size_, floored
  void set_scales(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new);  // size_ and the neutral basis
  // ‖v‖² in the scaled coordinates without its neutral part (infinite if v_i ≠ 0 where size_i = 0), and its RMS.
  double controlled_squared_norm(const Eigen::VectorXd& v) const;
  double controlled_rms(const Eigen::VectorXd& v) const;
  Result step_dop853(double t_bound);
  Result step_bdf(double t_bound);
  void start_bdf();
  void start_dop853(double h);
  void jacobian();
  double scaled_jacobian_norm() const;  // ρ = max row sum of |J| in the components' own scales
  void change_differences(double factor);
};

}  // namespace grassflow
