#include "grassflow/flow.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/progress.h"
#include "grassflow/random.h"

namespace grassflow {

namespace {

using ConstMap = Eigen::Map<const Eigen::MatrixXd>;

// Random streams of the starts (one per kind, so a seed gives unrelated random and equator starts).
constexpr std::uint32_t kRandomStartStream = 0x5354u, kEquatorStartStream = 0x4551u;

// The gauge (flow.h). Singular values further apart than kScaleRatio are different scales; below
// kNegligibleScale·σ_max they are beyond any rotation's rounding. A cluster of small singular values σ_j whose
// singular vectors mix the gauge's axes with those of a larger σ_i by a small angle δ has its velocity computed
// with rounding noise ~u·δ²‖G‖ against its relative speed (a cancellation of rotation terms). δ ≤ kGaugeMixing
// keeps that near 1e-34: creeping relative speeds down to ~1e-30 (an escape at t ~ 1e30, the default t_max)
// stay resolved. Tighter (1e-12) re-gauges so often in long creeps that the BDF history, re-rotated each time,
// loses its order; allowing δ up to 1e-4 while a cluster moved fast let a leap-4 creep at d = 1e10 stall (measured).
constexpr double kScaleRatio = 4, kNegligibleScale = 1e-24, kGaugeMixing = 1e-10;

// dM/dt of the objective, on M stored column-major in a vector (allocation-free in steady state).
Integrator::Rhs velocity_rhs(std::shared_ptr<const Objective> L, int r) {
  return [L = std::move(L), r, M = Eigen::MatrixXd(r, r), V = Eigen::MatrixXd(r, r)](double, const Eigen::VectorXd& y,
                                                                                     Eigen::VectorXd& dydt) mutable {
    M = ConstMap(y.data(), r, r);
    L->velocity(M, V);
    dydt = Eigen::Map<const Eigen::VectorXd>(V.data(), V.size());
  };
}

// Largest entry of |Π − diag(round(diag Π))|, Π the projector onto the span of columns [first, first + count)
// of Q (r×r orthogonal): zero exactly when that span is spanned by coordinate axes, whatever the rotation inside
// it; a rotation by a small angle δ between one of its axes and another gives δ.
double axis_mixing(const Eigen::MatrixXd& Q, Eigen::Index first, Eigen::Index count) {
  const Eigen::MatrixXd Pi = Q.middleCols(first, count) * Q.middleCols(first, count).transpose();
  double worst = 0.0;
  for (Eigen::Index b = 0; b < Pi.cols(); ++b)
    for (Eigen::Index a = 0; a < Pi.rows(); ++a)
      worst = std::max(worst, std::abs(Pi(a, b) - (a == b ? std::round(Pi(a, a)) : 0.0)));
  return worst;
}

}  // namespace

const char* to_string(FlowStatus status) {
  switch (status) {
    case FlowStatus::running:
      return "running";
    case FlowStatus::converged:
      return "converged";
    case FlowStatus::stalled:
      return "stalled";
    case FlowStatus::t_max:
      return "t_max";
    case FlowStatus::diverged:
      return "diverged";
  }
  return "unknown";
}

const char* to_string(Start start) {
  switch (start) {
    case Start::random:
      return "random";
    case Start::equator:
      return "equator";
    case Start::isotropic:
      return "isotropic";
  }
  return "unknown";
}

Start parse_start(const std::string& name) {
  if (name == "random") return Start::random;
  if (name == "equator") return Start::equator;
  if (name == "isotropic") return Start::isotropic;
  throw InputError("init", "unknown start '" + name + "'; choose random, equator or isotropic");
}

Eigen::MatrixXd initial_overlap(Start start, int r, double d, std::uint64_t seed, double eps) {
  if (r < 1) throw InputError("r", "r = " + std::to_string(r) + " must be at least 1");
  if (!(d >= 1.0) || !std::isfinite(d) || d != std::floor(d)) throw InputError("d", "d must be a whole number >= 1");
  if (d < r)
    throw InputError("r", "r = " + std::to_string(r) + " exceeds d = " + std::to_string(static_cast<long long>(d)) +
                              "; choose r <= d");
  Eigen::MatrixXd M;
  switch (start) {
    case Start::random: {
      Rng rng(seed, kRandomStartStream);
      M = sample_haar_overlap(d, r, rng);
      break;
    }
    case Start::equator: {
      if (eps <= 0.0) eps = 1.0 / std::sqrt(d);
      if (!(eps <= 1.0) || !std::isfinite(eps))
        throw InputError("eps", "the equator start's scale must be in (0, 1] (a cosine), got " + std::to_string(eps));
      Rng rng(seed, kEquatorStartStream);
      M = eps * haar_orthogonal(r, rng);
      break;
    }
    case Start::isotropic:
      M = Eigen::MatrixXd::Identity(r, r) / std::sqrt(d);
      break;
  }
  try {
    check_realisable_overlap(M, d);
  } catch (const InputError&) {
    if (start == Start::random) throw;
    // Equator (ε < 1) and isotropic (d > 1) starts have no unit cosine: W and W* then need d >= r + r.
    // Said in the start's own terms rather than the overlap's.
    throw InputError(
        "d", "d = " + std::to_string(static_cast<long long>(d)) + " is too small for the " +
                 (start == Start::isotropic ? "isotropic start M(0) = I/sqrt(d)" : "equator start M(0) = eps Q") +
                 " with r = " + std::to_string(r) + ": W and W* share no direction there, so they need d >= 2r = " +
                 std::to_string(2 * r) + "; use a larger d or the random start");
  }
  return M;
}

// ---------------------------------------------------------------------------------------------------------
// ReducedFlow

ReducedFlow::ReducedFlow(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, FlowOptions options)
    : objective_(std::move(objective)), options_(options) {
  if (!objective_) throw InputError("flow: no objective given");
  r_ = objective_->r();
  if (M0.rows() != r_ || M0.cols() != r_)
    throw InputError("M0", "M(0) must be r×r with r = " + std::to_string(r_) + " (got " + std::to_string(M0.rows()) +
                               "x" + std::to_string(M0.cols()) + ")");
  if (!M0.allFinite()) throw InputError("M0", "M(0) must have finite entries");
  if (!(options_.t_max > 0.0)) throw InputError("t-max", "must be > 0");
  if (!(options_.rtol > 0.0) || !(options_.rtol < 1.0)) throw InputError("flow: rtol must be in (0, 1)");
  M0_ = M0;
  state_ = M0;
  // Each entry against its own size, floored by a thousandth of the largest entry of its row or column (largest
  // entries, not 2-norms: squares of 1e-300 underflow), so entries that pass through zero do not force tiny steps
  // and a start at 1e-300 stays fully relative. In M itself (planted), the floor comes from the smaller of the
  // two, so that a creeping column keeps relative accuracy beside converged rows; in the joint flow's gauge the
  // creeping directions have rows and columns of their own, and an off-diagonal entry, whose rounding is set by
  // the larger of its row and column, is measured against that.
  const bool gauged = objective_->geometry() == Geometry::grassmann;
  auto size = [r = r_, gauged](const Eigen::VectorXd& y0, const Eigen::VectorXd& y1, Eigen::VectorXd& s) {
    const ConstMap A(y0.data(), r, r), B(y1.data(), r, r);
    const Eigen::VectorXd rows = A.cwiseAbs().rowwise().maxCoeff().cwiseMax(B.cwiseAbs().rowwise().maxCoeff());
    const Eigen::VectorXd cols =
        A.cwiseAbs().colwise().maxCoeff().cwiseMax(B.cwiseAbs().colwise().maxCoeff()).transpose();
    for (int j = 0; j < r; ++j)
      for (int i = 0; i < r; ++i) {
        const double floor = gauged ? std::max(rows(i), cols(j)) : std::min(rows(i), cols(j));
        s(i + r * j) = std::max({std::abs(A(i, j)), std::abs(B(i, j)), 1e-3 * floor});
      }
  };
  gauges_.push_back({Eigen::MatrixXd::Identity(r_, r_), Eigen::MatrixXd::Identity(r_, r_)});
  gauged_ = objective_;
  // The joint flow is equivariant under M → QM (Q orthogonal): errors along the left rotations AM (A
  // antisymmetric) move W within its span, not the span, and go uncontrolled (ode.h).
  Integrator::Neutral left_rotations;
  if (gauged)
    left_rotations = [r = r_](const Eigen::VectorXd& y, Eigen::MatrixXd& directions) {
      const ConstMap M(y.data(), r, r);
      directions.setZero(static_cast<Eigen::Index>(r) * r, r * (r - 1) / 2);
      Eigen::Index column = 0;
      for (int a = 0; a < r; ++a)
        for (int b = a + 1; b < r; ++b, ++column) {
          Eigen::Map<Eigen::MatrixXd> AM(directions.col(column).data(), r, r);  // (e_a e_bᵀ − e_b e_aᵀ)M
          AM.row(a) = M.row(b);
          AM.row(b) = -M.row(a);
        }
    };
  IntegratorOptions integration;
  integration.rtol = options_.rtol;
  integration.size = size;
  integration.neutral = std::move(left_rotations);
  integrator_ = std::make_unique<Integrator>(
      velocity_rhs(gauged_, r_), Eigen::Map<const Eigen::VectorXd>(M0.data(), M0.size()), std::move(integration));
  times_.push_back(0.0);
  losses_.push_back(objective_->loss(M0));
  speeds_.push_back(integrator_->dydt().norm());
  escapes_.assign(static_cast<std::size_t>(r_), std::nullopt);
  rounding_limited_.assign(static_cast<std::size_t>(r_), false);
  const Eigen::VectorXd c = principal_cosines(M0);
  for (int k = 0; k < r_; ++k)
    if (c(k) * c(k) >= options_.escape_level) escapes_[static_cast<std::size_t>(k)] = 0.0;
  if (!std::isfinite(losses_[0]) || !integrator_->dydt().allFinite()) {
    finish(FlowStatus::diverged, "the loss or its gradient is not finite at M(0)");
    return;
  }
  if (losses_[0] - objective_->minimum_loss() < options_.converged_loss) {
    finish(FlowStatus::converged);
    return;
  }
  regauge_if_mixed();
}

void ReducedFlow::regauge_if_mixed() {
  if (objective_->geometry() != Geometry::grassmann || r_ == 1) return;
  // Scaled by a power of two (exact) so that a state of size 1e-300 does not underflow inside the SVD.
  const ConstMap X = gauge_state();
  const double largest = X.cwiseAbs().maxCoeff();
  if (!(largest > 0.0)) return;
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(std::ldexp(1.0, -std::ilogb(largest)) * X,
                                              Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();  // descending
  if (!(sigma(r_ - 1) > 0.0)) return;
  // Singular values below kNegligibleScale·σ_max are beyond the rounding of any rotation (a start at
  // ε = 1e-300 after its first escape): they call for no gauge.
  Eigen::Index resolved = r_;
  while (resolved > 1 && sigma(resolved - 1) < kNegligibleScale * sigma(0)) --resolved;
  std::vector<Eigen::Index> starts{0};
  for (Eigen::Index k = 1; k < resolved; ++k)
    if (sigma(k - 1) > kScaleRatio * sigma(k)) starts.push_back(k);
  starts.push_back(resolved);
  if (starts.size() == 2) return;  // one scale: mixing its axes costs no accuracy
  const Eigen::MatrixXd &U = svd.matrixU(), &V = svd.matrixV();
  bool mixed = false;
  for (std::size_t c = 1; c + 1 < starts.size(); ++c) {
    const Eigen::Index first = starts[c], count = starts[c + 1] - first;
    mixed = mixed || std::max(axis_mixing(U, first, count), axis_mixing(V, first, count)) > kGaugeMixing;
  }
  if (!mixed) return;
  // vec(UᵀXV) = A vec(X), A = Vᵀ ⊗ Uᵀ (column-major vec).
  const Eigen::Index n = static_cast<Eigen::Index>(r_) * r_;
  Eigen::MatrixXd A(n, n);
  for (int l = 0; l < r_; ++l)
    for (int k = 0; k < r_; ++k)
      for (int j = 0; j < r_; ++j)
        for (int i = 0; i < r_; ++i) A(i + r_ * j, k + r_ * l) = U(k, i) * V(l, j);
  // One Newton–Schulz step keeps the accumulated frames orthogonal to rounding without flipping any axis.
  auto reorthogonalise = [this](Eigen::MatrixXd Q) -> Eigen::MatrixXd {
    return 0.5 * Q * (3.0 * Eigen::MatrixXd::Identity(r_, r_) - Q.transpose() * Q);
  };
  const Gauge& old = gauges_.back();
  Gauge next{reorthogonalise(old.P * U), reorthogonalise(old.R * V)};
  gauged_ = objective_->rotated(next.R);
  gauges_.push_back(std::move(next));
  integrator_->change_coordinates(A, velocity_rhs(gauged_, r_));
}

Eigen::MatrixXd ReducedFlow::ungauged(std::size_t segment, const Eigen::MatrixXd& gauged) const {
  const Gauge& g = gauges_[segment_gauges_[segment]];
  return g.P * gauged * g.R.transpose();
}

void ReducedFlow::finish(FlowStatus status, std::string why) {
  status_ = status;
  failure_ = std::move(why);
}

bool ReducedFlow::step() {
  if (status_ != FlowStatus::running) return false;
  if (steps() >= options_.max_steps) {
    finish(FlowStatus::diverged, "step limit " + std::to_string(options_.max_steps) + " reached");
    return false;
  }
  const Integrator::Result result = integrator_->step(options_.t_max);
  if (result != Integrator::Result::ok) {
    finish(FlowStatus::diverged, result == Integrator::Result::nonfinite
                                     ? "the state became non-finite (NaN or overflow)"
                                     : "the step size collapsed below the resolution of t");
    return false;
  }
  const Eigen::VectorXd& y = integrator_->y();
  const Eigen::MatrixXd M = ConstMap(y.data(), r_, r_);
  const double L = gauged_->loss(M);
  if (!std::isfinite(L)) {
    finish(FlowStatus::diverged, "the loss became non-finite");
    return false;
  }
  segments_.push_back(integrator_->last_step());
  segment_gauges_.push_back(gauges_.size() - 1);
  state_ = ungauged(segments_.size() - 1, M);
  times_.push_back(integrator_->t());
  losses_.push_back(L);
  speeds_.push_back(integrator_->dydt().norm());
  record_escapes();
  update_status();
  if (status_ == FlowStatus::running) regauge_if_mixed();
  return true;
}

FlowStatus ReducedFlow::advance_to(double t) {
  while (status_ == FlowStatus::running && time() < std::min(t, options_.t_max)) step();
  return status_;
}

FlowStatus ReducedFlow::run() {
  ProgressStage stage("flow integrator steps", 0);
  while (step()) stage.advance();
  return status_;
}

void ReducedFlow::update_status() {
  const double t = time();
  const double excess = losses_.back() - objective_->minimum_loss();
  if (excess < options_.converged_loss) return finish(FlowStatus::converged);
  if (t >= options_.t_max) return finish(FlowStatus::t_max);
  if (!objective_->may_stall() || !(excess > options_.stall_min_loss)) return;
  // The last step end at or before t/10 (never the start: a first tiny step is not a decade).
  const auto it = std::upper_bound(times_.begin(), times_.end(), t / 10.0);
  const auto i = static_cast<std::size_t>(it - times_.begin()) - 1;
  if (i == 0) return;
  const double decrease = losses_[i] - losses_.back();
  // A flow leaving a saddle creeps too, but it speeds up; a stalled one does not.
  if (decrease < options_.stall_decrease * excess && speeds_.back() <= speeds_[i]) finish(FlowStatus::stalled);
}

void ReducedFlow::record_escapes() {
  const Eigen::VectorXd c = principal_cosines(gauge_state());
  const std::size_t seg = segments_.size() - 1;
  const double level = options_.escape_level;
  for (int k = 0; k < r_; ++k) {
    if (escapes_[static_cast<std::size_t>(k)] || c(k) * c(k) < level) continue;
    auto g = [&](double t) {
      const double ck = principal_cosines(dense_state(seg, t))(k);
      return ck * ck - level;
    };
    // Illinois (modified regula falsi) on the step's dense output: g(t0) < 0 ≤ g(t1).
    double a = segments_[seg].t0.hi, b = segments_[seg].t1.hi;
    double fa = g(a), fb = c(k) * c(k) - level;
    if (fa >= 0.0) {
      b = a;  // the dense output already reaches the level at the step's start
    } else {
      for (int iter = 0; iter < 200 && fb != 0.0 && std::abs(b - a) > 4e-16 * std::abs(b); ++iter) {
        double x = b - fb * (b - a) / (fb - fa);
        if (!(x > std::min(a, b) && x < std::max(a, b))) x = 0.5 * (a + b);
        const double fx = g(x);
        if ((fx >= 0.0) != (fb >= 0.0)) {
          a = b;
          fa = fb;
        } else {
          fa *= 0.5;
        }
        b = x;
        fb = fx;
      }
      if (fb < 0.0) b = a;  // report the side where the level is reached
    }
    escapes_[static_cast<std::size_t>(k)] = b;
    if (k + 1 < r_ && !escapes_[static_cast<std::size_t>(k) + 1] && c(k + 1) < kRoundingCosine)
      rounding_limited_[static_cast<std::size_t>(k) + 1] = true;
  }
}

Eigen::MatrixXd ReducedFlow::dense_state(std::size_t segment, double t) const {
  const StepRecord& s = segments_[segment];
  if (t == s.t1.hi) return ConstMap(s.y1.data(), r_, r_);
  const Eigen::VectorXd y = integrator_->dense_output(s)(t);
  return ConstMap(y.data(), r_, r_);
}

Eigen::MatrixXd ReducedFlow::state_at(double t) const {
  Eigen::MatrixXd gauged, M;
  states_at(t, gauged, M);
  return M;
}

void ReducedFlow::states_at(double t, Eigen::MatrixXd& gauged, Eigen::MatrixXd& M) const {
  if (!(t >= 0.0) || t > time())
    throw InputError("flow: t = " + std::to_string(t) + " is outside the integrated range [0, " +
                     std::to_string(time()) + "]");
  if (t == 0.0) {
    gauged = M = M0_;  // the first gauge is the identity
    return;
  }
  const std::size_t segment = segment_at(t);
  gauged = dense_state(segment, t);
  M = ungauged(segment, gauged);
}

std::size_t ReducedFlow::segment_at(double t) const {
  // Segment i spans [times_[i], times_[i + 1]].
  const auto it = std::lower_bound(times_.begin() + 1, times_.end(), t);
  return static_cast<std::size_t>(it - times_.begin()) - 1;
}

FlowPoint ReducedFlow::observe(double t) const {
  FlowPoint p;
  p.t = t;
  // Cosines and distance are gauge-invariant and keep their relative accuracy in the gauge.
  Eigen::MatrixXd gauged;
  states_at(t, gauged, p.M);
  p.loss = objective_->loss(p.M);
  p.cosines = principal_cosines(gauged);
  p.distance = objective_->distance_to_optimum(gauged);
  return p;
}

std::vector<FlowPoint> ReducedFlow::trajectory(int per_decade, double t_first) const {
  if (per_decade < 1 || !(t_first > 0.0)) throw InputError("trajectory: need per_decade >= 1 and t_first > 0");
  std::vector<double> ts{0.0};
  for (int j = 0;; ++j) {
    const double t = t_first * std::pow(10.0, static_cast<double>(j) / per_decade);
    if (t >= time()) break;
    ts.push_back(t);
  }
  for (const auto& e : escapes_)
    if (e) ts.push_back(*e);
  ts.push_back(time());
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  std::vector<FlowPoint> points;
  points.reserve(ts.size());
  for (double t : ts) points.push_back(observe(t));
  return points;
}

// ---------------------------------------------------------------------------------------------------------
// FullFlow

FullFlow::FullFlow(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& W0, const Eigen::MatrixXd& Wstar,
                   double rtol)
    : objective_(std::move(objective)), Wstar_(Wstar) {
  if (!objective_) throw InputError("full flow: no objective given");
  const Eigen::Index d = W0.rows(), r = objective_->r();
  if (W0.cols() != r || Wstar.cols() != r || Wstar.rows() != d || d < r)
    throw InputError("full flow: W0 and W* must both be d×r with r = " + std::to_string(r) + " <= d");
  const std::shared_ptr<const Objective> L = objective_;
  const Eigen::MatrixXd target = Wstar;
  const Geometry geometry = L->geometry();
  auto rhs = [L, target, geometry, d, r](double, const Eigen::VectorXd& y, Eigen::VectorXd& dydt) {
    const ConstMap W(y.data(), d, r);
    const Eigen::MatrixXd E = L->gradient(W.transpose() * target);
    const Eigen::MatrixXd V = -project_tangent(geometry, W, target * E.transpose());
    dydt = Eigen::Map<const Eigen::VectorXd>(V.data(), V.size());
  };
  IntegratorOptions integration;
  integration.rtol = rtol;
  integration.size_floor = 1e-3 / std::sqrt(static_cast<double>(d));  // on the default size max(|W_ij| before, after)
  integration.allow_stiff = false;  // the retraction after every step would restart a multistep history
  integrator_ = std::make_unique<Integrator>(rhs, Eigen::Map<const Eigen::VectorXd>(W0.data(), W0.size()),
                                             std::move(integration));
}

Eigen::MatrixXd FullFlow::frame() const {
  return ConstMap(integrator_->y().data(), Wstar_.rows(), Wstar_.cols());
}

void FullFlow::advance_to(double t) {
  if (t < time()) throw InputError("full flow: cannot integrate backwards to t = " + std::to_string(t));
  while (time() < t) {
    if (integrator_->step(t) != Integrator::Result::ok)
      throw LimitError("full flow: the integrator failed at t = " + std::to_string(time()));
    ++steps_;
    const Eigen::MatrixXd W = orthonormal_factor(frame());  // QR retraction of the accepted step
    integrator_->reset_state(Eigen::Map<const Eigen::VectorXd>(W.data(), W.size()));
  }
}

}  // namespace grassflow
