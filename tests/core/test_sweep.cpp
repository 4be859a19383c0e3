// Sweeps over d and the time-scale fits of docs/theory.md §6: the measured exponents of he3, he4, parity2 over
// d = 1e2..1e8 (isotropic starts), the logarithmic staircases, plateaus, and the fitting helpers.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "dynamics_links.h"
#include "grassflow/errors.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/progress.h"
#include "grassflow/sweep.h"

using grassflow::FlowStatus;
using grassflow::HermiteExpansion;
using grassflow::StageFit;
using grassflow::Start;

namespace {

std::vector<StageFit> isotropic_fits(const HermiteExpansion& link, const std::string& objective) {
  grassflow::SweepSpec spec;
  spec.dimensions = {1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  spec.start = Start::isotropic;
  const auto runs = grassflow::run_sweep(grassflow::make_objective(objective, link), spec);
  for (const auto& run : runs) CHECK(run.status == FlowStatus::converged);
  return grassflow::fit_stages(runs, grassflow::leap_sequence(link), grassflow::parse_objective_kind(objective));
}

}  // namespace

TEST_CASE("fit_line, median and predictions") {
  const auto fit = grassflow::fit_line({1, 2, 3, 4}, {3, 5, 7, 9});
  CHECK(fit.slope == doctest::Approx(2.0));
  CHECK(fit.intercept == doctest::Approx(1.0));
  CHECK(fit.r2 == doctest::Approx(1.0));
  CHECK(grassflow::fit_line({0, 1, 2}, {0, 1, 0}).r2 == doctest::Approx(0.0));
  CHECK_THROWS_AS(grassflow::fit_line({1, 1}, {2, 3}), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::fit_line({1}, {2}), grassflow::InputError);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(grassflow::median({3, 1, 2}) == 2.0);
  CHECK(grassflow::median({4, 1, 2, 3}) == 2.5);
  CHECK(grassflow::median({1, inf, inf}) == inf);
  CHECK(grassflow::median({1, 2, inf}) == 2.0);
  CHECK(*grassflow::predict_stage(grassflow::ObjectiveKind::joint, 0, 3).exponent == 2.0);
  CHECK(grassflow::predict_stage(grassflow::ObjectiveKind::joint, 1, 1).model == "log");
  CHECK(*grassflow::predict_stage(grassflow::ObjectiveKind::planted, 0, 4).exponent == 1.0);
  CHECK(*grassflow::predict_stage(grassflow::ObjectiveKind::planted, 0, 3).exponent == 0.5);
  CHECK(*grassflow::predict_stage(grassflow::ObjectiveKind::planted, 0, 1).exponent == 0.0);
  CHECK(grassflow::predict_stage(grassflow::ObjectiveKind::planted, 0, 2).model == "log");
  CHECK_FALSE(grassflow::predict_stage(grassflow::ObjectiveKind::planted, 1, 3).exponent.has_value());
}

TEST_CASE("measured exponents over d = 1e2..1e8: he3 → 2, he4 → 3, parity2 → 1 (joint, ±0.1)") {
  struct Case {
    HermiteExpansion link;
    double exponent;
  };
  for (const Case& c : {Case{testlinks::he(3), 2.0}, Case{testlinks::he(4), 3.0}, Case{testlinks::parity2(), 1.0}}) {
    const auto fits = isotropic_fits(c.link, "joint");
    REQUIRE(fits.size() == 1);
    REQUIRE(fits[0].fit.has_value());
    CHECK(fits[0].prediction.model == "power");
    CHECK(*fits[0].prediction.exponent == c.exponent);
    CHECK(fits[0].fit->slope == doctest::Approx(c.exponent).epsilon(0.1 / c.exponent));
    CHECK(fits[0].fit->r2 > 0.999);
    CHECK(fits[0].d.size() == 7);
  }
  // Planted: s = 3 gives Θ(d^{1/2}), s = 4 gives Θ(d).
  const auto he3 = isotropic_fits(testlinks::he(3), "planted");
  CHECK(he3[0].fit->slope == doctest::Approx(0.5).epsilon(0.2));
  const auto he4 = isotropic_fits(testlinks::he(4), "planted");
  CHECK(he4[0].fit->slope == doctest::Approx(1.0).epsilon(0.1));
}

TEST_CASE("staircases are logarithmic: each stage T ≈ a + b ln d with b ≈ (stage + 1)/2") {
  for (const HermiteExpansion& link : {testlinks::staircase2(), testlinks::staircase3()}) {
    const auto fits = isotropic_fits(link, "joint");
    REQUIRE(fits.size() == static_cast<std::size_t>(link.r));
    for (const StageFit& f : fits) {
      CAPTURE(f.stage);
      CHECK(f.prediction.model == "log");
      REQUIRE(f.fit.has_value());
      CHECK(f.fit->r2 > 0.999);
      CHECK(f.fit->slope == doctest::Approx(0.5 * (f.stage + 1)).epsilon(0.1));
    }
  }
}

TEST_CASE("plateaus: measured on a trajectory vs the leap sequence's prediction (staircase2, d = 1e8)") {
  const HermiteExpansion link = testlinks::staircase2();
  const auto leaps = grassflow::leap_sequence(link);
  grassflow::ReducedFlow flow(grassflow::make_objective("joint", link),
                              grassflow::initial_overlap(Start::isotropic, 2, 1e8));
  flow.run();
  const auto measured = grassflow::measured_plateaus(flow, leaps);
  REQUIRE(measured.size() == leaps.plateaus.size());
  CHECK(measured[0] == doctest::Approx(leaps.plateaus[0]).epsilon(1e-6));
  CHECK(measured[1] == doctest::Approx(leaps.plateaus[1]).epsilon(1e-2));
  CHECK(measured[2] < 1e-10);
}

TEST_CASE("random-start sweeps: rows per (d, seed), medians, and bad input") {
  grassflow::SweepSpec spec;
  spec.dimensions = {100, 1000, 10000};
  spec.seeds = 5;
  std::vector<grassflow::ProgressEvent> events;
  std::size_t inner = 0;  // each flow's integrator steps, one level down
  grassflow::set_progress_sink([&](const grassflow::ProgressEvent& e) {
    if (e.stage == "sweep flows")
      events.push_back(e);
    else
      inner += e.depth == 1 && e.stage == "flow integrator steps" && e.finished ? 1 : 0;
  });
  const auto runs = grassflow::run_sweep(grassflow::make_objective("joint", testlinks::he(2)), spec);
  grassflow::set_progress_sink({});
  // One report when the stage opens, one per flow, one when it closes.
  REQUIRE(events.size() == 17);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].stage == "sweep flows");
    CHECK(events[i].total == 15);
    CHECK(events[i].done == static_cast<double>(std::min<std::size_t>(i, 15)));
    CHECK(events[i].finished == (i == 16));
    CHECK(events[i].depth == 0);
  }
  CHECK(inner == 15);
  CHECK(runs.size() == 15);
  CHECK(runs[7].d == 1000);
  CHECK(runs[7].seed == 2);
  const auto fits =
      grassflow::fit_stages(runs, grassflow::leap_sequence(testlinks::he(2)), grassflow::ObjectiveKind::joint);
  REQUIRE(fits[0].fit.has_value());
  CHECK(fits[0].fit->slope == doctest::Approx(1.0).epsilon(0.2));  // median of heavy-tailed Haar times
  spec.dimensions = {};
  CHECK_THROWS_AS(grassflow::run_sweep(grassflow::make_objective("joint", testlinks::he(2)), spec),
                  grassflow::InputError);
  spec.dimensions = {100, 1.5};
  CHECK_THROWS_AS(grassflow::run_sweep(grassflow::make_objective("joint", testlinks::he(2)), spec),
                  grassflow::InputError);
}
