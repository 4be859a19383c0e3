// Reduced and full-d flows (docs/theory.md §5, §6): the reference escape times, single-index closed forms, the
// invariants of the joint flow, agreement with the d-dimensional flow, traps and stalls, the step-wise API.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "dynamics_links.h"
#include "grassflow/errors.h"
#include "grassflow/flow.h"
#include "grassflow/manifold.h"

using Eigen::MatrixXd;
using grassflow::FlowOptions;
using grassflow::FlowStatus;
using grassflow::HermiteExpansion;
using grassflow::ReducedFlow;
using grassflow::Start;

namespace {

MatrixXd scalar(double m) {
  return MatrixXd::Constant(1, 1, m);
}

ReducedFlow run(const char* objective, const HermiteExpansion& link, const MatrixXd& M0, FlowOptions options = {}) {
  ReducedFlow flow(grassflow::make_objective(objective, link), M0, options);
  flow.run();
  return flow;
}

// Escape times of the joint flow from the isotropic start C(0) = I/d.
std::vector<std::optional<double>> isotropic_escapes(const HermiteExpansion& link, double d) {
  return run("joint", link, grassflow::initial_overlap(Start::isotropic, link.r, d)).escape_times();
}

// Pure single index α h_s, joint flow, from m0 to m1 (docs/theory.md §6).
double joint_single_index_time(int s, double alpha, double m0, double m1) {
  double sum = 0.0;
  for (int j = 1; j <= s - 1; ++j) sum += (std::pow(m0, -2 * j) - std::pow(m1, -2 * j)) / (2 * j);
  return (sum + std::log(m1 / m0) - 0.5 * std::log((1 - m1 * m1) / (1 - m0 * m0))) / (s * alpha * alpha);
}

// Planted h_3: T = ∫ dm / (3m²(1 − m²)) = (1/3)[1/m0 − 1/m1 + atanh m1 − atanh m0].
double planted_he3_time(double m0, double m1) {
  return (1 / m0 - 1 / m1 + std::atanh(m1) - std::atanh(m0)) / 3;
}

void check_relative(const std::optional<double>& measured, double expected, double tolerance) {
  REQUIRE(measured.has_value());
  CHECK(*measured == doctest::Approx(expected).epsilon(tolerance));
}

}  // namespace

TEST_CASE("reference escape times of docs/theory.md §6 (joint, C(0) = I/d) to 1e-8 relative") {
  const double ds[] = {100, 1000, 10000};
  const double h1[] = {2.297559925, 3.453377389, 4.605120183};
  const double h2[] = {25.64877996, 251.2266887, 2501.80256};
  const double h3[] = {850.0991866, 83500.48446, 8335000.868};
  const double z1z2[] = {51.29755992, 502.4533773, 5003.605119};
  const double stair[3][2] = {{2.27038938, 4.558267622}, {3.449434632, 6.900705689}, {4.604609801, 9.209404158}};
  for (int i = 0; i < 3; ++i) {
    CAPTURE(ds[i]);
    check_relative(isotropic_escapes(testlinks::he(1), ds[i])[0], h1[i], 1e-8);
    check_relative(isotropic_escapes(testlinks::he(2), ds[i])[0], h2[i], 1e-8);
    check_relative(isotropic_escapes(testlinks::he(3), ds[i])[0], h3[i], 1e-8);
    const auto parity = isotropic_escapes(testlinks::parity2(), ds[i]);
    check_relative(parity[0], z1z2[i], 1e-8);
    check_relative(parity[1], z1z2[i], 1e-8);
    const auto staircase = isotropic_escapes(testlinks::staircase2(), ds[i]);
    check_relative(staircase[0], stair[i][0], 1e-8);
    check_relative(staircase[1], stair[i][1], 1e-8);
  }
  const auto z1he3 = isotropic_escapes(testlinks::z1he3(), 100);
  check_relative(z1he3[0], 2.297559925, 1e-8);
  check_relative(z1he3[1], 850.0991855, 1e-8);
}

