// The `grassflow` command-line tool: one file per subcommand, each adding itself to the CLI11 app.
// Conventions for every subcommand: results on stdout (JSON with --json, a readable table otherwise);
// errors as one line "grassflow: error: ..." on stderr naming the flag or input, exit status 2 for usage
// errors (bad flags, bad values, InputError/LimitError from the core).
#pragma once

#include <CLI/CLI.hpp>

namespace grassflow::cli {

/// `grassflow version`: the core version and build.
void add_version_command(CLI::App& app);

/// `grassflow hermite --link EXPR|preset:NAME [--r R] [--degree K] [--json]`: a link's Hermite coefficients,
/// degree energies, information exponent and leaps.
void add_hermite_command(CLI::App& app);
/// `grassflow train`: finite-sample two-timescale training (exact, lagged or online) with SIR/SAVE/pHd baselines.
void add_train_command(CLI::App& app);

}  // namespace grassflow::cli
