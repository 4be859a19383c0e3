// The SIMD kernels against naive double-precision loops, in both storage precisions, on shapes that are not
// multiples of any vector length, with threads, row ranges, the fused pass, and float32 error control.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/kernels.h"
#include "grassflow/random.h"

using grassflow::Precision;
using grassflow::RowMatrix;
using grassflow::SampleMatrix;

namespace {

SampleMatrix random_samples(std::size_t n, std::size_t d, Precision precision, std::uint64_t seed) {
  SampleMatrix X(n, d, precision);
  grassflow::Rng rng(seed);
  std::vector<double> row(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& x : row) x = rng.normal();
    X.set_row(i, row.data());
  }
  return X;
}

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  grassflow::Rng rng(seed);
  Eigen::MatrixXd A(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) A(i, j) = rng.normal();
  return A;
}

// The stored entries as a dense double matrix: the reference sees exactly what the kernels see.
Eigen::MatrixXd dense(const SampleMatrix& X) {
  Eigen::MatrixXd D(X.rows(), X.cols());
  for (std::size_t i = 0; i < X.rows(); ++i)
    for (std::size_t j = 0; j < X.cols(); ++j) D(i, j) = X(i, j);
  return D;
}

// Naive Z = X W and G = Xᵀ V by explicit loops in double.
Eigen::MatrixXd naive_project(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W) {
  Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(X.rows(), W.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index c = 0; c < W.cols(); ++c)
      for (Eigen::Index j = 0; j < X.cols(); ++j) Z(i, c) += X(i, j) * W(j, c);
  return Z;
}

Eigen::MatrixXd naive_accumulate(const Eigen::MatrixXd& X, const Eigen::MatrixXd& V) {
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(X.cols(), V.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index c = 0; c < V.cols(); ++c)
      for (Eigen::Index j = 0; j < X.cols(); ++j) G(j, c) += X(i, j) * V(i, c);
  return G;
}

// max_entries |got − want| / (|A| |B|): the error relative to the sum of absolute terms, the scale of
// rounding errors in a sum with cancellation (a relative error of a near-zero sum says nothing).
double scaled_error(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const Eigen::MatrixXd& A,
                    const Eigen::MatrixXd& B) {
  return ((got - want).cwiseAbs().array() / (A.cwiseAbs() * B.cwiseAbs()).array()).maxCoeff();
}

// Back to the CPU's best SIMD target when a test that tried each target ends (also by a failed REQUIRE).
struct BestTargetAfterwards {
  ~BestTargetAfterwards() { grassflow::use_simd_target(""); }
};

// check(precision, tolerance) on every SIMD target the CPU runs (each has its own code: vector width, rows
// grouped; CI machines run only their best one unless chosen here) and both storage precisions. Tolerances:
// float64 storage is exact up to summation order; float32 storage rounds W and v to float and sums blocks in
// float32, so ~1e-7 per entry.
template <class Check>
void on_every_target(const Check& check) {
  const BestTargetAfterwards restore;
  for (const std::string& target : grassflow::simd_targets())
    for (Precision precision : {Precision::float64, Precision::float32}) {
      grassflow::use_simd_target(target);
      CAPTURE(target);
      check(precision, precision == Precision::float64 ? 1e-13 : 2e-6);
    }
}

}  // namespace

TEST_CASE("SIMD targets: every one this CPU runs can be chosen, and an unknown name is refused") {
  const BestTargetAfterwards restore;
  const std::vector<std::string> targets = grassflow::simd_targets();
  REQUIRE(!targets.empty());
  CHECK(targets.front() == grassflow::simd_target());
  for (const std::string& target : targets) {
    grassflow::use_simd_target(target);
    CHECK(grassflow::simd_target() == target);
  }
  CHECK_THROWS_WITH_AS(grassflow::use_simd_target("MMX"), doctest::Contains("choose one of"), grassflow::InputError);
}

