// `grassflow loss`: the joint or planted population loss at an overlap M and its Euclidean gradient ∂L/∂M
// (docs/theory.md §4, §5).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

struct LossCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;
  std::string M;
  bool json = false;
};

void run(const LossCommand& command) {
  const Experiment experiment = command.keys->experiment();
  const LinkAnalysis link = analyse_link_reporting(experiment, LinkUse::loss);
  const int r = link.r();
  const Eigen::MatrixXd M = parse_matrix(command.M, "M", r, r);
  const auto objective = make_objective(experiment.objective, link.expansion);
  double loss = 0.0;
  Eigen::MatrixXd gradient;
  evaluate_given_overlap(*objective, r, M, loss, gradient);
  if (command.json) {
    print_json(*command.cmd, {{"loss", loss}, {"grad_M", matrix_json(gradient)}}, command.keys->resolved(link));
    return;
  }
  std::printf("link       %s (r = %d, degree K = %d)\n", link.resolved.link.spec().c_str(), r, link.expansion.degree);
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
  auto command = std::make_shared<LossCommand>();
  CLI::App* cmd = command->cmd = app.add_subcommand(
      "loss",
      "Population loss (joint or planted) at an overlap M = W^T W* and its gradient dL/dM (docs/theory.md §4-5)");
  command->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{"link", "objective"});
  cmd->add_option("--M", command->M, "the r×r overlap M, rows separated by ';', entries by ',' (e.g. \"0.5,0;0,0.1\")")
      ->required();
  cmd->add_flag("--json", command->json, "print {\"loss\", \"grad_M\"} as JSON");
  cmd->callback([command] { run(*command); });
}

}  // namespace grassflow::cli