TEST_CASE("reference escape times of docs/theory.md §6 (planted, r = 1, m0 = ±d^{-1/2}, time to m² = ½)") {
  auto planted = [](const HermiteExpansion& link, double m0) { return run("planted", link, scalar(m0)); };
  check_relative(planted(testlinks::he(2), 0.1).escape_times()[0], 1.148779963, 1e-8);
  check_relative(planted(testlinks::he(2), 0.01).escape_times()[0], 2.302560092, 1e-8);
  check_relative(planted(testlinks::he(3), 0.1).escape_times()[0], 3.122274892, 1e-8);
  check_relative(planted(testlinks::he(3), 0.01).escape_times()[0], 33.15238656, 1e-8);
  const ReducedFlow never = planted(testlinks::he(3), -0.1);
  CHECK_FALSE(never.escape_times()[0].has_value());
}

TEST_CASE("single-index closed forms: joint h_3, planted h_3 and h_1 from 1e-300, h_4 at d = 1e8") {
  // The time to reach m1 is the escape time at level m1²: checks the dense output and its root finding.
  for (double m1 : {0.2, 0.5, 0.9}) {
    FlowOptions options;
    options.escape_level = m1 * m1;
    check_relative(run("joint", testlinks::he(3), scalar(0.05), options).escape_times()[0],
                   joint_single_index_time(3, 1.0, 0.05, m1), 1e-8);
    check_relative(run("planted", testlinks::he(3), scalar(0.05), options).escape_times()[0],
                   planted_he3_time(0.05, m1), 1e-8);
  }
  // α = 2 scales time by 1/α².
  check_relative(run("joint", testlinks::he(2, 2.0), scalar(0.01)).escape_times()[0],
                 joint_single_index_time(2, 2.0, 0.01, std::sqrt(0.5)), 1e-8);
  // A start at 1e-300 still escapes, near ln(1/ε) (error control relative to each quantity's size).
  const ReducedFlow tiny = run("joint", testlinks::he(1), scalar(1e-300));
  CHECK(tiny.status() == FlowStatus::converged);
  check_relative(tiny.escape_times()[0], joint_single_index_time(1, 1.0, 1e-300, std::sqrt(0.5)), 1e-8);
  // d = 1e8, s = 4: T ≈ d³/24 ≈ 4e22, an escape far below the resolution of t in one double.
  const ReducedFlow huge = run("joint", testlinks::he(4), grassflow::initial_overlap(Start::isotropic, 1, 1e8));
  CHECK(huge.status() == FlowStatus::converged);
  check_relative(huge.escape_times()[0], joint_single_index_time(4, 1.0, 1e-4, std::sqrt(0.5)), 1e-8);
}

TEST_CASE("joint flow from a rotated start: escapes equal the decoupled closed forms (stiff creep after an escape)") {
  // L_J is invariant under M → QM, so M(0) = Q diag(m1, m2) follows Q times the decoupled flow, whose escapes
  // are single-index closed forms; the frame Q mixes scales 1 and 1e-3 in every entry.
  grassflow::Rng rng(31);
  const MatrixXd Q = grassflow::haar_orthogonal(2, rng);
  for (int s : {2, 3}) {
    CAPTURE(s);
    MatrixXd D = MatrixXd::Zero(2, 2);
    D(0, 0) = 0.1;
    D(1, 1) = 1e-3;
    const ReducedFlow flow = run("joint", testlinks::sum_of(s, 2), Q * D);
    CHECK(flow.status() == FlowStatus::converged);
    check_relative(flow.escape_times()[0], joint_single_index_time(s, 1.0, 0.1, std::sqrt(0.5)), 1e-8);
    check_relative(flow.escape_times()[1], joint_single_index_time(s, 1.0, 1e-3, std::sqrt(0.5)), 1e-7);
  }
}

