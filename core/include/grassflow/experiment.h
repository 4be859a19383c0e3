// One description of an experiment, shared by every front end: the fields of a population-flow experiment
// (link, r, d, objective, start, integration horizon, Hermite degree, and the finite-sample overlay), and ONE
// table of their keys. Each key has its name, type, accepted range, default, help line, documentation line,
// parser and printer. The CLI's options of `flow`, `sweep` and `loss`, the explorer's URL state, the explorer's
// "CLI:" line, the Python package's keyword arguments and docs/experiment.md's table all come from this table.
// A key's name is its URL key, its CLI flag without "--" and, with '-' as '_', its Python keyword.
//
// Errors: every parser throws InputError carrying its key (errors.h), so each surface names the key in its own
// spelling. Limits agree everywhere; the few the browser must make stricter (memory, JavaScript numbers) apply
// in the WebAssembly build alone, and the table's `browser_limit` says which and why.
//
// Then one function analyses a link for the dynamics (analyse_link) and one builds the start (start_overlap),
// for every front end. docs/architecture.md, "A new experiment key".
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/expansion.h"
#include "grassflow/flow.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/objective.h"

namespace grassflow {

/// The Hermite degree K used when none is given (docs/theory.md §2): lowered, with a warning, to what the
/// quadrature affords in r (max_hermite_degree) when r ≥ 6.
constexpr int kDefaultHermiteDegree = 8;

/// The fields of one experiment (docs/theory.md §1, §4, §5). Defaults are those of the explorer's URL; on the
/// command line `link`, `objective` and (flow, sweep) `d` are required.
struct Experiment {
  std::string link = "preset:staircase2";          ///< "preset:NAME" or an expression in z1..zr (link.h)
  int r = 0;                                       ///< number of directions; 0 = the link's own r
  double d = 1000;                                 ///< ambient dimension, a whole number 1 ≤ d ≤ 1e15, d ≥ r
  ObjectiveKind objective = ObjectiveKind::joint;  ///< joint (Grassmannian) or planted (Stiefel)
  Start init = Start::random;                      ///< the start, unless M0 is given
  std::uint64_t seed = 0;                          ///< seed of the random and equator starts (and of samples)
  double eps = 0;                                  ///< equator start's scale ε ∈ (0, 1]; 0 = 1/√d
  std::string M0;                                  ///< an explicit r×r M(0) "a,b;c,d" (overrides init); "" = none
  double t_max = 1e30;                             ///< stop the flow at this time
  std::optional<int> degree;                       ///< Hermite truncation degree K, 0..99; none = automatic
  double n = 0;                                    ///< training samples overlaid (explorer); 0 = population only
  double noise = 0;                                ///< label-noise standard deviation σ ≥ 0 of the samples

