#include "app.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "explorer.h"
#include "fonts.h"
#include "grassflow/version.h"
#include "layout.h"
#include "panel.h"
#include "renderer.h"
#include "theme.h"

namespace grassflow::app {

//-----------------------------------------------------------------------------
// [SECTION] State and construction
//-----------------------------------------------------------------------------

App::App(Platform platform, std::unique_ptr<Renderer> renderer, const std::string& query, const std::string& hash)
    : platform_(std::move(platform)),
      query_(query),
      renderer_(std::move(renderer)),
      explorer_(std::make_unique<Explorer>(platform_, parse_state(query, hash))),
      panels_(make_panels(*renderer_)) {}

App::~App() = default;

//-----------------------------------------------------------------------------
// [SECTION] Frame: time stepping, layout, panels, status bar
//-----------------------------------------------------------------------------

bool App::prepare_frame(float display_scale, float height) {
  const AppState& s = explorer_->state();
  const float scale = grassflow::app::ui_scale(s.scale, display_scale, height);
  if (scale == configured_scale_ && s.theme == configured_theme_) return false;
  configured_scale_ = scale;
  configured_theme_ = s.theme;
  configure_ui(scale, s.theme);
  return true;
}

void App::frame(float width, float height, float ui_scale, double wall_seconds) {
  const auto start = std::chrono::steady_clock::now();
  explorer_->handle_shortcuts();
  explorer_->advance(wall_seconds);
  const AppState& s = explorer_->state();
  const bool chrome = !s.embed;
  const float status_height = chrome ? ImGui::GetFrameHeight() + 6.0f * ui_scale : 0.0f;
  std::vector<std::string> ids = s.panels;
  if (ids.empty()) ids = default_panel_ids();
  if (s.embed)  // the sidebar is chrome: embedded figures show only their views
    ids.erase(std::remove_if(ids.begin(), ids.end(),
                             [](const std::string& id) {
                               const PanelType* type = find_panel_type(id);
                               return type && type->placement == PanelType::Placement::sidebar;
                             }),
              ids.end());
  const bool tabs = chrome && shows_tabs(width, height, ui_scale);
  tab_rects_.clear();
  if (tabs) {
    const float strip_height = draw_tab_strip(ids, width);
    const Rect below{0.0f, strip_height, width, std::max(0.0f, height - status_height - strip_height)};
    draw_panels({tab_}, {below}, ui_scale);
  } else {
    draw_panels(ids, tile_panels(ids, width, height, status_height, ui_scale), ui_scale);
  }
  if (chrome) {
    ImGui::SetNextWindowPos(ImVec2(0, height - status_height), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(width, status_height), ImGuiCond_Always);
    draw_status_bar(!tabs);
  }
  std::string screenshot = explorer_->take_screenshot_request();
  if (!screenshot.empty()) pending_screenshot_ = std::move(screenshot);
  ++frames_;
  explorer_->record_frame_ms(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
}

Panel* App::find_panel(const std::string& id) {
  const auto panel =
      std::find_if(panels_.begin(), panels_.end(), [&](const std::unique_ptr<Panel>& p) { return id == p->id(); });
  return panel == panels_.end() ? nullptr : panel->get();
}

void App::draw_panels(const std::vector<std::string>& ids, const std::vector<Rect>& rects, float ui_scale) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Panel* panel = find_panel(ids[i]);
    if (!panel || rects[i].w <= 0.0f) continue;
    ImGui::SetNextWindowPos(ImVec2(rects[i].x, rects[i].y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(rects[i].w, rects[i].h), ImGuiCond_Always);
    draw_panel(*panel, ui_scale);
  }
}

float App::draw_tab_strip(const std::vector<std::string>& ids, float width) {
  // The tab shown: the one picked before if it is still in the set, else the first view (the figure, not the
  // controls, is what a phone opens on).
  if (std::find(ids.begin(), ids.end(), tab_) == ids.end()) {
    const auto view = std::find_if(ids.begin(), ids.end(), [](const std::string& id) {
      const PanelType* type = find_panel_type(id);
      return type && type->placement == PanelType::Placement::tiled;
    });
    tab_ = view != ids.end() ? *view : ids.empty() ? std::string() : ids.front();
  }
  // One button per panel, named by its title up to the colon ("Grassmannian: disk of span(W*)" is
  // "Grassmannian"), in rows as wide as the canvas (layout.h: legend_layout): every tab stays in sight.
  const ImGuiStyle& style = ImGui::GetStyle();
  std::vector<std::string> labels;
  std::vector<float> widths;
  for (const std::string& id : ids) {
    const Panel* panel = find_panel(id);
    const std::string title = panel ? panel->title(*explorer_) : id;
    labels.push_back(title.substr(0, title.find(':')));
    widths.push_back(ImGui::CalcTextSize(labels.back().c_str()).x + 2.0f * style.FramePadding.x);
  }
  const float line = ImGui::GetFrameHeight() + style.ItemSpacing.y;
  const std::vector<Rect> boxes =
      legend_layout(widths, line, style.ItemSpacing.x, std::max(1.0f, width - 2.0f * style.WindowPadding.x));
  const float strip_height =
      (boxes.empty() ? line : boxes.back().y + line) - style.ItemSpacing.y + 2.0f * style.WindowPadding.y;
  ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(width, strip_height), ImGuiCond_Always);
  ImGui::Begin("##tabs", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const bool shown = ids[i] == tab_;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + boxes[i].x, origin.y + boxes[i].y));
    // The tab shown in the pressed button's colour, the others in the frames'.
    ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[shown ? ImGuiCol_ButtonActive : ImGuiCol_FrameBg]);
    // On the press, not the release: a tap's press and release can fall in one frame of a running figure.
    ImGui::Button((labels[i] + "##tab-" + ids[i]).c_str());
    if (ImGui::IsItemActivated()) tab_ = ids[i];
    ImGui::PopStyleColor();
    tab_rects_[ids[i]] = {origin.x + boxes[i].x, origin.y + boxes[i].y, boxes[i].w, ImGui::GetFrameHeight()};
  }
  ImGui::End();
  return strip_height;
}