TEST_CASE("joint flow with one direction creeping at 1e-30 beside a converged one (the gauge): closed forms hold") {
  // M(0) = Q diag(m1, m2) R for the link rotated by R (Objective::rotated): the flow is Q·diag(m1(t), m2(t))·R,
  // two decoupled single-index flows, while every entry of M mixes both scales from both sides. After the first
  // escape, the second cosine (1e-5 for s = 4: relative speed ~1e-30, escape at ~4e28; 1e-6 for s = 3) must
  // creep far below the rounding of the converged entries: only the flow's gauge (flow.h) resolves it.
  grassflow::Rng rng(34);
  const MatrixXd Q = grassflow::haar_orthogonal(2, rng), R = grassflow::haar_orthogonal(2, rng);
  for (const auto& exponent_and_cosine : {std::pair{4, 1e-5}, std::pair{3, 1e-6}, std::pair{2, 1e-8}}) {
    const int s = exponent_and_cosine.first;
    const double m2 = exponent_and_cosine.second;
    CAPTURE(s);
    MatrixXd D = MatrixXd::Zero(2, 2);
    D(0, 0) = 0.1;
    D(1, 1) = m2;
    ReducedFlow flow(grassflow::make_objective("joint", testlinks::sum_of(s, 2))->rotated(R), Q * D * R);
    flow.run();
    CHECK(flow.status() == FlowStatus::converged);
    check_relative(flow.escape_times()[0], joint_single_index_time(s, 1.0, 0.1, std::sqrt(0.5)), 1e-8);
    check_relative(flow.escape_times()[1], joint_single_index_time(s, 1.0, m2, std::sqrt(0.5)), 1e-7);
    CHECK(flow.steps() < 20000);
  }
}

TEST_CASE("Haar starts at d up to 1e10: leap-2 and leap-4 links converge, escape times scale like d^(s-1)") {
  // parity2 = (h_2(u) − h_2(v))/√2: each direction escapes on its own d-scale; he4sum2: two exponent-4
  // directions, the second creeping ~d³ after the first has converged (t ~ 1e28 at d = 1e8).
  const ReducedFlow parity = run("joint", testlinks::parity2(), grassflow::initial_overlap(Start::random, 2, 1e10, 7));
  CHECK(parity.status() == FlowStatus::converged);
  std::vector<double> seconds;
  for (double d : {1e4, 1e6, 1e8}) {
    const ReducedFlow flow = run("joint", testlinks::sum_of(4, 2), grassflow::initial_overlap(Start::random, 2, d, 1));
    CAPTURE(d);
    CHECK(flow.status() == FlowStatus::converged);
    REQUIRE(flow.escape_times()[1].has_value());
    seconds.push_back(*flow.escape_times()[1]);
  }
  // One seed, so only the order of growth: d³ per factor 100 in d is 1e6 (the seeds' cosines differ by O(1)).
  for (std::size_t i = 1; i < seconds.size(); ++i) {
    const double exponent = std::log10(seconds[i] / seconds[i - 1]) / 2;
    CHECK(exponent > 2.5);
    CHECK(exponent < 3.5);
  }
}

TEST_CASE("joint invariants: every cos² non-decreasing, loss non-increasing, rank kept, poles stationary") {
  grassflow::Rng rng(32);
  for (int trial = 0; trial < 3; ++trial) {
    const HermiteExpansion link = trial == 0 ? testlinks::staircase3() : testlinks::random_link(3, 3, 90 + trial);
    const ReducedFlow flow = run("joint", link, grassflow::initial_overlap(Start::random, 3, 1000, trial));
    CHECK(flow.status() == FlowStatus::converged);
    const auto points = flow.trajectory(40);
    for (std::size_t i = 1; i < points.size(); ++i) {
      CHECK(points[i].loss <= points[i - 1].loss + 1e-13);
      // Up to the integration error (rtol = 1e-11 per entry of M, ~5e-11 near cos θ = 1).
      for (int k = 0; k < 3; ++k) CHECK(points[i].cosines(k) >= points[i - 1].cosines(k) - 1e-10);
    }
  }
  // A rank-1 start stays rank 1 and cannot converge for a rank-2 target: the flow runs to t_max.
  MatrixXd rank1 = MatrixXd::Zero(2, 2);
  rank1(0, 0) = 0.3;
  rank1(1, 0) = 0.2;
  const ReducedFlow stuck = run("joint", testlinks::parity2(), rank1);
  CHECK(stuck.status() == FlowStatus::t_max);
  CHECK(stuck.time() == 1e30);
  CHECK(std::abs(stuck.state().determinant()) < 1e-14);
  // The equator C = 0 and the pole C = I are stationary.
  CHECK(run("joint", testlinks::he(3), scalar(0.0)).status() == FlowStatus::t_max);
  CHECK(run("joint", testlinks::he(3), scalar(0.0)).steps() < 60);
  const ReducedFlow pole = run("joint", testlinks::staircase2(), MatrixXd::Identity(2, 2));
  CHECK(pole.status() == FlowStatus::converged);
  CHECK(pole.steps() == 0);
}

