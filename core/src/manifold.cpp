#include "grassflow/manifold.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

constexpr double kUnitRoundoff = 0x1.0p-53;

Eigen::MatrixXd sym(const Eigen::MatrixXd& X) {
  return 0.5 * (X + X.transpose());
}

void require_same_shape(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B, const char* what) {
  if (A.rows() != B.rows() || A.cols() != B.cols())
    throw InputError(std::string(what) + ": the two matrices must have the same shape (got " +
                     std::to_string(A.rows()) + "x" + std::to_string(A.cols()) + " and " + std::to_string(B.rows()) +
                     "x" + std::to_string(B.cols()) + ")");
}

void require_square(const Eigen::MatrixXd& M, const char* what) {
  if (M.rows() != M.cols() || M.rows() < 1)
    throw InputError(std::string(what) + ": the overlap M must be a non-empty square r×r matrix");
}

// S^{-1/2} for a symmetric positive definite r×r S (eigen-decomposition: used for sampling and polar
// factors only, never inside a gradient).
Eigen::MatrixXd inverse_sqrt_spd(const Eigen::MatrixXd& S, const char* what) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  if (!(lambda.minCoeff() > 0.0))
    throw InputError(std::string(what) + ": the frame is rank deficient; use a step that keeps W + Xi of rank r");
  return eig.eigenvectors() * lambda.cwiseSqrt().cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
}

void check_dimensions(double d, int r, const char* what) {
  if (r < 1) throw InputError(std::string(what) + ": r = " + std::to_string(r) + " must be at least 1");
  if (!(d >= 1.0) || !std::isfinite(d) || d != std::floor(d))
    throw InputError(std::string(what) + ": d must be a whole number >= 1");
  if (d < r)
    throw InputError(std::string(what) + ": r = " + std::to_string(r) + " exceeds d = " + std::to_string(d) +
                     "; choose r <= d");
}

}  // namespace

Eigen::MatrixXd project_tangent(Geometry geometry, const Eigen::MatrixXd& W, const Eigen::MatrixXd& Z) {
  require_same_shape(W, Z, "project_tangent");
  const Eigen::MatrixXd WtZ = W.transpose() * Z;
  if (geometry == Geometry::grassmann) return Z - W * WtZ;
  return Z - W * sym(WtZ);
}

Eigen::MatrixXd orthonormal_factor(const Eigen::MatrixXd& A) {
  if (A.rows() < A.cols()) throw InputError("orthonormal_factor: need d >= r for a d×r matrix");
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(A);
  Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(A.rows(), A.cols());
  for (Eigen::Index j = 0; j < A.cols(); ++j)
    if (qr.matrixQR()(j, j) < 0.0) Q.col(j) *= -1.0;
  return Q;
}

Eigen::MatrixXd qr_retraction(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Xi) {
  require_same_shape(W, Xi, "qr_retraction");
  return orthonormal_factor(W + Xi);
}

Eigen::MatrixXd polar_retraction(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Xi) {
  require_same_shape(W, Xi, "polar_retraction");
  const Eigen::MatrixXd A = W + Xi;
  return A * inverse_sqrt_spd(A.transpose() * A, "polar_retraction");
}

Eigen::VectorXd principal_cosines(const Eigen::MatrixXd& M) {
  require_square(M, "principal_cosines");
  Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(M).singularValues();  // descending
  for (Eigen::Index i = 0; i < s.size(); ++i) s(i) = std::clamp(s(i), 0.0, 1.0);
  return s;
}

Eigen::VectorXd principal_angles(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Wstar) {
  require_same_shape(W, Wstar, "principal_angles");
  const Eigen::MatrixXd M = W.transpose() * Wstar;
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(M, Eigen::ComputeFullV);
  // The residual's columns along V have norms sin θ_i exactly (their Gram matrix is I − Σ²).
  const Eigen::MatrixXd sines = (Wstar - W * M) * svd.matrixV();
  const double noise = 16.0 * kUnitRoundoff * std::sqrt(static_cast<double>(W.rows() * W.cols()));
  Eigen::VectorXd theta(M.cols());
  for (Eigen::Index i = 0; i < M.cols(); ++i) {
    const double c = std::clamp(svd.singularValues()(i), 0.0, 1.0);
    double s = std::min(sines.col(i).norm(), 1.0);
    if (s < noise) s = 0.0;
    theta(i) = std::atan2(s, c);
  }
  std::sort(theta.data(), theta.data() + theta.size());
  return theta;
}

Eigen::VectorXd principal_angles_from_overlap(const Eigen::MatrixXd& M) {
  const Eigen::VectorXd c = principal_cosines(M);
  Eigen::VectorXd theta(c.size());
  for (Eigen::Index i = 0; i < c.size(); ++i) theta(i) = std::atan2(std::sqrt((1.0 - c(i)) * (1.0 + c(i))), c(i));
  return theta;
}

double grassmann_distance(const Eigen::MatrixXd& W, const Eigen::MatrixXd& Wstar) {
  return principal_angles(W, Wstar).norm();
}

