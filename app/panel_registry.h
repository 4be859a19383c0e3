// The one list of the explorer's panels. Everything that names panels reads it: the URL key `panels` (state.cpp,
// through layout.h's all_panel_ids), the layout (the sidebar column), the set shown when the URL names none, the
// controls' panel checkboxes, the app's instances (panel_registry.cpp), and tests/app/test_frames.cpp, which
// checks web/README.md's list against it. Adding a panel is one file, app/panel_<id>.cpp (a Panel subclass and
// its factory make_<id>_panel, panel.h), and one line below.
//
// Header-only and free of ImGui on purpose: the URL parser and its fuzz targets (tests/fuzz) read the ids without
// linking the panels.
#pragma once

#include <string>
#include <vector>

namespace grassflow::app {

// One line per panel, in display order: X(id, shown, placement).
//   id         the URL id (lower case, no ','); also names app/panel_<id>.cpp and make_<id>_panel
//   shown      by_default: in the set shown when the URL has no `panels`; on_request: only when named
//   placement  sidebar: the fixed-width column at the left, left out in embed mode; tiled: the grid
// Ids are URL contracts: `sphere` is the Grassmannian for every r (the sphere at r = 1, the disk or ball of
// span(W*) at r = 2, 3, the principal angles beyond; panel_sphere.h), its title following r.
#define GRASSFLOW_PANELS(X)        \
  X(controls, by_default, sidebar) \
  X(cosines, by_default, tiled)    \
  X(loss, by_default, tiled)       \
  X(landscape, by_default, tiled)  \
  X(sphere, by_default, tiled)     \
  X(matrix, on_request, tiled)     \
  X(link, by_default, tiled)       \
  X(help, on_request, tiled)

/// What is known of a panel before one exists (one line of GRASSFLOW_PANELS).
struct PanelType {
  enum class Shown { by_default, on_request };
  enum class Placement { sidebar, tiled };
  const char* id;
  Shown shown;
  Placement placement;
};

/// Every panel type, in display order.
inline const std::vector<PanelType>& panel_types() {
#define GRASSFLOW_PANEL_TYPE(id, shown, placement) \
  PanelType{#id, PanelType::Shown::shown, PanelType::Placement::placement},
  static const std::vector<PanelType> types = {GRASSFLOW_PANELS(GRASSFLOW_PANEL_TYPE)};
#undef GRASSFLOW_PANEL_TYPE
  return types;
}

/// The type registered under `id`, or nullptr for an id no panel has.
inline const PanelType* find_panel_type(const std::string& id) {
  for (const PanelType& type : panel_types())
    if (id == type.id) return &type;
  return nullptr;
}

/// The panels shown when the URL names none, in display order.
inline std::vector<std::string> default_panel_ids() {
  std::vector<std::string> ids;
  for (const PanelType& type : panel_types())
    if (type.shown == PanelType::Shown::by_default) ids.push_back(type.id);
  return ids;
}

}  // namespace grassflow::app
