// Probabilists' Hermite polynomials and the Gaussian quadrature rules built on them (docs/theory.md §2).
// Conventions: He_k monic (He_0 = 1, He_1 = x, He_{k+1} = x He_k − k He_{k−1}); h_k = He_k/√(k!) orthonormal
// under N(0, 1); h_k' = √k h_{k−1}. Every rule here integrates against a probability weight, so its weights
// sum to 1 (a scipy release got the normalisation of the Gaussian weight wrong: docs/theory.md §8).
#pragma once

#include <vector>

namespace grassflow {

/// The largest k accepted by `hermite_h` and friends: the normalised recurrence is stable to k = 1000.
constexpr int kMaxHermiteDegree = 1000;
/// The largest k accepted by `hermite_He`: raw monic values overflow double near k ≈ 150–300 for moderate x.
constexpr int kMaxMonicHermiteDegree = 150;

/// h_k(x) = He_k(x)/√(k!) by the normalised recurrence h_{k+1} = (x h_k − √k h_{k−1})/√(k+1) (docs/theory.md §2).
/// 0 ≤ k ≤ 1000. No overflow and no NaN for |x| ≤ 40 (|h_k(x)| ≤ e^{x²/4} there, Cramér's bound); beyond
/// |x| ≈ 53 values exceed double and become inf. Throws std::invalid_argument if k is out of range.
double hermite_h(int k, double x);

/// h_0(x) .. h_K(x) into out[0..K] (K + 1 doubles), same recurrence and range as `hermite_h`.
void hermite_h_all(int K, double x, double* out);

/// h_k'(x) = √k h_{k−1}(x) (0 for k = 0). Same range as `hermite_h`.
double hermite_h_derivative(int k, double x);

/// He_k(x), the monic probabilists' Hermite polynomial, by its three-term recurrence. 0 ≤ k ≤ 150 (raw
/// values grow like √(k!)); use `hermite_h` for larger k. Throws std::invalid_argument out of range.
double hermite_He(int k, double x);

/// A one-dimensional quadrature rule Σ_i w_i g(x_i) ≈ ∫ g dμ for a probability measure μ. Nodes ascend.
struct QuadratureRule {
  std::vector<double> nodes;
  std::vector<double> weights;
  int size() const { return static_cast<int>(nodes.size()); }
};

/// The largest q accepted by `gauss_hermite`: Golub–Welsch is reliable to ~200 nodes (docs/theory.md §8).
constexpr int kMaxGaussHermiteNodes = 200;
/// The largest q accepted by `half_range_gauss_hermite` (and per half by `split_gauss_hermite`).
constexpr int kMaxHalfRangeNodes = 100;

/// q-node Gauss–Hermite rule for the standard normal weight e^{−x²/2}/√(2π) by Golub–Welsch (the symmetric
/// tridiagonal Jacobi matrix with off-diagonal √k, Eigen's eigensolver), nodes polished by Newton on h_q and
/// weights from the Christoffel function w_i = 1/Σ_{k<q} h_k(x_i)² (full relative accuracy even for the
/// tiny outer weights). Weights positive, the rule symmetric (x_i = −x_{q−1−i}, equal weights, an exact 0
/// for odd q), Σw = 1, exact for polynomials of degree ≤ 2q − 1. 1 ≤ q ≤ 200: throws std::invalid_argument
/// for q < 1 and LimitError above 200. Reference: Golub & Welsch, Math. Comp. 23 (1969).
QuadratureRule gauss_hermite(int q);

/// q-node Gauss rule on [0, ∞) for the half-normal weight 2e^{−x²/2}/√(2π) (a probability measure): exact
/// for polynomials of degree ≤ 2q − 1 on the half-line. The recurrence coefficients come from the discretised
/// Stieltjes procedure (Lanczos with reorthogonalisation on a composite Gauss–Legendre discretisation, Gautschi,
/// "Orthogonal Polynomials: Computation and Approximation" §2.2), then Golub–Welsch; moments are reproduced
/// to ~1e-14 relative. 1 ≤ q ≤ 100 (std::invalid_argument below, LimitError above).
QuadratureRule half_range_gauss_hermite(int q);

/// The standard normal weight split at 0: the half-range rule on each side, 2q nodes, each half weighted ½.
/// Exact for functions that are polynomials of degree ≤ 2q − 1 on each of (−∞, 0] and [0, ∞), so links whose
/// kinks or jumps sit on the coordinate hyperplanes (relu(z1), |z1|, sign(z1 z2)) get exact Hermite
/// coefficients. Symmetric, Σw = 1. Range of q as in `half_range_gauss_hermite`.
QuadratureRule split_gauss_hermite(int q);

}  // namespace grassflow
