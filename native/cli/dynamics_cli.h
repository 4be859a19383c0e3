// Shared pieces of the population-dynamics subcommands (hermite, loss, flow, sweep, reproduce): options
// generated from the experiment key table (experiment.h), the link analysis with its warnings on stderr, and
// JSON conversions. Errors carry their key; main() spells it as the flag.
#pragma once

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/experiment.h"

namespace grassflow::cli {

/// Options of one command generated from the experiment key table: `--NAME` for each key named, with the
/// table's help, default and range; values are read by the table's parsers after CLI11 has parsed the line
/// (so a bad value is reported as "--d: 'x' is not a whole number ...").
class ExperimentOptions {
 public:
  /// Adds `--NAME` to `cmd` for each key whose `commands` name this command (cmd->get_name()), in table order;
  /// those in `required` are required on this command (a name there that the command does not take is a
  /// programming error: std::logic_error).
  ExperimentOptions(CLI::App* cmd, const std::vector<std::string>& required);
  ExperimentOptions(const ExperimentOptions&) = delete;
  ExperimentOptions& operator=(const ExperimentOptions&) = delete;

  /// The experiment the given options describe (defaults elsewhere), read in table order. Throws InputError
  /// with the key of the first bad value.
  Experiment experiment() const;
  /// The keys this command takes with their values, defaults filled in, as the table formats them (numbers
  /// as JSON numbers; unset keys — an automatic degree, no M0 — left out): the `resolved` part of the
  /// output's provenance (provenance.h).
  nlohmann::json resolved() const;
  /// resolved() with what the link analysis settled: r (the link's own) and degree (the K used).
  nlohmann::json resolved(const LinkAnalysis& link) const;
  /// Whether --NAME was given on the command line.
  bool given(const std::string& name) const;
  /// The CLI11 option of key `name` (for excludes()).
  CLI::Option* option(const std::string& name) const { return options_.at(name); }

 private:
  std::map<std::string, std::string> values_;  // node-based: the addresses CLI11 writes to stay put
  std::map<std::string, CLI::Option*> options_;
};

/// analyse_link with its warnings printed to stderr ("grassflow: warning: ...").
LinkAnalysis analyse_link_reporting(const std::string& link, int r, std::optional<int> degree,
                                    LinkUse use = LinkUse::flow);
/// analyse_link_reporting(experiment.link, experiment.r, experiment.degree, use).
LinkAnalysis analyse_link_reporting(const Experiment& experiment, LinkUse use = LinkUse::flow);

/// Prints "grassflow: warning: <text>" to stderr.
void warn(const std::string& text);

/// A matrix as a list of rows.
nlohmann::json matrix_json(const Eigen::MatrixXd& M);
/// A vector as a list.
nlohmann::json vector_json(const Eigen::VectorXd& v);
/// A list of optional numbers, nullopt as null.
nlohmann::json optional_list_json(const std::vector<std::optional<double>>& values);

}  // namespace grassflow::cli
