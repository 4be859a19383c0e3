#include "phase_grid.h"

#include <algorithm>
#include <cmath>

#include "dynamics_cli.h"
#include "grassflow/link_features.h"
#include "provenance.h"

namespace grassflow::cli {

nlohmann::json phase_run_json(const PhaseRun& run) {
  return {{"d", json_number(run.d)},
          {"n", json_number(run.n)},
          {"seed", run.seed},
          {"success", run.success},
          {"subspace_error", run.subspace_error},
          {"escape_times", optional_list_json(run.escape_times)},
          {"budget", run.budget},
          {"steps", run.steps},
          {"reason", run.reason}};
}

PhaseRun phase_run_from_json(const nlohmann::json& j) {
  PhaseRun run;
  run.d = j.at("d").get<double>();
  run.n = j.at("n").get<double>();
  run.seed = j.at("seed").get<std::uint64_t>();
  run.success = j.at("success").get<bool>();
  run.subspace_error = j.at("subspace_error").get<double>();
  run.budget = j.at("budget").get<double>();
  run.reason = j.at("reason").get<std::string>();
  return run;
}

int phase_link_features(const PhaseSpec& spec, int r) {
  return LinkFeatures(spec.train.features, r, spec.train.degree, 0).size();
}

PhaseGrid::PhaseGrid(const LinkAnalysis& link, PhaseGridSpec spec)
    : link_(link), spec_(std::move(spec)), features_(phase_link_features(spec_.spec, link.r())) {
  const auto shards = static_cast<std::size_t>(spec_.shards);
  if (automatic()) {
    for (std::size_t u = spec_.dims.size(); u-- > 0;)  // the largest d first: the costliest bisections
      if (static_cast<int>(u % shards) == spec_.shard) bisections_.push_back(spec_.dims[u]);
  } else {
    std::size_t cell = 0;
    for (double d : spec_.dims)
      for (double n : spec_.sizes) {
        if (static_cast<int>(cell++ % shards) != spec_.shard) continue;
        for (int k = 0; k < spec_.seeds; ++k) grid_.push_back({d, n, spec_.seed_start + static_cast<std::uint64_t>(k)});
      }
  }
  for (double d : spec_.dims) population_[d] = population_time(link_, d);
}

double PhaseGrid::cost(std::size_t unit) const {
  // A step costs about (samples per step)·d: online, n samples in all; exact, all n at each of the budget's steps.
  const double d = automatic() ? bisections_[unit] : grid_[unit].d;
  const double steps = spec_.spec.online ? 1.0 : std::ceil(spec_.spec.budget * population_.at(d) / spec_.spec.train.lr);
  if (!automatic()) return grid_[unit].n * d * steps;
  return (spec_.range.empty() ? 64 * d : spec_.range[1]) * d * steps * spec_.seeds;
}

nlohmann::json PhaseGrid::key(std::size_t unit) const {
  if (automatic()) return nullptr;
  const Configuration& c = grid_[unit];
  return {{"d", json_number(c.d)}, {"n", json_number(c.n)}, {"seed", c.seed}};
}

void PhaseGrid::remember(const nlohmann::json& run) {
  known_[{run.at("d").get<double>(), run.at("n").get<double>(), run.at("seed").get<std::uint64_t>()}] =
      run.at("success").get<bool>();
}

PhaseRun PhaseGrid::train(double d, double n, std::uint64_t seed) const {
  return run_phase_configuration(link_.resolved.link, spec_.spec, d, n, seed, population_.at(d));
}

nlohmann::json PhaseGrid::compute(std::size_t unit) const {
  nlohmann::json fresh = nlohmann::json::array();
  if (!automatic()) {
    const Configuration& c = grid_[unit];
    fresh.push_back(phase_run_json(train(c.d, c.n, c.seed)));
    return {{"runs", fresh}};
  }
  // A bisection in log n decided on complete rounds (every seed at one n), reusing the outcomes remembered (the
  // folder's runs, which every rank reads when resuming).
  const double d = bisections_[unit];
  const auto fraction = [&](double n) {
    int wins = 0;
    for (int k = 0; k < spec_.seeds; ++k) {
      const std::uint64_t seed = spec_.seed_start + static_cast<std::uint64_t>(k);
      const auto it = known_.find({d, n, seed});
      if (it != known_.end()) {
        wins += it->second;
        continue;
      }
      const PhaseRun run = train(d, n, seed);
      fresh.push_back(phase_run_json(run));
      wins += run.success;
    }
    return static_cast<double>(wins) / spec_.seeds;
  };
  double lo = spec_.range.empty() ? std::max<double>(features_, std::ceil(d / 4)) : spec_.range[0];
  double hi = spec_.range.empty() ? 64 * d : spec_.range[1];
  if (fraction(lo) < 0.5 && fraction(hi) >= 0.5)
    for (int round = 0; round < spec_.rounds; ++round) {
      const double mid = std::round(std::sqrt(lo * hi));
      if (mid <= lo || mid >= hi) break;
      (fraction(mid) >= 0.5 ? hi : lo) = mid;
    }
  return {{"runs", fresh}};
}

PhaseResults phase_results(const std::vector<PhaseRun>& runs, const LinkAnalysis& link) {
  PhaseResults out;
  out.summary = summarise_phase(runs);
  out.candidates = kappa_candidates(link.leaps.leap_exponent, out.summary.kappa);
  out.runs = static_cast<int>(runs.size());
  for (const PhaseRun& run : runs) (run.reason == "time" ? out.failed_time : out.failed_samples) += !run.success;
  return out;
}

nlohmann::json phase_results_json(const PhaseResults& results, const LinkAnalysis& link) {
  const PhaseSummary& summary = results.summary;
  nlohmann::json n_star = nlohmann::json::array();
  for (std::size_t i = 0; i < summary.d.size(); ++i) {
    const auto& s = summary.n_star[i];
    n_star.push_back(
        {{"d", json_number(summary.d[i])},
         {"estimate", s ? nlohmann::json(s->estimate) : nlohmann::json(nullptr)},
         {"ci", s ? nlohmann::json::array({json_number(s->lo), json_number(s->hi)}) : nlohmann::json(nullptr)}});
  }
  nlohmann::json kappa = nullptr;
  if (summary.kappa)
    kappa = {{"estimate", summary.kappa->estimate},
             {"ci", nlohmann::json::array({json_number(summary.kappa->lo), json_number(summary.kappa->hi)})}};
  nlohmann::json laws = nlohmann::json::array();
  for (const KappaCandidate& c : results.candidates)
    laws.push_back({{"law", c.law},
                    {"exponent", c.exponent},
                    {"consistent", c.consistent ? nlohmann::json(*c.consistent) : nlohmann::json(nullptr)}});
  return {{"kappa", kappa},
          {"kappa_note", summary.kappa_note},
          {"n_star", n_star},
          {"candidates", laws},
          {"leap_exponent", link.leaps.leap_exponent},
          {"runs", results.runs},
          {"failed_samples", results.failed_samples},
          {"failed_time", results.failed_time}};
}

}  // namespace grassflow::cli
