// Sample complexity measured (docs/theory.md §9): training on n samples at dimension d from a
// Haar start, judged against the population flow, over a grid of (d, n, seed); the threshold n*(d) where half the
// seeds succeed, its bootstrap interval over seeds, and the exponent κ of n* ∝ d^κ with its interval, next to the
// candidates the link's leaps give. Every configuration is seeded by its own key (d, n, seed), so a grid split
// over processes or jobs gives the same runs as one process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grassflow/experiment.h"
#include "grassflow/train.h"

namespace grassflow {

/// How each configuration of a phase diagram trains and is judged.
struct PhaseSpec {
  bool online = false;     ///< exact: n stored samples, reused every step; online: n fresh samples in all
  double threshold = 0.2;  ///< success: sin θ_max of the learned subspace below this at the end
  double budget = 4.0;     ///< flow time allowed, in units of the population flow's time to learn (population_time)
  double noise = 0.0;      ///< label noise σ
  TrainOptions train;      ///< degree, ridge, lr, features, schedule, batch, ratio, threads (r, steps, seed: set here)
};

/// One trained configuration.
struct PhaseRun {
  double d = 0, n = 0;
  std::uint64_t seed = 0;
  bool success = false;
  double subspace_error = 0.0;                      ///< final sin θ_max
  std::vector<std::optional<double>> escape_times;  ///< r entries (Trainer::escape_times)
  double budget = 0.0;                              ///< flow time allowed (budget × population_time)
  long steps = 0;                                   ///< steps taken
  /// "learned"; "samples" (not learned although the flow time allowed was the full budget: a sample effect);
  /// "time" (online: the n samples last fewer steps than the budget: a time-out, not a sample effect).
  std::string reason;
};

/// The population flow's predicted time to learn `link` at dimension d, Σ_j T_j(d) over its stages from the scale
/// μ0² = 1/d of a Haar start (joint_stage_durations, docs/theory.md (6.5), (9.2)): the unit of the budgets.
/// Throws InputError("link", ...) for a link with no leap (nothing to learn) or a stage that never ends (+inf).
double population_time(const LinkAnalysis& link, double d);

/// Trains configuration (d, n, seed) of `link` (resolved, r variables) as `spec` says, from a Haar start: planted
/// data y = f*(W*ᵀx) + σε at dimension d (streams seeded by the whole key, so every configuration has its own
/// data, whatever process runs it), for ⌈budget × population_time / lr⌉ steps (exact) or n / batch steps (online;
/// at least one). Throws InputError for n < 1, d < r, and what Trainer throws for bad options; LimitError beyond
/// the memory cap.
PhaseRun run_phase_configuration(const Link& link, const PhaseSpec& spec, double d, double n, std::uint64_t seed,
                                 double population);

/// An estimate with a two-sided 95% interval (percentile bootstrap).
struct Interval {
  double estimate = 0.0;
  double lo = 0.0, hi = 0.0;
};

/// The n at which the success probability crosses ½, interpolated linearly in log n between the grid points that
/// bracket it (n ascending, p the success fraction at each); the smallest n if p ≥ ½ there already; nullopt when no
/// n of the grid reaches ½ (the threshold lies beyond it).
std::optional<double> half_success_n(const std::vector<double>& n, const std::vector<double>& p);

/// The threshold n*(d) of each dimension with its bootstrap interval over seeds, and κ of n* ∝ d^κ.
struct PhaseSummary {
  std::vector<double> d;                        ///< dimensions, ascending
  std::vector<std::optional<Interval>> n_star;  ///< per d; nullopt when the grid never reaches ½
  std::optional<Interval> kappa;                ///< least-squares slope of ln n* on ln d; nullopt below 3 points
  std::string kappa_note;                       ///< why there is no κ, or what limits it ("" otherwise)
};

/// Summarises runs (any order; each (d, n, seed) once): per d, the success fraction at each n, n*(d) by
/// half_success_n and its interval from `replicates` bootstrap resamplings of the seeds (the same seeds at every n
/// of that d), then κ from the d with an n* (at least 3; otherwise nullopt and a note) with its interval from the
/// same resamplings (each refitted). Deterministic: the resampling stream is seeded with 0.
PhaseSummary summarise_phase(const std::vector<PhaseRun>& runs, int replicates = 1000);

/// A candidate law for κ from the leaps (docs/theory.md §9): d^{s*−1} (online SGD with a known link), d^{s*/2} (the
/// correlational statistical-query bound), d (the r·d parameters).
struct KappaCandidate {
  std::string law;  ///< e.g. "d^(s*-1) = d^2"
  double exponent = 0.0;
  std::optional<bool> consistent;  ///< the exponent lies in κ's interval; empty when there is no κ

  /// "yes", "no", or "n/a" (no κ to compare with): the word the outputs print.
  const char* verdict() const { return !consistent ? "n/a" : *consistent ? "yes" : "no"; }
};
std::vector<KappaCandidate> kappa_candidates(int leap_exponent, const std::optional<Interval>& kappa);

}  // namespace grassflow
