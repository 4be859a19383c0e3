// `grassflow loss`: the joint or planted population loss at an overlap M and its Euclidean gradient ∂L/∂M
// (docs/theory.md §4, §5).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"

namespace grassflow::cli {

namespace {

struct LossOptions {
  std::string link, objective, M;
  int r = 0;
  int degree = 8;
  bool json = false;
};

void run(const LossOptions& options) {
  const PreparedLink link = prepare_link(options.link, options.r, options.degree);
  const int r = link.expansion.r;
  const Eigen::MatrixXd M = parse_matrix(options.M, "--M", r, r);
  try {
    // Any d works for the singular-value check; a large one leaves only the condition σ_i ≤ 1.
    check_realisable_overlap(M, 1e15);
  } catch (const InputError& e) {
    throw InputError(std::string("--M: ") + e.what());
  }
  const auto objective = objective_from_flag(options.objective, link.expansion);
  double loss = 0.0;
  Eigen::MatrixXd gradient;
  objective->evaluate(M, loss, gradient);
  if (options.json) {
    const nlohmann::json out = {{"loss", loss}, {"grad_M", matrix_json(gradient)}};
    std::printf("%s\n", out.dump().c_str());
    return;
  }
  std::printf("link       %s (r = %d, degree K = %d)\n", link.resolved.link.spec().c_str(), r, options.degree);
  std::printf("objective  %s\n", objective->name());
  std::printf("loss       %.17g\n", loss);
  std::printf("dL/dM      (Euclidean gradient, row by row)\n");
  for (Eigen::Index i = 0; i < gradient.rows(); ++i) {
    std::printf("          ");
    // + 0.0 prints a zero gradient as 0, not -0.
    for (Eigen::Index j = 0; j < gradient.cols(); ++j) std::printf(" % .17g", gradient(i, j) + 0.0);
    std::printf("\n");
  }
}

}  // namespace

void add_loss_command(CLI::App& app) {
  auto options = std::make_shared<LossOptions>();
  CLI::App* cmd = app.add_subcommand(
      "loss",
      "Population loss (joint or planted) at an overlap M = W^T W* and its gradient dL/dM (docs/theory.md §4-5)");
  add_link_options(cmd, options->link, options->r);
  add_objective_option(cmd, options->objective);
  cmd->add_option("--M", options->M, "the r×r overlap M, rows separated by ';', entries by ',' (e.g. \"0.5,0;0,0.1\")")
      ->required();
  add_degree_option(cmd, options->degree);
  cmd->add_flag("--json", options->json, "print {\"loss\", \"grad_M\"} as JSON");
  cmd->callback([options] { run(*options); });
}

}  // namespace grassflow::cli
