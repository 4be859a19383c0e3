// [sphere]: the Grassmannian itself, for every r (GrassmannianView, panel_sphere.h). r = 1: the sphere spanned by
// w*, w(t) and one more direction (exactly S² when d = 3), coloured by the active objective's loss as a function
// of m = <w, w*> (shaders/sphere.frag), with w*'s axis, the equator and the path of w(t); drag to rotate. The
// joint loss is symmetric under w → −w (it lives on the projective plane), the planted one is not: toggling the
// objective shows why planted can be trapped. r = 2, 3: the learned directions as paths in the unit disk / ball
// of span(W*) in its principal frame (grassmannian.h), the r = 2 disk over the loss (shaders/disk.frag). r ≥ 4:
// the principal cosines as parallel coordinates. The URL id stays `sphere` (a contract); the title follows r.
#include "panel_sphere.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "explorer.h"
#include "grassflow/landscape.h"
#include "grassflow_shaders.h"
#include "grassmannian.h"
#include "layout.h"
#include "panel.h"
#include "renderer.h"
#include "theme.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

// The panel's colours by role, all from the active theme (theme.h); the one place this file chooses colours.
// Over the colormap (the sphere, the r = 2 disk) everything is drawn on the palette's dark halo; the learned
// directions use the direction colours (series), w(t) on the sphere and the boundary the overlay colour.
struct Colours {
  ImU32 halo;          ///< under every path, marker and label drawn over the colormap
  ImU32 overlay;       ///< w(t), w* and the equator on the sphere; the disk's boundary circle (W*)
  ImU32 frame;         ///< the r = 3 views' circles, the parallel axes, labels off the colormap
  ImU32 guide;         ///< principal axes, the cos² = ½ ring, grid lines
  ImU32 dim;           ///< secondary labels ("equator", tick labels)
  ImU32 older, newer;  ///< the parallel coordinates' polylines, oldest and newest recorded
  ImU32 now;           ///< the current polyline of the parallel coordinates
  ImU32 direction(int k) const { return series_colour(k); }  ///< learned direction w_{k+1}
};
Colours colours() {
  const Palette& p = active_palette();
  return {p.overlay_halo,
          p.overlay,
          p.text,
          p.grid,
          p.text_dim,
          (mix(p.window, p.series[0], 0.5f) & 0x00FFFFFF) | 0x50000000,
          (p.series[0] & 0x00FFFFFF) | 0xD0000000,
          p.text};
}

constexpr int kMaxPathPoints = 2000;  // vertices per path at most, whatever the view's size
constexpr int kDiskGrid = 64;         // the r = 2 background's loss grid, kDiskGrid² cells over [−1, 1]²
constexpr float kSqrtHalf = 0.70710678f;

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

// The path bound a view of `pixels` (its longer side) asks for: two vertices a pixel, at most kMaxPathPoints.
int path_budget(float pixels) {
  return std::clamp(static_cast<int>(2.0f * pixels), 64, kMaxPathPoints);
}

// A polyline over a dark outline (ImDrawList::AddPolyline, twice).
void outlined_polyline(ImDrawList* draw, const std::vector<ImVec2>& points, ImU32 colour, float width) {
  if (points.size() < 2) return;
  const int n = static_cast<int>(points.size());
  draw->AddPolyline(points.data(), n, colours().halo, 0, width + 2.5f);
  draw->AddPolyline(points.data(), n, colour, 0, width);
}

// A filled marker over a dark ring.
void marker(ImDrawList* draw, ImVec2 at, ImU32 colour, float radius) {
  draw->AddCircleFilled(at, radius + 1.5f, colours().halo, 16);
  draw->AddCircleFilled(at, radius, colour, 16);
}

// Text in `colour`, over the halo colour one pixel wider all round when `halo` (on the colormap).
void label_text(ImDrawList* draw, ImVec2 at, ImU32 colour, const char* text, bool halo) {
  if (halo)
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy)
        if (dx || dy)
          draw->AddText(ImVec2(at.x + static_cast<float>(dx), at.y + static_cast<float>(dy)), colours().halo, text);
  draw->AddText(at, colour, text);
}

