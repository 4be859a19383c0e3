#include "grassflow/baselines.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"

namespace grassflow {

namespace {

constexpr std::size_t kChunk = 1024;  // samples per dense block handed to Eigen's rank updates

// Σ̂^{−1/2} and μ̂ of the inputs: z = Σ̂^{−1/2}(x − μ̂).
struct Whitening {
  Eigen::VectorXd mean;
  Eigen::MatrixXd inv_sqrt;
};

std::size_t check(const Dataset& data, int r, const char* method, std::size_t memory_cap) {
  const std::size_t n = data.size(), d = data.dim();
  if (r < 1 || static_cast<std::size_t>(r) > d)
    throw InputError(std::string(method) + ": r = " + std::to_string(r) + " with d = " + std::to_string(d) +
                     "; need 1 <= r <= d");
  if (n <= d)
    throw InputError(std::string(method) + ": n = " + std::to_string(n) + " samples for d = " + std::to_string(d) +
                     "; the sample covariance needs n > d (draw more samples)");
  // Σ̂, its inverse square root, its eigenvectors, M and one work matrix: 5 d×d doubles.
  const double need = 5.0 * static_cast<double>(d) * static_cast<double>(d) * 8.0;
  if (need > static_cast<double>(memory_cap)) {
    char message[256];
    std::snprintf(message, sizeof message, "%s: d = %zu needs %.0f MiB of d x d matrices, above the cap of %.0f MiB",
                  method, d, need / (1 << 20), static_cast<double>(memory_cap) / (1 << 20));
    throw LimitError(message);
  }
  return n;
}

// Columns x_i − μ for the samples idx[0..count) (d×count).
Eigen::MatrixXd centred(const SampleMatrix& X, const std::size_t* idx, std::size_t count, const Eigen::VectorXd& mu) {
  const auto d = static_cast<Eigen::Index>(X.cols());
  Eigen::MatrixXd A(d, static_cast<Eigen::Index>(count));
  for (std::size_t k = 0; k < count; ++k) {
    X.copy_row(idx[k], A.col(static_cast<Eigen::Index>(k)).data());
    A.col(static_cast<Eigen::Index>(k)) -= mu;
  }
  return A;
}

// (1/count) Σ_k (x_idx[k] − μ)(x_idx[k] − μ)ᵀ, blockwise.
Eigen::MatrixXd second_moment(const SampleMatrix& X, const std::size_t* idx, std::size_t count,
                              const Eigen::VectorXd& mu) {
  const auto d = static_cast<Eigen::Index>(X.cols());
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(d, d);
  for (std::size_t b = 0; b < count; b += kChunk) {
    const Eigen::MatrixXd A = centred(X, idx + b, std::min(kChunk, count - b), mu);
    S.selfadjointView<Eigen::Lower>().rankUpdate(A);
  }
  S = S.selfadjointView<Eigen::Lower>();
  return S / static_cast<double>(count);
}

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  return idx;
}

Whitening whiten(const Dataset& data, const char* method) {
  const auto d = static_cast<Eigen::Index>(data.dim());
  const std::size_t n = data.size();
  Whitening w;
  w.mean = Eigen::VectorXd::Zero(d);
  Eigen::VectorXd x(d);
  for (std::size_t i = 0; i < n; ++i) {
    data.x.copy_row(i, x.data());
    w.mean += x;
  }
  w.mean /= static_cast<double>(n);
  const std::vector<std::size_t> idx = all_rows(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(second_moment(data.x, idx.data(), n, w.mean));
  const Eigen::VectorXd lambda = eig.eigenvalues();
  if (!(lambda(0) > 1e-12 * lambda(d - 1)))
    throw InputError(std::string(method) +
                     ": the inputs' sample covariance is singular (some direction has no variance); drop "
                     "constant or collinear columns, or draw more samples");
  w.inv_sqrt = eig.eigenvectors() * lambda.cwiseInverse().cwiseSqrt().asDiagonal() * eig.eigenvectors().transpose();
  return w;
}

// Calls visit(order + b, count, m_h − μ̂, p_h) for each slice h: the samples sorted by y (ties by index), slice
// h = ranks [⌊hn/H⌋, ⌊(h+1)n/H⌋), m_h its mean, p_h = count/n. Throws InputError for too few samples per slice.
template <class Visit>
void for_each_slice(const Dataset& data, int slices, const Eigen::VectorXd& mean, const char* method, Visit&& visit) {
  const std::size_t n = data.size(), H = static_cast<std::size_t>(slices);
  if (slices < 2 || n < 2 * H)
    throw InputError(std::string(method) + ": " + std::to_string(slices) + " slices for n = " + std::to_string(n) +
                     " samples; need at least 2 slices and 2 samples per slice");
  std::vector<std::size_t> order = all_rows(n);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return data.y[a] < data.y[b]; });
  Eigen::VectorXd x(mean.size());
  for (std::size_t h = 0; h < H; ++h) {
    const std::size_t b = h * n / H, e = (h + 1) * n / H;
    Eigen::VectorXd m = Eigen::VectorXd::Zero(mean.size());
    for (std::size_t k = b; k < e; ++k) {
      data.x.copy_row(order[k], x.data());
      m += x;
    }
    visit(order.data() + b, e - b, Eigen::VectorXd(m / static_cast<double>(e - b) - mean),
          static_cast<double>(e - b) / static_cast<double>(n));
  }
}