  /// K for a link in `link_r` variables: `degree` if given, else kDefaultHermiteDegree lowered to
  /// max_hermite_degree(link_r) (≥ 0; r ≥ 24 affords no degree at all and stays at 0).
  int resolved_degree(int link_r) const;
};

/// One key of the experiment: everything a surface needs to offer it and read it back.
struct ExperimentKey {
  const char* name;           ///< "d", "t-max": URL key, CLI flag without "--", Python keyword with '_'
  const char* type;           ///< what a value is: "expression", "integer", "whole number", "number", ...
  const char* range;          ///< accepted values in words ("1..32, or 0 for the link's own r")
  const char* default_text;   ///< the default as a user reads it ("" for none)
  const char* help;           ///< one line for --help, the URL table and tooltips
  const char* doc;            ///< the documentation line of docs/experiment.md (with its theory section)
  const char* browser_limit;  ///< "" or what the WebAssembly build refuses beyond `range`, and why
  const char* commands;       ///< the CLI commands that take it as a flag, space-separated ("loss flow sweep")
  /// Reads `text` into the field; throws InputError(name, ...) naming the value, the range and the fix. The
  /// field is left unchanged on error.
  void (*parse)(Experiment& experiment, const std::string& text);
  /// The field as canonical text that `parse` reads back to the same value; "" when the key is unset (M0
  /// without an explicit start, init with one, degree automatic).
  std::string (*format)(const Experiment& experiment);
};

/// The key table, in the order URLs and command lines list the keys.
const std::vector<ExperimentKey>& experiment_keys();
/// The key named `name`; nullptr if there is none.
const ExperimentKey* find_experiment_key(const std::string& name);

/// Reads `text` as the value of key `name` into `experiment` (the key's parse). Throws InputError(name, ...)
/// for a bad value and InputError for an unknown key (listing the keys).
void set_experiment_key(Experiment& experiment, const std::string& name, const std::string& text);

/// The key table as the Markdown table docs/experiment.md holds (key, type, range, default, meaning, the CLI
/// commands that take it, the browser's stricter limit), one row per key, ending in a newline.
std::string experiment_keys_markdown();

/// True when the key's value in `experiment` differs from the default Experiment's (what a URL lists).
bool differs_from_default(const ExperimentKey& key, const Experiment& experiment);

/// `--d` of `sweep` and `reproduce`: comma-separated dimensions, each read by the d key ("100,1000,1e4").
/// Throws InputError("d", ...) for an empty list or a bad item (naming it).
std::vector<double> parse_dimension_list(const std::string& text);

/// The keys that make the population flow (and its overlay): two experiments with equal values of these run
/// the same flows. `objective` is included; view-only settings are not in Experiment at all.
bool same_flow(const Experiment& a, const Experiment& b);

/// The `grassflow flow` command line equivalent to `experiment` (values POSIX-quoted where needed), listing
/// the required keys and those that differ from the defaults.
std::string flow_command_line(const Experiment& experiment);

/// A link analysed for the dynamics (docs/theory.md §2, §6): resolved at r, expanded to degree K, checked
/// usable (check_usable_for_dynamics), with its exponents and leaps, and the warnings a user should see.
struct LinkAnalysis {
  ResolvedLink resolved;                     ///< the link and its resolution warnings
  HermiteExpansion expansion;                ///< T_0..T_K
  QuadratureReport report;                   ///< how the coefficients were integrated
  double tolerance = kHermiteZeroTolerance;  ///< zero_tolerance(expansion, report)
  int information_exponent = 0;              ///< s (docs/theory.md §6)
  LeapSequence leaps;                        ///< the leap sequence with plateaus and stage dimensions
  std::vector<std::string> warnings;         ///< resolution, degree, quadrature and truncation warnings, in order
  int r() const { return expansion.r; }
};

/// Resolves `link` at `r` (0 = its own) and expands it to degree `degree` (none = automatic, see
/// Experiment::degree), with its exponents, leaps and warnings (docs/theory.md §2, §6), refusing nothing the
/// expansion can compute: what `grassflow hermite` shows. Errors as analyse_link's, less the refusals for the
/// dynamics.
LinkAnalysis expand_link(const std::string& link, int r, std::optional<int> degree);

/// What a link analysis is for: a loss at given overlaps, or a flow (which refuses more).
enum class LinkUse { loss, flow };

/// expand_link for the population losses and flows, the same way in every front end: it also refuses
/// coefficients the dynamics cannot trust (check_usable_for_dynamics) and, for a flow, a link none of whose
/// energy lies in degrees 1..K (a loss of it is well defined: the truncation warning says what is dropped). Throws
/// InputError with key "link" (bad expression, unknown preset, coefficients not usable), "r" (r out of range, below the
/// link's own r: the message says which r works), "degree" (degrees 1..K carry none of a non-constant link's energy:
/// the flow would have nothing to learn; raise K or lower r), or LimitError with key "degree" when an explicit K is
/// more than the quadrature affords in r (the message names the largest).
LinkAnalysis analyse_link(const std::string& link, int r, std::optional<int> degree, LinkUse use = LinkUse::flow);
/// analyse_link(experiment.link, experiment.r, experiment.degree, use).
LinkAnalysis analyse_link(const Experiment& experiment, LinkUse use = LinkUse::flow);

/// M(0) (r×r) of `experiment` for a link in r variables: the explicit M0 (parsed, checked realisable at d:
/// errors with key "M0"), else initial_overlap(init, r, d, seed, eps) (docs/theory.md §5). Throws InputError
/// with key "d" for d < r or a d the start cannot realise, "eps" for an ε outside (0, 1] or given with a start
/// other than equator.
Eigen::MatrixXd start_overlap(const Experiment& experiment, int r);

}  // namespace grassflow
