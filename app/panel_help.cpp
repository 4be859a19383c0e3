// [help]: what the explorer shows and its keyboard shortcuts.
#include <imgui.h>

#include "panel.h"

namespace grassflow::app {

namespace {

class HelpPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Help"; }
  bool needs_experiment() const override { return false; }
  void draw(Explorer&, const PanelFrame&) override {
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
};

}  // namespace

std::unique_ptr<Panel> make_help_panel(Renderer&) {
  return std::make_unique<HelpPanel>();
}

}  // namespace grassflow::app
