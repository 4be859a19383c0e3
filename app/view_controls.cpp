// [controls]: the experiment (link, r, d, objective, start) and the player (play/pause/step/reset, speed),
// panels, copy link and exports. Edits go through the same URL-state path as a pasted link.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "grassflow/link.h"
#include "grassflow/matrix_text.h"
#include "views.h"

namespace grassflow::app {

namespace {

void copy_text(char* buffer, std::size_t size, const std::string& text) {
  std::strncpy(buffer, text.c_str(), size - 1);
  buffer[size - 1] = '\0';
}

// A log-scale slider on [lo, hi] for a positive value.
bool log_slider(const char* label, double& value, double lo, double hi, const char* format) {
  float exponent = static_cast<float>(std::log10(std::clamp(value, lo, hi)));
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  if (ImGui::SliderFloat(label, &exponent, static_cast<float>(std::log10(lo)), static_cast<float>(std::log10(hi)),
                         text)) {
    value = std::pow(10.0, static_cast<double>(exponent));
    return true;
  }
  return false;
}

}  // namespace

void Views::draw_controls() {
  AppState next = state;
  bool changed = false;
  if (!controls.synced) {
    copy_text(controls.link, sizeof controls.link, state.link);
    copy_text(controls.M0, sizeof controls.M0, state.M0);
    controls.link_error.clear();
    controls.M0_error.clear();
    controls.synced = true;
  }

  // Player.
  if (ImGui::Button(playing ? "Pause" : "Play")) playing = !playing;
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    playing = false;
    step_requested = true;
  }
  ImGui::SameLine();
  if (ImGui::Button("Reset")) reset();
  bool auto_speed = state.speed == 0 && state.dt == 0;
  if (ImGui::Checkbox("automatic pace", &auto_speed)) {
    next.speed = auto_speed ? 0 : 1;
    next.dt = 0;
    changed = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("simulated time grows by 0.5 decades per second");
  if (!auto_speed && state.dt == 0) changed |= log_slider("speed (t/s)", next.speed, 1e-3, 1e12, "%.3g");
  if (state.dt > 0) ImGui::TextDisabled("fixed dt = %g per frame (from the URL)", state.dt);

  ImGui::Separator();
  ImGui::TextUnformatted("Link f*");
  const std::vector<PresetInfo>& list = presets();
  std::string current_preset = state.link.rfind("preset:", 0) == 0 ? state.link.substr(7) : "(expression)";
  if (ImGui::BeginCombo("preset", current_preset.c_str())) {
    for (const PresetInfo& p : list) {
      if (ImGui::Selectable(p.name.c_str(), p.name == current_preset)) {
        next.link = "preset:" + p.name;
        next.r = 0;
        changed = true;
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s (r = %d)\n%s", p.description.c_str(), p.natural_r, p.expression.c_str());
    }
    ImGui::EndCombo();
  }
  if (ImGui::InputText("expression", controls.link, sizeof controls.link)) {
    try {
      resolve_link(controls.link, 0);
      controls.link_error.clear();
    } catch (const std::exception& e) {
      controls.link_error = e.what();
    }
  }
  if (ImGui::IsItemDeactivatedAfterEdit() && controls.link_error.empty() && state.link != controls.link) {
    next.link = controls.link;
    next.r = 0;
    changed = true;
  }
  if (!controls.link_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.55f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", controls.link_error.c_str());
    ImGui::PopStyleColor();
  } else {
    ImGui::TextDisabled("z1..zr, + - * / ^, He(k,x) h(k,x) relu sign tanh ...; Enter applies");
  }

  int r = state.r;
  if (ImGui::InputInt("r (0 = own)", &r) && r >= 0 && r <= kMaxLinkRank) {
    // "+" from 0 (the link's own r) means one more direction than the link's, not r = 1.
    if (state.r == 0 && r == 1 && experiment) r = std::min(kMaxLinkRank, experiment->analysis().r() + 1);
    next.r = r;
    changed = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("number of directions r; 0 = the link's own r");
  changed |= log_slider("d", next.d, 1, 1e12, "d = %.4g");
  if (changed && next.d != state.d) next.d = std::round(next.d);

  ImGui::Separator();
  int objective = state.objective == ObjectiveKind::planted ? 1 : 0;
  ImGui::TextUnformatted("Objective");
  bool picked = ImGui::RadioButton("joint (Grassmannian)", &objective, 0);
  picked = ImGui::RadioButton("planted (Stiefel)", &objective, 1) || picked;
  if (picked) {
    next.objective = objective ? ObjectiveKind::planted : ObjectiveKind::joint;
    changed = true;
  }
  changed |= ImGui::Checkbox("both objectives from the same start", &next.compare);

  ImGui::Separator();
  // The Start values in order, then an explicit M(0) (which starts from the current M(0)).
  static const char* inits[] = {"random", "equator", "isotropic", "M0"};
  const bool explicit_start = !state.M0.empty();
  int init = explicit_start ? 3 : static_cast<int>(state.init);
  if (ImGui::Combo("start", &init, inits, 4)) {
    if (init == 3) {
      if (next.M0.empty() && experiment) next.M0 = format_matrix(experiment->start());
    } else {
      next.init = static_cast<Start>(init);
      next.M0.clear();
      if (next.init != Start::equator) next.eps = 0;  // only the equator start takes a scale
    }
    changed = true;
  }
  if (!explicit_start && state.init != Start::isotropic) {
    int seed = static_cast<int>(state.seed % 1000000000ull);
    if (ImGui::InputInt("seed", &seed) && seed >= 0) {
      next.seed = static_cast<std::uint64_t>(seed);
      changed = true;
    }
  }
  if (!explicit_start && state.init == Start::equator) {
    double eps = state.eps > 0 ? state.eps : 1.0 / std::sqrt(state.d);
    if (log_slider("epsilon", eps, 1e-12, 1, "eps = %.3g")) {
      next.eps = eps;
      changed = true;
    }
  }
  if (explicit_start) {
    ImGui::InputText("M(0)", controls.M0, sizeof controls.M0);
    if (ImGui::IsItemDeactivatedAfterEdit()) {
      next.M0 = controls.M0;
      changed = true;
    }
    ImGui::TextDisabled("rows by ';', entries by ','; singular values <= 1");
  }

  ImGui::Separator();
  bool finite = state.n > 0;
  if (ImGui::Checkbox("finite samples (train on n samples)", &finite)) {
    next.n = finite ? 20000 : 0;
    changed = true;
  }
  if (finite) {
    double n = state.n;
    if (log_slider("n", n, 100, 1e6, "n = %.0f")) {
      next.n = std::round(n);
      changed = true;
    }
    float noise = static_cast<float>(state.noise);
    if (ImGui::SliderFloat("noise σ", &noise, 0.0f, 1.0f, "%.2f")) {
      next.noise = noise;
      changed = true;
    }
    if (experiment && experiment->samples()) {
      ImGui::TextDisabled("%s", experiment->samples()->description().c_str());
      if (!experiment->samples()->failure().empty())
        ImGui::TextColored(ImVec4(1, 0.55f, 0.4f, 1), "%s", experiment->samples()->failure().c_str());
    }
  }

  ImGui::Separator();
  bool log_time = state.log_time;
  if (ImGui::Checkbox("log time axis", &log_time)) {
    next.log_time = log_time;
    changed = true;
  }
  if (ImGui::Button("Copy link")) {
    if (platform.copy) platform.copy(to_hash(state).empty() ? "#" : "#" + to_hash(state));
  }
  ImGui::SameLine();
  if (ImGui::Button("CSV")) export_trajectory("csv");
  ImGui::SameLine();
  if (ImGui::Button("JSON")) export_trajectory("json");
  ImGui::SameLine();
  if (ImGui::Button("PNG")) screenshot_request = "grassflow.png";
  if (ImGui::TreeNode("Panels")) {
    std::vector<std::string> shown = state.panels;
    if (shown.empty()) shown = {"controls", "cosines", "loss", "landscape", "sphere", "link"};
    bool panels_changed = false;
    for (const char* id : {"cosines", "loss", "landscape", "sphere", "matrix", "link", "help"}) {
      bool on = std::find(shown.begin(), shown.end(), id) != shown.end();
      if (ImGui::Checkbox(id, &on)) {
        panels_changed = true;
        if (on)
          shown.push_back(id);
        else
          shown.erase(std::remove(shown.begin(), shown.end(), id), shown.end());
      }
    }
    if (panels_changed) {
      next.panels = shown;
      changed = true;
    }
    ImGui::TreePop();
  }
  // Wrapped: the command is longer than the controls column, and it is meant to be read and copied whole.
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("CLI: %s", flow_command_line(state).c_str());
  ImGui::PopStyleColor();

  if (changed) apply({next, {}});
}

void Views::export_trajectory(const std::string& format) {
  if (!experiment || !platform.save) return;
  std::string text;
  if (format == "csv") {
    text = "objective,t,loss";
    for (int k = 0; k < experiment->analysis().r(); ++k) text += ",cos" + std::to_string(k + 1);
    text += "\n";
    for (const auto& run : experiment->runs())
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
    j["state"] = to_hash(state);
    j["command"] = flow_command_line(state);
    for (const auto& run : experiment->runs()) {
      nlohmann::json trajectory = nlohmann::json::array();
      for (const Sample& s : run->history())
        trajectory.push_back({{"t", s.t}, {"loss", s.loss}, {"cosines", s.cosines}});
      j["runs"][run->objective().name()] = trajectory;
    }
    text = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  platform.save("grassflow-trajectory." + format, format == "csv" ? "text/csv" : "application/json",
                std::vector<unsigned char>(text.begin(), text.end()));
}

void Views::draw_help() {
  ImGui::TextWrapped(
      "grassflow shows gradient flow learning a Gaussian multi-index model y = f*(W*'x), x ~ N(0, I_d), after "
      "Bietti, Bruna & Pillaud-Vivien (arXiv 2310.19793).");
  ImGui::BulletText("joint: the link is re-fitted infinitely fast; W moves on the Grassmannian.");
  ImGui::BulletText("planted: the link is known; W moves on the Stiefel manifold and can be trapped.");
  ImGui::BulletText("Principal cosines start near the equator (~1/sqrt(d)) and escape saddle by saddle.");
  ImGui::Separator();
  ImGui::TextUnformatted("Keyboard");
  ImGui::BulletText("space: play / pause");
  ImGui::BulletText("s: single step");
  ImGui::BulletText("r: reset");
  ImGui::Separator();
  ImGui::TextWrapped("The URL holds the whole state (copy link); the same flags run headless: grassflow flow ...");
}

}  // namespace grassflow::app
