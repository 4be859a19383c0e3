// Layout without ImGui, so that it is testable: the tiled panels (Dear ImGui 1.86 has no docking, docs/toolchain.md,
// so panels are plain windows placed here: a controls column on the left, the views tiled in a grid to its
// right, a status bar below; recomputed every frame from the canvas size, so resizing re-tiles; on a narrow
// canvas, one panel at a time under tabs), and where a
// plot's labels and legend entries go so that none covers another.
#pragma once

#include <string>
#include <vector>

namespace grassflow::app {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

/// Panel ids in display order: the names used by the URL key `panels` (comma-separated), read from the
/// registry (panel_registry.h).
const std::vector<std::string>& all_panel_ids();

/// Rectangles (pixels, origin top-left) for the visible panels in `ids` (unknown ids are skipped), on a
/// canvas of width×height with a status bar of `status_height` at the bottom. A sidebar panel (the controls;
/// panel_registry.h) gets a fixed-width left column (scaled by `ui_scale`) when present; the other views share
/// a grid of columns × rows chosen to keep panels close to 4:3. Returns one Rect per entry of `ids`, in the
/// same order (w = h = 0 if hidden).
std::vector<Rect> tile_panels(const std::vector<std::string>& ids, float width, float height, float status_height,
                              float ui_scale);

/// Whether a canvas of width×height layout units at `ui_scale` (layout units per base unit) shows one panel at
/// a time under a row of tabs rather than tiling them: below 720 base units wide or 480 high (a phone is 390 ×
/// 844 in portrait, 844 × 390 in landscape), where the controls column and a grid of views would leave each view
/// too small to read. Embedded figures always tile.
bool shows_tabs(float width, float height, float ui_scale);

/// True when a and b share interior points (touching edges do not count).
bool overlaps(const Rect& a, const Rect& b);

/// A legend's entries, of widths `widths` (pixels) and height `line`, laid out left to right in rows no wider
/// than `width`, `gap` pixels apart (an entry wider than `width` gets a row of its own). Rectangles relative to
/// the legend's top-left corner, one per entry in order.
std::vector<Rect> legend_layout(const std::vector<float>& widths, float line, float gap, float width);

}  // namespace grassflow::app
