// Numerical stress (issue 7): flows at the extremes the tool accepts (d = 1e12, ε = 1e-300, t_max = 1e300 or
// 1e-300, the largest r the Hermite analysis supports) end with a clear status and only finite numbers, and
// the sizes one beyond are refused with their cost. Diverging step sizes in training are rows of
// test_bad_inputs.cpp and tests/cli/test_bad_inputs.py.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "grassflow/errors.h"
#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"

using namespace grassflow;

namespace {

struct Extreme {
  const char* objective;
  const char* link;
  int degree;
  Start start;
  double d, eps, t_max;
};

bool finite(const FlowPoint& p) {
  return std::isfinite(p.t) && std::isfinite(p.loss) && p.cosines.allFinite() && p.M.allFinite() &&
         std::isfinite(p.distance);
}

}  // namespace

TEST_CASE("numerical stress: flows at extreme settings end with a status and finite numbers") {
  const Extreme cases[] = {
      {"joint", "preset:he3", 4, Start::isotropic, 1e12, 0, 1e300},
      {"planted", "preset:he4", 4, Start::equator, 1e12, 1e-300, 1e300},
      {"joint", "preset:staircase3", 3, Start::equator, 1e12, 1e-300, 1e300},
      {"joint", "preset:parity2", 2, Start::isotropic, 1e12, 0, 1e300},
      {"planted", "preset:trap", 3, Start::random, 1e12, 0, 1e300},
      // r = 8 at K = 2: the largest r the Hermite analysis supports (hermite_analysis.h); its leaps of 2 take
      // ~d, so d is kept at 1e4 to keep the suite fast.
      {"joint", "z1*z2 + z3*z4 + z5*z6 + z7*z8", 2, Start::random, 1e4, 0, 1e300},
      {"joint", "preset:he2", 2, Start::random, 1e12, 0, 1e-300},
  };
  for (const Extreme& c : cases) {
    INFO(std::string(c.objective) << " flow of " << std::string(c.link) << ", d = " << c.d << ", eps = " << c.eps
                                  << ", t_max = " << c.t_max);
    const Link link = resolve_link(c.link, 0).link;
    FlowOptions options;
    options.t_max = c.t_max;
    ReducedFlow flow(make_objective(c.objective, hermite_expansion(link, c.degree)),
                     initial_overlap(c.start, link.r(), c.d, 7, c.eps), options);
    flow.run();
    const std::string status = to_string(flow.status());
    INFO("status " << status << " at t = " << flow.time() << " after " << flow.steps() << " steps; " << flow.failure());
    CHECK(flow.status() != FlowStatus::running);
    CHECK(flow.status() != FlowStatus::diverged);
    CHECK(std::isfinite(flow.time()));
    CHECK(flow.time() <= c.t_max);
    CHECK(std::isfinite(flow.loss()));
    CHECK(flow.state().allFinite());
    for (const auto& t : flow.escape_times())
      if (t) CHECK(std::isfinite(*t));
    for (const FlowPoint& p : flow.trajectory(2)) CHECK(finite(p));
    if (c.t_max < 1) CHECK(flow.status() == FlowStatus::t_max);
  }
}

TEST_CASE("numerical stress: one beyond the largest degree and r is refused with its cost") {
  auto limit_message = [](const std::string& spec, int K) {
    try {
      hermite_expansion(resolve_link(spec, 0).link, K);
    } catch (const LimitError& e) {
      return std::string(e.what());
    }
    return std::string("no LimitError");
  };
  // r = 8: K = 2 runs (above), K = 3 needs 4^8 + 8^8 = 16842752 > 2^24 evaluations.
  const std::string r8 = limit_message("z1*z2 + z3*z4 + z5*z6 + z7*z8", 3);
  CHECK(r8.find("16842752 link evaluations") != std::string::npos);
  CHECK(r8.find("lower the degree to K <= 2 or lower r") != std::string::npos);
  // r = 1: K = 99 is the largest (200 nodes), K = 100 needs 202.
  CHECK(hermite_expansion(resolve_link("z1", 0).link, 99).degree == 99);
  CHECK(limit_message("z1", 100).find("needs 202 Gauss–Hermite nodes per axis; at most 200") != std::string::npos);
}

TEST_CASE("max_hermite_degree is the largest degree hermite_expansion accepts, for every r") {
  // The documented table (hermite_analysis.h), recomputed by hand from its three limits: e.g. r = 3, K = 13:
  // 14³ + 28³ = 24696 evaluations and Σ_k≤13 3^k = 2391484 ≤ 2^22 tensor entries; K = 14: Σ 3^k > 2^22.
  const int expected[] = {99, 21, 13, 10, 9, 6, 4, 2, 2, 1, 1, 0, 0};
  for (int r = 1; r <= 13; ++r) CHECK(max_hermite_degree(r) == expected[r - 1]);
  CHECK(max_hermite_degree(23) == 0);
  CHECK(max_hermite_degree(24) == -1);  // 1 + 2^24 evaluations even for the constant
  CHECK_THROWS_AS(max_hermite_degree(0), InputError);
  std::string sum = "z1";
  for (int r = 1; r <= 11; ++r) {
    if (r > 1) sum += " + z" + std::to_string(r);
    INFO("r = " << r);
    const Link link = resolve_link(sum, 0).link;
    CHECK_THROWS_AS(hermite_expansion(link, max_hermite_degree(r) + 1), LimitError);
    // Computing at the largest degree itself costs up to 4^11 evaluations; the small r suffice.
    if (r <= 6) CHECK(hermite_expansion(link, max_hermite_degree(r)).degree == max_hermite_degree(r));
  }
}
