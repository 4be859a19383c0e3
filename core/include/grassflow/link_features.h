// The features φ(z) of the link fit in finite-sample training (docs/theory.md §7), z = Wᵀx ∈ R^r, and the gradient
// ∇f̂(z) of a fitted link f̂ = a·φ. Every variant approximates (or is) an isotropic Hermite kernel
// k(z, z') = Σ_k c_k Σ_{|β|=k} H_β(z)H_β(z'), i.e. φ(z)·φ(z') ≈ k(z, z'):
//   "hermite"            φ_β = H_β(z), |β| ≤ K (c_k = 1 up to degree K): plain ridge on Hermite features.
//   "hermite-kernel:q"   φ_β = q^{|β|/2} H_β(z), |β| ≤ K (c_k = q^k, q > 0), in the graded order of multiindex.h.
//   "relu:M"             √2·relu(θ_j·z), θ_j uniform on the sphere, j < M, plus a constant (ridge features; not
//                        degree-diagonal).
//   "mehler:M[:q]"       Mehler random features, exact in expectation for the Mehler (Ornstein–Uhlenbeck) kernel
//                        k_q(z, z') = Σ_k q^k Σ_{|β|=k} H_β(z)H_β(z') (c_k = q^k, all degrees, 0 < q < 1,
//                        default q = ½): with s = √q, the semigroup property k_q(z, z') = E_u[k_s(z, u) k_s(u, z')]
//                        over u ~ N(0, I_r) (orthonormality of the H_β), and Mehler's formula
//                        k_s(z, u) = N(u; s z, (1 − s²)I_r) / φ_r(u), give ψ_j(z) = k_s(z, u_j)/√M with u_j ~ N(0, I_r)
//                        drawn from the seed; E[ψ(z)·ψ(z')] = k_q(z, z') exactly. ∇_z k_s(z, u) = k_s(z, u)·s(u − s
//                        z)/(1 − s²).
// Random features (relu, mehler) are drawn from Rng(seed, 4): the same seed gives the same features everywhere.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace grassflow {

/// The Mehler kernel k_q(z, z') = Σ_k q^k Σ_{|β|=k} H_β(z)H_β(z') in closed form (Mehler's formula, coordinate
/// by coordinate): Π_c (1 − q²)^{−1/2} exp((2q z_c z'_c − q²(z_c² + z'_c²)) / (2(1 − q²))). z and z' have r
/// entries; 0 ≤ q < 1 (InputError otherwise). Source: docs/theory.md §7; Mehler's formula for the orthonormal h_k.
double mehler_kernel(const double* z, const double* z2, int r, double q);

/// A feature map φ: R^r → R^p for the link fit, parsed from the --features value.
class LinkFeatures {
 public:
  /// `spec` as listed above; `degree` K is used by the Hermite variants (1 ≤ K ≤ 12, and at most 2000 features);
  /// `seed` draws the random features. Throws InputError naming --features or --degree (with an example of a
  /// valid value) on a malformed spec or a bad K, LimitError when the Hermite features exceed 2000.
  LinkFeatures(const std::string& spec, int r, int degree, std::uint64_t seed);

  /// p, the number of features.
  int size() const { return p_; }
  int rank() const { return r_; }

  /// Phi (rows×p): row i = φ(z_i) for the points z (row-major rows×r).
  void evaluate(const double* z, std::size_t rows, Eigen::MatrixXd& Phi) const;

  /// The p×r matrix B of the linear part of ∇f̂ for f̂ = a·φ (a has p entries): ∇f̂(z) = Bᵀψ(z) + (correction
  /// below), with ψ = φ for Hermite and Mehler features and ψ = 1[φ > 0] for relu, so no per-sample Jacobian is
  /// formed. Hermite: ∂_c H_β = √β_c H_{β−e_c} (docs/theory.md §7).
  Eigen::MatrixXd gradient_coefficients(const Eigen::VectorXd& a) const;

  /// The fitted values f = Phi·a (rows entries) for features Phi (rows×p) and coefficients a (p entries).
  Eigen::VectorXd values(const Eigen::MatrixXd& Phi, const Eigen::VectorXd& a) const;

  /// ∇f̂(z_i) (rows×r) at the points z (row-major rows×r) whose features are the rows of Phi, given B =
  /// gradient_coefficients(a) and the fitted values f = Phi·a (rows entries). Mehler: Phi·B − s²/(1 − s²)·f_i z_i.
  Eigen::MatrixXd gradients(const double* z, const Eigen::MatrixXd& Phi, const Eigen::VectorXd& fitted,
                            const Eigen::MatrixXd& B) const;

 private:
  enum class Kind { hermite, relu, mehler };
  // β_j lowered in coordinate c: feature `from` contributes to B[to, c] with this factor.
  struct Lowering {
    int from, to, c;
    double factor;
  };
  Kind kind_ = Kind::hermite;
  int r_ = 1, p_ = 0, degree_ = 0;
  std::vector<int> betas_;  // p×r, row j = β_j
  std::vector<double> scale_;
  std::vector<Lowering> lowerings_;
  Eigen::MatrixXd theta_;    // relu: r×M directions; mehler: r×M points u_j
  Eigen::RowVectorXd bias_;  // mehler: log of the z-independent factor of ψ_j
  double s_ = 0.0;           // mehler: √q
};

}  // namespace grassflow
