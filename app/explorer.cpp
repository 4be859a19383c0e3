// Index (grep "[SECTION]"):
//   [SECTION] Applying a state
//   [SECTION] The player and the keyboard
//   [SECTION] Exports
//   [SECTION] Snapshot
#include "explorer.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"

namespace grassflow::app {

//-----------------------------------------------------------------------------
// [SECTION] Applying a state
//-----------------------------------------------------------------------------

Explorer::Explorer(Platform& platform, const ParsedState& parsed) : platform_(platform) {
  apply(parsed);
}

void Explorer::apply(const ParsedState& parsed) {
  apply(parsed, false);
}

void Explorer::reset() {
  const bool playing = playing_;
  apply({state_, {}}, true, /*from_zero=*/true);
  playing_ = playing;
}

void Explorer::apply(const ParsedState& parsed, bool restart, bool from_zero) {
  problems_ = parsed.problems;
  const AppState previous = state_;
  restart = restart || !experiment_ || !same_experiment(previous, parsed.state);
  state_ = parsed.state;
  // A new experiment, or a new `paused`, sets the player; other changes (the view) leave it playing or paused.
  // A figure that opens on a later stage (t-show) waits there for play().
  if (restart || previous.paused != state_.paused) playing_ = !state_.paused && !(state_.t_show > 0 && !from_zero);
  ++generation_;
  if (restart) {
    try {
      AppState start = state_;
      if (from_zero) start.t_show = 0;  // reset: from t = 0, whatever time the figure opened at
      auto next = std::make_unique<Simulation>(start);
      experiment_ = std::move(next);
    } catch (const std::exception& e) {
      problems_.push_back(user_message(e, Surface::url));
      // Opened with a state that cannot run: show the default experiment rather than empty panels.
      if (!experiment_) experiment_ = std::make_unique<Simulation>(AppState());
      // Keep the last good experiment and the state that describes it.
      const AppState view = state_;
      state_ = experiment_->state();
      state_.panels = view.panels;
      state_.embed = view.embed;
      state_.speed = view.speed;
      state_.dt = view.dt;
      state_.log_time = view.log_time;
    }
  } else if (experiment_) {
    experiment_->set_view(state_);  // only the view changed (or the objective shown in compare mode)
  }
  publish();
}

void Explorer::publish() const {
  if (platform_.publish_state) platform_.publish_state(to_hash(state_));
}

//-----------------------------------------------------------------------------
// [SECTION] The player and the keyboard
//-----------------------------------------------------------------------------

void Explorer::emit(const nlohmann::json& event) const {
  if (platform_.emit) platform_.emit(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Explorer::pause() {
  if (playing_ && experiment_)
    emit({{"type", "paused"}, {"reason", "pause"}, {"t", experiment_->active().shown_time()}});
  playing_ = false;
}

void Explorer::step() {
  playing_ = false;
  step_requested_ = true;
}

void Explorer::step_by(double dt) {
  if (!std::isfinite(dt) || dt < 0)
    throw InputError("dt", "step(dt) needs a simulated time dt >= 0, e.g. step(10); got " + shortest_text(dt));
  if (experiment_ && experiment_->clock() + dt > state_.t_max)
    throw InputError("dt", "step(" + shortest_text(dt) + ") would pass t-max = " + shortest_text(state_.t_max) +
                               ", where the flows stop; step by at most " +
                               shortest_text(state_.t_max - experiment_->clock()) + " or raise t-max");
  playing_ = false;
  if (!experiment_) return;
  for (const std::string& event : experiment_->advance_by(dt))
    if (platform_.emit) platform_.emit(event);
}

void Explorer::advance(double wall_seconds) {
  if (!experiment_) return;
  // Every flow at its end (converged, stalled, t_max or diverged) and no training on samples (which has none):
  // nothing is left to watch.
  const auto ended = [&] {
    if (experiment_->samples()) return false;
    for (const auto& run : experiment_->runs())
      if (run->status() == FlowStatus::running) return false;
    return true;
  };
  const bool was_ended = ended();
  bool stopped = false;
  for (const std::string& event : experiment_->tick(wall_seconds, playing_, step_requested_, &stopped))
    if (platform_.emit) platform_.emit(event);
  step_requested_ = false;
  if (stopped) {
    playing_ = false;
    emit({{"type", "paused"}, {"reason", "escape"}, {"t", experiment_->active().shown_time()}});
  } else if (playing_ && !was_ended && ended()) {
    // The player stops where the last flow ended instead of running the clock on (and the time axis with it)
    // past a trajectory that no longer moves; play() goes on from there.
    playing_ = false;
    emit({{"type", "paused"},
          {"reason", to_string(experiment_->active().status())},
          {"t", experiment_->active().shown_time()}});
  }
}

void Explorer::handle_shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space))) toggle_playing();
  for (ImWchar c : io.InputQueueCharacters) {
    if (c == 's') {
      step();
    } else if (c == 'r') {
      reset();
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Exports
//-----------------------------------------------------------------------------

void Explorer::copy_link() const {
  if (platform_.copy) platform_.copy((platform_.page_url ? platform_.page_url() : "") + "#" + to_hash(state_));
}

std::string Explorer::take_screenshot_request() {
  std::string request;
  request.swap(screenshot_request_);
  return request;
}

void Explorer::export_trajectory(const std::string& format) const {
  if (!experiment_ || !platform_.save) return;
  std::string text;
  if (format == "csv") {
    // Parameters and escape times in '#' lines, then the trajectory as recorded: the flow's dense output at
    // fixed times (Run), so the rows do not depend on the frame rate or the speed.
    text = "# grassflow trajectory: the flow's dense output at t = 0, " + std::to_string(Run::kPerDecade) +
           " log-spaced times per decade from " + shortest_text(Run::kFirstGridTime) +
           ", each escape time and the shown time (docs/theory.md §5)\n";
    text += "# state: " + to_hash(state_) + "\n# command: " + flow_command_line(state_) + "\n";
    for (const auto& run : experiment_->runs()) {
      text += std::string("# escape_times ") + run->objective().name() + ":";
      for (const auto& e : run->shown_escapes()) text += " " + (e ? shortest_text(*e) : std::string("none"));
      text += "\n";
    }
    text += "objective,t,loss";
    for (int k = 0; k < experiment_->analysis().r(); ++k) text += ",cos" + std::to_string(k + 1);
    text += "\n";
    for (const auto& run : experiment_->runs())
      for (const Sample& s : run->history()) {
        char row[64];
        std::snprintf(row, sizeof row, "%s,%.17g,%.17g", run->objective().name(), s.t, s.loss);
        text += row;
        for (double c : s.cosines) {
          std::snprintf(row, sizeof row, ",%.17g", c);
          text += row;
        }
        text += "\n";
      }
  } else {
    nlohmann::json j;
    j["state"] = to_hash(state_);
    j["command"] = flow_command_line(state_);
    for (const auto& run : experiment_->runs()) {
      nlohmann::json trajectory = nlohmann::json::array();
      for (const Sample& s : run->history())
        trajectory.push_back({{"t", s.t}, {"loss", s.loss}, {"cosines", s.cosines}});
      j["runs"][run->objective().name()] = trajectory;
    }
    text = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  platform_.save("grassflow-trajectory." + format, format == "csv" ? "text/csv" : "application/json",
                 std::vector<unsigned char>(text.begin(), text.end()));
}

//-----------------------------------------------------------------------------
// [SECTION] Snapshot
//-----------------------------------------------------------------------------

void Explorer::record_frame_ms(double ms) {
  if (frame_ms_.size() >= 600) frame_ms_.erase(frame_ms_.begin());
  frame_ms_.push_back(ms);
}

nlohmann::json Explorer::snapshot() const {
  nlohmann::json j;
  j["hash"] = to_hash(state_);
  j["problems"] = problems_;
  j["playing"] = playing_;
  auto run_json = [](const Run& run) {
    nlohmann::json r;
    r["objective"] = run.objective().name();
    r["t"] = run.shown_time();
    r["loss"] = run.current().loss;
    const Eigen::VectorXd& c = run.current().cosines;
    r["cosines"] = std::vector<double>(c.data(), c.data() + c.size());
    nlohmann::json escapes = nlohmann::json::array();
    for (const auto& e : run.shown_escapes()) escapes.push_back(e ? nlohmann::json(*e) : nlohmann::json(nullptr));
    r["escape_times"] = escapes;
    r["status"] = to_string(run.status());
    r["failure"] = run.flow().failure();
    r["rounding_limited"] = run.flow().rounding_limited();  // per escape: set by rounding (flow.h)
    std::vector<std::vector<double>> M;
    for (Eigen::Index i = 0; i < run.current().M.rows(); ++i) {
      M.emplace_back();
      for (Eigen::Index k = 0; k < run.current().M.cols(); ++k) M.back().push_back(run.current().M(i, k));
    }
    r["M"] = M;
    return r;
  };
  if (experiment_) {
    j.update(run_json(experiment_->active()));
    j["r"] = experiment_->analysis().r();
    j["warnings"] = experiment_->analysis().warnings;
    if (const SampleRun* samples = experiment_->samples()) {
      const TrainRecord& last = samples->trainer().records().back();
      nlohmann::json escapes = nlohmann::json::array();
      for (const auto& e : samples->trainer().escape_times())
        escapes.push_back(e ? nlohmann::json(*e) : nlohmann::json(nullptr));
      j["samples"] = {{"t", last.t},
                      {"step", last.step},
                      {"test_loss", last.test_loss},
                      {"cosines", std::vector<double>(last.cosines.data(), last.cosines.data() + last.cosines.size())},
                      {"subspace_error", last.subspace_error},
                      {"escape_times", escapes},
                      {"description", samples->description()},
                      {"failure", samples->failure()}};
    }
    if (experiment_->runs().size() > 1) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& run : experiment_->runs()) runs.push_back(run_json(*run));
      j["runs"] = runs;
    }
  }
  std::vector<double> sorted = frame_ms_;
  std::sort(sorted.begin(), sorted.end());
  auto quantile = [&](double q) {
    return sorted.empty() ? 0.0 : sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  };
  j["frame_ms"] = {{"median", quantile(0.5)}, {"p95", quantile(0.95)}, {"samples", sorted.size()}};
  return j;
}

}  // namespace grassflow::app
