#include "app.h"

#include <imgui.h>

#include <sstream>

#include "grassflow/version.h"
#include "layout.h"

namespace grassflow::app {

//-----------------------------------------------------------------------------
// [SECTION] State and construction
//-----------------------------------------------------------------------------

App::App(Platform platform, const std::string& state) : platform_(std::move(platform)) {
  panels_ = all_panel_ids();
  std::stringstream pairs(state);
  std::string pair;
  while (std::getline(pairs, pair, '&')) {
    const auto eq = pair.find('=');
    const std::string key = pair.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (key == "panels") {
      panels_.clear();
      std::stringstream ids(value);
      std::string id;
      while (std::getline(ids, id, ',')) panels_.push_back(id);
    } else if (!key.empty()) {
      messages_.push_back("unknown URL key '" + key + "' ignored");
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Frame: layout, panels, status bar
//-----------------------------------------------------------------------------

void App::frame(float width, float height, float ui_scale) {
  const float status_height = ImGui::GetFrameHeight() + 6.0f * ui_scale;
  const std::vector<Rect> rects = tile_panels(panels_, width, height, status_height, ui_scale);
  for (std::size_t i = 0; i < panels_.size(); ++i) {
    if (rects[i].w <= 0.0f) continue;
    ImGui::SetNextWindowPos(ImVec2(rects[i].x, rects[i].y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(rects[i].w, rects[i].h), ImGuiCond_Always);
    const std::string title = panels_[i] + "##panel";
    ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove);
    ImGui::TextDisabled("%s", panels_[i].c_str());
    ImGui::End();
  }

  ImGui::SetNextWindowPos(ImVec2(0, height - status_height), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(width, status_height), ImGuiCond_Always);
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("grassflow %s | %s build | SIMD %s | %s", version(), platform_.name.c_str(),
              simd_enabled() ? "on" : "off", platform_.gl_version.c_str());
  for (const std::string& m : messages_) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "| %s", m.c_str());
  }
  ImGui::End();
  ++frames_;
}

}  // namespace grassflow::app
