// SIR, SAVE and pHd against a direct numpy implementation, and on the links where each is known to succeed
// or fail (docs/theory.md §7: SIR fails on even links, SAVE does not).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace

TEST_CASE("SIR, SAVE and pHd match a direct numpy implementation") {
  const Dataset data =
      grassflow::load_csv_file(std::string(GRASSFLOW_TEST_DATA) + "/baselines_data.csv", 6, Precision::float64);
  REQUIRE(data.size() == 500);
  const SubspaceEstimate estimates[] = {grassflow::sliced_inverse_regression(data, 2, 10),
                                        grassflow::sliced_average_variance(data, 2, 5),
                                        grassflow::principal_hessian_directions(data, 2)};
  const char* names[] = {"sir", "save", "phd"};
  for (int m = 0; m < 3; ++m) {
    CAPTURE(names[m]);
    const std::vector<double> lambda = reference(names[m], "eigenvalues");
    const std::vector<double> P = reference(names[m], "projector");
    REQUIRE(lambda.size() == 6);
    for (Eigen::Index k = 0; k < 6; ++k)
      CHECK(estimates[m].eigenvalues(k) == doctest::Approx(lambda[static_cast<std::size_t>(k)]).epsilon(1e-9));
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
