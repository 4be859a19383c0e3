// Landscape slices: the polynomial grid values equal Objective::loss at the same overlaps, the slice
// coordinates invert the parametrisation, and the planted trap shows as a spurious minimum.
#include <doctest/doctest.h>

#include <cmath>

#include "grassflow/landscape.h"

using namespace grassflow;

namespace {
HermiteExpansion sign2_like() {
  // Several degrees and mixed multi-indices: z1 + z1z2 + h_3(z2) + 0.3 h_2(z1) h_2(z2) + 0.2 h_4(z1).
  return HermiteExpansion::from_coefficients(
      2, 4, {{{1, 0}, 1.0}, {{1, 1}, 1.0}, {{0, 3}, 1.0}, {{2, 2}, 0.3}, {{4, 0}, 0.2}});
}
}  // namespace

TEST_CASE("landscape grid values equal the objective's loss at the same overlaps") {
  Eigen::MatrixXd M(2, 2);
  M << 0.3, -0.2, 0.25, 0.1;
  for (const char* name : {"joint", "planted"})
    for (SliceKind kind : {SliceKind::principal_cosines, SliceKind::alignment_rotation}) {
      const auto objective = make_objective(name, sign2_like());
      const LandscapeSlice slice(*objective, kind, M);
      const Landscape grid = slice.compute(9);
      for (int j = 0; j < 9; j += 2)
        for (int i = 0; i < 9; i += 3) {
          const double x = grid.x_min + (grid.x_max - grid.x_min) * i / 8.0;
          const double y = grid.y_min + (grid.y_max - grid.y_min) * j / 8.0;
          CAPTURE(name);
          CAPTURE(i);
          CAPTURE(j);
          CHECK(grid.values[static_cast<std::size_t>(j * 9 + i)] ==
                doctest::Approx(objective->loss(slice.overlap(x, y))).epsilon(1e-12));
        }
    }
}

TEST_CASE("slice coordinates invert the parametrisation; the current M lies on its own slice") {
  Eigen::MatrixXd M(2, 2);
  M << 0.3, -0.2, 0.25, 0.1;
  const auto objective = make_objective("planted", sign2_like());
  const LandscapeSlice cosines(*objective, SliceKind::principal_cosines, M);
  const Eigen::Vector2d c = cosines.coordinates(M);
  CHECK((cosines.overlap(c(0), c(1)) - M).norm() < 1e-14);
  const LandscapeSlice rotation(*objective, SliceKind::alignment_rotation, M);
  const Eigen::Vector2d p = rotation.coordinates(rotation.overlap(0.7, -2.0));
  CHECK(p(0) == doctest::Approx(0.7));
  CHECK(p(1) == doctest::Approx(-2.0));
}

TEST_CASE("the joint loss is constant along the in-frame rotation, the planted one is not") {
  const auto joint = make_objective("joint", sign2_like());
  const auto planted = make_objective("planted", sign2_like());
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(2, 2);
  const Landscape j = LandscapeSlice(*joint, SliceKind::alignment_rotation, I).compute(16);
  const Landscape p = LandscapeSlice(*planted, SliceKind::alignment_rotation, I).compute(16);
  double joint_spread = 0, planted_spread = 0;
  for (int i = 0; i < 16; ++i)
    for (int row = 1; row < 16; ++row) {
      joint_spread = std::max(joint_spread, std::fabs(j.values[static_cast<std::size_t>(row * 16 + i)] -
                                                      j.values[static_cast<std::size_t>(i)]));
      planted_spread = std::max(planted_spread, std::fabs(p.values[static_cast<std::size_t>(row * 16 + i)] -
                                                          p.values[static_cast<std::size_t>(i)]));
    }
  CHECK(joint_spread < 1e-12);
  CHECK(planted_spread > 0.1);
}

TEST_CASE("trap (h_2 + h_3 in each of r = 2 coordinates): the planted slice has a spurious minimum at -2/3") {
  // docs/theory.md §4: per coordinate Ψ'(m) ∝ m(2 + 3m), a stable spurious point at m = −2/3.
  const HermiteExpansion trap =
      HermiteExpansion::from_coefficients(2, 3, {{{2, 0}, 1}, {{3, 0}, 1}, {{0, 2}, 1}, {{0, 3}, 1}});
  const auto planted = make_objective("planted", trap);
  const Landscape grid =
      LandscapeSlice(*planted, SliceKind::principal_cosines, Eigen::MatrixXd::Identity(2, 2)).compute(61);
  bool found = false;
  for (const CriticalPoint& cp : grid.critical_points)
    if (cp.type == CriticalPoint::Type::minimum && std::fabs(cp.x + 2.0 / 3.0) < 0.04 &&
        std::fabs(cp.y + 2.0 / 3.0) < 0.04) {
      found = true;
      CHECK(cp.loss == doctest::Approx(2 * 50.0 / 27.0).epsilon(0.01));
    }
  CHECK(found);
  const auto joint = make_objective("joint", trap);
  const Landscape jgrid =
      LandscapeSlice(*joint, SliceKind::principal_cosines, Eigen::MatrixXd::Identity(2, 2)).compute(61);
  for (const CriticalPoint& cp : jgrid.critical_points) CHECK(cp.type != CriticalPoint::Type::minimum);
}

TEST_CASE("r = 1 loss profiles: joint even in m, planted not; closed form ½Σα_k²(1 − m^{2k})") {
  const HermiteExpansion he2he3 = HermiteExpansion::from_coefficients(1, 3, {{{2}, 1.0}, {{3}, 1.0}});
  const std::vector<double> joint = loss_profile(*make_objective("joint", he2he3), 21);
  const std::vector<double> planted = loss_profile(*make_objective("planted", he2he3), 21);
  for (int i = 0; i < 21; ++i) {
    const double m = -1.0 + 0.1 * i;
    CHECK(joint[static_cast<std::size_t>(i)] == doctest::Approx(0.5 * ((1 - std::pow(m, 4)) + (1 - std::pow(m, 6)))));
    CHECK(joint[static_cast<std::size_t>(i)] == doctest::Approx(joint[static_cast<std::size_t>(20 - i)]));
    CHECK(planted[static_cast<std::size_t>(i)] == doctest::Approx((1 - m * m) + (1 - m * m * m)));
  }
}
