// The grassflow explorer: one Dear ImGui front end driven by the core. The native entry (native/app_main.cpp)
// and the web entry (web/main.cpp) own the window and GL context and call `frame()` once per frame; the
// app holds the views' state and never touches the platform.
//
// Index (grep "[SECTION]" in app.cpp):
//   [SECTION] State and construction
//   [SECTION] Frame: layout, panels, status bar
#pragma once

#include <string>
#include <vector>

namespace grassflow::app {

/// What the entry point tells the app about the platform; shown in the status bar.
struct Platform {
  std::string name;        ///< "native" or "web"
  std::string gl_version;  ///< GL_VERSION string
};

class App {
 public:
  /// `state` is a URL-hash style string ("panels=cosines,loss&..."); bad keys are reported in the app.
  App(Platform platform, const std::string& state);

  /// Builds and lays out every visible panel for a framebuffer of width×height pixels at `ui_scale`
  /// (device pixel ratio × user zoom). Call between ImGui::NewFrame() and ImGui::Render().
  void frame(float width, float height, float ui_scale);

  /// Number of frames drawn so far.
  long frames() const { return frames_; }

 private:
  Platform platform_;
  std::vector<std::string> panels_;
  std::vector<std::string> messages_;
  long frames_ = 0;
};

}  // namespace grassflow::app
