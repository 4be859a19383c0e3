#include "grassflow/averaging.h"

#include <algorithm>
#include <string>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

void check_overlap_shape(const Eigen::MatrixXd& M, int r, const char* what) {
  if (M.rows() != r || M.cols() != r)
    throw InputError(std::string(what) + ": M must be r×r with r = " + std::to_string(r) + " (got " +
                     std::to_string(M.rows()) + "x" + std::to_string(M.cols()) + ")");
}

void check_same_r(const HermiteExpansion& f, const HermiteExpansion& g, const char* what) {
  if (f.r != g.r) throw InputError(std::string(what) + ": the two links must have the same r");
}

double factorial(int k) {
  double f = 1.0;
  for (int i = 2; i <= k; ++i) f *= i;
  return f;
}

// All multi-indices β ∈ N^r with |β| = k, in lexicographic order.
template <class Visit>
void for_each_multi_index(int r, int k, std::vector<int>& beta, int slot, const Visit& visit) {
  if (slot == r - 1) {
    beta[static_cast<std::size_t>(slot)] = k;
    visit(beta);
    return;
  }
  for (int b = k; b >= 0; --b) {
    beta[static_cast<std::size_t>(slot)] = b;
    for_each_multi_index(r, k - b, beta, slot + 1, visit);
  }
}

}  // namespace

HermiteExpansion averaged_expansion(const HermiteExpansion& f, const Eigen::MatrixXd& M) {
  check_overlap_shape(M, f.r, "averaged_expansion");
  HermiteExpansion out = f;
  for (SymTensor& T : out.tensors) T = apply_on_every_mode(M, T);
  out.norm2 = 0.0;
  for (double e : out.degree_energy()) out.norm2 += e;
  out.truncation_residual = 0.0;
  return out;
}

double averaged_inner(const HermiteExpansion& f, const HermiteExpansion& g, const Eigen::MatrixXd& M) {
  check_same_r(f, g, "averaged_inner");
  check_overlap_shape(M, f.r, "averaged_inner");
  const std::size_t K = std::min(f.tensors.size(), g.tensors.size());
  double s = 0.0;
  for (std::size_t k = 0; k < K; ++k)
    s += factorial(static_cast<int>(k)) * inner(apply_on_every_mode(M, f.tensors[k]), g.tensors[k]);
  return s;
}

double averaged_norm2(const HermiteExpansion& f, const Eigen::MatrixXd& M) {
  check_overlap_shape(M, f.r, "averaged_norm2");
  const Eigen::MatrixXd C = M.transpose() * M;
  double s = 0.0;
  for (std::size_t k = 0; k < f.tensors.size(); ++k)
    s += factorial(static_cast<int>(k)) * inner(f.tensors[k], apply_on_every_mode(C, f.tensors[k]));
  return s;
}

double averaged_inner_mehler(const HermiteExpansion& f, const HermiteExpansion& g, const Eigen::MatrixXd& M) {
  check_same_r(f, g, "averaged_inner_mehler");
  check_overlap_shape(M, f.r, "averaged_inner_mehler");
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(M, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& lambda = svd.singularValues();
  // f∘V(z) = f(Vz) = f((Vᵀ)ᵀz) has tensors (Vᵀ)^{⊗k}T_k (docs/theory.md §2, rotation).
  const Eigen::MatrixXd Vt = svd.matrixV().transpose(), Ut = svd.matrixU().transpose();
  const std::size_t K = std::min(f.tensors.size(), g.tensors.size());
  double s = 0.0;
  std::vector<int> beta(static_cast<std::size_t>(f.r));
  for (std::size_t k = 0; k < K; ++k) {
    const SymTensor Tf = apply_on_every_mode(Vt, f.tensors[k]);
    const SymTensor Tg = apply_on_every_mode(Ut, g.tensors[k]);
    for_each_multi_index(f.r, static_cast<int>(k), beta, 0, [&](const std::vector<int>& b) {
      double weight = 1.0;
      for (int i = 0; i < f.r; ++i)
        for (int p = 0; p < b[static_cast<std::size_t>(i)]; ++p) weight *= lambda(i);
      s += weight * coefficient_from_tensor(Tf, b) * coefficient_from_tensor(Tg, b);
    });
  }
  return s;
}

}  // namespace grassflow
