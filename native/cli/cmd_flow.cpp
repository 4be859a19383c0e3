// `grassflow flow`: one population gradient flow (joint or planted) from a chosen start, with its escape
// times, status and a log-spaced trajectory (docs/theory.md §5, §6).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/flow.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"

namespace grassflow::cli {

namespace {

struct FlowCommandOptions {
  std::string link, objective, d, init = "random", M0;
  int r = 0;
  int degree = 8;
  std::uint64_t seed = 0;
  double eps = 0.0;
  bool eps_given = false;  // --eps on the command line (0 and negatives are refused, not read as "default")
  double t_max = 1e30;
  bool json = false;
};

Eigen::MatrixXd start(const FlowCommandOptions& options, int r, double d) {
  if (options.M0.empty()) {
    if (options.eps_given && options.init != "equator")
      throw InputError("--eps: only the equator start takes a scale; use --init equator");
    if (options.eps_given && !(options.eps > 0.0 && options.eps <= 1.0))
      throw InputError("--eps: eps = " + shortest_text(options.eps) + "; need 0 < eps <= 1 (default 1/sqrt(d))");
    return initial_overlap(parse_start(options.init), r, d, options.seed, options.eps);
  }
  const Eigen::MatrixXd M0 = parse_matrix(options.M0, "--M0", r, r);
  try {
    check_realisable_overlap(M0, d);
  } catch (const InputError& e) {
    throw InputError(std::string("--M0: ") + e.what());
  }
  return M0;
}

void run(const FlowCommandOptions& options) {
  const std::vector<double> ds = parse_dimensions(options.d);
  if (ds.size() != 1) throw InputError("--d: give one dimension (use grassflow sweep for several)");
  const double d = ds[0];
  if (!(options.t_max > 0.0)) throw InputError("--t-max: must be > 0 (default 1e30)");
  const PreparedLink link = prepare_link(options.link, options.r, options.degree);
  const int r = link.expansion.r;
  const auto objective = objective_from_flag(options.objective, link.expansion);
  FlowOptions flow_options;
  flow_options.t_max = options.t_max;
  ReducedFlow flow(objective, start(options, r, d), flow_options);
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
  const std::vector<FlowPoint> trajectory = flow.trajectory();
  if (options.json) {
    nlohmann::json points = nlohmann::json::array();
    for (const FlowPoint& p : trajectory)
      points.push_back({{"t", p.t}, {"loss", p.loss}, {"cosines", vector_json(p.cosines)}});
    const nlohmann::json out = {{"d", d},
                                {"objective", objective->name()},
                                {"escape_times", optional_list_json(flow.escape_times())},
                                {"final_loss", flow.loss()},
                                {"final_cosines", vector_json(trajectory.back().cosines)},
                                {"status", to_string(flow.status())},
                                {"trajectory", points}};
    std::printf("%s\n", out.dump().c_str());
    return;
  }
  std::printf("link        %s (r = %d, degree K = %d), objective %s, d = %.17g\n", link.resolved.link.spec().c_str(), r,
              options.degree, objective->name(), d);
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
  auto options = std::make_shared<FlowCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "flow", "One population gradient flow (joint or planted) in the overlap M: escapes, status, trajectory");
  add_link_options(cmd, options->link, options->r);
  add_objective_option(cmd, options->objective);
  cmd->add_option("--d", options->d, "ambient dimension (a whole number; 1e12 is fine)")->required();
  CLI::Option* init = cmd->add_option(
      "--init", options->init,
      "start: random (Haar W at d, seeded), equator (M(0) = eps Q, Q Haar-orthogonal), isotropic (M(0) = I/sqrt(d))");
  CLI::Option* seed = cmd->add_option("--seed", options->seed, "seed of the random and equator starts (default 0)")
                          ->check(non_negative("seed"))
                          ->check(seed_range());
  CLI::Option* eps = cmd->add_option("--eps", options->eps, "scale of the equator start (default 1/sqrt(d))");
  cmd->add_option("--M0", options->M0, "an explicit r×r M(0), e.g. \"0.1,0;0,0.01\"")
      ->excludes(init)
      ->excludes(seed)
      ->excludes(eps);
  cmd->add_option("--t-max", options->t_max, "stop at this time (default 1e30)");
  add_degree_option(cmd, options->degree);
  cmd->add_flag("--json", options->json, "print one JSON object");
  cmd->callback([options, eps] {
    options->eps_given = eps->count() > 0;
    run(*options);
  });
}

}  // namespace grassflow::cli
