#include "grassflow/sample_complexity.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/random.h"
#include "grassflow/sampling.h"
#include "grassflow/sweep.h"
#include "grassflow/time_scales.h"

namespace grassflow {

namespace {

// Stream ids of a configuration's data (its key gives the seed): training samples.
constexpr std::uint32_t kPhaseTrainStream = 1;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t bits(double x) {
  std::uint64_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

// The seed of configuration (d, n, seed): its data and its start depend on the whole key, nothing else.
std::uint64_t configuration_seed(double d, double n, std::uint64_t seed) {
  return splitmix(seed ^ splitmix(bits(d) ^ splitmix(bits(n))));
}

// Least-squares slope of y on x (natural logs taken by the caller).
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  return fit_line(x, y).slope;
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(at));
  const std::size_t j = std::min(i + 1, values.size() - 1);
  return values[i] + (at - static_cast<double>(i)) * (values[j] - values[i]);
}

}  // namespace

double population_time(const LinkAnalysis& link, double d) {
  if (link.leaps.leaps.empty())
    throw InputError("link", "the link has no leap (nothing to learn): a phase diagram needs a non-constant link");
  const std::vector<double> stages = joint_stage_durations(link.expansion, link.leaps, d);
  const double total = std::accumulate(stages.begin(), stages.end(), 0.0);
  if (!std::isfinite(total) || !(total > 0))
    throw InputError("link", "the population flow's predicted time at d = " + std::to_string(d) +
                                 " is not finite; a stage of this link never ends");
  return total;
}

PhaseRun run_phase_configuration(const Link& link, const PhaseSpec& spec, double d, double n, std::uint64_t seed,
                                 double population) {
  const int r = link.r();
  if (!(n >= 1)) throw InputError("n", "n = " + std::to_string(n) + "; give at least one sample");
  if (d < r) throw InputError("d", "d = " + std::to_string(d) + " is below r = " + std::to_string(r));
  const std::uint64_t key = configuration_seed(d, n, seed);
  PlantedModel model{leading_axes(static_cast<int>(d), r), [&link](const double* z) { return link(z); }, spec.noise};
  TrainOptions options = spec.train;
  options.r = r;
  options.seed = key;
  options.variant = spec.online ? TrainVariant::online : TrainVariant::exact;
  PhaseRun run;
  run.d = d, run.n = n, run.seed = seed;
  run.budget = spec.budget * population;
  const auto count = static_cast<std::size_t>(n);
  long steps = static_cast<long>(std::ceil(run.budget / options.lr));
  bool timed_out = false;
  if (spec.online) {
    const std::size_t batch = options.batch == 0 ? 256 : options.batch;
    if (count < batch)
      throw InputError("n", "the online sample budget n = " + std::to_string(count) + " is below one batch of B = " +
                                std::to_string(batch) + "; give n >= " + std::to_string(batch) + " or a smaller batch");
    const long affordable = static_cast<long>(count / batch);
    timed_out = affordable < steps;
    steps = affordable;
  }
  options.steps = steps;
  std::optional<Trainer> trainer;
  if (spec.online)
    trainer.emplace(SampleStream(model, key, kPhaseTrainStream), Dataset{}, options);
  else
    trainer.emplace(SampleStream(model, key, kPhaseTrainStream).draw(count, Precision::float64), Dataset{},
                    model.w_star, options);
  trainer->run(steps);
  const TrainRecord& last = trainer->records().back();
  run.steps = last.step;
  run.subspace_error = last.subspace_error;
  run.escape_times = trainer->escape_times();
  run.success = last.subspace_error < spec.threshold;
  run.reason = run.success ? "learned" : timed_out ? "time" : "samples";
  return run;
}

std::optional<double> half_success_n(const std::vector<double>& n, const std::vector<double>& p) {
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (p[i] < 0.5) continue;
    if (i == 0) return n[0];
    const double a = std::log(n[i - 1]), b = std::log(n[i]);
    return std::exp(a + (0.5 - p[i - 1]) / (p[i] - p[i - 1]) * (b - a));
  }
  return std::nullopt;
}

