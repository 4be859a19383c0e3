#include "grassflow/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "grassflow/errors.h"
#include "grassflow/progress.h"
#include "grassflow/random.h"
#include "grassflow/time_scales.h"

namespace grassflow {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string format_exponent(double e) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", e);
  return buffer;
}

// The escape index that ends each stage: cumulative stage dimensions minus one.
std::vector<int> stage_ends(const LeapSequence& leaps) {
  std::vector<int> ends;
  int total = 0;
  for (int dim : leaps.stage_dimensions) {
    total += dim;
    ends.push_back(total - 1);
  }
  return ends;
}

}  // namespace

SweepRun run_sweep_flow(const std::shared_ptr<const Objective>& objective, Start start, double d, std::uint64_t seed,
                        const FlowOptions& options) {
  ReducedFlow flow(objective, initial_overlap(start, objective->r(), d, seed), options);
  flow.run();
  return {d, seed, flow.escape_times(), flow.loss(), flow.status()};
}

std::vector<SweepRun> run_sweep(const std::shared_ptr<const Objective>& objective, const SweepSpec& spec) {
  if (!objective) throw InputError("sweep: no objective given");
  if (spec.dimensions.empty()) throw InputError("d", "give at least one dimension, e.g. 100,1000,10000");
  if (spec.seeds < 1) throw InputError("seeds", "must be at least 1");
  const int seeds = spec.start == Start::random ? spec.seeds : 1;
  // Validate every start before running any flow, so a bad d fails at once.
  for (double d : spec.dimensions) initial_overlap(spec.start, objective->r(), d, 0);
  std::vector<SweepRun> runs;
  const std::size_t total = spec.dimensions.size() * static_cast<std::size_t>(seeds);
  ProgressStage stage("sweep flows", static_cast<double>(total));
  for (double d : spec.dimensions)
    for (int seed = 0; seed < seeds; ++seed) {
      runs.push_back(
          run_sweep_flow(objective, spec.start, d, spec.first_seed + static_cast<std::uint64_t>(seed), spec.flow));
      stage.advance();
    }
  return runs;
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw InputError("fit_line: x and y differ in length");
  if (x.size() < 2) throw InputError("fit_line: need at least two points");
  const double n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0.0)) throw InputError("fit_line: all x are equal; give at least two different dimensions");
  LineFit fit;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  fit.r2 = syy > 0.0 ? (sxy * sxy) / (sxx * syy) : 1.0;
  return fit;
}

