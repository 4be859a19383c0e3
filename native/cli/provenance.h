// What every output of the CLI says about where it came from: the version and commit of the code, the build,
// a command line that reproduces the output, the options as given and with every default filled in. JSON
// outputs carry them as top-level fields, CSV files as "# name: value" lines (docs/cli.md, "Provenance").
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace grassflow::cli {

/// Records the command line (main() calls it once, before parsing): command_line() quotes it back.
void record_command_line(int argc, char** argv);

/// The recorded command line with "grassflow" as the program and each word quoted for a POSIX shell where
/// needed, e.g. `grassflow flow --link 'z1*z2' --d 1e4`: running it reproduces the output (same version).
std::string command_line();

/// x as JSON: an integer when x is whole and |x| < 2^53, null when x is NaN or infinite, a real otherwise.
nlohmann::json json_number(double x);

/// An option's value text as JSON: an integer or real when it reads completely as a finite number (integers
/// as integers: "1e4" → 10000), a string otherwise.
nlohmann::json typed_value(const std::string& text);

/// {version, commit, build: {target: native|wasm, simd: the SIMD target}, command_line, params, resolved}.
/// params: the options of `cmd` given on the command line, by long name without dashes (flags as true,
/// repeated options as lists). resolved: every option of `cmd` with its value or its default, overridden by
/// `computed` (values the command worked out itself: the experiment keys' defaults, an automatic degree).
nlohmann::json provenance(const CLI::App& cmd, const nlohmann::json& computed = nlohmann::json::object());

/// Prints `out` on one line to stdout with provenance(cmd, computed)'s fields added at the top level.
void print_json(const CLI::App& cmd, nlohmann::json out, const nlohmann::json& computed = nlohmann::json::object());

/// The provenance as the comment lines that open a CSV file: "# name: <compact JSON>\n" per field.
std::string csv_comment_lines(const nlohmann::json& provenance);

}  // namespace grassflow::cli
