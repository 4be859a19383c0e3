// The experiment behind the explorer's views (app/simulation.h), without GL: what the app computes from a state.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/time_scales.h"
#include "simulation.h"

using namespace grassflow::app;

namespace {

// The joint stage durations of an analysed link (time_scales.h).
std::vector<double> durations(const grassflow::LinkAnalysis& a, double d, std::optional<double> eps = std::nullopt) {
  return grassflow::joint_stage_durations(a.expansion, a.leaps, d, eps);
}

bool has_warning(const Simulation& e, const std::string& words) {
  for (const std::string& w : e.analysis().warnings)
    if (w.find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "r = 7 and 8 (the URL's largest) at the default K = 8: K is lowered to what the quadrature affords, with a "
    "warning") {
  AppState s;
  REQUIRE_FALSE(s.degree.has_value());  // automatic: 8, lowered for r >= 6
  s.link = "z1*z2 + z3*z4 + z5*z6 + z7*z8";
  s.r = 8;
  const Simulation pairs(s);
  CHECK(pairs.analysis().expansion.degree == 2);
  CHECK(has_warning(pairs, "degree K lowered from 8 to 2"));
  // The four products are learned in one leap of 2 from the equator (docs/theory.md §6): all eight directions.
  CHECK(pairs.analysis().leaps.leaps == std::vector<int>{2});
  CHECK(pairs.analysis().leaps.stage_dimensions == std::vector<int>{8});
  CHECK(pairs.analysis().expansion.degree_energy()[2] == doctest::Approx(4.0).epsilon(1e-10));

  s.link = "z1 + z2 + z3 + z4 + z5 + z6 + z7*z7*z7";
  s.r = 7;
  const Simulation seven(s);
  CHECK(seven.analysis().expansion.degree == 4);
  CHECK(has_warning(seven, "from 8 to 4"));
  CHECK(seven.analysis().information_exponent == 1);
  // h_3(z7) carries z7³'s degree-3 energy 6, all within K = 4: no residual.
  CHECK(seven.analysis().expansion.degree_energy()[3] == doctest::Approx(6.0).epsilon(1e-10));
  CHECK(seven.analysis().expansion.truncation_residual == doctest::Approx(0.0).scale(1.0));
}

TEST_CASE("a degree the quadrature affords is kept as given, without a warning") {
  AppState s;
  s.link = "z1 + z1*z2*z3*z4*z5";
  s.r = 5;
  s.degree = 5;
  const Simulation e(s);
  CHECK(e.analysis().expansion.degree == 5);
  CHECK_FALSE(has_warning(e, "lowered"));
  CHECK(e.analysis().leaps.leaps == std::vector<int>{1, 4});
}

TEST_CASE("a link the experiment cannot resolve is refused naming the key to change") {
  AppState s;
  s.link = "preset:parity3";
  s.r = 2;
  try {
    const Simulation e(s);
    FAIL("no error");
  } catch (const grassflow::InputError& e) {
    CHECK(e.key() == "r");
    CHECK(grassflow::user_message(e, grassflow::Surface::url) ==
          "URL r: preset:parity3 depends on z1..z3: it needs r >= 3, got r = 2");
  }
}

TEST_CASE(
    "the joint stages' predicted durations: docs/theory.md §6's leading order with the energy each stage learns") {
  AppState s;  // staircase2, d = 1000: two leaps of 1 learning α² = 1 each: ln(1000)/2 = 3.4539 (escapes 3.449, 6.901)
  const Simulation staircase(s);
  const grassflow::LinkAnalysis& stair = staircase.analysis();
  const std::vector<double> t = durations(stair, 1000.0);
  REQUIRE(t.size() == 2);
  CHECK(t[0] == doctest::Approx(std::log(1000.0) / 2));
  CHECK(t[1] == doctest::Approx(std::log(1000.0) / 2));
  // From an equator start at ε = 1e-300 the scale is ln(1/ε²)/2 = 690.8 (the first escape is at 690.78).
  CHECK(durations(stair, 1000.0, 1e-300)[0] == doctest::Approx(300 * std::log(10.0)));
  // z1 + h_3(z2) at d = 100: leaps (1, 3); the second stage d²/(2·3·2·1) = 833.3 (escapes 2.30 and 850.1).
  s.link = "z1 + h(3,z2)";
  const std::vector<double> z1he3 = durations(Simulation(s).analysis(), 100.0);
  REQUIRE(z1he3.size() == 2);
  CHECK(z1he3[0] == doctest::Approx(std::log(100.0) / 2));
  CHECK(z1he3[1] == doctest::Approx(1e4 / 12));
  // 3 h_3(z1) at d = 1000: α² = 9, d²/(12·9).
  s.link = "3*h(3,z1)";
  CHECK(durations(Simulation(s).analysis(), 1000.0)[0] == doctest::Approx(1e6 / 108));
  // z1 z2: one leap of 2 adding both directions with ½ each: d/2 (docs/theory.md §6: 502.45 at d = 1000).
  s.link = "z1*z2";
  CHECK(durations(Simulation(s).analysis(), 1000.0)[0] == doctest::Approx(500.0));
  // h_2 + h_3 (the lecture page's link): the escape is h_2's, d/4 = 250 (249.3 measured), although the stage
  // also learns h_3.
  s.link = "h(2,z1) + h(3,z1)";
  CHECK(durations(Simulation(s).analysis(), 1000.0)[0] == doctest::Approx(250.0));
  // h_3(z1) + ... + h_3(z4): four directions in one leap of 3, each at h_3's own d²/12.
  s.link = "preset:he3sum";
  s.r = 4;
  CHECK(durations(Simulation(s).analysis(), 1000.0)[0] == doctest::Approx(1e6 / 12));
}
