// Stiefel/Grassmann geometry and Haar samplers (docs/theory.md §1, §5, §8): projections, retractions, principal
// angles, and the law of the exact O(r³) sampler of M(0) against Weingarten moments of Haar matrices.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/random.h"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using grassflow::Geometry;
using grassflow::Rng;

namespace {

MatrixXd gaussian(int rows, int cols, Rng& rng) {
  MatrixXd G(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) G(i, j) = rng.normal();
  return G;
}

double orthonormality_defect(const MatrixXd& W) {
  return (W.transpose() * W - MatrixXd::Identity(W.cols(), W.cols())).norm();
}

// Monte Carlo mean with its standard error.
struct Mean {
  double sum = 0, sum2 = 0;
  int n = 0;
  void add(double x) {
    sum += x;
    sum2 += x * x;
    ++n;
  }
  double mean() const { return sum / n; }
  double stderr_() const { return std::sqrt((sum2 / n - mean() * mean()) / n); }
};

}  // namespace

TEST_CASE("tangent projections: Stiefel makes WᵀΞ skew, Grassmann makes it zero; both are idempotent") {
  Rng rng(1);
  const MatrixXd W = grassflow::haar_stiefel(9, 3, rng);
  const MatrixXd Z = gaussian(9, 3, rng);
  const MatrixXd S = grassflow::project_tangent(Geometry::stiefel, W, Z);
  const MatrixXd WtS = W.transpose() * S;
  CHECK((WtS + WtS.transpose()).norm() < 1e-14);
  CHECK((grassflow::project_tangent(Geometry::stiefel, W, S) - S).norm() < 1e-14);
  const MatrixXd H = grassflow::project_tangent(Geometry::grassmann, W, Z);
  CHECK((W.transpose() * H).norm() < 1e-14);
  CHECK((grassflow::project_tangent(Geometry::grassmann, W, H) - H).norm() < 1e-14);
  // The normal part is orthogonal to the tangent part in the embedded metric.
  CHECK(std::abs(((Z - S).transpose() * S).trace()) < 1e-13);
  CHECK_THROWS_AS(grassflow::project_tangent(Geometry::stiefel, W, MatrixXd::Zero(9, 2)), grassflow::InputError);
}

TEST_CASE("QR retraction: positive R diagonal, retr(W, 0) = W, first order, orthonormal after 1e5 steps") {
  Rng rng(2);
  const MatrixXd W = grassflow::haar_stiefel(8, 3, rng);
  CHECK((grassflow::qr_retraction(W, MatrixXd::Zero(8, 3)) - W).norm() < 1e-15);
  const MatrixXd A = gaussian(8, 3, rng);
  const MatrixXd Q = grassflow::orthonormal_factor(A);
  const MatrixXd R = Q.transpose() * A;  // upper triangular with positive diagonal when the sign fix works
  for (int i = 0; i < 3; ++i) {
    CHECK(R(i, i) > 0.0);
    for (int j = 0; j < i; ++j) CHECK(std::abs(R(i, j)) < 1e-13);
  }
  // R_W(tΞ) = W + tΞ + O(t²) for a tangent Ξ.
  const MatrixXd Xi = grassflow::project_tangent(Geometry::stiefel, W, gaussian(8, 3, rng));
  const double t = 1e-5;
  CHECK((grassflow::qr_retraction(W, t * Xi) - W - t * Xi).norm() < 10 * t * t * Xi.squaredNorm());
  CHECK((grassflow::polar_retraction(W, t * Xi) - W - t * Xi).norm() < 10 * t * t * Xi.squaredNorm());

  // 1e5 Riemannian gradient steps with QR retraction (the finite-sample loop's pattern) stay on St(d, r).
  MatrixXd V = grassflow::haar_stiefel(30, 3, rng);
  const MatrixXd target = grassflow::leading_axes(30, 3);
  for (int step = 0; step < 100000; ++step) {
    const MatrixXd egrad = -target * (V.transpose() * target).transpose() + 0.01 * V;
    V = grassflow::qr_retraction(V, -0.05 * grassflow::project_tangent(Geometry::grassmann, V, egrad));
  }
  CHECK(orthonormality_defect(V) <= 1e-12);
}