double median(std::vector<double> values) {
  if (values.empty()) throw InputError("median: no values");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

StagePrediction predict_stage(ObjectiveKind objective, int stage, int leap) {
  if (leap < 1) throw InputError("predict_stage: a leap is at least 1");
  const std::string L = std::to_string(leap);
  StagePrediction p;
  if (objective == ObjectiveKind::joint) {
    if (leap == 1) {
      p.model = "log";
      p.label = "joint, leap 1: T = Θ(log d)";
    } else {
      p.model = "power";
      p.exponent = leap - 1;
      p.label = "joint, leap " + L + ": T = Θ(d^" + std::to_string(leap - 1) + ")";
    }
    return p;
  }
  if (stage > 0) {
    p.model = leap == 1 ? "log" : "power";
    p.label = "planted, later stage (leap " + L + "): no formula, measured";
    return p;
  }
  if (leap == 2) {
    p.model = "log";
    p.label = "planted, s = 2: T = Θ(log d)";
    return p;
  }
  p.model = "power";
  p.exponent = leap == 1 ? 0.0 : 0.5 * leap - 1.0;
  p.label =
      leap == 1 ? "planted, s = 1: T = Θ(1)" : "planted, s = " + L + ": T = Θ(d^" + format_exponent(*p.exponent) + ")";
  return p;
}

std::vector<StageFit> fit_stages(const std::vector<SweepRun>& runs, const LeapSequence& leaps,
                                 ObjectiveKind objective) {
  std::vector<double> dimensions;
  for (const SweepRun& run : runs)
    if (std::find(dimensions.begin(), dimensions.end(), run.d) == dimensions.end()) dimensions.push_back(run.d);
  std::sort(dimensions.begin(), dimensions.end());
  const std::vector<int> ends = stage_ends(leaps);
  std::vector<StageFit> fits;
  for (std::size_t j = 0; j < leaps.leaps.size(); ++j) {
    StageFit f;
    f.stage = static_cast<int>(j);
    f.leap = leaps.leaps[j];
    f.direction = ends[j];
    f.prediction = predict_stage(objective, f.stage, f.leap);
    f.swept = static_cast<int>(dimensions.size());
    for (double d : dimensions) {
      std::vector<double> times;
      for (const SweepRun& run : runs) {
        if (run.d != d) continue;
        const auto k = static_cast<std::size_t>(f.direction);
        times.push_back(k < run.escape_times.size() && run.escape_times[k] ? *run.escape_times[k] : kInfinity);
      }
      const double m = median(times);
      if (std::isfinite(m) && m > 0.0) {
        f.d.push_back(d);
        f.median_time.push_back(m);
      }
    }
    if (f.d.size() >= static_cast<std::size_t>(kMinFitDimensions)) {
      std::vector<double> x, y;
      for (std::size_t i = 0; i < f.d.size(); ++i) {
        x.push_back(std::log(f.d[i]));
        y.push_back(f.prediction.model == "power" ? std::log(f.median_time[i]) : f.median_time[i]);
      }
      f.fit = fit_line(x, y);
    }
    fits.push_back(std::move(f));
  }
  return fits;
}

namespace {

// The q-quantile of sorted values (linear between order statistics; +inf beside +inf stays +inf).
double quantile(const std::vector<double>& sorted, double q) {
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(at));
  const std::size_t j = std::min(i + 1, sorted.size() - 1);
  const double w = at - static_cast<double>(i);
  if (w == 0.0 || sorted[i] == sorted[j]) return sorted[i];
  return sorted[i] + w * (sorted[j] - sorted[i]);
}

// Fits the medians as fit_stages does (power: ln T on ln d; log: T on ln d); empty below kMinFitDimensions.
std::optional<LineFit> fit_medians(const std::vector<double>& d, const std::vector<double>& medians,
                                   const std::string& model) {
  std::vector<double> x, y;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (std::isfinite(medians[i]) && medians[i] > 0.0) {
      x.push_back(std::log(d[i]));
      y.push_back(model == "power" ? std::log(medians[i]) : medians[i]);
    }
  if (x.size() < static_cast<std::size_t>(kMinFitDimensions)) return std::nullopt;
  return fit_line(x, y);
}

}  // namespace