TEST_CASE("reduced flow = full d-dimensional flow on St(200, 2) (1e-6 on cosines), joint and planted") {
  grassflow::Rng rng(33);
  const int d = 200;
  const MatrixXd W0 = grassflow::haar_stiefel(d, 2, rng), target = grassflow::leading_axes(d, 2);
  struct Case {
    const char* objective;
    HermiteExpansion link;
  };
  for (const Case& c : {Case{"joint", testlinks::staircase2()}, Case{"planted", testlinks::random_link(2, 3, 7)}}) {
    CAPTURE(c.objective);
    const auto L = grassflow::make_objective(c.objective, c.link);
    ReducedFlow reduced(L, W0.transpose() * target);
    grassflow::FullFlow full(L, W0, target);
    for (double t : {0.5, 2.0, 5.0, 9.0}) {
      reduced.advance_to(t);
      full.advance_to(t);
      CHECK(full.time() == t);
      const Eigen::VectorXd a = grassflow::principal_cosines(reduced.state_at(t));
      const Eigen::VectorXd b = grassflow::principal_cosines(full.overlap());
      for (int k = 0; k < 2; ++k) CHECK(a(k) == doctest::Approx(b(k)).epsilon(1e-6));
      CHECK((full.frame().transpose() * full.frame() - MatrixXd::Identity(2, 2)).norm() < 1e-12);
    }
  }
}

TEST_CASE("planted traps stall, the joint flow converges from the same starts (docs/theory.md §4)") {
  // h_3 from m0 < 0: creeps to the equator and is reported stalled, without escaping.
  const ReducedFlow creep = run("planted", testlinks::he(3), scalar(-0.1));
  CHECK(creep.status() == FlowStatus::stalled);
  CHECK(std::abs(creep.state()(0, 0)) < 1e-3);
  CHECK(creep.loss() == doctest::Approx(1.0).epsilon(1e-8));
  // trap (h_2 + h_3, r = 1) from m0 < 0: the spurious minimum m = −2/3 with L_P = 50/27.
  const ReducedFlow trap = run("planted", testlinks::trap(1), scalar(-0.1));
  CHECK(trap.status() == FlowStatus::stalled);
  CHECK(trap.state()(0, 0) == doctest::Approx(-2.0 / 3.0).epsilon(1e-6));
  CHECK(trap.loss() == doctest::Approx(50.0 / 27.0).epsilon(1e-9));
  CHECK(run("planted", testlinks::trap(1), scalar(0.1)).status() == FlowStatus::converged);
  for (const HermiteExpansion& link : {testlinks::he(3), testlinks::trap(1)}) {
    const ReducedFlow joint = run("joint", link, scalar(-0.1));
    CHECK(joint.status() == FlowStatus::converged);
    CHECK(joint.escape_times()[0].has_value());
  }
  // The exact equator is stationary for the planted flow too: stalled at once.
  CHECK(run("planted", testlinks::he(3), scalar(0.0)).status() == FlowStatus::stalled);
  // A planted flow creeping *away* from the equator at d = 1e8 (m' ∝ m², speeding up) is not a stall.
  CHECK(run("planted", testlinks::he(3), scalar(1e-4)).status() == FlowStatus::converged);
}

