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

namespace {

// A stage fit over d = 1e2..1e8 with median times T(d) = time(d), fitted like fit_stages does.
StageFit synthetic_fit(grassflow::ObjectiveKind objective, int leap, double (*time)(double)) {
  StageFit f;
  f.leap = leap;
  f.prediction = grassflow::predict_stage(objective, 0, leap);
  std::vector<double> x, y;
  for (double d = 1e2; d <= 1e8; d *= 10) {
    f.d.push_back(d);
    f.median_time.push_back(time(d));
    x.push_back(std::log(d));
    y.push_back(f.prediction.model == "power" ? std::log(time(d)) : time(d));
  }
  f.swept = static_cast<int>(f.d.size());
  f.fit = grassflow::fit_line(x, y);
  return f;
}

}  // namespace

TEST_CASE("check_stage: slopes, log coefficients and flat stages against their predictions, with tolerances") {
  using grassflow::ObjectiveKind;
  // A power stage predicted d^1 that grows like d^1.234 fails on its slope; d^1.05 passes.
  const auto steep =
      grassflow::check_stage(synthetic_fit(ObjectiveKind::joint, 2, [](double d) { return 3.0 * std::pow(d, 1.234); }),
                             std::nullopt, {0.1, 0.05, 0.999, 2.0});
  CHECK(steep.rule == "exponent");
  CHECK(steep.checked);
  CHECK(steep.predicted == 1.0);
  CHECK(steep.measured == doctest::Approx(1.234));
  CHECK(steep.r2_pass);
  CHECK_FALSE(steep.value_pass);
  CHECK_FALSE(steep.pass);
  CHECK(steep.failure.find("slope 1.234") != std::string::npos);
  const auto close = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::joint, 2, [](double d) { return 0.5 * std::pow(d, 1.05); }), std::nullopt);
  CHECK(close.pass);
  CHECK(close.criterion == "|slope − 1| ≤ 0.1, r² ≥ 0.999");
  // The wrong law (a power d^0.2 fitted as T = a + b ln d) fails on r² even when b matches.
  const auto power_as_log = synthetic_fit(ObjectiveKind::planted, 2, [](double d) { return std::pow(d, 0.2); });
  const auto curved = grassflow::check_stage(power_as_log, power_as_log.fit->slope);
  CHECK(curved.value_pass);
  CHECK_FALSE(curved.r2_pass);
  CHECK_FALSE(curved.pass);
  CHECK(curved.failure.find("r²") != std::string::npos);
  // Log model: b 1.234 against a predicted 1 fails (5% tolerance); against π²/8 (sign2 planted) it passes.
  const auto log_fit = synthetic_fit(ObjectiveKind::planted, 2, [](double d) { return 0.3 + 1.234 * std::log(d); });
  CHECK(log_fit.prediction.model == "log");
  const auto wrong_b = grassflow::check_stage(log_fit, 1.0);
  CHECK(wrong_b.rule == "log coefficient");
  CHECK_FALSE(wrong_b.pass);
  CHECK(wrong_b.r2_pass);
  const auto right_b = grassflow::check_stage(log_fit, M_PI * M_PI / 8);
  CHECK(right_b.pass);
  // Without a predicted b a log stage is reported, not judged.
  const auto unjudged = grassflow::check_stage(log_fit, std::nullopt);
  CHECK(unjudged.rule == "none");
  CHECK_FALSE(unjudged.checked);
  CHECK_FALSE(unjudged.pass);
  // Predicted exponent 0: a flat time passes (r² is not checked), one growing like ln d fails on the ratio.
  const auto flat = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::planted, 1, [](double d) { return 0.8814 - 1 / std::sqrt(d); }), std::nullopt);
  CHECK(flat.rule == "flat");
  CHECK(flat.r2 < 0.9);
  CHECK(std::isnan(flat.r2_min));
  CHECK(flat.measured == doctest::Approx((0.8814 - 1e-4) / (0.8814 - 0.1)));
  CHECK(flat.pass);
  const auto growing = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::planted, 1, [](double d) { return std::log(d); }), std::nullopt);
  CHECK(growing.rule == "flat");
  CHECK(growing.measured == doctest::Approx(4.0));
  CHECK_FALSE(growing.pass);
  const auto slow_log = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::planted, 1, [](double d) { return 1 + 0.3 * std::log(d); }), std::nullopt);
  CHECK_FALSE(slow_log.pass);  // ratio 2.74
  const auto small_power = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::planted, 1, [](double d) { return std::pow(d, 0.1); }), std::nullopt);
  CHECK_FALSE(small_power.pass);  // ratio 10^0.6 ≈ 3.98
  const auto shrinking = grassflow::check_stage(
      synthetic_fit(ObjectiveKind::planted, 1, [](double d) { return 1 / std::log(d); }), std::nullopt);
  CHECK_FALSE(shrinking.pass);
  // A stage that some d never ended fails although the remaining points fit.
  StageFit partial = synthetic_fit(ObjectiveKind::joint, 2, [](double d) { return d; });
  partial.swept = 8;
  const auto incomplete = grassflow::check_stage(partial, std::nullopt);
  CHECK(incomplete.value_pass);
  CHECK_FALSE(incomplete.pass);
  CHECK(incomplete.failure.find("never ended at 1 of 8") != std::string::npos);
  StageFit none = partial;
  none.fit.reset();
  none.d = {100};
  none.median_time = {1};
  CHECK_FALSE(grassflow::check_stage(none, std::nullopt).pass);
}

