// Panels as objects: each window of the explorer is one Panel that builds its own UI, draws its own pictures
// through the Renderer (renderer.h) and keeps its own state (view toggles, textures, caches). Panels read and
// drive the model through the Explorer they are handed (explorer.h) and never reach into each other; the App
// places their windows (layout.h) and calls `draw` for the visible ones.
//
// A panel is one file, app/panel_<id>.cpp: a subclass in an anonymous namespace and its factory
//   std::unique_ptr<Panel> make_<id>_panel(Renderer& renderer);
// plus its line in GRASSFLOW_PANELS (panel_registry.h).
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "panel_registry.h"

namespace grassflow::app {

class Explorer;
class Renderer;

/// What a panel is told about the frame besides the explorer.
struct PanelFrame {
  float ui_scale = 1.0f;  ///< layout units per base unit (theme.h: ui_scale); marker sizes scale with it
};

class Panel {
 public:
  Panel() = default;
  Panel(const Panel&) = delete;
  Panel& operator=(const Panel&) = delete;
  virtual ~Panel() = default;

  /// The URL id of the panel's registry line (`panels=` in the URL; the window's ImGui id).
  const char* id() const { return type_->id; }
  const PanelType& type() const { return *type_; }
  /// The window title shown in its title bar, for the explorer's current state (asked before `draw`).
  virtual const char* title(const Explorer& explorer) const = 0;
  /// False for panels that have something to show without an experiment (the controls, the help); the App
  /// shows a notice in the others when the explorer has none.
  virtual bool needs_experiment() const { return true; }
  /// Builds the panel's contents inside its window (the App has called ImGui::Begin and calls ImGui::End).
  /// Runs between ImGui::NewFrame and ImGui::Render; GPU work goes through the panel's Renderer.
  virtual void draw(Explorer& explorer, const PanelFrame& frame) = 0;
  /// Adds the panel's own fields to the scripting API's snapshot (App::snapshot_json); most panels add none.
  virtual void add_to_snapshot(nlohmann::json& snapshot) const { (void)snapshot; }

 private:
  friend std::vector<std::unique_ptr<Panel>> make_panels(Renderer& renderer);
  const PanelType* type_ = nullptr;
};

/// One instance of every registered panel, in registry order, each drawing through `renderer` (which must
/// outlive them). Instances are cheap: GPU resources are made on first draw.
std::vector<std::unique_ptr<Panel>> make_panels(Renderer& renderer);

}  // namespace grassflow::app
