// Joint and planted objectives (docs/theory.md §4, §5): closed forms, finite-difference gradients, invariances,
// agreement with the averaging operator, and the reduced velocities.
#include <doctest/doctest.h>

#include <cmath>

#include "dynamics_links.h"
#include "grassflow/averaging.h"
#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/objective.h"

using Eigen::MatrixXd;
using grassflow::HermiteExpansion;
using grassflow::JointObjective;
using grassflow::Objective;
using grassflow::PlantedObjective;

namespace {

// Central differences of L at M, entry by entry.
MatrixXd finite_difference_gradient(const Objective& L, const MatrixXd& M) {
  MatrixXd G(M.rows(), M.cols());
  const double h = 1e-6;
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    for (Eigen::Index j = 0; j < M.cols(); ++j) {
      MatrixXd plus = M, minus = M;
      plus(i, j) += h;
      minus(i, j) -= h;
      G(i, j) = (L.loss(plus) - L.loss(minus)) / (2 * h);
    }
  return G;
}

MatrixXd sym(const MatrixXd& X) {
  return 0.5 * (X + X.transpose());
}

}  // namespace

TEST_CASE("analytic gradients equal finite differences (1e-7 relative), joint, ridge-weighted joint, planted") {
  grassflow::Rng rng(21);
  for (int r : {1, 2, 3}) {
    CAPTURE(r);
    const HermiteExpansion f = testlinks::random_link(r, 4, 40 + r);
    const JointObjective joint(f);
    const JointObjective ridge(f, {1.0, 0.9, 0.5, 0.25, 0.1});
    const PlantedObjective planted(f);
    for (int trial = 0; trial < 3; ++trial) {
      const MatrixXd M = testlinks::random_overlap(r, rng);
      for (const Objective* L : {static_cast<const Objective*>(&joint), static_cast<const Objective*>(&ridge),
                                 static_cast<const Objective*>(&planted)}) {
        CAPTURE(L->name());
        const MatrixXd analytic = L->gradient(M), numeric = finite_difference_gradient(*L, M);
        CHECK((analytic - numeric).norm() <= 1e-7 * analytic.norm());
        double value;
        MatrixXd both;
        L->evaluate(M, value, both);
        CHECK(value == doctest::Approx(L->loss(M)).epsilon(1e-15));
        CHECK((both - analytic).norm() <= 1e-14 * analytic.norm());
      }
    }
  }
}

TEST_CASE("closed forms of Φ (docs/theory.md §4) and of the planted Ψ (Wick/Isserlis)") {
  grassflow::Rng rng(22);
  for (int trial = 0; trial < 5; ++trial) {
    const MatrixXd M = testlinks::random_overlap(2, rng);
    const MatrixXd C = M.transpose() * M;
    const double c11 = C(0, 0), c22 = C(1, 1), c12 = C(0, 1);
    // z1 z2: Φ = C11 C22 + C12², so L_J = ½(1 − Φ); planted Ψ = M11 M22 + M12 M21, L_P = 1 − Ψ.
    const HermiteExpansion z1z2 = testlinks::parity2();
    CHECK(JointObjective(z1z2).loss(M) == doctest::Approx(0.5 * (1 - (c11 * c22 + c12 * c12))).epsilon(1e-14));
    CHECK(PlantedObjective(z1z2).loss(M) ==
          doctest::Approx(1 - (M(0, 0) * M(1, 1) + M(0, 1) * M(1, 0))).epsilon(1e-14));
    // z1 + z1 z2: Φ = C11 + C11 C22 + C12².
    CHECK(JointObjective(testlinks::staircase2()).loss(M) ==
          doctest::Approx(0.5 * (2 - (c11 + c11 * c22 + c12 * c12))).epsilon(1e-14));
    // h_3(z1) + h_3(z2): Φ = C11³ + C22³ + 2 C12³.
    CHECK(JointObjective(testlinks::sum_of(3, 2)).loss(M) ==
          doctest::Approx(0.5 * (2 - (std::pow(c11, 3) + std::pow(c22, 3) + 2 * std::pow(c12, 3)))).epsilon(1e-14));
    // h_2(z1) + h_2(z2): Φ = ‖C‖²_F.
    CHECK(JointObjective(testlinks::sum_of(2, 2)).loss(M) ==
          doctest::Approx(0.5 * (2 - C.squaredNorm())).epsilon(1e-14));
    const auto phi = JointObjective(testlinks::staircase2()).phi_by_degree(C);
    CHECK(phi[1] == doctest::Approx(c11).epsilon(1e-14));
    CHECK(phi[2] == doctest::Approx(c11 * c22 + c12 * c12).epsilon(1e-14));
  }
  // r = 1: L_J = ½Σ α_k²(1 − m^{2k}), L_P = Σ α_k²(1 − m^k).
  const HermiteExpansion f = HermiteExpansion::from_coefficients(1, 4, {{{1}, 0.5}, {{3}, -1.5}, {{4}, 2.0}});
  for (double m : {-0.9, -0.3, 0.0, 0.4, 1.0}) {
    MatrixXd M(1, 1);
    M << m;
    const double joint = 0.5 * (0.25 * (1 - std::pow(m, 2)) + 2.25 * (1 - std::pow(m, 6)) + 4 * (1 - std::pow(m, 8)));
    const double planted = 0.25 * (1 - m) + 2.25 * (1 - std::pow(m, 3)) + 4 * (1 - std::pow(m, 4));
    CHECK(JointObjective(f).loss(M) == doctest::Approx(joint).epsilon(1e-14));
    CHECK(PlantedObjective(f).loss(M) == doctest::Approx(planted).epsilon(1e-14));
  }
  // The trap h_2 + h_3 (r = 1): a critical point of the planted flow at m = −2/3 with L_P = 50/27.
  MatrixXd trap_min(1, 1);
  trap_min << -2.0 / 3.0;
  const PlantedObjective trap(testlinks::trap(1));
  CHECK(trap.loss(trap_min) == doctest::Approx(50.0 / 27.0).epsilon(1e-15));
  CHECK(std::abs(trap.velocity(trap_min)(0, 0)) < 1e-15);
}

