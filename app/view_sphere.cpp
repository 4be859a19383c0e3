// [sphere] (r = 1): the sphere spanned by w*, w(t) and one more direction (exactly S² when d = 3), coloured
// by the active objective's loss as a function of m = <w, w*> (shaders/sphere.frag), with w*'s axis, the
// equator and the path of w(t); drag to rotate. The joint loss is symmetric under w → −w (it lives on the
// projective plane), the planted one is not: toggling the objective shows why planted can be trapped.
// [matrix] (any r): M(t) as a small heatmap and the principal cosines as bars.
#include <cmath>

#include "plot.h"
#include "views.h"

namespace grassflow::app {

namespace {

struct Mat3 {
  float m[9];  // column-major, as glUniformMatrix3fv expects
  float operator()(int row, int col) const { return m[col * 3 + row]; }
};

// world = R · view with R = Rz(yaw) · Rx(π/2 − pitch): w* = e_z points up the screen at pitch = 0.
Mat3 view_rotation(float yaw, float pitch) {
  const float a = 1.5707963f - pitch;
  const float cy = std::cos(yaw), sy = std::sin(yaw), cp = std::cos(a), sp = std::sin(a);
  // Rz(yaw) = [cy -sy 0; sy cy 0; 0 0 1], Rx(a) = [1 0 0; 0 cp -sp; 0 sp cp]
  const float R[3][3] = {{cy, -sy * cp, sy * sp}, {sy, cy * cp, -cy * sp}, {0, sp, cp}};
  Mat3 out{};
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 3; ++col) out.m[col * 3 + row] = R[row][col];
  return out;
}

}  // namespace

void Views::draw_sphere(float ui_scale) {
  const Run& run = experiment->active();
  if (run.objective().r() != 1) {
    ImGui::TextWrapped(
        "The sphere shows single-index targets (r = 1): pick he2, he3, tanh, relu or trap. For r = %d, the "
        "Grassmannian's coordinates are the principal angles: see the cosines, the landscape and the matrix panel.",
        run.objective().r());
    draw_matrix();
    return;
  }
  programs.ensure();
  if (!programs.sphere) {
    ImGui::TextWrapped("The sphere shader failed: %s", programs.error.c_str());
    return;
  }
  const std::string key = std::string(run.objective().name()) + std::to_string(reinterpret_cast<std::uintptr_t>(&run));
  if (sphere.profile_for != key) {
    const std::vector<double> profile = loss_profile(run.objective(), 256);
    double top = 1e-300;
    for (double v : profile) top = std::max(top, v);
    std::vector<float> normalised;
    for (double v : profile) normalised.push_back(static_cast<float>(v / top));
    sphere.profile.upload(256, 1, normalised);
    sphere.profile_for = key;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(64.0f, std::min(avail.x, avail.y - 1.4f * ImGui::GetFontSize()));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 image_min(origin.x + (avail.x - side) / 2, origin.y);
  const Mat3 R = view_rotation(sphere.yaw, sphere.pitch);

  const int px = static_cast<int>(side);
  sphere.target.begin(px, px);
  glUseProgram(programs.sphere);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, sphere.profile.id());
  glUniform1i(glGetUniformLocation(programs.sphere, "u_profile"), 0);
  glUniformMatrix3fv(glGetUniformLocation(programs.sphere, "u_rotation"), 1, GL_FALSE, R.m);
  glUniform3f(glGetUniformLocation(programs.sphere, "u_target"), 0.0f, 0.0f, 1.0f);
  gl::draw_fullscreen_quad();
  sphere.target.end();
  ImGui::SetCursorScreenPos(image_min);
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(sphere.target.texture())), ImVec2(side, side),
               ImVec2(0, 1), ImVec2(1, 0));
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    const ImVec2 delta = ImGui::GetIO().MouseDelta;
    sphere.yaw -= delta.x * 0.01f;
    sphere.pitch = std::clamp(sphere.pitch + delta.y * 0.01f, -1.5f, 1.5f);
  }

  // Overlays: project world points with view = Rᵀ·world; hidden (z < 0) parts dimmed.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 centre(image_min.x + side / 2, image_min.y + side / 2);
  const float radius = side / 2;
  auto project = [&](double x, double y, double z, bool& front) {
    const float vx = static_cast<float>(R(0, 0) * x + R(1, 0) * y + R(2, 0) * z);
    const float vy = static_cast<float>(R(0, 1) * x + R(1, 1) * y + R(2, 1) * z);
    const float vz = static_cast<float>(R(0, 2) * x + R(1, 2) * y + R(2, 2) * z);
    front = vz >= 0;
    return ImVec2(centre.x + vx * radius, centre.y - vy * radius);
  };
  auto curve = [&](auto point_at, int n, ImU32 colour, float width) {
    bool front_prev = false;
    ImVec2 prev = project(0, 0, 0, front_prev);
    for (int i = 0; i <= n; ++i) {
      double p[3];
      point_at(static_cast<double>(i) / n, p);
      bool front = false;
      const ImVec2 q = project(p[0], p[1], p[2], front);
      if (i > 0) draw->AddLine(prev, q, front && front_prev ? colour : (colour & 0x00FFFFFF) | 0x40000000, width);
      prev = q;
      front_prev = front;
    }
  };
  curve(
      [](double s, double* p) {
        p[0] = std::cos(6.283185307 * s);
        p[1] = std::sin(6.283185307 * s);
        p[2] = 0;
      },
      96, IM_COL32(255, 255, 255, 200), 1.5f);  // equator: w ⟂ w*
  curve(
      [](double s, double* p) {
        p[0] = 0;
        p[1] = 0;
        p[2] = 2.4 * s - 1.2;
      },
      2, IM_COL32(255, 90, 90, 255), 2.5f);
  bool front = false;
  draw->AddText(project(0, 0, 1.25, front), IM_COL32(255, 120, 120, 255), "w*");
  // w(t) = (√(1 − m²), 0, m) in the plane of w* and the first direction of w(0) ⟂ w*.
  std::vector<double> ms;
  for (const Sample& s : run.history()) ms.push_back(s.M(0, 0));
  if (ms.size() >= 2)
    curve(
        [&](double s, double* p) {
          const double m = ms[static_cast<std::size_t>(std::lround(s * static_cast<double>(ms.size() - 1)))];
          p[0] = std::sqrt(std::max(0.0, 1 - m * m));
          p[1] = 0;
          p[2] = m;
        },
        static_cast<int>(ms.size() - 1), IM_COL32(255, 230, 80, 255), 2.5f);
  const double m = run.current().M(0, 0);
  const ImVec2 w = project(std::sqrt(std::max(0.0, 1 - m * m)), 0, m, front);
  draw->AddCircleFilled(w, 5.0f * ui_scale, front ? IM_COL32(255, 230, 80, 255) : IM_COL32(255, 230, 80, 90));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, image_min.y + side + 0.2f * ImGui::GetFontSize()));
  ImGui::TextDisabled("%s loss (bright = high), w(t) yellow, m = %.3g; drag to rotate", run.objective().name(), m);
}