// Where a label goes: `wanted` moved down by `step_y` until it overlaps none of `taken` and stays inside
// `bounds` (the wanted place if none is free); appended to `taken`.
Rect place_apart(std::vector<Rect>& taken, Rect wanted, float step_y, const Rect& bounds) {
  for (Rect at = wanted; step_y > 0 && at.y + at.h <= bounds.y + bounds.h; at.y += step_y)
    if (std::none_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(t, at); })) {
      taken.push_back(at);
      return at;
    }
  taken.push_back(wanted);
  return wanted;
}

// The caption under a picture: wrapped to the window, in the disabled text colour; its height is reserved
// before the picture is sized, so it is never clipped.
float caption_height(const std::string& text) {
  return ImGui::CalcTextSize(text.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y +
         ImGui::GetStyle().ItemSpacing.y;
}
void caption(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

}  // namespace

struct GrassmannianView::State {
  explicit State(Renderer& renderer)
      : sphere(renderer, {kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_sphere_frag}),
        disk(renderer, {kShader_fullscreen_vert}, {kShader_colormap_glsl, kShader_disk_frag}),
        sphere_target(renderer),
        disk_target(renderer),
        profile(renderer),
        disk_values(renderer) {}

  Program sphere, disk;
  RenderTarget sphere_target, disk_target;
  FloatTexture profile, disk_values;
  std::string profile_for;  ///< the objective (and run) the sphere's profile texture was made for
  float yaw = 0.6f, pitch = 0.35f;
  int background_row = 0;          ///< r = 2: the direction moved across the disk by the background's loss
  GridRefresh background_refresh;  ///< of the disk's loss grid: its key is the objective, the run and the row moved
  GrassmannianDrawn drawn;

  void draw_sphere(const GrassmannianTrajectory& run, float ui_scale);
  void draw_balls(const GrassmannianTrajectory& run, float ui_scale);
  void update_background(const GrassmannianTrajectory& run, const Eigen::MatrixXd& V);
  void draw_parallel(const GrassmannianTrajectory& run, float ui_scale);
};

GrassmannianView::GrassmannianView(Renderer& renderer) : state_(std::make_unique<State>(renderer)) {}
GrassmannianView::~GrassmannianView() = default;

const char* GrassmannianView::title(int r) {
  switch (r) {
    case 1:
      return "Sphere";
    case 2:
      return "Grassmannian: disk of span(W*)";
    case 3:
      return "Grassmannian: ball of span(W*)";
    default:
      return r >= 4 ? "Grassmannian: principal angles" : "Grassmannian";
  }
}

const GrassmannianDrawn& GrassmannianView::drawn() const {
  return state_->drawn;
}

void GrassmannianView::draw(const Run& run, float ui_scale) {
  draw(GrassmannianTrajectory(run.objective(), run.history(), &run), ui_scale);
}

void GrassmannianView::draw(const GrassmannianTrajectory& run, float ui_scale) {
  if (run.history().empty()) return;
  const int r = run.objective().r();
  if (r == 1)
    state_->draw_sphere(run, ui_scale);
  else if (r <= 3)
    state_->draw_balls(run, ui_scale);
  else
    state_->draw_parallel(run, ui_scale);
}

//-----------------------------------------------------------------------------
// r = 1: the sphere
//-----------------------------------------------------------------------------

void GrassmannianView::State::draw_sphere(const GrassmannianTrajectory& run, float ui_scale) {
  drawn = {"sphere", 0, 0, 1, 0.0};
  const ProgramHandle program = sphere.get();
  if (!program) {
    ImGui::TextWrapped("The sphere shader failed: %s", sphere.error().c_str());
    return;
  }
  const std::string key =
      std::string(run.objective().name()) + std::to_string(reinterpret_cast<std::uintptr_t>(run.identity()));
  if (profile_for != key) {
    const std::vector<double> values = loss_profile(run.objective(), 256);
    double top = 1e-300;
    for (double v : values) top = std::max(top, v);
    std::vector<float> normalised;
    for (double v : values) normalised.push_back(static_cast<float>(v / top));
    profile.upload(256, 1, normalised);
    profile_for = key;
  }
  const double m_now = run.current().M(0, 0);
  char text[256];
  std::snprintf(text, sizeof text,
                "m = <w, w*> = %.3g. %s loss on the sphere (bright = high); w(t) thick; white: w*, equator. Drag to "
                "rotate.",
                m_now, run.objective().name());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(64.0f, std::min(avail.x, avail.y - caption_height(text)));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 image_min(origin.x + std::max(0.0f, avail.x - side) / 2, origin.y);
  const ImVec2 image_max(image_min.x + side, image_min.y + side);
  const Mat3 R = view_rotation(yaw, pitch);

  const int px = static_cast<int>(side);
  sphere_target.draw(px, px,
                     {program,
                      profile.handle(),
                      "u_profile",
                      {Uniform::mat3("u_rotation", R.m), Uniform::vec3("u_target", 0.0f, 0.0f, 1.0f)}});
  ImGui::SetCursorScreenPos(image_min);
  ImGui::Image(sphere_target.image(), ImVec2(side, side), ImVec2(0, 1), ImVec2(1, 0));
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive())
    ImGui::SetTooltip(
        "The sphere through w*, w(0) and one more direction: w(t) stays on its great circle through w*,\n"
        "at height m = <w, w*> (the pole: w = w*; the equator: w ⊥ w*). The joint loss is even in m,\n"
        "the planted one is not. Hollow circle: start; dot: now (faint when on the back).");
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    const ImVec2 delta = ImGui::GetIO().MouseDelta;
    yaw -= delta.x * 0.01f;
    pitch = std::clamp(pitch + delta.y * 0.01f, -1.5f, 1.5f);
  }

  // Overlays: project world points with view = Rᵀ·world; hidden (z < 0) parts dimmed.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(image_min, image_max, true);
  const ImVec2 centre(image_min.x + side / 2, image_min.y + side / 2);
  const float radius = side / 2;
  auto project = [&](double x, double y, double z, bool& front) {
    const float vx = static_cast<float>(R(0, 0) * x + R(1, 0) * y + R(2, 0) * z);
    const float vy = static_cast<float>(R(0, 1) * x + R(1, 1) * y + R(2, 1) * z);
    const float vz = static_cast<float>(R(0, 2) * x + R(1, 2) * y + R(2, 2) * z);
    front = vz >= 0;
    return ImVec2(centre.x + vx * radius, centre.y - vy * radius);
  };
  // A curve through world points, in runs of segments on the same side of the sphere: the front opaque, the
  // back faint; with `outlined`, over a dark outline.
  auto curve = [&](const std::vector<Eigen::Vector3d>& points, ImU32 colour, float width, bool outlined) {
    std::vector<ImVec2> run_points;
    bool run_front = false;
    auto flush = [&] {
      // The far side thin (theme.h: overlays differ by shape and thickness, not by colour).
      const float w = (run_front ? width : 0.5f * width) * ui_scale;
      if (outlined) {
        outlined_polyline(draw, run_points, colour, w);
      } else if (run_points.size() >= 2) {
        draw->AddPolyline(run_points.data(), static_cast<int>(run_points.size()), colour, 0, w);
      }
      run_points.clear();
    };
    bool front_prev = false;
    ImVec2 prev;
    for (std::size_t i = 0; i < points.size(); ++i) {
      bool front = false;
      const ImVec2 q = project(points[i](0), points[i](1), points[i](2), front);
      if (i > 0) {
        const bool segment_front = front && front_prev;
        if (run_points.empty() || segment_front != run_front) {
          flush();
          run_front = segment_front;
          run_points.push_back(prev);
        }
        run_points.push_back(q);
      }
      prev = q;
      front_prev = front;
    }
    flush();
  };
  std::vector<Eigen::Vector3d> equator;
  for (int i = 0; i <= 96; ++i)
    equator.emplace_back(std::cos(6.283185307 * i / 96), std::sin(6.283185307 * i / 96), 0.0);
  const Colours c = colours();
  curve(equator, c.overlay, 1.0f, true);  // w ⊥ w*
  curve({Eigen::Vector3d(0, 0, -1.2), Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(0, 0, 1.2)}, c.overlay, 2.0f, true);
  bool front = false;
  const ImVec2 star = project(0, 0, 1.08, front);
  const ImVec2 star_size = ImGui::CalcTextSize("w*");
  label_text(draw,
             ImVec2(std::clamp(star.x + 4, image_min.x + 2, image_max.x - star_size.x - 2),
                    std::clamp(star.y - star_size.y, image_min.y + 2, image_max.y - star_size.y - 2)),
             c.overlay, "w*", true);
  // w(t) = (√(1 − m²), 0, m) in the plane of w* and the first direction of w(0) ⊥ w*, decimated.
  drawn.max_path_points = path_budget(side);
  drawn.side = side;
  const std::vector<Sample>& history = run.history();
  std::vector<Eigen::Vector3d> path;
  for (std::size_t i : decimate(history.size(), static_cast<std::size_t>(drawn.max_path_points))) {
    const double m = history[i].M(0, 0);
    path.emplace_back(std::sqrt(std::max(0.0, 1 - m * m)), 0.0, m);
  }
  drawn.path_points = static_cast<int>(path.size());
  curve(path, c.overlay, 3.0f, true);
  if (!path.empty())
    draw->AddCircle(project(path.front()(0), path.front()(1), path.front()(2), front), 3.5f * ui_scale, c.overlay, 12,
                    1.5f);
  const ImVec2 w = project(std::sqrt(std::max(0.0, 1 - m_now * m_now)), 0, m_now, front);
  marker(draw, w, c.overlay, (front ? 5.0f : 3.0f) * ui_scale);
  draw->AddCircleFilled(w, 2.5f * ui_scale, active_palette().marker);
  draw->PopClipRect();
  ImGui::SetCursorScreenPos(ImVec2(origin.x, image_max.y + ImGui::GetStyle().ItemSpacing.y));
  caption(text);
}

