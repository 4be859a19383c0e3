// SIR, SAVE and pHd against a direct numpy implementation and against the straightforward multi-pass Eigen
// formulas (the implementation before the fused pass, kept here as the reference), and on the links where each
// is known to succeed or fail (docs/theory.md §7: SIR fails on even links, SAVE does not).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "grassflow/baselines.h"
#include "grassflow/errors.h"
#include "grassflow/manifold.h"

using grassflow::Dataset;
using grassflow::Precision;
using grassflow::SubspaceEstimate;

namespace {

std::vector<double> reference(const std::string& method, const std::string& what) {
  std::ifstream in(std::string(GRASSFLOW_TEST_DATA) + "/baselines_reference.txt");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string m, w;
    words >> m >> w;
    if (m != method || w != what) continue;
    std::vector<double> values;
    double v;
    while (words >> v) values.push_back(v);
    return values;
  }
  FAIL("missing reference ", method, " ", what);
  return {};
}

// sin θ_max between span B and span W*: the largest singular value of (I − BBᵀ)W* (both orthonormal).
double sin_theta_max(const Eigen::MatrixXd& B, const Eigen::MatrixXd& W) {
  const Eigen::MatrixXd residual = W - B * (B.transpose() * W);
  return Eigen::JacobiSVD<Eigen::MatrixXd>(residual).singularValues()(0);
}

Dataset planted(std::function<double(const double*)> link, int d, int r, std::size_t n, double noise,
                std::uint64_t seed) {
  grassflow::SampleStream stream({grassflow::leading_axes(d, r), std::move(link), noise}, seed, 0);
  return stream.draw(n, Precision::float64);
}

// The definitions of baselines.h computed the plain way, one pass per moment: Σ̂ centred at μ̂, whitening by
// the symmetric Σ̂^{−1/2} from a full eigendecomposition, the full spectrum of M sorted by the method's rank.
namespace multipass {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd rows(const Dataset& data) {
  MatrixXd X(static_cast<Index>(data.size()), static_cast<Index>(data.dim()));
  std::vector<double> x(data.dim());
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    X.row(static_cast<Index>(i)) = Eigen::Map<const Eigen::RowVectorXd>(x.data(), X.cols());
  }
  return X;
}

struct Whitened {
  MatrixXd Z, inv_sqrt;
};

Whitened whiten(const MatrixXd& X) {
  const MatrixXd Xc = X.rowwise() - X.colwise().mean();
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(Xc.transpose() * Xc / static_cast<double>(X.rows()));
  const MatrixXd inv_sqrt =
      eig.eigenvectors() * eig.eigenvalues().cwiseInverse().cwiseSqrt().asDiagonal() * eig.eigenvectors().transpose();
  return {Xc * inv_sqrt, inv_sqrt};
}

std::vector<std::vector<Index>> slices_of(const std::vector<double>& y, int H) {
  std::vector<Index> order(y.size());
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return y[a] < y[b]; });
  std::vector<std::vector<Index>> out;
  const std::size_t n = y.size();
  for (std::size_t h = 0; h < static_cast<std::size_t>(H); ++h)
    out.emplace_back(order.begin() + static_cast<long>(h * n / H), order.begin() + static_cast<long>((h + 1) * n / H));
  return out;
}

SubspaceEstimate finish(const MatrixXd& M, const MatrixXd& inv_sqrt, int r, bool by_magnitude) {
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(M);
  const VectorXd& lambda = eig.eigenvalues();
  std::vector<Index> order(static_cast<std::size_t>(M.rows()));
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return by_magnitude ? std::abs(lambda(a)) > std::abs(lambda(b)) : lambda(a) > lambda(b);
  });
  SubspaceEstimate estimate;
  estimate.eigenvalues.resize(r);
  MatrixXd eta(M.rows(), r);
  for (Index c = 0; c < r; ++c) {
    estimate.eigenvalues(c) = lambda(order[static_cast<std::size_t>(c)]);
    eta.col(c) = eig.eigenvectors().col(order[static_cast<std::size_t>(c)]);
  }
  estimate.basis = grassflow::orthonormal_factor(inv_sqrt * eta);
  return estimate;
}

SubspaceEstimate sir(const Dataset& data, int r, int H) {
  const Whitened w = whiten(rows(data));
  MatrixXd M = MatrixXd::Zero(w.Z.cols(), w.Z.cols());
  for (const auto& s : slices_of(data.y, H)) {
    const VectorXd m = w.Z(s, Eigen::all).colwise().mean().transpose();
    M += static_cast<double>(s.size()) / static_cast<double>(data.size()) * m * m.transpose();
  }
  return finish(M, w.inv_sqrt, r, false);
}