void Views::draw_matrix() {
  const Run& run = experiment->active();
  const Eigen::MatrixXd& M = run.current().M;
  const int r = static_cast<int>(M.rows());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float cell =
      std::clamp((ImGui::GetContentRegionAvail().x * 0.45f) / static_cast<float>(r), font * 1.5f, font * 5);
  ImGui::TextUnformatted("M(t) = W(t)'W*  (blue < 0 < red)");
  const ImVec2 at = ImGui::GetCursorScreenPos();
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) {
      const float v = static_cast<float>(std::clamp(M(i, j), -1.0, 1.0));
      const ImU32 colour = v >= 0 ? ImGui::ColorConvertFloat4ToU32(ImVec4(0.25f + 0.7f * v, 0.25f, 0.25f, 1))
                                  : ImGui::ColorConvertFloat4ToU32(ImVec4(0.25f, 0.25f, 0.25f - 0.7f * v, 1));
      const ImVec2 p0(at.x + static_cast<float>(j) * cell, at.y + static_cast<float>(i) * cell);
      draw->AddRectFilled(p0, ImVec2(p0.x + cell - 2, p0.y + cell - 2), colour);
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", M(i, j));
      draw->AddText(ImVec2(p0.x + 3, p0.y + (cell - font) / 2), IM_COL32(240, 240, 240, 255), text);
    }
  ImGui::Dummy(ImVec2(cell * static_cast<float>(r), cell * static_cast<float>(r)));
  ImGui::TextUnformatted("principal cosines");
  const Eigen::VectorXd& c = run.current().cosines;
  for (int k = 0; k < r; ++k) {
    char label[32];
    std::snprintf(label, sizeof label, "cos θ%d = %.4f", k + 1, c(k));
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(series_colour(k)));
    ImGui::ProgressBar(static_cast<float>(c(k)), ImVec2(-1, 0), label);
    ImGui::PopStyleColor();
  }
}

}  // namespace grassflow::app
