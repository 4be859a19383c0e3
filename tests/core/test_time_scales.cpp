// Leading-order time scales (docs/theory.md §6): the joint stage durations and escape times against closed forms
// written out here, starts at 1/√d and at ε, overflow, the planted first-escape scales, bad input, and the
// predictions against the measured escapes of the reduced flow.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "dynamics_links.h"
#include "grassflow/errors.h"
#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/objective.h"
#include "grassflow/time_scales.h"

using grassflow::HermiteExpansion;
using grassflow::joint_escape_times;
using grassflow::joint_stage_durations;
using grassflow::leap_sequence;
using grassflow::planted_first_escape_time;

namespace {

std::vector<double> durations(const HermiteExpansion& e, double d, std::optional<double> eps = std::nullopt) {
  return joint_stage_durations(e, leap_sequence(e), d, eps);
}

std::vector<double> escapes(const HermiteExpansion& e, double d, std::optional<double> eps = std::nullopt) {
  return joint_escape_times(e, leap_sequence(e), d, eps);
}

bool positive_infinity(double t) {
  return std::isinf(t) && t > 0;
}

}  // namespace

TEST_CASE("time scales: single-index c h_k lasts ln(1/μ0²)/(2c²) (k = 1), μ0^(−2(k−1))/(2k(k−1)c²) (k ≥ 2)") {
  const double ds[] = {10, 100, 1e4, 1e12};
  const double cs[] = {0.5, 1.0, 3.0};
  for (int k = 1; k <= 4; ++k)
    for (double c : cs)
      for (double d : ds) {
        CAPTURE(k);
        CAPTURE(c);
        CAPTURE(d);
        const std::vector<double> t = durations(testlinks::he(k, c), d);
        REQUIRE(t.size() == 1);
        // From μ0² = 1/d: ln d/(2c²) for k = 1, d^{k−1}/(2k(k−1)c²) for k ≥ 2.
        const double expected = k == 1 ? std::log(d) / (2 * c * c) : std::pow(d, k - 1) / (2 * k * (k - 1) * c * c);
        CHECK(t[0] == doctest::Approx(expected).epsilon(1e-12));
        CHECK(escapes(testlinks::he(k, c), d) == t);
      }
  // A few written out in full.
  CHECK(durations(testlinks::he(1, 2.0), 100)[0] == doctest::Approx(std::log(100.0) / 8).epsilon(1e-14));
  CHECK(durations(testlinks::he(2), 1000)[0] == doctest::Approx(250.0).epsilon(1e-12));
  CHECK(durations(testlinks::he(3, 2.0), 100)[0] == doctest::Approx(1e4 / 48).epsilon(1e-12));
  CHECK(durations(testlinks::he(3, 3.0), 1000)[0] == doctest::Approx(1e6 / 108).epsilon(1e-12));
  CHECK(durations(testlinks::he(4, 0.5), 1e4)[0] == doctest::Approx(1e12 / 6).epsilon(1e-12));
}

TEST_CASE("time scales: joint stages from an equator start at ε have μ0² = ε²") {
  const double epss[] = {1.0, 0.3, 1e-3, 1e-20};
  for (int k = 1; k <= 4; ++k)
    for (double eps : epss) {
      CAPTURE(k);
      CAPTURE(eps);
      const double c = 1.5;
      const std::vector<double> t = durations(testlinks::he(k, c), 1000, eps);
      REQUIRE(t.size() == 1);
      const double expected =
          k == 1 ? -std::log(eps) / (c * c) : std::pow(eps, -2 * (k - 1)) / (2 * k * (k - 1) * c * c);
      CHECK(t[0] == doctest::Approx(expected).epsilon(1e-12));
    }
  // ε = 1/√d is the start μ0² = 1/d; d does not enter otherwise.
  for (int k = 1; k <= 4; ++k) {
    const HermiteExpansion e = testlinks::he(k);
    CHECK(durations(e, 1e4, 0.01)[0] == doctest::Approx(durations(e, 1e4)[0]).epsilon(1e-13));
    CHECK(durations(e, 10, 0.01) == durations(e, 1e12, 0.01));
  }
  // A start closer to the equator than 1/√d takes longer: h_2 at d = 100 from ε = 1e-3: 1e6/4 instead of 100/4.
  CHECK(durations(testlinks::he(2), 100)[0] == doctest::Approx(25.0).epsilon(1e-12));
  CHECK(durations(testlinks::he(2), 100, 1e-3)[0] == doctest::Approx(2.5e5).epsilon(1e-12));
  // ε = 1 starts at the pole: a leap of 1 takes no time.
  CHECK(durations(testlinks::he(1), 100, 1.0)[0] == 0.0);
}

