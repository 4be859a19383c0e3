// Symmetric coefficient tensors T_k of a link's Hermite expansion and the multilinear maps that act on them.
// docs/theory.md §2 (tensor form f*_k(z) = <T_k, He^{(k)}(z)>) and §3 (A_M acts as M^{⊗k} on T_k).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

namespace grassflow {

/// A k-tensor over R^r, stored densely in row-major order: entry (i_1, ..., i_k), each i_j in [0, r), sits at
/// flat index Σ_j i_j r^{k-j}. k = 0 is a scalar (one entry). Coefficient tensors of links are symmetric;
/// the packed form of a symmetric tensor is the list of Hermite coefficients α_β, |β| = k (see
/// `tensor_from_coefficients`), and the dense form is what the contractions need. Cost r^k doubles:
/// r ≤ 4, k ≤ 10 stays under 8 MiB.
struct SymTensor {
  int r = 1;
  int k = 0;
  std::vector<double> data{0.0};

  SymTensor() = default;
  /// The zero tensor of order k over R^r. Requires r ≥ 1, k ≥ 0.
  SymTensor(int r, int k);

  std::size_t size() const { return data.size(); }
  double& operator[](std::size_t flat) { return data[flat]; }
  double operator[](std::size_t flat) const { return data[flat]; }

  /// The multiplicity vector β(i) ∈ N^r of the index tuple at `flat` (β_j = how many i's equal j).
  std::vector<int> multiplicities(std::size_t flat) const;
  /// True when every entry is exactly zero.
  bool is_zero() const;
};

/// Frobenius inner product Σ_i S[i] T[i]. Requires equal r and k.
double inner(const SymTensor& S, const SymTensor& T);

/// (A^{⊗k} T)[i_1..i_k] = Σ_j A_{i_1 j_1} ⋯ A_{i_k j_k} T[j_1..j_k]: A (r×r) applied on every mode, by k
/// successive mode products, O(k r^{k+1}). docs/theory.md §2 (rotation) and §3 (A_M on tensors: M^{⊗k} T_k).
SymTensor apply_on_every_mode(const Eigen::MatrixXd& A, const SymTensor& T);

/// B[a, b] = <T[a, ·..·], A^{⊗(k-1)} T[b, ·..·]>: the first slot of each copy of T kept, every other slot
/// contracted through A (r×r). With A = C symmetric this is B_k(C) of the joint gradient; with A = M it is
/// the planted gradient's term (docs/theory.md §5: the first slot fixed, not the transpose). For k = 1 it is
/// T Tᵀ; for k = 0 it is undefined (returns the 0×0 matrix). Returns r×r.
Eigen::MatrixXd first_slot_contraction(const SymTensor& T, const Eigen::MatrixXd& A);
/// The same into B (resized to r×r only if needed): no allocation in steady state, for the flows' inner loop.
void first_slot_contraction(const SymTensor& T, const Eigen::MatrixXd& A, Eigen::MatrixXd& B);

/// The symmetric tensor T_k from Hermite coefficients: T_k[i] = α_{β(i)} √(β(i)!) / k! (docs/theory.md §2).
/// `alpha(beta)` returns α_β for a multi-index β ∈ N^r with |β| = k.
template <class AlphaOfBeta>
SymTensor tensor_from_coefficients(int r, int k, AlphaOfBeta&& alpha);

/// α_β = (k!/√(β!)) T_k[i] for any i with β(i) = β (docs/theory.md §2). β must have r entries summing to k.
double coefficient_from_tensor(const SymTensor& T, const std::vector<int>& beta);

/// √(β!) / k! for |β| = k: the factor between α_β and the tensor entries.
double tensor_entry_factor(const std::vector<int>& beta);

template <class AlphaOfBeta>
SymTensor tensor_from_coefficients(int r, int k, AlphaOfBeta&& alpha) {
  SymTensor T(r, k);
  for (std::size_t i = 0; i < T.size(); ++i) {
    const std::vector<int> beta = T.multiplicities(i);
    T[i] = alpha(beta) * tensor_entry_factor(beta);
  }
  return T;
}

}  // namespace grassflow