//-----------------------------------------------------------------------------
// r = 2, 3: the disk and the ball of span(W*)
//-----------------------------------------------------------------------------

void GrassmannianView::State::update_background(const GrassmannianTrajectory& run, const Eigen::MatrixXd& V) {
  const Eigen::MatrixXd& M = run.current().M;
  const std::string key = std::string(run.objective().name()) + "/" +
                          std::to_string(reinterpret_cast<std::uintptr_t>(run.identity())) + "/" +
                          std::to_string(background_row);
  // On GridRefresh's schedule (widgets.h), as the landscape.
  if (!background_refresh.due(key, M)) return;
  const auto start = GridRefresh::Clock::now();
  std::vector<double> values(static_cast<std::size_t>(kDiskGrid * kDiskGrid));
  double lo = 1e300, hi = -1e300;
  Eigen::VectorXd p(2);
  for (int j = 0; j < kDiskGrid; ++j)
    for (int i = 0; i < kDiskGrid; ++i) {
      p << -1.0 + (2.0 * i + 1.0) / kDiskGrid, -1.0 + (2.0 * j + 1.0) / kDiskGrid;
      const double v = run.objective().loss(with_row_at(M, background_row, p, V));
      values[static_cast<std::size_t>(j * kDiskGrid + i)] = v;
      if (p.squaredNorm() <= 1.0 && std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  if (!(hi > lo)) hi = lo + 1;
  std::vector<float> normalised;
  normalised.reserve(values.size());
  for (double v : values) normalised.push_back(static_cast<float>(std::clamp((v - lo) / (hi - lo), 0.0, 1.0)));
  disk_values.upload(kDiskGrid, kDiskGrid, normalised);
  background_refresh.computed(key, M, start);
}

void GrassmannianView::State::draw_balls(const GrassmannianTrajectory& run, float ui_scale) {
  const int r = run.objective().r();
  drawn = {r == 2 ? "disk" : "ball", 0, 0, r == 2 ? 2 : 6, 0.0};
  const float font = ImGui::GetFontSize();
  const Eigen::MatrixXd& M = run.current().M;
  const Eigen::MatrixXd V = principal_frame(M);
  if (r == 2) {
    ImGui::TextUnformatted("loss with");
    for (int k = 0; k < 2; ++k) {
      ImGui::SameLine();
      char label[32];
      std::snprintf(label, sizeof label, "w%d moved", k + 1);
      ImGui::RadioButton(label, &background_row, k);
    }
  }
  char text[512];
  if (r == 2)
    std::snprintf(text, sizeof text,
                  "Rows of M(t) in span(W*)'s principal frame: centre = equator, circle = W*. Background: %s loss, "
                  "w%d moved, w%d fixed (bright = high).",
                  run.objective().name(), background_row + 1, 2 - background_row);
  else
    std::snprintf(text, sizeof text,
                  "Rows of M(t) in span(W*)'s principal frame, the ball seen along v3 and along v2: centre = equator, "
                  "circle = W*.");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float below = caption_height(text);
  const float gap = font;
  // r = 3: two views side by side or stacked, whichever makes them larger.
  const int views = r == 2 ? 1 : 2;
  const float wide =
      std::min((avail.x - gap * static_cast<float>(views - 1)) / static_cast<float>(views), avail.y - below);
  const float tall =
      std::min(avail.x, (avail.y - below - gap * static_cast<float>(views - 1)) / static_cast<float>(views));
  const bool stacked = views > 1 && tall > wide;
  const float side = std::max(64.0f, stacked ? tall : wide);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float block_w = stacked ? side : side * static_cast<float>(views) + gap * static_cast<float>(views - 1);
  const float block_h = stacked ? side * static_cast<float>(views) + gap * static_cast<float>(views - 1) : side;
  const ImVec2 block_min(origin.x + std::max(0.0f, avail.x - block_w) / 2, origin.y);

  // The learned directions' coordinates along the path, decimated, in the current principal frame.
  drawn.max_path_points = path_budget(side);
  drawn.side = side;
  const std::vector<Sample>& history = run.history();
  std::vector<Eigen::MatrixXd> coordinates;
  for (std::size_t i : decimate(history.size(), static_cast<std::size_t>(drawn.max_path_points)))
    coordinates.push_back(disk_coordinates(history[i].M, V));
  drawn.path_points = static_cast<int>(coordinates.size());
  const Eigen::MatrixXd now = disk_coordinates(M, V);

  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (r == 2) {
    update_background(run, V);
    drawn.background_ms = background_refresh.cost_ms();
    if (const ProgramHandle program = disk.get()) {
      const int px = static_cast<int>(side);
      disk_target.draw(px, px, {program, disk_values.handle(), "u_values", {}});
      draw->AddImage(disk_target.image(), block_min, ImVec2(block_min.x + side, block_min.y + side), ImVec2(0, 1),
                     ImVec2(1, 0));
    }
  }
  for (int view = 0; view < views; ++view) {
    const int a = 0, b = view == 0 ? 1 : 2;  // the principal axes shown: (v1, v2), then (v1, v3)
    const ImVec2 min(block_min.x + (stacked ? 0.0f : static_cast<float>(view) * (side + gap)),
                     block_min.y + (stacked ? static_cast<float>(view) * (side + gap) : 0.0f));
    const ImVec2 max(min.x + side, min.y + side);
    const ImVec2 centre(min.x + side / 2, min.y + side / 2);
    const float radius = side / 2 - 2.0f;
    auto to_screen = [&](double x, double y) {
      return ImVec2(centre.x + static_cast<float>(x) * radius, centre.y - static_cast<float>(y) * radius);
    };
    draw->PushClipRect(min, max, true);
    const Colours c = colours();
    const bool on_map = r == 2;  // the disk's loss under everything: halos
    draw->AddLine(ImVec2(centre.x - radius, centre.y), ImVec2(centre.x + radius, centre.y), c.guide);
    draw->AddLine(ImVec2(centre.x, centre.y - radius), ImVec2(centre.x, centre.y + radius), c.guide);
    draw->AddCircle(centre, kSqrtHalf * radius, c.guide, 64, 1.0f);
    if (on_map) draw->AddCircle(centre, radius, c.halo, 96, 3.5f);
    draw->AddCircle(centre, radius, on_map ? c.overlay : c.frame, 96, 1.5f);
    for (int i = 0; i < r; ++i) {
      std::vector<ImVec2> points;
      points.reserve(coordinates.size());
      for (const Eigen::MatrixXd& x : coordinates) points.push_back(to_screen(x(i, a), x(i, b)));
      const ImU32 colour = c.direction(i);
      outlined_polyline(draw, points, colour, 2.0f);
      if (!points.empty()) draw->AddCircle(points.front(), 3.0f * ui_scale, colour, 12, 1.5f);
      marker(draw, to_screen(now(i, a), now(i, b)), colour, 4.5f * ui_scale);
    }
    // Labels, none on another (place_apart): the axes and W* where they belong, each direction's name
    // next to its current point (stepping down past the names already placed), "equator" where room is left.
    const Rect bounds{min.x, min.y, side, side};
    std::vector<Rect> taken;
    auto label_at = [&](float x, float y, const char* label, ImU32 colour, float step_y, bool halo) {
      const ImVec2 size = ImGui::CalcTextSize(label);
      const Rect at = place_apart(taken, {x, y, size.x, size.y}, step_y, bounds);
      label_text(draw, ImVec2(at.x, at.y), colour, label, halo);
    };
    char axis[24];
    std::snprintf(axis, sizeof axis, "v%d", a + 1);
    label_at(centre.x + radius - ImGui::CalcTextSize(axis).x - 4, centre.y + 2, axis, on_map ? c.overlay : c.frame,
             0.0f, on_map);
    std::snprintf(axis, sizeof axis, "v%d", b + 1);
    label_at(centre.x + 4, centre.y - radius + 2, axis, on_map ? c.overlay : c.frame, 0.0f, on_map);
    label_at(min.x + 2, min.y + 2, "W*", c.frame, 0.0f, false);  // in the corner, off the disk's map
    for (int i = 0; i < r; ++i) {
      char name[24];
      std::snprintf(name, sizeof name, "w%d", i + 1);
      const ImVec2 at = to_screen(now(i, a), now(i, b));
      label_at(std::min(at.x + 6 * ui_scale, max.x - ImGui::CalcTextSize(name).x - 2), std::max(min.y, at.y - font - 2),
               name, c.direction(i), 0.5f * font, on_map);
    }
    const ImVec2 equator_size = ImGui::CalcTextSize("equator");
    const Rect equator{centre.x - equator_size.x - 4, centre.y + 2, equator_size.x, equator_size.y};
    if (std::none_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(t, equator); }))
      label_text(draw, ImVec2(equator.x, equator.y), on_map ? c.overlay : c.dim, "equator", on_map);
    draw->PopClipRect();
  }
  ImGui::SetCursorScreenPos(block_min);
  ImGui::Dummy(ImVec2(block_w, block_h));
  if (ImGui::IsItemHovered()) {
    char more[160] = "";
    if (r == 2)
      std::snprintf(more, sizeof more,
                    "\nBackground: the loss with w%d moved across the disk and w%d fixed at its current row.",
                    background_row + 1, 2 - background_row);
    ImGui::SetTooltip(
        "Row i of M = W'W* is w_i's projection on span(W*), drawn along its principal directions v1..v%d\n"
        "(the right singular vectors of M, by decreasing principal cosine). Its radius is the cosine of the\n"
        "angle between w_i and span(W*): 0 at the centre (the equator, nothing learned), 1 on the circle\n"
        "(w_i in span(W*)). Faint ring: cos² = ½, the escape level. Hollow circle: start; dot: now.%s",
        r, more);
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, block_min.y + block_h + ImGui::GetStyle().ItemSpacing.y));
  caption(text);
}

