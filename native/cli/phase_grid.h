// One phase grid's work (docs/theory.md §9), shared by `phase` and `reproduce`'s sample-complexity section: the
// units a grid splits into (a configuration (d, n, seed), or with an automatic n one d's bisection in log n), each
// computed by run_phase_configuration and returned as runs.jsonl lines, and the summary of the runs (n*(d), κ with
// its interval, the candidates of the link's leaps). Units are handed to run_units (mpi_job.h) by the caller.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "grassflow/experiment.h"
#include "grassflow/sample_complexity.h"

namespace grassflow::cli {

/// The grid of one link and mode.
struct PhaseGridSpec {
  PhaseSpec spec;             ///< how each configuration trains and is judged
  std::vector<double> dims;   ///< dimensions, ascending
  std::vector<double> sizes;  ///< the n grid, ascending; empty: automatic (a bisection per d)
  std::vector<double> range;  ///< automatic: the bracket {lo, hi}; empty: max(features, ⌈d/4⌉) .. 64 d
  int rounds = 6;             ///< automatic: bisection rounds after the bracket's ends
  int seeds = 8;
  std::uint64_t seed_start = 0;
  int shard = 0, shards = 1;  ///< grid: every shards-th (d, n) cell from the shard-th; automatic: every shards-th d
};

/// A line of runs.jsonl: d, n, seed, success, subspace_error, escape_times, budget, steps, reason.
nlohmann::json phase_run_json(const PhaseRun& run);
/// A line of runs.jsonl read back.
PhaseRun phase_run_from_json(const nlohmann::json& j);

/// The number of link features of `spec` for a link in r variables (an exact fit needs n at least this).
int phase_link_features(const PhaseSpec& spec, int r);

class PhaseGrid {
 public:
  PhaseGrid(const LinkAnalysis& link, PhaseGridSpec spec);

  bool automatic() const { return spec_.sizes.empty(); }
  const PhaseGridSpec& spec() const { return spec_; }
  /// The number of units, the same on every rank.
  std::size_t units() const { return automatic() ? bisections_.size() : grid_.size(); }
  /// A unit's relative cost (its largest training's n·d, times the steps in the exact mode), to give run_units
  /// the costliest first.
  double cost(std::size_t unit) const;
  /// The key {"d", "n", "seed"} of a grid unit (null for a bisection: never skipped as a whole).
  nlohmann::json key(std::size_t unit) const;
  /// A recorded outcome (a runs.jsonl line) a bisection reuses instead of training again.
  void remember(const nlohmann::json& run);
  /// Computes a unit: {"runs": [the runs.jsonl lines of the configurations it trained]}.
  nlohmann::json compute(std::size_t unit) const;

 private:
  struct Configuration {
    double d, n;
    std::uint64_t seed;
  };
  PhaseRun train(double d, double n, std::uint64_t seed) const;

  LinkAnalysis link_;
  PhaseGridSpec spec_;
  int features_ = 0;
  std::vector<Configuration> grid_;  // grid: one unit per configuration of this shard
  std::vector<double> bisections_;   // automatic: one unit per d of this shard, the largest first
  std::map<double, double> population_;
  std::map<std::tuple<double, double, std::uint64_t>, bool> known_;
};

/// What a grid's runs say: the summary (n*(d), κ), the candidates, the counts of failures by reason.
struct PhaseResults {
  PhaseSummary summary;
  std::vector<KappaCandidate> candidates;
  int runs = 0, failed_samples = 0, failed_time = 0;
};
PhaseResults phase_results(const std::vector<PhaseRun>& runs, const LinkAnalysis& link);
/// summary.json's fields of `results`: kappa ({"estimate", "ci"} or null), kappa_note, n_star, candidates,
/// leap_exponent, runs, failed_samples, failed_time.
nlohmann::json phase_results_json(const PhaseResults& results, const LinkAnalysis& link);

}  // namespace grassflow::cli
