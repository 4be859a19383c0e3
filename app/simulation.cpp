#include "simulation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"
#include "grassflow/objective.h"
#include "grassflow/sampling.h"
#include "grassflow/time_scales.h"

namespace grassflow::app {

namespace {

constexpr double kAutoDecadesPerSecond = 0.5;  // automatic pacing: log10 t advances this much per second
constexpr double kAutoFirstTime = 1e-2;        // ... starting from this simulated time
constexpr int kMaxStepsPerFrame = 400;         // keeps a frame short; the clock waits for the flow
constexpr double kMaxSampleCoordinates = 2e7;  // n·d stored in float32: 80 MB, fine in a browser tab
constexpr double kSampleBudgetMs = 6.0;        // training time per frame
constexpr std::uint32_t kTrainStream = 1, kTestStream = 2;

}  // namespace

std::vector<double> LinkAnalysis::joint_time_scales(double d, double eps) const {
  return joint_stage_durations(expansion, leaps, d, eps > 0.0 ? std::optional<double>(eps) : std::nullopt);
}

std::vector<double> LinkAnalysis::planted_time_scales(double d) const {
  const std::optional<double> first = planted_first_escape_time(information_exponent, d);
  return first ? std::vector<double>{*first} : std::vector<double>{};
}

Run::Run(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, double t_max)
    : objective_(std::move(objective)) {
  FlowOptions options;
  options.t_max = t_max;
  flow_ = std::make_unique<ReducedFlow>(objective_, M0, options);
  current_ = flow_->observe(0.0);
  announced_.assign(static_cast<std::size_t>(objective_->r()), false);
  record();
}

void Run::record() {
  const Eigen::VectorXd& c = current_.cosines;
  history_.push_back({current_.t, current_.loss, std::vector<double>(c.data(), c.data() + c.size()), current_.M});
}

std::vector<int> Run::advance(double t, int max_steps) {
  for (int i = 0; i < max_steps && flow_->time() < t && flow_->step(); ++i) {
  }
  const double shown = std::min(t, flow_->time());
  std::vector<int> escaped;
  if (shown <= shown_t_) return escaped;
  shown_t_ = shown;
  current_ = flow_->observe(shown_t_);
  record();
  const auto& escapes = flow_->escape_times();
  for (std::size_t k = 0; k < escapes.size(); ++k)
    if (!announced_[k] && escapes[k] && *escapes[k] <= shown_t_) {
      announced_[k] = true;
      escaped.push_back(static_cast<int>(k));
    }
  return escaped;
}

std::vector<std::optional<double>> Run::shown_escapes() const {
  std::vector<std::optional<double>> out = flow_->escape_times();
  for (auto& e : out)
    if (e && *e > shown_t_) e.reset();
  return out;
}

std::string Run::status() const {
  if (flow_->status() == FlowStatus::running || shown_t_ < flow_->time()) return "running";
  return to_string(flow_->status());
}

SampleRun::SampleRun(const LinkAnalysis& analysis, const AppState& state, const Eigen::MatrixXd& M0) {
  const int r = analysis.link.link.r();
  if (state.d > 1e5 || state.d != std::floor(state.d))
    throw InputError("n: finite samples need a whole d <= 1e5 (d = " + std::to_string(state.d) +
                     "); lower d, or set n = 0 for the population flow");
  if (state.n * state.d > kMaxSampleCoordinates)
    throw InputError("n: n·d = " + std::to_string(static_cast<long long>(state.n * state.d)) +
                     " stored coordinates exceed the explorer's 2e7; lower n or d, or run `grassflow train`");
  const int d = static_cast<int>(state.d);
  // Features up to the highest degree that carries energy, at least 2 and at most 4 (docs/theory.md §7: K = 2).
  const std::vector<double> energy = analysis.expansion.degree_energy();
  int top = 0;
  for (std::size_t k = 1; k < energy.size(); ++k)
    if (energy[k] > 1e-12 * analysis.expansion.norm2) top = static_cast<int>(k);
  TrainOptions options;
  options.r = r;
  options.degree = std::clamp(top, 2, 4);
  options.seed = state.seed;
  options.start = stiefel_with_overlap(M0, d);  // the population runs' start
  const Link link = analysis.link.link;
  PlantedModel model{leading_axes(d, r), [link](const double* z) { return link(z); }, state.noise};
  Dataset train =
      SampleStream(model, state.seed, kTrainStream).draw(static_cast<std::size_t>(state.n), Precision::float32);
  Dataset test = SampleStream(model, state.seed, kTestStream).draw(2000, Precision::float32);
  trainer_ = std::make_unique<Trainer>(std::move(train), std::move(test), model.w_star, options);
  char text[160];
  std::snprintf(text, sizeof text, "n = %.0f, σ = %g, K = %d, η = %g, λ = %g", state.n, state.noise, options.degree,
                options.lr, options.ridge);
  description_ = text;
  record();
}

void SampleRun::record() {
  const TrainRecord& last = trainer_->records().back();
  const Eigen::MatrixXd M = trainer_->frame().topRows(last.cosines.size()).transpose();  // WᵀW*, W* = leading axes
  history_.push_back(
      {last.t, last.test_loss, std::vector<double>(last.cosines.data(), last.cosines.data() + last.cosines.size()), M});
}

void SampleRun::advance(double t, double budget_ms) {
  if (!failure_.empty()) return;
  const auto start = std::chrono::steady_clock::now();
  bool moved = false;
  try {
    while (trainer_->records().back().t + trainer_->options().lr <= t &&
           std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() < budget_ms) {
      trainer_->step();
      moved = true;
    }
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  if (moved) record();
}

bool same_experiment(const AppState& a, const AppState& b) {
  return a.link == b.link && a.r == b.r && a.d == b.d && a.init == b.init && a.seed == b.seed && a.eps == b.eps &&
         a.M0 == b.M0 && a.t_max == b.t_max && a.degree == b.degree && a.compare == b.compare && a.n == b.n &&
         a.noise == b.noise && (a.compare || a.objective == b.objective);
}

Experiment::Experiment(const AppState& state) : state_(state) {
  auto analysis = std::make_shared<LinkAnalysis>();
  // Messages start with the URL keys to change, as the URL's own problems do.
  try {
    analysis->link = resolve_link(state.link, state.r);
  } catch (const InputError& e) {
    int own_r = 0;  // > 0 when the link is fine at its own r: the given r is too small for it
    try {
      own_r = resolve_link(state.link, 0).link.r();
    } catch (const InputError&) {
    }
    if (own_r > 0)
      throw InputError("link/r: " + std::string(e.what()) + "; set r=" + std::to_string(own_r) +
                       " or more, or r=0 for the link's own r");
    throw InputError("link: " + std::string(e.what()));
  }
  const int r = analysis->link.link.r();
  if (state.d < r)
    throw InputError("d: d = " + std::to_string(static_cast<long long>(state.d)) +
                     " is smaller than r = " + std::to_string(r) + ": choose d >= r");
  // The UI offers r up to 8 with the default K = 8, which only r ≤ 5 affords: lower K, and say so.
  int degree = state.degree;
  if (const int largest = max_hermite_degree(r); largest >= 0 && largest < degree) {
    degree = largest;
    analysis->link.warnings.push_back("degree K lowered from " + std::to_string(state.degree) + " to " +
                                      std::to_string(degree) +
                                      ": the quadrature affords no more in r = " + std::to_string(r) +
                                      "; energy above degree " + std::to_string(degree) + " counts as the residual");
  }
  QuadratureReport report;
  analysis->expansion = hermite_expansion(analysis->link.link, degree, &report);
  check_usable_for_dynamics(analysis->link.link, analysis->expansion, report);
  const double tolerance = zero_tolerance(analysis->expansion, report);
  for (const std::string& warning :
       {quadrature_warning(report, tolerance), truncation_warning(analysis->expansion, tolerance)})
    if (!warning.empty()) analysis->link.warnings.push_back(warning);
  analysis->information_exponent = information_exponent(analysis->expansion, tolerance);
  analysis->leaps = leap_sequence(analysis->expansion, tolerance);
  analysis_ = analysis;

  if (state.init == "M0") {
    M0_ = parse_matrix(state.M0, "M0", r, r);
    try {
      check_realisable_overlap(M0_, std::floor(state.d));
    } catch (const InputError& e) {
      throw InputError(std::string("M0: ") + e.what());
    }
  } else {
    M0_ = initial_overlap(parse_start(state.init), r, std::floor(state.d), state.seed, state.eps);
  }
  std::vector<std::string> objectives = {state.objective};
  if (state.compare) objectives = {"joint", "planted"};
  for (const std::string& name : objectives) {
    runs_.push_back(std::make_unique<Run>(make_objective(name, analysis->expansion), M0_, state.t_max));
    if (name == state.objective) active_ = runs_.size() - 1;
  }
  if (state.n > 0) samples_ = std::make_unique<SampleRun>(*analysis, state, M0_);
}

void Experiment::set_view(const AppState& state) {
  state_ = state;
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (state.objective == runs_[i]->objective().name()) active_ = i;
}

bool Experiment::finished() const {
  for (const auto& run : runs_)
    if (run->status() == "running") return false;
  return true;
}

std::vector<std::string> Experiment::tick(double wall_seconds, bool playing, bool single_step) {
  std::vector<std::string> events;
  if (!playing && !single_step) return events;
  if (state_.dt > 0) {
    clock_ += state_.dt;
  } else if (state_.speed > 0) {
    clock_ += state_.speed * (single_step ? 1.0 / 30.0 : wall_seconds);
  } else {
    const double seconds = single_step ? 1.0 / 30.0 : std::min(wall_seconds, 0.25);
    clock_ = std::max(kAutoFirstTime, clock_ * std::pow(10.0, kAutoDecadesPerSecond * seconds));
  }
  for (const auto& run : runs_) {
    for (int k : run->advance(clock_, kMaxStepsPerFrame)) {
      nlohmann::json e = {{"type", "escape"},
                          {"index", k + 1},
                          {"t", *run->flow().escape_times()[static_cast<std::size_t>(k)]},
                          {"objective", run->objective().name()}};
      events.push_back(e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  if (samples_) samples_->advance(clock_, kSampleBudgetMs);
  // Never run ahead of the slowest flow: the clock shows what has been computed.
  double reached = clock_;
  for (const auto& run : runs_)
    if (run->status() == "running") reached = std::min(reached, run->shown_time());
  clock_ = std::max(reached, 0.0);
  return events;
}

}  // namespace grassflow::app