TEST_CASE("time scales: joint stages of z1z2, staircase2, h_2 + h_3, z1 + c h_3(z2), sums of h_3") {
  for (double d : {100.0, 1000.0, 1e6}) {
    CAPTURE(d);
    // z1 z2: one leap of 2 adding both directions, ½ each: d/(2·2·1·½) = d/2.
    const std::vector<double> parity = durations(testlinks::parity2(), d);
    REQUIRE(parity.size() == 1);
    CHECK(parity[0] == doctest::Approx(d / 2).epsilon(1e-13));
    // z1 + z1 z2: two leaps of 1 learning α² = 1 each: ln d/2, then again ln d/2 (escapes ln d/2 and ln d).
    const std::vector<double> stair = durations(testlinks::staircase2(), d);
    REQUIRE(stair.size() == 2);
    CHECK(stair[0] == doctest::Approx(std::log(d) / 2).epsilon(1e-13));
    CHECK(stair[1] == doctest::Approx(std::log(d) / 2).epsilon(1e-13));
    const std::vector<double> stair_escapes = escapes(testlinks::staircase2(), d);
    REQUIRE(stair_escapes.size() == 2);
    CHECK(stair_escapes[0] == doctest::Approx(std::log(d) / 2).epsilon(1e-13));
    CHECK(stair_escapes[1] == doctest::Approx(std::log(d)).epsilon(1e-13));
    // a h_2 + b h_3: one leap of 2 driven by h_2's a² alone: d/(4a²) (a = 1: d/4; a = ½: d).
    for (double a : {1.0, 0.5}) {
      const HermiteExpansion he23 = HermiteExpansion::from_coefficients(1, 3, {{{2}, a}, {{3}, 2.0}});
      const std::vector<double> t = durations(he23, d);
      REQUIRE(t.size() == 1);
      CHECK(t[0] == doctest::Approx(d / (4 * a * a)).epsilon(1e-13));
    }
    // z1 + c h_3(z2): ln d/2, then the leap of 3 learning c²: d²/(12c²).
    const double c = 2.0;
    const HermiteExpansion z1he3 = HermiteExpansion::from_coefficients(2, 3, {{{1, 0}, 1.0}, {{0, 3}, c}});
    const std::vector<double> t = durations(z1he3, d);
    REQUIRE(t.size() == 2);
    CHECK(t[0] == doctest::Approx(std::log(d) / 2).epsilon(1e-13));
    CHECK(t[1] == doctest::Approx(d * d / (12 * c * c)).epsilon(1e-12));
    const std::vector<double> z1he3_escapes = escapes(z1he3, d);
    REQUIRE(z1he3_escapes.size() == 2);
    CHECK(z1he3_escapes[1] == doctest::Approx(std::log(d) / 2 + d * d / 48).epsilon(1e-12));
    // Σ_{i≤4} h_3(z_i): four directions in one leap of 3, each at h_3's own d²/12.
    const std::vector<double> sum = durations(testlinks::sum_of(3, 4), d);
    REQUIRE(sum.size() == 1);
    CHECK(sum[0] == doctest::Approx(d * d / 12).epsilon(1e-12));
  }
  // z1 + z1 z2 from ε = 1e-5: ln(1e10)/2 twice.
  const std::vector<double> stair = escapes(testlinks::staircase2(), 1e4, 1e-5);
  REQUIRE(stair.size() == 2);
  CHECK(stair[1] == doctest::Approx(10 * std::log(10.0)).epsilon(1e-13));
  // A constant link has no stage.
  CHECK(durations(HermiteExpansion::from_coefficients(1, 2, {{{0}, 3.0}}), 100).empty());
  CHECK(joint_escape_times(testlinks::he(2), grassflow::LeapSequence{}, 100).empty());
}

