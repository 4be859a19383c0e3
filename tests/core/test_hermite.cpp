// Hermite polynomials and Gauss rules: closed forms, Cramér's bound, exact rational values and numpy's rules
// (tests/fixtures/make_hermite_fixtures.py), orthonormality and exactness by quadrature (docs/theory.md §2, §8).
#include <doctest/doctest.h>

#include <cmath>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"
#include "json_fixture.h"

using namespace grassflow;

namespace {

constexpr double kPi = 3.14159265358979323846;

double double_factorial(int n) {
  double p = 1.0;
  for (int i = n; i > 1; i -= 2) p *= i;
  return p;
}

}  // namespace

TEST_CASE("He_k and h_k match the closed forms and each other") {
  for (double x : {-3.5, -1.0, 0.0, 0.3, 2.0, 7.25}) {
    CHECK(hermite_He(0, x) == 1.0);
    CHECK(hermite_He(1, x) == x);
    CHECK(hermite_He(2, x) == doctest::Approx(x * x - 1.0).epsilon(1e-15));
    CHECK(hermite_He(3, x) == doctest::Approx(x * x * x - 3.0 * x).epsilon(1e-15));
    CHECK(hermite_He(4, x) == doctest::Approx(x * x * x * x - 6.0 * x * x + 3.0).epsilon(1e-14));
    double factorial = 1.0;
    double all[21];
    hermite_h_all(20, x, all);
    for (int k = 0; k <= 20; ++k) {
      if (k > 0) factorial *= k;
      CHECK(hermite_h(k, x) == doctest::Approx(hermite_He(k, x) / std::sqrt(factorial)).epsilon(1e-13));
      CHECK(all[k] == hermite_h(k, x));
      // h_k' = √k h_{k−1}, against He_k' = k He_{k−1}.
      const double dHe = k == 0 ? 0.0 : k * hermite_He(k - 1, x);
      CHECK(hermite_h_derivative(k, x) == doctest::Approx(dHe / std::sqrt(factorial)).epsilon(1e-13));
    }
  }
  CHECK_THROWS_AS(hermite_h(-1, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(hermite_h(kMaxHermiteDegree + 1, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(hermite_He(kMaxMonicHermiteDegree + 1, 0.0), std::invalid_argument);
}

TEST_CASE("h_k is stable to k = 1000 at |x| <= 40: finite, within Cramér's bound, exact at 0") {
  double h[kMaxHermiteDegree + 1];
  for (double x : {-40.0, -17.3, -1.0, 0.0, 0.5, 12.0, 39.9, 40.0}) {
    hermite_h_all(kMaxHermiteDegree, x, h);
    const double cramer = 1.086435 * std::exp(0.25 * x * x);  // |h_k(x)| ≤ K e^{x²/4}, K ≈ 1.086435
    bool finite = true, bounded = true;
    for (int k = 0; k <= kMaxHermiteDegree; ++k) {
      finite = finite && std::isfinite(h[k]);
      bounded = bounded && std::fabs(h[k]) <= cramer * (1.0 + 1e-12);
    }
    CHECK(finite);
    CHECK(bounded);
  }
  // h_{2m}(0) = (−1)^m √((2m)!/(4^m m!²)).
  for (int m : {1, 10, 100, 500}) {
    const double log_abs = 0.5 * (std::lgamma(2.0 * m + 1) - 2.0 * std::lgamma(m + 1.0) - 2.0 * m * std::log(2.0));
    const double expected = (m % 2 ? -1.0 : 1.0) * std::exp(log_abs);
    CHECK(hermite_h(2 * m, 0.0) == doctest::Approx(expected).epsilon(1e-12));
    CHECK(hermite_h(2 * m - 1, 0.0) == 0.0);
  }
}

TEST_CASE("h_k agrees with exact rational values (fixture) to 1e-12 relative, k up to 1000") {
  const nlohmann::json values = read_json_fixture("hermite_values.json");
  REQUIRE(values.size() > 50);
  for (const auto& v : values) {
    const int k = v["k"];
    const double x = v["x"], expected = v["h"];
    INFO("k = " << k << ", x = " << x);
    // Relative accuracy degrades like k·ε near the zeros' cancellations; 1e-12 of max(|h|, 1) is reached.
    CHECK(std::fabs(hermite_h(k, x) - expected) <= 1e-12 * std::max(std::fabs(expected), 1.0));
  }
}

TEST_CASE("Gauss–Hermite: positive symmetric weights summing to 1, matching numpy's hermegauss") {
  for (int q : {1, 2, 3, 7, 20, 64, 137, kMaxGaussHermiteNodes}) {
    const QuadratureRule rule = gauss_hermite(q);
    REQUIRE(rule.size() == q);
    double sum = 0.0;
    bool positive = true, symmetric = true, ascending = true;
    for (int i = 0; i < q; ++i) {
      sum += rule.weights[i];
      positive = positive && rule.weights[i] > 0.0;
      symmetric = symmetric && rule.nodes[i] == -rule.nodes[q - 1 - i] && rule.weights[i] == rule.weights[q - 1 - i];
      if (i > 0) ascending = ascending && rule.nodes[i] > rule.nodes[i - 1];
    }
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(positive);
    CHECK(symmetric);
    CHECK(ascending);
  }
  for (const auto& fixture : read_json_fixture("gauss_hermite.json")) {
    const int q = fixture["q"];
    const QuadratureRule rule = gauss_hermite(q);
    for (int i = 0; i < q; ++i) {
      const double node = fixture["nodes"][i], weight = fixture["weights"][i];
      CHECK(rule.nodes[i] == doctest::Approx(node).epsilon(1e-13).scale(1.0));
      // numpy's weights are accurate to ~1e-14 absolute; ours keep relative accuracy in the tails too.
      CHECK(std::fabs(rule.weights[i] - weight) <= 1e-14 + 1e-12 * weight);
    }
  }
  CHECK_THROWS_AS(gauss_hermite(0), std::invalid_argument);
  CHECK_THROWS_AS(gauss_hermite(kMaxGaussHermiteNodes + 1), LimitError);
}

TEST_CASE("Gauss–Hermite with q nodes is exact to degree 2q−1, and misses E z^{2q} by exactly q!") {
  for (int q : {1, 4, 9, 30}) {
    const QuadratureRule rule = gauss_hermite(q);
    for (int j = 0; j <= 2 * q; ++j) {
      double moment = 0.0, abs_moment = 0.0;
      for (int i = 0; i < q; ++i) {
        moment += rule.weights[i] * std::pow(rule.nodes[i], j);
        abs_moment += rule.weights[i] * std::pow(std::fabs(rule.nodes[i]), j);
      }
      const double exact = j % 2 ? 0.0 : double_factorial(j - 1);  // E z^j = (j−1)!!
      INFO("q = " << q << ", j = " << j);
      if (j < 2 * q) {
        CHECK(std::fabs(moment - exact) <= 1e-13 * abs_moment);  // odd moments cancel up to rounding
      } else {
        // The Gauss rule's error on z^{2q} is ‖He_q‖² = q! (He_q is the monic orthogonal polynomial).
        const double q_factorial = std::tgamma(q + 1.0);
        CHECK(exact - moment == doctest::Approx(q_factorial).epsilon(1e-10 * exact / q_factorial + 1e-12));
      }
    }
  }
}

TEST_CASE("h_k are orthonormal under N(0,1) to 1e-13 (60-node rule, k <= 55)") {
  const QuadratureRule rule = gauss_hermite(60);
  const int K = 55;
  std::vector<double> gram((K + 1) * (K + 1), 0.0), h(K + 1);
  for (int i = 0; i < rule.size(); ++i) {
    hermite_h_all(K, rule.nodes[i], h.data());
    for (int a = 0; a <= K; ++a)
      for (int b = 0; b <= K; ++b) gram[a * (K + 1) + b] += rule.weights[i] * h[a] * h[b];
  }
  double worst = 0.0;
  for (int a = 0; a <= K; ++a)
    for (int b = 0; b <= K; ++b) worst = std::max(worst, std::fabs(gram[a * (K + 1) + b] - (a == b ? 1.0 : 0.0)));
  CHECK(worst < 1e-13);
}

TEST_CASE("half-range and split rules: moments of the half-normal weight to 1e-13, exact to degree 2q−1") {
  for (int q : {1, 2, 5, 12, 40, kMaxHalfRangeNodes}) {
    const QuadratureRule rule = half_range_gauss_hermite(q);
    bool positive = true;
    for (int i = 0; i < q; ++i) positive = positive && rule.weights[i] > 0.0 && rule.nodes[i] > 0.0;
    CHECK(positive);
    // ∫_0^∞ x^j 2φ(x) dx = 2^{j/2} Γ((j+1)/2)/√π; compare in the scale of a normalised moment.
    for (int j = 0; j < 2 * q && j <= 60; ++j) {
      double moment = 0.0;
      for (int i = 0; i < q; ++i) moment += rule.weights[i] * std::pow(rule.nodes[i], j);
      const double exact = std::exp(0.5 * j * std::log(2.0) + std::lgamma(0.5 * (j + 1)) - 0.5 * std::log(kPi));
      INFO("q = " << q << ", j = " << j);
      CHECK(moment == doctest::Approx(exact).epsilon(1e-13));
    }
  }
  // |x|^3 sign(x)-like piecewise polynomials are integrated exactly by the split rule.
  const QuadratureRule split = split_gauss_hermite(3);
  double sum = 0.0, abs1 = 0.0, relu3 = 0.0, odd = 0.0;
  for (int i = 0; i < split.size(); ++i) {
    const double x = split.nodes[i], w = split.weights[i];
    sum += w;
    abs1 += w * std::fabs(x);
    relu3 += w * (x > 0 ? x * x * x : 0.0);
    odd += w * x * x * x;
    CHECK(split.nodes[i] == -split.nodes[split.size() - 1 - i]);
  }
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(abs1 == doctest::Approx(std::sqrt(2.0 / kPi)).epsilon(1e-14));   // E|z|
  CHECK(relu3 == doctest::Approx(std::sqrt(2.0 / kPi)).epsilon(1e-14));  // E relu(z)³ = 2/√(2π)
  CHECK(std::fabs(odd) < 1e-15);
  CHECK_THROWS_AS(half_range_gauss_hermite(kMaxHalfRangeNodes + 1), LimitError);
}
