// The Hermite expansion of a link f*: R^r → R truncated at degree K, in tensor form. This is the one object
// the dynamics consume (objectives, flows, time scales). docs/theory.md §2: f* = Σ_k <T_k, He^{(k)}(z)>,
// α_β = (k!/√(β!)) T_k[i], ‖f*_k‖² = k! ‖T_k‖²_F.
#pragma once

#include <utility>
#include <vector>

#include "grassflow/tensor.h"

namespace grassflow {

/// One Hermite coefficient α_β = E[f*(z) H_β(z)], z ~ N(0, I_r), H_β = Π_i h_{β_i}(z_i) (orthonormal).
struct HermiteCoefficient {
  std::vector<int> beta;  ///< multi-index, r entries
  double value = 0.0;     ///< α_β
};

/// A link's expansion up to degree K (1 ≤ r, 0 ≤ K). tensors[k] is T_k (order k over R^r) for k = 0..K;
/// tensors[0] holds α_0, which never enters a loss (docs/theory.md §4).
struct HermiteExpansion {
  int r = 1;
  int degree = 0;                    ///< K, the truncation degree
  std::vector<SymTensor> tensors;    ///< T_0..T_K
  double norm2 = 0.0;                ///< ‖f*‖² = E[f*(z)²] over all degrees (not only ≤ K)
  double truncation_residual = 0.0;  ///< ‖f*‖² − Σ_{|β|≤K} α_β² (≥ 0 up to quadrature error)

  /// ‖f*_k‖² = k! ‖T_k‖²_F for k = 0..K.
  std::vector<double> degree_energy() const;
  /// Σ_{k=1..K} ‖f*_k‖²: the variance of the truncated link (the joint loss at the equator is half of it).
  double truncated_variance() const;

  /// Builds the expansion from a list of coefficients (β not listed are 0). Every β must have r entries and
  /// |β| ≤ K. norm2 is set to Σ α_β² and the residual to 0: the right values for a polynomial link.
  /// Throws std::invalid_argument on a malformed β.
  static HermiteExpansion from_coefficients(int r, int K, const std::vector<HermiteCoefficient>& coefficients);
};

}  // namespace grassflow