SubspaceEstimate save(const Dataset& data, int r, int H) {
  const Whitened w = whiten(rows(data));
  const Index d = w.Z.cols();
  MatrixXd M = MatrixXd::Zero(d, d);
  for (const auto& s : slices_of(data.y, H)) {
    const MatrixXd Zs = w.Z(s, Eigen::all);
    const MatrixXd Zc = Zs.rowwise() - Zs.colwise().mean();
    const MatrixXd A = MatrixXd::Identity(d, d) - Zc.transpose() * Zc / static_cast<double>(s.size());
    M += static_cast<double>(s.size()) / static_cast<double>(data.size()) * A * A;
  }
  return finish(M, w.inv_sqrt, r, false);
}

SubspaceEstimate phd(const Dataset& data, int r) {
  const Whitened w = whiten(rows(data));
  const VectorXd y = Eigen::Map<const VectorXd>(data.y.data(), static_cast<Index>(data.y.size()));
  const VectorXd weight = y.array() - y.mean();
  const MatrixXd M = w.Z.transpose() * weight.asDiagonal() * w.Z / static_cast<double>(data.size());
  return finish(M, w.inv_sqrt, r, true);
}

}  // namespace multipass

// Both estimates agree: the same span (sin θ_max) and the same top eigenvalues (relative to the largest).
void check_same(const SubspaceEstimate& a, const SubspaceEstimate& b, double tolerance) {
  REQUIRE(a.basis.rows() == b.basis.rows());
  REQUIRE(a.basis.cols() == b.basis.cols());
  REQUIRE(a.eigenvalues.size() == b.eigenvalues.size());
  CHECK(sin_theta_max(a.basis, b.basis) < tolerance);
  const double scale = b.eigenvalues.cwiseAbs().maxCoeff();
  CHECK((a.eigenvalues - b.eigenvalues).cwiseAbs().maxCoeff() <= tolerance * scale);
}

// A dataset whose three baselines all see the index space: z1 + z1·z2 (odd and even parts).
Dataset mixed(int d, std::size_t n, std::uint64_t seed) {
  return planted([](const double* z) { return z[0] + z[0] * z[1]; }, d, 2, n, 0.3, seed);
}

}  // namespace

TEST_CASE("SIR, SAVE and pHd match a direct numpy implementation") {
  const Dataset data =
      grassflow::load_csv_file(std::string(GRASSFLOW_TEST_DATA) + "/baselines_data.csv", 6, Precision::float64);
  REQUIRE(data.size() == 500);
  const SubspaceEstimate estimates[] = {grassflow::sliced_inverse_regression(data, 2, 10),
                                        grassflow::sliced_average_variance(data, 2, 5),
                                        grassflow::principal_hessian_directions(data, 2)};
  // With r = d the whole spectrum, in the method's ranking.
  const SubspaceEstimate spectra[] = {grassflow::sliced_inverse_regression(data, 6, 10),
                                      grassflow::sliced_average_variance(data, 6, 5),
                                      grassflow::principal_hessian_directions(data, 6)};
  const char* names[] = {"sir", "save", "phd"};
  for (int m = 0; m < 3; ++m) {
    CAPTURE(names[m]);
    const std::vector<double> lambda = reference(names[m], "eigenvalues");
    const std::vector<double> P = reference(names[m], "projector");
    REQUIRE(lambda.size() == 6);
    REQUIRE(estimates[m].eigenvalues.size() == 2);
    REQUIRE(spectra[m].eigenvalues.size() == 6);
    for (Eigen::Index k = 0; k < 6; ++k) {
      // SIR's kernel has rank H − 1 = 9 ≥ 6 here: every eigenvalue is well above rounding.
      CHECK(spectra[m].eigenvalues(k) == doctest::Approx(lambda[static_cast<std::size_t>(k)]).epsilon(1e-9));
      if (k < 2)
        CHECK(estimates[m].eigenvalues(k) == doctest::Approx(lambda[static_cast<std::size_t>(k)]).epsilon(1e-9));
    }
    const Eigen::MatrixXd& B = estimates[m].basis;
    CHECK((B.transpose() * B - Eigen::MatrixXd::Identity(2, 2)).norm() < 1e-12);
    const Eigen::MatrixXd projector = B * B.transpose();
    for (Eigen::Index i = 0; i < 6; ++i)
      for (Eigen::Index j = 0; j < 6; ++j)
        CHECK(std::fabs(projector(i, j) - P[static_cast<std::size_t>(i * 6 + j)]) < 1e-9);
  }
}