Eigen::MatrixXd haar_stiefel(int d, int r, Rng& rng) {
  check_dimensions(d, r, "haar_stiefel");
  Eigen::MatrixXd G(d, r);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < r; ++j) G(i, j) = rng.normal();
  // The sign-fixed QR factor is Haar like the polar factor G(GᵀG)^{-1/2}, and orthonormal to rounding even
  // when G is ill-conditioned (the polar form through GᵀG squares the condition number).
  return orthonormal_factor(G);
}

Eigen::MatrixXd haar_orthogonal(int r, Rng& rng) {
  return haar_stiefel(r, r, rng);
}

Eigen::MatrixXd sample_haar_overlap(double d, int r, Rng& rng) {
  check_dimensions(d, r, "sample_haar_overlap");
  Eigen::MatrixXd G1(r, r);
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) G1(i, j) = rng.normal();
  const double rest = d - r;  // rows of the Gaussian block below the first r
  Eigen::MatrixXd B = Eigen::MatrixXd::Zero(r, r);
  if (rest >= r) {
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(r, r);
    for (int i = 0; i < r; ++i) {
      L(i, i) = std::sqrt(rng.chi_square(rest - i));
      for (int j = 0; j < i; ++j) L(i, j) = rng.normal();
    }
    B = L * L.transpose();
  } else if (rest > 0) {
    Eigen::MatrixXd G2(static_cast<Eigen::Index>(rest), r);
    for (Eigen::Index i = 0; i < G2.rows(); ++i)
      for (int j = 0; j < r; ++j) G2(i, j) = rng.normal();
    B = G2.transpose() * G2;
  }
  return inverse_sqrt_spd(G1.transpose() * G1 + B, "sample_haar_overlap") * G1.transpose();
}

void check_realisable_overlap(const Eigen::MatrixXd& M, double d) {
  require_square(M, "overlap M");
  const int r = static_cast<int>(M.rows());
  check_dimensions(d, r, "overlap M");
  if (!M.allFinite()) throw InputError("overlap M: entries must be finite numbers");
  const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(M).singularValues();
  if (s(0) > 1.0 + 1e-12)
    throw InputError("overlap M: its largest singular value is " + std::to_string(s(0)) +
                     " > 1, but M = W^T W* has singular values (principal cosines) in [0, 1]; scale M down");
  int rank = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (1.0 - std::min(s(i), 1.0) * std::min(s(i), 1.0) > 1e-12) ++rank;
  if (d < r + rank)
    throw InputError("overlap M: d = " + std::to_string(static_cast<long long>(d)) +
                     " cannot realise this M: it needs d >= r + rank(I - M^T M) = " + std::to_string(r + rank) +
                     "; increase d or give M with more unit singular values");
}

Eigen::MatrixXd stiefel_with_overlap(const Eigen::MatrixXd& M, int d) {
  check_realisable_overlap(M, d);
  const Eigen::Index r = M.rows();
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(d, r);
  W.topRows(r) = M.transpose();
  const Eigen::MatrixXd gap = Eigen::MatrixXd::Identity(r, r) - M * M.transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gap);
  Eigen::Index row = r;
  for (Eigen::Index i = r - 1; i >= 0; --i) {
    const double lambda = eig.eigenvalues()(i);
    if (lambda > 1e-12) W.row(row++) = std::sqrt(lambda) * eig.eigenvectors().col(i).transpose();
  }
  // Clipping singular values 1 + O(1e-12) to 1 and rounding in N leave WᵀW − I at ~1e-12: re-orthonormalise,
  // which leaves WᵀW* = M unchanged to that level.
  return orthonormal_factor(W);
}

Eigen::MatrixXd leading_axes(int d, int r) {
  check_dimensions(d, r, "leading_axes");
  return Eigen::MatrixXd::Identity(d, r);
}

Eigen::MatrixXd overlap_velocity(Geometry geometry, const Eigen::MatrixXd& M, const Eigen::MatrixXd& E) {
  Eigen::MatrixXd V;
  overlap_velocity(geometry, M, E, V);
  return V;
}

void overlap_velocity(Geometry geometry, const Eigen::MatrixXd& M, const Eigen::MatrixXd& E, Eigen::MatrixXd& V) {
  require_same_shape(M, E, "overlap_velocity");
  thread_local Eigen::MatrixXd S;
  V.resize(M.rows(), M.cols());
  if (geometry == Geometry::grassmann) {
    // I − MᵀM first: near a converged direction its small entries keep their relative accuracy, which
    // (EMᵀ)M − E would lose to cancellation in the columns of creeping directions.
    S.resize(M.cols(), M.cols());
    S.noalias() = -M.transpose() * M;
    S.diagonal().array() += 1.0;
    V.noalias() = -E * S;
    return;
  }
  S.resize(M.rows(), M.rows());
  S.noalias() = M * E.transpose();
  S = 0.5 * (S + S.transpose()).eval();
  V.noalias() = S * M;  // −(E − sym(MEᵀ)M)
  V -= E;
}

}  // namespace grassflow
