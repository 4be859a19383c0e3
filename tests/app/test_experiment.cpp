// The experiment behind the explorer's views (app/simulation.h), without GL: what the app computes from a state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "simulation.h"

using namespace grassflow::app;

namespace {

bool has_warning(const Experiment& e, const std::string& words) {
  for (const std::string& w : e.analysis().link.warnings)
    if (w.find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "r = 7 and 8 (the URL's largest) at the default K = 8: K is lowered to what the quadrature affords, with a "
    "warning") {
  AppState s;
  REQUIRE(s.degree == 8);
  s.link = "z1*z2 + z3*z4 + z5*z6 + z7*z8";
  s.r = 8;
  const Experiment pairs(s);
  CHECK(pairs.analysis().expansion.degree == 2);
  CHECK(has_warning(pairs, "degree K lowered from 8 to 2"));
  // The four products are learned in one leap of 2 from the equator (THEORY.md §6): all eight directions.
  CHECK(pairs.analysis().leaps.leaps == std::vector<int>{2});
  CHECK(pairs.analysis().leaps.stage_dimensions == std::vector<int>{8});
  CHECK(pairs.analysis().expansion.degree_energy()[2] == doctest::Approx(4.0).epsilon(1e-10));

  s.link = "z1 + z2 + z3 + z4 + z5 + z6 + z7*z7*z7";
  s.r = 7;
  const Experiment seven(s);
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
  const Experiment e(s);
  CHECK(e.analysis().expansion.degree == 5);
  CHECK_FALSE(has_warning(e, "lowered"));
  CHECK(e.analysis().leaps.leaps == std::vector<int>{1, 4});
}

TEST_CASE("a link the experiment cannot resolve is refused naming the link and r keys") {
  AppState s;
  s.link = "preset:parity3";
  s.r = 2;
  CHECK_THROWS_WITH_AS(Experiment{s}, doctest::Contains("link/r: preset:parity3 depends on z1..z3: it needs r >= 3"),
                       grassflow::InputError);
}