StageStatistics stage_statistics(const std::vector<SweepRun>& unordered, const StageFit& fit, int replicates) {
  // In (d, seed) order, so that the resamplings do not depend on the order the runs were recorded in.
  std::vector<SweepRun> runs = unordered;
  std::sort(runs.begin(), runs.end(),
            [](const SweepRun& a, const SweepRun& b) { return a.d != b.d ? a.d < b.d : a.seed < b.seed; });
  StageStatistics out;
  std::vector<std::vector<double>> times;  // per d, the stage time of each run
  for (const SweepRun& run : runs) {
    auto it = std::find(out.d.begin(), out.d.end(), run.d);
    if (it == out.d.end()) {
      out.d.push_back(run.d);
      times.emplace_back();
      it = out.d.end() - 1;
    }
    const auto k = static_cast<std::size_t>(fit.direction);
    times[static_cast<std::size_t>(it - out.d.begin())].push_back(
        k < run.escape_times.size() && run.escape_times[k] ? *run.escape_times[k] : kInfinity);
  }
  std::vector<std::size_t> order(out.d.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return out.d[a] < out.d[b]; });
  std::vector<double> dims;
  std::vector<std::vector<double>> sorted_times;
  for (std::size_t i : order) {
    dims.push_back(out.d[i]);
    sorted_times.push_back(times[i]);
  }
  out.d = dims;
  for (std::vector<double>& t : sorted_times) {
    std::vector<double> s = t;
    std::sort(s.begin(), s.end());
    out.q25.push_back(quantile(s, 0.25));
    out.median.push_back(median(s));
    out.q75.push_back(quantile(s, 0.75));
    out.runs.push_back(static_cast<int>(s.size()));
    out.never.push_back(static_cast<int>(std::count(s.begin(), s.end(), kInfinity)));
  }
  if (!fit.fit) {
    out.note = "no fit: " + std::to_string(fit.d.size()) + " dimension(s) with a finite median, below the " +
               std::to_string(kMinFitDimensions) + " a fit needs";
    return out;
  }
  Rng rng(0);
  std::vector<double> slopes;
  for (int b = 0; b < replicates; ++b) {
    std::vector<double> medians;
    for (const std::vector<double>& t : sorted_times) {
      std::vector<double> pick(t.size());
      for (double& x : pick)
        x = t[std::min(t.size() - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(t.size())))];
      medians.push_back(median(pick));
    }
    if (const auto line = fit_medians(out.d, medians, fit.prediction.model)) {
      out.replicates.push_back(*line);
      slopes.push_back(line->slope);
    }
  }
  if (slopes.size() < static_cast<std::size_t>(replicates) * 9 / 10) {
    out.note = "no interval: " + std::to_string(static_cast<std::size_t>(replicates) - slopes.size()) + " of " +
               std::to_string(replicates) + " resamplings had fewer than " + std::to_string(kMinFitDimensions) +
               " dimensions with a finite median";
    return out;
  }
  std::sort(slopes.begin(), slopes.end());
  out.slope_interval = std::make_pair(quantile(slopes, 0.025), quantile(slopes, 0.975));
  return out;
}

std::optional<double> predict_log_coefficient(const HermiteExpansion& e, const LeapSequence& leaps,
                                              ObjectiveKind objective, int stage) {
  if (stage < 0 || stage >= static_cast<int>(leaps.leaps.size()))
    throw InputError("predict_log_coefficient: stage " + std::to_string(stage) + " outside 0.." +
                     std::to_string(static_cast<int>(leaps.leaps.size()) - 1));
  const auto j = static_cast<std::size_t>(stage);
  if (objective == ObjectiveKind::planted) {
    if (stage != 0 || leaps.leaps[0] != 2) return std::nullopt;
    const std::vector<double> energy = e.degree_energy();
    const double alpha2 = energy.size() > 2 ? energy[2] / leaps.stage_dimensions[0] : 0.0;
    if (!(alpha2 > 0.0)) return std::nullopt;
    return 1.0 / (4.0 * alpha2);  // (6.3): ln d / (4α²)
  }
  for (std::size_t i = 0; i <= j; ++i)
    if (leaps.leaps[i] != 1) return std::nullopt;
  // Leap-1 durations are ln(d)/(2α²) exactly in joint_stage_durations, so dividing by ln d gives 1/(2α²).
  constexpr double kD = 1e4;
  const std::vector<double> durations = joint_stage_durations(e, leaps, kD);
  double b = 0.0;
  for (std::size_t i = 0; i <= j; ++i) b += durations[i] / std::log(kD);
  if (!std::isfinite(b)) return std::nullopt;
  return b;
}

namespace {

std::string short_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

}  // namespace

