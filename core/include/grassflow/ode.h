// The adaptive integrator behind the flows. It starts with the explicit Dormand–Prince 8(5,3) pair "DOP853"
// (Hairer, Nørsett, Wanner, "Solving Ordinary Differential Equations I", 2nd ed., §II.5, §II.10; coefficients
// of Hairer's Fortran DOP853 as transcribed in scipy.integrate's dop853_coefficients.py) with its 7th-order
// dense output, and watches for stiffness with Hairer's test (h·|λ| > 6.1 on 15 accepted steps). Once stiff,
// it continues with the variable-order (1–5) backward differentiation formulas in their NDF form with a
// quasi-constant step (Shampine–Reichelt, "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18(1), 1997; a port of
// scipy.integrate's BDF), and returns to DOP853 when explicit steps of the same size would be stable again
// (h·ρ < 2 on 10 steps, ρ the scaled Jacobian norm) or Newton keeps failing with a fresh Jacobian, like
// LSODA's switching. The flows need both: order 8 makes the reference escape times
// come out to 1e-8 relative in a few hundred steps, and once a direction has converged (relaxation rate O(1))
// while another still creeps for 10¹³ time units, only an implicit method can take steps that long.
//
// Error control is relative to each component's own size, given by the caller (docs/theory.md §5: cosines may
// start at 1e-6 or 1e-300; an absolute tolerance above them would freeze the start). Time is carried as an
// unevaluated double-double sum, so steps far below the resolution of t (an escape at t ≈ 4e22 that takes
// 1e3 time units) still advance the state.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <functional>
#include <memory>

namespace grassflow {

/// A time value hi + lo carried in two doubles (|lo| ≤ ulp(hi)/2): the double-double sum of all steps.
struct Time {
  double hi = 0.0, lo = 0.0;
  /// Adds a step exactly (Knuth's two-sum), then renormalises.
  void add(double h);
  /// (this − other) rounded to a double.
  double minus(const Time& other) const { return (hi - other.hi) + (lo - other.lo); }
  /// (t − this) for a plain double t.
  double from(double t) const { return (t - hi) - lo; }
};

/// The continuous extension of one accepted step, y(t) for t in [t0, t1]: DOP853's 7th-order interpolant or
/// the BDF interpolating polynomial of the current order.
struct DenseStep {
  enum class Kind { dop853, bdf } kind = Kind::dop853;
  Time t0, t1;
  double h = 0.0;  ///< t1 − t0 (DOP853) or the BDF step size after the step's update
  Eigen::VectorXd y0;
  std::array<Eigen::VectorXd, 7> F;  ///< DOP853: Hairer's interpolation coefficients
  Eigen::MatrixXd D;                 ///< BDF: backward differences D_0..D_order (columns)

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

class Integrator {
 public:
  /// dy/dt = rhs(t, y) written into `dydt` (already sized n). The flows are autonomous and ignore t.
  using Rhs = std::function<void(double t, const Eigen::VectorXd& y, Eigen::VectorXd& dydt)>;
  /// Fills `size` (entries ≥ 0) with the size each component is measured against in a step from y_old to
  /// y_new: the step is accepted when the RMS of error_i / (rtol·size_i) is ≤ 1 (a zero size admits only a
  /// zero error). Also sets the finite-difference increments of the BDF Jacobian (√u·size_i).
  using Size = std::function<void(const Eigen::VectorXd& y_old, const Eigen::VectorXd& y_new, Eigen::VectorXd& size)>;

  /// Fills `directions` (n × m, any m ≥ 0) with tangent vectors at y of a symmetry of the problem (moving y
  /// along them changes no quantity of interest, e.g. the left rotations M → QM of the joint flow): integration
  /// errors along them are not controlled, since rounding noise of f along a neutral direction is integrated
  /// without damping and over steps of 10²³ would otherwise stall both methods.
  using Neutral = std::function<void(const Eigen::VectorXd& y, Eigen::MatrixXd& directions)>;

  enum class Result {
    ok,              ///< one step accepted
    step_too_small,  ///< the step size collapsed (60 rejections in a row): singular or non-integrable here
    nonfinite,       ///< the right-hand side or the state is not finite even for the smallest steps tried
  };
  enum class Method { dop853, bdf };

  /// Starts at t = 0, y = y0. rtol in (0, 1). `allow_stiff` = false keeps DOP853 throughout. `neutral`
  /// (optional): the symmetry directions exempt from error control.
  Integrator(Rhs rhs, Size size, double rtol, Eigen::VectorXd y0, bool allow_stiff = true, Neutral neutral = {});

  /// Takes one accepted step, never beyond t_bound (the step is shortened to land on it).
  Result step(double t_bound);

  /// The current time (double-double) and its rounded value.
  const Time& time() const { return t_; }
  double t() const { return t_.hi; }
  const Eigen::VectorXd& y() const { return y_; }
  /// f(t, y) at the current point.
  const Eigen::VectorXd& dydt() const { return f_; }
  /// The last accepted step (valid after a successful step()).
  const StepRecord& last_step() const { return last_; }
  /// The continuous extension of a recorded step (built and cached in the record on first use).
  const DenseStep& dense_output(const StepRecord& step);
  /// Replaces the state at the current time (e.g. after a retraction onto a manifold) and re-evaluates f;
  /// a BDF history restarts at order 1.
  void reset_state(const Eigen::VectorXd& y);
  /// Continues in the coordinates y' = A y (A orthogonal n×n) with the right-hand side `rhs`, which must be
  /// the old one seen in the new coordinates (rhs(A y) = A·f(y)): the state, the BDF history (order and step
  /// size kept) and Jacobian (J' = AJAᵀ) are mapped, f is re-evaluated. Recorded steps keep the old
  /// coordinates and right-hand side. Used by the reduced flow to change its gauge mid-flight.
  void change_coordinates(const Eigen::MatrixXd& A, Rhs rhs);

  Method method() const { return method_; }
  /// Right-hand-side evaluations so far (including dense outputs and Jacobians).
  long evaluations() const { return evaluations_; }

 private:
  std::shared_ptr<const Rhs> rhs_;
  Size size_fn_;
  Neutral neutral_;
  Eigen::MatrixXd neutral_basis_;   // orthonormal, in the scaled coordinates v_i/(rtol·size_i)
  mutable Eigen::VectorXd scaled_;  // work vector of controlled_squared_norm
  double rtol_;
  bool allow_stiff_;
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
