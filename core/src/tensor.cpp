#include "grassflow/tensor.h"

#include <cmath>
#include <stdexcept>

namespace grassflow {

namespace {

std::size_t power(int base, int exponent) {
  std::size_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= static_cast<std::size_t>(base);
  return p;
}

// Mode-`mode` product of A with T viewed as (outer, r, inner) with inner = r^{k-1-mode}.
void mode_product(const Eigen::MatrixXd& A, int r, std::size_t outer, std::size_t inner, const double* in,
                  double* out) {
  for (std::size_t o = 0; o < outer; ++o) {
    const double* src = in + o * r * inner;
    double* dst = out + o * r * inner;
    for (int i = 0; i < r; ++i) {
      double* row = dst + i * inner;
      for (std::size_t q = 0; q < inner; ++q) row[q] = 0.0;
      for (int j = 0; j < r; ++j) {
        const double a = A(i, j);
        if (a == 0.0) continue;
        const double* col = src + j * inner;
        for (std::size_t q = 0; q < inner; ++q) row[q] += a * col[q];
      }
    }
  }
}

}  // namespace

SymTensor::SymTensor(int r_, int k_) : r(r_), k(k_), data(power(r_, k_), 0.0) {
  if (r_ < 1 || k_ < 0) throw std::invalid_argument("SymTensor: need r >= 1 and k >= 0");
}

std::vector<int> SymTensor::multiplicities(std::size_t flat) const {
  std::vector<int> beta(static_cast<std::size_t>(r), 0);
  for (int j = 0; j < k; ++j) {
    ++beta[flat % static_cast<std::size_t>(r)];
    flat /= static_cast<std::size_t>(r);
  }
  return beta;
}

bool SymTensor::is_zero() const {
  for (double v : data)
    if (v != 0.0) return false;
  return true;
}

double inner(const SymTensor& S, const SymTensor& T) {
  if (S.r != T.r || S.k != T.k) throw std::invalid_argument("inner: tensors of different shapes");
  double s = 0.0;
  for (std::size_t i = 0; i < S.size(); ++i) s += S[i] * T[i];
  return s;
}

SymTensor apply_on_every_mode(const Eigen::MatrixXd& A, const SymTensor& T) {
  if (A.rows() != T.r || A.cols() != T.r) throw std::invalid_argument("apply_on_every_mode: A must be r×r");
  SymTensor out = T;
  std::vector<double> buffer(T.size());
  for (int mode = 0; mode < T.k; ++mode) {
    const std::size_t outer = power(T.r, mode);
    const std::size_t inner_size = power(T.r, T.k - 1 - mode);
    mode_product(A, T.r, outer, inner_size, out.data.data(), buffer.data());
    out.data.swap(buffer);
  }
  return out;
}

Eigen::MatrixXd first_slot_contraction(const SymTensor& T, const Eigen::MatrixXd& A) {
  Eigen::MatrixXd B;
  first_slot_contraction(T, A, B);
  return B;
}

void first_slot_contraction(const SymTensor& T, const Eigen::MatrixXd& A, Eigen::MatrixXd& B) {
  if (T.k == 0) {
    B.resize(0, 0);
    return;
  }
  if (A.rows() != T.r || A.cols() != T.r) throw std::invalid_argument("first_slot_contraction: A must be r×r");
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int r = T.r;
  const auto slice = static_cast<Eigen::Index>(power(r, T.k - 1));
  const Eigen::Index rows = slice / r;
  // Apply A on modes 2..k of T (mode 1 untouched), then B = T_(1) · (A^{⊗(k-1)} T)_(1)ᵀ. Each pass applies A
  // to the last mode of every slice T[a, ·] and rotates that mode to the front, one small GEMM per slice:
  // after k − 1 passes every mode has seen A once and the order is restored. (The scalar mode products of
  // apply_on_every_mode cost 10× more for k ≈ 8, where the flows spend their time.)
  // The flows call this a million times with small tensors: reuse the work buffers (per thread).
  thread_local std::vector<double> current, next;
  current.assign(T.data.begin(), T.data.end());
  next.resize(T.size());
  for (int pass = 1; pass < T.k; ++pass) {
    for (int a = 0; a < r; ++a) {
      const Eigen::Map<const RowMajor> in(current.data() + a * slice, rows, r);
      Eigen::Map<RowMajor> out(next.data() + a * slice, r, rows);
      out.noalias() = A * in.transpose();
    }
    current.swap(next);
  }
  const Eigen::Map<const RowMajor> Tm(T.data.data(), r, slice), ATm(current.data(), r, slice);
  B.resize(r, r);
  B.noalias() = Tm * ATm.transpose();
}

double tensor_entry_factor(const std::vector<int>& beta) {
  double beta_factorial = 1.0;
  int k = 0;
  for (int b : beta) {
    for (int i = 2; i <= b; ++i) beta_factorial *= i;
    k += b;
  }
  double k_factorial = 1.0;
  for (int i = 2; i <= k; ++i) k_factorial *= i;
  return std::sqrt(beta_factorial) / k_factorial;
}

double coefficient_from_tensor(const SymTensor& T, const std::vector<int>& beta) {
  if (static_cast<int>(beta.size()) != T.r)
    throw std::invalid_argument("coefficient_from_tensor: beta needs r entries");
  std::size_t flat = 0;
  int k = 0;
  // The index tuple (0..0, 1..1, ...) in row-major order has β(i) = β.
  for (int j = 0; j < T.r; ++j)
    for (int c = 0; c < beta[static_cast<std::size_t>(j)]; ++c) {
      flat = flat * static_cast<std::size_t>(T.r) + static_cast<std::size_t>(j);
      ++k;
    }
  if (k != T.k) throw std::invalid_argument("coefficient_from_tensor: |beta| must equal the tensor order");
  return T[flat] / tensor_entry_factor(beta);
}

}  // namespace grassflow
