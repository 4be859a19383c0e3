// Internal to the app: the explorer's model (state, experiment) and one draw function per panel. Each panel
// lives in its own file named for its id (view_controls.cpp, view_cosines.cpp, view_landscape.cpp, ...),
// with the GL resources it owns.
#pragma once

#include <imgui.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "gl.h"
#include "grassflow/landscape.h"
#include "simulation.h"
#include "state.h"

namespace grassflow::app {

/// GL programs shared by the views, built on first use (a failure is shown in the panel, not fatal).
struct Programs {
  GLuint heatmap = 0, sphere = 0;
  std::string error;
  bool tried = false;
  void ensure();
};

class Views {
 public:
  Views(Platform& platform, const ParsedState& parsed);

  /// Applies a new state: keeps `problems` for display; restarts the experiment if it changed. A state whose
  /// experiment cannot be built (bad link, r > d, ...) is reported and the previous experiment kept.
  void apply(const ParsedState& parsed);
  void advance(double wall_seconds);
  void draw_panel(const std::string& id, float ui_scale);
  void draw_status_bar();
  void handle_shortcuts();
  std::string snapshot_json() const;
  void reset();

  AppState state;
  std::vector<std::string> problems;  ///< URL/API/experiment problems, shown until the next change
  bool playing = true;
  bool step_requested = false;
  Platform& platform;
  std::vector<double> frame_ms;  ///< CPU time of recent frames (for the performance report)
  std::unique_ptr<Simulation> experiment;
  std::string screenshot_request;  ///< set by the export button; the App saves the next frame

  // Per-view state.
  Programs programs;
  struct LandscapeView {
    gl::RenderTarget target, legend;
    gl::FloatTexture values, ramp;
    bool ramp_ready = false;
    bool rotation_slice = false;  ///< planted: (alignment, rotation) instead of the principal-cosine plane
    bool direction_field = false;
    bool log_colour = false;
    std::unique_ptr<LandscapeSlice> slice;
    Landscape grid;
    Eigen::MatrixXd computed_at;  ///< the M the grid was computed through
    std::string computed_for;     ///< objective + slice kind the grid belongs to
    double compute_ms = 0;
    std::chrono::steady_clock::time_point computed_when;  ///< when the grid was last computed
  } landscape;
  struct SphereView {
    gl::RenderTarget target;
    gl::FloatTexture profile;
    std::string profile_for;
    float yaw = 0.6f, pitch = 0.35f;
  } sphere;
  struct ControlsView {
    char link[512] = {0};
    std::string link_error;
    char M0[256] = {0};
    std::string M0_error;
    bool synced = false;  ///< text fields loaded from state
  } controls;

 private:
  void draw_controls();
  void draw_cosines();
  void draw_loss();
  void draw_landscape(float ui_scale);
  void draw_sphere(float ui_scale);
  void draw_matrix();
  void draw_link();
  void draw_help();
  void publish();
  void export_trajectory(const std::string& format);
};

}  // namespace grassflow::app