TEST_CASE("random starts: the joint flow converges on every preset, the planted trap fails on a fraction") {
  // Reduced counts here (20 starts per preset, d = 100); the CLI test and `reproduce` run 100 and 200.
  const HermiteExpansion presets[] = {testlinks::he(3),        testlinks::parity2(), testlinks::staircase2(),
                                      testlinks::staircase3(), testlinks::z1he3(),   testlinks::sum_of(3, 2),
                                      testlinks::sum_of(2, 2), testlinks::trap(2),   testlinks::parity3()};
  for (const HermiteExpansion& link : presets) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const ReducedFlow flow = run("joint", link, grassflow::initial_overlap(Start::random, link.r, 100, seed));
      CHECK(flow.status() == FlowStatus::converged);
    }
  }
  int planted_success = 0;
  const int starts = 40;
  for (std::uint64_t seed = 0; seed < starts; ++seed) {
    const ReducedFlow flow =
        run("planted", testlinks::trap(1), grassflow::initial_overlap(Start::random, 1, 200, seed));
    CHECK((flow.status() == FlowStatus::converged || flow.status() == FlowStatus::stalled));
    if (flow.status() == FlowStatus::converged) ++planted_success;
  }
  // P(success) = P(m0 > 0) = ½: 40 starts land in [8, 32] with probability > 0.9999.
  CHECK(planted_success >= 8);
  CHECK(planted_success <= 32);
}

namespace {

// A made-up objective whose flow blows up in finite time: velocity m² (Stiefel, r = 1, E = −m²/(1 − m²)).
class BlowUp final : public grassflow::Objective {
 public:
  BlowUp() : Objective(testlinks::he(1)) {}
  grassflow::ObjectiveKind kind() const override { return grassflow::ObjectiveKind::planted; }  // Stiefel
  const char* name() const override { return "blow-up"; }
  grassflow::Geometry geometry() const override { return grassflow::Geometry::stiefel; }
  bool may_stall() const override { return false; }
  double loss(const MatrixXd& M) const override { return -std::pow(M(0, 0), 3); }
  MatrixXd gradient(const MatrixXd& M) const override {
    const double m = M(0, 0);
    return MatrixXd::Constant(1, 1, -m * m / (1 - m * m));
  }
  void evaluate(const MatrixXd& M, double& l, MatrixXd& g) const override {
    l = loss(M);
    g = gradient(M);
  }
  double minimum_loss() const override { return -std::numeric_limits<double>::infinity(); }
  std::shared_ptr<const Objective> rotated(const MatrixXd&) const override { return std::make_shared<BlowUp>(); }
  double distance_to_optimum(const MatrixXd&) const override { return 0.0; }
};

}  // namespace

TEST_CASE("a flow that produces NaN ends as diverged and keeps its finite trajectory") {
  ReducedFlow flow(std::make_shared<BlowUp>(), scalar(0.5));
  CHECK(flow.run() == FlowStatus::diverged);
  CHECK_FALSE(flow.failure().empty());
  CHECK(flow.time() <= 2.0 + 1e-9);  // m(t) = 1/(2 − t)
  CHECK(flow.state().allFinite());
  for (const auto& p : flow.trajectory()) CHECK(p.M.allFinite());
}