void App::draw_panel(Panel& panel, float ui_scale) {
  const std::string title = std::string(panel.title(*explorer_)) + "##" + panel.id();
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove;
  if (explorer_->state().embed) flags |= ImGuiWindowFlags_NoResize;
  ImGui::Begin(title.c_str(), nullptr, flags);
  const std::size_t plots_before = recorded_plots().size();
  if (panel.needs_experiment() && !explorer_->experiment())
    ImGui::TextWrapped("No experiment: fix the problem shown in the status bar.");
  else
    panel.draw(*explorer_, PanelFrame{ui_scale});
  const std::string id = panel.id();
  panel_rects_[id] = {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                      ImGui::GetWindowSize().y};
  panel_plots_[id].assign(recorded_plots().begin() + static_cast<std::ptrdiff_t>(plots_before), recorded_plots().end());
  // Right-click anywhere in the panel: export it for slides.
  if (ImGui::BeginPopupContextWindow("##export")) {
    if (ImGui::MenuItem("Save this panel as PNG")) export_panel(id, "png");
    if (!panel_plots_[id].empty() && ImGui::MenuItem("Save its plots as SVG")) export_panel(id, "svg");
    ImGui::EndPopup();
  }
  ImGui::End();
}

void App::draw_status_bar(bool with_build) {
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  if (with_build)
    ImGui::Text("grassflow %s | %s | SIMD %s", version(), platform_.name.c_str(), simd_enabled() ? "on" : "off");
  const char* separator = with_build ? "| " : "";
  if (const Simulation* experiment = explorer_->experiment()) {
    for (const auto& run : experiment->runs()) {
      if (*separator) ImGui::SameLine();
      ImGui::Text("%s%s: t = %.4g, loss = %.4g, %s%s", separator, run->objective().name(), run->shown_time(),
                  run->current().loss, to_string(run->status()), explorer_->playing() ? "" : " (paused)");
      separator = "| ";
      if (run->status() == FlowStatus::diverged && !run->flow().failure().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(active_palette().warning), "(%s)",
                           run->flow().failure().c_str());
      }
    }
  }
  for (const std::string& m : explorer_->problems()) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(active_palette().warning), "| %s", m.c_str());
  }
  ImGui::End();
}

void App::after_render(int framebuffer_width, int framebuffer_height) {
  if (pending_screenshot_.empty() || --pending_frames_ > 0) return;
  const std::vector<unsigned char> png = renderer_->capture_png(framebuffer_width, framebuffer_height, pending_region_);
  if (platform_.save) platform_.save(pending_screenshot_, "image/png", png);
  pending_screenshot_.clear();
}

void App::request_screenshot(const std::string& file_name) {
  pending_screenshot_ = file_name;
  pending_region_ = {};
  pending_frames_ = 1;
}

bool App::export_panel(const std::string& id, const std::string& format) {
  const auto rect = panel_rects_.find(id);
  if (rect == panel_rects_.end() || !platform_.save) return false;
  if (format == "png") {
    pending_screenshot_ = "grassflow-" + id + ".png";
    pending_region_ = rect->second;
    pending_frames_ = 2;
    return true;
  }
  const std::vector<PlotRecord>& plots = panel_plots_[id];
  if (format != "svg" || plots.empty()) return false;
  const Palette& palette = active_palette();
  for (std::size_t i = 0; i < plots.size(); ++i) {
    const std::string svg = plot_svg(plots[i], palette.window, palette.text);
    platform_.save("grassflow-" + id + (i == 0 ? "" : "-" + std::to_string(i + 1)) + ".svg", "image/svg+xml",
                   std::vector<unsigned char>(svg.begin(), svg.end()));
  }
  return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Scripting: state in and out, snapshots, events
//-----------------------------------------------------------------------------

void App::set_state(const std::string& hash) {
  explorer_->apply(parse_state(to_hash(explorer_->state()), hash));
}

void App::replace_state(const std::string& hash) {
  explorer_->apply(parse_state(query_, hash));
}

std::string App::state_hash() const {
  return to_hash(explorer_->state());
}

std::string App::snapshot_json() const {
  nlohmann::json j = explorer_->snapshot();
  for (const auto& panel : panels_) panel->add_to_snapshot(j);
  j["ui_scale"] = configured_scale_;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace grassflow::app
