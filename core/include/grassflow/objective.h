// The two population objectives of docs/theory.md §4 as functions of the overlap M = WᵀW* (r×r), behind one small
// interface: a flow asks for the loss, the Euclidean gradient ∂L/∂M and the geometry (Stiefel or Grassmann)
// and never learns which objective it integrates. Values and gradients come from the tensor forms, polynomial
// in M: no SVD or eigen-decomposition in any gradient (docs/theory.md §8). Degree 0 (α_0) never enters a loss; the
// truncation residual of the expansion is never mixed into a loss.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/manifold.h"

namespace grassflow {

/// The two objectives of docs/theory.md §4: joint (the link refitted infinitely fast; a function of span W, on
/// the Grassmannian) and planted (the link known; a function of the frame W, on the Stiefel manifold).
enum class ObjectiveKind { joint, planted };

/// "joint" or "planted" (the CLI's, the URL's and the JSON's spelling).
const char* to_string(ObjectiveKind kind);
/// Reads "joint" or "planted"; throws InputError("objective", ...) naming the choices otherwise.
ObjectiveKind parse_objective_kind(const std::string& name);

/// A population loss L(M) of the overlap M = WᵀW* (r×r, singular values ≤ 1) for a learner W ∈ St(d, r).
class Objective {
 public:
  virtual ~Objective() = default;

  /// Which objective this is.
  virtual ObjectiveKind kind() const = 0;
  /// The name outputs show: to_string(kind()) ("joint" or "planted") unless a test objective overrides it.
  virtual const char* name() const { return to_string(kind()); }
  /// The manifold and metric of the gradient flow: grassmann (joint, depends on span W only) or stiefel
  /// (planted, depends on the frame).
  virtual Geometry geometry() const = 0;
  /// True when the landscape may have spurious critical points where a flow stalls (planted); false when the
  /// flow provably converges from every non-degenerate start (joint, docs/theory.md §4).
  virtual bool may_stall() const = 0;

  /// Loss and Euclidean gradient in one pass (they share the tensor contractions). M must be r×r
  /// (InputError otherwise).
  virtual void evaluate(const Eigen::MatrixXd& M, double& loss, Eigen::MatrixXd& gradient) const = 0;
  /// L(M) (by evaluate unless overridden).
  virtual double loss(const Eigen::MatrixXd& M) const;
  /// The Euclidean gradient ∂L/∂M (r×r): −MG(C) for joint, −H(M) for planted (docs/theory.md §5).
  virtual Eigen::MatrixXd gradient(const Eigen::MatrixXd& M) const;
  /// inf_M L(M), attained at M = I (the pole; W = W*): 0, or ½Σ_k(1 − w_k)‖f*_k‖² for ridge-weighted joint.
  virtual double minimum_loss() const = 0;
  /// Distance from the current point to the optimum W = W*, computed from M: joint, the Grassmann geodesic
  /// distance ‖θ‖₂ (radians, θ = principal angles); planted, the frame distance ‖W − W*‖_F = √(2r − 2 tr M).
  virtual double distance_to_optimum(const Eigen::MatrixXd& M) const = 0;

  /// The same problem posed for the target frame W*R (R orthogonal r×r) and the link f*∘R (tensors
  /// T_k ← (Rᵀ)^{⊗k}T_k; a planted learner's link is f*∘R as well). A learner frame W' there is the frame W'Rᵀ
  /// here, so its overlap M' = W'ᵀW*R has L_R(M') = L(RM'Rᵀ); for the joint objective, invariant under
  /// M → QM, also L_R(M') = L(PM'Rᵀ) for every orthogonal P. The reduced flow integrates in such coordinates
  /// (ReducedFlow's gauge). Degrees the objective neglects (energy below 1e-28 of the total) are dropped from
  /// the rotated link. Cost O(K r^{K+1}) over the active degrees K. Throws InputError if R is not r×r.
  virtual std::shared_ptr<const Objective> rotated(const Eigen::MatrixXd& R) const = 0;

  /// dM/dt of the Riemannian gradient flow dW/dt = −grad L: overlap_velocity(geometry(), M, gradient(M)).
  Eigen::MatrixXd velocity(const Eigen::MatrixXd& M) const;
  /// The same into V (no allocation in steady state: the flows' right-hand side).
  void velocity(const Eigen::MatrixXd& M, Eigen::MatrixXd& V) const;

  int r() const { return link_.r; }
  /// The link's expansion (T_0..T_K) this objective was built from.
  const HermiteExpansion& expansion() const { return link_; }

 protected:
  explicit Objective(HermiteExpansion link);
  void check_shape(const Eigen::MatrixXd& M) const;
  /// The link with T_k ← (Rᵀ)^{⊗k}T_k for every active degree and the negligible degrees left empty (see
  /// rotated()).
  HermiteExpansion rotated_link(const Eigen::MatrixXd& R) const;

