#include "widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace grassflow::app {

Axis time_axis(const Simulation& e, const AppState& state) {
  const bool log = state.log_time;
  Axis a;
  a.log = log;
  if (state.t_max_shown > 0) {  // t-range: fixed
    a.min = log && state.t_min <= 0 ? std::min(1e-2, state.t_max_shown / 100) : state.t_min;
    a.max = state.t_max_shown;
    return a;
  }
  double t_end = 1.0;
  for (const auto& run : e.runs()) t_end = std::max(t_end, run->shown_time());
  a.min = log ? 1e-2 : 0.0;
  a.max = log ? std::pow(10.0, std::ceil(std::log10(t_end * 1.5))) : t_end * 1.05;
  return a;
}

float run_thickness(const Simulation& e, const Run& run) {
  return &run == &e.active() ? 2.2f : 1.2f;
}

void overlap_matrix(const Run& run) {
  const Eigen::MatrixXd& M = run.current().M;
  const int r = static_cast<int>(M.rows());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float cell =
      std::clamp((ImGui::GetContentRegionAvail().x * 0.45f) / static_cast<float>(r), font * 1.5f, font * 5);
  const Palette& palette = active_palette();
  ImGui::TextWrapped("M(t) = W(t)'W*  (blue < 0 < red)");
  const ImVec2 at = ImGui::GetCursorScreenPos();
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) {
      const float v = static_cast<float>(std::clamp(M(i, j), -1.0, 1.0));
      const ImU32 colour = v >= 0 ? mix(palette.matrix_zero, palette.matrix_positive, v)
                                  : mix(palette.matrix_zero, palette.matrix_negative, -v);
      const ImVec2 p0(at.x + static_cast<float>(j) * cell, at.y + static_cast<float>(i) * cell);
      draw->AddRectFilled(p0, ImVec2(p0.x + cell - 2, p0.y + cell - 2), colour);
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", M(i, j));
      draw->AddText(ImVec2(p0.x + 3, p0.y + (cell - font) / 2), text_on(colour), text);
    }
  ImGui::Dummy(ImVec2(cell * static_cast<float>(r), cell * static_cast<float>(r)));
  ImGui::TextUnformatted("principal cosines");
  const Eigen::VectorXd& c = run.current().cosines;
  for (int k = 0; k < r; ++k) {
    char label[32];
    std::snprintf(label, sizeof label, "cos θ%d = %.4f", k + 1, c(k));
    // The value beside the bar, not on it: no text colour reads on every fill (theme.h).
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(series_colour(k)));
    ImGui::ProgressBar(static_cast<float>(c(k)), ImVec2(ImGui::GetContentRegionAvail().x * 0.45f, 0), "");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
  }
}

void overlay_polyline(ImDrawList* draw, const ImVec2* points, int count, float thickness, float halo) {
  const Palette& palette = active_palette();
  draw->AddPolyline(points, count, palette.overlay_halo, 0, thickness + 2 * halo);
  draw->AddPolyline(points, count, palette.overlay, 0, thickness);
}

void overlay_line(ImDrawList* draw, ImVec2 a, ImVec2 b, float thickness, float halo) {
  const ImVec2 points[2] = {a, b};
  overlay_polyline(draw, points, 2, thickness, halo);
}

void overlay_circle(ImDrawList* draw, ImVec2 centre, float radius, float thickness, float halo) {
  const Palette& palette = active_palette();
  if (thickness <= 0) {
    draw->AddCircleFilled(centre, radius + halo, palette.overlay_halo);
    draw->AddCircleFilled(centre, radius, palette.overlay);
  } else {
    draw->AddCircle(centre, radius, palette.overlay_halo, 0, thickness + 2 * halo);
    draw->AddCircle(centre, radius, palette.overlay, 0, thickness);
  }
}

void overlay_text(ImDrawList* draw, ImVec2 at, const char* text, float halo) {
  const Palette& palette = active_palette();
  for (int dx = -1; dx <= 1; ++dx)
    for (int dy = -1; dy <= 1; ++dy)
      if (dx || dy)
        draw->AddText(ImVec2(at.x + static_cast<float>(dx) * halo, at.y + static_cast<float>(dy) * halo),
                      palette.overlay_halo, text);
  draw->AddText(at, palette.overlay, text);
}

}  // namespace grassflow::app
