// Internal to the app: the explorer's model (state, runs) and one draw function per panel. Each panel's
// drawing lives in its own file named for the panel id (view_controls.cpp, view_cosines.cpp, ...).
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "app.h"
#include "state.h"

namespace grassflow::app {

class Views {
 public:
  Views(Platform& platform, const ParsedState& parsed);

  /// Applies a new state: keeps `problems` for display, restarts runs if the experiment changed.
  void apply(const ParsedState& parsed);
  void advance(double wall_seconds);
  void draw_panel(const std::string& id, float ui_scale);
  void draw_status_bar();
  void handle_shortcuts();
  std::string snapshot_json() const;

  AppState state;
  std::vector<std::string> problems;  ///< URL/API problems, shown until the next successful change
  bool playing = true;
  Platform& platform;
  std::vector<double> frame_ms;  ///< CPU time of recent frames (ring, for the performance report)

 private:
  void draw_controls();
  void draw_help();
  void publish();
};

}  // namespace grassflow::app
