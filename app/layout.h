// Tiled panel layout. Dear ImGui 1.86 has no docking (TOOLCHAIN.md), so panels are plain windows placed by
// this function: a controls column on the left, the views tiled in a grid to its right, a status bar below.
// Recomputed every frame from the canvas size, so resizing the window or the browser tab re-tiles.
#pragma once

#include <string>
#include <vector>

namespace grassflow::app {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

/// Panel ids in display order: the names used by the URL key `panels` (comma-separated).
const std::vector<std::string>& all_panel_ids();

/// Rectangles (pixels, origin top-left) for the visible panels in `ids` (unknown ids are skipped), on a
/// canvas of width×height with a status bar of `status_height` at the bottom. `controls` gets a fixed-width
/// left column (scaled by `ui_scale`) when present; the other views share a grid of columns × rows chosen
/// to keep panels close to 4:3. Returns one Rect per entry of `ids`, in the same order (w = h = 0 if hidden).
std::vector<Rect> tile_panels(const std::vector<std::string>& ids, float width, float height, float status_height,
                              float ui_scale);

}  // namespace grassflow::app
