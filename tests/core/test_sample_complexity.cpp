// Sample complexity (docs/theory.md §9): the threshold n* interpolated in log n, the bootstrap summary on runs whose
// threshold is known exactly (n* = d^κ by construction), the candidates' consistency, and one configuration's
// determinism and budget rule.
#include <doctest/doctest.h>

#include <cmath>

#include "grassflow/errors.h"
#include "grassflow/experiment.h"
#include "grassflow/sample_complexity.h"

using grassflow::PhaseRun;

TEST_CASE("half_success_n interpolates in log n at one half") {
  // p goes 0.25 -> 0.75 between n = 100 and 400: the crossing is at the geometric middle, 200.
  const auto n = grassflow::half_success_n({50, 100, 400, 800}, {0.0, 0.25, 0.75, 1.0});
  REQUIRE(n);
  CHECK(*n == doctest::Approx(200.0).epsilon(1e-12));
  CHECK(*grassflow::half_success_n({10, 20}, {0.5, 1.0}) == 10.0);
  CHECK_FALSE(grassflow::half_success_n({10, 20}, {0.0, 0.4}));
}

TEST_CASE("summarise_phase recovers a planted threshold law n* = 4 d^1.5 and brackets it") {
  // Seed k succeeds at (d, n) when n >= 4 d^1.5 · m_k, m_k spread around 1 (geometric median 1): every resampling
  // of the seeds gives n* within a factor of the spread, so kappa = 1.5 up to the grid's resolution.
  std::vector<PhaseRun> runs;
  const double spread[] = {0.7, 0.8, 0.9, 1.0, 1.0, 1.1, 1.25, 1.4};
  for (double d : {16.0, 64.0, 256.0, 1024.0})
    for (double n = 8; n < 4e6; n *= std::sqrt(2.0))
      for (int k = 0; k < 8; ++k) {
        PhaseRun run;
        run.d = d, run.n = std::round(n), run.seed = static_cast<std::uint64_t>(k);
        run.success = run.n >= 4 * std::pow(d, 1.5) * spread[k];
        runs.push_back(run);
      }
  const grassflow::PhaseSummary s = grassflow::summarise_phase(runs, 400);
  REQUIRE(s.kappa);
  CHECK(s.kappa->estimate == doctest::Approx(1.5).epsilon(0.05));
  CHECK(s.kappa->lo <= s.kappa->estimate);
  CHECK(s.kappa->estimate <= s.kappa->hi);
  CHECK(s.kappa->hi - s.kappa->lo < 0.2);
  for (std::size_t i = 0; i < s.d.size(); ++i) {
    REQUIRE(s.n_star[i]);
    CHECK(s.n_star[i]->estimate / (4 * std::pow(s.d[i], 1.5)) == doctest::Approx(1.0).epsilon(0.3));
  }
  const auto laws = grassflow::kappa_candidates(3, s.kappa);  // d^2, d^3/2, d
  CHECK(laws[0].consistent == false);
  CHECK(laws[1].consistent == true);
  CHECK(laws[2].consistent == false);
  for (const auto& law : grassflow::kappa_candidates(3, std::nullopt)) CHECK(std::string(law.verdict()) == "n/a");
  // Two dimensions cannot give kappa: said, not fitted.
  std::vector<PhaseRun> two;
  for (const PhaseRun& run : runs)
    if (run.d <= 64) two.push_back(run);
  const grassflow::PhaseSummary t = grassflow::summarise_phase(two, 50);
  CHECK_FALSE(t.kappa);
  CHECK(t.kappa_note.find("3 or more dimensions") != std::string::npos);
}

TEST_CASE("a phase configuration is determined by its key, and its budget follows the population time") {
  const grassflow::LinkAnalysis link = grassflow::analyse_link("z1", 0, std::nullopt);
  const double T = grassflow::population_time(link, 100);
  CHECK(T == doctest::Approx(std::log(100.0) / 2).epsilon(1e-12));  // (6.5): ln(1/mu0^2)/(2 alpha^2), alpha = 1
  grassflow::PhaseSpec spec;
  spec.noise = 0.5;
  const PhaseRun a = grassflow::run_phase_configuration(link.resolved.link, spec, 100, 800, 3, T);
  const PhaseRun b = grassflow::run_phase_configuration(link.resolved.link, spec, 100, 800, 3, T);
  CHECK(a.subspace_error == b.subspace_error);
  CHECK(a.budget == doctest::Approx(4 * T));
  CHECK(a.steps == static_cast<long>(std::ceil(4 * T / 0.1)));
  const PhaseRun other = grassflow::run_phase_configuration(link.resolved.link, spec, 100, 800, 4, T);
  CHECK(other.subspace_error != a.subspace_error);
  spec.online = true;
  const PhaseRun online = grassflow::run_phase_configuration(link.resolved.link, spec, 100, 512, 3, T);
  CHECK(online.steps == 2);  // 512 samples in batches of 256
  CHECK(online.reason == (online.success ? "learned" : "time"));
  CHECK_THROWS_AS(grassflow::run_phase_configuration(link.resolved.link, spec, 100, 100, 3, T), grassflow::InputError);
}