TEST_CASE("z1·z2 (even): SIR fails, SAVE and pHd recover span W*") {
  // E[z | y] = 0 by the symmetry z → −z, so SIR's slice means are noise; the conditional variances are not.
  const int d = 20;
  const Dataset data = planted([](const double* z) { return z[0] * z[1]; }, d, 2, 20000, 0.1, 3);
  const Eigen::MatrixXd W = grassflow::leading_axes(d, 2);
  CHECK(sin_theta_max(grassflow::sliced_inverse_regression(data, 2).basis, W) > 0.9);
  CHECK(sin_theta_max(grassflow::sliced_average_variance(data, 2).basis, W) < 0.15);
  CHECK(sin_theta_max(grassflow::principal_hessian_directions(data, 2).basis, W) < 0.15);
}

TEST_CASE("z1 + z2³ (odd, monotone): SIR recovers span W*, pHd does not") {
  // E[y z zᵀ] = 0 for this link (no degree-2 Hermite part), so pHd's kernel is noise.
  const int d = 20;
  const Dataset data = planted([](const double* z) { return z[0] + z[1] * z[1] * z[1]; }, d, 2, 20000, 0.1, 4);
  const Eigen::MatrixXd W = grassflow::leading_axes(d, 2);
  CHECK(sin_theta_max(grassflow::sliced_inverse_regression(data, 2).basis, W) < 0.15);
  CHECK(sin_theta_max(grassflow::principal_hessian_directions(data, 2).basis, W) > 0.9);
}

TEST_CASE("baselines refuse what they cannot estimate") {
  const Dataset small = planted([](const double* z) { return z[0]; }, 10, 1, 10, 0.0, 1);
  CHECK_THROWS_WITH_AS(grassflow::sliced_inverse_regression(small, 1),
                       "SIR: n = 10 samples for d = 10; the sample covariance needs n > d (draw more samples)",
                       grassflow::InputError);
  const Dataset data = planted([](const double* z) { return z[0]; }, 4, 1, 100, 0.0, 1);
  CHECK_THROWS_AS(grassflow::sliced_average_variance(data, 5), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::sliced_inverse_regression(data, 1, 60), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::principal_hessian_directions(data, 1, 100), grassflow::LimitError);
  // A constant column makes Σ̂ singular.
  std::string text;
  for (int i = 0; i < 50; ++i) text += std::to_string(i % 7) + ",1," + std::to_string(i % 3) + "\n";
  std::istringstream in(text);
  const Dataset constant = grassflow::load_csv(in, "c.csv", 2, Precision::float64);
  CHECK_THROWS_AS(grassflow::principal_hessian_directions(constant, 1), grassflow::InputError);
}

TEST_CASE("the fused pass equals the multi-pass formulas") {
  // d = 40; 10 slices of 300 rows (one block each), then 2 slices of 2500 rows (blocks of 1024 rows and a
  // partial last block in each slice). SIR's kernel has rank H − 1 (1 with 2 slices): beyond it the
  // eigenvectors are arbitrary, so SIR is compared on at most H − 1 directions.
  const std::pair<std::size_t, int> cases[] = {{3000, 10}, {5000, 2}};
  for (const auto& [rows, H] : cases) {
    const std::size_t n = rows;  // (clang 14 does not let CAPTURE's lambda see a structured binding)
    CAPTURE(n);
    const Dataset data = mixed(40, n, 11);
    grassflow::BaselineOptions options;
    options.slices = H;
    const int r_sir = std::min(3, H - 1);
    const grassflow::BaselineFits fits = grassflow::fit_baselines(data, 3, options);
    REQUIRE(fits.save.ok());
    REQUIRE(fits.phd.ok());
    const SubspaceEstimate sir = grassflow::fit_baselines(data, r_sir, options).sir.value();
    check_same(sir, multipass::sir(data, r_sir, H), 1e-10);
    check_same(fits.save.value(), multipass::save(data, 3, H), 1e-10);
    check_same(fits.phd.value(), multipass::phd(data, 3), 1e-10);
    // Each method alone (a pass with only what it needs) gives the same estimate.
    check_same(grassflow::sliced_inverse_regression(data, r_sir, H), sir, 1e-12);
    check_same(grassflow::sliced_average_variance(data, 3, H), fits.save.value(), 1e-12);
    check_same(grassflow::principal_hessian_directions(data, 3), fits.phd.value(), 1e-12);
  }
}

