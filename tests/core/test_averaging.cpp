// The averaging operator A_M (docs/theory.md §3): tensor route against the Mehler/SVD route, against its definition
// as a conditional expectation (quadrature), against the d-dimensional expectation E_x[f(W*ᵀx) g(Wᵀx)], and
// its algebra (A_I = Id, A_0 = mean, rotations, semigroup, contraction).
#include <doctest/doctest.h>

#include <cmath>

#include "dynamics_links.h"
#include "grassflow/averaging.h"
#include "grassflow/errors.h"
#include "grassflow/manifold.h"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using grassflow::HermiteExpansion;

namespace {

// (I − MᵀM)^{1/2}, the conditional standard deviation of z* given z.
MatrixXd conditional_sqrt(const MatrixXd& M) {
  const MatrixXd S = MatrixXd::Identity(M.cols(), M.cols()) - M.transpose() * M;
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig(S);
  return eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal() * eig.eigenvectors().transpose();
}

// A_M g(z) = E_ξ g(Mᵀz + (I − MᵀM)^{1/2}ξ), by exact Gauss–Hermite quadrature for polynomial g.
template <class G>
double average_at(const MatrixXd& M, const VectorXd& z, const G& g) {
  const MatrixXd S = conditional_sqrt(M);
  const VectorXd mean = M.transpose() * z;
  return testlinks::gaussian_expectation(static_cast<int>(M.rows()), 7,
                                         [&](const VectorXd& xi) { return g(VectorXd(mean + S * xi)); });
}

}  // namespace

TEST_CASE("⟨A_M f, g⟩: the tensor route equals the Mehler (SVD) route to 1e-12") {
  grassflow::Rng rng(11);
  for (int r : {1, 2, 3}) {
    const HermiteExpansion f = testlinks::random_link(r, 5, 1 + r), g = testlinks::random_link(r, 4, 2 + r);
    for (int trial = 0; trial < 5; ++trial) {
      const MatrixXd M = testlinks::random_overlap(r, rng);
      const double tensor = grassflow::averaged_inner(f, g, M);
      const double mehler = grassflow::averaged_inner_mehler(f, g, M);
      CHECK(tensor == doctest::Approx(mehler).epsilon(1e-12));
      CHECK(grassflow::averaged_norm2(f, M) ==
            doctest::Approx(grassflow::averaged_inner_mehler(f, f, M.transpose() * M)).epsilon(1e-12));
    }
  }
}

TEST_CASE("A_M on tensors is the conditional expectation E[g(z*) | z] (quadrature of the definition)") {
  grassflow::Rng rng(12);
  const HermiteExpansion g = testlinks::random_link(2, 4, 5);
  for (int trial = 0; trial < 4; ++trial) {
    const MatrixXd M = testlinks::random_overlap(2, rng);
    const HermiteExpansion Ag = grassflow::averaged_expansion(g, M);
    VectorXd z(2);
    z << rng.normal(), rng.normal();
    const double by_quadrature = average_at(M, z, [&](const VectorXd& x) { return testlinks::evaluate(g, x); });
    CHECK(testlinks::evaluate(Ag, z) == doctest::Approx(by_quadrature).epsilon(1e-11));
  }
}

TEST_CASE("d disappears: E_x[f(W*ᵀx) g(Wᵀx)] over x ~ N(0, I_d) equals ⟨A_M f, g⟩ with M = WᵀW*") {
  grassflow::Rng rng(13);
  const int d = 4, r = 2;
  const HermiteExpansion f = testlinks::random_link(r, 3, 21), g = testlinks::random_link(r, 3, 22);
  const MatrixXd W = grassflow::haar_stiefel(d, r, rng), Wstar = grassflow::haar_stiefel(d, r, rng);
  const double ambient = testlinks::gaussian_expectation(d, 4, [&](const VectorXd& x) {
    return testlinks::evaluate(f, Wstar.transpose() * x) * testlinks::evaluate(g, W.transpose() * x);
  });
  CHECK(grassflow::averaged_inner(f, g, W.transpose() * Wstar) == doctest::Approx(ambient).epsilon(1e-12));
}

TEST_CASE("A_I = identity, A_0 = mean, A_Q g = g(Qᵀ·), semigroup A_{M1}A_{M2} = A_{M1M2}, contraction") {
  grassflow::Rng rng(14);
  const int r = 2;
  const HermiteExpansion g = testlinks::random_link(r, 4, 31);
  const HermiteExpansion id = grassflow::averaged_expansion(g, MatrixXd::Identity(r, r));
  for (std::size_t k = 0; k < g.tensors.size(); ++k)
    for (std::size_t i = 0; i < g.tensors[k].size(); ++i) CHECK(id.tensors[k][i] == g.tensors[k][i]);
  const HermiteExpansion mean = grassflow::averaged_expansion(g, MatrixXd::Zero(r, r));
  CHECK(mean.tensors[0][0] == g.tensors[0][0]);
  for (std::size_t k = 1; k < mean.tensors.size(); ++k) CHECK(mean.tensors[k].is_zero());

  const MatrixXd Q = grassflow::haar_orthogonal(r, rng);
  const HermiteExpansion rotated = grassflow::averaged_expansion(g, Q);
  VectorXd z(r);
  z << 0.7, -1.3;
  CHECK(testlinks::evaluate(rotated, z) == doctest::Approx(testlinks::evaluate(g, Q.transpose() * z)).epsilon(1e-13));

  // Semigroup, checked through the definition: A_{M1}(A_{M2}g)(z) by nested quadrature.
  const MatrixXd M1 = testlinks::random_overlap(r, rng), M2 = testlinks::random_overlap(r, rng);
  const double nested = average_at(M1, z, [&](const VectorXd& y) {
    return average_at(M2, y, [&](const VectorXd& x) { return testlinks::evaluate(g, x); });
  });
  CHECK(testlinks::evaluate(grassflow::averaged_expansion(g, M1 * M2), z) == doctest::Approx(nested).epsilon(1e-11));

  // ‖A_M g‖² ≤ ‖g‖², with equality at orthogonal M; the norm of the averaged expansion agrees.
  const MatrixXd M = testlinks::random_overlap(r, rng);
  CHECK(grassflow::averaged_norm2(g, M) < g.norm2);
  CHECK(grassflow::averaged_norm2(g, Q) == doctest::Approx(g.norm2).epsilon(1e-13));
  CHECK(grassflow::averaged_expansion(g, M).norm2 == doctest::Approx(grassflow::averaged_norm2(g, M)).epsilon(1e-13));
  // Adjoint: ⟨A_M f, g⟩ = ⟨f, A_{Mᵀ} g⟩.
  const HermiteExpansion f = testlinks::random_link(r, 4, 32);
  CHECK(grassflow::averaged_inner(f, g, M) ==
        doctest::Approx(grassflow::averaged_inner(g, f, M.transpose())).epsilon(1e-13));
  CHECK_THROWS_AS(grassflow::averaged_inner(f, g, MatrixXd::Identity(3, 3)), grassflow::InputError);
  CHECK_THROWS_AS(grassflow::averaged_inner(f, testlinks::random_link(3, 2, 1), M), grassflow::InputError);
}