TEST_CASE("projection and gradient accumulation match naive double loops, on every SIMD target") {
  on_every_target([](Precision precision, double tol) {
    for (std::size_t d : {1, 7, 37, 300}) {
      for (Eigen::Index r : {1, 3, 5}) {
        const std::size_t n = 203;
        CAPTURE(d);
        CAPTURE(r);
        const SampleMatrix X = random_samples(n, d, precision, 11 + d);
        const Eigen::MatrixXd D = dense(X);
        const Eigen::MatrixXd W = random_matrix(static_cast<Eigen::Index>(d), r, 5);
        const Eigen::MatrixXd Zref = naive_project(D, W);
        for (int threads : {1, 2}) {
          RowMatrix Z;
          grassflow::project(X, 0, n, W, Z, threads);
          CHECK(scaled_error(Z, Zref, D, W) < tol);
        }
        const RowMatrix V = random_matrix(static_cast<Eigen::Index>(n), r, 9);
        const Eigen::MatrixXd Gref = naive_accumulate(D, V);
        for (int threads : {1, 2})
          CHECK(scaled_error(grassflow::accumulate(X, 0, n, V, threads), Gref, D.transpose(), V) < tol);

        // A row range sees only its rows.
        RowMatrix Zpart;
        grassflow::project(X, 50, 150, W, Zpart);
        CHECK(scaled_error(Zpart, Zref.middleRows(50, 100), D.middleRows(50, 100), W) < tol);
        const RowMatrix Vpart = V.middleRows(50, 100);
        CHECK(scaled_error(grassflow::accumulate(X, 50, 150, Vpart), naive_accumulate(D.middleRows(50, 100), Vpart),
                           D.middleRows(50, 100).transpose(), Vpart) < tol);
      }
    }
  });
}

TEST_CASE("the fused pass sees the projections and accumulates the weights it is given, on every SIMD target") {
  const std::size_t n = 1000, d = 45;
  const Eigen::Index r = 3;
  on_every_target([&](Precision precision, double tol) {
    const SampleMatrix X = random_samples(n, d, precision, 3);
    const Eigen::MatrixXd D = dense(X);
    const Eigen::MatrixXd W = random_matrix(d, r, 4);
    // v_i = (Σ_c z_ic²) z_i: a nonlinear function of z, like r_i ∇f(z_i).
    const Eigen::MatrixXd Zref = naive_project(D, W);
    Eigen::MatrixXd Vref(n, r);
    for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(n); ++i)
      Vref.row(i) = Zref.row(i).squaredNorm() * Zref.row(i);
    const Eigen::MatrixXd Gref = naive_accumulate(D, Vref);
    for (int threads : {1, 2}) {
      std::vector<double> calls(2, 0.0);
      const Eigen::MatrixXd G = grassflow::project_accumulate(
          X, 0, n, W,
          [&](int worker, std::size_t first, std::size_t count, const double* z, double* v) {
            calls[static_cast<std::size_t>(worker)] += static_cast<double>(count);
            for (std::size_t k = 0; k < count; ++k) {
              double s = 0;
              for (Eigen::Index c = 0; c < r; ++c) s += z[k * r + c] * z[k * r + c];
              for (Eigen::Index c = 0; c < r; ++c) {
                v[k * r + c] = s * z[k * r + c];
                // The visitor's z is the projection of row first + k.
                CHECK(std::fabs(z[k * r + c] - Zref(static_cast<Eigen::Index>(first + k), c)) <
                      tol * 10 * (1 + std::fabs(Zref(static_cast<Eigen::Index>(first + k), c))));
              }
            }
          },
          threads);
      CHECK(calls[0] + calls[1] == doctest::Approx(n));
#ifndef __EMSCRIPTEN__
      if (threads == 2) CHECK(calls[1] > 0);  // the second worker got its share (no threads in WebAssembly)
#endif
      CHECK(scaled_error(G, Gref, D.transpose(), Vref) < tol * 10);
    }
  });
}

TEST_CASE("float32 storage: blocked sums keep the error from growing with n or d") {
  // Every entry is 0.1f (not exact in binary): a single float32 running sum of 400000 terms would be off by
  // ~1e-2 relative; float32 partial sums of at most 64 terms per lane, added in double, stay within ~1e-6.
  const std::size_t n = 400000, d = 3;
  SampleMatrix X(n, d, Precision::float32);
  const double row[3] = {0.1, 0.1, 0.1};
  for (std::size_t i = 0; i < n; ++i) X.set_row(i, row);
  const double stored = static_cast<double>(0.1f);
  const RowMatrix V = RowMatrix::Ones(n, 1);
  const Eigen::MatrixXd G = grassflow::accumulate(X, 0, n, V);
  CHECK(std::fabs(G(0, 0) / (n * stored) - 1) < 1e-5);
  CHECK(std::fabs(grassflow::sum_entries(X) / (3 * n * stored) - 1) < 1e-5);

  SampleMatrix wide(1, 200000, Precision::float32);
  std::vector<double> long_row(200000, 0.1);
  wide.set_row(0, long_row.data());
  RowMatrix Z;
  grassflow::project(wide, 0, 1, Eigen::MatrixXd::Ones(200000, 1), Z);
  CHECK(std::fabs(Z(0, 0) / (200000 * stored) - 1) < 1e-5);
}