TEST_CASE("losses agree with the averaging operator: L_J = ½(‖f‖² − ‖A_M f‖²), L_P = ‖f‖² − ⟨A_M f, f⟩") {
  grassflow::Rng rng(23);
  const HermiteExpansion f = testlinks::random_link(3, 4, 50);
  const double mean2 = f.tensors[0][0] * f.tensors[0][0];  // α_0² never enters a loss
  for (int trial = 0; trial < 3; ++trial) {
    const MatrixXd M = testlinks::random_overlap(3, rng);
    CHECK(JointObjective(f).loss(M) ==
          doctest::Approx(0.5 * (f.norm2 - grassflow::averaged_norm2(f, M))).epsilon(1e-12));
    CHECK(PlantedObjective(f).loss(M) ==
          doctest::Approx(f.norm2 - mean2 - (grassflow::averaged_inner_mehler(f, f, M) - mean2)).epsilon(1e-12));
  }
}

TEST_CASE("joint loss is invariant under M → QM (W → WQ), the planted loss is not; optimum and minimum") {
  grassflow::Rng rng(24);
  const HermiteExpansion f = testlinks::random_link(3, 3, 60);
  const JointObjective joint(f);
  const PlantedObjective planted(f);
  const MatrixXd M = testlinks::random_overlap(3, rng), Q = grassflow::haar_orthogonal(3, rng);
  CHECK(joint.loss(Q * M) == doctest::Approx(joint.loss(M)).epsilon(1e-13));
  CHECK(std::abs(planted.loss(Q * M) - planted.loss(M)) > 1e-3);
  CHECK(std::abs(joint.loss(MatrixXd::Identity(3, 3))) < 1e-13);
  CHECK(std::abs(planted.loss(MatrixXd::Identity(3, 3))) < 1e-13);
  CHECK(joint.loss(MatrixXd::Zero(3, 3)) == doctest::Approx(0.5 * f.truncated_variance()).epsilon(1e-14));
  const JointObjective ridge(f, {1.0, 0.5, 0.25, 0.125});
  const auto energy = f.degree_energy();
  const double minimum = 0.5 * (0.5 * energy[1] + 0.75 * energy[2] + 0.875 * energy[3]);
  CHECK(ridge.minimum_loss() == doctest::Approx(minimum).epsilon(1e-14));
  CHECK(ridge.loss(MatrixXd::Identity(3, 3)) == doctest::Approx(minimum).epsilon(1e-13));
  // Distances: Grassmann ‖θ‖ (invariant under M → QM), Stiefel frame ‖W − W*‖_F = √(2r − 2 tr M).
  CHECK(joint.distance_to_optimum(Q) == doctest::Approx(0.0));
  CHECK(planted.distance_to_optimum(MatrixXd::Identity(3, 3)) == 0.0);
  CHECK(planted.distance_to_optimum(-MatrixXd::Identity(3, 3)) == doctest::Approx(std::sqrt(12.0)));
  CHECK(joint.distance_to_optimum(MatrixXd::Zero(3, 3)) == doctest::Approx(std::sqrt(3.0) * M_PI / 2));
}

