// The averaging operator A_M g(z) := E[g(z*) | z] = E_ξ g(Mᵀz + (I − MᵀM)^{1/2}ξ), ξ ~ N(0, I_r), the
// conditional expectation that makes the ambient dimension d disappear: E_x[f(z*)g(z)] = ⟨A_M f, g⟩ in
// L²(N(0, I_r)). docs/theory.md §3 (M = WᵀW*, r×r, singular values ≤ 1). Two routes: the tensor form (A_M maps
// degree k to degree k, T_k ↦ M^{⊗k}T_k), used by the objectives, and the Mehler form through the SVD of M,
// an independent route for the tests. Inner products include the degree-0 term α_0(f)α_0(g).
#pragma once

#include <Eigen/Dense>

#include "grassflow/expansion.h"

namespace grassflow {

/// The expansion of A_M f: tensors M^{⊗k}T_k for k = 0..K (docs/theory.md §3). M is r×r with r = f.r; norm2 is set
/// to ‖A_M f‖² over the truncated degrees and the truncation residual to 0 (the averaged tail is not known).
/// Throws InputError if M is not r×r.
HermiteExpansion averaged_expansion(const HermiteExpansion& f, const Eigen::MatrixXd& M);

/// ⟨A_M f, g⟩ = Σ_{k≤K} k!⟨M^{⊗k}T_k(f), T_k(g)⟩ (tensor route; K = the smaller of the two degrees).
/// f and g must have the same r and M be r×r (InputError otherwise).
double averaged_inner(const HermiteExpansion& f, const HermiteExpansion& g, const Eigen::MatrixXd& M);

/// ‖A_M f‖² = Σ_k k!⟨T_k, (MᵀM)^{⊗k}T_k⟩ ≤ ‖f‖² (tensor route, docs/theory.md §3).
double averaged_norm2(const HermiteExpansion& f, const Eigen::MatrixXd& M);

/// ⟨A_M f, g⟩ by Mehler's formula: with M = UΛVᵀ (SVD), ⟨A_M f, g⟩ = Σ_β λ^β α_β(f∘V) α_β(g∘U), one scalar
/// Ornstein–Uhlenbeck factor per principal angle (docs/theory.md §3), where f∘V(z) = f(Vz). Coefficients are
/// read one multi-index at a time from the rotated tensors. The SVD makes this a route for checking, not for
/// gradients. Same shapes and errors as averaged_inner.
double averaged_inner_mehler(const HermiteExpansion& f, const HermiteExpansion& g, const Eigen::MatrixXd& M);

}  // namespace grassflow
