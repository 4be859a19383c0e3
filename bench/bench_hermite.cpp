// Cost of the Hermite analysis of links (issue 3): the target is < 5 ms for the degree-8 coefficients of a
// degree-8 link in r = 3. Run: build/native/bench/bench_hermite
#include <benchmark/benchmark.h>

#include <vector>

#include "grassflow/hermite.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/random.h"

namespace {

using namespace grassflow;

// A degree-8 link in r = 3, as an expression (muparser bytecode) and as native code.
const char* kDegree8 = "h(8, z1) + z1*z2*h(6, z3) + h(4, z2)*h(4, z3)";

Link native_degree8() {
  return Link(
      3, "native degree 8",
      [](const double* z) {
        return hermite_h(8, z[0]) + z[0] * z[1] * hermite_h(6, z[2]) + hermite_h(4, z[1]) * hermite_h(4, z[2]);
      },
      [](const double*, double* g) { g[0] = g[1] = g[2] = 0.0; });
}

void BM_CoefficientsDegree8R3Expression(benchmark::State& state) {
  const Link link = resolve_link(kDegree8, 3).link;
  for (auto _ : state) benchmark::DoNotOptimize(hermite_expansion(link, 8));
}
BENCHMARK(BM_CoefficientsDegree8R3Expression)->Unit(benchmark::kMillisecond);

void BM_CoefficientsDegree8R3Native(benchmark::State& state) {
  const Link link = native_degree8();
  for (auto _ : state) benchmark::DoNotOptimize(hermite_expansion(link, 8));
}
BENCHMARK(BM_CoefficientsDegree8R3Native)->Unit(benchmark::kMillisecond);

// Kinks on the coordinate planes (split rule) and off them (nested adaptive rule, r = 2).
void BM_CoefficientsSign3(benchmark::State& state) {
  const Link link = resolve_link("preset:sign3", 0).link;
  for (auto _ : state) benchmark::DoNotOptimize(hermite_expansion(link, 8));
}
BENCHMARK(BM_CoefficientsSign3)->Unit(benchmark::kMillisecond);

void BM_CoefficientsMaxZ1Z2Adaptive(benchmark::State& state) {
  const Link link = resolve_link("max(z1, z2)", 0).link;
  for (auto _ : state) benchmark::DoNotOptimize(hermite_expansion(link, 8));
}
BENCHMARK(BM_CoefficientsMaxZ1Z2Adaptive)->Unit(benchmark::kMillisecond);

void BM_LeapSequenceStaircase3(benchmark::State& state) {
  const HermiteExpansion e = hermite_expansion(resolve_link("preset:staircase3", 0).link, 8);
  for (auto _ : state) benchmark::DoNotOptimize(leap_sequence(e));
}
BENCHMARK(BM_LeapSequenceStaircase3)->Unit(benchmark::kMicrosecond);

void BM_GaussHermiteRule(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(gauss_hermite(q));
}
BENCHMARK(BM_GaussHermiteRule)->Arg(18)->Arg(200)->Unit(benchmark::kMicrosecond);

void BM_HalfRangeRule(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(half_range_gauss_hermite(q));
}
BENCHMARK(BM_HalfRangeRule)->Arg(6)->Arg(12)->Arg(100)->Unit(benchmark::kMicrosecond);

// Evaluating links on 10^5 points: native preset, expression one point at a time, expression in bulk.
std::vector<double> points(std::size_t n, int r) {
  Rng rng(1);
  std::vector<double> Z(n * static_cast<std::size_t>(r));
  for (double& x : Z) x = rng.normal();
  return Z;
}

void BM_EvaluatePresetBulk(benchmark::State& state) {
  const Link link = resolve_link("preset:staircase3", 0).link;
  const std::vector<double> Z = points(100000, 3);
  std::vector<double> out(100000);
  for (auto _ : state) link.evaluate(Z.data(), out.size(), out.data());
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_EvaluatePresetBulk)->Unit(benchmark::kMillisecond);

void BM_EvaluateExpressionBulk(benchmark::State& state) {
  const Link link = resolve_link("z1 + z1*z2 + z1*z2*z3", 0).link;
  const std::vector<double> Z = points(100000, 3);
  std::vector<double> out(100000);
  for (auto _ : state) link.evaluate(Z.data(), out.size(), out.data());
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_EvaluateExpressionBulk)->Unit(benchmark::kMillisecond);

void BM_EvaluateExpressionPointwise(benchmark::State& state) {
  const Link link = resolve_link("z1 + z1*z2 + z1*z2*z3", 0).link;
  const std::vector<double> Z = points(100000, 3);
  std::vector<double> out(100000);
  for (auto _ : state)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = link(&Z[3 * i]);
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_EvaluateExpressionPointwise)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