// Top-r eigenvectors of the z-space kernel M mapped back to x space and orthonormalised.
SubspaceEstimate finish(const Eigen::MatrixXd& M, const Whitening& w, int r, bool by_magnitude) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(M);
  const Eigen::Index d = M.rows();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(d));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return by_magnitude ? std::abs(lambda(a)) > std::abs(lambda(b)) : lambda(a) > lambda(b);
  });
  SubspaceEstimate estimate;
  estimate.eigenvalues.resize(d);
  Eigen::MatrixXd eta(d, r);
  for (Eigen::Index k = 0; k < d; ++k) estimate.eigenvalues(k) = lambda(order[static_cast<std::size_t>(k)]);
  for (Eigen::Index c = 0; c < r; ++c) eta.col(c) = eig.eigenvectors().col(order[static_cast<std::size_t>(c)]);
  estimate.basis = orthonormal_factor(w.inv_sqrt * eta);
  return estimate;
}

}  // namespace

SubspaceEstimate sliced_inverse_regression(const Dataset& data, int r, int slices, std::size_t memory_cap) {
  check(data, r, "SIR", memory_cap);
  const Whitening w = whiten(data, "SIR");
  const auto d = static_cast<Eigen::Index>(data.dim());
  Eigen::MatrixXd Mx = Eigen::MatrixXd::Zero(d, d);
  for_each_slice(data, slices, w.mean, "SIR", [&](const std::size_t*, std::size_t, const Eigen::VectorXd& m, double p) {
    Mx += p * m * m.transpose();
  });
  return finish(w.inv_sqrt * Mx * w.inv_sqrt, w, r, false);
}

SubspaceEstimate sliced_average_variance(const Dataset& data, int r, int slices, std::size_t memory_cap) {
  check(data, r, "SAVE", memory_cap);
  const Whitening w = whiten(data, "SAVE");
  const auto d = static_cast<Eigen::Index>(data.dim());
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(d, d);
  for_each_slice(data, slices, w.mean, "SAVE",
                 [&](const std::size_t* rows, std::size_t count, const Eigen::VectorXd& m, double p) {
                   // Cov[x | slice] = E[(x − μ̂)(x − μ̂)ᵀ | slice] − (m_h − μ̂)(m_h − μ̂)ᵀ, then in z coordinates.
                   const Eigen::MatrixXd cov = second_moment(data.x, rows, count, w.mean) - m * m.transpose();
                   const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(d, d) - w.inv_sqrt * cov * w.inv_sqrt;
                   M += p * A * A;
                 });
  return finish(M, w, r, false);
}

SubspaceEstimate principal_hessian_directions(const Dataset& data, int r, std::size_t memory_cap) {
  const std::size_t n = check(data, r, "pHd", memory_cap);
  const Whitening w = whiten(data, "pHd");
  const auto d = static_cast<Eigen::Index>(data.dim());
  double y_mean = 0;
  for (double y : data.y) y_mean += y;
  y_mean /= static_cast<double>(n);
  const std::vector<std::size_t> idx = all_rows(n);
  Eigen::MatrixXd Mx = Eigen::MatrixXd::Zero(d, d);
  for (std::size_t b = 0; b < n; b += kChunk) {
    const std::size_t count = std::min(kChunk, n - b);
    const Eigen::MatrixXd A = centred(data.x, idx.data() + b, count, w.mean);
    Eigen::VectorXd weight(static_cast<Eigen::Index>(count));
    for (std::size_t k = 0; k < count; ++k) weight(static_cast<Eigen::Index>(k)) = data.y[b + k] - y_mean;
    Mx.noalias() += A * weight.asDiagonal() * A.transpose();
  }
  Mx /= static_cast<double>(n);
  return finish(w.inv_sqrt * Mx * w.inv_sqrt, w, r, true);
}

}  // namespace grassflow
