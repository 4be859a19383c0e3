// The in-process work of `grassflow flow --link preset:staircase2 --objective joint --d 1000`, without printing,
// with the observables grassflow.flow returns by default: the keys read by the key table, the link analysed, the
// start, the flow run, the theory's time scales, and M, cosines and loss observed at every step end. The reference
// for the Python package's call overhead (bench/python_overhead.py; scripts/bench --only python).
// Prints {"flow_call_seconds": median over 15 calls, "samples": ...} as JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "grassflow/experiment.h"
#include "grassflow/flow.h"
#include "grassflow/time_scales.h"

int main() {
  using namespace grassflow;
  std::vector<double> seconds;
  std::size_t points = 0;
  for (int repeat = 0; repeat < 15; ++repeat) {
    const auto begin = std::chrono::steady_clock::now();
    Experiment experiment;
    set_experiment_key(experiment, "link", "preset:staircase2");
    set_experiment_key(experiment, "objective", "joint");
    set_experiment_key(experiment, "d", "1000");
    const LinkAnalysis link = analyse_link(experiment);
    FlowOptions options;
    options.t_max = experiment.t_max;
    ReducedFlow flow(make_objective(experiment.objective, link.expansion), start_overlap(experiment, link.r()),
                     options);
    flow.run();
    const std::vector<double> scales = joint_escape_times(link.expansion, link.leaps, experiment.d);
    std::vector<FlowPoint> samples;
    for (const double t : flow.step_times()) samples.push_back(flow.observe(t));
    if (scales.empty()) return 1;  // staircase2 has two stages
    points = samples.size();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("{\"flow_call_seconds\": %.6e, \"samples\": %zu}\n", seconds[seconds.size() / 2], points);
}
