// [sphere] (r = 1): the sphere spanned by w*, w(t) and one more direction (exactly S² when d = 3), coloured
// by the active objective's loss as a function of m = <w, w*> (shaders/sphere.frag), with w*'s axis, the
// equator and the path of w(t); drag to rotate. The joint loss is symmetric under w → −w (it lives on the
// projective plane), the planted one is not: toggling the objective shows why planted can be trapped.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "explorer.h"
#include "grassflow/landscape.h"
#include "grassflow_shaders.h"
#include "panel.h"
#include "renderer.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

struct Mat3 {
  float m[9];  // column-major, as a GLSL mat3 uniform expects
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

class SpherePanel final : public Panel {
 public:
  explicit SpherePanel(Renderer& renderer)
      : sphere_(renderer, {kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_sphere_frag}),
        target_(renderer),
        profile_(renderer) {}
  const char* title() const override { return "Sphere"; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;

 private:
  Program sphere_;
  RenderTarget target_;
  FloatTexture profile_;
  std::string profile_for_;  ///< the objective (and run) the profile texture was made for
  float yaw_ = 0.6f, pitch_ = 0.35f;
};

void SpherePanel::draw(Explorer& explorer, const PanelFrame& frame) {
  const float ui_scale = frame.ui_scale;
  const Run& run = explorer.experiment()->active();
  if (run.objective().r() != 1) {
    ImGui::TextWrapped(
        "The sphere shows single-index targets (r = 1): pick he2, he3, tanh, relu or trap. For r = %d, the "
        "Grassmannian's coordinates are the principal angles: see the cosines, the landscape and the matrix panel.",
        run.objective().r());
    overlap_matrix(run);
    return;
  }
  const ProgramHandle sphere = sphere_.get();
  if (!sphere) {
    ImGui::TextWrapped("The sphere shader failed: %s", sphere_.error().c_str());
    return;
  }
  const std::string key = std::string(run.objective().name()) + std::to_string(reinterpret_cast<std::uintptr_t>(&run));
  if (profile_for_ != key) {
    const std::vector<double> profile = loss_profile(run.objective(), 256);
    double top = 1e-300;
    for (double v : profile) top = std::max(top, v);
    std::vector<float> normalised;
    for (double v : profile) normalised.push_back(static_cast<float>(v / top));
    profile_.upload(256, 1, normalised);
    profile_for_ = key;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(64.0f, std::min(avail.x, avail.y - 1.4f * ImGui::GetFontSize()));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 image_min(origin.x + (avail.x - side) / 2, origin.y);
  const Mat3 R = view_rotation(yaw_, pitch_);

  const int px = static_cast<int>(side);
  target_.draw(px, px,
               {sphere,
                profile_.handle(),
                "u_profile",
                {Uniform::mat3("u_rotation", R.m), Uniform::vec3("u_target", 0.0f, 0.0f, 1.0f)}});
  ImGui::SetCursorScreenPos(image_min);
  ImGui::Image(target_.image(), ImVec2(side, side), ImVec2(0, 1), ImVec2(1, 0));
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    const ImVec2 delta = ImGui::GetIO().MouseDelta;
    yaw_ -= delta.x * 0.01f;
    pitch_ = std::clamp(pitch_ + delta.y * 0.01f, -1.5f, 1.5f);
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
  auto curve = [&](auto point_at, int n, float width) {
    bool front_prev = false;
    ImVec2 prev = project(0, 0, 0, front_prev);
    for (int i = 0; i <= n; ++i) {
      double p[3];
      point_at(static_cast<double>(i) / n, p);
      bool front = false;
      const ImVec2 q = project(p[0], p[1], p[2], front);
      // The far side's segments are thin (theme.h: overlays differ by shape, not by colour).
      if (i > 0) overlay_line(draw, prev, q, (front && front_prev ? width : 0.5f * width) * ui_scale, ui_scale);
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
      96, 1.0f);  // equator: w ⟂ w*
  curve(
      [](double s, double* p) {
        p[0] = 0;
        p[1] = 0;
        p[2] = 2.4 * s - 1.2;
      },
      2, 2.0f);
  bool front = false;
  overlay_text(draw, project(0, 0, 1.25, front), "w*", ui_scale);
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
        static_cast<int>(ms.size() - 1), 3.0f);
  const double m = run.current().M(0, 0);
  const ImVec2 w = project(std::sqrt(std::max(0.0, 1 - m * m)), 0, m, front);
  overlay_circle(draw, w, (front ? 5.0f : 3.0f) * ui_scale, 0.0f, ui_scale);
  draw->AddCircleFilled(w, 2.8f * ui_scale, active_palette().marker);
  ImGui::SetCursorScreenPos(ImVec2(origin.x, image_min.y + side + 0.2f * ImGui::GetFontSize()));
  ImGui::TextDisabled("%s loss (bright = high), w(t) thick, m = %.3g; drag to rotate", run.objective().name(), m);
}

}  // namespace

std::unique_ptr<Panel> make_sphere_panel(Renderer& renderer) {
  return std::make_unique<SpherePanel>(renderer);
}

}  // namespace grassflow::app
