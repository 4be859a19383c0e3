// The link features of finite-sample training (docs/theory.md §7, link_features.h): Mehler random features against
// Mehler's closed form by Monte Carlo, the closed form against the truncated Hermite-kernel features, feature
// gradients against finite differences, and training with Mehler features.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/link_features.h"
#include "grassflow/manifold.h"
#include "grassflow/train.h"

using grassflow::LinkFeatures;

namespace {

double inner(const LinkFeatures& f, const double* z, const double* z2) {
  Eigen::MatrixXd a, b;
  f.evaluate(z, 1, a);
  f.evaluate(z2, 1, b);
  return a.row(0).dot(b.row(0));
}

}  // namespace

TEST_CASE("Mehler's closed form equals the Hermite-kernel features' inner product at the same q") {
  // Σ_{k ≤ 12} q^k Σ_{|β|=k} H_β(z)H_β(z') from the explicit features; the tail beyond degree 12 is ~q^13.
  const double q = 0.2;
  const LinkFeatures hermite("hermite-kernel:0.2", 2, 12, 0);
  const double points[4][2] = {{0.3, -1.1}, {1.4, 0.2}, {-0.7, -0.9}, {0.0, 1.6}};
  for (const auto& z : points)
    for (const auto& z2 : points) {
      const double closed = grassflow::mehler_kernel(z, z2, 2, q);
      CHECK(inner(hermite, z, z2) == doctest::Approx(closed).epsilon(1e-7));
    }
  // One coordinate at q: (1 − q²)^{−1/2} exp((2q z z' − q²(z² + z'²))/(2(1 − q²))), by hand at z = 1, z' = 2.
  const double one = 1.0, two = 2.0;
  CHECK(grassflow::mehler_kernel(&one, &two, 1, 0.5) ==
        doctest::Approx(std::exp((2 * 0.5 * 2 - 0.25 * 5) / (2 * 0.75)) / std::sqrt(0.75)).epsilon(1e-14));
  CHECK(grassflow::mehler_kernel(&one, &two, 1, 0.0) == 1.0);
}

TEST_CASE("Mehler random features average to the Mehler kernel (Monte Carlo over seeds)") {
  // E_u[ψ(z)·ψ(z')] = k_q(z, z') exactly; 60 seeds × 2000 features, checked within 4 standard errors, which
  // are themselves below 1% (so the check has teeth).
  const double q = 0.5;
  const double points[3][3] = {{0.3, -1.1, 0.5}, {1.2, 0.2, -0.4}, {-0.7, -0.9, 1.0}};
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      CAPTURE(a);
      CAPTURE(b);
      const int seeds = 60;
      double sum = 0, sum2 = 0;
      for (int seed = 0; seed < seeds; ++seed) {
        const LinkFeatures mehler("mehler:2000:0.5", 3, 2, static_cast<std::uint64_t>(seed));
        const double v = inner(mehler, points[a], points[b]);
        sum += v;
        sum2 += v * v;
      }
      const double mean = sum / seeds, se = std::sqrt((sum2 / seeds - mean * mean) / (seeds - 1));
      const double closed = grassflow::mehler_kernel(points[a], points[b], 3, q);
      CHECK(se < 0.01 * closed);
      CHECK(std::fabs(mean - closed) < 4 * se);
    }
  // The default decay is q = ½, and the seed reproduces the features.
  const LinkFeatures by_default("mehler:300", 3, 2, 7), explicit_q("mehler:300:0.5", 3, 2, 7);
  CHECK(inner(by_default, points[0], points[1]) == inner(explicit_q, points[0], points[1]));
  CHECK(inner(LinkFeatures("mehler:300", 3, 2, 8), points[0], points[1]) != inner(by_default, points[0], points[1]));
}

