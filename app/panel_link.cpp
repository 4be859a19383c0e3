// [link]: the link's expression, its Hermite degree energies ‖f*_k‖² as bars, the information exponent, the
// leaps and the time scales the theory predicts at the current d (docs/theory.md §2, §6).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "explorer.h"
#include "grassflow/link.h"
#include "grassflow/time_scales.h"
#include "panel.h"
#include "theme.h"

namespace grassflow::app {

namespace {

class LinkPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Link"; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;
};

void LinkPanel::draw(Explorer& explorer, const PanelFrame&) {
  const AppState& state = explorer.state();
  const LinkAnalysis& a = explorer.experiment()->analysis();
  const int r = a.r();
  const std::string& spec = a.resolved.link.spec();
  ImGui::TextWrapped("f*(z) = %s   (r = %d)", spec.c_str(), r);
  if (spec.rfind("preset:", 0) == 0)
    for (const PresetInfo& p : presets())
      if ("preset:" + p.name == spec) ImGui::TextDisabled("= %s: %s", p.expression.c_str(), p.description.c_str());
  // Warnings are sentences with the fix at the end: wrapped to the panel, never clipped.
  const Palette& palette = active_palette();
  ImGui::PushStyleColor(ImGuiCol_Text, palette.warning);
  for (const std::string& w : a.warnings) ImGui::TextWrapped("%s", w.c_str());
  ImGui::PopStyleColor();

  const std::vector<double> energy = a.expansion.degree_energy();
  // Bars on one scale with the residual: rounding-level energies of a link whose variance lies above K
  // (z1*...*z8 at K = 2) stay invisible instead of filling the panel.
  double top = std::max(1e-300, a.expansion.truncation_residual);
  for (std::size_t k = 1; k < energy.size(); ++k) top = std::max(top, energy[k]);
  ImGui::TextWrapped("Hermite degree energies ||f*_k||^2, k = 1..%d  (residual above K: %.2g)", a.expansion.degree,
                     a.expansion.truncation_residual);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float height = std::max(3 * font, std::min(avail.y - 6 * font, 10 * font));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float bar = std::min(3.0f * font, avail.x / static_cast<float>(std::max<std::size_t>(1, energy.size())));
  for (std::size_t k = 1; k < energy.size(); ++k) {
    const float x = at.x + static_cast<float>(k - 1) * bar;
    const float h = static_cast<float>(energy[k] / top) * (height - font);
    const bool first = static_cast<int>(k) == a.information_exponent;
    draw->AddRectFilled(ImVec2(x + 2, at.y + height - font - h), ImVec2(x + bar - 2, at.y + height - font),
                        first ? palette.bar_highlight : palette.bar);
    char label[24];
    std::snprintf(label, sizeof label, "%zu", k);
    draw->AddText(ImVec2(x + bar / 2 - font / 4, at.y + height - font), palette.text_dim, label);
  }
  ImGui::Dummy(ImVec2(bar * static_cast<float>(energy.size()), height));

  ImGui::Text("information exponent s = %d", a.information_exponent);
  std::string leaps;
  for (int l : a.leaps.leaps) leaps += (leaps.empty() ? "" : ", ") + std::to_string(l);
  ImGui::Text("leaps (%s), leap exponent s* = %d", leaps.c_str(), a.leaps.leap_exponent);
  if (a.leaps.learnable_dimension < r)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette.warning),
                       "%d of %d directions can never be learned (not in the index space)",
                       r - a.leaps.learnable_dimension, r);
  // Stage durations at leading order (docs/theory.md §6), from μ0² = 1/d (time_scales.h).
  std::string stages;
  for (double t : joint_stage_durations(a.expansion, a.leaps, state.d)) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.3g", stages.empty() ? "" : ", ", t);
    stages += text;
  }
  if (!stages.empty())
    ImGui::TextWrapped("joint stages at d = %.3g: %s  (ln d/(2α²) for a leap 1, d^(l-1)/(2l(l-1)α²) for a leap l ≥ 2)",
                       state.d, stages.c_str());
  if (const std::optional<double> planted = planted_first_escape_time(a.information_exponent, state.d))
    ImGui::Text("planted: first escape ~ %.3g (exponent s/2 - 1 in d for s >= 3)", *planted);
}

}  // namespace

std::unique_ptr<Panel> make_link_panel(Renderer&) {
  return std::make_unique<LinkPanel>();
}

}  // namespace grassflow::app