TEST_CASE("predict_log_coefficient: (6.5) summed over leap-1 stages, (6.3) for planted s = 2") {
  using grassflow::ObjectiveKind;
  const auto staircase3 = testlinks::staircase3();
  const auto leaps3 = grassflow::leap_sequence(staircase3);
  for (int j = 0; j < 3; ++j)
    CHECK(*grassflow::predict_log_coefficient(staircase3, leaps3, ObjectiveKind::joint, j) ==
          doctest::Approx(0.5 * (j + 1)));
  CHECK_FALSE(grassflow::predict_log_coefficient(staircase3, leaps3, ObjectiveKind::planted, 0).has_value());
  const auto he2 = testlinks::he(2);
  CHECK(*grassflow::predict_log_coefficient(he2, grassflow::leap_sequence(he2), ObjectiveKind::planted, 0) ==
        doctest::Approx(0.25));
  CHECK_FALSE(
      grassflow::predict_log_coefficient(he2, grassflow::leap_sequence(he2), ObjectiveKind::joint, 0).has_value());
  const auto parity2 = testlinks::parity2();
  CHECK(*grassflow::predict_log_coefficient(parity2, grassflow::leap_sequence(parity2), ObjectiveKind::planted, 0) ==
        doctest::Approx(0.5));
  CHECK_THROWS_AS(grassflow::predict_log_coefficient(he2, grassflow::leap_sequence(he2), ObjectiveKind::joint, 1),
                  grassflow::InputError);
}

TEST_CASE("check_stage on measured sweeps: staircase2 joint and staircase2 planted is flat") {
  using grassflow::ObjectiveKind;
  const auto staircase2 = testlinks::staircase2();
  const auto leaps = grassflow::leap_sequence(staircase2);
  const auto fits = isotropic_fits(staircase2, "joint");
  for (const StageFit& f : fits) {
    const auto c =
        grassflow::check_stage(f, grassflow::predict_log_coefficient(staircase2, leaps, ObjectiveKind::joint, f.stage));
    CAPTURE(f.stage);
    CHECK(c.rule == "log coefficient");
    CHECK(c.pass);
  }
  const auto planted = isotropic_fits(staircase2, "planted");
  const auto flat = grassflow::check_stage(planted[0], std::nullopt);
  CHECK(flat.rule == "flat");
  CHECK(flat.pass);
  CHECK(flat.measured < 1.3);  // 1.23: the d^{−1/2} head start of d = 100 vanishing
}
