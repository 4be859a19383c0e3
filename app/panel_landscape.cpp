// [landscape]: the active objective's loss on a 2-D slice through the current M (core/landscape.h), as a GL
// texture coloured by the colormap shader (shaders/heatmap.frag) with a legend, the trajectory projected on
// the slice, critical points, an optional gradient-flow direction field and a hover readout. For r = 1 the
// landscape is the curve L(m), m = <w, w*> ∈ [−1, 1].
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "explorer.h"
#include "grassflow/landscape.h"
#include "grassflow_shaders.h"
#include "panel.h"
#include "plot.h"
#include "renderer.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

constexpr int kGrid = 128;

// Value of the grid at slice coordinates (bilinear).
double sample(const Landscape& g, double x, double y) {
  const double u = std::clamp((x - g.x_min) / (g.x_max - g.x_min), 0.0, 1.0) * (g.n - 1);
  const double v = std::clamp((y - g.y_min) / (g.y_max - g.y_min), 0.0, 1.0) * (g.n - 1);
  const int i = std::min(static_cast<int>(u), g.n - 2), j = std::min(static_cast<int>(v), g.n - 2);
  const double fu = u - i, fv = v - j;
  auto at = [&](int a, int b) { return g.values[static_cast<std::size_t>(b * g.n + a)]; };
  return (1 - fv) * ((1 - fu) * at(i, j) + fu * at(i + 1, j)) + fv * ((1 - fu) * at(i, j + 1) + fu * at(i + 1, j + 1));
}

