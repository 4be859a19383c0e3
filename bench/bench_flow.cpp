// Cost of the population flows (issue 4): the target is a staircase3 flow (r = 3, d = 1e6) to convergence in
// under 20 ms natively; bench/flow_scipy.py measures scipy's solve_ivp on the same reduced ODE side by side
// (table in bench/README.md). Run: build/native/bench/bench_flow
#include <benchmark/benchmark.h>

#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/manifold.h"
#include "grassflow/objective.h"

namespace {

using namespace grassflow;

std::shared_ptr<const Objective> joint(const std::string& preset, int r = 0) {
  return make_objective("joint", hermite_expansion(resolve_link("preset:" + preset, r).link, 8));
}

// The reduced flow to loss < 1e-10 from C(0) = I/d (the reference start) or a Haar start.
void BM_FlowStaircase3(benchmark::State& state) {
  const auto objective = joint("staircase3");
  const Start start = state.range(0) == 0 ? Start::isotropic : Start::random;
  const Eigen::MatrixXd M0 = initial_overlap(start, 3, 1e6, 0);
  long steps = 0;
  for (auto _ : state) {
    ReducedFlow flow(objective, M0);
    flow.run();
    steps = flow.steps();
    benchmark::DoNotOptimize(flow.escape_times());
  }
  state.counters["steps"] = static_cast<double>(steps);
}
BENCHMARK(BM_FlowStaircase3)->Arg(0)->Arg(1)->ArgName("random")->Unit(benchmark::kMillisecond);

// What `grassflow flow --link preset:staircase3 --d 1e6` computes: link, Hermite expansion, leaps, flow,
// trajectory (process start-up and printing aside).
void BM_FlowCommandStaircase3(benchmark::State& state) {
  for (auto _ : state) {
    const HermiteExpansion e = hermite_expansion(resolve_link("preset:staircase3", 0).link, 8);
    benchmark::DoNotOptimize(leap_sequence(e));
    ReducedFlow flow(make_objective("joint", e), initial_overlap(Start::random, 3, 1e6, 0));
    flow.run();
    benchmark::DoNotOptimize(flow.trajectory());
  }
}
BENCHMARK(BM_FlowCommandStaircase3)->Unit(benchmark::kMillisecond);

// A leap-3 flow from a Haar start at d = 1e6: the creep after the first escape is stiff (BDF phase).
void BM_FlowHe3sum2Random(benchmark::State& state) {
  const auto objective = joint("he3sum2");
  const Eigen::MatrixXd M0 = initial_overlap(Start::random, 2, 1e6, 1);
  for (auto _ : state) {
    ReducedFlow flow(objective, M0);
    flow.run();
    benchmark::DoNotOptimize(flow.escape_times());
  }
}
BENCHMARK(BM_FlowHe3sum2Random)->Unit(benchmark::kMillisecond);

// One right-hand side dM/dt: degree 3 (staircase3) and degree 8 with dense tensors (sign3).
void BM_Velocity(benchmark::State& state) {
  const auto objective = joint(state.range(0) == 0 ? "staircase3" : "sign3");
  const Eigen::MatrixXd M = initial_overlap(Start::random, 3, 100, 0);
  for (auto _ : state) benchmark::DoNotOptimize(objective->velocity(M));
}
BENCHMARK(BM_Velocity)->Arg(0)->Arg(1)->ArgName("sign3")->Unit(benchmark::kMicrosecond);

// The d-dimensional flow that verifies the reduction (d = 200, r = 2, to t = 10).
void BM_FullFlowD200(benchmark::State& state) {
  const auto objective = joint("staircase2");
  Rng rng(1);
  const Eigen::MatrixXd W0 = haar_stiefel(200, 2, rng), target = leading_axes(200, 2);
  for (auto _ : state) {
    FullFlow flow(objective, W0, target);
    flow.advance_to(10.0);
    benchmark::DoNotOptimize(flow.overlap());
  }
}
BENCHMARK(BM_FullFlowD200)->Unit(benchmark::kMillisecond);

// The exact O(r³) sampler of M(0) for a Haar W at d = 1e12.
void BM_SampleHaarOverlap(benchmark::State& state) {
  Rng rng(2);
  for (auto _ : state) benchmark::DoNotOptimize(sample_haar_overlap(1e12, 3, rng));
}
BENCHMARK(BM_SampleHaarOverlap)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
