// Hermite coefficients, information exponents and leaps of links: docs/theory.md §2 closed forms, numpy/scipy
// fixtures (tests/fixtures/make_hermite_fixtures.py), the leaps of docs/theory.md §6, limits and bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "grassflow/errors.h"
#include "grassflow/hermite.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/multiindex.h"
#include "json_fixture.h"

using namespace grassflow;

namespace {

constexpr double kPi = 3.14159265358979323846;

HermiteExpansion expand(const std::string& spec, int r = 0, int K = 8, QuadratureReport* report = nullptr) {
  return hermite_expansion(resolve_link(spec, r).link, K, report);
}

double alpha(const HermiteExpansion& e, const std::vector<int>& beta) {
  int k = 0;
  for (int b : beta) k += b;
  return coefficient_from_tensor(e.tensors[static_cast<std::size_t>(k)], beta);
}

double factorial(int n) {
  return std::tgamma(n + 1.0);
}

struct Expected {
  int s;
  std::vector<int> leaps, dimensions;
  int learnable;
};

}  // namespace

TEST_CASE("closed forms of docs/theory.md §2: sign, relu, |z|, tanh, z1 z2, sign(z1 z2)") {
  const HermiteExpansion sign = expand("sign(z1)"), relu = expand("preset:relu"), abs = expand("abs(z1)");
  const HermiteExpansion tanh = expand("preset:tanh");
  CHECK(alpha(sign, {1}) == doctest::Approx(0.797885).epsilon(1e-6));
  CHECK(alpha(sign, {3}) == doctest::Approx(-0.325735).epsilon(1e-6));
  CHECK(alpha(relu, {0}) == doctest::Approx(0.398942).epsilon(1e-6));
  CHECK(alpha(relu, {1}) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(alpha(relu, {2}) == doctest::Approx(0.282095).epsilon(1e-6));
  CHECK(std::fabs(alpha(relu, {3})) < 1e-15);
  CHECK(alpha(relu, {4}) == doctest::Approx(-0.081434).epsilon(1e-5));
  CHECK(alpha(abs, {0}) == doctest::Approx(0.797885).epsilon(1e-6));
  CHECK(alpha(abs, {2}) == doctest::Approx(0.564190).epsilon(1e-6));
  CHECK(alpha(tanh, {1}) == doctest::Approx(0.605706).epsilon(1e-6));
  CHECK(alpha(tanh, {3}) == doctest::Approx(-0.148437).epsilon(1e-6));
  CHECK(alpha(expand("preset:parity2"), {1, 1}) == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(alpha(expand("preset:sign2"), {1, 1}) == doctest::Approx(2.0 / kPi).epsilon(1e-14));
}

TEST_CASE("relu, sign and |z| are exact to 1e-14 up to degree 20 (split rule)") {
  // relu: α_0 = φ(0), α_1 = ½, α_k = φ(0) He_{k−2}(0)/√k! (k ≥ 2); sign: α_k = √(2/π) He_{k−1}(0)/√k! (k odd);
  // |z| = 2 relu(z) − z.
  const int K = 20;
  QuadratureReport report;
  const HermiteExpansion relu = expand("preset:relu", 0, K, &report), sign = expand("sign(z1)", 0, K);
  const HermiteExpansion abs = expand("abs(z1)", 0, K);
  CHECK(report.rule == "split-gauss-hermite");
  CHECK(report.converged);
  const double phi0 = 1.0 / std::sqrt(2.0 * kPi);
  for (int k = 0; k <= K; ++k) {
    INFO("k = " << k);
    const double r = k == 0 ? phi0 : k == 1 ? 0.5 : phi0 * hermite_He(k - 2, 0.0) / std::sqrt(factorial(k));
    const double s = k % 2 ? std::sqrt(2.0 / kPi) * hermite_He(k - 1, 0.0) / std::sqrt(factorial(k)) : 0.0;
    CHECK(std::fabs(alpha(relu, {k}) - r) < 1e-14);
    CHECK(std::fabs(alpha(sign, {k}) - s) < 1e-14);
    CHECK(std::fabs(alpha(abs, {k}) - (k == 1 ? 0.0 : 2.0 * r)) < 1e-14);
  }
  CHECK(relu.norm2 == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(sign.norm2 == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("coefficients agree with numpy/scipy fixtures to the accuracy each link is documented to reach") {
  const nlohmann::json fixtures = read_json_fixture("hermite_coefficients.json");
  REQUIRE(fixtures.size() >= 19);
  for (const auto& f : fixtures) {
    const std::string spec = f["spec"];
    const int r = f["r"], K = f["degree"];
    const double accuracy = f["accuracy"], norm2 = f["norm2"];
    INFO("link " << spec);
    QuadratureReport report;
    const HermiteExpansion e = expand(spec, r, K, &report);
    const double scale = std::max(1.0, std::sqrt(norm2));
    double worst = 0.0, sum_squares = 0.0;
    for (const auto& c : f["coefficients"]) {
      const std::vector<int> beta = c["beta"];
      const double expected = c["value"];
      worst = std::max(worst, std::fabs(alpha(e, beta) - expected));
      sum_squares += expected * expected;
    }
    CHECK(worst <= accuracy * scale);
    CHECK(std::fabs(e.norm2 - norm2) <= accuracy * scale * scale);
    CHECK(std::fabs(e.truncation_residual - (norm2 - sum_squares)) <= 2.0 * accuracy * scale * scale);
    // The report is honest: converged runs are within their estimate, the others say so.
    if (accuracy < 1e-6) CHECK(report.converged);
    CHECK(worst <= std::max(report.error_estimate, 1e-14 * scale));
  }
}

TEST_CASE("polynomial links are detected exact by the first Gauss–Hermite pair, other links pick their rule") {
  QuadratureReport report;
  const HermiteExpansion e = expand("z1^3*z2^2 - 2*z3 + 0.5", 0, 8, &report);
  CHECK(report.rule == "gauss-hermite");
  CHECK(report.nodes_per_axis == 18);
  CHECK(report.evaluations == 9 * 9 * 9 + 18 * 18 * 18);
  CHECK(report.error_estimate < 1e-13);
  CHECK(e.truncation_residual == 0.0);
  CHECK(alpha(e, {3, 2, 0}) == doctest::Approx(std::sqrt(6.0) * std::sqrt(2.0)).epsilon(1e-14));  // He_3 He_2 part
  // Degree 10 > K + 1 = 9 is not exact at (9, 18) nodes: the next pair (18, 36) is.
  expand("z1^10", 0, 8, &report);
  CHECK(report.rule == "gauss-hermite");
  CHECK(report.nodes_per_axis == 36);
  CHECK(report.converged);
  expand("preset:sign3", 0, 8, &report);
  CHECK(report.rule == "split-gauss-hermite");
  expand("max(z1,z2)", 0, 8, &report);
  CHECK(report.rule == "adaptive-gauss-kronrod");
  CHECK(report.converged);
  // The tensors are symmetric: T_3[i,j,k] is the same for every permutation.
  const HermiteExpansion s3 = expand("preset:staircase3");
  const SymTensor& T = s3.tensors[3];
  CHECK(T[0 * 9 + 1 * 3 + 2] == doctest::Approx(1.0 / 6.0));
  for (int p : {0 * 9 + 2 * 3 + 1, 1 * 9 + 0 * 3 + 2, 1 * 9 + 2 * 3 + 0, 2 * 9 + 0 * 3 + 1, 2 * 9 + 1 * 3 + 0})
    CHECK(T[static_cast<std::size_t>(p)] == T[5]);
}

TEST_CASE("information exponents and leaps of every preset (docs/theory.md §6)") {
  const std::map<std::string, Expected> expected = {{"he2", {2, {2}, {1}, 1}},
                                                    {"he3", {3, {3}, {1}, 1}},
                                                    {"he4", {4, {4}, {1}, 1}},
                                                    {"parity2", {2, {2}, {2}, 2}},
                                                    {"parity3", {3, {3}, {3}, 3}},
                                                    {"staircase2", {1, {1, 1}, {1, 1}, 2}},
                                                    {"staircase3", {1, {1, 1, 1}, {1, 1, 1}, 3}},
                                                    {"he3sum2", {3, {3}, {2}, 2}},
                                                    {"he4sum2", {4, {4}, {2}, 2}},
                                                    {"he2sum2", {2, {2}, {2}, 2}},
                                                    {"tanh", {1, {1}, {1}, 1}},
                                                    {"relu", {1, {1}, {1}, 1}},
                                                    {"sign2", {2, {2}, {2}, 2}},
                                                    {"sign3", {3, {3}, {3}, 3}},
                                                    {"z1he3", {1, {1, 3}, {1, 1}, 2}},
                                                    {"degenerate", {2, {2}, {1}, 1}},
                                                    {"he3sum", {3, {3}, {2}, 2}},
                                                    {"trap", {2, {2}, {1}, 1}}};
  REQUIRE(expected.size() == presets().size());
  for (const PresetInfo& info : presets()) {
    INFO("preset " << info.name);
    const Expected& x = expected.at(info.name);
    // The native preset and its muparser expression go through different code paths.
    for (const std::string& spec : {"preset:" + info.name, preset_expression(info.name, info.natural_r)}) {
      QuadratureReport report;
      const HermiteExpansion e = expand(spec, info.natural_r, 8, &report);
      const double tolerance = zero_tolerance(e, report);
      const LeapSequence leaps = leap_sequence(e, tolerance);
      CHECK(information_exponent(e, tolerance) == x.s);
      CHECK(leaps.leaps == x.leaps);
      CHECK(leaps.stage_dimensions == x.dimensions);
      CHECK(leaps.learnable_dimension == x.learnable);
      CHECK(leaps.leap_exponent == *std::max_element(x.leaps.begin(), x.leaps.end()));
    }
  }
  // Families and larger r: the extra directions are never learned.
  const LeapSequence he3sum4 = leap_sequence(expand("preset:he3sum", 4));
  CHECK(he3sum4.leaps == std::vector<int>{3});
  CHECK(he3sum4.stage_dimensions == std::vector<int>{4});
  const LeapSequence trap3 = leap_sequence(expand("preset:trap", 3));
  CHECK(trap3.leaps == std::vector<int>{2});
  CHECK(trap3.learnable_dimension == 3);
  const LeapSequence he3in3 = leap_sequence(expand("preset:he3", 3));
  CHECK(he3in3.learnable_dimension == 1);
  CHECK(he3in3.leap_exponent == 3);
}

TEST_CASE("leaps are basis-free: rotated links have the leaps of the originals") {
  // z1 + z1 z2 z3: leaps 1, 2 (docs/theory.md §6).
  LeapSequence l = leap_sequence(expand("z1 + z1*z2*z3"));
  CHECK(l.leaps == std::vector<int>{1, 2});
  CHECK(l.stage_dimensions == std::vector<int>{1, 2});
  // u + u v with u = (z1 + z2)/√2, v = (z1 − z2)/√2: a staircase in a rotated frame.
  l = leap_sequence(expand("(z1 + z2)/sqrt(2) + (z1 + z2)*(z1 - z2)/2"));
  CHECK(l.leaps == std::vector<int>{1, 1});
  // z1 z2 rotated by 45°: (z1² − z2²)/2, still one leap of 2 carrying both directions.
  l = leap_sequence(expand("(z1^2 - z2^2)/2"));
  CHECK(l.leaps == std::vector<int>{2});
  CHECK(l.stage_dimensions == std::vector<int>{2});
  // A rotated single index h_3(w·z) with w = (3, 4, 0)/5: one direction, the third never learned.
  l = leap_sequence(expand("h(3, 0.6*z1 + 0.8*z2)", 3));
  CHECK(l.leaps == std::vector<int>{3});
  CHECK(l.learnable_dimension == 1);
  // max(z1, z2) = (z1 + z2)/2 + |z1 − z2|/2: the mean direction first, then |v| (even: degree 2).
  l = leap_sequence(expand("max(z1, z2)"));
  CHECK(l.leaps == std::vector<int>{1, 2});
  // Off-axis kink in r = 3, computed to ~1e-4 only: the report's tolerance keeps the single index single.
  QuadratureReport report;
  const HermiteExpansion relu3 = expand("relu(z1+z2+z3)", 0, 8, &report);
  CHECK_FALSE(report.converged);
  CHECK(report.error_estimate < 1e-3);
  l = leap_sequence(relu3, zero_tolerance(relu3, report));
  CHECK(l.leaps == std::vector<int>{1});
  CHECK(l.learnable_dimension == 1);
}

TEST_CASE("constant links, exponents above K, truncation residuals") {
  const HermiteExpansion constant = expand("3", 2);
  CHECK(information_exponent(constant) == 0);
  const LeapSequence none = leap_sequence(constant);
  CHECK(none.leaps.empty());
  CHECK(none.leap_exponent == 0);
  CHECK(none.learnable_dimension == 0);
  CHECK(constant.norm2 == doctest::Approx(9.0));
  // h_4 seen only up to K = 2: no energy in degrees 1..2, everything in the residual.
  const HermiteExpansion he4 = expand("preset:he4", 0, 2);
  CHECK(information_exponent(he4) == 0);
  CHECK(he4.truncation_residual == doctest::Approx(1.0).epsilon(1e-14));
  // tanh: ‖tanh‖² − Σ_{k≤8} α_k² = Σ_{k≥9} α_k² > 0.
  const HermiteExpansion tanh = expand("preset:tanh");
  CHECK(tanh.truncation_residual > 1e-4);
  CHECK(tanh.truncation_residual < 1e-3);
}

TEST_CASE("high-degree links keep their mass beyond |z| = 14: ‖h_k‖² = 1 whatever k, all of it above K") {
  // h_k's outermost zero is near √(4k + 2) (15.5 for k = 60, 24.5 for k = 150): a rule that stopped at 14
  // lost most of ‖h_k‖² (0.72 for k = 60, 0.49 for k = 100) and reported it as converged.
  for (int k : {30, 60, 100}) {
    INFO("h(" << k << ",z1)");
    QuadratureReport report;
    const HermiteExpansion e = expand("h(" + std::to_string(k) + ",z1)", 0, 8, &report);
    CHECK(report.converged);
    CHECK(e.norm2 == doctest::Approx(1.0).epsilon(1e-10));
    CHECK(e.truncation_residual == doctest::Approx(1.0).epsilon(1e-10));
    CHECK(information_exponent(e) == 0);
  }
  // h_150 at the largest K: no spurious energy in degrees 1..99 (the truncated rule reported exponent 24).
  const HermiteExpansion h150 = expand("h(150,z1)", 0, 99);
  CHECK(information_exponent(h150) == 0);
  const std::vector<double> energy = h150.degree_energy();
  CHECK(*std::max_element(energy.begin(), energy.end()) < 1e-20);
  CHECK(h150.truncation_residual == doctest::Approx(1.0).epsilon(1e-10));
}

TEST_CASE(
    "heavy tails: E[exp(2 z²/c)] = 1/sqrt(1 − 4/c) for c > 4 is integrated; c = 4 (infinite) is refused for dynamics") {
  // c = 4.2: the integrand f²φ decays only as exp(−z²/84), so the tails reach far beyond |z| = 14.
  QuadratureReport heavy;
  const Link tame = resolve_link("exp(z1^2/4.2)", 0).link;
  const HermiteExpansion e = hermite_expansion(tame, 8, &heavy);
  CHECK(heavy.converged);
  CHECK(e.norm2 == doctest::Approx(1.0 / std::sqrt(1.0 - 4.0 / 4.2)).epsilon(1e-9));
  CHECK_NOTHROW(check_usable_for_dynamics(tame, e, heavy));
  // c = 4: E f*² = ∫ 1/√(2π) dz = ∞. The rule must not report the truncated 76/√(2π) ≈ 30.3 as converged.
  QuadratureReport infinite;
  const Link wild = resolve_link("exp(z1^2/4)", 0).link;
  const HermiteExpansion w = hermite_expansion(wild, 8, &infinite);
  CHECK_FALSE(infinite.converged);
  CHECK(infinite.error_estimate > 1e-3 * std::sqrt(w.norm2));
  CHECK_THROWS_WITH_AS(check_usable_for_dynamics(wild, w, infinite), doctest::Contains("exp(z1^2/4) did not converge"),
                       InputError);
  CHECK(quadrature_warning(infinite, zero_tolerance(w, infinite)).find("estimated accuracy") != std::string::npos);
  CHECK(quadrature_warning(heavy, zero_tolerance(e, heavy)).empty());
  // He_150 is square-integrable (E He_150² = 150! ≈ 5.7e262, integrated exactly) but beyond the flows' range.
  QuadratureReport big;
  const Link he150 = resolve_link("He(150,z1)", 0).link;
  const HermiteExpansion b = hermite_expansion(he150, 8, &big);
  CHECK(b.norm2 == doctest::Approx(std::exp(std::lgamma(151.0))).epsilon(1e-9));
  CHECK_THROWS_WITH_AS(check_usable_for_dynamics(he150, b, big), doctest::Contains("exceeds 1e+100"), InputError);
  CHECK(truncation_warning(b, zero_tolerance(b, big)).find("degrees 1..8 carry no energy") != std::string::npos);
  // h_2 seen at K = 1: constant after truncation; at K = 2 no warning.
  CHECK(!truncation_warning(expand("preset:he2", 0, 1), kHermiteZeroTolerance).empty());
  CHECK(truncation_warning(expand("preset:he2", 0, 2), kHermiteZeroTolerance).empty());
}

TEST_CASE("hermite_coefficients lists every β in the documented order") {
  const HermiteExpansion e = expand("preset:z1he3");
  const std::vector<HermiteCoefficient> list = hermite_coefficients(e);
  const std::vector<std::vector<int>> betas = multi_indices(2, 8);
  REQUIRE(list.size() == betas.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    CHECK(list[i].beta == betas[i]);
    const bool nonzero = list[i].beta == std::vector<int>{1, 0} || list[i].beta == std::vector<int>{0, 3};
    CHECK(list[i].value == doctest::Approx(nonzero ? 1.0 : 0.0).epsilon(1e-14).scale(1.0));
  }
}

TEST_CASE("supported sizes are enforced with the cost; bad links are rejected") {
  const Link he3 = resolve_link("preset:he3", 0).link;
  CHECK_THROWS_AS(hermite_expansion(he3, -1), InputError);
  CHECK_THROWS_AS(hermite_expansion(he3, 100), LimitError);
  CHECK_NOTHROW(hermite_expansion(he3, 99));
  try {
    hermite_expansion(resolve_link("preset:he3sum", 6).link, 8);
    FAIL("r = 6, K = 8 must be refused");
  } catch (const LimitError& e) {
    CHECK(std::string(e.what()).find("link evaluations") != std::string::npos);
  }
  CHECK_NOTHROW(hermite_expansion(resolve_link("preset:he3sum", 6).link, 6));
  try {
    hermite_expansion(resolve_link("preset:he3sum", 4).link, 11);
    FAIL("r = 4, K = 11 must be refused");
  } catch (const LimitError& e) {
    CHECK(std::string(e.what()).find("32 MiB") != std::string::npos);
  }
  CHECK_THROWS_AS(expand("1/z1"), InputError);
  CHECK_THROWS_AS(expand("sqrt(z1)"), InputError);
}

TEST_CASE("plateau losses along the leaps (docs/theory.md §6; degenerate)") {
  auto plateaus = [](const std::string& spec) { return leap_sequence(expand(spec)).plateaus; };
  auto check = [](const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t j = 0; j < want.size(); ++j) CHECK(got[j] == doctest::Approx(want[j]).epsilon(1e-12));
  };
  check(plateaus("preset:staircase2"), {1.0, 0.5, 0.0});  // z1 + z1 z2: 1 → 0.5 → 0
  check(plateaus("z1 + z1*z2*z3"), {1.0, 0.5, 0.0});      // 1 → 0.5 → 0
  check(plateaus("preset:z1he3"), {1.0, 0.5, 0.0});       // 1 → 0.5 (long) → 0
  check(plateaus("preset:parity2"), {0.5, 0.0});          // one leap of 2 for both directions
  check(plateaus("preset:he2sum2"), {1.0, 0.0});
  check(plateaus("preset:staircase3"), {1.5, 1.0, 0.5, 0.0});
  // Degenerate: one direction is never learned, and the loss still reaches 0 on the index space.
  check(plateaus("preset:degenerate"), {0.5, 0.0});
}