class LandscapePanel final : public Panel {
 public:
  explicit LandscapePanel(Renderer& renderer)
      : heatmap_(renderer, {kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_heatmap_frag}),
        target_(renderer),
        legend_(renderer),
        values_(renderer),
        ramp_(renderer) {}
  const char* title(const Explorer&) const override { return "Loss landscape"; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;
  /// "landscape": {for (objective/slice), min, max, critical_points (count), compute_ms, grid (points a side:
  /// 64 while M moves, 128 once it rests)}, once a grid exists.
  void add_to_snapshot(nlohmann::json& snapshot) const override;

 private:
  Program heatmap_;
  RenderTarget target_, legend_;
  FloatTexture values_, ramp_;
  bool ramp_ready_ = false;
  bool rotation_slice_ = false;  ///< planted: (alignment, rotation) instead of the principal-cosine plane
  bool direction_field_ = false;
  bool log_colour_ = false;
  std::unique_ptr<LandscapeSlice> slice_;
  Landscape grid_;
  GridRefresh refresh_;  ///< of the grid: its key is the objective, the slice kind and the run
};

void LandscapePanel::draw(Explorer& explorer, const PanelFrame& frame) {
  const float ui_scale = frame.ui_scale;
  const Run& run = explorer.experiment()->active();
  const int r = run.objective().r();
  const bool planted = run.objective().kind() == ObjectiveKind::planted;

  if (r == 1) {
    const std::vector<double> profile = loss_profile(run.objective(), 201);
    std::vector<double> ms(profile.size());
    for (std::size_t i = 0; i < ms.size(); ++i) ms[i] = -1.0 + 2.0 * static_cast<double>(i) / 200.0;
    double top = 0;
    for (double v : profile) top = std::max(top, v);
    Plot plot("##profile", ImGui::GetContentRegionAvail(), {-1, 1, false}, {0, top * 1.05 + 1e-12, false},
              "m = <w, w*>", planted ? "planted loss" : "joint loss");
    plot.line(ms, profile, series_colour(0));
    const double m = run.current().M(0, 0);
    plot.point(m, run.current().loss, series_colour(1), 5.0f * ui_scale);
    plot.vline(0.0, active_palette().reference, "equator", true);
    if (plot.finish())
      ImGui::SetTooltip("m = %.4g\nloss = %.6g", plot.mouse_x(),
                        run.objective().loss(Eigen::MatrixXd::Constant(1, 1, plot.mouse_x())));
    return;
  }

  if (planted) {
    ImGui::Checkbox("(alignment, rotation) plane", &rotation_slice_);
    ImGui::SameLine();
  } else {
    rotation_slice_ = false;
  }
  ImGui::Checkbox("flow field", &direction_field_);
  ImGui::SameLine();
  ImGui::Checkbox("log colour", &log_colour_);

  const SliceKind kind = rotation_slice_ ? SliceKind::alignment_rotation : SliceKind::principal_cosines;
  const std::string key = std::string(run.objective().name()) + (rotation_slice_ ? "/rotation" : "/cosines") + "/" +
                          std::to_string(reinterpret_cast<std::uintptr_t>(&run));
  const Eigen::MatrixXd& M = run.current().M;
  // A moving M on a grid of half the resolution (a quarter of the cost), on GridRefresh's schedule (widgets.h);
  // once M rests (paused, converged), the full grid.
  const auto start = GridRefresh::Clock::now();
  const bool refine = refresh_.at_rest(M) && grid_.n < kGrid && refresh_.since_ms() >= 100.0;
  if (refresh_.due(key, M) || refine) {
    const int n = refresh_.new_key(key) || refine ? kGrid : kGrid / 2;
    slice_ = std::make_unique<LandscapeSlice>(run.objective(), kind, M);
    grid_ = slice_->compute(n);
    std::vector<float> values(grid_.values.begin(), grid_.values.end());
    values_.upload(n, n, values);
    refresh_.computed(key, M, start);
  }
  const Landscape& g = grid_;
  const LandscapeSlice& slice = *slice_;

  const ProgramHandle heatmap = heatmap_.get();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float font = ImGui::GetFontSize();
  const float legend_w = 3.2f * font;
  // The key under the picture, wrapped to the panel's width: the picture takes what is left, so that nothing
  // scrolls or is cut.
  static constexpr const char* kKey = "ring: minimum, square: maximum, x: saddle, dot: M(t)";
  const float key_h = ImGui::CalcTextSize(kKey, nullptr, false, avail.x).y + ImGui::GetStyle().ItemSpacing.y;
  const float side = std::max(64.0f, std::min(avail.x - legend_w - 2.5f * font, avail.y - 1.6f * font - key_h));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 image_min(origin.x + 3.0f * font, origin.y);
  if (!heatmap) {
    ImGui::TextWrapped("The heatmap shader failed: %s", heatmap_.error().c_str());
    return;
  }
  // Losses are ≥ 0: a rounding-level negative minimum (-4e-16) is shown as 0.
  double lo = std::fabs(g.min_value) < 1e-12 * std::max(1.0, g.max_value) ? 0.0 : g.min_value, hi = g.max_value;
  if (log_colour_) {
    lo = std::log10(std::max(g.min_value, 1e-12 * std::max(1e-300, g.max_value)));
    hi = std::log10(std::max(g.max_value, 1e-300));
  }
  if (!(hi > lo)) hi = lo + 1;
  const int px = static_cast<int>(side);
  target_.draw(px, px,
               {heatmap,
                values_.handle(),
                "u_values",
                {Uniform::vec2("u_range", static_cast<float>(lo), static_cast<float>(hi)),
                 Uniform::int1("u_log", log_colour_ ? 1 : 0)}});
  ImGui::SetCursorScreenPos(image_min);
  ImGui::Image(target_.image(), ImVec2(side, side), ImVec2(0, 1), ImVec2(1, 0));
  const bool hovered = ImGui::IsItemHovered();

  ImDrawList* draw = ImGui::GetWindowDrawList();
  auto to_screen = [&](double x, double y) {
    return ImVec2(image_min.x + static_cast<float>((x - g.x_min) / (g.x_max - g.x_min)) * side,
                  image_min.y + side - static_cast<float>((y - g.y_min) / (g.y_max - g.y_min)) * side);
  };
  draw->PushClipRect(image_min, ImVec2(image_min.x + side, image_min.y + side), true);
  if (direction_field_) {
    const int cells = 16;
    const double hx = (g.x_max - g.x_min) / cells, hy = (g.y_max - g.y_min) / cells;
    for (int j = 0; j < cells; ++j)
      for (int i = 0; i < cells; ++i) {
        const double x = g.x_min + (i + 0.5) * hx, y = g.y_min + (j + 0.5) * hy;
        const double gx = (sample(g, x + 0.25 * hx, y) - sample(g, x - 0.25 * hx, y)) / (0.5 * hx);
        const double gy = (sample(g, x, y + 0.25 * hy) - sample(g, x, y - 0.25 * hy)) / (0.5 * hy);
        // Descent direction in screen space (y up), drawn with a fixed length.
        const double sx = -gx * hx, sy = -gy * hy, norm = std::hypot(sx, sy);
        if (norm < 1e-300) continue;
        const ImVec2 c = to_screen(x, y);
        const float len = 0.4f * side / cells;
        const ImVec2 tip(c.x + static_cast<float>(sx / norm) * len, c.y - static_cast<float>(sy / norm) * len);
        overlay_line(draw, c, tip, 1.0f * ui_scale, 0.75f * ui_scale);
        overlay_circle(draw, tip, 1.5f * ui_scale, 0.0f, 0.75f * ui_scale);
      }
  }
  std::vector<ImVec2> path;
  for (const Sample& s : run.history()) {
    const Eigen::Vector2d c = slice.coordinates(s.M);
    path.push_back(to_screen(c(0), c(1)));
  }
  // Overlays are a light core on a dark halo, told apart by shape (theme.h): the trajectory a line, M(t) a
  // disc with the palette's accent, minima rings, maxima squares, saddles crosses.
  const float halo = 1.0f * ui_scale;
  if (path.size() >= 2) overlay_polyline(draw, path.data(), static_cast<int>(path.size()), 2.0f * ui_scale, halo);
  for (const CriticalPoint& cp : g.critical_points) {
    const ImVec2 p = to_screen(cp.x, cp.y);
    const float s = 4.0f * ui_scale;
    if (cp.type == CriticalPoint::Type::saddle) {
      overlay_line(draw, ImVec2(p.x - s, p.y - s), ImVec2(p.x + s, p.y + s), 2.0f * ui_scale, halo);
      overlay_line(draw, ImVec2(p.x - s, p.y + s), ImVec2(p.x + s, p.y - s), 2.0f * ui_scale, halo);
    } else if (cp.type == CriticalPoint::Type::maximum) {
      const ImVec2 square[5] = {ImVec2(p.x - s, p.y - s), ImVec2(p.x + s, p.y - s), ImVec2(p.x + s, p.y + s),
                                ImVec2(p.x - s, p.y + s), ImVec2(p.x - s, p.y - s)};
      overlay_polyline(draw, square, 5, 2.0f * ui_scale, halo);
    } else {
      overlay_circle(draw, p, s, 2.0f * ui_scale, halo);
    }
  }
  draw->PopClipRect();
  // M(t) last and unclipped: whole at the map's corners and edges (a converged M sits on one).
  const Eigen::Vector2d now = slice.coordinates(M);
  const ImVec2 now_at = to_screen(now(0), now(1));
  overlay_circle(draw, now_at, 5.0f * ui_scale, 0.0f, halo);
  draw->AddCircleFilled(now_at, 2.8f * ui_scale, active_palette().marker);

  // Axes labels and the colour legend (the same shader over a ramp).
  const ImU32 text = active_palette().text_dim;
  // The principal-cosine plane varies the two smallest cosines, θ_{r−1} and θ_r (LandscapeSlice).
  const std::string x_name =
      rotation_slice_ ? "alignment a" : (planted ? "signed " : "") + ("cos θ" + std::to_string(r - 1));
  const std::string y_name = rotation_slice_ ? "φ" : "cos θ" + std::to_string(r);
  const char* x_label = x_name.c_str();
  const char* y_label = y_name.c_str();
  char range[64];
  const float below = image_min.y + side + 0.15f * font;
  std::snprintf(range, sizeof range, "%.3g", g.x_min);
  draw->AddText(ImVec2(image_min.x, below), text, range);
  std::snprintf(range, sizeof range, "%.3g", g.x_max);
  draw->AddText(ImVec2(image_min.x + side - ImGui::CalcTextSize(range).x, below), text, range);
  draw->AddText(ImVec2(image_min.x + (side - ImGui::CalcTextSize(x_label).x) / 2, below), text, x_label);
  draw->AddText(ImVec2(origin.x, image_min.y + side / 2 - font / 2), text, y_label);
  std::snprintf(range, sizeof range, "%.3g", g.y_max);
  draw->AddText(ImVec2(image_min.x - ImGui::CalcTextSize(range).x - 3, image_min.y), text, range);
  std::snprintf(range, sizeof range, "%.3g", g.y_min);
  draw->AddText(ImVec2(image_min.x - ImGui::CalcTextSize(range).x - 3, image_min.y + side - font), text, range);

  const ImVec2 legend_min(image_min.x + side + 0.6f * font, image_min.y);
  const float legend_bar_w = 0.9f * font;
  // The legend: the same shader over a ramp texture, so the colours match the heatmap exactly.
  if (!ramp_ready_) {
    std::vector<float> ramp(64);
    for (int i = 0; i < 64; ++i) ramp[static_cast<std::size_t>(i)] = static_cast<float>(i) / 63.0f;
    ramp_.upload(1, 64, ramp);
    ramp_ready_ = true;
  }
  legend_.draw(
      8, static_cast<int>(side),
      {heatmap, ramp_.handle(), "u_values", {Uniform::vec2("u_range", 0.0f, 1.0f), Uniform::int1("u_log", 0)}});
  draw->AddImage(legend_.image(), legend_min, ImVec2(legend_min.x + legend_bar_w, legend_min.y + side), ImVec2(0, 1),
                 ImVec2(1, 0));
  std::snprintf(range, sizeof range, log_colour_ ? "1e%.1f" : "%.3g", hi);
  draw->AddText(ImVec2(legend_min.x + legend_bar_w + 2, legend_min.y), text, range);
  std::snprintf(range, sizeof range, log_colour_ ? "1e%.1f" : "%.3g", lo);
  draw->AddText(ImVec2(legend_min.x + legend_bar_w + 2, legend_min.y + side - font), text, range);

  if (hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const double x = g.x_min + (m.x - image_min.x) / side * (g.x_max - g.x_min);
    const double y = g.y_min + (image_min.y + side - m.y) / side * (g.y_max - g.y_min);
    ImGui::SetTooltip("%s = %.4g\n%s = %.4g\nloss = %.6g", x_label, x, y_label, y,
                      run.objective().loss(slice.overlap(x, y)));
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, image_min.y + side + 1.4f * font));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", kKey);
  ImGui::PopStyleColor();
}

void LandscapePanel::add_to_snapshot(nlohmann::json& snapshot) const {
  const std::string& computed_for = refresh_.key();
  if (computed_for.empty()) return;
  snapshot["landscape"] = {{"for", computed_for.substr(0, computed_for.rfind('/'))},
                           {"min", grid_.min_value},
                           {"max", grid_.max_value},
                           {"critical_points", grid_.critical_points.size()},
                           {"compute_ms", refresh_.cost_ms()},
                           {"grid", grid_.n}};
}

}  // namespace

std::unique_ptr<Panel> make_landscape_panel(Renderer& renderer) {
  return std::make_unique<LandscapePanel>(renderer);
}

}  // namespace grassflow::app
