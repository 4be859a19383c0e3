// Baselines a statistician would fit for the same index space span W* (docs/theory.md §7): sufficient dimension
// reduction by inverse regression, fitted on the same samples as the trainer and scored with the same
// subspace error sin θ_max. All three standardise the inputs with the sample mean μ̂ and covariance Σ̂
// (z = Σ̂^{−1/2}(x − μ̂)), build a d×d kernel matrix M in z coordinates, take its top r eigenvectors η and map
// them back: the estimate is span Σ̂^{−1/2}η.
//   SIR  (Li, JASA 1991):            M = Σ_h p_h m_h m_hᵀ, m_h = E[z | slice h]: first moments. It sees nothing
//                                     when E[z | y] = 0, as for even links (z1², z1z2): those need SAVE or pHd.
//   SAVE (Cook & Weisberg, JASA 1991): M = Σ_h p_h (I − Cov[z | slice h])²: second moments.
//   pHd  (Li, JASA 1992, y-based):   M = E[(y − ȳ) z zᵀ], eigenvectors ranked by |eigenvalue|: the average
//                                     Hessian; blind to directions entering f* only linearly or at degree ≥ 3.
// Slices: the samples sorted by y (ties by index) cut into H groups of ⌊n/H⌋ or ⌈n/H⌉ (slice h holds ranks
// ⌊hn/H⌋ .. ⌊(h+1)n/H⌋ − 1). Costs O(n d² + H d³) time and O(d²) memory.
#pragma once

#include <Eigen/Dense>
#include <string>

#include "grassflow/sampling.h"

namespace grassflow {

/// An estimate of the index space: `basis` (d×r) has orthonormal columns spanning it; `eigenvalues` are the
/// kernel matrix's d eigenvalues in the order the method ranks them (descending, or by descending |λ| for pHd),
/// the first r of which chose the basis.
struct SubspaceEstimate {
  Eigen::MatrixXd basis;
  Eigen::VectorXd eigenvalues;
};

/// Sliced inverse regression with `slices` slices. Throws InputError when r is not in [1, d], slices < 2 or
/// n < 2·slices, n ≤ d, or Σ̂ is singular (relative eigenvalue < 1e-12); LimitError when the d×d matrices
/// would exceed `memory_cap` bytes.
SubspaceEstimate sliced_inverse_regression(const Dataset& data, int r, int slices = 10,
                                           std::size_t memory_cap = kSampleMemoryCap);

/// Sliced average variance estimation with `slices` slices. Same errors as sliced_inverse_regression.
SubspaceEstimate sliced_average_variance(const Dataset& data, int r, int slices = 10,
                                         std::size_t memory_cap = kSampleMemoryCap);

/// Principal Hessian directions (y-based). Same errors (without the slice conditions).
SubspaceEstimate principal_hessian_directions(const Dataset& data, int r, std::size_t memory_cap = kSampleMemoryCap);

}  // namespace grassflow