TEST_CASE("the fused pass: threads, slices, float32 storage and an offset") {
  {
    // d = 150: products large enough for OpenBLAS to split them over its threads.
    const Dataset wide = mixed(150, 3000, 13);
    grassflow::BaselineOptions one, all;
    one.threads = 1;
    all.threads = 0;
    const grassflow::BaselineFits a = grassflow::fit_baselines(wide, 2, one);
    const grassflow::BaselineFits b = grassflow::fit_baselines(wide, 2, all);
    check_same(b.sir.value(), a.sir.value(), 1e-12);
    check_same(b.save.value(), a.save.value(), 1e-12);
    check_same(b.phd.value(), a.phd.value(), 1e-12);
  }
  const Dataset data = mixed(30, 2500, 12);
  const grassflow::BaselineFits a = grassflow::fit_baselines(data, 2);

  grassflow::BaselineOptions five;
  five.slices = 5;
  const grassflow::BaselineFits f = grassflow::fit_baselines(data, 2, five);
  check_same(f.sir.value(), multipass::sir(data, 2, 5), 1e-10);
  check_same(f.save.value(), multipass::save(data, 2, 5), 1e-10);

  // Inputs far from the origin (a common offset of 10⁴ against unit spread): the provisional centre keeps
  // Σ u uᵀ − n ūūᵀ from cancelling digits; the estimates are those of the centred data.
  Dataset shifted{grassflow::SampleMatrix(data.size(), data.dim(), Precision::float64), data.y};
  std::vector<double> x(data.dim());
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    for (double& v : x) v += 1e4;
    shifted.x.set_row(i, x.data());
  }
  const grassflow::BaselineFits s = grassflow::fit_baselines(shifted, 2);
  check_same(s.sir.value(), a.sir.value(), 1e-9);
  check_same(s.save.value(), a.save.value(), 1e-9);
  check_same(s.phd.value(), a.phd.value(), 1e-9);

  // float32 storage: the rows widened to double, then the same float64 arithmetic.
  Dataset single{grassflow::SampleMatrix(data.size(), data.dim(), Precision::float32), data.y};
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    single.x.set_row(i, x.data());
  }
  check_same(grassflow::fit_baselines(single, 2).save.value(), multipass::save(single, 2, 10), 1e-10);
}

TEST_CASE("fit_baselines reports each method's error under its key") {
  const Dataset data = planted([](const double* z) { return z[0]; }, 4, 1, 100, 0.0, 1);
  const auto key_of = [](const grassflow::BaselineResult& result) -> std::string {
    try {
      result.value();
    } catch (const grassflow::InputError& e) {
      return "input " + e.key();
    } catch (const grassflow::LimitError& e) {
      return "limit " + e.key();
    }
    return "none";
  };
  grassflow::BaselineFits fits = grassflow::fit_baselines(data, 5);
  CHECK(key_of(fits.sir) == "input r");
  CHECK(key_of(fits.phd) == "input r");
  CHECK_THROWS_WITH(fits.save.value(), "SAVE: r = 5 with d = 4; need 1 <= r <= d");
  // Too many slices stop SIR and SAVE, not pHd.
  grassflow::BaselineOptions options;
  options.slices = 60;
  fits = grassflow::fit_baselines(data, 1, options);
  CHECK(key_of(fits.sir) == "input slices");
  CHECK(key_of(fits.save) == "input slices");
  CHECK(key_of(fits.phd) == "none");
  options = {};
  options.memory_cap = 1000;
  fits = grassflow::fit_baselines(data, 1, options);
  CHECK(key_of(fits.save) == "limit d");
  CHECK_THROWS_WITH(fits.sir.value(),
                    "SIR: d = 4 needs 1792 bytes of d x d matrices, above the cap of 1000 bytes; lower d");
  options = {};
  options.save = false;
  fits = grassflow::fit_baselines(data, 1, options);
  CHECK(key_of(fits.save) == "input ");
  CHECK(fits.sir.ok());
  options.threads = -1;
  CHECK_THROWS_AS(grassflow::fit_baselines(data, 1, options), grassflow::InputError);
  const Dataset small = planted([](const double* z) { return z[0]; }, 10, 1, 10, 0.0, 1);
  CHECK(key_of(grassflow::fit_baselines(small, 1).phd) == "input n");
  std::string text;
  for (int i = 0; i < 50; ++i) text += std::to_string(i % 7) + ",1," + std::to_string(i % 3) + "\n";
  std::istringstream in(text);
  const Dataset constant = grassflow::load_csv(in, "c.csv", 2, Precision::float64);
  CHECK(key_of(grassflow::fit_baselines(constant, 1).sir) == "input data");
}