TEST_CASE("polar retraction is the closest orthonormal frame: U Vᵀ from the SVD of W + Ξ") {
  Rng rng(3);
  const MatrixXd W = grassflow::haar_stiefel(7, 2, rng);
  const MatrixXd Xi = 0.3 * gaussian(7, 2, rng);
  const Eigen::JacobiSVD<MatrixXd> svd(W + Xi, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const MatrixXd P = grassflow::polar_retraction(W, Xi);
  CHECK((P - svd.matrixU() * svd.matrixV().transpose()).norm() < 1e-14);
  CHECK(orthonormality_defect(P) < 1e-14);
  CHECK_THROWS_AS(grassflow::polar_retraction(W, -W), grassflow::InputError);
}

TEST_CASE("principal angles: exact 0 for identical subspaces, π/2 for orthogonal lines, tiny angles accurate") {
  Rng rng(4);
  for (int d : {3, 50, 2000}) {
    const MatrixXd W = grassflow::haar_stiefel(d, 3, rng);
    const VectorXd same = grassflow::principal_angles(W, W);
    for (int i = 0; i < 3; ++i) CHECK(same(i) == 0.0);
    // Another frame of the same subspace.
    const MatrixXd rotated = W * grassflow::haar_orthogonal(3, rng);
    const VectorXd also_same = grassflow::principal_angles(W, rotated);
    for (int i = 0; i < 3; ++i) CHECK(also_same(i) == 0.0);
    CHECK(grassflow::grassmann_distance(W, rotated) == 0.0);
  }
  MatrixXd e1 = MatrixXd::Zero(4, 1), e2 = MatrixXd::Zero(4, 1);
  e1(0, 0) = 1.0;
  e2(1, 0) = 1.0;
  CHECK(grassflow::principal_angles(e1, e2)(0) == doctest::Approx(M_PI / 2).epsilon(1e-16));
  // Lines at angle t in a plane: the atan2 form keeps relative accuracy where acos returns 0.
  for (double t : {1e-12, 1e-9, 1e-4, 0.3, 1.2}) {
    MatrixXd a = MatrixXd::Zero(5, 1), b = MatrixXd::Zero(5, 1);
    a(2, 0) = 1.0;
    b(2, 0) = std::cos(t);
    b(4, 0) = std::sin(t);
    const double theta = grassflow::principal_angles(a, b)(0);
    CHECK(theta == doctest::Approx(t).epsilon(1e-14));
    CHECK(grassflow::grassmann_distance(a, b) == doctest::Approx(t).epsilon(1e-14));
  }
  // Two planes in R^4 with angles (0.2, 0.7): span{e1, e2} vs span{c1 e1 + s1 e3, c2 e2 + s2 e4}.
  MatrixXd P = MatrixXd::Zero(4, 2), Q = MatrixXd::Zero(4, 2);
  P(0, 0) = P(1, 1) = 1.0;
  Q(0, 0) = std::cos(0.7);
  Q(2, 0) = std::sin(0.7);
  Q(1, 1) = std::cos(0.2);
  Q(3, 1) = std::sin(0.2);
  const VectorXd theta = grassflow::principal_angles(P * grassflow::haar_orthogonal(2, rng), Q);
  CHECK(theta(0) == doctest::Approx(0.2).epsilon(1e-14));
  CHECK(theta(1) == doctest::Approx(0.7).epsilon(1e-14));
  CHECK(grassflow::grassmann_distance(P, Q) == doctest::Approx(std::hypot(0.2, 0.7)).epsilon(1e-14));
  const VectorXd cosines = grassflow::principal_cosines(P.transpose() * Q);
  CHECK(cosines(0) == doctest::Approx(std::cos(0.2)).epsilon(1e-15));
  CHECK(cosines(1) == doctest::Approx(std::cos(0.7)).epsilon(1e-15));
  const VectorXd from_overlap = grassflow::principal_angles_from_overlap(P.transpose() * Q);
  CHECK(from_overlap(0) == doctest::Approx(0.2).epsilon(1e-12));
  CHECK(from_overlap(1) == doctest::Approx(0.7).epsilon(1e-12));
  // Random pairs: never NaN, always within [0, π/2], agreeing with acos of the cosines for moderate angles.
  for (int trial = 0; trial < 200; ++trial) {
    const MatrixXd A = grassflow::haar_stiefel(6, 3, rng), B = grassflow::haar_stiefel(6, 3, rng);
    const VectorXd th = grassflow::principal_angles(A, B);
    const VectorXd c = grassflow::principal_cosines(A.transpose() * B);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(std::isfinite(th(i)));
      CHECK(th(i) >= 0.0);
      CHECK(th(i) <= M_PI / 2);
      if (c(i) < 0.99 && c(i) > 0.01) CHECK(th(i) == doctest::Approx(std::acos(c(i))).epsilon(1e-10));
    }
  }
}