TEST_CASE("reduced velocities: joint dM/dt = M G(C)(I − C), planted dM/dt = H − sym(MHᵀ)M") {
  grassflow::Rng rng(25);
  const HermiteExpansion f = testlinks::random_link(2, 3, 70);
  const MatrixXd M = testlinks::random_overlap(2, rng);
  const MatrixXd I = MatrixXd::Identity(2, 2), C = M.transpose() * M;
  const JointObjective joint(f);
  CHECK((joint.velocity(M) - M * joint.phi_gradient(C) * (I - C)).norm() < 1e-14);
  const PlantedObjective planted(f);
  const MatrixXd H = -planted.gradient(M);
  CHECK((planted.velocity(M) - (H - sym(M * H.transpose()) * M)).norm() < 1e-14);
  CHECK(joint.geometry() == grassflow::Geometry::grassmann);
  CHECK(planted.geometry() == grassflow::Geometry::stiefel);
  CHECK(grassflow::make_objective("planted", f)->may_stall());
  CHECK_FALSE(grassflow::make_objective("joint", f)->may_stall());
  CHECK_THROWS_AS(grassflow::make_objective("ridge", f), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::make_objective("planted", f, {1, 1, 1, 1}), grassflow::InputError);
  CHECK_THROWS_AS(JointObjective(f, {1.0, 2.0}), grassflow::InputError);
  CHECK_THROWS_AS(JointObjective(f, {1.0, -1.0, 1.0, 1.0}), grassflow::InputError);
  CHECK_THROWS_AS(joint.loss(MatrixXd::Zero(3, 3)), grassflow::InputError);
}

TEST_CASE("rotated objectives: the target frame W*R, L_R(M') = L(RM'Rᵀ), joint also = L(PM'Rᵀ); velocities follow") {
  grassflow::Rng rng(25);
  const HermiteExpansion f = testlinks::random_link(3, 3, 61);
  const MatrixXd M = testlinks::random_overlap(3, rng), R = grassflow::haar_orthogonal(3, rng),
                 P = grassflow::haar_orthogonal(3, rng);
  for (const char* name : {"joint", "planted"}) {
    CAPTURE(name);
    const auto L = grassflow::make_objective(name, f);
    const auto LR = L->rotated(R);
    CHECK(LR->loss(M) == doctest::Approx(L->loss(R * M * R.transpose())).epsilon(1e-13));
    // The problem rotated by R is the original one in the frames WRᵀ: velocities map the same way.
    CHECK((R * LR->velocity(M) * R.transpose() - L->velocity(R * M * R.transpose())).norm() < 1e-13);
  }
  const auto joint = grassflow::make_objective("joint", f), rotated = joint->rotated(R);
  CHECK(rotated->loss(M) == doctest::Approx(joint->loss(P * M * R.transpose())).epsilon(1e-13));
  CHECK((P * rotated->velocity(M) * R.transpose() - joint->velocity(P * M * R.transpose())).norm() < 1e-13);
  // A rotation changes the link, not its energy per degree; rotating back restores the tensors.
  const auto back = std::dynamic_pointer_cast<const JointObjective>(rotated->rotated(R.transpose()));
  REQUIRE(back);
  for (int k = 1; k <= 3; ++k)
    for (std::size_t i = 0; i < f.tensors[static_cast<std::size_t>(k)].size(); ++i)
      CHECK(back->expansion().tensors[static_cast<std::size_t>(k)][i] ==
            doctest::Approx(f.tensors[static_cast<std::size_t>(k)][i]).epsilon(1e-13).scale(1.0));
  CHECK_THROWS_AS(joint->rotated(MatrixXd::Identity(2, 2)), grassflow::InputError);
}
