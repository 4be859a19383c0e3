#include "grassflow/link_features.h"

#include <cmath>
#include <cstdlib>

#include "grassflow/errors.h"
#include "grassflow/multiindex.h"
#include "grassflow/random.h"

namespace grassflow {

namespace {

constexpr std::uint32_t kFeatureStream = 4;  // Rng stream of the random features (train.h's seed)
constexpr int kMaxDegree = 12;
constexpr int kMaxFeatures = 2000;  // the fit's p×p system
constexpr double kDefaultMehlerDecay = 0.5;

// A whole string as a number; false when empty, partial or not finite.
bool parse_double(const std::string& text, double& value) {
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && std::isfinite(value);
}

bool parse_count(const std::string& text, long& value) {
  char* end = nullptr;
  value = std::strtol(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0';
}

}  // namespace

double mehler_kernel(const double* z, const double* z2, int r, double q) {
  if (!(q >= 0.0 && q < 1.0)) throw InputError("Mehler kernel: q must satisfy 0 <= q < 1");
  const double one_minus = 1.0 - q * q;
  double exponent = 0.0;
  for (int c = 0; c < r; ++c) exponent += 2.0 * q * z[c] * z2[c] - q * q * (z[c] * z[c] + z2[c] * z2[c]);
  return std::exp(exponent / (2.0 * one_minus) - 0.5 * r * std::log(one_minus));
}

LinkFeatures::LinkFeatures(const std::string& spec, int r, int degree, std::uint64_t seed) : r_(r) {
  const std::string count_range = "1 <= M <= " + std::to_string(kMaxFeatures);
  if (spec == "hermite" || spec.rfind("hermite-kernel:", 0) == 0) {
    double q = 1.0;
    if (spec != "hermite" && (!parse_double(spec.substr(15), q) || !(q > 0.0)))
      throw InputError("features", "'" + spec + "'; hermite-kernel:q needs a decay q > 0, e.g. hermite-kernel:0.5");
    if (degree < 1 || degree > kMaxDegree)
      throw InputError("degree", "K = " + std::to_string(degree) + "; use 1 <= K <= " + std::to_string(kMaxDegree) +
                                     " (K = 0 fits a constant link, whose gradient in W is zero)");
    const std::size_t count = multi_index_count(r, degree);
    if (count > static_cast<std::size_t>(kMaxFeatures))
      throw LimitError("degree", "K = " + std::to_string(degree) + " with r = " + std::to_string(r) + " gives " +
                                     std::to_string(count) + " Hermite features; the link fit is limited to " +
                                     std::to_string(kMaxFeatures) + " (lower K)");
    degree_ = degree;
    const std::vector<std::vector<int>> betas = multi_indices(r, degree);
    p_ = static_cast<int>(betas.size());
    for (const auto& beta : betas) {
      int k = 0;
      for (int b : beta) k += b;
      scale_.push_back(std::sqrt(std::pow(q, k)));
      betas_.insert(betas_.end(), beta.begin(), beta.end());
    }
    for (int j = 0; j < p_; ++j)
      for (int c = 0; c < r; ++c) {
        std::vector<int> lower = betas[static_cast<std::size_t>(j)];
        const int bc = lower[static_cast<std::size_t>(c)]--;
        if (bc == 0) continue;
        const auto to = static_cast<int>(multi_index_rank(lower));
        lowerings_.push_back({j, to, c,
                              scale_[static_cast<std::size_t>(j)] * std::sqrt(static_cast<double>(bc)) /
                                  scale_[static_cast<std::size_t>(to)]});
      }
    return;
  }
  if (spec.rfind("relu:", 0) == 0) {
    long m = 0;
    if (!parse_count(spec.substr(5), m) || m < 1 || m > kMaxFeatures - 1)
      throw InputError("features", "'" + spec + "'; relu:M needs 1 <= M <= " + std::to_string(kMaxFeatures - 1) +
                                       " random features, e.g. relu:100");
    Rng rng(seed, kFeatureStream);
    theta_.resize(r, m);
    for (long j = 0; j < m; ++j) {
      for (int c = 0; c < r; ++c) theta_(c, j) = rng.normal();
      theta_.col(j).normalize();
    }
    kind_ = Kind::relu;
    p_ = static_cast<int>(m) + 1;
    return;
  }
  if (spec.rfind("mehler:", 0) == 0) {
    const std::string rest = spec.substr(7);
    const std::size_t colon = rest.find(':');
    long m = 0;
    double q = kDefaultMehlerDecay;
    if (!parse_count(rest.substr(0, colon), m) || m < 1 || m > kMaxFeatures ||
        (colon != std::string::npos && (!parse_double(rest.substr(colon + 1), q) || !(q > 0.0 && q < 1.0))))
      throw InputError("features",
                       "'" + spec + "'; mehler:M or mehler:M:q needs " + count_range +
                           " random features and a decay 0 < q < 1 (default 0.5), e.g. mehler:200 or mehler:200:0.3");
    Rng rng(seed, kFeatureStream);
    theta_.resize(r, m);
    for (long j = 0; j < m; ++j)
      for (int c = 0; c < r; ++c) theta_(c, j) = rng.normal();
    s_ = std::sqrt(q);
    // log ψ_j(z) = s/(1−s²)·u_j·z − s²|z|²/(2(1−s²)) + bias_j, bias_j = −s²|u_j|²/(2(1−s²)) − (r/2)log(1−s²) − ½log M.
    const double one_minus = 1.0 - q;
    bias_ = (-q / (2.0 * one_minus)) * theta_.colwise().squaredNorm().array() - 0.5 * r * std::log(one_minus) -
            0.5 * std::log(static_cast<double>(m));
    kind_ = Kind::mehler;
    p_ = static_cast<int>(m);
    return;
  }
  throw InputError("features", "unknown '" + spec + "'; use hermite, hermite-kernel:q, relu:M or mehler:M[:q]");
}

void LinkFeatures::evaluate(const double* z, std::size_t rows, Eigen::MatrixXd& Phi) const {
  const auto m = static_cast<Eigen::Index>(rows);
  Phi.resize(m, p_);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> Z(z, m, r_);
  if (kind_ == Kind::relu) {
    Phi.col(0).setOnes();
    Phi.rightCols(p_ - 1) = (std::sqrt(2.0) * (Z * theta_)).cwiseMax(0.0);
    return;
  }
  if (kind_ == Kind::mehler) {
    const double one_minus = 1.0 - s_ * s_;
    Phi.noalias() = (s_ / one_minus) * (Z * theta_);
    const Eigen::VectorXd row = (-s_ * s_ / (2.0 * one_minus)) * Z.rowwise().squaredNorm();
    Phi.colwise() += row;
    Phi.rowwise() += bias_;
    Phi = Phi.array().exp().matrix();
    return;
  }
  // h[(c(K + 1) + k)·rows + i] = h_k(z_ic): hermite_h_all's recurrence (hermite.h), same operations in the same
  // order, run over the block of points so that it vectorises.
  const auto K = static_cast<std::size_t>(degree_);
  std::vector<double> h(static_cast<std::size_t>(r_) * (K + 1) * rows);
  for (std::size_t c = 0; c < static_cast<std::size_t>(r_); ++c) {
    double* hc = h.data() + c * (K + 1) * rows;
    for (std::size_t i = 0; i < rows; ++i) {
      hc[i] = 1.0;
      hc[rows + i] = z[i * static_cast<std::size_t>(r_) + c];
    }
    for (std::size_t k = 1; k < K; ++k) {
      const double a = std::sqrt(static_cast<double>(k)), b = std::sqrt(static_cast<double>(k + 1));
      const double *prev = hc + (k - 1) * rows, *cur = hc + k * rows, *x = hc + rows;
      double* next = hc + (k + 1) * rows;
      for (std::size_t i = 0; i < rows; ++i) next[i] = (x[i] * cur[i] - a * prev[i]) / b;
    }
  }
  for (int j = 0; j < p_; ++j) {
    double* out = Phi.col(j).data();
    const int* beta = &betas_[static_cast<std::size_t>(j * r_)];
    std::fill(out, out + rows, scale_[static_cast<std::size_t>(j)]);
    for (std::size_t c = 0; c < static_cast<std::size_t>(r_); ++c) {
      if (beta[c] == 0) continue;
      const double* hk = h.data() + (c * (K + 1) + static_cast<std::size_t>(beta[c])) * rows;
      for (std::size_t i = 0; i < rows; ++i) out[i] *= hk[i];
    }
  }
}

// Hermite: H_{β−e_c} is itself a feature, so B[β − e_c, c] = a_β s_β √β_c / s_{β−e_c} with s the kernel scales.
// relu: ∂_c √2 relu(θ_j·z) = √2 θ_cj 1[θ_j·z > 0]. Mehler: ∇ψ_j = ψ_j s(u_j − s z)/(1 − s²), whose u_j part is
// B[j, c] = a_j s u_cj/(1 − s²) and whose z part is −s²/(1 − s²)·f̂(z)·z (added in gradients()).
Eigen::MatrixXd LinkFeatures::gradient_coefficients(const Eigen::VectorXd& a) const {
  Eigen::MatrixXd B = Eigen::MatrixXd::Zero(p_, r_);
  switch (kind_) {
    case Kind::relu:
      for (int j = 0; j + 1 < p_; ++j)
        for (int c = 0; c < r_; ++c) B(j + 1, c) = a(j + 1) * std::sqrt(2.0) * theta_(c, j);
      break;
    case Kind::mehler:
      B = (s_ / (1.0 - s_ * s_)) * (a.asDiagonal() * theta_.transpose());
      break;
    case Kind::hermite:
      for (const Lowering& l : lowerings_) B(l.to, l.c) += a(l.from) * l.factor;
      break;
  }
  return B;
}

namespace {

// out (rows×cols, column-major) = Phi·C, column by column as sums of scaled feature columns: loops without a
// reduction, which vectorise under -msimd128 too (Eigen's products run scalar in WebAssembly: docs/toolchain.md).
// Zero entries of C (most of the Hermite B) are skipped.
Eigen::MatrixXd times(const Eigen::MatrixXd& Phi, const Eigen::MatrixXd& C) {
  const Eigen::Index rows = Phi.rows();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(rows, C.cols());
  for (Eigen::Index c = 0; c < C.cols(); ++c) {
    double* o = out.col(c).data();
    for (Eigen::Index j = 0; j < Phi.cols(); ++j) {
      const double w = C(j, c);
      if (w == 0.0) continue;
      const double* f = Phi.col(j).data();
      for (Eigen::Index i = 0; i < rows; ++i) o[i] += w * f[i];
    }
  }
  return out;
}

}  // namespace

Eigen::MatrixXd LinkFeatures::gradients(const double* z, const Eigen::MatrixXd& Phi, const Eigen::VectorXd& fitted,
                                        const Eigen::MatrixXd& B) const {
  switch (kind_) {
    case Kind::relu:
      return (Phi.array() > 0.0).cast<double>().matrix() * B;
    case Kind::mehler: {
      Eigen::MatrixXd G = times(Phi, B);
      const double shrink = s_ * s_ / (1.0 - s_ * s_);
      for (Eigen::Index c = 0; c < r_; ++c)
        for (Eigen::Index i = 0; i < Phi.rows(); ++i) G(i, c) -= shrink * fitted(i) * z[i * r_ + c];
      return G;
    }
    case Kind::hermite:
      break;
  }
  return times(Phi, B);
}

Eigen::VectorXd LinkFeatures::values(const Eigen::MatrixXd& Phi, const Eigen::VectorXd& a) const {
  return times(Phi, a);
}

}  // namespace grassflow