TEST_CASE(
    "time scales: joint stage durations are computed in logarithms: finite where the value is, +inf beyond, never "
    "NaN") {
  // ε = 1e-300: ln(1/ε²) = 600 ln 10 is finite although 1/ε² is not.
  CHECK(durations(testlinks::he(1), 1000, 1e-300)[0] == doctest::Approx(300 * std::log(10.0)).epsilon(1e-14));
  const std::vector<double> stair = escapes(testlinks::staircase2(), 1000, 1e-300);
  CHECK(stair[1] == doctest::Approx(600 * std::log(10.0)).epsilon(1e-14));
  // ...but a leap of 2 from there takes (1e600)/4: beyond the largest double.
  CHECK(positive_infinity(durations(testlinks::he(2), 1000, 1e-300)[0]));
  CHECK(positive_infinity(durations(testlinks::he(4), 1000, 1e-300)[0]));
  // ε = 1e-160, α = 1e10: ε^{−2} = 1e320 overflows, the duration 1e320/(4·1e20) = 2.5e299 does not.
  CHECK(durations(testlinks::he(2, 1e10), 1000, 1e-160)[0] == doctest::Approx(2.5e299).epsilon(1e-12));
  // d = 1e12: ln d/2, d³/24, d²⁵/1300 = 1e300/1300; d²⁶/1404 = 7.1e308 is beyond the largest double (1.8e308).
  CHECK(durations(testlinks::he(1), 1e12)[0] == doctest::Approx(6 * std::log(10.0)).epsilon(1e-14));
  CHECK(durations(testlinks::he(4), 1e12)[0] == doctest::Approx(1e36 / 24).epsilon(1e-12));
  CHECK(durations(testlinks::he(26), 1e12)[0] == doctest::Approx(1e300 / 1300).epsilon(1e-12));
  CHECK(positive_infinity(durations(testlinks::he(27), 1e12)[0]));
  // An infinite stage makes every later escape infinite: z1 + h_3(z2)... at ε = 1e-300, the leap of 3.
  const std::vector<double> z1he3 = escapes(testlinks::z1he3(), 1000, 1e-300);
  REQUIRE(z1he3.size() == 2);
  CHECK(std::isfinite(z1he3[0]));
  CHECK(positive_infinity(z1he3[1]));
}

TEST_CASE("time scales: the planted first escape is 1, ln d, d^(s/2−1) for s = 1, 2, ≥ 3") {
  for (double d : {1.0, 100.0, 1e4, 1e12}) {
    CAPTURE(d);
    CHECK(planted_first_escape_time(1, d) == 1.0);
    CHECK(*planted_first_escape_time(2, d) == doctest::Approx(std::log(d)).epsilon(1e-14));
    CHECK(*planted_first_escape_time(3, d) == doctest::Approx(std::sqrt(d)).epsilon(1e-14));
    CHECK(*planted_first_escape_time(4, d) == doctest::Approx(d).epsilon(1e-14));
    CHECK(*planted_first_escape_time(6, d) == doctest::Approx(d * d).epsilon(1e-14));
  }
  CHECK(*planted_first_escape_time(3, 1e4) == doctest::Approx(100.0).epsilon(1e-14));
  CHECK(*planted_first_escape_time(2, 1e12) == doctest::Approx(12 * std::log(10.0)).epsilon(1e-14));
  CHECK(positive_infinity(*planted_first_escape_time(60, 1e12)));  // d^29 = 1e348
  CHECK_FALSE(planted_first_escape_time(0, 100).has_value());      // a constant link
}

