// The Hermite analysis of a link: its coefficients α_β = E[f*(z) H_β(z)], z ~ N(0, I_r), up to degree K as
// symmetric tensors T_k (docs/theory.md §2), its information exponent and its leaps (docs/theory.md §6).
//
// Coefficients are computed by tensor-product quadrature, cheapest first, accepting the first pair of rules
// that agree (‖α_coarse − α_fine‖₂ and |‖f‖²_coarse − ‖f‖²_fine| within 1e-12·‖f*‖):
//   1. Gauss–Hermite with q = K+1, 2(K+1), 4(K+1) nodes per axis: polynomial links of degree ≤ K are exact
//      at the first pair (degree d at the pair (q, 2q) once q ≥ max(d + K + 1, 2d + 1)/2); smooth links
//      converge geometrically.
//   2. The split rule (half-range Gauss on each side of 0, hermite.h) with K/2+2 and K+4 nodes per half:
//      exact for links that are piecewise polynomial with kinks or jumps on the coordinate hyperplanes
//      (relu(z1), |z1|, sign(z1 z2), sign(z1 z2 z3)).
//   3. r ≤ 2: nested adaptive Gauss–Kronrod (7/15 points, plus a check with the panel ends that sees kinks
//      next to a panel's end; bisection of the worst panel) over [−14, 14] per axis, which finds kinks and
//      jumps anywhere (max(z1, z2), relu(z1 + z2), |z1 − 0.3|, tanh) to an estimated 1e-11·‖f*‖
//      (typically 0.5–1.3 million evaluations in r = 2, at most 2^23; time: bench/README.md, "Hermite analysis").
//      r ≥ 3: the better-converging of rules 1–2 is refined while one rule costs at most 2^22
//      evaluations; the accuracy reached is reported (QuadratureReport).
// Accuracy reached (largest coefficient error against the scipy/numpy fixtures, tests/fixtures/): polynomial
// links, relu, sign, |z1|, sign2, sign3, relu(z1)·z2: ≤ 2e-15 (exact up to rounding; 1e-14 up to K = 20);
// adaptive cases tanh, |z1 − 0.3|, relu(z1 + z2), sign(z1 − z2), max(z1, z2), tanh(z1 + z2): ≤ 5e-13 (their
// error estimates, ≤ 1e-11, are conservative); relu(z1 + z2 + z3), a kink off the coordinate planes in r = 3:
// 2e-6 (estimate 6e-5, reported as not converged).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/link.h"