  HermiteExpansion link_;
  std::vector<int> active_degrees_;  // k ≥ 1 with ‖f*_k‖² > 1e-28‖f*‖²: the only degrees worth contracting
  std::vector<double> energy_;       // ‖f*_k‖² = k!‖T_k‖², index k
  std::vector<double> k_factorial_;  // k!, index k
};

/// The joint (two-timescale) objective, the paper's main object (docs/theory.md §4): the link is refitted
/// infinitely fast, leaving L_J(M) = ½Σ_{k≥1}(‖f*_k‖² − w_kΦ_k(C)), C = MᵀM, Φ_k(C) = k!⟨T_k, C^{⊗k}T_k⟩.
/// With all w_k = 1 this is the plain joint loss; w_k = c_k/(c_k + λ) gives the population limit of ridge
/// regression in a Hermite RKHS (docs/theory.md §7). Gradient ∂L_J/∂M = −MG(C), G = Σ_k w_k·k·k!·B_k(C),
/// B_k(C)[a,b] = ⟨T_k[a,·], C^{⊗(k−1)}T_k[b,·]⟩. Grassmann geometry; never stalls.
class JointObjective final : public Objective {
 public:
  /// `degree_weights`: empty (all 1) or K + 1 finite values w_k ≥ 0, index k (w_0 unused). Throws InputError
  /// otherwise.
  explicit JointObjective(HermiteExpansion link, std::vector<double> degree_weights = {});

  ObjectiveKind kind() const override { return ObjectiveKind::joint; }
  Geometry geometry() const override { return Geometry::grassmann; }
  bool may_stall() const override { return false; }
  void evaluate(const Eigen::MatrixXd& M, double& loss, Eigen::MatrixXd& gradient) const override;
  double minimum_loss() const override;
  std::shared_ptr<const Objective> rotated(const Eigen::MatrixXd& R) const override;
  double distance_to_optimum(const Eigen::MatrixXd& M) const override;

  /// Φ_k(C) for k = 0..K (index k; entry 0 is 0), unweighted. C symmetric r×r.
  std::vector<double> phi_by_degree(const Eigen::MatrixXd& C) const;
  /// G(C) = ∇_C Σ_k w_kΦ_k (r×r symmetric PSD for PSD C).
  Eigen::MatrixXd phi_gradient(const Eigen::MatrixXd& C) const;
  /// w_k, index k.
  const std::vector<double>& degree_weights() const { return weights_; }

 private:
  std::vector<double> weights_;
};

/// The planted objective (docs/theory.md §4): the link is known and fixed, L_P(M) = Σ_{k≥1}(‖f*_k‖² −
/// k!⟨T_k, M^{⊗k}T_k⟩), depending on signed overlaps. Gradient ∂L_P/∂M = −H(M),
/// H[a,b] = Σ_k k·k!⟨T_k[a,·], M^{⊗(k−1)}T_k[b,·]⟩ (first slot fixed; docs/theory.md §5). Stiefel geometry; its
/// landscape has spurious critical points (traps), so flows on it may stall.
class PlantedObjective final : public Objective {
 public:
  explicit PlantedObjective(HermiteExpansion link);

  ObjectiveKind kind() const override { return ObjectiveKind::planted; }
  Geometry geometry() const override { return Geometry::stiefel; }
  bool may_stall() const override { return true; }
  void evaluate(const Eigen::MatrixXd& M, double& loss, Eigen::MatrixXd& gradient) const override;
  double minimum_loss() const override { return 0.0; }
  std::shared_ptr<const Objective> rotated(const Eigen::MatrixXd& R) const override;
  double distance_to_optimum(const Eigen::MatrixXd& M) const override;
};

/// The objective `kind` for a link's expansion (docs/theory.md §4). `degree_weights` applies to joint only
/// (must be empty for planted: InputError otherwise).
std::shared_ptr<const Objective> make_objective(ObjectiveKind kind, HermiteExpansion link,
                                                std::vector<double> degree_weights = {});
/// L(M) and ∂L/∂M for an overlap M a user gave (the CLI's `loss --M`, Python's grassflow.loss): M must be r×r for
/// the link's r, finite, and realisable as WᵀW* at some d (singular values ≤ 1; manifold.h's
/// check_realisable_overlap), else InputError("M", ...) naming the problem and the fix. docs/theory.md §3.
void evaluate_given_overlap(const Objective& objective, int r, const Eigen::MatrixXd& M, double& loss,
                            Eigen::MatrixXd& gradient);

/// make_objective(parse_objective_kind(name), ...): throws InputError("objective", ...) for an unknown name.
std::shared_ptr<const Objective> make_objective(const std::string& name, HermiteExpansion link,
                                                std::vector<double> degree_weights = {});

}  // namespace grassflow