TEST_CASE("Haar frames: polar form has no sign bias, P(M_11 > 0) = ½, E[C] = (r/d) I") {
  Rng rng(5);
  Mean positive, c11;
  const int n = 20000, d = 10, r = 3;
  const MatrixXd target = grassflow::leading_axes(d, r);
  for (int i = 0; i < n; ++i) {
    const MatrixXd W = grassflow::haar_stiefel(d, r, rng);
    const MatrixXd M = W.transpose() * target;
    positive.add(M(0, 0) > 0 ? 1.0 : 0.0);
    c11.add((M.transpose() * M)(0, 0));
  }
  CHECK(std::abs(positive.mean() - 0.5) < 5 * positive.stderr_());
  CHECK(std::abs(c11.mean() - double(r) / d) < 5 * c11.stderr_());
}

TEST_CASE("the O(r³) sampler of M(0) has the law of WᵀW* for Haar W (Weingarten moments), in both branches") {
  // For Haar O(d): E[O11²] = 1/d, E[O11⁴] = 3/(d(d+2)), E[O11²O22²] = (d+1)/(d(d−1)(d+2)),
  // E[O11 O12 O21 O22] = −1/(d(d−1)(d+2)); M(0)ᵀ is the leading r×r block of such an O.
  struct Case {
    int d, r;
  };
  for (Case c : {Case{6, 2}, Case{3, 2}, Case{7, 3}, Case{2, 2}}) {
    CAPTURE(c.d);
    CAPTURE(c.r);
    const double d = c.d;
    Rng rng(100 + static_cast<std::uint64_t>(c.d));
    Mean m2, m4, m22, m1122, positive;
    for (int i = 0; i < 60000; ++i) {
      const MatrixXd M = grassflow::sample_haar_overlap(d, c.r, rng);
      m2.add(M(0, 0) * M(0, 0));
      m4.add(std::pow(M(0, 0), 4));
      m22.add(M(0, 0) * M(0, 0) * M(1, 1) * M(1, 1));
      m1122.add(M(0, 0) * M(0, 1) * M(1, 0) * M(1, 1));
      positive.add(M(0, 0) > 0 ? 1.0 : 0.0);
    }
    CHECK(std::abs(m2.mean() - 1 / d) < 5 * m2.stderr_());
    CHECK(std::abs(m4.mean() - 3 / (d * (d + 2))) < 5 * m4.stderr_());
    CHECK(std::abs(m22.mean() - (d + 1) / (d * (d - 1) * (d + 2))) < 5 * m22.stderr_());
    CHECK(std::abs(m1122.mean() + 1 / (d * (d - 1) * (d + 2))) < 5 * m1122.stderr_());
    CHECK(std::abs(positive.mean() - 0.5) < 5 * positive.stderr_());
  }
}

TEST_CASE("the sampler reaches d = 1e12: entries ~1e-6, E[d·C_11] = r") {
  Rng rng(6);
  Mean scaled;
  const double d = 1e12;
  for (int i = 0; i < 20000; ++i) {
    const MatrixXd M = grassflow::sample_haar_overlap(d, 2, rng);
    REQUIRE(M.allFinite());
    scaled.add(d * (M.transpose() * M)(0, 0));
  }
  CHECK(std::abs(scaled.mean() - 2.0) < 5 * scaled.stderr_());
}

