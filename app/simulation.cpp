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

namespace grassflow::app {

namespace {

constexpr double kAutoDecadesPerSecond = 0.5;  // automatic pacing: log10 t advances this much per second
constexpr double kAutoFirstTime = 1e-2;        // ... starting from this simulated time
constexpr int kMaxStepsPerFrame = 400;         // keeps a frame short; the clock waits for the flow
constexpr double kMaxSampleCoordinates = 2e7;  // n·d stored in float32: 80 MB, fine in a browser tab
constexpr double kSampleBudgetMs = 6.0;        // training time per frame
constexpr std::uint32_t kTrainStream = 1, kTestStream = 2;

}  // namespace

Run::Run(std::shared_ptr<const Objective> objective, const Eigen::MatrixXd& M0, double t_max)
    : objective_(std::move(objective)) {
  FlowOptions options;
  options.t_max = t_max;
  flow_ = std::make_unique<ReducedFlow>(objective_, M0, options);
  current_ = flow_->observe(0.0);
  announced_.assign(static_cast<std::size_t>(objective_->r()), false);
  record(current_);
}

double Run::grid_time(long k) {
  return kFirstGridTime * std::pow(10.0, static_cast<double>(k) / static_cast<double>(kPerDecade));
}

void Run::record(const FlowPoint& point) {
  const Eigen::VectorXd& c = point.cosines;
  history_.push_back({point.t, point.loss, std::vector<double>(c.data(), c.data() + c.size()), point.M});
}

void Run::integrate(double t, int max_steps) {
  for (int i = 0; (max_steps < 0 || i < max_steps) && flow_->time() < t && flow_->step(); ++i) {
  }
}

std::optional<double> Run::escape_before(double t) const {
  std::optional<double> first;
  const double until = std::min(t, flow_->time());
  for (std::size_t k = 0; k < announced_.size(); ++k) {
    const std::optional<double>& e = flow_->escape_times()[k];
    if (!announced_[k] && e && *e <= until && (!first || *e < *first)) first = *e;
  }
  return first;
}

FlowPoint Run::observe(double t) const {
  if (t <= flow_->time()) return flow_->observe(t);
  FlowPoint end = flow_->observe(flow_->time());  // converged or stalled: M stays where the flow ended
  end.t = t;
  return end;
}

std::vector<int> Run::show(double t) {
  std::vector<int> escaped;
  // A converged or stalled flow stays where it ended, so the clock may go on; a flow stopped at t_max or by
  // divergence is shown up to its end only.
  const bool at_rest = flow_->status() == FlowStatus::converged || flow_->status() == FlowStatus::stalled;
  const double shown = at_rest ? t : std::min(t, flow_->time());
  if (shown <= shown_t_) return escaped;
  // The grid times and escapes in (shown_t_, shown], in order, before the new shown point.
  std::vector<double> times;
  for (; grid_time(next_grid_) < shown; ++next_grid_) times.push_back(grid_time(next_grid_));
  const auto& escapes = flow_->escape_times();
  for (std::size_t k = 0; k < escapes.size(); ++k)
    if (!announced_[k] && escapes[k] && *escapes[k] <= shown) {
      announced_[k] = true;
      escaped.push_back(static_cast<int>(k));
      times.push_back(*escapes[k]);
    }
  std::sort(times.begin(), times.end());
  if (last_is_transient_) history_.pop_back();  // the previous shown point, neither on the grid nor an escape
  for (const double time : times)
    if (time > history_.back().t) record(observe(time));
  shown_t_ = shown;
  current_ = observe(shown_t_);
  last_is_transient_ = history_.back().t < shown_t_;
  if (last_is_transient_) record(current_);
  return escaped;
}

std::vector<std::optional<double>> Run::shown_escapes() const {
  std::vector<std::optional<double>> out = flow_->escape_times();
  for (auto& e : out)
    if (e && *e > shown_t_) e.reset();
  return out;
}

FlowStatus Run::status() const {
  return shown_t_ < flow_->time() ? FlowStatus::running : flow_->status();
}

SampleRun::SampleRun(const LinkAnalysis& analysis, const AppState& state, const Eigen::MatrixXd& M0) {
  const int r = analysis.r();
  if (state.d > 1e5)
    throw InputError("n", "finite samples need d <= 1e5 (d = " + shortest_text(state.d) +
                              "); lower d, or set n = 0 for the population flow");
#ifdef __EMSCRIPTEN__
  if (state.n * state.d > kMaxSampleCoordinates)
    throw InputError("n", "n·d = " + shortest_text(state.n * state.d) +
                              " stored coordinates exceed the browser's 2e7 (80 MB of float32 in a tab); lower n or "
                              "d, or use the desktop app or `grassflow train`");
#endif
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
  const Link link = analysis.resolved.link;
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
      if (last_is_transient_) history_.pop_back();
      last_is_transient_ = false;
      trainer_->step();
      moved = true;
      // Kept: the first step at or after each time of the runs' grid (Run::grid_time).
      const double now = trainer_->records().back().t;
      if (now >= Run::grid_time(next_grid_)) {
        record();
        while (Run::grid_time(next_grid_) <= now) ++next_grid_;
        moved = false;
      }
    }
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  if (moved) {  // the latest step, until the next call replaces it
    record();
    last_is_transient_ = true;
  }
}

