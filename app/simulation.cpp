#include "simulation.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"
#include "grassflow/objective.h"

namespace grassflow::app {

namespace {

constexpr double kAutoDecadesPerSecond = 0.5;  // automatic pacing: log10 t advances this much per second
constexpr double kAutoFirstTime = 1e-2;        // ... starting from this simulated time
constexpr int kMaxStepsPerFrame = 400;         // keeps a frame short; the clock waits for the flow

}  // namespace

std::vector<double> LinkAnalysis::joint_time_scales(double d) const {
  std::vector<double> scales;
  for (int leap : leaps.leaps) scales.push_back(leap == 1 ? std::log(d) : std::pow(d, leap - 1));
  return scales;
}

std::vector<double> LinkAnalysis::planted_time_scales(double d) const {
  const int s = information_exponent;
  if (s <= 0) return {};
  return {s == 1 ? 1.0 : (s == 2 ? std::log(d) : std::pow(d, 0.5 * s - 1.0))};
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

bool same_experiment(const AppState& a, const AppState& b) {
  return a.link == b.link && a.r == b.r && a.d == b.d && a.init == b.init && a.seed == b.seed && a.eps == b.eps &&
         a.M0 == b.M0 && a.t_max == b.t_max && a.degree == b.degree && a.compare == b.compare &&
         (a.compare || a.objective == b.objective);
}

Experiment::Experiment(const AppState& state) : state_(state) {
  auto analysis = std::make_shared<LinkAnalysis>();
  analysis->link = resolve_link(state.link, state.r);
  const int r = analysis->link.link.r();
  if (state.d < r)
    throw InputError("d = " + std::to_string(static_cast<long long>(state.d)) +
                     " is smaller than r = " + std::to_string(r) + ": choose d >= r");
  QuadratureReport report;
  analysis->expansion = hermite_expansion(analysis->link.link, state.degree, &report);
  const double tolerance = zero_tolerance(analysis->expansion, report);
  analysis->information_exponent = information_exponent(analysis->expansion, tolerance);
  analysis->leaps = leap_sequence(analysis->expansion, tolerance);
  analysis_ = analysis;

  if (state.init == "M0") {
    M0_ = parse_matrix(state.M0, "M0", r, r);
    check_realisable_overlap(M0_, std::floor(state.d));
  } else {
    M0_ = initial_overlap(parse_start(state.init), r, std::floor(state.d), state.seed, state.eps);
  }
  std::vector<std::string> objectives = {state.objective};
  if (state.compare) objectives = {"joint", "planted"};
  for (const std::string& name : objectives) {
    runs_.push_back(std::make_unique<Run>(make_objective(name, analysis->expansion), M0_, state.t_max));
    if (name == state.objective) active_ = runs_.size() - 1;
  }
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
      events.push_back(e.dump());
    }
  }
  // Never run ahead of the slowest flow: the clock shows what has been computed.
  double reached = clock_;
  for (const auto& run : runs_)
    if (run->status() == "running") reached = std::min(reached, run->shown_time());
  clock_ = std::max(reached, 0.0);
  return events;
}

}  // namespace grassflow::app
