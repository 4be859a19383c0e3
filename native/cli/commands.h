// The `grassflow` command-line tool: one file per subcommand, each adding itself to the CLI11 app.
// Conventions for every subcommand: results on stdout (JSON with --json, a readable table otherwise);
// errors as one line "grassflow: error: ..." on stderr naming the flag or input, exit status 2 for usage
// errors (bad flags, bad values, InputError/LimitError from the core).
#pragma once

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <string>

namespace grassflow::cli {

/// Refuses a negative value before CLI11 converts it (to a wrapped-around unsigned, or to a -1 that means
/// "default"): "--steps: T = -3; need T >= 0".
inline CLI::Validator non_negative(const std::string& symbol) {
  return CLI::Validator(
      [symbol](std::string& value) {
        return !value.empty() && value[0] == '-' ? symbol + " = " + value + "; need " + symbol + " >= 0"
                                                 : std::string();
      },
      symbol + " >= 0");
}

/// Lets a whole-number flag be written in scientific notation ("--n 1e5", "--d 2.5e3"): a value that reads
/// completely as a finite whole number below 2^53 is rewritten in digits before CLI11 converts it. Anything
/// else is left as typed, for CLI11's own error ("cannot read '1.5e0' as this flag's value").
inline CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& value) {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (!value.empty() && *end == '\0' && std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 0x1p53)
          value = std::to_string(static_cast<long long>(v));
        return std::string();
      },
      "", "whole_number");
}

/// The exit status of a command that ran to completion: 0 unless the command sets another (`reproduce` sets 1
/// when one of its checks fails, docs/cli.md). main() returns it; usage errors return 2 without it.
inline int& command_exit_status() {
  static int status = 0;
  return status;
}

/// `grassflow version`: the core version and build.
void add_version_command(CLI::App& app);

/// `grassflow hermite --link EXPR|preset:NAME [--r R] [--degree K] [--json]`: a link's Hermite coefficients,
/// degree energies, information exponent and leaps.
void add_hermite_command(CLI::App& app);
/// `grassflow train`: finite-sample two-timescale training (exact, lagged or online) with SIR/SAVE/pHd baselines.
void add_train_command(CLI::App& app);
/// `grassflow predict --model FILE.json --data FILE`: a saved model evaluated on new rows.
void add_predict_command(CLI::App& app);
/// `grassflow loss`: joint or planted population loss at an overlap M and its gradient dL/dM.
void add_loss_command(CLI::App& app);
/// `grassflow flow`: one population flow in M with escape times, status and trajectory.
void add_flow_command(CLI::App& app);
/// `grassflow sweep`: flows over d and seeds with per-stage time-scale fits.
void add_sweep_command(CLI::App& app);
/// `grassflow reproduce --out DIR [--json]`: the paper's claims as experiments, each judged with a stated tolerance,
/// written as CSV, JSON and a markdown summary (docs/cli.md, "reproduce"); sets exit status 1 when a check fails.
void add_reproduce_command(CLI::App& app);
/// `grassflow keys [--json|--markdown]`: the experiment key table (experiment.h).
void add_keys_command(CLI::App& app);
/// `grassflow phase`: sample complexity over a grid of (d, n, seed) (docs/theory.md §9).
void add_phase_command(CLI::App& app);
/// `grassflow merge`: the union of shards of one experiment.
void add_merge_command(CLI::App& app);

}  // namespace grassflow::cli