TEST_CASE("the same seed gives the same M(0) on every platform (pinned values, 1e-12)") {
  // Values printed by the native build; the WebAssembly run of this suite must reproduce them.
  Rng a(7);
  const MatrixXd M = grassflow::sample_haar_overlap(1e12, 2, a);
  CHECK(M(0, 0) == doctest::Approx(2.2970803422520205e-07).epsilon(1e-12));
  CHECK(M(0, 1) == doctest::Approx(6.3267435425255296e-07).epsilon(1e-12));
  CHECK(M(1, 0) == doctest::Approx(2.0041487248801829e-07).epsilon(1e-12));
  CHECK(M(1, 1) == doctest::Approx(1.1822892877654066e-06).epsilon(1e-12));
  Rng b(8);
  const MatrixXd W = grassflow::haar_stiefel(40, 3, b);
  CHECK(W(0, 0) == doctest::Approx(-0.14380008683897438).epsilon(1e-12));
  CHECK(W(39, 2) == doctest::Approx(0.072994518973931277).epsilon(1e-12));
}

TEST_CASE("realisable overlaps: singular values <= 1 and d >= r + rank(I − MᵀM); the frame realises M") {
  MatrixXd M(2, 2);
  M << 0.6, 0.1, -0.2, 0.3;
  for (int d : {4, 9}) {
    const MatrixXd W = grassflow::stiefel_with_overlap(M, d);
    CHECK(orthonormality_defect(W) < 1e-14);
    CHECK((W.transpose() * grassflow::leading_axes(d, 2) - M).norm() < 1e-14);
  }
  CHECK_THROWS_AS(grassflow::check_realisable_overlap(M, 3), grassflow::InputError);  // rank 2 needs d >= 4
  MatrixXd partial(2, 2);
  partial << 1.0, 0.0, 0.0, 0.5;  // rank(I − MᵀM) = 1
  CHECK_NOTHROW(grassflow::check_realisable_overlap(partial, 3));
  CHECK((grassflow::stiefel_with_overlap(partial, 3).transpose() * grassflow::leading_axes(3, 2) - partial).norm() <
        1e-14);
  MatrixXd too_big = MatrixXd::Identity(2, 2) * (1.0 + 1e-9);
  CHECK_THROWS_AS(grassflow::check_realisable_overlap(too_big, 10), grassflow::InputError);
  CHECK_NOTHROW(grassflow::check_realisable_overlap(MatrixXd::Identity(2, 2) * (1.0 + 1e-13), 2));
  CHECK_THROWS_AS(grassflow::check_realisable_overlap(M, 1), grassflow::InputError);  // r > d
  CHECK_THROWS_AS(grassflow::check_realisable_overlap(MatrixXd::Zero(2, 3), 5), grassflow::InputError);
  Rng rng(9);
  CHECK_THROWS_AS(grassflow::sample_haar_overlap(2, 3, rng), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::sample_haar_overlap(10.5, 2, rng), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::haar_stiefel(5, 0, rng), grassflow::InputError);
}

TEST_CASE("overlap velocity = the full Riemannian gradient flow's dW/dt seen through M = WᵀW*") {
  Rng rng(10);
  const int d = 11, r = 3;
  const MatrixXd W = grassflow::haar_stiefel(d, r, rng), target = grassflow::leading_axes(d, r);
  const MatrixXd M = W.transpose() * target;
  const MatrixXd E = gaussian(r, r, rng);  // any ∂L/∂M; ∇_W L = W* Eᵀ
  for (Geometry g : {Geometry::stiefel, Geometry::grassmann}) {
    const MatrixXd dW = -grassflow::project_tangent(g, W, target * E.transpose());
    CHECK((dW.transpose() * target - grassflow::overlap_velocity(g, M, E)).norm() < 1e-14);
  }
}