namespace grassflow {

/// Most link evaluations the first pair of Gauss–Hermite rules may cost: (K+1)^r + (2K+2)^r ≤ 2^24.
/// With the tensor-storage limit below this allows, e.g.: r = 1: K ≤ 99 (node limit 200); r = 2: K ≤ 21;
/// r = 3: K ≤ 13; r = 4: K ≤ 10; r = 5: K ≤ 9; r = 6: K ≤ 6; r = 7: K ≤ 4; r = 8: K ≤ 2.
constexpr std::size_t kMaxHermiteEvaluations = std::size_t{1} << 24;
/// Most doubles the tensors T_0..T_K may hold together: Σ_k r^k ≤ 2^22 (32 MiB).
constexpr std::size_t kMaxHermiteTensorEntries = std::size_t{1} << 22;

/// How the coefficients were integrated and how accurate they are.
struct QuadratureReport {
  std::string rule;             ///< "gauss-hermite", "split-gauss-hermite" or "adaptive-gauss-kronrod"
  int nodes_per_axis = 0;       ///< nodes per axis of the finest tensor rule (0 for the adaptive rule)
  std::size_t evaluations = 0;  ///< link evaluations spent, all rules tried included
  double error_estimate = 0.0;  ///< ‖α_fine − α_coarse‖₂ of the last comparison (an upper estimate)
  bool converged = false;       ///< error_estimate ≤ 1e-12·‖f*‖ (adaptive rule: 1e-11·‖f*‖)
};

/// The largest degree K whose expansion in r variables fits the sizes above (nodes per axis, tensor entries,
/// link evaluations): 99 for r = 1, 21 for r = 2, then 13, 10, 9, 6, 4, 2, 2, 1, 1 for r = 3..11, 0 for
/// r = 12..23 and −1 from r = 24 on (not even K = 0 fits).
/// hermite_expansion(link, K) throws LimitError exactly when K exceeds it. Throws InputError for r < 1.
int max_hermite_degree(int r);

/// The Hermite expansion of `link` up to degree K (call sites use K = 8): tensors T_0..T_K (T_0 = α_0),
/// norm2 = ‖f*‖² = E[f*²] from the finest rule (all degrees, also those above K), truncation_residual =
/// ‖f*‖² − Σ_{|β|≤K} α_β² (set to 0 when below 64ε·‖f*‖²). See the top of this file for the rules and
/// the accuracy reached; `report`, when given, receives the details. docs/theory.md §2.
/// Throws InputError for K < 0 or when the link is not finite at a quadrature node (f* ∉ L²-friendly, e.g.
/// 1/z1, sqrt(z1)) or so large that E[f*²] overflows (1e200·z1); LimitError when K or r exceeds the supported sizes
/// (the message states the cost).
HermiteExpansion hermite_expansion(const Link& link, int K = 8, QuadratureReport* report = nullptr);

/// Every coefficient α_β with |β| ≤ K of `e`, in the order of multiindex.h (by degree, then
/// lexicographic with z1 most significant), zeros included.
std::vector<HermiteCoefficient> hermite_coefficients(const HermiteExpansion& e);

/// Default relative tolerance of `information_exponent` and `leap_sequence`: a Hermite component counts as
/// non-zero when its norm exceeds this fraction of sd(f*), where sd(f*)² = Σ_{k=1..K} ‖f*_k‖² +
/// truncation_residual (= ‖f*‖² − α_0², computed without cancellation). Components are also never counted
/// below the rounding of double coefficients, 1000ε·‖f*‖ (so "3" is constant, not exponent 1).
constexpr double kHermiteZeroTolerance = 1e-8;

/// The tolerance to give `information_exponent` and `leap_sequence` for an expansion computed with `report`:
/// max(kHermiteZeroTolerance, 10·error_estimate/sd(f*)), so that quadrature errors are never read as terms.
double zero_tolerance(const HermiteExpansion& e, const QuadratureReport& report);

/// "" when `report` converged; otherwise the warning that the CLI and the app show: the rule, the accuracy
/// reached, and `tolerance` (from zero_tolerance), below which exponents and leaps ignore components.
std::string quadrature_warning(const QuadratureReport& report, double tolerance);

/// "" unless degrees 1..K of `e` carry no energy (information_exponent(e, tolerance) = 0) while the link is not
/// constant (truncation_residual > 0): then the truncated link is constant, the flows have nothing to learn,
/// and the warning says to raise K.
std::string truncation_warning(const HermiteExpansion& e, double tolerance);

/// Relative quadrature error (error_estimate/‖f*‖) beyond which the coefficients are refused for the losses
/// and the flows: wrong coefficients give wrong losses (even negative joint ones), not a rough picture.
constexpr double kUnusableQuadratureError = 1e-3;

/// Largest E[f*²] the losses and flows accept: their vector field scales as ‖f*‖² (time as 1/‖f*‖²), and
/// products of coefficients overflow beyond about 1e120 (measured: 1e98 runs, 1e160 overflows).
constexpr double kMaxDynamicsNorm2 = 1e100;

/// Throws InputError, naming `link`, when report.error_estimate exceeds kUnusableQuadratureError·‖f*‖
/// (typically E[f*²] = ∞: exp(z1^2/4) is not square-integrable under N(0, I_r), docs/theory.md §2; or a link too
/// rough for the rules), or when E[f*²] > kMaxDynamicsNorm2 (rescale the link). Used before any loss or flow.
void check_usable_for_dynamics(const Link& link, const HermiteExpansion& e, const QuadratureReport& report);

/// The information exponent s = min{k ≥ 1 : ‖f*_k‖ > tolerance·sd(f*)} over the degrees 1..K of `e`
/// (docs/theory.md §6). Returns 0 when no degree 1..K carries energy: the link is constant, or (then
/// truncation_residual > 0) its exponent exceeds K: raise K.
int information_exponent(const HermiteExpansion& e, double tolerance = kHermiteZeroTolerance);

/// The greedy leap sequence of docs/theory.md §6 (basis-free). Start with V = {0}; rotate the tensors T_k to an
/// orthonormal basis Q adapted to V ⊕ V⊥ ((Qᵀ)^{⊗k}T_k by apply_on_every_mode); the next leap ℓ is the
/// smallest degree counted in the V⊥ coordinates only (ℓ ≥ 1) whose part carries energy > (tolerance·sd f*)²;
/// the new directions U are the column space in V⊥ of that part's first-slot unfolding (the range of its
/// first-slot Gram matrix), rank counted by singular values σ with σ² > (tolerance·sd f*)² (σ² is the energy
/// a direction carries); V ← V ⊕ U; repeat until V = R^r or no term has positive V⊥ degree. Only degrees ≤ K
/// of `e` are seen.
struct LeapSequence {
  std::vector<int> leaps;             ///< ℓ_1, ℓ_2, ... (e.g. staircase3: 1, 1, 1; z1 + z1 z2 z3: 1, 2)
  int leap_exponent = 0;              ///< s* = max ℓ_j, 0 when there is no leap (constant link)
  std::vector<int> stage_dimensions;  ///< dim U per leap (parity2: {2}; z1 + z1 z2 z3: {1, 2})
  int learnable_dimension = 0;        ///< dim V at the end; < r when directions are never learned (degenerate)
  /// The joint loss on each plateau: entry j is ½Σ α_β² over the terms with positive degree in V_j⊥ (adapted
  /// basis; docs/theory.md §6), from the equator V_0 = {0} (½Σ_{k≥1}‖f*_k‖²) to the final subspace (0 up to the
  /// tolerance: the directions never learned carry no energy). One more entry than `leaps`. Degrees ≤ K only.
  std::vector<double> plateaus;
};
LeapSequence leap_sequence(const HermiteExpansion& e, double tolerance = kHermiteZeroTolerance);

}  // namespace grassflow
