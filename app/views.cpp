// The explorer's model (state, experiment, pacing, events) and the panels' common frame: dispatch, status
// bar, keyboard shortcuts, snapshots for the scripting API and state dumps.
#include "views.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "grassflow/errors.h"
#include "grassflow/version.h"
#include "grassflow_shaders.h"

namespace grassflow::app {

void Programs::ensure() {
  if (tried) return;
  tried = true;
  heatmap = gl::build_program({kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_heatmap_frag}, &error);
  if (heatmap)
    sphere = gl::build_program({kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_sphere_frag}, &error);
}

Views::Views(Platform& platform_, const ParsedState& parsed) : platform(platform_) {
  apply(parsed);
}

void Views::apply(const ParsedState& parsed) {
  problems = parsed.problems;
  const AppState previous = state;
  const bool restart = !experiment || !same_experiment(previous, parsed.state);
  state = parsed.state;
  playing = !state.paused;
  controls.synced = false;
  if (restart) {
    try {
      auto next = std::make_unique<Simulation>(state);
      experiment = std::move(next);
    } catch (const std::exception& e) {
      problems.push_back(user_message(e, Surface::url));
      // Opened with a state that cannot run: show the default experiment rather than empty panels.
      if (!experiment) experiment = std::make_unique<Simulation>(AppState());
      // Keep the last good experiment and the state that describes it.
      const AppState view = state;
      state = experiment->state();
      state.panels = view.panels;
      state.embed = view.embed;
      state.speed = view.speed;
      state.dt = view.dt;
      state.log_time = view.log_time;
    }
  } else if (experiment) {
    experiment->set_view(state);  // only the view changed (or the objective shown in compare mode)
  }
  publish();
}

void Views::reset() {
  apply({state, {}});
}

void Views::publish() {
  if (platform.publish_state) platform.publish_state(to_hash(state));
}

void Views::advance(double wall_seconds) {
  if (!experiment) return;
  for (const std::string& event : experiment->tick(wall_seconds, playing, step_requested))
    if (platform.emit) platform.emit(event);
  step_requested = false;
}

void Views::handle_shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space))) playing = !playing;
  for (ImWchar c : io.InputQueueCharacters) {
    if (c == 's') {
      playing = false;
      step_requested = true;
    } else if (c == 'r') {
      reset();
    }
  }
}

void Views::draw_panel(const std::string& id, float ui_scale) {
  static const std::vector<std::pair<std::string, std::string>> titles = {
      {"controls", "Controls"}, {"cosines", "Principal cosines"}, {"loss", "Loss"}, {"landscape", "Loss landscape"},
      {"sphere", "Sphere"},     {"matrix", "Overlap M(t)"},       {"link", "Link"}, {"help", "Help"}};
  std::string title = id;
  for (const auto& [key, name] : titles)
    if (key == id) title = name;
  title += "##" + id;
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove;
  if (state.embed) flags |= ImGuiWindowFlags_NoResize;
  ImGui::Begin(title.c_str(), nullptr, flags);
  if (id == "controls") {
    draw_controls();
  } else if (id == "help") {
    draw_help();
  } else if (!experiment) {
    ImGui::TextWrapped("No experiment: fix the problem shown in the status bar.");
  } else if (id == "cosines") {
    draw_cosines();
  } else if (id == "loss") {
    draw_loss();
  } else if (id == "landscape") {
    draw_landscape(ui_scale);
  } else if (id == "sphere") {
    draw_sphere(ui_scale);
  } else if (id == "matrix") {
    draw_matrix();
  } else if (id == "link") {
    draw_link();
  }
  ImGui::End();
}

void Views::draw_status_bar() {
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("grassflow %s | %s | SIMD %s", version(), platform.name.c_str(), simd_enabled() ? "on" : "off");
  if (experiment) {
    for (const auto& run : experiment->runs()) {
      ImGui::SameLine();
      ImGui::Text("| %s: t = %.4g, loss = %.4g, %s", run->objective().name(), run->shown_time(), run->current().loss,
                  to_string(run->status()));
      if (run->status() == FlowStatus::diverged && !run->flow().failure().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "(%s)", run->flow().failure().c_str());
      }
    }
  }
  for (const std::string& m : problems) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "| %s", m.c_str());
  }
  ImGui::End();
}

std::string Views::snapshot_json() const {
  nlohmann::json j;
  j["hash"] = to_hash(state);
  j["problems"] = problems;
  j["playing"] = playing;
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
  if (experiment) {
    j.update(run_json(experiment->active()));
    j["r"] = experiment->analysis().r();
    j["warnings"] = experiment->analysis().warnings;
    if (const SampleRun* samples = experiment->samples()) {
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
    if (experiment->runs().size() > 1) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& run : experiment->runs()) runs.push_back(run_json(*run));
      j["runs"] = runs;
    }
  }
  std::vector<double> sorted = frame_ms;
  std::sort(sorted.begin(), sorted.end());
  auto quantile = [&](double q) {
    return sorted.empty() ? 0.0 : sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  };
  j["frame_ms"] = {{"median", quantile(0.5)}, {"p95", quantile(0.95)}, {"samples", sorted.size()}};
  if (!landscape.computed_for.empty()) {
    const Landscape& g = landscape.grid;
    j["landscape"] = {{"for", landscape.computed_for.substr(0, landscape.computed_for.rfind('/'))},
                      {"min", g.min_value},
                      {"max", g.max_value},
                      {"critical_points", g.critical_points.size()},
                      {"compute_ms", landscape.compute_ms}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace grassflow::app
