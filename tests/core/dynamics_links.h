// Links of the dynamics tests built from their Hermite coefficients α_β (docs/theory.md §2), independent of the
// link parser: the presets' definitions written out by hand, plus small evaluators used as second routes.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/random.h"

namespace testlinks {

using grassflow::HermiteCoefficient;
using grassflow::HermiteExpansion;

inline std::vector<int> unit(int r, int i, int power = 1) {
  std::vector<int> b(static_cast<std::size_t>(r), 0);
  b[static_cast<std::size_t>(i)] = power;
  return b;
}

/// α h_k(z1), r = 1 (he2, he3, he4 presets for α = 1).
inline HermiteExpansion he(int k, double alpha = 1.0, int K = -1) {
  return HermiteExpansion::from_coefficients(1, K < 0 ? k : K, {{{k}, alpha}});
}
/// z1 z2 (parity2).
inline HermiteExpansion parity2() {
  return HermiteExpansion::from_coefficients(2, 2, {{{1, 1}, 1.0}});
}
/// z1 z2 z3 (parity3).
inline HermiteExpansion parity3() {
  return HermiteExpansion::from_coefficients(3, 3, {{{1, 1, 1}, 1.0}});
}
/// z1 + z1 z2 (staircase2).
inline HermiteExpansion staircase2() {
  return HermiteExpansion::from_coefficients(2, 2, {{{1, 0}, 1.0}, {{1, 1}, 1.0}});
}
/// z1 + z1 z2 + z1 z2 z3 (staircase3).
inline HermiteExpansion staircase3() {
  return HermiteExpansion::from_coefficients(3, 3, {{{1, 0, 0}, 1.0}, {{1, 1, 0}, 1.0}, {{1, 1, 1}, 1.0}});
}
/// z1 + h_3(z2) (z1he3: leaps 1 then 3).
inline HermiteExpansion z1he3() {
  return HermiteExpansion::from_coefficients(2, 3, {{{1, 0}, 1.0}, {{0, 3}, 1.0}});
}
/// Σ_{i<r} h_k(z_i) (he3sum2 = sum_of(3, 2), he2sum2 = sum_of(2, 2)).
inline HermiteExpansion sum_of(int k, int r) {
  std::vector<HermiteCoefficient> c;
  for (int i = 0; i < r; ++i) c.push_back({unit(r, i, k), 1.0});
  return HermiteExpansion::from_coefficients(r, k, c);
}
/// Σ_{i<r} (h_2 + h_3)(z_i): the planted trap of docs/theory.md §4.
inline HermiteExpansion trap(int r) {
  std::vector<HermiteCoefficient> c;
  for (int i = 0; i < r; ++i) {
    c.push_back({unit(r, i, 2), 1.0});
    c.push_back({unit(r, i, 3), 1.0});
  }
  return HermiteExpansion::from_coefficients(r, 3, c);
}
/// h_2((z1 + z2)/√2) = ½h_2(z1) + ½h_2(z2) + z1z2/√2 (degenerate: one learnable direction in r = 2).
inline HermiteExpansion degenerate() {
  return HermiteExpansion::from_coefficients(2, 2, {{{2, 0}, 0.5}, {{0, 2}, 0.5}, {{1, 1}, 1.0 / std::sqrt(2.0)}});
}

/// A link with every coefficient α_β, |β| ≤ K, drawn N(0, 1) (a dense test case for identities).
inline HermiteExpansion random_link(int r, int K, std::uint64_t seed) {
  grassflow::Rng rng(seed, 77);
  std::vector<HermiteCoefficient> c;
  std::vector<int> beta(static_cast<std::size_t>(r), 0);
  // Odometer over {0..K}^r, keeping |β| ≤ K.
  for (;;) {
    int total = 0;
    for (int b : beta) total += b;
    if (total <= K) c.push_back({beta, rng.normal()});
    int i = 0;
    while (i < r && beta[static_cast<std::size_t>(i)] == K) beta[static_cast<std::size_t>(i++)] = 0;
    if (i == r) break;
    ++beta[static_cast<std::size_t>(i)];
  }
  return HermiteExpansion::from_coefficients(r, K, c);
}

/// He_n(x) (monic probabilists') by its three-term recurrence.
inline double He(int n, double x) {
  double a = 1.0, b = x;
  if (n == 0) return a;
  for (int k = 1; k < n; ++k) {
    const double c = x * b - k * a;
    a = b;
    b = c;
  }
  return b;
}

/// f(z) = Σ_k ⟨T_k, He^{(k)}(z)⟩, the tensor form evaluated entry by entry (docs/theory.md §2).
inline double evaluate(const HermiteExpansion& f, const Eigen::VectorXd& z) {
  double s = 0.0;
  for (const grassflow::SymTensor& T : f.tensors)
    for (std::size_t i = 0; i < T.size(); ++i) {
      if (T[i] == 0.0) continue;
      const std::vector<int> beta = T.multiplicities(i);
      double h = 1.0;
      for (std::size_t j = 0; j < beta.size(); ++j) h *= He(beta[j], z(static_cast<Eigen::Index>(j)));
      s += T[i] * h;
    }
  return s;
}

/// Gauss–Hermite rule for the standard normal weight by Golub–Welsch (nodes = eigenvalues of the Jacobi
/// matrix with off-diagonal √k, weights = squared first eigenvector components). Exact to degree 2q − 1.
struct GaussRule {
  std::vector<double> nodes, weights;
};
inline GaussRule gauss_hermite(int q) {
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(q, q);
  for (int k = 1; k < q; ++k) J(k - 1, k) = J(k, k - 1) = std::sqrt(static_cast<double>(k));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(J);
  GaussRule rule;
  for (int i = 0; i < q; ++i) {
    rule.nodes.push_back(eig.eigenvalues()(i));
    rule.weights.push_back(eig.eigenvectors()(0, i) * eig.eigenvectors()(0, i));
  }
  return rule;
}

/// E[g(ξ)], ξ ~ N(0, I_n), by the n-fold tensor rule with q nodes per axis.
template <class G>
double gaussian_expectation(int n, int q, const G& g) {
  const GaussRule rule = gauss_hermite(q);
  std::vector<int> idx(static_cast<std::size_t>(n), 0);
  Eigen::VectorXd xi(n);
  double s = 0.0;
  for (;;) {
    double w = 1.0;
    for (int j = 0; j < n; ++j) {
      xi(j) = rule.nodes[static_cast<std::size_t>(idx[static_cast<std::size_t>(j)])];
      w *= rule.weights[static_cast<std::size_t>(idx[static_cast<std::size_t>(j)])];
    }
    s += w * g(xi);
    int j = 0;
    while (j < n && idx[static_cast<std::size_t>(j)] == q - 1) idx[static_cast<std::size_t>(j++)] = 0;
    if (j == n) break;
    ++idx[static_cast<std::size_t>(j)];
  }
  return s;
}

/// A random overlap with singular values in [0, 0.95]: U diag(s) Vᵀ with Haar-ish U, V from QR of Gaussians.
inline Eigen::MatrixXd random_overlap(int r, grassflow::Rng& rng, double max_singular = 0.95) {
  Eigen::MatrixXd A(r, r), B(r, r);
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) {
      A(i, j) = rng.normal();
      B(i, j) = rng.normal();
    }
  const Eigen::MatrixXd U = Eigen::HouseholderQR<Eigen::MatrixXd>(A).householderQ();
  const Eigen::MatrixXd V = Eigen::HouseholderQR<Eigen::MatrixXd>(B).householderQ();
  Eigen::VectorXd s(r);
  for (int i = 0; i < r; ++i) s(i) = max_singular * rng.uniform();
  return U * s.asDiagonal() * V.transpose();
}

}  // namespace testlinks