StageCheck check_stage(const StageFit& fit, std::optional<double> log_coefficient, const StageTolerances& tolerances) {
  StageCheck c;
  if (fit.fit) c.r2 = fit.fit->r2;
  const bool power = fit.prediction.model == "power";
  if (power && fit.prediction.exponent && *fit.prediction.exponent == 0.0) {
    c.rule = "flat";
    c.predicted = 1.0;
    c.tolerance = tolerances.flat_ratio;
    c.criterion = "1/" + short_number(c.tolerance) + " ≤ T(d_max)/T(d_min) ≤ " + short_number(c.tolerance);
    c.r2_pass = true;  // not checked: a flat line's r² is noise
  } else if (power && fit.prediction.exponent) {
    c.rule = "exponent";
    c.predicted = *fit.prediction.exponent;
    c.tolerance = tolerances.exponent;
    c.r2_min = tolerances.r2;
    c.criterion = "|slope − " + short_number(c.predicted) + "| ≤ " + short_number(c.tolerance) + ", r² ≥ " +
                  short_number(c.r2_min);
  } else if (!power && log_coefficient) {
    c.rule = "log coefficient";
    c.predicted = *log_coefficient;
    c.tolerance = tolerances.log_coefficient;
    c.r2_min = tolerances.r2;
    c.criterion = "|b − " + short_number(c.predicted) + "| ≤ " + short_number(100 * c.tolerance) + "% of it, r² ≥ " +
                  short_number(c.r2_min);
  } else {
    c.rule = "none";
    c.criterion = "no prediction: reported only";
    if (fit.fit) c.measured = fit.fit->slope;
    return c;
  }
  c.checked = true;
  if (fit.d.size() < 2 || !fit.fit) {
    c.failure = "fewer than 2 dimensions ended the stage";
    return c;
  }
  if (c.rule == "flat") {
    c.measured = fit.median_time.back() / fit.median_time.front();
    c.value_pass = c.measured <= c.tolerance && c.measured >= 1.0 / c.tolerance;
  } else {
    c.measured = fit.fit->slope;
    const double allowed = c.rule == "exponent" ? c.tolerance : c.tolerance * std::abs(c.predicted);
    c.value_pass = std::abs(c.measured - c.predicted) <= allowed;
    c.r2_pass = c.r2 >= c.r2_min;
  }
  const bool complete = static_cast<int>(fit.d.size()) >= fit.swept;
  c.pass = complete && c.value_pass && c.r2_pass;
  if (!complete)
    c.failure = "the stage never ended at " + std::to_string(fit.swept - static_cast<int>(fit.d.size())) + " of " +
                std::to_string(fit.swept) + " dimensions";
  else if (!c.value_pass)
    c.failure = (c.rule == "flat"       ? "ratio "
                 : c.rule == "exponent" ? "slope "
                                        : "b ") +
                short_number(c.measured) + " outside the tolerance";
  else if (!c.r2_pass)
    c.failure = "r² " + short_number(c.r2) + " below " + short_number(c.r2_min);
  return c;
}

std::vector<double> measured_plateaus(const ReducedFlow& flow, const LeapSequence& leaps) {
  const std::vector<int> ends = stage_ends(leaps);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> plateaus(leaps.leaps.size() + 1, nan);
  plateaus[0] = flow.step_losses().front();
  auto stage_time = [&](std::size_t j) -> std::optional<double> {
    const auto k = static_cast<std::size_t>(ends[j]);
    return k < flow.escape_times().size() ? flow.escape_times()[k] : std::nullopt;
  };
  for (std::size_t j = 1; j < leaps.leaps.size(); ++j) {
    const auto a = stage_time(j - 1), b = stage_time(j);
    if (!a || !b || !(*b > *a) || !(*a > 0.0)) continue;
    constexpr int kGrid = 64;
    double best = kInfinity, previous = flow.observe(*a).loss;
    for (int i = 1; i <= kGrid; ++i) {
      const double t = *a * std::pow(*b / *a, static_cast<double>(i) / kGrid);
      const double loss = flow.observe(t).loss;
      if (std::abs(loss - previous) < best) {
        best = std::abs(loss - previous);
        plateaus[j] = 0.5 * (loss + previous);
      }
      previous = loss;
    }
  }
  if (!leaps.leaps.empty() && stage_time(leaps.leaps.size() - 1)) plateaus.back() = flow.loss();
  return plateaus;
}

}  // namespace grassflow
