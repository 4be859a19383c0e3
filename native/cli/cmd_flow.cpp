// `grassflow flow`: one population gradient flow (joint or planted) from a chosen start, with its escape
// times, status and a log-spaced trajectory (docs/theory.md §5, §6).
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/flow.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

struct FlowCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;
  bool json = false;
};

// With a truncation residual above 1e-3·||f*||², the same flow at a higher degree (K + 4, where the quadrature
// affords it): each escape time at both degrees and its relative shift, as a warning. A flow's cost grows steeply
// with the number of Hermite coefficients, C(K + r, r) up to degree K, so the flow at K + 4 is run only with at
// most kShiftCoefficients of them (r = 2: K + 4 ≤ 12, about a second); otherwise the warning gives the command.
constexpr double kShiftCoefficients = 100;

void report_degree_shift(const Experiment& experiment, const LinkAnalysis& link, const ReducedFlow& flow) {
  const HermiteExpansion& e = link.expansion;
  const int higher = std::min(e.degree + 4, max_hermite_degree(link.r()));
  if (!(e.truncation_residual > 1e-3 * e.norm2) || higher <= e.degree) return;
  double coefficients = 1;  // C(higher + r, r)
  for (int i = 1; i <= link.r(); ++i) coefficients = coefficients * (higher + i) / i;
  if (coefficients > kShiftCoefficients) {
    warn("the time-scale shift of the truncation was not measured (the flow at K = " + std::to_string(higher) +
         " costs many times this one); measure it with the same command and --degree " + std::to_string(higher));
    return;
  }
  const LinkAnalysis finer = analyse_link(experiment.link, experiment.r, higher);
  FlowOptions options;
  options.t_max = experiment.t_max;
  ReducedFlow check(make_objective(experiment.objective, finer.expansion), start_overlap(experiment, link.r()),
                    options);
  check.run();
  std::string shifts;
  for (std::size_t k = 0; k < flow.escape_times().size(); ++k) {
    const auto& a = flow.escape_times()[k];
    const auto& b = check.escape_times()[k];
    char text[160];
    if (a && b)
      std::snprintf(text, sizeof text, "%sescape %zu at t = %.6g (K = %d) and %.6g (K = %d), %+.2g%%", k ? "; " : "",
                    k + 1, *a, e.degree, *b, higher, 100.0 * (*b - *a) / *a);
    else
      std::snprintf(text, sizeof text, "%sescape %zu %s at K = %d, %s at K = %d", k ? "; " : "", k + 1,
                    a ? "happens" : "never happens", e.degree, b ? "happens" : "never happens", higher);
    shifts += text;
  }
  warn("the time-scale shift of the truncation, measured against K = " + std::to_string(higher) + ": " + shifts);
}

void run(const FlowCommand& command) {
  const Experiment experiment = command.keys->experiment();
  const LinkAnalysis link = analyse_link_reporting(experiment);
  if (experiment.init == Start::isotropic && command.keys->given("seed"))
    warn("--seed is ignored with --init isotropic (the start C(0) = I/d is deterministic)");
  const int r = link.r();
  const auto objective = make_objective(experiment.objective, link.expansion);
  FlowOptions flow_options;
  flow_options.t_max = experiment.t_max;
  ReducedFlow flow(objective, start_overlap(experiment, r), flow_options);
  flow.run();
  if (flow.status() == FlowStatus::diverged)
    std::fprintf(stderr, "grassflow: warning: the flow diverged at t = %g: %s\n", flow.time(), flow.failure().c_str());
  for (std::size_t k = 0; k < flow.rounding_limited().size(); ++k)
    if (flow.rounding_limited()[k] && flow.escape_times()[k])
      std::fprintf(stderr,
                   "grassflow: warning: escape %zu (t = %.10g) is limited by floating-point rounding: direction %zu's "
                   "cosine was below 1e-14 when escape %zu happened, where the rounding of O(1) entries perturbs "
                   "it; its time differs between builds (about 1%% native vs WebAssembly) and from exact "
                   "arithmetic\n",
                   k + 1, *flow.escape_times()[k], k + 1, k);
  report_degree_shift(experiment, link, flow);
  const std::vector<FlowPoint> trajectory = flow.trajectory();
  if (command.json) {
    nlohmann::json points = nlohmann::json::array();
    for (const FlowPoint& p : trajectory)
      points.push_back({{"t", p.t}, {"loss", p.loss}, {"cosines", vector_json(p.cosines)}});
    const nlohmann::json out = {{"d", json_number(experiment.d)},
                                {"objective", objective->name()},
                                {"escape_times", optional_list_json(flow.escape_times())},
                                {"final_loss", flow.loss()},
                                {"final_cosines", vector_json(trajectory.back().cosines)},
                                {"status", to_string(flow.status())},
                                {"trajectory", points}};
    print_json(*command.cmd, out, command.keys->resolved(link));
    return;
  }
  std::printf("link        %s (r = %d, degree K = %d), objective %s, d = %.17g\n", link.resolved.link.spec().c_str(), r,
              link.expansion.degree, objective->name(), experiment.d);
  std::printf("status      %s at t = %.10g after %ld steps%s%s\n", to_string(flow.status()), flow.time(), flow.steps(),
              flow.failure().empty() ? "" : ": ", flow.failure().c_str());
  std::printf("final loss  %.12g\n", flow.loss());
  std::printf("escapes     (first t with the k-th largest cos^2 >= 1/2)\n");
  for (std::size_t k = 0; k < flow.escape_times().size(); ++k) {
    const auto& e = flow.escape_times()[k];
    if (e)
      std::printf("  k = %zu     %.10g\n", k + 1, *e);
    else
      std::printf("  k = %zu     never\n", k + 1);
  }
  std::printf("\n%16s  %16s  cosines\n", "t", "loss");
  for (const FlowPoint& p : trajectory) {
    std::printf("%16.8g  %16.10g ", p.t, p.loss);
    for (Eigen::Index i = 0; i < p.cosines.size(); ++i) std::printf(" %.8f", p.cosines(i));
    std::printf("\n");
  }
}

}  // namespace

void add_flow_command(CLI::App& app) {
  auto command = std::make_shared<FlowCommand>();
  CLI::App* cmd = command->cmd = app.add_subcommand(
      "flow", "One population gradient flow (joint or planted) in the overlap M: escapes, status, trajectory");
  command->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{"link", "objective", "d"});
  for (const char* start : {"init", "seed", "eps"}) command->keys->option("M0")->excludes(command->keys->option(start));
  cmd->add_flag("--json", command->json, "print one JSON object");
  cmd->callback([command] { run(*command); });
}

}  // namespace grassflow::cli
