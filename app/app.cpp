#include "app.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>

#include "gl.h"
#include "layout.h"
#include "views.h"

namespace grassflow::app {

//-----------------------------------------------------------------------------
// [SECTION] State and construction
//-----------------------------------------------------------------------------

App::App(Platform platform, const std::string& query, const std::string& hash)
    : platform_(std::move(platform)),
      query_(query),
      views_(std::make_unique<Views>(platform_, parse_state(query, hash))) {}

App::~App() = default;

//-----------------------------------------------------------------------------
// [SECTION] Frame: time stepping, layout, panels, status bar
//-----------------------------------------------------------------------------

void App::frame(float width, float height, float ui_scale, double wall_seconds) {
  const auto start = std::chrono::steady_clock::now();
  views_->handle_shortcuts();
  views_->advance(wall_seconds);
  const AppState& s = views_->state;
  const bool chrome = !s.embed;
  const float status_height = chrome ? ImGui::GetFrameHeight() + 6.0f * ui_scale : 0.0f;
  std::vector<std::string> panels = s.panels;
  if (panels.empty()) panels = {"controls", "cosines", "loss", "landscape", "sphere", "link"};
  if (s.embed) panels.erase(std::remove(panels.begin(), panels.end(), "controls"), panels.end());
  const std::vector<Rect> rects = tile_panels(panels, width, height, status_height, ui_scale);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    if (rects[i].w <= 0.0f) continue;
    ImGui::SetNextWindowPos(ImVec2(rects[i].x, rects[i].y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(rects[i].w, rects[i].h), ImGuiCond_Always);
    views_->draw_panel(panels[i], ui_scale);
  }
  if (chrome) {
    ImGui::SetNextWindowPos(ImVec2(0, height - status_height), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, status_height), ImGuiCond_Always);
    views_->draw_status_bar();
  }
  if (!views_->screenshot_request.empty()) {
    pending_screenshot_ = views_->screenshot_request;
    views_->screenshot_request.clear();
  }
  ++frames_;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::vector<double>& ring = views_->frame_ms;
  if (ring.size() >= 600) ring.erase(ring.begin());
  ring.push_back(ms);
}

void App::after_render(int framebuffer_width, int framebuffer_height) {
  if (pending_screenshot_.empty()) return;
  const std::vector<unsigned char> png = gl::capture_png(framebuffer_width, framebuffer_height);
  if (platform_.save) platform_.save(pending_screenshot_, "image/png", png);
  pending_screenshot_.clear();
}

void App::request_screenshot(const std::string& file_name) {
  pending_screenshot_ = file_name;
}

//-----------------------------------------------------------------------------
// [SECTION] Scripting: state in and out, snapshots, events
//-----------------------------------------------------------------------------

void App::set_state(const std::string& hash) {
  views_->apply(parse_state(to_hash(views_->state), hash));
}

void App::replace_state(const std::string& hash) {
  views_->apply(parse_state(query_, hash));
}

std::string App::state_hash() const {
  return to_hash(views_->state);
}

std::string App::snapshot_json() const {
  return views_->snapshot_json();
}

}  // namespace grassflow::app