bool same_experiment(const AppState& a, const AppState& b) {
  if (a.compare != b.compare || a.t_show != b.t_show) return false;
  if (!a.compare) return same_flow(a, b);
  grassflow::Experiment shown = b;
  shown.objective = a.objective;  // compare mode runs both objectives: the one shown is a view setting
  return same_flow(a, shown);
}

Simulation::Simulation(const AppState& state)
    : state_(state), analysis_(std::make_shared<LinkAnalysis>(analyse_link(state))) {
  M0_ = start_overlap(state, analysis_->r());
  std::vector<ObjectiveKind> objectives = {state.objective};
  if (state.compare) objectives = {ObjectiveKind::joint, ObjectiveKind::planted};
  for (const ObjectiveKind kind : objectives) {
    runs_.push_back(std::make_unique<Run>(make_objective(kind, analysis_->expansion), M0_, state.t_max));
    if (kind == state.objective) active_ = runs_.size() - 1;
  }
  if (state.n > 0) samples_ = std::make_unique<SampleRun>(*analysis_, state, M0_);
  if (state.t_show > 0) move_clock(state.t_show, -1, false, nullptr);  // opens on a later stage
}

void Simulation::set_view(const AppState& state) {
  state_ = state;
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (state.objective == runs_[i]->objective().kind()) active_ = i;
}

std::vector<std::string> Simulation::tick(double wall_seconds, bool playing, bool single_step, bool* paused) {
  if (paused) *paused = false;
  if (!playing && !single_step) return {};
  // A single step is 0.2 s of play (a tenth of a decade when log-paced), or one dt.
  const double seconds = single_step ? 0.2 : wall_seconds;
  double target = clock_;
  if (state_.dt > 0) {
    target += state_.dt;
  } else if (state_.speed > 0) {
    target += state_.speed * seconds;
  } else {
    target = std::max(kAutoFirstTime, clock_ * std::pow(10.0, kAutoDecadesPerSecond * std::min(seconds, 0.25)));
  }
  return move_clock(target, kMaxStepsPerFrame, state_.pause_at_escape && !single_step, paused);
}

std::vector<std::string> Simulation::advance_by(double dt) {
  return move_clock(clock_ + dt, -1, false, nullptr);
}

std::vector<std::string> Simulation::move_clock(double target, int max_steps, bool stop_at_escape, bool* stopped) {
  target = std::min(target, state_.t_max);  // the flows end there (status t_max): no clock, axis or plot beyond
  for (const auto& run : runs_) run->integrate(target, max_steps);
  if (stop_at_escape) {
    std::optional<double> first;
    for (const auto& run : runs_)
      if (const std::optional<double> e = run->escape_before(target); e && (!first || *e < *first)) first = e;
    if (first) {
      target = *first;
      for (const auto& run : runs_) run->integrate(target, -1);  // every run shown at that very time
      if (stopped) *stopped = true;
    }
  }
  std::vector<std::string> events;
  for (const auto& run : runs_) {
    for (int k : run->show(target)) {
      nlohmann::json e = {{"type", "escape"},
                          {"index", k + 1},
                          {"t", *run->flow().escape_times()[static_cast<std::size_t>(k)]},
                          {"objective", run->objective().name()}};
      events.push_back(e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  if (samples_) samples_->advance(target, max_steps < 0 ? 1e9 : kSampleBudgetMs);
  // Never run ahead of the slowest flow: the clock shows what has been computed.
  double reached = target;
  for (const auto& run : runs_)
    if (run->status() == FlowStatus::running) reached = std::min(reached, run->shown_time());
  clock_ = std::max(reached, clock_);
  return events;
}

}  // namespace grassflow::app