TEST_CASE("time scales: refuse d < 1, ε outside (0, 1] and a malformed leap sequence") {
  const HermiteExpansion e = testlinks::he(2);
  const grassflow::LeapSequence leaps = leap_sequence(e);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (double d : {0.5, 0.0, -3.0, nan, inf}) {
    CAPTURE(d);
    CHECK_THROWS_WITH_AS(joint_stage_durations(e, leaps, d), doctest::Contains("the ambient dimension"),
                         grassflow::InputError);
    CHECK_THROWS_AS(joint_escape_times(e, leaps, d, 0.1), grassflow::InputError);
    CHECK_THROWS_AS(planted_first_escape_time(2, d), grassflow::InputError);
  }
  CHECK_THROWS_WITH_AS(joint_stage_durations(e, leaps, 0.5),
                       "the ambient dimension must be a finite number >= 1, got 0.5", grassflow::InputError);
  for (double eps : {0.0, -0.1, 1.5, nan, inf}) {
    CAPTURE(eps);
    CHECK_THROWS_WITH_AS(joint_stage_durations(e, leaps, 100, eps), doctest::Contains("equator start"),
                         grassflow::InputError);
  }
  CHECK_THROWS_WITH_AS(joint_stage_durations(e, leaps, 100, 1.5),
                       "the equator start's scale must be in (0, 1] (a cosine), got 1.5", grassflow::InputError);
  CHECK_THROWS_AS(planted_first_escape_time(-1, 100), std::invalid_argument);

  grassflow::LeapSequence wrong = leaps;
  wrong.plateaus.pop_back();
  CHECK_THROWS_AS(joint_stage_durations(e, wrong, 100), std::invalid_argument);
  wrong = leaps;
  wrong.stage_dimensions.push_back(1);
  CHECK_THROWS_AS(joint_stage_durations(e, wrong, 100), std::invalid_argument);
  wrong = leaps;
  wrong.leaps[0] = 3;  // beyond K = 2
  CHECK_THROWS_AS(joint_stage_durations(e, wrong, 100), std::invalid_argument);
  wrong = leaps;
  wrong.stage_dimensions[0] = 0;
  CHECK_THROWS_AS(joint_stage_durations(e, wrong, 100), std::invalid_argument);
}

TEST_CASE("time scales: the predictions against the reduced flow's measured escapes (within 0.2%)") {
  // Pure h_3, joint flow from the equator start M(0) = ±ε at d = 1e4: ε = 1/√d gives d²/12 = 8.33e6 (the flow:
  // 8335000.868, docs/theory.md §6), ε = 1e-3 gives 1e12/12. The next order is relative 2μ0² (2e-4 and 2e-6).
  const HermiteExpansion he3 = testlinks::he(3);
  for (double eps : {0.0, 1e-3}) {
    CAPTURE(eps);
    grassflow::ReducedFlow flow(grassflow::make_objective("joint", he3),
                                grassflow::initial_overlap(grassflow::Start::equator, 1, 1e4, 0, eps));
    flow.run();
    REQUIRE(flow.escape_times()[0].has_value());
    const double predicted = durations(he3, 1e4, eps > 0 ? std::optional<double>(eps) : std::nullopt)[0];
    CHECK(*flow.escape_times()[0] / predicted == doctest::Approx(1.0).epsilon(2e-3));
  }
  // z1 + z1 z2 from the isotropic start at d = 1000: the escape times 3.449 and 6.901 against ln d/2 and ln d.
  grassflow::ReducedFlow stair(grassflow::make_objective("joint", testlinks::staircase2()),
                               grassflow::initial_overlap(grassflow::Start::isotropic, 2, 1000));
  stair.run();
  const std::vector<double> predicted = escapes(testlinks::staircase2(), 1000);
  for (std::size_t k = 0; k < 2; ++k) {
    REQUIRE(stair.escape_times()[k].has_value());
    CHECK(*stair.escape_times()[k] / predicted[k] == doctest::Approx(1.0).epsilon(2e-3));
  }
}