//-----------------------------------------------------------------------------
// r ≥ 4: parallel coordinates of the principal cosines
//-----------------------------------------------------------------------------

void GrassmannianView::State::draw_parallel(const GrassmannianTrajectory& run, float ui_scale) {
  const int r = run.objective().r();
  drawn = {"parallel", 0, 0, r, 0.0};
  const float font = ImGui::GetFontSize();
  char text[384];
  std::snprintf(text, sizeof text,
                "Principal cosines cos θ1 ≥ … ≥ cos θ%d in parallel coordinates, one line per recorded time (older "
                "fainter, bold = now, t = %.3g); 0 = equator, 1 = W*.",
                r, run.shown_time());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float height = std::max(64.0f, avail.y - caption_height(text));
  const float left = origin.x + 2.2f * font, right = origin.x + std::max(avail.x, 4.0f * font) - 0.5f * font;
  const float top = origin.y + 0.6f * font, bottom = origin.y + height - 1.6f * font;
  auto x_of = [&](int k) { return left + (right - left) * (static_cast<float>(k) + 0.5f) / static_cast<float>(r); };
  auto y_of = [&](double c) { return bottom - static_cast<float>(std::clamp(c, 0.0, 1.0)) * (bottom - top); };
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const Colours c = colours();
  const ImU32 label = c.dim;
  for (double value : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    const float y = y_of(value);
    draw->AddLine(ImVec2(left, y), ImVec2(right, y), c.guide);
    char tick[24];
    std::snprintf(tick, sizeof tick, "%g", value);
    draw->AddText(ImVec2(left - ImGui::CalcTextSize(tick).x - 0.3f * font, y - font / 2), label, tick);
  }
  for (int k = 0; k < r; ++k) {
    const float x = x_of(k);
    draw->AddLine(ImVec2(x, top), ImVec2(x, bottom), c.frame, 1.5f);
    char name[32];
    std::snprintf(name, sizeof name, "cos θ%d", k + 1);
    draw->AddText(ImVec2(x - ImGui::CalcTextSize(name).x / 2, bottom + 0.3f * font), label, name);
  }
  // One polyline per decimated recorded time, from faint (oldest) to bright (newest); then the current one.
  drawn.max_path_points = std::clamp(static_cast<int>((bottom - top) / 3.0f), 16, 200);
  const std::vector<Sample>& history = run.history();
  const std::vector<std::size_t> times = decimate(history.size(), static_cast<std::size_t>(drawn.max_path_points));
  drawn.path_points = static_cast<int>(times.size());
  const ImVec4 older = ImGui::ColorConvertU32ToFloat4(c.older), newer = ImGui::ColorConvertU32ToFloat4(c.newer);
  std::vector<ImVec2> points(static_cast<std::size_t>(r));
  draw->PushClipRect(ImVec2(left - 4, top - 4), ImVec2(right + 4, bottom + 4), true);
  for (std::size_t n = 0; n + 1 < times.size(); ++n) {
    const float f = static_cast<float>(n) / static_cast<float>(std::max<std::size_t>(1, times.size() - 2));
    const ImVec4 mixed(older.x + f * (newer.x - older.x), older.y + f * (newer.y - older.y),
                       older.z + f * (newer.z - older.z), older.w + f * (newer.w - older.w));
    const std::vector<double>& cosines = history[times[n]].cosines;
    for (int k = 0; k < r; ++k)
      points[static_cast<std::size_t>(k)] = ImVec2(x_of(k), y_of(cosines[static_cast<std::size_t>(k)]));
    draw->AddPolyline(points.data(), r, ImGui::ColorConvertFloat4ToU32(mixed), 0, 1.0f);
  }
  const std::vector<double>& cosines = run.current().cosines;
  for (int k = 0; k < r; ++k)
    points[static_cast<std::size_t>(k)] = ImVec2(x_of(k), y_of(cosines[static_cast<std::size_t>(k)]));
  draw->AddPolyline(points.data(), r, c.now, 0, 3.0f * ui_scale);
  for (const ImVec2& p : points) draw->AddCircleFilled(p, 3.5f * ui_scale, c.now);
  draw->PopClipRect();
  ImGui::Dummy(ImVec2(avail.x, height));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "The principal cosines cos θ_i (the singular values of M = W'W*) say how much of span(W*) is learned,\n"
        "whatever the learner's frame. Each line crosses the r axes at one recorded time; the escapes show as\n"
        "lines leaving the bottom one axis after another.");
  caption(text);
}

