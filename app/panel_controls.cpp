// [controls]: the experiment (link, r, d, objective, start) and the player (play/pause/step/reset, speed),
// panels, copy link and exports. Edits go through the same URL-state path as a pasted link.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "explorer.h"
#include "grassflow/link.h"
#include "grassflow/matrix_text.h"
#include "panel.h"
#include "theme.h"

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

class ControlsPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Controls"; }
  bool needs_experiment() const override { return false; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;

 private:
  // The text fields edit copies of the state's strings, re-read whenever a state is applied.
  char link_[512] = {0};
  std::string link_error_;
  char M0_[256] = {0};
  std::string M0_error_;
  std::uint64_t synced_generation_ = 0;  ///< Explorer::generation() the fields were loaded at (0: never)
};

void ControlsPanel::draw(Explorer& explorer, const PanelFrame&) {
  const AppState& state = explorer.state();
  const Simulation* experiment = explorer.experiment();
  AppState next = state;
  bool changed = false;
  if (synced_generation_ != explorer.generation()) {
    copy_text(link_, sizeof link_, state.link);
    copy_text(M0_, sizeof M0_, state.M0);
    link_error_.clear();
    M0_error_.clear();
    synced_generation_ = explorer.generation();
  }

  // Player.
  if (ImGui::Button(explorer.playing() ? "Pause" : "Play")) explorer.toggle_playing();
  ImGui::SameLine();
  if (ImGui::Button("Step")) explorer.step();
  ImGui::SameLine();
  if (ImGui::Button("Reset")) explorer.reset();
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
  if (ImGui::InputText("expression", link_, sizeof link_)) {
    try {
      resolve_link(link_, 0);
      link_error_.clear();
    } catch (const std::exception& e) {
      link_error_ = e.what();
    }
  }
  if (ImGui::IsItemDeactivatedAfterEdit() && link_error_.empty() && state.link != link_) {
    next.link = link_;
    next.r = 0;
    changed = true;
  }
  if (!link_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, active_palette().warning);
    ImGui::TextWrapped("%s", link_error_.c_str());
    ImGui::PopStyleColor();
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("z1..zr, + - * / ^, He(k,x) h(k,x) relu sign tanh ...; Enter applies");
    ImGui::PopStyleColor();
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
    ImGui::InputText("M(0)", M0_, sizeof M0_);
    if (ImGui::IsItemDeactivatedAfterEdit()) {
      next.M0 = M0_;
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
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(active_palette().warning), "%s",
                           experiment->samples()->failure().c_str());
    }
  }

  ImGui::Separator();
  // The look: dark for screens, light for white lecture pages (theme.h); the size follows `scale` in the URL.
  int theme = state.theme == Theme::light ? 1 : 0;
  ImGui::TextUnformatted("Theme");
  ImGui::SameLine();
  bool themed = ImGui::RadioButton("dark", &theme, 0);
  ImGui::SameLine();
  themed = ImGui::RadioButton("light", &theme, 1) || themed;
  if (themed) {
    next.theme = theme == 1 ? Theme::light : Theme::dark;
    changed = true;
  }
  bool log_time = state.log_time;
  if (ImGui::Checkbox("log time axis", &log_time)) {
    next.log_time = log_time;
    changed = true;
  }
  if (ImGui::Button("Copy link")) explorer.copy_link();
  ImGui::SameLine();
  if (ImGui::Button("CSV")) explorer.export_trajectory("csv");
  ImGui::SameLine();
  if (ImGui::Button("JSON")) explorer.export_trajectory("json");
  ImGui::SameLine();
  if (ImGui::Button("PNG")) explorer.request_screenshot("grassflow.png");
  if (ImGui::TreeNode("Panels")) {
    std::vector<std::string> shown = state.panels;
    if (shown.empty()) shown = default_panel_ids();
    bool panels_changed = false;
    for (const PanelType& type : panel_types()) {
      if (std::strcmp(type.id, id()) == 0) continue;  // the checkboxes' own panel stays
      bool on = std::find(shown.begin(), shown.end(), type.id) != shown.end();
      if (ImGui::Checkbox(type.id, &on)) {
        panels_changed = true;
        if (on)
          shown.push_back(type.id);
        else
          shown.erase(std::remove(shown.begin(), shown.end(), type.id), shown.end());
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

  if (changed) explorer.apply({next, {}});
}

}  // namespace

std::unique_ptr<Panel> make_controls_panel(Renderer&) {
  return std::make_unique<ControlsPanel>();
}

}  // namespace grassflow::app