PhaseSummary summarise_phase(const std::vector<PhaseRun>& runs, int replicates) {
  // success[d][n][seed]
  std::map<double, std::map<double, std::map<std::uint64_t, bool>>> grid;
  for (const PhaseRun& run : runs) grid[run.d][run.n][run.seed] = run.success;
  PhaseSummary out;
  Rng rng(0);
  // n* of one d for one choice of seed indices (into that d's sorted seed list), per n the fraction of successes.
  struct Cell {
    std::vector<double> n;
    std::vector<std::vector<std::optional<bool>>> success;  // [n][seed index]
    std::size_t seeds = 0;
  };
  std::vector<Cell> cells;
  for (const auto& [d, by_n] : grid) {
    Cell cell;
    std::vector<std::uint64_t> seeds;
    for (const auto& [n, by_seed] : by_n)
      for (const auto& [seed, ok] : by_seed) seeds.push_back(seed);
    std::sort(seeds.begin(), seeds.end());
    seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
    cell.seeds = seeds.size();
    for (const auto& [n, by_seed] : by_n) {
      cell.n.push_back(n);
      std::vector<std::optional<bool>> row;
      for (std::uint64_t seed : seeds) {
        const auto it = by_seed.find(seed);
        row.push_back(it == by_seed.end() ? std::nullopt : std::optional<bool>(it->second));
      }
      cell.success.push_back(row);
    }
    out.d.push_back(d);
    cells.push_back(std::move(cell));
  }
  const auto n_star = [](const Cell& cell, const std::vector<std::size_t>& pick) {
    std::vector<double> p;
    for (const auto& row : cell.success) {
      double wins = 0, count = 0;
      for (std::size_t k : pick)
        if (row[k]) {
          wins += *row[k] ? 1.0 : 0.0;
          count += 1.0;
        }
      p.push_back(count > 0 ? wins / count : 0.0);
    }
    return half_success_n(cell.n, p);
  };
  // The point estimates, then `replicates` resamplings of every d's seeds, each giving every n* and κ.
  std::vector<std::optional<double>> estimate;
  for (const Cell& cell : cells) {
    std::vector<std::size_t> all(cell.seeds);
    std::iota(all.begin(), all.end(), 0);
    estimate.push_back(n_star(cell, all));
  }
  const auto kappa_of = [&](const std::vector<std::optional<double>>& stars) -> std::optional<double> {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < stars.size(); ++i)
      if (stars[i]) {
        x.push_back(std::log(out.d[i]));
        y.push_back(std::log(*stars[i]));
      }
    if (x.size() < 3) return std::nullopt;
    return slope(x, y);
  };
  std::vector<std::vector<double>> star_samples(cells.size());
  std::vector<double> kappa_samples;
  for (int b = 0; b < replicates; ++b) {
    std::vector<std::optional<double>> stars;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::vector<std::size_t> pick(cells[i].seeds);
      for (std::size_t& k : pick)
        k = std::min(cells[i].seeds - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(cells[i].seeds)));
      stars.push_back(n_star(cells[i], pick));
      // A resampling whose n* lies beyond the grid counts as +inf for the interval's upper end.
      star_samples[i].push_back(stars.back() ? *stars.back() : std::numeric_limits<double>::infinity());
    }
    if (const auto k = kappa_of(stars)) kappa_samples.push_back(*k);
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!estimate[i]) {
      out.n_star.push_back(std::nullopt);
      continue;
    }
    out.n_star.push_back(
        Interval{*estimate[i], percentile(star_samples[i], 0.025), percentile(star_samples[i], 0.975)});
  }
  const auto kappa = kappa_of(estimate);
  std::size_t with_star = 0;
  for (const auto& e : estimate) with_star += e ? 1 : 0;
  if (!kappa) {
    out.kappa_note = "kappa needs n* at 3 or more dimensions; " + std::to_string(with_star) + " of " +
                     std::to_string(cells.size()) + " reached a success fraction of 1/2 on the n grid";
  } else if (kappa_samples.size() < static_cast<std::size_t>(replicates) * 9 / 10) {
    out.kappa = Interval{*kappa, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
    out.kappa_note = "in " + std::to_string(replicates - static_cast<int>(kappa_samples.size())) + " of " +
                     std::to_string(replicates) +
                     " resamplings fewer than 3 dimensions reached 1/2: the interval is unbounded; widen the n grid";
  } else {
    out.kappa = Interval{*kappa, percentile(kappa_samples, 0.025), percentile(kappa_samples, 0.975)};
  }
  return out;
}

std::vector<KappaCandidate> kappa_candidates(int leap_exponent, const std::optional<Interval>& kappa) {
  const double s = leap_exponent;
  std::vector<KappaCandidate> out = {
      {"d^(s*-1) = d^" + std::to_string(leap_exponent - 1), s - 1, std::nullopt},
      {"d^(s*/2) = d^" +
           std::string(leap_exponent % 2 ? std::to_string(leap_exponent) + "/2" : std::to_string(leap_exponent / 2)),
       s / 2, std::nullopt},
      {"d", 1.0, std::nullopt},
  };
  if (kappa)
    for (KappaCandidate& c : out) c.consistent = kappa->lo <= c.exponent && c.exponent <= kappa->hi;
  return out;
}

}  // namespace grassflow
