// Links: presets against their own muparser expressions, expression syntax and precedence, errors with
// positions, warnings for directions outside the target, bulk and concurrent evaluation, gradients.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/link.h"
#include "grassflow/random.h"

#ifndef __EMSCRIPTEN__
#include <thread>
#endif

using namespace grassflow;

namespace {

Link expression(const std::string& text, int r = 0) {
  return resolve_link(text, r).link;
}

double eval(const Link& f, std::vector<double> z) {
  return f(z.data());
}

// The InputError message of resolve_link(spec, r), or "" if it does not throw one.
std::string error_of(const std::string& spec, int r = 0) {
  try {
    resolve_link(spec, r);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("every preset equals its muparser expression, value and gradient, at random points") {
  Rng rng(11);
  REQUIRE(presets().size() == 18);
  for (const PresetInfo& info : presets()) {
    for (int r : info.family ? std::vector<int>{1, 2, 4} : std::vector<int>{info.natural_r, info.natural_r + 1}) {
      INFO("preset " << info.name << ", r = " << r);
      const ResolvedLink preset = resolve_link("preset:" + info.name, r);
      CHECK(preset.link.r() == r);
      CHECK(preset.link.spec() == "preset:" + info.name);
      CHECK(preset.link.exact_gradient());
      CHECK(preset.warnings.size() == (r > info.natural_r && !info.family ? 1u : 0u));
      const Link expr = expression(preset_expression(info.name, r), r);
      std::vector<double> z(static_cast<std::size_t>(r)), g(z.size()), g_fd(z.size());
      for (int trial = 0; trial < 40; ++trial) {
        for (double& x : z) x = 1.5 * rng.normal();
        const double value = preset.link(z.data());
        CHECK(value == doctest::Approx(expr(z.data())).epsilon(1e-13).scale(1.0));
        preset.link.gradient(z.data(), g.data());
        expr.gradient(z.data(), g_fd.data());
        for (int i = 0; i < r; ++i) CHECK(g[i] == doctest::Approx(g_fd[i]).epsilon(1e-8).scale(1.0));
      }
    }
  }
  CHECK(resolve_link("preset:he3sum", 0).link.r() == 2);
  CHECK(resolve_link("preset:trap", 0).link.r() == 1);
  CHECK(resolve_link("preset:staircase3", 0).link.r() == 3);
  CHECK(preset_expression("trap", 2) == "h(2,z1) + h(3,z1) + h(2,z2) + h(3,z2)");
}

TEST_CASE("expressions: constants, grassflow's functions, muparser precedence") {
  CHECK(eval(expression("-z1^2"), {3.0}) == -9.0);   // -(z1^2)
  CHECK(eval(expression("2^3^2"), {0.0}) == 512.0);  // 2^(3^2)
  CHECK(eval(expression("pi + e"), {0.0}) == doctest::Approx(3.14159265358979323846 + 2.71828182845904523536));
  CHECK(eval(expression("_pi"), {0.0}) == doctest::Approx(3.14159265358979323846));
  CHECK(eval(expression("2.5e-1*z1 + 1E2"), {4.0}) == 101.0);
  CHECK(eval(expression("He(3, z1)"), {2.0}) == doctest::Approx(2.0));  // 8 − 6
  CHECK(eval(expression("h(3, z1)"), {2.0}) == doctest::Approx(2.0 / std::sqrt(6.0)));
  CHECK(eval(expression("h(1000, z1)"), {0.0}) == doctest::Approx(0.1588238589707503673).epsilon(1e-12));
  CHECK(eval(expression("relu(z1) + relu(-z1)"), {-1.5}) == 1.5);
  CHECK(eval(expression("max(z1, z2, z3) - min(z1, z2)"), {1.0, -2.0, 3.0}) == 5.0);
  CHECK(eval(expression("sign(z1*z2)"), {0.0, 1.0}) == 0.0);
  CHECK(eval(expression("z1 > 0 ? 1 : -1"), {-0.1}) == -1.0);
  CHECK(eval(expression("sqrt(abs(z2)) * tanh(z1)"), {0.5, -4.0}) == doctest::Approx(2.0 * std::tanh(0.5)));
  const Link constant = expression("3");
  CHECK(constant.r() == 1);
  CHECK(eval(constant, {7.0}) == 3.0);
  CHECK(expression("z1 + z3").r() == 3);
  CHECK(expression("z1*z2", 2).spec() == "z1*z2");
  CHECK_FALSE(expression("z1").exact_gradient());
}

TEST_CASE("bad expressions are rejected with the 1-based position and a hint") {
  std::string m = error_of("z1 +* 2");
  CHECK(contains(m, "position 5"));
  CHECK(contains(m, "expression \"z1 +* 2\""));
  m = error_of("foo(z1) + 1");
  CHECK(contains(m, "unknown function 'foo' at position 1"));
  CHECK(contains(m, "relu"));
  m = error_of("z1 + sin (z2) + bar (z1)");
  CHECK(contains(m, "unknown function 'bar' at position 17"));
  m = error_of("z1 + z4", 3);
  CHECK(contains(m, "z4 exceeds r = 3 at position 6"));
  CHECK(contains(m, "use r >= 4"));
  m = error_of("x + z1");
  CHECK(contains(m, "unknown name 'x' at position 1"));
  CHECK(contains(error_of("z0 + z1"), "unknown name 'z0'"));
  CHECK(contains(error_of("z1 + (z2"), "position"));
  CHECK(contains(error_of("h(1.5, z1)"), "integer degree"));
  CHECK(contains(error_of("He(200, z1)"), "0..150"));
  CHECK(contains(error_of("  "), "empty"));
  CHECK(contains(error_of("z1 z2"), "position 4"));
  CHECK(contains(error_of("preset:nope"), "unknown preset 'nope'"));
  CHECK(contains(error_of("preset:nope"), "staircase3"));
  CHECK(contains(error_of("preset:parity3", 2), "needs r >= 3"));
  CHECK(contains(error_of("z1", -1), "r = -1"));
  CHECK(contains(error_of("z1", kMaxLinkRank + 1), "r = 33"));
  CHECK_THROWS_AS(preset_expression("nope", 1), InputError);
}

TEST_CASE("a larger r than the link uses runs with a warning naming the extra directions") {
  const ResolvedLink he3 = resolve_link("preset:he3", 3);
  REQUIRE(he3.warnings.size() == 1);
  CHECK(contains(he3.warnings[0], "z2..z3"));
  CHECK(contains(he3.warnings[0], "not in the target"));
  double z[3] = {1.0, 2.0, 3.0}, g[3] = {7, 7, 7};
  he3.link.gradient(z, g);
  CHECK(g[1] == 0.0);
  CHECK(g[2] == 0.0);
  const ResolvedLink expr = resolve_link("z1*z2", 4);
  REQUIRE(expr.warnings.size() == 1);
  CHECK(contains(expr.warnings[0], "z3..z4"));
  CHECK(resolve_link("preset:he3sum", 4).warnings.empty());
}

TEST_CASE("bulk evaluation equals point evaluation; copies share the compiled expression") {
  const Link f = expression("h(4, z1) * sin(z2) + relu(z1 - z2)^2 + 0.1*z3");
  const Link copy = f;  // NOLINT: the copy is the point
  Rng rng(5);
  const std::size_t n = 1000;  // several bulk chunks
  std::vector<double> Z(3 * n), bulk(n);
  for (double& x : Z) x = rng.normal();
  copy.evaluate(Z.data(), n, bulk.data());
  for (std::size_t i = 0; i < n; ++i) {
    const double* z = &Z[3 * i];
    const double expected = (z[0] * z[0] * z[0] * z[0] - 6 * z[0] * z[0] + 3) / std::sqrt(24.0) * std::sin(z[1]) +
                            std::pow(std::max(z[0] - z[1], 0.0), 2) + 0.1 * z[2];
    CHECK(bulk[i] == doctest::Approx(expected).epsilon(1e-13).scale(1.0));
    CHECK(f(z) == bulk[i]);
  }
}

TEST_CASE("expression gradients by finite differences reach ~1e-10 relative") {
  const Link f = expression("sin(z1)*exp(z2) + z1^3*z2");
  Rng rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    double z[2] = {2.0 * rng.normal(), rng.normal()}, g[2];
    f.gradient(z, g);
    const double g0 = std::cos(z[0]) * std::exp(z[1]) + 3 * z[0] * z[0] * z[1];
    const double g1 = std::sin(z[0]) * std::exp(z[1]) + z[0] * z[0] * z[0];
    CHECK(g[0] == doctest::Approx(g0).epsilon(1e-10).scale(1.0));
    CHECK(g[1] == doctest::Approx(g1).epsilon(1e-10).scale(1.0));
  }
}

#ifndef __EMSCRIPTEN__
TEST_CASE("one expression link evaluated from four threads gives the serial results") {
  const Link f = expression("h(3, z1) + z1*z2 - tanh(z2)");
  const std::size_t n = 20000;
  Rng rng(8);
  std::vector<double> Z(2 * n), serial(n);
  for (double& x : Z) x = rng.normal();
  for (std::size_t i = 0; i < n; ++i) serial[i] = f(&Z[2 * i]);
  std::vector<std::vector<double>> results(4, std::vector<double>(n));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const Link copy = f;
      for (std::size_t i = 0; i < n; ++i)
        results[t][i] = (t % 2 ? copy : f)(&Z[2 * i]);  // shared object and copies alike
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) CHECK(results[t] == serial);
}
#endif