TEST_CASE("step-wise API: advance_to, dense state_at, trajectory with escapes, bad input") {
  const auto L = grassflow::make_objective("joint", testlinks::staircase2());
  const MatrixXd M0 = grassflow::initial_overlap(Start::isotropic, 2, 1e4);
  ReducedFlow stepped(L, M0);
  double previous = 0.0;
  for (double t : {0.01, 0.3, 1.0, 4.0, 7.0}) {
    CHECK(stepped.advance_to(t) == FlowStatus::running);
    CHECK(stepped.time() >= t);
    CHECK(stepped.time() >= previous);
    previous = stepped.time();
  }
  ReducedFlow whole(L, M0);
  whole.run();
  CHECK(whole.status() == FlowStatus::converged);
  for (double t : {0.01, 0.3, 1.0, 4.0, 6.5}) CHECK((stepped.state_at(t) - whole.state_at(t)).norm() < 1e-14);
  // Dense output between steps agrees with a flow forced to step exactly there (full flow lands on t).
  grassflow::FullFlow exact(L, grassflow::stiefel_with_overlap(M0, 4), grassflow::leading_axes(4, 2));
  exact.advance_to(5.123);
  CHECK((exact.overlap() - whole.state_at(5.123)).norm() < 1e-8);
  const auto points = whole.trajectory(5);
  CHECK(points.front().t == 0.0);
  CHECK(points.back().t == whole.time());
  for (const auto& e : whole.escape_times()) {
    REQUIRE(e.has_value());
    bool found = false;
    for (const auto& p : points)
      if (p.t == *e) {
        found = true;
        CHECK(p.cosines(0) >= std::sqrt(0.5) - 1e-9);
      }
    CHECK(found);
  }
  CHECK_THROWS_AS(whole.state_at(whole.time() * 2), grassflow::InputError);
  CHECK_THROWS_AS(whole.state_at(-1.0), grassflow::InputError);
  CHECK_THROWS_AS(ReducedFlow(L, MatrixXd::Zero(3, 3)), grassflow::InputError);
  FlowOptions bad;
  bad.t_max = 0.0;
  CHECK_THROWS_AS(ReducedFlow(L, M0, bad), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::parse_start("haar"), grassflow::InputError);
  CHECK(grassflow::parse_start("equator") == Start::equator);
  CHECK_THROWS_AS(grassflow::initial_overlap(Start::isotropic, 3, 2), grassflow::InputError);  // r > d
  CHECK_THROWS_AS(grassflow::initial_overlap(Start::isotropic, 2, 3), grassflow::InputError);  // d < r + rank
  CHECK_THROWS_AS(grassflow::initial_overlap(Start::equator, 2, 100, 0, 2.0), grassflow::InputError);
  const MatrixXd equator = grassflow::initial_overlap(Start::equator, 3, 400, 9);
  CHECK(grassflow::principal_cosines(equator)(0) == doctest::Approx(0.05).epsilon(1e-13));
  CHECK(grassflow::principal_cosines(equator)(2) == doctest::Approx(0.05).epsilon(1e-13));
  CHECK(std::string(grassflow::to_string(FlowStatus::t_max)) == "t_max");
}

TEST_CASE("an escape that follows one with its own cosine below 1e-14 is flagged as limited by rounding") {
  const HermiteExpansion stair = testlinks::staircase2();
  // Equator start at ε = 1e-50: direction 2 is ~1e-50 when direction 1 escapes (at ln(1/ε) ≈ 115).
  const ReducedFlow tiny = run("joint", stair, grassflow::initial_overlap(Start::equator, 2, 1e12, 0, 1e-50));
  REQUIRE(tiny.escape_times()[1].has_value());
  CHECK(*tiny.escape_times()[0] == doctest::Approx(50 * std::log(10.0)).epsilon(0.01));
  CHECK(tiny.rounding_limited() == std::vector<bool>{false, true});
  // From C(0) = I/d direction 2 is ~0.03 at the first escape: both escapes are the start's (docs/theory.md §6).
  const ReducedFlow iso = run("joint", stair, grassflow::initial_overlap(Start::isotropic, 2, 1000));
  CHECK(iso.rounding_limited() == std::vector<bool>{false, false});
  // A Haar start at d = 1e10 creeps from ~1e-5 beside a converged direction: accurate in the gauge, not flagged.
  const ReducedFlow haar = run("joint", testlinks::parity2(), grassflow::initial_overlap(Start::random, 2, 1e10, 7));
  CHECK(haar.status() == FlowStatus::converged);
  CHECK(haar.rounding_limited() == std::vector<bool>{false, false});
}