namespace {

class SpherePanel final : public Panel {
 public:
  explicit SpherePanel(Renderer& renderer) : view_(renderer) {}
  /// Follows the r of the current experiment (the sphere's without one).
  const char* title(const Explorer& explorer) const override {
    return GrassmannianView::title(explorer.experiment() ? explorer.experiment()->active().objective().r() : 1);
  }
  void draw(Explorer& explorer, const PanelFrame& frame) override {
    view_.draw(explorer.experiment()->active(), frame.ui_scale);
  }
  /// "grassmannian": {view ("sphere", "disk", "ball" or "parallel"), max_path_points, path_points, side (the
  /// picture's, layout units)}, and background_ms for the disk.
  void add_to_snapshot(nlohmann::json& snapshot) const override {
    const GrassmannianDrawn& d = view_.drawn();
    if (d.view.empty()) return;
    snapshot["grassmannian"] = {
        {"view", d.view}, {"max_path_points", d.max_path_points}, {"path_points", d.path_points}, {"side", d.side}};
    if (d.view == "disk") snapshot["grassmannian"]["background_ms"] = d.background_ms;
  }

 private:
  GrassmannianView view_;
};

}  // namespace

std::unique_ptr<Panel> make_sphere_panel(Renderer& renderer) {
  return std::make_unique<SpherePanel>(renderer);
}

}  // namespace grassflow::app
