// Baselines a statistician would fit for the same index space span W* (docs/theory.md §7, (7.7)–(7.9)):
// sufficient dimension reduction by inverse regression, fitted on the same samples as the trainer and scored
// with the same subspace error sin θ_max. All three standardise the inputs with the sample mean μ̂ and
// covariance Σ̂ (z = Σ̂^{−1/2}(x − μ̂)), build a d×d kernel matrix M in z coordinates, take its top r
// eigenvectors η and map them back: the estimate is span Σ̂^{−1/2}η.
//   SIR  (Li, JASA 1991):            M = Σ_h p_h m_h m_hᵀ, m_h = E[z | slice h]: first moments. It sees nothing
//                                     when E[z | y] = 0, as for even links (z1², z1z2): those need SAVE or pHd.
//   SAVE (Cook & Weisberg, JASA 1991): M = Σ_h p_h (I − Cov[z | slice h])²: second moments.
//   pHd  (Li, JASA 1992, y-based):   M = E[(y − ȳ) z zᵀ], eigenvectors ranked by |eigenvalue|: the average
//                                     Hessian; blind to directions entering f* only linearly or at degree ≥ 3.
// Expectations are sample averages (1/n, 1/n_h: no Bessel correction); p_h = n_h/n. Slices: the samples sorted
// by y (ties by index) cut into H groups of ⌊n/H⌋ or ⌈n/H⌉ (slice h holds ranks ⌊hn/H⌋ .. ⌊(h+1)n/H⌋ − 1).
//
// How it is computed (the definitions above are what counts; this is the route). One pass over the rows in
// slice order accumulates, in float64 and in blocks of rows, each slice's sum and second moment Σ x xᵀ
// (symmetric rank-k updates, about a provisional centre: the mean of the first 1024 rows) and pHd's y-weighted
// second moment; Σ̂ is the sum of the slices' moments. The whitening is the Cholesky factor Σ̂ = LLᵀ,
// z = L⁻¹(x − μ̂): it differs from Σ̂^{−1/2} by a rotation, which leaves M's eigenvalues and the mapped-back span
// L⁻ᵀη = Σ̂^{−1/2}η' unchanged. Only the r wanted eigenpairs are computed: for SAVE and pHd a tridiagonal
// reduction, then MRRR on an index range (both ends of the spectrum for pHd); SIR's M = GGᵀ has rank ≤ H, and
// its eigenpairs come from the thin SVD of the d×H factor G. SAVE's M = L⁻¹[Σ_h p_h E_hᵀE_h]L⁻ᵀ with
// E_h = L⁻¹(Σ̂ − C_h), C_h the slice's covariance. Natively the products and factorisations run in OpenBLAS and
// LAPACK on all cores by default (docs/toolchain.md); the WebAssembly build does the same in plain Eigen on one
// thread. Costs O(n d² + H d³) time (the pass 2nd² flops, nd² without pHd; SAVE 2Hd³ more; each tridiagonal
// reduction 4d³/3) and (H + 4) d² doubles of memory with SAVE, 4 d² without.
#pragma once

#include <Eigen/Dense>
#include <exception>
#include <string>

#include "grassflow/sampling.h"

namespace grassflow {

/// An estimate of the index space: `basis` (d×r) has orthonormal columns spanning it; `eigenvalues` (r) are
/// the kernel matrix's top r eigenvalues in the order the method ranks them (descending, or by descending |λ|
/// for pHd): the ones whose eigenvectors chose the basis. (Fit with r = d for the whole spectrum.)
struct SubspaceEstimate {
  Eigen::MatrixXd basis;
  Eigen::VectorXd eigenvalues;
};

/// Settings of fit_baselines.
struct BaselineOptions {
  int slices = 10;  ///< H, the number of slices of SIR and SAVE (≥ 2, and n ≥ 2H)
  int threads = 0;  ///< threads of the BLAS products and factorisations; 0 = all cores (ignored in WebAssembly)
  std::size_t memory_cap = kSampleMemoryCap;  ///< bytes the d×d matrices may take together
  bool sir = true, save = true, phd = true;   ///< which estimates to fit (the pass skips what none needs)
};

/// One method's outcome: the estimate, or the error that prevented it (an InputError or LimitError, errors.h).
struct BaselineResult {
  SubspaceEstimate estimate;  ///< empty when `error` is set
  std::exception_ptr error;   ///< null on success

  bool ok() const { return !error; }
  /// The estimate; rethrows `error` when there is one.
  const SubspaceEstimate& value() const;
};

/// SIR, SAVE and pHd of one fit; a method not requested carries an InputError saying so.
struct BaselineFits {
  BaselineResult sir, save, phd;
};

/// SIR, SAVE and pHd from one pass over the rows of `data` (n samples of dimension d), each with r directions.
/// Each method's errors go into its own result, its message starting with the method's name ("SIR: ..."):
/// InputError with key "r" when r is not in [1, d]; "n" when n ≤ d (Σ̂ needs n > d); "slices" (SIR and
/// SAVE) when slices < 2 or n < 2·slices; "data" when Σ̂ is singular (its reciprocal condition number, the
/// 1-norm estimate of LAPACK's dpocon or Eigen's LLT::rcond, below 1e-12: constant or collinear columns);
/// LimitError with key "d" when the d×d matrices of the requested methods would exceed `memory_cap` bytes.
/// Throws InputError (key "threads") only for threads < 0. Results do not depend on `threads` beyond rounding.
BaselineFits fit_baselines(const Dataset& data, int r, const BaselineOptions& options = {});

/// Sliced inverse regression with `slices` slices (fit_baselines with SIR alone; its errors are thrown).
SubspaceEstimate sliced_inverse_regression(const Dataset& data, int r, int slices = 10,
                                           std::size_t memory_cap = kSampleMemoryCap);

/// Sliced average variance estimation with `slices` slices. Same errors as sliced_inverse_regression.
SubspaceEstimate sliced_average_variance(const Dataset& data, int r, int slices = 10,
                                         std::size_t memory_cap = kSampleMemoryCap);

/// Principal Hessian directions (y-based). Same errors (without the slice conditions).
SubspaceEstimate principal_hessian_directions(const Dataset& data, int r, std::size_t memory_cap = kSampleMemoryCap);

}  // namespace grassflow