TEST_CASE("feature gradients equal finite differences of the fitted link") {
  const int r = 3;
  const double z[r] = {0.4, -0.8, 1.3};
  for (const char* spec : {"hermite", "hermite-kernel:0.3", "mehler:50", "mehler:40:0.8", "relu:30"}) {
    CAPTURE(spec);
    const LinkFeatures f(spec, r, 3, 11);
    Eigen::VectorXd a(f.size());
    grassflow::Rng rng(5);
    for (int j = 0; j < f.size(); ++j) a(j) = rng.normal();
    Eigen::MatrixXd Phi;
    f.evaluate(z, 1, Phi);
    const Eigen::VectorXd fitted = Phi * a;
    const Eigen::MatrixXd grad = f.gradients(z, Phi, fitted, f.gradient_coefficients(a));
    const double h = 1e-6;
    for (int c = 0; c < r; ++c) {
      double plus[r] = {z[0], z[1], z[2]}, minus[r] = {z[0], z[1], z[2]};
      plus[c] += h;
      minus[c] -= h;
      Eigen::MatrixXd Pp, Pm;
      f.evaluate(plus, 1, Pp);
      f.evaluate(minus, 1, Pm);
      const double fd = (Pp.row(0).dot(a) - Pm.row(0).dot(a)) / (2 * h);
      CHECK(grad(0, c) == doctest::Approx(fd).epsilon(1e-7).scale(1.0));
    }
  }
}

TEST_CASE("malformed feature specs name --features and give an example") {
  for (const char* spec : {"mehler:", "mehler:0", "mehler:2001", "mehler:10:1", "mehler:10:0", "mehler:10:x",
                           "mehler:x", "mehler:10:0.5:1"}) {
    CAPTURE(spec);
    try {
      LinkFeatures f(spec, 2, 2, 0);
      FAIL("no error");
    } catch (const grassflow::InputError& e) {
      CHECK(grassflow::user_message(e, grassflow::Surface::cli) ==
            "--features: '" + std::string(spec) +
                "'; mehler:M or mehler:M:q needs 1 <= M <= 2000 random features and a decay "
                "0 < q < 1 (default 0.5), e.g. mehler:200 or mehler:200:0.3");
    }
  }
  CHECK_THROWS_AS(grassflow::mehler_kernel(nullptr, nullptr, 0, 1.0), grassflow::InputError);
}

TEST_CASE("training with Mehler features (exact, lagged, online) recovers the subspace of staircase2 at d = 30") {
  const int d = 30, r = 2;
  const grassflow::PlantedModel m{grassflow::leading_axes(d, r), [](const double* z) { return z[0] + z[0] * z[1]; },
                                  0.1};
  grassflow::SampleStream train(m, 3, 1), test(m, 3, 2);
  grassflow::TrainOptions o;
  o.r = r;
  o.lr = 0.2;
  o.features = "mehler:100";
  o.seed = 3;
  grassflow::Trainer trainer(train.draw(4000, grassflow::Precision::float64),
                             test.draw(1000, grassflow::Precision::float64), m.w_star, o);
  CHECK(trainer.feature_count() == 100);
  trainer.run(100);
  MESSAGE("sin θ_max after 100 steps: ", trainer.records().back().subspace_error);
  CHECK(trainer.records().front().subspace_error > 0.9);
  CHECK(trainer.records().back().subspace_error < 0.15);
  // The one-pass (lagged) and online variants take the same feature gradients (with the −s²/(1 − s²)·f̂·z term).
  o.variant = grassflow::TrainVariant::lagged;
  grassflow::Trainer lagged(grassflow::SampleStream(m, 3, 1).draw(4000, grassflow::Precision::float64),
                            grassflow::Dataset{}, m.w_star, o);
  lagged.run(100);
  CHECK(lagged.records().back().subspace_error < 0.15);
  o.variant = grassflow::TrainVariant::online;
  o.ratio = 1.0;  // SGD on the coefficients at ρη = 0.2: the features' squared norm k_q(z, z) reaches ~10
  grassflow::Trainer online(grassflow::SampleStream(m, 3, 1), grassflow::Dataset{}, o);
  online.run(200);
  MESSAGE("lagged, online: ", lagged.records().back().subspace_error, " ", online.records().back().subspace_error);
  CHECK(online.records().back().subspace_error < 0.15);
}