TEST_CASE("kernels propagate NaN and Inf (no fast-math)") {
  SampleMatrix X = random_samples(100, 20, Precision::float32, 1);
  std::vector<double> row(20, 1.0);
  row[7] = std::numeric_limits<double>::quiet_NaN();
  X.set_row(42, row.data());
  RowMatrix Z;
  grassflow::project(X, 0, 100, Eigen::MatrixXd::Ones(20, 2), Z);
  CHECK(std::isnan(Z(42, 1)));
  CHECK(std::isfinite(Z(41, 1)));
  const Eigen::MatrixXd G = grassflow::accumulate(X, 0, 100, RowMatrix::Ones(100, 2));
  CHECK(std::isnan(G(7, 0)));
  CHECK(std::isfinite(G(6, 0)));
  CHECK(std::isnan(grassflow::sum_entries(X)));
}

TEST_CASE("sample storage: padding, caps and bad shapes") {
  const SampleMatrix X(10, 37, Precision::float32);
  CHECK(X.stride() % 16 == 0);
  CHECK(X.stride() >= 37);
  CHECK(X.bytes() == 10 * X.stride() * 4);
  // d = 10⁶ float64 rows: 10⁴ rows need 74.51 GiB; a 1 MiB cap refuses and states the size.
  try {
    SampleMatrix big(10000, 1000000, Precision::float64, std::size_t{1} << 20);
    FAIL("no LimitError");
  } catch (const grassflow::LimitError& e) {
    CHECK(std::string(e.what()).find("74.51 GiB") != std::string::npos);
  }
  CHECK_THROWS_AS(SampleMatrix(std::numeric_limits<std::size_t>::max() / 4, 1000, Precision::float64),
                  grassflow::LimitError);
  CHECK_THROWS_AS(SampleMatrix(10, 0, Precision::float64), grassflow::InputError);
  RowMatrix Z;
  CHECK_THROWS_AS(grassflow::project(X, 0, 10, Eigen::MatrixXd::Ones(36, 2), Z), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::project(X, 5, 11, Eigen::MatrixXd::Ones(37, 2), Z), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::accumulate(X, 0, 10, RowMatrix::Ones(9, 2)), grassflow::InputError);
  CHECK(std::string(grassflow::simd_target()).size() > 0);
}

TEST_CASE("project_visit writes project's Z and shows each row to the visitor once, already projected") {
  const std::size_t n = 1000, d = 45, begin = 37, end = 941;
  const Eigen::Index r = 3;
  for (Precision precision : {Precision::float64, Precision::float32}) {
    const SampleMatrix X = random_samples(n, d, precision, 5);
    const Eigen::MatrixXd W = random_matrix(d, r, 6);
    RowMatrix Zref;
    grassflow::project(X, begin, end, W, Zref);
    for (int threads : {1, 2}) {
      RowMatrix Z;
      std::vector<int> seen(end - begin, 0);
      std::vector<double> sums(2, 0.0);
      grassflow::project_visit(
          X, begin, end, W, Z,
          [&](int worker, std::size_t first, std::size_t count, const double* z) {
            for (std::size_t k = 0; k < count; ++k) {
              ++seen[first + k - begin];
              // The visitor's z is row first + k of the final Z (the block is already projected).
              for (Eigen::Index c = 0; c < r; ++c)
                sums[static_cast<std::size_t>(worker)] +=
                    std::fabs(z[k * r + c] - Zref(static_cast<Eigen::Index>(first + k - begin), c));
            }
          },
          threads);
      CHECK(Z == Zref);  // the same numbers, bit for bit
      CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(end - begin));
      CHECK(sums[0] == 0.0);
      CHECK(sums[1] == 0.0);
    }
  }
}
