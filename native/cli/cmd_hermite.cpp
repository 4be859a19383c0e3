// `grassflow hermite`: the Hermite spectrum, information exponent and leaps of a link (docs/theory.md §2, §6).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

struct HermiteCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;
  bool json = false;
};

std::string join(const std::vector<int>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + std::to_string(values[i]);
  return s.empty() ? "none" : s;
}

std::string beta_text(const std::vector<int>& beta) {
  std::string s = "(";
  for (std::size_t i = 0; i < beta.size(); ++i) s += (i ? "," : "") + std::to_string(beta[i]);
  return s + ")";
}

void run(const HermiteCommand& options) {
  const Experiment experiment = options.keys->experiment();
  const LinkAnalysis analysis = expand_link(experiment.link, experiment.r, experiment.degree);
  for (const std::string& warning : analysis.warnings) warn(warning);
  const HermiteExpansion& e = analysis.expansion;
  const QuadratureReport& report = analysis.report;
  const ResolvedLink& resolved = analysis.resolved;
  const int s = analysis.information_exponent;
  const LeapSequence& leaps = analysis.leaps;
  const std::vector<double> energy = e.degree_energy();
  const std::vector<HermiteCoefficient> coefficients = hermite_coefficients(e);

  if (options.json) {
    nlohmann::json out;
    out["r"] = e.r;
    out["degree"] = e.degree;
    out["norm2"] = e.norm2;
    out["truncation_residual"] = e.truncation_residual;
    out["coefficients"] = nlohmann::json::array();
    for (const HermiteCoefficient& c : coefficients)
      if (std::fabs(c.value) > 1e-12) out["coefficients"].push_back({{"beta", c.beta}, {"value", c.value}});
    out["degree_energy"] = energy;
    out["information_exponent"] = s;
    out["leaps"] = leaps.leaps;
    out["leap_exponent"] = leaps.leap_exponent;
    print_json(*options.cmd, out, options.keys->resolved(analysis));
    return;
  }
  std::printf("link                  %s (r = %d, degree K = %d)\n", resolved.link.spec().c_str(), e.r, e.degree);
  std::printf("quadrature            %s", report.rule.c_str());
  if (report.nodes_per_axis > 0) std::printf(", %d nodes per axis", report.nodes_per_axis);
  std::printf(", %zu evaluations, error estimate %.1e%s\n", report.evaluations, report.error_estimate,
              report.converged ? "" : " (not converged)");
  std::printf("||f||^2               %.12g\n", e.norm2);
  std::printf("truncation residual   %.3g  (energy above degree %d)\n", e.truncation_residual, e.degree);
  std::printf("information exponent  %d%s\n", s, s == 0 ? "  (no energy in degrees 1..K)" : "");
  std::printf("leaps                 %s  (leap exponent %d; new directions per leap %s; learnable %d of %d)\n",
              join(leaps.leaps).c_str(), leaps.leap_exponent, join(leaps.stage_dimensions).c_str(),
              leaps.learnable_dimension, e.r);
  std::printf("\n  k  ||f_k||^2\n");
  for (std::size_t k = 0; k < energy.size(); ++k) std::printf("%3zu  %.12g\n", k, energy[k]);
  std::printf("\n  %-*s  alpha_beta  (|alpha| > 1e-12, by degree then z1 first)\n", 2 * e.r + 1, "beta");
  for (const HermiteCoefficient& c : coefficients)
    if (std::fabs(c.value) > 1e-12) std::printf("  %-*s  %.12g\n", 2 * e.r + 1, beta_text(c.beta).c_str(), c.value);
}

}  // namespace

void add_hermite_command(CLI::App& app) {
  auto options = std::make_shared<HermiteCommand>();
  CLI::App* cmd = options->cmd = app.add_subcommand(
      "hermite",
      "Hermite coefficients, degree energies, information exponent and leaps of a link (docs/theory.md §2, §6)");
  options->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{"link"});
  std::string preset_list;
  for (const PresetInfo& p : presets()) preset_list += (preset_list.empty() ? "" : ", ") + p.name;
  options->keys->option("link")->description(
      "the link: an expression in z1..zr (e.g. \"z1*z2 + h(3,z1)\"; functions He(k,x), h(k,x), relu, muparser's "
      "built-ins) or preset:NAME with NAME one of " +
      preset_list);
  cmd->add_flag("--json", options->json, "print one JSON object instead of a table");
  cmd->callback([options] { run(*options); });
}

}  // namespace grassflow::cli
