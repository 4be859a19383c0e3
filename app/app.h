// The grassflow explorer: one Dear ImGui front end driven by the core. The native entry (native/app_main.cpp)
// and the web entry (web/main.cpp) own the window and the GL context, hand the app a Renderer (gl.h) and call
// `frame()` then, after ImGui has rendered, `after_render()`. The app owns the Explorer (the model: state,
// experiment, player; explorer.h) and one instance of every registered Panel (panel.h), places the visible
// panels' windows and draws the status bar; it never touches the platform except through the small `Platform`
// hooks the entry points fill in. Tests run it with a NullRenderer and no ImGui backend (tests/app/).
//
// Index (grep "[SECTION]" in app.cpp):
//   [SECTION] State and construction
//   [SECTION] Frame: time stepping, layout, panels, status bar
//   [SECTION] Scripting: state in and out, snapshots, events
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plot.h"
#include "state.h"

namespace grassflow::app {

class Explorer;
class Panel;
class Renderer;

/// What the entry point provides: identity for the status bar, and the few platform actions.
struct Platform {
  std::string name;        ///< "native" or "web"
  std::string gl_version;  ///< GL_VERSION string
  /// Saves bytes under a suggested file name (native: writes the file; web: a browser download).
  std::function<void(const std::string& name, const std::string& mime, const std::vector<unsigned char>& bytes)> save;
  /// Copies text to the clipboard (web: navigator.clipboard; native: GLFW's clipboard).
  std::function<void(const std::string& text)> copy;
  /// Publishes the canonical URL state (web: location.hash without a new history entry).
  std::function<void(const std::string& hash)> publish_state;
  /// The page's address without its hash (web: location's origin, path and query; unset natively): what
  /// "Copy link" puts before the state's hash.
  std::function<std::string()> page_url;
  /// Emits an event (JSON) to listeners (web: grassflow.on(...) and the embedding page).
  std::function<void(const std::string& json)> emit;
};

class App {
 public:
  /// `renderer` draws the panels' pictures (make_gl_renderer() in the entry points, a NullRenderer in tests).
  /// `query` and `hash` are URL-style state strings (state.h); problems are shown in the app, never fatal.
  App(Platform platform, std::unique_ptr<Renderer> renderer, const std::string& query, const std::string& hash);
  ~App();

  /// Call before ImGui::NewFrame (never inside a frame): makes the font and style follow the state's theme and
  /// scale (theme.h: ui_scale) for a figure `height` layout units high on a display whose own scale is
  /// `display_scale` (web: devicePixelRatio; native: the monitor's content scale over the framebuffer's pixels
  /// per window unit), rebuilding them (fonts.h: configure_ui) when either changed. Returns true when the font
  /// atlas was rebuilt: the renderer backend must then recreate its font texture. The scale chosen is ui_scale().
  bool prepare_frame(float display_scale, float height);
  /// The UI scale the last prepare_frame chose (layout units per base unit; pass it to frame()); 0 before.
  float ui_scale() const { return configured_scale_; }

  /// Advances the simulation by one frame (`wall_seconds` since the previous frame, used unless the state
  /// fixes `dt`) and builds every visible panel for a framebuffer of width×height layout units at `ui_scale`
  /// (ui_scale(): layout units per base unit; marker sizes and the sidebar scale with it): tiled, or on a
  /// narrow canvas (layout.h: shows_tabs) one at a time under a row of tabs. Call between ImGui::NewFrame() and
  /// ImGui::Render().
  void frame(float width, float height, float ui_scale, double wall_seconds);
  /// Call after ImGui's draw data is rendered into the default framebuffer (PNG export reads it here).
  void after_render(int framebuffer_width, int framebuffer_height);

  /// Merges a URL-style string into the current state (keys not given keep their values; the scripting
  /// API's set). Bad keys or values are reported and the last good values kept. Restarts the run when the
  /// experiment changed.
  void set_state(const std::string& hash);
  /// Replaces the state by the page's query plus `hash` (the user edited the URL: hashchange).
  void replace_state(const std::string& hash);
  /// The canonical URL state.
  std::string state_hash() const;
  /// JSON: Explorer::snapshot ({hash, problems, playing, t, loss, cosines, escape_times, status, M, frame_ms:
  /// {median, p95}, ...}; with compare=1 also "runs", with n > 0 "samples") plus what panels add ("landscape"),
  /// and "ui_scale" (ui_scale(): the font is 15 × ui_scale pixels).
  std::string snapshot_json() const;
  /// Saves the next rendered frame as PNG through Platform::save.
  void request_screenshot(const std::string& file_name);
  /// Saves one panel for slides through Platform::save, at the theme and scale in use: "png", the panel's window
  /// as the next frame but one draws it ("grassflow-ID.png"; the frame that asked may still show the menu);
  /// "svg", each of its line plots of the last frame (plot.h: plot_svg; "grassflow-ID.svg", then
  /// "grassflow-ID-2.svg", ...). Returns false, saving nothing, when the panel was not drawn in the last frame
  /// or, for "svg", has no line plot. The panels' right-click menu calls it.
  bool export_panel(const std::string& id, const std::string& format);

  /// Where the last frame drew each panel's tab (layout units; empty unless the canvas was narrow: layout.h,
  /// shows_tabs), by panel id: a tap there shows that panel.
  const std::map<std::string, Rect>& tab_rects() const { return tab_rects_; }

  /// The model and its player: the entry points' scripting API calls reset(), play(), pause(), step_by(dt).
  Explorer& explorer() { return *explorer_; }
  long frames() const { return frames_; }

 private:
  Panel* find_panel(const std::string& id);
  // The panels `ids` in their windows `rects` (one per id; w = 0: not drawn).
  void draw_panels(const std::vector<std::string>& ids, const std::vector<Rect>& rects, float ui_scale);
  void draw_panel(Panel& panel, float ui_scale);
  // A narrow canvas (layout.h: shows_tabs): the row of tabs at the top, one per panel of `ids`; sets tab_ to
  // the one picked. Returns the row's height.
  float draw_tab_strip(const std::vector<std::string>& ids, float width);
  // `with_build`: the version, platform and SIMD before the runs (left out on a narrow canvas).
  void draw_status_bar(bool with_build);

  Platform platform_;
  std::string query_;
  std::unique_ptr<Renderer> renderer_;  // declared before the panels: it outlives their resources
  std::unique_ptr<Explorer> explorer_;
  std::vector<std::unique_ptr<Panel>> panels_;  // one per registered panel, in registry order
  long frames_ = 0;
  std::string pending_screenshot_;
  Rect pending_region_;                                         // of the screenshot (w = 0: the whole frame)
  int pending_frames_ = 0;                                      // frames to render before taking it
  std::map<std::string, Rect> panel_rects_;                     // each panel's window in the last frame
  std::map<std::string, std::vector<PlotRecord>> panel_plots_;  // and its plots
  float configured_scale_ = 0;                                  // what prepare_frame last gave configure_ui (0: never)
  Theme configured_theme_ = Theme::dark;
  std::string tab_;                        // the panel shown on a narrow canvas
  std::map<std::string, Rect> tab_rects_;  // and where its tabs were drawn
};

}  // namespace grassflow::app
