// Shared pieces of the population-dynamics subcommands (loss, flow, sweep, reproduce): link and objective
// set-up from flags, the --d list, and JSON conversions. Errors name the flag they come from.
#pragma once

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/objective.h"

namespace grassflow::cli {

/// A link resolved from --link/--r and expanded to --degree, with the tolerance its exponents and leaps use.
struct PreparedLink {
  ResolvedLink resolved;
  HermiteExpansion expansion;
  QuadratureReport report;
  double tolerance = kHermiteZeroTolerance;
  LeapSequence leaps;
};

/// Adds the link flags every dynamics command shares: --link (required) and --r (1..kMaxLinkRank; when
/// omitted, the link's natural r), bound to `link` and `r`.
void add_link_options(CLI::App* cmd, std::string& link, int& r);

/// Adds --objective (required): joint or planted, bound to `objective` (checked by objective_from_flag).
void add_objective_option(CLI::App* cmd, std::string& objective);

/// resolve_link + hermite_expansion + leap_sequence; prints the link's warnings to stderr; InputError and
/// LimitError carry the flag (--link, --r, --degree) in front.
PreparedLink prepare_link(const std::string& spec, int r, int degree);

/// make_objective with errors naming --objective.
std::shared_ptr<const Objective> objective_from_flag(const std::string& name, const HermiteExpansion& expansion);

/// Parses --d: comma-separated whole numbers ≥ 1, scientific notation allowed ("100,1e4,1000000").
std::vector<double> parse_dimensions(const std::string& text);

/// A matrix as a list of rows.
nlohmann::json matrix_json(const Eigen::MatrixXd& M);
/// A vector as a list.
nlohmann::json vector_json(const Eigen::VectorXd& v);
/// A list of optional numbers, nullopt as null.
nlohmann::json optional_list_json(const std::vector<std::optional<double>>& values);

}  // namespace grassflow::cli
