// The staircase3 flow of bench_flow.cpp without Google Benchmark, so that the same source runs natively and as
// WebAssembly under node (the wasm-to-native ratio in bench/README.md). Prints milliseconds per flow.
// Native: build/native/bench/flow_timing; WebAssembly: build web flow_timing, node build/web/bench/flow_timing.js.
#include <chrono>
#include <cstdio>

#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/version.h"

int main() {
  using namespace grassflow;
  const auto objective = make_objective("joint", hermite_expansion(resolve_link("preset:staircase3", 0).link, 8));
  for (const Start start : {Start::isotropic, Start::random}) {
    const Eigen::MatrixXd M0 = initial_overlap(start, 3, 1e6, 0);
    double best = 1e300;
    for (int repeat = 0; repeat < 5; ++repeat) {
      const int flows = 50;
      const auto begin = std::chrono::steady_clock::now();
      for (int i = 0; i < flows; ++i) {
        ReducedFlow flow(objective, M0);
        flow.run();
      }
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
      if (ms / flows < best) best = ms / flows;
    }
    std::printf("%s staircase3 r = 3, d = 1e6, %s start: %.3f ms per flow\n", build_target(),
                start == Start::isotropic ? "isotropic" : "random", best);
  }
}
