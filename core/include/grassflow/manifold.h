// Stiefel and Grassmann geometry in the manner of Manopt's manifold factories (Boumal et al., "Manopt",
// JMLR 15, 2014; Edelman–Arias–Smith, SIAM J. Matrix Anal. Appl. 20(2), 1998): tangent projection,
// retractions, principal angles, distances, Haar-random points, and the overlap M = WᵀW* that the reduced
// flows evolve. Conventions (docs/theory.md §1): W, W* ∈ St(d, r) = {W ∈ R^{d×r} : WᵀW = I_r}, M = WᵀW* (r×r),
// C = MᵀM; the singular values of M are the cosines of the principal angles between span W and span W*.
// No function here is used inside a gradient: the SVDs and eigen-decompositions below are for observables,
// sampling and retractions only (docs/theory.md §8).
#pragma once

#include <Eigen/Dense>

#include "grassflow/random.h"

namespace grassflow {

/// The Riemannian metric a flow uses. `stiefel`: St(d, r) with the embedded (Euclidean) metric, the planted
/// objective's manifold (it sees the frame, not only the subspace). `grassmann`: Gr(d, r) represented by
/// orthonormal frames, with horizontal tangent vectors (WᵀΞ = 0), the joint objective's manifold.
enum class Geometry { stiefel, grassmann };

/// Orthogonal projection of an ambient Z (d×r) onto the tangent space at W ∈ St(d, r) (d×r).
/// Stiefel (embedded metric): Z − W sym(WᵀZ), sym(X) = (X + Xᵀ)/2. Grassmann (horizontal space): (I − WWᵀ)Z.
/// Applied to a Euclidean gradient it gives the Riemannian gradient. Throws InputError on shape mismatch.
Eigen::MatrixXd project_tangent(Geometry geometry, const Eigen::MatrixXd& W, const Eigen::MatrixXd& Z);

/// The Q factor of a thin QR decomposition A = QR (A: d×r, d ≥ r) with R's diagonal made non-negative, so the
/// factor is unique for full-rank A and continuous in A (docs/theory.md §8: a raw Householder QR flips column
/// signs, which biases Haar frames and breaks planted results). Returns d×r with orthonormal columns.
Eigen::MatrixXd orthonormal_factor(const Eigen::MatrixXd& A);

/// QR retraction on St(d, r) (Absil–Mahony–Sepulchre, "Optimization Algorithms on Matrix Manifolds", 2008,
/// Ex. 4.1.3): R_W(Ξ) = qf(W + Ξ) with R's diagonal positive. W: d×r orthonormal, Ξ: d×r (tangent at W, or any
/// step: the result is orthonormal either way). retr(W, 0) = W up to rounding; ‖WᵀW − I‖ stays at rounding
/// level over any number of steps. Also a retraction on Gr(d, r) for horizontal Ξ.
Eigen::MatrixXd qr_retraction(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Xi);

/// Polar retraction R_W(Ξ) = (W + Ξ)((W + Ξ)ᵀ(W + Ξ))^{−1/2} (Absil et al. 2008, Ex. 4.1.3; the closest
/// orthonormal frame to W + Ξ in Frobenius norm). Shapes as qr_retraction; requires W + Ξ of full rank r
/// (throws InputError otherwise).
Eigen::MatrixXd polar_retraction(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Xi);

/// Cosines of the principal angles from the overlap M (r×r): the singular values of M clipped to [0, 1],
/// sorted in descending order (length r). docs/theory.md §1.
Eigen::VectorXd principal_cosines(const Eigen::MatrixXd& M);

/// Principal angles θ_1 ≤ … ≤ θ_r ∈ [0, π/2] (radians, ascending) between span W and span W* (both d×r
/// orthonormal), by the atan2 form of Björck–Golub / Knyazev–Argentati (docs/theory.md §8): with M = UΣVᵀ the
/// cosines are σ_i (clipped to [0, 1]) and the sines are the column norms of (W* − W M)V, computed from the
/// residual rather than as √(1 − σ²), so small angles keep full relative accuracy. Sines below the rounding
/// level of the inputs, 16·u·√(d r) (u = 2⁻⁵³), are set to 0: identical subspaces give exactly 0, orthogonal
/// lines π/2, never NaN. Throws InputError on shape mismatch.
Eigen::VectorXd principal_angles(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Wstar);

/// Principal angles from the overlap alone: θ_i = atan2(√((1 − σ_i)(1 + σ_i)), σ_i) with σ_i the clipped
/// singular values of M, ascending. Angles below ~1e-8 lose relative accuracy (the sine is formed from σ);
/// use principal_angles(W, W*) when the frames are available.
Eigen::VectorXd principal_angles_from_overlap(const Eigen::MatrixXd& M);

/// Geodesic distance on Gr(d, r) between span W and span W*: ‖θ‖₂ (Edelman–Arias–Smith 1998, §4.3), radians.
double grassmann_distance(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Wstar);

/// A Haar-distributed (uniform) point of St(d, r): W = qf(G), the QR factor with R's diagonal made positive, of
/// a d×r standard Gaussian matrix G filled row by row from `rng` (docs/theory.md §5: equal in law to the polar form
/// G(GᵀG)^{−1/2}; a raw Householder QR would bias the column signs).
/// Requires 1 ≤ r ≤ d (InputError otherwise). Cost O(d r²).
Eigen::MatrixXd haar_stiefel(int d, int r, Rng& rng);

/// A Haar-distributed orthogonal matrix Q ∈ O(r): haar_stiefel(r, r, rng).
Eigen::MatrixXd haar_orthogonal(int r, Rng& rng);

/// The exact law of M(0) = WᵀW* for a Haar W ∈ St(d, r) and W* = the first r axes, for any d (up to ~1e15)
/// in O(r³) (docs/theory.md §5): G1 (r×r) standard Gaussian, B ~ Wishart_r(d − r, I) by the Bartlett decomposition
/// B = LLᵀ (L lower triangular, L_ii² ~ χ²(d − r − i) for i = 0..r−1, L_ij ~ N(0, 1) below the diagonal) when
/// d − r ≥ r, else B = G2ᵀG2 with G2 the explicit (d − r)×r Gaussian block; then M(0) = (G1ᵀG1 + B)^{−1/2}G1ᵀ.
/// d is the ambient dimension, a whole number given as a double so that 10¹² fits; requires 1 ≤ r ≤ d
/// (InputError otherwise). E[M(0)ᵀM(0)] = (r/d)I; P(M_11 > 0) = ½.
Eigen::MatrixXd sample_haar_overlap(double d, int r, Rng& rng);

/// Checks that an overlap M (r×r) is realisable as WᵀW* with W, W* ∈ St(d, r): every singular value ≤ 1
/// (+1e-12 tolerance), and d ≥ r + rank(I − MᵀM) (rank with tolerance 1e-12), d a whole number ≥ r.
/// Throws InputError naming the violated condition and the fix; returns normally otherwise.
void check_realisable_overlap(const Eigen::MatrixXd& M, double d);

/// A frame W ∈ St(d, r) with WᵀW* = M for W* = the first r axes (d×r): W = [Mᵀ; N] with N ∈ R^{(d−r)×r},
/// NᵀN = I − MMᵀ, N's nonzero rows in the first rank(I − MMᵀ) positions. M is checked by
/// check_realisable_overlap. Singular values within 1e-12 above 1 are clipped to 1.
Eigen::MatrixXd stiefel_with_overlap(const Eigen::MatrixXd& M, int d);

/// The first r axes of R^d as a d×r frame: W* in every experiment of this project.
Eigen::MatrixXd leading_axes(int d, int r);

/// The velocity of the overlap M = WᵀW* under the Riemannian gradient flow dW/dt = −grad L(W) of a loss that
/// depends on W only through M, given the Euclidean gradient E = ∂L/∂M (r×r). Since ∇_W L = W*Eᵀ:
/// Grassmann: dM/dt = −E(I − MᵀM); Stiefel (embedded metric): dM/dt = −(E − sym(MEᵀ)M). docs/theory.md §5 (joint:
/// E = −MG gives MG(I − C); planted: E = −H gives H − sym(MHᵀ)M). Returns r×r.
Eigen::MatrixXd overlap_velocity(Geometry geometry, const Eigen::MatrixXd& M, const Eigen::MatrixXd& E);
/// The same into V (resized only if needed).
void overlap_velocity(Geometry geometry, const Eigen::MatrixXd& M, const Eigen::MatrixXd& E, Eigen::MatrixXd& V);

}  // namespace grassflow
