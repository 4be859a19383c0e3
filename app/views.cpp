// The explorer's model and the panels that do not show the dynamics: controls, help, status bar.
#include "views.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "grassflow/version.h"

namespace grassflow::app {

Views::Views(Platform& platform_, const ParsedState& parsed) : platform(platform_) {
  apply(parsed);
}

void Views::apply(const ParsedState& parsed) {
  state = parsed.state;
  problems = parsed.problems;
  playing = !state.paused;
  publish();
}

void Views::publish() {
  if (platform.publish_state) platform.publish_state(to_hash(state));
}

void Views::advance(double /*wall_seconds*/) {}

void Views::handle_shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space))) playing = !playing;
}

void Views::draw_panel(const std::string& id, float /*ui_scale*/) {
  const std::string title = id + "##panel";
  ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove);
  if (id == "controls") {
    draw_controls();
  } else if (id == "help") {
    draw_help();
  } else {
    ImGui::TextDisabled("%s", id.c_str());
  }
  ImGui::End();
}

void Views::draw_controls() {
  ImGui::TextWrapped("link: %s", state.link.c_str());
  if (ImGui::Button(playing ? "Pause" : "Play")) playing = !playing;
}

void Views::draw_help() {
  ImGui::TextWrapped("Keyboard: space play/pause, s single step, r reset.");
}

void Views::draw_status_bar() {
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("grassflow %s | %s build | SIMD %s | %s", version(), platform.name.c_str(), simd_enabled() ? "on" : "off",
              platform.gl_version.c_str());
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
  std::vector<double> sorted = frame_ms;
  std::sort(sorted.begin(), sorted.end());
  auto quantile = [&](double q) {
    return sorted.empty() ? 0.0 : sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  };
  j["frame_ms"] = {{"median", quantile(0.5)}, {"p95", quantile(0.95)}, {"samples", sorted.size()}};
  return j.dump();
}

}  // namespace grassflow::app
